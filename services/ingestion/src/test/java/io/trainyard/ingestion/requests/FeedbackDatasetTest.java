package io.trainyard.ingestion.requests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngestRequested;
import io.trainyard.contracts.events.FeedbackWindow;
import io.trainyard.contracts.events.InferenceLabeled;
import io.trainyard.contracts.events.InferenceObserved;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.ingestion.datasets.DatasetsApiTest;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Feedback datasets over the real stack: {@code inference.observed} joined with {@code
 * inference.labeled} and added to the latest version.
 */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class FeedbackDatasetTest {

  static final String SOURCE = "/tests/serving";

  @Inject ObjectStore store;

  /** The features of a card transaction with a recognizable {@code amount}. */
  static Map<String, Object> features(double amount, int seed) {
    double[] x = CardFraud.transactions(1, seed, 0.0).get(0).features();
    Map<String, Object> features = new LinkedHashMap<>();
    features.put("amount", amount);
    features.put("hour", (int) x[1]);
    features.put("distance_from_home", x[2]);
    features.put("distance_from_last", x[3]);
    features.put("ratio_to_median", x[4]);
    features.put("repeat_retailer", (int) x[5]);
    features.put("used_chip", (int) x[6]);
    features.put("used_pin", (int) x[7]);
    features.put("online_order", (int) x[8]);
    return features;
  }

  static void observe(String pipeline, String predictionId, Map<String, Object> f, Instant at) {
    InferenceObserved event = new InferenceObserved(pipeline, 1, predictionId, f, 0, null, 0.1, at);
    TestEvents.publish(
        TestTopics.of(Topic.INFERENCE_OBSERVED),
        Topic.INFERENCE_OBSERVED,
        EventIds.of(Topic.INFERENCE_OBSERVED, pipeline, predictionId),
        SOURCE,
        pipeline,
        event);
  }

  static void label(String pipeline, String predictionId, Object label, Instant at) {
    InferenceLabeled event = new InferenceLabeled(pipeline, predictionId, label, "tests", at);
    TestEvents.publish(
        TestTopics.of(Topic.INFERENCE_LABELED),
        Topic.INFERENCE_LABELED,
        EventIds.of(Topic.INFERENCE_LABELED, pipeline, predictionId, at),
        SOURCE,
        pipeline,
        event);
  }

  static long labeledRows(JsonNode version) {
    return version.at("/splits/train/rows").asLong()
        + version.at("/splits/validation/rows").asLong()
        + version.at("/splits/test/rows").asLong();
  }

  static JsonNode version(String pipeline, int version) {
    Response response =
        io.restassured.RestAssured.given()
            .header("Authorization", TestTokens.bearer("viewer"))
            .get("/api/v1/pipelines/" + pipeline + "/datasets/" + version);
    response.then().statusCode(200);
    return Json.readTree(response.asByteArray());
  }

  @Test
  void labeledPredictionsOfTheWindowAreAddedToTheLatestVersion() throws Exception {
    String pipeline = DatasetsApiTest.awaitSpec(TestEvents.applyCardFraudSpec("feedback", ""));
    String other = DatasetsApiTest.awaitSpec(TestEvents.applyCardFraudSpec("feedback-other", ""));
    Response first = DatasetsApiTest.post(pipeline, CardFraud.csv(400, 5));
    first.then().statusCode(201);
    JsonNode v1 = Json.readTree(first.asByteArray());

    Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));
    Instant to = from.plus(Duration.ofHours(1));
    String id = pipeline + "-p";
    // In the window: p0 to p4; p4 is never labeled.
    observe(pipeline, id + 0, features(10001, 1), from);
    Map<String, Object> withoutHour = features(10002, 2);
    withoutHour.remove("hour");
    withoutHour.put("not_in_the_schema", 7);
    observe(pipeline, id + 1, withoutHour, from.plusSeconds(60));
    observe(pipeline, id + 2, features(10003, 3), from.plusSeconds(120));
    Map<String, Object> hourAsDouble = features(10004, 4);
    hourAsDouble.put("hour", 5.0);
    observe(pipeline, id + 3, hourAsDouble, from.plusSeconds(180));
    observe(pipeline, id + 4, features(10005, 5), from.plusSeconds(240));
    // Outside the window: at its (exclusive) end, and before its start.
    observe(pipeline, id + 5, features(10006, 6), to);
    observe(pipeline, id + 6, features(10007, 7), from.minusSeconds(1));
    // Another pipeline's prediction with the same id as p2.
    observe(other, id + 2, features(10008, 8), from.plusSeconds(120));

    // p0 is labeled twice: the later labeledAt (1) wins although it is published first.
    label(pipeline, id + 0, 1, from.plus(Duration.ofMinutes(30)));
    label(pipeline, id + 0, 0, from.plus(Duration.ofMinutes(20)));
    label(pipeline, id + 1, 0, from.plus(Duration.ofMinutes(20)));
    label(pipeline, id + 2, 1, from.plus(Duration.ofMinutes(20)));
    label(pipeline, id + 3, 0, from.plus(Duration.ofMinutes(20)));
    label(pipeline, id + 5, 1, from.plus(Duration.ofMinutes(20)));
    label(pipeline, id + 6, 1, from.plus(Duration.ofMinutes(20)));
    label(pipeline, id + "never-observed", 1, from.plus(Duration.ofMinutes(20)));
    label(other, id + 2, 0, from.plus(Duration.ofMinutes(40)));

    IngestRequestsTest.request(
        new DatasetIngestRequested(
            pipeline,
            null,
            null,
            null,
            null,
            null,
            "retrain on last hour's feedback",
            null,
            new FeedbackWindow(from, to)),
        UUID.randomUUID().toString());

    EventLog.awaitAtLeast(TestTopics.of(Topic.DATASETS_INGESTED), r -> pipeline.equals(r.key()), 2);
    JsonNode v2 = version(pipeline, 2);
    assertThat(v2.get("inputRows").asLong()).isEqualTo(labeledRows(v1) + 4);
    assertThat(labeledRows(v2)).isEqualTo(labeledRows(v1) + 4);
    assertThat(v2.at("/lineage/source").asText()).isEqualTo("feedback " + from + ".." + to);
    assertThat(v2.at("/lineage/parentVersion").asInt()).isEqualTo(1);
    List<String> columns = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    v2.get("schema")
        .forEach(
            c -> {
              columns.add(c.get("name").asText());
              types.put(c.get("name").asText(), c.get("type").asText());
            });
    assertThat(columns).isEqualTo(List.of(CardFraud.HEADER.split(",")));
    assertThat(types.get("hour")).isEqualTo("integer");

    // The feedback rows, read from the version's Parquet files: the latest labels, and an empty
    // hour where the observation had none.
    Manifest manifest = store.manifest(Layout.dataset(pipeline, 2)).orElseThrow();
    Path dir = Files.createTempDirectory("feedback-test");
    List<String> files = new ArrayList<>();
    for (String split : List.of("train", "validation", "test")) {
      files.add(
          "'"
              + store.download(manifest, DatasetVersions.fileName(split), dir).toAbsolutePath()
              + "'");
    }
    Map<Long, String> found = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT CAST(amount AS BIGINT), fraud, hour FROM read_parquet(["
                    + String.join(", ", files)
                    + "]) WHERE amount >= 10000 ORDER BY amount")) {
      while (rs.next()) {
        found.put(rs.getLong(1), rs.getString(2) + "/" + rs.getObject(3));
      }
    }
    assertThat(found)
        .containsExactly(
            Map.entry(10001L, "1/" + features(10001, 1).get("hour")),
            Map.entry(10002L, "0/null"),
            Map.entry(10003L, "1/" + features(10003, 3).get("hour")),
            Map.entry(10004L, "0/5"));
  }

  @Test
  void feedbackRequestsThatCannotSucceedAreDeadLettered() {
    String pipeline =
        DatasetsApiTest.awaitSpec(TestEvents.applyCardFraudSpec("feedback-empty", ""));
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    FeedbackWindow empty =
        new FeedbackWindow(now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(2)));
    IngestRequestsTest.request(
        new DatasetIngestRequested(pipeline, null, null, null, null, null, null, null, empty),
        UUID.randomUUID().toString());
    String nobody = UniqueNames.of("nobody");
    IngestRequestsTest.request(
        new DatasetIngestRequested(nobody, null, null, null, null, null, null, null, empty),
        UUID.randomUUID().toString());
    // A window that ends before it starts cannot even be read into the record.
    String backwards =
        "{\"pipeline\": \""
            + pipeline
            + "\", \"feedback\": {\"from\": \""
            + now
            + "\", \"to\": \""
            + now.minusSeconds(60)
            + "\"}}";
    TestEvents.send(
        TestTopics.of(Topic.DATASETS_INGEST_REQUESTED),
        pipeline,
        backwards.getBytes(StandardCharsets.UTF_8),
        Envelope.root(
                Topic.DATASETS_INGEST_REQUESTED,
                UUID.randomUUID().toString(),
                IngestRequestsTest.SOURCE,
                pipeline)
            .toHeaders());

    var letters =
        EventLog.awaitAtLeast(
            TestTopics.dlqOf(Topic.DATASETS_INGEST_REQUESTED),
            r -> pipeline.equals(r.key()) || nobody.equals(r.key()),
            3);
    List<String> reasons =
        letters.stream().map(r -> EventLog.header(r, "trainyard_dlq_reason")).toList();
    assertThat(reasons)
        .hasSize(3)
        .anySatisfy(
            reason ->
                assertThat(reason)
                    .isEqualTo(
                        "poison: no labeled predictions of pipeline "
                            + pipeline
                            + " between "
                            + empty.from()
                            + " and "
                            + empty.to()))
        .anySatisfy(
            reason ->
                assertThat(reason).startsWith("poison:").contains("no spec of pipeline '" + nobody))
        .anySatisfy(
            reason -> assertThat(reason).startsWith("schema-invalid:").contains("must be before"));
    assertThat(
            EventLog.matching(
                TestTopics.of(Topic.DATASETS_INGESTED), r -> pipeline.equals(r.key())))
        .isEmpty();
  }
}
