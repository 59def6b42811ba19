package io.trainyard.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One text form for target values, so that a label read from Parquet ({@code Long 1}, {@code Double
 * 1.0}), from a pipeline spec in JSON ({@code 1}, {@code true}, {@code "fraud"}) and from a model's
 * output compare equal as strings everywhere in Trainyard (metrics, confusion matrices, events).
 *
 * <p>Canonical text: integral numbers without a decimal point ({@code "1"}, not {@code "1.0"}),
 * other numbers in plain decimal notation without trailing zeros ({@code "0.25"}, {@code "1.5"},
 * never an exponent), booleans {@code "true"} / {@code "false"}, strings as they are.
 *
 * <p>Order of label values ({@link #ORDER}): numeric when every value parses as a decimal number,
 * else plain string order.
 */
public final class DatasetLabels {

  /**
   * Orders canonical label texts: by numeric value when both parse as decimal numbers (ties by
   * text), else as strings. {@link #sorted} applies it to a whole collection consistently.
   */
  static final Comparator<String> NUMERIC_ORDER =
      Comparator.comparing((String s) -> new BigDecimal(s))
          .thenComparing(Comparator.naturalOrder());

  private DatasetLabels() {}

  /**
   * Canonical text of a label value: integers without a decimal point ("1", not "1.0"), booleans
   * "true"/"false", other strings as is. Works for values coming from JSON (Number, Boolean,
   * String, or a Jackson {@link JsonNode} holding one of those) and from DuckDB/JDBC.
   *
   * @throws IllegalArgumentException when the value is {@code null}, a non-finite number, or of
   *     another type
   */
  public static String canonical(Object value) {
    if (value == null) {
      throw new IllegalArgumentException("a label value must not be null");
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Boolean b) {
      return b.toString();
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      return value.toString();
    }
    if (value instanceof Double d) {
      return canonicalDouble(d, Double.toString(d));
    }
    if (value instanceof Float f) {
      return canonicalDouble(f, Float.toString(f));
    }
    if (value instanceof BigDecimal d) {
      return plain(d);
    }
    if (value instanceof Number n) {
      try {
        return plain(new BigDecimal(n.toString()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a label value must be a finite number, but is " + n);
      }
    }
    if (value instanceof JsonNode node) {
      if (node.isNumber()) {
        return canonical(node.numberValue());
      }
      if (node.isBoolean()) {
        return Boolean.toString(node.booleanValue());
      }
      if (node.isTextual()) {
        return node.textValue();
      }
      throw new IllegalArgumentException(
          "a label value must be a JSON number, boolean or string, but is " + node);
    }
    if (value instanceof Character c) {
      return c.toString();
    }
    throw new IllegalArgumentException(
        "a label value must be a number, boolean or string, but is a "
            + value.getClass().getName()
            + ": "
            + value);
  }

  /**
   * The positive class of a binary target: the spec's positiveClass (canonical text) when given —
   * it must be one of the values, else IllegalArgumentException naming the values — else the
   * greater value (numeric order if all values parse as numbers, else string order).
   *
   * @param values the target's distinct values as canonical text (duplicates are ignored); one or
   *     two values
   * @param specPositiveClass the {@code positiveClass} of the pipeline spec, if it sets one
   * @throws IllegalArgumentException when {@code values} is empty, holds more than two values, or
   *     does not hold the spec's positive class
   */
  public static String positiveClass(
      Collection<String> values, Optional<Object> specPositiveClass) {
    Objects.requireNonNull(specPositiveClass, "specPositiveClass");
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException(
          "cannot choose a positive class: the target has no values");
    }
    for (String v : values) {
      if (v == null) {
        throw new IllegalArgumentException("target values must not contain null: " + values);
      }
    }
    List<String> distinct = sorted(new TreeSet<>(values));
    if (distinct.size() > 2) {
      throw new IllegalArgumentException(
          "a binary target has two values, but this one has " + distinct.size() + ": " + distinct);
    }
    if (specPositiveClass.isPresent()) {
      String positive = canonical(specPositiveClass.get());
      if (!distinct.contains(positive)) {
        throw new IllegalArgumentException(
            "positiveClass '" + positive + "' is not one of the target values " + distinct);
      }
      return positive;
    }
    return distinct.get(distinct.size() - 1);
  }

  /**
   * The values in label order: ascending by numeric value when every value parses as a decimal
   * number, else ascending as strings. The class order of a multiclass model (its sorted distinct
   * train labels).
   */
  public static List<String> sorted(Collection<String> values) {
    List<String> out = new ArrayList<>(values);
    boolean numeric = out.stream().allMatch(DatasetLabels::isNumber);
    out.sort(numeric ? NUMERIC_ORDER : Comparator.naturalOrder());
    return out;
  }

  private static boolean isNumber(String s) {
    try {
      new BigDecimal(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String canonicalDouble(double d, String shortest) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("a label value must be a finite number, but is " + d);
    }
    return plain(new BigDecimal(shortest));
  }

  private static String plain(BigDecimal d) {
    if (d.signum() == 0) {
      return "0";
    }
    return d.stripTrailingZeros().toPlainString();
  }
}
