package io.trainyard.ingestion.datasets;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestTokens;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
public class DatasetsApiTest {

  @Inject ObjectStore store;

  /** Publishes a spec as the console would, and waits until ingestion has taken it. */
  static String applySpec(String prefix, String extraFields) {
    return awaitSpec(TestEvents.applyCardFraudSpec(prefix, extraFields));
  }

  /**
   * Waits until ingestion knows the spec of {@code name}, which reaches it a moment after it is
   * published: until then an upload answers 404 (after, this header-only table answers 400).
   */
  public static String awaitSpec(String name) {
    await().atMost(Duration.ofSeconds(90)).until(() -> post(name, "a,fraud\n").statusCode() != 404);
    return name;
  }

  public static Response post(String pipeline, String csv) {
    return given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("text/csv")
        .body(csv.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/pipelines/" + pipeline + "/datasets");
  }

  static Response get(String path) {
    return given().header("Authorization", TestTokens.bearer("viewer")).get(path);
  }

  @Test
  void anUploadBecomesAVersionWithSplitsAManifestAndEvents() throws Exception {
    String name = applySpec("ingest", "");
    String csv = CardFraud.csv(1000, 7);

    Response created = post(name, csv);
    created.then().statusCode(201).header("Location", containsString("/datasets/1"));
    JsonNode body = Json.readTree(created.asByteArray());
    assertThat(body.get("version").asInt()).isEqualTo(1);
    long train = body.at("/splits/train/rows").asLong();
    long validation = body.at("/splits/validation/rows").asLong();
    long test = body.at("/splits/test/rows").asLong();
    assertThat(train + validation + test).isEqualTo(1000 - body.get("duplicatesDropped").asLong());
    assertThat(train).isBetween(690L, 710L);
    assertThat(validation).isBetween(140L, 160L);
    assertThat(body.get("contentHash").asText()).matches("[0-9a-f]{64}");
    assertThat(body.get("manifestUri").asText())
        .endsWith("/datasets/" + name + "/v1/manifest.json");

    Manifest manifest = store.manifest(Layout.dataset(name, 1)).orElseThrow();
    assertThat(manifest.objects())
        .extracting(Manifest.Entry::name)
        .containsExactlyInAnyOrder(
            "train.parquet",
            "validation.parquet",
            "test.parquet",
            "profile.json",
            "validation.json");
    store.verify(manifest);
    assertThat(manifest.metadata().get("contentHash").asText())
        .isEqualTo(body.get("contentHash").asText());

    // The same content again: the same version, 200, and nothing published.
    Response again = post(name, csv);
    again.then().statusCode(200).body("version", equalTo(1));
    assertThat(again.jsonPath().getString("contentHash"))
        .isEqualTo(body.get("contentHash").asText());

    // Other content: the next version.
    post(name, CardFraud.csv(800, 8)).then().statusCode(201).body("version", equalTo(2));

    var ingested =
        EventLog.awaitAtLeast(TestTopics.of(Topic.DATASETS_INGESTED), r -> name.equals(r.key()), 2);
    assertThat(ingested).hasSize(2);
    JsonNode first = Json.readTree(ingested.get(0).value());
    assertThat(first.get("version").asInt()).isEqualTo(1);
    assertThat(first.at("/splits/train/rows").asLong()).isEqualTo(train);
    assertThat(first.get("schema").size()).isEqualTo(10);
    var requested =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.TRAINING_REQUESTED),
            r -> Json.readTree(r.value()).get("pipeline").asText().equals(name),
            2);
    assertThat(requested).hasSize(2);
    var forV1 =
        requested.stream()
            .filter(r -> Json.readTree(r.value()).get("datasetVersion").asInt() == 1)
            .findFirst()
            .orElseThrow();
    JsonNode run = Json.readTree(forV1.value());
    assertThat(run.get("trigger").asText()).isEqualTo("data");
    assertThat(run.get("runId").asText()).isEqualTo(DatasetService.runId(name, 1));
    assertThat(EventLog.header(forV1, "ce_correlationid"))
        .isEqualTo(EventLog.header(ingested.get(0), "ce_correlationid"));

