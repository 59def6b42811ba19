package io.trainyard.labeling.exchange;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Json;
import io.trainyard.labeling.exchange.Exchange.ExportedAnnotation;
import io.trainyard.labeling.exchange.Exchange.ExportedTask;
import io.trainyard.labeling.exchange.Exchange.ImportedAnnotation;
import io.trainyard.labeling.exchange.Exchange.Suggestion;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Exchange}: each format both ways, CSV quoting, a Label Studio export, every problem. */
class ExchangeTest {

  private static final List<String> CLASSES = List.of("ham", "spam");
  private static final Instant T1 = Instant.parse("2024-05-01T10:15:30Z");
  private static final Instant T2 = Instant.parse("2024-05-01T10:16:00.250Z");

  private static Map<String, Object> data(Object... keysAndValues) {
    Map<String, Object> data = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      data.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return data;
  }

  /** Three tasks: voted with a rating and a skip; gold with awkward text; unanswered. */
  private static List<ExportedTask> tasks() {
    return List.of(
        new ExportedTask(
            101,
            7,
            data("text", "win money, now", "n", 3L, "ratio", 0.5, "flag", true, "gone", null),
            false,
            "spam",
            "consensus",
            List.of(
                new ExportedAnnotation("alice", "spam", null, false, T1),
                new ExportedAnnotation("bob", "spam", 4.0, false, T2),
                new ExportedAnnotation("carol", null, null, true, T2)),
            new Suggestion("spam", 0.87, "model v3")),
        new ExportedTask(
            102,
            8,
            data("text", "say \"hi\"\r\nthen go", "n", 1.0, "ratio", 1e-7, "flag", false),
            true,
            null,
            null,
            List.of(new ExportedAnnotation("alice", "ham", null, false, T1)),
            new Suggestion("ham", null, "rules")),
        new ExportedTask(103, 9, data("text", "plain"), false, "ham", "rule", List.of(), null));
  }

  private static final List<ImportedAnnotation> ANSWERS =
      List.of(
          new ImportedAnnotation(7, "alice", "spam", false),
          new ImportedAnnotation(7, "bob", "spam", false),
          new ImportedAnnotation(7, "carol", null, true),
          new ImportedAnnotation(8, "alice", "ham", false));

