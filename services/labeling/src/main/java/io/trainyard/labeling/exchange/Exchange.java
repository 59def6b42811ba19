package io.trainyard.labeling.exchange;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.contracts.Json;
import io.trainyard.datasets.DatasetLabels;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Export and import of a labeling project's tasks and annotations: our own JSON, CSV (RFC 4180) and
 * Label Studio's JSON task format. Pure conversions: no database, no project rules beyond the label
 * schema.
 *
 * <p>Every {@code from*} method checks the whole input, collects every problem (each naming the
 * record and the field) and throws {@link ImportException} when there is any: an import is all or
 * nothing. Labels are checked against the project's classes by canonical text ({@link
 * DatasetLabels#canonical}): the text itself, else the canonical form of a decimal number ({@code
 * 1.0} is class {@code 1}) or of a boolean ({@code TRUE} is class {@code true}); the label returned
 * is always the class's own text. One annotator answering one row twice in an input is a problem.
 * Whether a row, an annotator or an earlier answer exists in the project is for the caller to
 * check.
 */
public final class Exchange {

  /** The CSV column and Label Studio data field holding the row id. */
  public static final String ROW_ID = "row_id";

  /** The CSV columns that follow the data columns of an export. */
  public static final String CONSENSUS = "consensus";

  public static final String LABEL_SOURCE = "label_source";
  public static final String ANNOTATIONS = "annotations";

  /** The columns of the one-annotation-per-line CSV import. */
  public static final String ANNOTATOR = "annotator";

  public static final String LABEL = "label";
  public static final String SKIP = "skip";

  /** The prefix of an annotator known only by a Label Studio user id: {@code ls-user-10}. */
  public static final String LS_USER = "ls-user-";