    // Reading answers the same description.
    Response list = get("/api/v1/pipelines/" + name + "/datasets");
    list.then().statusCode(200);
    List<Integer> versions = list.jsonPath().getList("version");
    assertThat(versions).containsExactly(1, 2);
    Response one = get("/api/v1/pipelines/" + name + "/datasets/1");
    one.then().statusCode(200);
    assertThat(Json.readTree(one.asByteArray())).isEqualTo(body);
  }

  static Response postEncoded(String pipeline, byte[] body, String encoding) {
    return given()
        .header("Authorization", TestTokens.bearer("ops"))
        .header("Content-Encoding", encoding)
        .contentType("text/csv")
        .body(body)
        .post("/api/v1/pipelines/" + pipeline + "/datasets");
  }

  static byte[] gzip(String text) throws java.io.IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  @Test
  void aGzipBodyIsTheSameTableAsThePlainOne() throws Exception {
    String name = applySpec("gzip", "");
    String csv = CardFraud.csv(400, 12);
    Response plain = post(name, csv);
    plain.then().statusCode(201).body("version", equalTo(1));
    Response compressed = postEncoded(name, gzip(csv), "gzip");
    compressed.then().statusCode(200).body("version", equalTo(1));
    assertThat(compressed.jsonPath().getString("contentHash"))
        .isEqualTo(plain.jsonPath().getString("contentHash"));
    postEncoded(name, gzip(CardFraud.csv(400, 13)), "gzip")
        .then()
        .statusCode(201)
        .body("version", equalTo(2));

    postEncoded(name, "not gzip at all".getBytes(StandardCharsets.UTF_8), "gzip")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("not valid gzip"));
    postEncoded(name, csv.getBytes(StandardCharsets.UTF_8), "br")
        .then()
        .statusCode(415)
        .body("detail", containsString("Content-Encoding 'br'"));
    get("/api/v1/pipelines/" + name + "/datasets").then().body("size()", equalTo(2));
  }

  /** The CardFraud table as JSON Lines. */
  static String jsonLines(String csv) {
    String[] lines = csv.split("\n");
    String[] header = lines[0].split(",");
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < lines.length; i++) {
      String[] cells = lines[i].split(",");
      out.append('{');
      for (int c = 0; c < header.length; c++) {
        out.append(c == 0 ? "" : ", ")
            .append('"')
            .append(header[c])
            .append("\": ")
            .append(cells[c]);
      }
      out.append("}\n");
    }
    return out.toString();
  }

  @Test
  void jsonLinesAndParquetUploadsBecomeVersionsToo() throws Exception {
    String name = applySpec("formats", "");
    String csv = CardFraud.csv(300, 31);
    Response fromJson =
        given()
            .header("Authorization", TestTokens.bearer("ops"))
            .contentType("application/x-ndjson")
            .body(jsonLines(csv).getBytes(StandardCharsets.UTF_8))
            .post("/api/v1/pipelines/" + name + "/datasets");
    fromJson.then().statusCode(201).body("version", equalTo(1));
    assertThat(fromJson.jsonPath().getList("schema.name")).hasSize(10);
    assertThat(
            fromJson.jsonPath().getLong("splits.train.rows")
                + fromJson.jsonPath().getLong("splits.validation.rows")
                + fromJson.jsonPath().getLong("splits.test.rows"))
        .isEqualTo(300 - fromJson.jsonPath().getLong("duplicatesDropped"));

    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("parquet-upload-");
    java.nio.file.Path input =
        java.nio.file.Files.writeString(dir.resolve("t.csv"), CardFraud.csv(250, 32));
    java.nio.file.Path parquet = dir.resolve("t.parquet");
    try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        var st = c.createStatement()) {
      st.execute(
          "COPY (SELECT * FROM read_csv('" + input + "')) TO '" + parquet + "' (FORMAT parquet)");
    }
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/vnd.apache.parquet")
        .body(java.nio.file.Files.readAllBytes(parquet))
        .post("/api/v1/pipelines/" + name + "/datasets")
        .then()
        .statusCode(201)
        .body("version", equalTo(2))
        .body("inputRows", equalTo(250));

    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/x-ndjson")
        .body(
            "{\"amount\": 1, \"extra\": {\"k\": 1}, \"fraud\": 0}\n"
                .getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/pipelines/" + name + "/datasets")
        .then()
        .statusCode(400)
        .body("detail", containsString("column 'extra' holds nested values"));
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/vnd.apache.parquet")
        .body("not parquet".getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/pipelines/" + name + "/datasets")
        .then()
        .statusCode(400)
        .body("detail", containsString("not valid Parquet"));
    get("/api/v1/pipelines/" + name + "/datasets").then().body("size()", equalTo(2));
  }

  @Test
  void rowsWithoutATargetGoToTheUnlabeledSplitAndNoRunIsRequested() {
    String name = applySpec("unlabeled", "");
    String[] lines = CardFraud.csv(400, 14).split("\n");
    StringBuilder csv = new StringBuilder(lines[0]).append('\n');
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      // Every fifth row has lost its label.
      csv.append(i % 5 == 0 ? line.substring(0, line.lastIndexOf(',') + 1) : line).append('\n');
    }
    Response created = post(name, csv.toString());
    created.then().statusCode(201).body("splits.unlabeled.rows", equalTo(80));
    assertThat(
            created.jsonPath().getLong("splits.train.rows")
                + created.jsonPath().getLong("splits.validation.rows")
                + created.jsonPath().getLong("splits.test.rows"))
        .isEqualTo(320 - created.jsonPath().getLong("duplicatesDropped"));
    var ingested =
        EventLog.awaitAtLeast(TestTopics.of(Topic.DATASETS_INGESTED), r -> name.equals(r.key()), 1);
    assertThat(Json.readTree(ingested.get(0).value()).at("/splits/unlabeled/rows").asLong())
        .isEqualTo(80);
    assertThat(
            EventLog.matching(
                TestTopics.of(Topic.TRAINING_REQUESTED),
                r -> Json.readTree(r.value()).get("pipeline").asText().equals(name)))
        .as("a version with unlabeled rows waits for its labels")
        .isEmpty();
  }

  @Test
  void withoutTrainingAutoNoRunIsRequested() {
    String name = applySpec("manual", "\"training\": {\"auto\": false}");
    post(name, CardFraud.csv(300, 3)).then().statusCode(201);
    EventLog.awaitAtLeast(TestTopics.of(Topic.DATASETS_INGESTED), r -> name.equals(r.key()), 1);
    assertThat(
            EventLog.matching(
                TestTopics.of(Topic.TRAINING_REQUESTED),
                r -> Json.readTree(r.value()).get("pipeline").asText().equals(name)))
        .isEmpty();
  }

  @Test
  void textFeaturesAreKeptAndCleanedPerTheSpecWithTheStepsInTheManifest() {
    String name =
        applySpec(
            "cleaned",
            "\"ingestion\": {\"missing\": {\"numeric\": \"median\", \"categorical\":"
                + " \"__missing__\"}, \"categories\": {\"foldCase\": true}, \"dedupe\": false}");
    StringBuilder csv = new StringBuilder("amount,merchant,fraud\n");
    String[] merchants = {" Acme", "acme ", "BOLT", ""};
    for (int i = 0; i < 60; i++) {
      csv.append(i % 10 == 0 ? "" : Integer.toString(i)).append(',');
      csv.append(merchants[i % 4]).append(',').append(i % 2).append('\n');
    }
    post(name, csv.toString()).then().statusCode(201).body("version", equalTo(1));

    Manifest manifest = store.manifest(Layout.dataset(name, 1)).orElseThrow();
    JsonNode metadata = manifest.metadata();
    assertThat(metadata.at("/schema/1/type").asText()).isEqualTo("string");
    assertThat(metadata.get("features").toString()).contains("merchant");
    Map<String, JsonNode> steps = new java.util.HashMap<>();
    metadata
        .get("cleaning")
        .forEach(st -> steps.put(st.get("step").asText() + ":" + st.path("column").asText(), st));
    assertThat(steps.get("trim:merchant").get("count").asLong()).isEqualTo(30); // " Acme", "acme "
    assertThat(steps.get("fold_case:merchant").get("count").asLong()).isEqualTo(30); // Acme, BOLT
    assertThat(steps.get("fill:amount").get("strategy").asText()).isEqualTo("median");
    assertThat(steps.get("fill:amount").get("count").asLong()).isEqualTo(6);
    assertThat(steps.get("fill:merchant").get("value").asText()).isEqualTo("__missing__");
    assertThat(steps.get("fill:merchant").get("count").asLong()).isEqualTo(15);
  }

  @Test
  void aTargetWithMoreThanTwoValuesIsA400ForBinaryClassification() {
    String name = applySpec("threecls", "");
    StringBuilder csv = new StringBuilder("x,fraud\n");
    for (int i = 0; i < 60; i++) {
      csv.append(i).append(',').append(i % 3).append('\n');
    }
    post(name, csv.toString())
        .then()
        .statusCode(400)
        .body("detail", containsString("'fraud'"))
        .body("detail", containsString("exactly 2"));
  }

  @Test
  void anUnknownPipelineIsA404AndAnUnknownVersionToo() {
    post(UniqueNames.of("nobody"), CardFraud.csv(10, 1))
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    String name = applySpec("noversion", "");
    get("/api/v1/pipelines/" + name + "/datasets/9").then().statusCode(404);
    get("/api/v1/pipelines/" + name + "/datasets/x").then().statusCode(400);
  }

  @Test
  void uploadsNeedTheOpsRoleAndACsvBody() {
    String name = UniqueNames.of("roles");
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .contentType("text/csv")
        .body("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/pipelines/" + name + "/datasets")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/json")
        .body("{}")
        .post("/api/v1/pipelines/" + name + "/datasets")
        .then()
        .statusCode(415);
  }
}
