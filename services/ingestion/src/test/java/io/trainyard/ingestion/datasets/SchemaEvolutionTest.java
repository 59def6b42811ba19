package io.trainyard.ingestion.datasets;

import static io.trainyard.ingestion.datasets.DatasetsApiTest.applySpec;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.get;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trainyard.contracts.Json;
import io.trainyard.datasets.Validator;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.TrainyardStackResource;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Schema inference, diffs between versions and declared columns, on the real stack. */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class SchemaEvolutionTest {

  @Inject ObjectStore store;

  /** The CardFraud table with a column {@code name} appended, valued {@code value(row, line)}. */
  static String withColumn(String csv, String name, BiFunction<Integer, String, String> value) {
    StringBuilder out = new StringBuilder();
    String[] lines = csv.split("\n");
    out.append(lines[0]).append(',').append(name).append('\n');
    for (int i = 1; i < lines.length; i++) {
      out.append(lines[i]).append(',').append(value.apply(i - 1, lines[i])).append('\n');
    }
    return out.toString();
  }

  /** The CardFraud table without the column {@code name}. */
  static String withoutColumn(String csv, String name) {
    String[] lines = csv.split("\n");
    int drop = List.of(lines[0].split(",")).indexOf(name);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
      cells.remove(drop);
      out.append(String.join(",", cells)).append('\n');
    }
    return out.toString();
  }

  static JsonNode anomaly(JsonNode report, String code) {
    for (JsonNode a : report.get("anomalies")) {
      if (a.get("code").asText().equals(code)) {
        return a;
      }
    }
    throw new AssertionError("no " + code + " in " + report);
  }

  static JsonNode change(JsonNode diff, String code) {
    for (JsonNode c : diff.get("changes")) {
      if (c.get("code").asText().equals(code)) {
        return c;
      }
    }
    throw new AssertionError("no " + code + " in " + diff);
  }

  @Test
  void anAddedColumnIsAcceptedAndTheDiffEndpointListsIt() throws Exception {
    String name = applySpec("schema-added", "\"training\": {\"auto\": false}");
    post(name, CardFraud.csv(400, 1)).then().statusCode(201).body("version", equalTo(1));
    // v1 has nothing to compare with
    JsonNode v1 =
        Json.readTree(get("/api/v1/pipelines/" + name + "/datasets/1/validation").asByteArray());
    assertThat(v1.has("schemaDiff")).isFalse();
    // the profile has the inferred schema
    JsonNode profile =
        Json.readTree(get("/api/v1/pipelines/" + name + "/datasets/1/profile").asByteArray());
    assertThat(profile.get("formatVersion").asInt()).isEqualTo(2);
    assertThat(profile.at("/columns/0/name").asText()).isEqualTo("amount");
    assertThat(profile.at("/columns/0/kind").asText()).isEqualTo("numeric");
    assertThat(profile.at("/columns/0/nullable").asBoolean()).isFalse();

    Response v2 = post(name, withColumn(CardFraud.csv(400, 2), "extra", (i, line) -> "" + i % 7));
    v2.then().statusCode(201).body("version", equalTo(2));
    JsonNode report =
        Json.readTree(get("/api/v1/pipelines/" + name + "/datasets/2/validation").asByteArray());
    JsonNode added = anomaly(report, Validator.SCHEMA_CHANGE);
    assertThat(added.get("severity").asText()).isEqualTo("info");
    assertThat(added.get("column").asText()).isEqualTo("extra");
    assertThat(report.at("/schemaDiff/from").asInt()).isEqualTo(1);
    assertThat(report.at("/schemaDiff/to").asInt()).isEqualTo(2);

    Response answer = get("/api/v1/pipelines/" + name + "/datasets/2/diff");
    answer.then().statusCode(200).contentType("application/json");
    JsonNode diff = Json.readTree(answer.asByteArray());
    assertThat(diff.get("from").asInt()).isEqualTo(1);
    assertThat(diff.get("to").asInt()).isEqualTo(2);
    assertThat(diff.get("breaking").asBoolean()).isFalse();
    assertThat(diff.get("changes")).hasSize(1);
    JsonNode change = change(diff, "added_column");
    assertThat(change.get("column").asText()).isEqualTo("extra");
    assertThat(change.get("toType").asText()).isEqualTo("integer");
    assertThat(change.get("breaking").asBoolean()).isFalse();
    assertThat(diff.at("/columns/amount/mean/from").isNumber()).isTrue();
    assertThat(diff.at("/columns/amount/missingShare/change").asDouble()).isZero();
    assertThat(diff.get("columns").has("extra")).isFalse();

    // the reverse: against a later version, the column is removed (breaking)
    JsonNode reverse =
        Json.readTree(
            get("/api/v1/pipelines/" + name + "/datasets/1/diff?against=2").asByteArray());
    assertThat(reverse.get("from").asInt()).isEqualTo(2);
    assertThat(reverse.get("breaking").asBoolean()).isTrue();
    assertThat(change(reverse, "removed_column").get("column").asText()).isEqualTo("extra");

    get("/api/v1/pipelines/" + name + "/datasets/1/diff")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", containsString("no earlier version"));
    get("/api/v1/pipelines/" + name + "/datasets/9/diff").then().statusCode(404);
    get("/api/v1/pipelines/" + name + "/datasets/2/diff?against=9")
        .then()
        .statusCode(404)
        .body("detail", containsString("no dataset version 9"));
    get("/api/v1/pipelines/" + name + "/datasets/2/diff?against=x").then().statusCode(400);
  }

  @Test
  void aRemovedColumnIsA422AndWritesNothingUnlessBreakingChangesAreAllowed() throws Exception {
    String name = applySpec("schema-removed", "\"training\": {\"auto\": false}");
    post(name, CardFraud.csv(400, 3)).then().statusCode(201);
    String smaller = withoutColumn(CardFraud.csv(400, 4), "online_order");

    Response rejected = post(name, smaller);
    rejected.then().statusCode(422).contentType("application/problem+json");
    JsonNode problem = Json.readTree(rejected.asByteArray());
    assertThat(problem.get("type").asText()).isEqualTo(DatasetRejectedException.TYPE);
    assertThat(problem.at("/errors/0/field").asText()).isEqualTo("online_order");
    assertThat(problem.at("/errors/0/message").asText()).startsWith("breaking_schema_change: ");
    JsonNode breaking = anomaly(problem.get("validation"), Validator.BREAKING_SCHEMA_CHANGE);
    assertThat(breaking.get("severity").asText()).isEqualTo("error");
    assertThat(problem.at("/validation/schemaDiff/breaking").asBoolean()).isTrue();
    assertThat(problem.at("/validation/schemaDiff/changes/0/code").asText())
        .isEqualTo("removed_column");
    assertThat(store.manifest(Layout.dataset(name, 2))).isEmpty();
    get("/api/v1/pipelines/" + name + "/datasets").then().body("size()", equalTo(1));

    String allowing =
        applySpec(
            "schema-allowed",
            "\"training\": {\"auto\": false}, \"ingestion\": {\"allowBreakingChanges\": true}");
    post(allowing, CardFraud.csv(400, 3)).then().statusCode(201);
    Response accepted = post(allowing, smaller);
    accepted.then().statusCode(201).body("version", equalTo(2));
    JsonNode body = Json.readTree(accepted.asByteArray());
    assertThat(body.at("/validation/passed").asBoolean()).isTrue();
    assertThat(body.at("/validation/warnings").asInt()).isPositive();
    JsonNode report =
        Json.readTree(
            get("/api/v1/pipelines/" + allowing + "/datasets/2/validation").asByteArray());
    JsonNode warning = anomaly(report, Validator.BREAKING_SCHEMA_CHANGE);
    assertThat(warning.get("severity").asText()).isEqualTo("warning");
    assertThat(warning.get("column").asText()).isEqualTo("online_order");
    assertThat(warning.get("message").asText()).contains("allowBreakingChanges");
  }

  @Test
  void aDeclaredRangeViolatedIsA422WithTheCounts() throws Exception {
    String name =
        applySpec(
            "schema-range",
            "\"training\": {\"auto\": false}, \"ingestion\": {\"columns\": ["
                + "{\"name\": \"hour\", \"type\": \"integer\", \"min\": 0, \"max\": 20},"
                + " {\"name\": \"amount\", \"type\": \"number\", \"nullable\": false}]}");
    String csv = CardFraud.csv(500, 5);
    long late =
        csv.lines().skip(1).filter(line -> Integer.parseInt(line.split(",")[1]) > 20).count();
    assertThat(late).isPositive();

    Response rejected = post(name, csv);
    rejected.then().statusCode(422);
    JsonNode problem = Json.readTree(rejected.asByteArray());
    assertThat(problem.get("errors")).hasSize(1);
    assertThat(problem.at("/errors/0/field").asText()).isEqualTo("hour");
    JsonNode range = anomaly(problem.get("validation"), Validator.OUT_OF_RANGE);
    assertThat(range.get("severity").asText()).isEqualTo("error");
    assertThat(range.get("value").asLong()).isEqualTo(late);
    assertThat(range.get("message").asText()).contains(late + " above the maximum 20 (largest 23)");
    assertThat(store.manifest(Layout.dataset(name, 1))).isEmpty();

    // the same rows without the late hours pass
    StringBuilder early = new StringBuilder();
    csv.lines()
        .filter(line -> line.startsWith("amount") || Integer.parseInt(line.split(",")[1]) <= 20)
        .forEach(line -> early.append(line).append('\n'));
    post(name, early.toString()).then().statusCode(201).body("validation.errors", equalTo(0));
  }

  @Test
  void anUnexpectedCategoryIsA422AndNewCategoriesAreReported() throws Exception {
    String declared =
        applySpec(
            "schema-categories",
            "\"training\": {\"auto\": false}, \"features\": {\"exclude\": [\"card\"]},"
                + " \"ingestion\": {\"columns\": [{\"name\": \"card\", \"type\": \"categorical\","
                + " \"categories\": [\"visa\", \"amex\"]}]}");
    String csv =
        withColumn(
            CardFraud.csv(400, 6),
            "card",
            (i, line) -> i % 20 == 0 ? "jcb" : i % 2 == 0 ? "visa" : "amex");
    Response rejected = post(declared, csv);
    rejected.then().statusCode(422);
    JsonNode unexpected =
        anomaly(
            Json.readTree(rejected.asByteArray()).get("validation"), Validator.UNEXPECTED_CATEGORY);
    assertThat(unexpected.get("column").asText()).isEqualTo("card");
    assertThat(unexpected.get("value").asLong()).isEqualTo(20);
    assertThat(unexpected.get("message").asText()).contains("'jcb' (20)");

    // undeclared: inferred categorical, and a new category in v2 is a warning and in the diff
    String inferred =
        applySpec(
            "schema-newcat",
            "\"training\": {\"auto\": false}, \"features\": {\"exclude\": [\"card\"]}");
    post(
            inferred,
            withColumn(CardFraud.csv(400, 7), "card", (i, line) -> i % 2 == 0 ? "visa" : "amex"))
        .then()
        .statusCode(201);
    JsonNode profile =
        Json.readTree(get("/api/v1/pipelines/" + inferred + "/datasets/1/profile").asByteArray());
    JsonNode card = profile.at("/columns/10");
    assertThat(card.get("name").asText()).isEqualTo("card");
    assertThat(card.get("kind").asText()).isEqualTo("categorical");
    assertThat(card.get("categories").toString()).isEqualTo("[\"amex\",\"visa\"]");
    post(inferred, csv).then().statusCode(201).body("validation.passed", equalTo(true));
    JsonNode report =
        Json.readTree(
            get("/api/v1/pipelines/" + inferred + "/datasets/2/validation").asByteArray());
    JsonNode warning = anomaly(report, Validator.SCHEMA_CHANGE);
    assertThat(warning.get("severity").asText()).isEqualTo("warning");
    assertThat(warning.get("message").asText()).contains("new_categories").contains("'jcb'");
    JsonNode diff =
        Json.readTree(get("/api/v1/pipelines/" + inferred + "/datasets/2/diff").asByteArray());
    JsonNode newCategories = change(diff, "new_categories");
    assertThat(newCategories.get("column").asText()).isEqualTo("card");
    assertThat(newCategories.get("categories").toString()).isEqualTo("[\"jcb\"]");
    assertThat(newCategories.get("newCategories").asInt()).isEqualTo(1);
    assertThat(diff.get("breaking").asBoolean()).isFalse();
  }
}
