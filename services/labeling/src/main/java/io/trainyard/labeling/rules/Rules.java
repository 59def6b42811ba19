package io.trainyard.labeling.rules;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.datasets.DatasetLabels;
import io.trainyard.stats.LabelingFunctions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Evaluates the labeling functions of a pipeline spec ({@code labeling.rules}) on rows: a rule
 * gives its label to a row when every condition of its {@code when} holds, and abstains otherwise.
 * {@link #labelMatrix} turns rules and rows into the label matrix of {@link LabelingFunctions}.
 *
 * <p>Rows are maps from column to value, the values as {@code ParquetTables.readRows} returns them:
 * {@code Long}, {@code Double}, {@code Boolean}, {@code String} or {@code null}; other numbers
 * ({@code Integer}, {@code BigDecimal}, ...) work as well. Condition values are what the spec's
 * JSON or YAML holds: numbers, booleans, text, and lists for {@code in} / {@code not_in}.
 *
 * <p>The semantics of {@link #holds}:
 *
 * <ul>
 *   <li><b>Missing values.</b> A column that is missing from the row, or whose value is {@code
 *       null}, satisfies {@code is_null} and nothing else: not {@code not_null}, and not {@code ne}
 *       or {@code not_in} either (a missing value satisfies no comparison, as in SQL). Write {@code
 *       is_null} as a separate rule to label missing values.
 *   <li><b>Equality</b> ({@code eq}, {@code ne}, {@code in}, {@code not_in}): two numbers compare
 *       by exact decimal value, whatever their types ({@code Long 1}, {@code Integer 1} and {@code
 *       Double 1.0} are equal; a {@code Double} counts as its shortest decimal form, so {@code 0.1}
 *       equals the decimal {@code 0.1}); two booleans as booleans; any other pair by canonical text
 *       ({@link DatasetLabels#canonical}), case-sensitive: the text {@code "1"} equals the number
 *       {@code 1} and {@code 1.0} (canonical text {@code "1"}), the text {@code "1.0"} equals
 *       neither, the text {@code "true"} equals the boolean {@code true}, and the number {@code 1}
 *       does not equal {@code true}. {@code NaN} equals nothing. A list or object in place of a
 *       single value equals nothing. {@code ne} and {@code not_in} are the negations of {@code eq}
 *       and {@code in} on present values.
 *   <li><b>Order</b> ({@code lt}, {@code le}, {@code gt}, {@code ge}): hold only for a numeric
 *       value, compared by exact decimal value with the condition's number; text (even text that
 *       reads as a number), booleans and {@code NaN} satisfy none of them.
 *   <li><b>Text</b> ({@code contains}, {@code matches}): on the value's canonical text (so {@code
 *       12.50} is {@code "12.5"}, {@code true} is {@code "true"}). {@code contains} is a substring
 *       test ignoring case ({@link String#regionMatches(boolean, int, String, int, int)}); {@code
 *       matches} is {@code Pattern.compile(value).matcher(text).find()}: a match anywhere,
 *       case-sensitive unless the expression says {@code (?i)}. Compiled expressions are cached.
 * </ul>
 *
 * <p>Conditions are checked as {@code PipelineSpecs.rules} checks them: an unknown operator, or a
 * value that does not fit its operator (a number for {@code lt}/{@code le}/{@code gt}/{@code ge}, a
 * list for {@code in}/{@code not_in}, text for {@code contains}, a valid regular expression for
 * {@code matches}, no value for {@code is_null}/{@code not_null}, some value for {@code eq}/{@code
 * ne}) throws {@link IllegalArgumentException}, whatever the row holds. So does a rule without
 * conditions or label.
 */
public final class Rules {

  /** The most compiled regular expressions kept; past it the cache starts over. */
  static final int PATTERN_CACHE_SIZE = 256;

  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private Rules() {}

  /**
   * The rule's label, as canonical text ({@link DatasetLabels#canonical}), when every condition of
   * the rule holds on the row; {@code null} (the rule abstains) when one does not.
   *
   * @throws IllegalArgumentException when the rule has no label or no condition, or a condition is
   *     invalid (the message names the rule and the condition)
   */
  public static String apply(PipelineSpec.Rule rule, Map<String, Object> row) {
    String label = label(rule);
    if (row == null) {
      throw new IllegalArgumentException("the row must not be null");
    }
    checkConditions(rule);
    return allHold(rule, row) ? label : null;
  }

  /**
   * Whether the condition holds on the row (see the class comment for the semantics).
   *
   * @throws IllegalArgumentException when the condition or the row is {@code null}, the operator is
   *     unknown, or the value does not fit the operator
   */
  public static boolean holds(PipelineSpec.Condition c, Map<String, Object> row) {
    if (row == null) {
      throw new IllegalArgumentException("the row must not be null");
    }
    Op op = Op.of(c);
    Object v = row.get(c.column());
    if (v == null) {
      return op == Op.IS_NULL;
    }
    Object value = c.value();
    return switch (op) {
      case IS_NULL -> false;
      case NOT_NULL -> true;
      case EQ -> equal(v, value);
      case NE -> !equal(v, value);
      case LT -> compare(v, (Number) value, cmp -> cmp < 0);
      case LE -> compare(v, (Number) value, cmp -> cmp <= 0);
      case GT -> compare(v, (Number) value, cmp -> cmp > 0);
      case GE -> compare(v, (Number) value, cmp -> cmp >= 0);
      case IN -> in(v, (List<?>) value);
      case NOT_IN -> !in(v, (List<?>) value);
      case CONTAINS -> containsIgnoringCase(text(v), (String) value);
      case MATCHES -> pattern((String) value).matcher(text(v)).find();
    };
  }

  /**
   * The label matrix of the rules on the rows, {@code L[row][rule]}: the index in {@code classes}
   * of the rule's label where the rule holds on the row, else {@link LabelingFunctions#ABSTAIN}.
   * The input of {@link LabelingFunctions}.
   *
   * @param rules the labeling functions, in column order
   * @param rows the rows, in row order
   * @param classes the classes as canonical texts ({@link DatasetLabels#canonical}), in index order
   * @throws IllegalArgumentException when an argument is {@code null} or holds a {@code null}, a
   *     class is listed twice, a rule's label is not among the classes (the message names the rule
   *     and the classes), or a rule is invalid (see {@link #apply})
   */
  public static int[][] labelMatrix(
      List<PipelineSpec.Rule> rules, List<Map<String, Object>> rows, List<String> classes) {
    if (rules == null || rows == null || classes == null) {
      throw new IllegalArgumentException("rules, rows and classes must not be null");
    }
    Map<String, Integer> index = new HashMap<>();
    for (int k = 0; k < classes.size(); k++) {
      String label = classes.get(k);
      if (label == null) {
        throw new IllegalArgumentException("classes[" + k + "] is null");
      }
      if (index.putIfAbsent(label, k) != null) {
        throw new IllegalArgumentException(
            "classes " + classes + " list '" + label + "' more than once");
      }
    }
    int[] labels = new int[rules.size()];
    for (int j = 0; j < rules.size(); j++) {
      PipelineSpec.Rule rule = rules.get(j);
      if (rule == null) {
        throw new IllegalArgumentException("rules[" + j + "] is null");
      }
      String label = label(rule);
      Integer k = index.get(label);
      if (k == null) {
        throw new IllegalArgumentException(
            "rule '"
                + rule.name()
                + "' gives the label '"
                + label
                + "', which is not one of the classes "
                + classes);
      }
      labels[j] = k;
      checkConditions(rule);
    }
    int[][] matrix = new int[rows.size()][rules.size()];
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> row = rows.get(i);
      if (row == null) {
        throw new IllegalArgumentException("rows[" + i + "] is null");
      }
      for (int j = 0; j < rules.size(); j++) {
        matrix[i][j] = allHold(rules.get(j), row) ? labels[j] : LabelingFunctions.ABSTAIN;
      }
    }
    return matrix;
  }

  /** The operators of {@link PipelineSpec.Condition}. */
  private enum Op {
    EQ("eq"),
    NE("ne"),
    LT("lt"),
    LE("le"),
    GT("gt"),
    GE("ge"),
    IN("in"),
    NOT_IN("not_in"),
    CONTAINS("contains"),
    MATCHES("matches"),
    IS_NULL("is_null"),
    NOT_NULL("not_null");

    private static final Map<String, Op> BY_WIRE = new HashMap<>();

    static {
      for (Op op : values()) {
        BY_WIRE.put(op.wire, op);
      }
    }

    private final String wire;

    Op(String wire) {
      this.wire = wire;
    }

    /** The condition's operator, its value checked as {@code PipelineSpecs.rules} does. */
    static Op of(PipelineSpec.Condition c) {
      if (c == null) {
        throw new IllegalArgumentException("the condition must not be null");
      }
      if (c.column() == null) {
        throw new IllegalArgumentException("a condition needs a column");
      }
      Op op = c.op() == null ? null : BY_WIRE.get(c.op());
      if (op == null) {
        throw new IllegalArgumentException(
            "the condition on '"
                + c.column()
                + "' has the unknown operator '"
                + c.op()
                + "' (eq, ne, lt, le, gt, ge, in, not_in, contains, matches, is_null, not_null)");
      }
      Object v = c.value();
      String problem =
          switch (op) {
            case IS_NULL, NOT_NULL -> v == null ? null : "takes no value";
            case LT, LE, GT, GE -> v instanceof Number ? null : "needs a number";
            case IN, NOT_IN -> v instanceof List<?> ? null : "needs a list";
            case CONTAINS -> v instanceof String ? null : "needs a text";
            case MATCHES -> v instanceof String ? null : "needs a regular expression";
            case EQ, NE -> v == null ? "needs a value" : null;
          };
      if (problem != null) {
        throw new IllegalArgumentException(
            "the condition on '"
                + c.column()
                + "': "
                + op.wire
                + " "
                + problem
                + (v == null ? "" : ", not " + v.getClass().getSimpleName() + " " + v));
      }
      if (op == MATCHES) {
        pattern((String) v); // a syntax error fails on every row, not only on present values
      }
      return op;
    }
  }

  private static String label(PipelineSpec.Rule rule) {
    if (rule == null) {
      throw new IllegalArgumentException("the rule must not be null");
    }
    if (rule.label() == null) {
      throw new IllegalArgumentException("rule '" + rule.name() + "' has no label");
    }
    try {
      return DatasetLabels.canonical(rule.label());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("rule '" + rule.name() + "': " + e.getMessage(), e);
    }
  }

  /**
   * Checks that the rule has conditions and that each is valid, so that an invalid condition fails
   * on every row, not only on the rows that reach it.
   */
  private static void checkConditions(PipelineSpec.Rule rule) {
    if (rule.when() == null || rule.when().isEmpty()) {
      throw new IllegalArgumentException(
          "rule '" + rule.name() + "' has no condition (when needs at least one)");
    }
    for (int j = 0; j < rule.when().size(); j++) {
      try {
        Op.of(rule.when().get(j));
      } catch (IllegalArgumentException e) {
        throw invalid(rule, j, e);
      }
    }
  }

  /** Whether every condition of a checked rule holds on the row. */
  private static boolean allHold(PipelineSpec.Rule rule, Map<String, Object> row) {
    for (int j = 0; j < rule.when().size(); j++) {
      try {
        if (!holds(rule.when().get(j), row)) {
          return false;
        }
      } catch (IllegalArgumentException e) {
        throw invalid(rule, j, e);
      }
    }
    return true;
  }

  private static IllegalArgumentException invalid(
      PipelineSpec.Rule rule, int condition, IllegalArgumentException e) {
    return new IllegalArgumentException(
        "rule '" + rule.name() + "', when[" + condition + "]: " + e.getMessage(), e);
  }

  /** Equality of a present value and a condition value (see the class comment). */
  private static boolean equal(Object v, Object value) {
    if (value == null || !scalar(v) || !scalar(value)) {
      return false;
    }
    if (v instanceof Number a && value instanceof Number b) {
      Integer cmp = compareNumbers(a, b);
      return cmp != null && cmp == 0;
    }
    if (v instanceof Boolean a && value instanceof Boolean b) {
      return a.equals(b);
    }
    if (isNaN(v) || isNaN(value)) {
      return false;
    }
    return text(v).equals(text(value));
  }

  private static boolean in(Object v, List<?> values) {
    for (Object value : values) {
      if (equal(v, value)) {
        return true;
      }
    }
    return false;
  }

  private static boolean compare(Object v, Number value, IntPredicate test) {
    if (!(v instanceof Number n)) {
      return false;
    }
    Integer cmp = compareNumbers(n, value);
    return cmp != null && test.test(cmp);
  }

  /** The order of two numbers by exact decimal value; {@code null} when one is NaN. */
  private static Integer compareNumbers(Number a, Number b) {
    if (isNaN(a) || isNaN(b)) {
      return null;
    }
    if (integral(a) && integral(b) && !(a instanceof BigInteger) && !(b instanceof BigInteger)) {
      return Long.compare(a.longValue(), b.longValue());
    }
    if (a instanceof Double x && b instanceof Double y) {
      return x < y ? -1 : x > y ? 1 : 0; // -0.0 equals 0.0
    }
    if (infinite(a) || infinite(b)) {
      return Double.compare(a.doubleValue(), b.doubleValue());
    }
    return decimal(a).compareTo(decimal(b));
  }

  private static boolean integral(Number n) {
    return n instanceof Long
        || n instanceof Integer
        || n instanceof Short
        || n instanceof Byte
        || n instanceof BigInteger;
  }

  private static boolean isNaN(Object v) {
    return (v instanceof Double d && d.isNaN()) || (v instanceof Float f && f.isNaN());
  }

  private static boolean infinite(Number n) {
    return (n instanceof Double d && d.isInfinite()) || (n instanceof Float f && f.isInfinite());
  }

  /** The exact decimal value of a finite number; a double as its shortest decimal form. */
  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (integral(n)) {
      return BigDecimal.valueOf(n.longValue());
    }
    if (n instanceof Double d) {
      return BigDecimal.valueOf(d);
    }
    if (n instanceof Float f) {
      return new BigDecimal(Float.toString(f));
    }
    try {
      return new BigDecimal(n.toString());
    } catch (NumberFormatException e) {
      return BigDecimal.valueOf(n.doubleValue());
    }
  }

  private static boolean scalar(Object v) {
    return v instanceof Number
        || v instanceof Boolean
        || v instanceof CharSequence
        || v instanceof Character;
  }

  /** The canonical text of a value; its {@code toString} when it has none (NaN, infinities). */
  private static String text(Object v) {
    if (v instanceof String s) {
      return s;
    }
    try {
      return DatasetLabels.canonical(v);
    } catch (IllegalArgumentException e) {
      return String.valueOf(v);
    }
  }

  private static boolean containsIgnoringCase(String text, String part) {
    int length = part.length();
    for (int from = 0; from + length <= text.length(); from++) {
      if (text.regionMatches(true, from, part, 0, length)) {
        return true;
      }
    }
    return false;
  }

  /** The compiled expression, from a small cache shared by all threads. */
  private static Pattern pattern(String regex) {
    Pattern pattern = PATTERNS.get(regex);
    if (pattern != null) {
      return pattern;
    }
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "matches needs a valid regular expression: " + e.getDescription() + " in '" + regex + "'",
          e);
    }
    if (PATTERNS.size() >= PATTERN_CACHE_SIZE) {
      PATTERNS.clear(); // rules hold few expressions: starting over is cheaper than an LRU
    }
    PATTERNS.putIfAbsent(regex, pattern);
    return pattern;
  }
}