  private static List<String> problems(Runnable importing) {
    try {
      importing.run();
    } catch (ImportException e) {
      return e.problems();
    }
    throw new AssertionError("expected an ImportException");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  private static String canonical(JsonNode node) {
    return Json.canonical(node);
  }

  // ---------------------------------------------------------------------------------- JSON

  @Test
  void jsonHasEveryFieldWithNullsAndRfc3339Times() {
    JsonNode json = Json.readTree(Exchange.toJson(tasks()));

    assertThat(json.isArray()).isTrue();
    assertThat(json).hasSize(3);
    JsonNode first = json.get(0);
    assertThat(first.fieldNames())
        .toIterable()
        .containsExactly(
            "taskId",
            "rowId",
            "data",
            "gold",
            "consensus",
            "labelSource",
            "annotations",
            "suggestion");
    assertThat(first.get("taskId").asLong()).isEqualTo(101);
    assertThat(first.get("rowId").asLong()).isEqualTo(7);
    assertThat(first.at("/data/text").asText()).isEqualTo("win money, now");
    assertThat(first.get("data").has("gone")).isTrue(); // a null field is kept
    assertThat(first.at("/data/gone").isNull()).isTrue();
    assertThat(first.get("consensus").asText()).isEqualTo("spam");
    assertThat(first.get("labelSource").asText()).isEqualTo("consensus");
    assertThat(canonical(first.get("annotations").get(0)))
        .isEqualTo(
            "{\"annotator\":\"alice\",\"createdAt\":\"2024-05-01T10:15:30Z\",\"label\":\"spam\","
                + "\"rating\":null,\"skipped\":false}");
    assertThat(first.at("/annotations/1/createdAt").asText()).isEqualTo("2024-05-01T10:16:00.250Z");
    assertThat(first.at("/annotations/1/rating").asDouble()).isEqualTo(4.0);
    assertThat(first.at("/annotations/2/label").isNull()).isTrue();
    assertThat(first.at("/annotations/2/skipped").asBoolean()).isTrue();
    assertThat(canonical(first.get("suggestion")))
        .isEqualTo("{\"label\":\"spam\",\"score\":0.87,\"source\":\"model v3\"}");
    JsonNode gold = json.get(1);
    assertThat(gold.get("gold").asBoolean()).isTrue();
    assertThat(gold.get("consensus").isNull()).isTrue();
    assertThat(gold.get("labelSource").isNull()).isTrue();
    assertThat(gold.at("/suggestion/score").isNull()).isTrue();
    assertThat(json.get(2).get("suggestion").isNull()).isTrue();
    assertThat(json.get(2).get("annotations")).isEmpty();
  }

  @Test
  void jsonRoundTrip() {
    assertThat(Exchange.fromJson(bytes(Exchange.toJson(tasks())), CLASSES))
        .containsExactlyElementsOf(ANSWERS);
  }

  @Test
  void jsonImportIgnoresOtherFieldsAndTakesLabelsByCanonicalText() {
    String json =
        """
        [{"rowId": 1, "taskId": 99, "extra": {"x": 1},
          "annotations": [{"annotator": "a", "label": 1.0, "note": "ignored"},
                          {"annotator": "b", "label": "0"},
                          {"annotator": "c", "skipped": true, "label": null}]},
         {"rowId": 2},
         {"rowId": 3, "annotations": null}]
        """;
    assertThat(Exchange.fromJson(bytes(json), List.of("0", "1")))
        .containsExactly(
            new ImportedAnnotation(1, "a", "1", false),
            new ImportedAnnotation(1, "b", "0", false),
            new ImportedAnnotation(1, "c", null, true));
    assertThat(
            Exchange.fromJson(
                bytes(
                    "[{\"rowId\": 4, \"annotations\": [{\"annotator\": \"a\", \"label\": true}]}]"),
                List.of("false", "true")))
        .containsExactly(new ImportedAnnotation(4, "a", "true", false));
  }

  @Test
  void jsonProblemsAreAllReportedTogether() {
    String json =
        """
        [42,
         {"annotations": [{"annotator": "a", "label": "ham"}]},
         {"rowId": -1, "annotations": []},
         {"rowId": 5, "annotations": {"annotator": "a"}},
         {"rowId": 6, "annotations": [
            "alice",
            {"label": "ham"},
            {"annotator": "", "label": "ham"},
            {"annotator": 7, "label": "ham"},
            {"annotator": "b", "label": "eggs"},
            {"annotator": "c", "label": "ham", "skipped": true},
            {"annotator": "d"},
            {"annotator": "e", "label": "ham", "skipped": "no"},
            {"annotator": "f", "label": ["ham"]},
            {"annotator": "g", "label": "ham"},
            {"annotator": "g", "label": "spam"},
            {"annotator": "h", "label": null, "skipped": false, "rating": 4}]}]
        """;
    assertThat(problems(() -> Exchange.fromJson(bytes(json), CLASSES)))
        .containsExactly(
            "tasks[0]: is a number, not an object",
            "tasks[1]: rowId is missing",
            "tasks[2]: rowId -1 is not a whole number >= 0",
            "tasks[3] (rowId 5): annotations is an object, not an array",
            "tasks[4] (rowId 6) annotations[0]: is text, not an object",
            "tasks[4] (rowId 6) annotations[1]: annotator is missing",
            "tasks[4] (rowId 6) annotations[2]: annotator is empty",
            "tasks[4] (rowId 6) annotations[3]: annotator 7 is not text",
            "tasks[4] (rowId 6) annotations[4]: label 'eggs' is not one of [ham, spam]",
            "tasks[4] (rowId 6) annotations[5]: both a label (\"ham\") and skipped true; an answer"
                + " is one of them",
            "tasks[4] (rowId 6) annotations[6]: no label, and skipped is not true",
            "tasks[4] (rowId 6) annotations[7]: skipped \"no\" is not true or false",
            "tasks[4] (rowId 6) annotations[8]: label [\"ham\"] is not text, a number or a boolean",
            "tasks[4] (rowId 6) annotations[10]: annotator 'g' answers row 6 again (first at"
                + " tasks[4] (rowId 6) annotations[9])",
            "tasks[4] (rowId 6) annotations[11]: no label, and skipped is not true");
  }

  @Test
  void jsonThatIsNotAnArrayOfTasks() {
    assertThat(problems(() -> Exchange.fromJson(bytes("{\"rowId\": 1}"), CLASSES)))
        .containsExactly("the JSON is an object, not an array of tasks");
    assertThat(problems(() -> Exchange.fromJson(bytes(""), CLASSES)))
        .containsExactly("the input is empty, not a JSON array of tasks");
    assertThat(problems(() -> Exchange.fromJson(bytes("[{\"rowId\": 1,]"), CLASSES)))
        .singleElement()
        .asString()
        .startsWith("not valid JSON: ")
        .contains("(line 1, column");
    assertThat(problems(() -> Exchange.fromJson(bytes("[{\"rowId\": 1, \"rowId\": 2}]"), CLASSES)))
        .singleElement()
        .asString()
        .contains("Duplicate field 'rowId'");
  }

  // ----------------------------------------------------------------------------------- CSV

  @Test
  void csvExportQuotesCommasQuotesAndLineBreaks() {
    String csv = Exchange.toCsv(tasks(), List.of("text", "n", "ratio", "flag", "gone"));

    assertThat(csv)
        .isEqualTo(
            "row_id,text,n,ratio,flag,gone,consensus,label_source,annotations\r\n"
                + "7,\"win money, now\",3,0.5,true,,spam,consensus,alice:spam;bob:spam;carol:-\r\n"
                + "8,\"say \"\"hi\"\"\r\nthen go\",1,0.0000001,false,,,,alice:ham\r\n"
                + "9,plain,,,,,ham,rule,\r\n");
  }

  @Test
  void csvRoundTrip() {
    String csv = Exchange.toCsv(tasks(), List.of("text", "n", "ratio", "flag", "gone"));
    assertThat(Exchange.fromCsv(bytes(csv), CLASSES)).containsExactlyElementsOf(ANSWERS);
  }

  @Test
  void csvFieldsComeBackExactlyThroughTheParser() {
    List<String> awkward =
        List.of(
            "a,b",
            "\"",
            "\"\"",
            "line1\nline2",
            "cr\ronly",
            "crlf\r\n",
            " spaced ",
            "",
            "héllo ✓",
            "trailing,");
    StringBuilder out = new StringBuilder();
    Csv.appendRow(out, awkward);
    Csv.appendRow(out, List.of("x", "y"));
    Csv.Parsed parsed = Csv.parse(out.toString());

    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.rows()).hasSize(2);
    assertThat(parsed.rows().get(0).fields()).containsExactlyElementsOf(awkward);
    assertThat(parsed.rows().get(0).line()).isEqualTo(1);
    assertThat(parsed.rows().get(1).line()).isEqualTo(5); // 3 line breaks inside quotes
    assertThat(parsed.rows().get(1).fields()).containsExactly("x", "y");
  }