  private static final Set<String> RESERVED_COLUMNS =
      Set.of(ROW_ID, CONSENSUS, LABEL_SOURCE, ANNOTATIONS, ANNOTATOR);
  private static final Pattern WHOLE = Pattern.compile("[0-9]{1,18}");
  private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]{1,40}(\\.[0-9]{1,40})?");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Exchange() {}

  /**
   * A task as exported.
   *
   * @param data the row's fields (without the target), {@code null} values kept
   * @param consensus the task's current consensus label, or null
   * @param labelSource where it came from: {@code human}, {@code consensus}, {@code rule}, or null
   * @param suggestion its pre-annotation, or null
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record ExportedTask(
      long taskId,
      long rowId,
      Map<String, Object> data,
      boolean gold,
      String consensus,
      String labelSource,
      List<ExportedAnnotation> annotations,
      Suggestion suggestion) {
    public ExportedTask {
      data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
      annotations = annotations == null ? List.of() : List.copyOf(annotations);
    }
  }

  /**
   * One answer as exported: a label, a skip ({@code label} null, {@code skipped} true), or a
   * review's rating alone ({@code label} null, {@code skipped} false).
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record ExportedAnnotation(
      String annotator, String label, Double rating, boolean skipped, Instant createdAt) {
    public ExportedAnnotation {
      Objects.requireNonNull(annotator, "annotator");
    }
  }

  /** A suggested label; {@code source} e.g. {@code rules} or {@code model v3}. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Suggestion(String label, Double score, String source) {}

  /** One answer read from an import: a label of the schema, or a skip ({@code label} null). */
  public record ImportedAnnotation(long rowId, String annotator, String label, boolean skipped) {
    public ImportedAnnotation {
      Objects.requireNonNull(annotator, "annotator");
      if (skipped != (label == null)) {
        throw new IllegalArgumentException("an answer is either a label or a skip");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Our JSON

  /**
   * Our JSON: an array of {@code {taskId, rowId, data, gold, consensus, labelSource, annotations:
   * [{annotator, label, rating, skipped, createdAt}], suggestion: {label, score, source}}}, every
   * key present ({@code null} when there is no value), instants as RFC 3339 text.
   */
  public static String toJson(List<ExportedTask> tasks) {
    try {
      return Json.mapper().writeValueAsString(tasks);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write the tasks as JSON", e);
    }
  }

  /**
   * Reads our JSON ({@link #toJson}): only each task's {@code rowId} and each annotation's {@code
   * annotator}, {@code label} and {@code skipped} count; every other field is ignored. A task
   * without {@code annotations} has none. Problems are named {@code tasks[2] (rowId 17)
   * annotations[0]: ...} (indexes from 0).
   *
   * @throws ImportException naming every problem
   */
  public static List<ImportedAnnotation> fromJson(byte[] json, List<String> classes) {
    Schema schema = new Schema(classes);
    JsonNode root = readJson(json);
    List<String> problems = new ArrayList<>();
    Answers answers = new Answers(problems);
    List<ImportedAnnotation> out = new ArrayList<>();
    for (Located item : taskObjects(root, problems)) {
      JsonNode task = item.node();
      String at = item.at();
      Long rowId = rowId(task.get("rowId"), at, "rowId", problems);
      String where = rowId == null ? at : at + " (rowId " + rowId + ")";
      for (Located located : annotationObjects(task, where, problems)) {
        JsonNode annotation = located.node();
        String aw = located.at();
        int before = problems.size();
        String annotator = nonEmptyText(annotation.get("annotator"), aw, "annotator", problems);
        Boolean skipped = optionalBoolean(annotation.get("skipped"), aw, "skipped", problems);
        JsonNode labelNode = annotation.get("label");
        boolean hasLabel = labelNode != null && !labelNode.isNull();
        String label = null;
        if (Boolean.TRUE.equals(skipped) && hasLabel) {
          problems.add(
              aw + ": both a label (" + labelNode + ") and skipped true; an answer is one of them");
        } else if (Boolean.FALSE.equals(skipped) && !hasLabel) {
          problems.add(aw + ": no label, and skipped is not true");
        } else if (hasLabel) {
          label = schema.label(labelNode, aw, "label", problems);
        }
        answers.check(rowId, annotator, aw);
        if (problems.size() == before && rowId != null) {
          out.add(new ImportedAnnotation(rowId, annotator, label, skipped));
        }
      }
    }
    return result(out, problems);
  }

  // ---------------------------------------------------------------------------------------------
  // CSV

  /**
   * RFC 4180 CSV (CRLF line ends; fields with a comma, double quote, CR or LF quoted, their quotes
   * doubled): the header {@code row_id,<dataColumns...>,consensus,label_source,annotations}, then
   * one line per task. Values are canonical text ({@link DatasetLabels#canonical}; nested objects
   * and lists as JSON), empty for null or a missing field. {@code annotations} lists the answers as
   * {@code annotator:label} joined by {@code ;}, a skip as {@code annotator:-}; a backslash escapes
   * {@code \}, {@code :} and {@code ;} in names and labels, and a label that is just {@code -} is
   * written {@code \-}. Ratings and times are not exported in CSV, nor answers with a rating alone.
   *
   * @throws IllegalArgumentException when a data column is named like one of the other columns
   *     ({@code row_id}, {@code consensus}, {@code label_source}, {@code annotations}, or {@code
   *     annotator}, which would make the file read as the one-answer-per-line form), ignoring case,
   *     or appears twice
   */
  public static String toCsv(List<ExportedTask> tasks, List<String> dataColumns) {
    Set<String> seen = new HashSet<>();
    for (String column : dataColumns) {
      String name = column.trim().toLowerCase(Locale.ROOT);
      if (RESERVED_COLUMNS.contains(name)) {
        throw new IllegalArgumentException(
            "data column '" + column + "' has the name of an export column; leave it out");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("data column '" + column + "' is given twice");
      }
    }
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>();
    header.add(ROW_ID);
    header.addAll(dataColumns);
    header.addAll(List.of(CONSENSUS, LABEL_SOURCE, ANNOTATIONS));
    Csv.appendRow(out, header);
    for (ExportedTask task : tasks) {
      List<String> row = new ArrayList<>(header.size());
      row.add(Long.toString(task.rowId()));
      for (String column : dataColumns) {
        row.add(text(task.data().get(column)));
      }
      row.add(text(task.consensus()));
      row.add(text(task.labelSource()));
      row.add(compact(task.annotations()));
      Csv.appendRow(out, row);
    }
    return out.toString();
  }

  /**
   * Reads CSV (RFC 4180, UTF-8, an optional byte order mark) in one of two forms, told apart by the
   * header (names trimmed, any case, any order, other columns ignored):
   *
   * <ul>
   *   <li>one answer per line: {@code row_id}, {@code annotator}, {@code label} and optionally
   *       {@code skip} ({@code true}/{@code false}, any case; empty is false). An empty label with
   *       skip true is a skip; a label with skip true, or no label without it, is a problem;
   *   <li>an export of {@link #toCsv} (no {@code annotator} column): {@code row_id} and {@code
   *       annotations} ({@code annotator:label;annotator:-}).
   * </ul>
   *
   * Problems are named by the line a record starts on (line 1 is the header): {@code line 3: label
   * 'eggs' is not one of [ham, spam]}. A quoted field that is never closed ends the reading there.
   *
   * @throws ImportException naming every problem
   */
  public static List<ImportedAnnotation> fromCsv(byte[] csv, List<String> classes) {
    Schema schema = new Schema(classes);
    String text;
    try {
      text = Csv.decode(csv);
    } catch (CharacterCodingException e) {
      throw new ImportException(List.of("the file is not UTF-8 text"));
    }
    Csv.Parsed parsed = Csv.parse(text);
    List<String> problems = new ArrayList<>(parsed.problems());
    List<Csv.Row> rows = parsed.rows();
    if (rows.isEmpty()) {
      problems.add("line 1: no header (it needs row_id, annotator and label)");
      throw new ImportException(problems);
    }
    Csv.Row header = rows.get(0);
    Map<String, Integer> columns = new HashMap<>();
    for (int c = 0; c < header.fields().size(); c++) {
      String name = header.fields().get(c).trim().toLowerCase(Locale.ROOT);
      if (columns.putIfAbsent(name, c) != null
          && Set.of(ROW_ID, ANNOTATOR, LABEL, SKIP, ANNOTATIONS).contains(name)) {
        problems.add("line " + header.line() + ": column '" + name + "' appears twice");
      }
    }
    boolean exported = !columns.containsKey(ANNOTATOR) && columns.containsKey(ANNOTATIONS);
    List<String> required =
        exported ? List.of(ROW_ID, ANNOTATIONS) : List.of(ROW_ID, ANNOTATOR, LABEL);
    List<String> missing = required.stream().filter(r -> !columns.containsKey(r)).toList();
    if (!missing.isEmpty()) {
      problems.add(
          "line "
              + header.line()
              + ": the header has no column "
              + String.join(", ", missing)
              + " (it needs row_id, annotator and label, or row_id and annotations)");
    }
    if (header.malformed() || !missing.isEmpty() || problems.size() > parsed.problems().size()) {
      throw new ImportException(problems);
    }
    Answers answers = new Answers(problems);
    List<ImportedAnnotation> out = new ArrayList<>();
    for (Csv.Row row : rows.subList(1, rows.size())) {
      String at = "line " + row.line();
      if (row.malformed()) {
        continue; // already reported
      }
      if (row.fields().size() != header.fields().size()) {
        problems.add(
            at
                + ": "
                + row.fields().size()
                + (row.fields().size() == 1 ? " field" : " fields")
                + ", but the header has "
                + header.fields().size());
        continue;
      }
      int before = problems.size();
      String rowIdText = row.fields().get(columns.get(ROW_ID));
      Long rowId = null;
      if (WHOLE.matcher(rowIdText).matches()) {
        rowId = Long.parseLong(rowIdText);
      } else {
        problems.add(at + ": row_id '" + rowIdText + "' is not a whole number >= 0");
      }
      if (exported) {
        readCompact(row.fields().get(columns.get(ANNOTATIONS)), rowId, at, schema, answers, out);
        continue;
      }
      String annotator = row.fields().get(columns.get(ANNOTATOR));
      if (annotator.isBlank()) {
        problems.add(at + ": annotator is empty");
        annotator = null;
      }
      Boolean skip = Boolean.FALSE;
      if (columns.containsKey(SKIP)) {
        String skipText = row.fields().get(columns.get(SKIP));
        if (skipText.equalsIgnoreCase("true")) {
          skip = Boolean.TRUE;
        } else if (!skipText.isEmpty() && !skipText.equalsIgnoreCase("false")) {
          problems.add(at + ": skip '" + skipText + "' is not true or false");
          skip = null;
        }
      }
      String labelText = row.fields().get(columns.get(LABEL));
      String label = null;
      if (skip != null) {
        if (skip && !labelText.isEmpty()) {
          problems.add(
              at + ": both a label ('" + labelText + "') and skip true; an answer is one of them");
        } else if (!skip && labelText.isEmpty()) {
          problems.add(
              at
                  + (columns.containsKey(SKIP)
                      ? ": no label, and skip is not true"
                      : ": label is empty (a skip needs a skip column with true)"));
        } else if (!skip) {
          label = schema.label(labelText, at, LABEL, problems);
        }
      }
      answers.check(rowId, annotator, at);
      if (problems.size() == before) {
        out.add(new ImportedAnnotation(rowId, annotator, label, skip));
      }
    }
    problems.sort(Comparator.comparingInt(Exchange::lineOf)); // stable: line order
    return result(out, problems);
  }

  /** The line a CSV problem names ({@code line 12: ...}). */
  private static int lineOf(String problem) {
    int colon = problem.indexOf(':');
    try {
      return Integer.parseInt(problem.substring("line ".length(), colon));
    } catch (RuntimeException e) {
      return Integer.MAX_VALUE;
    }
  }

  /** The {@code annotations} cell of a CSV export. */
  static String compact(List<ExportedAnnotation> annotations) {
    StringBuilder out = new StringBuilder();
    for (ExportedAnnotation a : annotations) {
      if (!a.skipped() && a.label() == null) {
        continue; // a rating alone
      }
      if (out.length() > 0) {
        out.append(';');
      }
      out.append(escape(a.annotator())).append(':');
      if (a.skipped()) {
        out.append('-');
      } else if (a.label().equals("-")) {
        out.append("\\-");
      } else {
        out.append(escape(a.label()));
      }
    }
    return out.toString();
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '\\' || c == ':' || c == ';') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Reads an {@code annotations} cell: entries split at unescaped {@code ;}. */
  private static void readCompact(
      String cell,
      Long rowId,
      String at,
      Schema schema,
      Answers answers,
      List<ImportedAnnotation> out) {
    List<String> problems = answers.problems;
    int k = 0;
    int n = cell.length();
    while (k < n) {
      int entryStart = k;
      StringBuilder annotator = new StringBuilder();
      StringBuilder label = new StringBuilder();
      boolean colon = false;
      boolean labelEscaped = false;
      boolean loneBackslash = false;
      while (k < n && cell.charAt(k) != ';') {
        char c = cell.charAt(k);
        if (c == '\\') {
          if (k + 1 == n) {
            loneBackslash = true;
            k++;
            break;
          }
          (colon ? label : annotator).append(cell.charAt(k + 1));
          labelEscaped |= colon;
          k += 2;
          continue;
        }
        if (c == ':' && !colon) {
          colon = true;
        } else {
          (colon ? label : annotator).append(c);
        }
        k++;
      }
      String entry = cell.substring(entryStart, k);
      k++; // the ';'
      if (entry.isEmpty()) {
        continue;
      }
      String ew = at + ": annotations entry '" + entry + "'";
      if (loneBackslash) {
        problems.add(ew + " ends in a lone backslash");
        continue;
      }
      if (!colon) {
        problems.add(ew + " is not annotator:label (or annotator:- for a skip)");
        continue;
      }
      int before = problems.size();
      if (annotator.toString().isBlank()) {
        problems.add(ew + " has an empty annotator");
      }
      String text = label.toString();
      boolean skip = text.equals("-") && !labelEscaped;
      String classLabel = null;
      if (text.isEmpty()) {
        problems.add(ew + " has no label (a skip is annotator:-)");
      } else if (!skip) {
        classLabel = schema.label(text, ew, LABEL, problems);
      }
      String name = annotator.toString().isBlank() ? null : annotator.toString();
      answers.check(rowId, name, ew);
      if (problems.size() == before && rowId != null) {
        out.add(new ImportedAnnotation(rowId, name, classLabel, skip));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Label Studio

  /**
   * Label Studio's JSON task format, as its export writes and its import reads it (<a
   * href="https://labelstud.io/guide/task_format">Label Studio task format</a>, the "Label Studio
   * JSON format of annotated tasks"; <a href="https://labelstud.io/guide/export">Export
   * annotations</a>; the {@code Choices} and {@code Rating} tags at <a
   * href="https://labelstud.io/tags/choices">labelstud.io/tags/choices</a> and <a
   * href="https://labelstud.io/tags/rating">labelstud.io/tags/rating</a>): an array of
   *
   * <pre>{@code
   * {"id": taskId,
   *  "data": {...the row's fields..., "row_id": rowId},
   *  "annotations": [{"completed_by": {"email": annotator}, "was_cancelled": skipped,
   *                   "created_at": "2024-05-01T10:15:30Z",
   *                   "result": [{"from_name": fromName, "to_name": toName, "type": "choices",
   *                               "value": {"choices": [label]}},
   *                              {"from_name": "rating", "to_name": toName, "type": "rating",
   *                               "value": {"rating": 4}}]}],
   *  "predictions": [{"model_version": source, "score": score,
   *                   "result": [{... "type": "choices", "value": {"choices": [suggested]}}]}]}
   * }</pre>
   *
   * A skip is {@code was_cancelled: true} with an empty {@code result}; a rating is its own result
   * (from {@code rating}); an answer with a rating alone has only that result. {@code fromName} and
   * {@code toName} are the names of the {@code <Choices>} tag and of the object tag it labels in
   * the Label Studio labeling config (e.g. {@code <Choices name="label" toName="text">}). A task
   * without a suggested label has no prediction; a missing score or source is left out.
   *
   * @throws IllegalArgumentException when a task's data already has a {@code row_id} field
   */
  public static JsonNode toLabelStudio(List<ExportedTask> tasks, String fromName, String toName) {
    Objects.requireNonNull(fromName, "fromName");
    Objects.requireNonNull(toName, "toName");
    ArrayNode out = NODES.arrayNode();
    for (ExportedTask task : tasks) {
      if (task.data().containsKey(ROW_ID)) {
        throw new IllegalArgumentException(
            "task " + task.taskId() + ": its data already has a field named row_id");
      }
      ObjectNode node = out.addObject();
      node.put("id", task.taskId());
      ObjectNode data = Json.mapper().valueToTree(task.data());
      data.put(ROW_ID, task.rowId());
      node.set("data", data);
      ArrayNode annotations = node.putArray("annotations");
      for (ExportedAnnotation a : task.annotations()) {
        ObjectNode annotation = annotations.addObject();
        annotation.putObject("completed_by").put("email", a.annotator());
        annotation.put("was_cancelled", a.skipped());
        if (a.createdAt() != null) {
          annotation.put("created_at", a.createdAt().toString());
        }
        ArrayNode result = annotation.putArray("result");
        if (a.skipped()) {
          continue;
        }
        if (a.label() != null) {
          result.add(choices(fromName, toName, a.label()));
        }
        if (a.rating() != null) {
          ObjectNode rating = result.addObject();
          rating.put("from_name", "rating");
          rating.put("to_name", toName);
          rating.put("type", "rating");
          rating.putObject("value").set("rating", number(a.rating()));
        }
      }
      ArrayNode predictions = node.putArray("predictions");
      Suggestion s = task.suggestion();
      if (s != null && s.label() != null) {
        ObjectNode prediction = predictions.addObject();
        if (s.source() != null) {
          prediction.put("model_version", s.source());
        }
        if (s.score() != null) {
          prediction.set("score", number(s.score()));
        }
        prediction.putArray("result").add(choices(fromName, toName, s.label()));
      }
    }
    return out;
  }

  private static ObjectNode choices(String fromName, String toName, String label) {
    ObjectNode result = NODES.objectNode();
    result.put("from_name", fromName);
    result.put("to_name", toName);
    result.put("type", "choices");
    result.putObject("value").putArray("choices").add(label);
    return result;
  }

  private static JsonNode number(double value) {
    if (Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 1e15) {
      return NODES.numberNode((long) value);
    }
    return NODES.numberNode(value);
  }

  /**
   * Reads Label Studio's JSON export (an array of tasks; see {@link #toLabelStudio}). The row is
   * {@code data.row_id} (a whole number, or its text: tasks imported into Label Studio from CSV
   * hold text). Each annotation's annotator is {@code completed_by.email} when {@code completed_by}
   * is an object ({@code ls-user-<id>} when it has no email), {@code ls-user-<id>} when it is a
   * number (a user id, as some Label Studio versions export it), and the text itself when it is
   * text. Its label is the first value of the first {@code choices} result that has one (whatever
   * its {@code from_name}); {@code was_cancelled: true} is a skip (its results are ignored); an
   * annotation neither cancelled nor with a choice is a problem. {@code predictions}, {@code
   * drafts} and every other field are ignored. Problems are named {@code tasks[2] (id 17)
   * annotations[0]: ...} (indexes from 0, {@code id} the Label Studio task id).
   *
   * @throws ImportException naming every problem
   */
  public static List<ImportedAnnotation> fromLabelStudio(byte[] json, List<String> classes) {
    Schema schema = new Schema(classes);
    JsonNode root = readJson(json);
    List<String> problems = new ArrayList<>();
    Answers answers = new Answers(problems);
    List<ImportedAnnotation> out = new ArrayList<>();
    for (Located item : taskObjects(root, problems)) {
      JsonNode task = item.node();
      String at = item.at();
      JsonNode id = task.get("id");
      String where = id == null || id.isNull() ? at : at + " (id " + id.asText() + ")";
      JsonNode data = task.get("data");
      Long rowId = null;
      if (data == null || !data.isObject()) {
        problems.add(where + ": has no data object");
      } else {
        rowId = rowId(data.get(ROW_ID), where, "data.row_id", problems);
      }
      for (Located located : annotationObjects(task, where, problems)) {
        JsonNode annotation = located.node();
        String aw = located.at();
        int before = problems.size();
        String annotator = completedBy(annotation.get("completed_by"), aw, problems);
        Boolean skip =
            optionalBoolean(annotation.get("was_cancelled"), aw, "was_cancelled", problems);
        String label = null;
        if (Boolean.FALSE.equals(skip)) {
          JsonNode choice = firstChoice(annotation.get("result"));
          if (choice == null) {
            problems.add(aw + ": has no choices result and was not cancelled");
          } else {
            label = schema.label(choice, aw, "choices", problems);
          }
        }
        answers.check(rowId, annotator, aw);
        if (problems.size() == before && rowId != null) {
          out.add(new ImportedAnnotation(rowId, annotator, label, skip));
        }
      }
    }
    return result(out, problems);
  }

  /** A task or annotation object, with where it is in the input. */
  private record Located(JsonNode node, String at) {}

  /**
   * The objects of the top-level array, {@code tasks[i]}; a problem for an item that is not one.
   */
  private static List<Located> taskObjects(JsonNode root, List<String> problems) {
    List<Located> found = new ArrayList<>();
    for (int t = 0; t < root.size(); t++) {
      JsonNode task = root.get(t);
      String at = "tasks[" + t + "]";
      if (task.isObject()) {
        found.add(new Located(task, at));
      } else {
        problems.add(at + ": is " + kind(task) + ", not an object");
      }
    }
    return found;
  }

  /**
   * The objects of a task's {@code annotations} array (none when it is absent); a problem for an
   * array that is not one, or an item that is not an object.
   */
  private static List<Located> annotationObjects(
      JsonNode task, String where, List<String> problems) {
    JsonNode annotations = task.get("annotations");
    List<Located> found = new ArrayList<>();
    if (annotations == null || annotations.isNull()) {
      return found;
    }
    if (!annotations.isArray()) {
      problems.add(where + ": annotations is " + kind(annotations) + ", not an array");
      return found;
    }
    for (int a = 0; a < annotations.size(); a++) {
      JsonNode annotation = annotations.get(a);
      String at = where + " annotations[" + a + "]";
      if (annotation.isObject()) {
        found.add(new Located(annotation, at));
      } else {
        problems.add(at + ": is " + kind(annotation) + ", not an object");
      }
    }
    return found;
  }

  /** An optional boolean: false when absent; null, with a problem, when not a boolean. */
  private static Boolean optionalBoolean(
      JsonNode node, String at, String field, List<String> problems) {
    if (node == null || node.isNull()) {
      return Boolean.FALSE;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    problems.add(at + ": " + field + " " + node + " is not true or false");
    return null;
  }

  private static String completedBy(JsonNode node, String at, List<String> problems) {
    if (node == null || node.isNull()) {
      problems.add(at + ": completed_by is missing");
      return null;
    }
    if (node.isObject()) {
      JsonNode email = node.get("email");
      if (email != null && email.isTextual() && !email.textValue().isBlank()) {
        return email.textValue();
      }
      JsonNode id = node.get("id");
      if (id != null && id.isIntegralNumber()) {
        return LS_USER + id.asText();
      }
      problems.add(at + ": completed_by has neither an email nor an id");
      return null;
    }
    if (node.isIntegralNumber()) {
      return LS_USER + node.asText();
    }
    if (node.isTextual() && !node.textValue().isBlank()) {
      return node.textValue();
    }
    problems.add(at + ": completed_by " + node + " is not a user (an object, an id or a name)");
    return null;
  }

  /** The first value of the first {@code choices} result with one; null when there is none. */
  private static JsonNode firstChoice(JsonNode result) {
    if (result == null || !result.isArray()) {
      return null;
    }
    for (JsonNode item : result) {
      if (item.isObject() && "choices".equals(item.path("type").asText())) {
        JsonNode choices = item.path("value").path("choices");
        if (choices.isArray() && choices.size() > 0) {
          return choices.get(0);
        }
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Shared

  private static JsonNode readJson(byte[] json) {
    JsonNode root;
    try {
      root = Json.strictJsonMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new ImportException(List.of("not valid JSON: " + e.getOriginalMessage() + location(e)));
    } catch (IOException e) {
      throw new ImportException(List.of("not valid JSON: " + e.getMessage()));
    }
    if (root == null || root.isMissingNode()) {
      throw new ImportException(List.of("the input is empty, not a JSON array of tasks"));
    }
    if (!root.isArray()) {
      throw new ImportException(List.of("the JSON is " + kind(root) + ", not an array of tasks"));
    }
    return root;
  }

  private static String location(JsonProcessingException e) {
    if (e.getLocation() == null) {
      return "";
    }
    return " (line "
        + e.getLocation().getLineNr()
        + ", column "
        + e.getLocation().getColumnNr()
        + ")";
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING, BINARY -> "text";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL, MISSING -> "null";
    };
  }

  /** A row id: a whole number >= 0, or its decimal text. */
  private static Long rowId(JsonNode node, String at, String field, List<String> problems) {
    if (node == null || node.isNull()) {
      problems.add(at + ": " + field + " is missing");
      return null;
    }
    if (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0) {
      return node.longValue();
    }
    if (node.isTextual() && WHOLE.matcher(node.textValue()).matches()) {
      return Long.parseLong(node.textValue());
    }
    problems.add(at + ": " + field + " " + node + " is not a whole number >= 0");
    return null;
  }

  private static String nonEmptyText(
      JsonNode node, String at, String field, List<String> problems) {
    if (node == null || node.isNull()) {
      problems.add(at + ": " + field + " is missing");
      return null;
    }
    if (!node.isTextual()) {
      problems.add(at + ": " + field + " " + node + " is not text");
      return null;
    }
    if (node.textValue().isBlank()) {
      problems.add(at + ": " + field + " is empty");
      return null;
    }
    return node.textValue();
  }

  private static List<ImportedAnnotation> result(
      List<ImportedAnnotation> out, List<String> problems) {
    if (!problems.isEmpty()) {
      throw new ImportException(problems);
    }
    return List.copyOf(out);
  }

  /** The canonical text of a CSV value: empty for null, JSON for objects and lists. */
  static String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof JsonNode node) {
      if (node.isNull() || node.isMissingNode()) {
        return "";
      }
      if (node.isContainerNode()) {
        return Json.write(node);
      }
    }
    if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
      return Json.write(value);
    }
    try {
      return DatasetLabels.canonical(value);
    } catch (IllegalArgumentException e) {
      return value instanceof JsonNode node ? node.asText() : value.toString();
    }
  }

  /** The project's classes, and the label of an input's text. */
  private static final class Schema {
    private final List<String> classes;
    private final Map<String, String> byText = new HashMap<>();

    Schema(List<String> classes) {
      Objects.requireNonNull(classes, "classes");
      List<String> canonical = new ArrayList<>(classes.size());
      for (String c : classes) {
        String text = DatasetLabels.canonical(c);
        canonical.add(text);
        byText.putIfAbsent(text, text);
      }
      this.classes = List.copyOf(canonical);
    }

    /** The class a label text names, or null. */
    String match(String text) {
      String exact = byText.get(text);
      if (exact != null) {
        return exact;
      }
      if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
        return byText.get(text.toLowerCase(Locale.ROOT));
      }
      if (DECIMAL.matcher(text).matches()) {
        return byText.get(DatasetLabels.canonical(new BigDecimal(text)));
      }
      return null;
    }

    String label(String text, String at, String field, List<String> problems) {
      String label = match(text);
      if (label == null) {
        problems.add(at + ": " + field + " '" + text + "' is not one of " + classes);
      }
      return label;
    }

    String label(JsonNode node, String at, String field, List<String> problems) {
      if (node.isTextual()) {
        return label(node.textValue(), at, field, problems);
      }
      if (node.isNumber() || node.isBoolean()) {
        String text;
        try {
          text = DatasetLabels.canonical(node);
        } catch (IllegalArgumentException e) {
          problems.add(at + ": " + field + " " + node + " is not a finite number");
          return null;
        }
        return label(text, at, field, problems);
      }
      problems.add(at + ": " + field + " " + node + " is not text, a number or a boolean");
      return null;
    }
  }

  /** The answers of an input so far, to find an annotator answering a row twice. */
  private static final class Answers {
    private final List<String> problems;
    private final Map<List<Object>, String> seen = new HashMap<>();

    Answers(List<String> problems) {
      this.problems = problems;
    }

    void check(Long rowId, String annotator, String at) {
      if (rowId == null || annotator == null) {
        return;
      }
      String first = seen.putIfAbsent(List.of(rowId, annotator), at);
      if (first != null) {
        problems.add(
            at
                + ": annotator '"
                + annotator
                + "' answers row "
                + rowId
                + " again (first at "
                + first
                + ")");
      }
    }
  }
}