  @Test
  void csvParserAcceptsLfCrAndCrlfAndSkipsEmptyLines() {
    Csv.Parsed parsed = Csv.parse("a,b\n1,2\r3,4\r\n\r\n5,\"\"\n,\n6,7");
    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.rows())
        .extracting(Csv.Row::line, Csv.Row::fields)
        .containsExactly(
            tuple(1, List.of("a", "b")),
            tuple(2, List.of("1", "2")),
            tuple(3, List.of("3", "4")),
            tuple(5, List.of("5", "")),
            tuple(6, List.of("", "")),
            tuple(7, List.of("6", "7")));
  }

  @Test
  void csvExportEscapesNamesAndLabelsInTheAnnotationsList() {
    List<ExportedAnnotation> answers =
        List.of(
            new ExportedAnnotation("x:y;z\\w", "a;b:c", null, false, T1),
            new ExportedAnnotation("dash", "-", null, false, T1),
            new ExportedAnnotation("skipper", null, null, true, T1),
            new ExportedAnnotation("rater", null, 3.0, false, T1)); // a rating alone: left out
    assertThat(Exchange.compact(answers)).isEqualTo("x\\:y\\;z\\\\w:a\\;b\\:c;dash:\\-;skipper:-");

    String csv =
        Exchange.toCsv(
            List.of(new ExportedTask(1, 4, Map.of(), false, null, null, answers, null)), List.of());
    assertThat(Exchange.fromCsv(bytes(csv), List.of("-", "a;b:c")))
        .containsExactly(
            new ImportedAnnotation(4, "x:y;z\\w", "a;b:c", false),
            new ImportedAnnotation(4, "dash", "-", false),
            new ImportedAnnotation(4, "skipper", null, true));
  }

  @Test
  void csvExportRefusesDataColumnsNamedLikeItsOwnColumns() {
    for (String column :
        List.of("row_id", "Consensus", "label_source", "annotations", "annotator")) {
      assertThatThrownBy(() -> Exchange.toCsv(tasks(), List.of("text", column)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + column + "'");
    }
    assertThatThrownBy(() -> Exchange.toCsv(tasks(), List.of("text", "TEXT")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void csvOneAnswerPerLine() {
    String csv =
        "\uFEFFRow_ID , annotator,label,skip,comment\r\n"
            + "7,alice,spam,,\"note, with a comma\"\r\n"
            + "7,bob,,TRUE,\r\n"
            + "8,alice,ham,false,\"two\r\nlines\"\r\n"
            + "8,carol,spam,,\r\n";
    assertThat(Exchange.fromCsv(bytes(csv), CLASSES))
        .containsExactly(
            new ImportedAnnotation(7, "alice", "spam", false),
            new ImportedAnnotation(7, "bob", null, true),
            new ImportedAnnotation(8, "alice", "ham", false),
            new ImportedAnnotation(8, "carol", "spam", false));
    // Without a skip column, and labels by canonical text.
    assertThat(
            Exchange.fromCsv(
                bytes("label,annotator,row_id\n1.0,a,3\n0,b,3\n-0.50,c,3\n"),
                List.of("0", "1", "-0.5")))
        .containsExactly(
            new ImportedAnnotation(3, "a", "1", false),
            new ImportedAnnotation(3, "b", "0", false),
            new ImportedAnnotation(3, "c", "-0.5", false));
  }

  @Test
  void csvProblemsAreAllReportedTogetherInLineOrder() {
    String csv =
        "row_id,annotator,label,skip\n" // 1
            + "7,alice,eggs,\n" // 2
            + "x7,bob,spam,\n" // 3
            + "8,,spam,\n" // 4
            + "8,carol,spam,true\n" // 5
            + "8,dave,,\n" // 6
            + "8,erin,spam\n" // 7
            + "8,frank,spam,maybe\n" // 8
            + "9,alice,ham,\n" // 9: fine
            + "9,alice,spam,\n" // 10
            + "9,gina,sp\"am,\n" // 11
            + "9,hank,\"spam\"x,\n" // 12
            + "9,ivan,ham,false,extra\n" // 13
            + "\"10,jack,spam,\n"; // 14: never closed
    assertThat(problems(() -> Exchange.fromCsv(bytes(csv), CLASSES)))
        .containsExactly(
            "line 2: label 'eggs' is not one of [ham, spam]",
            "line 3: row_id 'x7' is not a whole number >= 0",
            "line 4: annotator is empty",
            "line 5: both a label ('spam') and skip true; an answer is one of them",
            "line 6: no label, and skip is not true",
            "line 7: 3 fields, but the header has 4",
            "line 8: skip 'maybe' is not true or false",
            "line 10: annotator 'alice' answers row 9 again (first at line 9)",
            "line 11: a double quote inside unquoted field 3 (enclose the field in double quotes"
                + " and double the quote)",
            "line 12: text after the closing quote of field 3 (a quoted field ends at its closing"
                + " quote; double a quote inside it)",
            "line 13: 5 fields, but the header has 4",
            "line 14: a quoted field opened on this line is never closed (nothing after it was"
                + " read)");
  }

  @Test
  void csvWithoutTheColumnsItNeeds() {
    assertThat(problems(() -> Exchange.fromCsv(bytes("row_id,who,label\n1,a,ham\n"), CLASSES)))
        .containsExactly(
            "line 1: the header has no column annotator (it needs row_id, annotator and label, or"
                + " row_id and annotations)");
    assertThat(problems(() -> Exchange.fromCsv(bytes("text\nhello\n"), CLASSES)))
        .containsExactly(
            "line 1: the header has no column row_id, annotator, label (it needs row_id,"
                + " annotator and label, or row_id and annotations)");
    assertThat(problems(() -> Exchange.fromCsv(bytes("annotations\nalice:ham\n"), CLASSES)))
        .containsExactly(
            "line 1: the header has no column row_id (it needs row_id, annotator and label, or"
                + " row_id and annotations)");
    assertThat(
            problems(
                () ->
                    Exchange.fromCsv(
                        bytes("row_id,annotator,label,Label\n1,a,ham,spam\n"), CLASSES)))
        .containsExactly("line 1: column 'label' appears twice");
    assertThat(problems(() -> Exchange.fromCsv(bytes(""), CLASSES)))
        .containsExactly("line 1: no header (it needs row_id, annotator and label)");
    assertThat(Exchange.fromCsv(bytes("row_id,annotator,label\n"), CLASSES)).isEmpty();
  }

  @Test
  void csvLabelSkipWithoutASkipColumnAndNonUtf8() {
    assertThat(problems(() -> Exchange.fromCsv(bytes("row_id,annotator,label\n1,a,\n"), CLASSES)))
        .containsExactly("line 2: label is empty (a skip needs a skip column with true)");
    byte[] latin1 =
        "row_id,annotator,label\n1,Jos\u00e9,ham\n"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(problems(() -> Exchange.fromCsv(latin1, CLASSES)))
        .containsExactly("the file is not UTF-8 text");
  }

  @Test
  void csvExportFormProblems() {
    String csv =
        "row_id,text,consensus,label_source,annotations\n"
            + "1,a,,,alice:eggs;bob;:spam;carol:;dave:ham\\\n"
            + "2,b,,,erin:ham;erin:spam;;\n"
            + "x,c,,,frank:ham\n";
    assertThat(problems(() -> Exchange.fromCsv(bytes(csv), CLASSES)))
        .containsExactly(
            "line 2: annotations entry 'alice:eggs': label 'eggs' is not one of [ham, spam]",
            "line 2: annotations entry 'bob' is not annotator:label (or annotator:- for a skip)",
            "line 2: annotations entry ':spam' has an empty annotator",
            "line 2: annotations entry 'carol:' has no label (a skip is annotator:-)",
            "line 2: annotations entry 'dave:ham\\' ends in a lone backslash",
            "line 3: annotations entry 'erin:spam': annotator 'erin' answers row 2 again (first"
                + " at line 3: annotations entry 'erin:ham')",
            "line 4: row_id 'x' is not a whole number >= 0");
  }

  // -------------------------------------------------------------------------- Label Studio

  @Test
  void labelStudioExportFollowsTheTaskFormat() {
    JsonNode ls = Exchange.toLabelStudio(tasks(), "label", "text");

    assertThat(ls).hasSize(3);
    String first =
        """
        {"id": 101,
         "data": {"text": "win money, now", "n": 3, "ratio": 0.5, "flag": true, "gone": null,
                  "row_id": 7},
         "annotations": [
           {"completed_by": {"email": "alice"}, "was_cancelled": false,
            "created_at": "2024-05-01T10:15:30Z",
            "result": [{"from_name": "label", "to_name": "text", "type": "choices",
                        "value": {"choices": ["spam"]}}]},
           {"completed_by": {"email": "bob"}, "was_cancelled": false,
            "created_at": "2024-05-01T10:16:00.250Z",
            "result": [{"from_name": "label", "to_name": "text", "type": "choices",
                        "value": {"choices": ["spam"]}},
                       {"from_name": "rating", "to_name": "text", "type": "rating",
                        "value": {"rating": 4}}]},
           {"completed_by": {"email": "carol"}, "was_cancelled": true,
            "created_at": "2024-05-01T10:16:00.250Z", "result": []}],
         "predictions": [
           {"model_version": "model v3", "score": 0.87,
            "result": [{"from_name": "label", "to_name": "text", "type": "choices",
                        "value": {"choices": ["spam"]}}]}]}
        """;
    assertThat(canonical(ls.get(0))).isEqualTo(canonical(Json.readTree(first)));
    assertThat(canonical(ls.get(1).get("predictions")))
        .isEqualTo(
            canonical(
                Json.readTree(
                    """
                    [{"model_version": "rules",
                      "result": [{"from_name": "label", "to_name": "text", "type": "choices",
                                  "value": {"choices": ["ham"]}}]}]
                    """)));
    assertThat(ls.get(2).get("annotations")).isEmpty();
    assertThat(ls.get(2).get("predictions")).isEmpty();
    assertThat(ls.at("/2/data/row_id").asLong()).isEqualTo(9);
  }

  @Test
  void labelStudioRoundTrip() {
    byte[] ls = Json.writeBytes(Exchange.toLabelStudio(tasks(), "sentiment", "review"));
    assertThat(Exchange.fromLabelStudio(ls, CLASSES)).containsExactlyElementsOf(ANSWERS);
  }

  @Test
  void labelStudioExportRefusesDataWithARowIdField() {
    List<ExportedTask> tasks =
        List.of(new ExportedTask(1, 2, Map.of("row_id", 5), false, null, null, List.of(), null));
    assertThatThrownBy(() -> Exchange.toLabelStudio(tasks, "label", "text"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row_id");
  }

  @Test
  void aLabelStudioExportIsImported() throws IOException {
    byte[] export;
    try (InputStream in = ExchangeTest.class.getResourceAsStream("label-studio-export.json")) {
      export = in.readAllBytes();
    }
    // completed_by as an object (its email) and as a number (a user id); a cancelled annotation
    // is a skip; a rating result is passed over; row_id as text; predictions (one with a label
    // outside the schema) are ignored.
    assertThat(Exchange.fromLabelStudio(export, CLASSES))
        .containsExactly(
            new ImportedAnnotation(7, "alice@example.com", "spam", false),
            new ImportedAnnotation(7, "ls-user-10", "ham", false),
            new ImportedAnnotation(7, "carol@example.com", null, true),
            new ImportedAnnotation(8, "dave@example.com", "ham", false));
  }

  @Test
  void labelStudioProblemsAreAllReportedTogether() {
    String json =
        """
        [42,
         {"id": 2, "annotations": []},
         {"id": 3, "data": {"row_id": "x"}, "annotations": []},
         {"id": 4, "data": {"row_id": 4}, "annotations": "none"},
         {"data": {"row_id": 5}, "annotations": [
            {"result": [{"type": "choices", "value": {"choices": ["ham"]}}]},
            {"completed_by": {"first_name": "Nobody"},
             "result": [{"type": "choices", "value": {"choices": ["ham"]}}]},
            {"completed_by": true, "result": [{"type": "choices", "value": {"choices": ["ham"]}}]},
            {"completed_by": 1, "was_cancelled": false,
             "result": [{"type": "rating", "value": {"rating": 5}}]},
            {"completed_by": 2, "result": [{"type": "choices", "value": {"choices": []}}]},
            {"completed_by": 3, "result": [{"type": "choices", "value": {"choices": ["eggs"]}}]},
            {"completed_by": 4, "was_cancelled": "yes", "result": []},
            {"completed_by": {"id": 9, "email": "x@example.com"},
             "result": [{"type": "choices", "value": {"choices": ["ham"]}}]},
            {"completed_by": "x@example.com", "was_cancelled": true, "result": []},
            7]}]
        """;
    assertThat(problems(() -> Exchange.fromLabelStudio(bytes(json), CLASSES)))
        .containsExactly(
            "tasks[0]: is a number, not an object",
            "tasks[1] (id 2): has no data object",
            "tasks[2] (id 3): data.row_id \"x\" is not a whole number >= 0",
            "tasks[3] (id 4): annotations is text, not an array",
            // an item that is not an object is reported before the task's answers are read
            "tasks[4] annotations[9]: is a number, not an object",
            "tasks[4] annotations[0]: completed_by is missing",
            "tasks[4] annotations[1]: completed_by has neither an email nor an id",
            "tasks[4] annotations[2]: completed_by true is not a user (an object, an id or a"
                + " name)",
            "tasks[4] annotations[3]: has no choices result and was not cancelled",
            "tasks[4] annotations[4]: has no choices result and was not cancelled",
            "tasks[4] annotations[5]: choices 'eggs' is not one of [ham, spam]",
            "tasks[4] annotations[6]: was_cancelled \"yes\" is not true or false",
            "tasks[4] annotations[8]: annotator 'x@example.com' answers row 5 again (first at"
                + " tasks[4] annotations[7])");
  }

  @Test
  void labelStudioImportOfNotAnArray() {
    assertThat(problems(() -> Exchange.fromLabelStudio(bytes("{\"id\": 1}"), CLASSES)))
        .containsExactly("the JSON is an object, not an array of tasks");
  }

  // ------------------------------------------------------------------------------ Exception

  @Test
  void theExceptionMessageListsTheFirstProblemsAndCountsTheRest() {
    List<String> many = new ArrayList<>();
    for (int i = 1; i <= 25; i++) {
      many.add("line " + i + ": bad");
    }
    ImportException e = new ImportException(many);
    assertThat(e.problems()).hasSize(25);
    assertThat(e.getMessage())
        .startsWith("25 problems, nothing imported: line 1: bad; line 2: bad")
        .endsWith("line 20: bad; and 5 more");
    assertThat(new ImportException(List.of("x")).getMessage())
        .isEqualTo("1 problem, nothing imported: x");
  }
}
