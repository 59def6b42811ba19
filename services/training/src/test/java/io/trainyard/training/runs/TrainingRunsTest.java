package io.trainyard.training.runs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Sources;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.datasets.CsvSplitter;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.IngestResult;
import io.trainyard.datasets.SplitConfig;
import io.trainyard.datasets.SplitRatios;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.models.ModelBundle;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.platform.WorkDir;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestTokens;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class TrainingRunsTest {

  @Inject ObjectStore store;

  /** Publishes a small-but-real spec, as the console would. */
  static String applySpec(String prefix) {
    return TestEvents.applyCardFraudSpec(
        prefix,
        "\"training\": {\"epochs\": 6, \"batchSize\": 64, \"learningRate\": 0.01,"
            + " \"earlyStopping\": {\"patience\": 3}}");
  }

  /** Writes dataset version {@code version} of {@code pipeline} as ingestion does. */
  void writeDataset(String pipeline, int version, String csv) throws Exception {
    writeDatasetWith(store, pipeline, version, csv);
  }

  /** Writes dataset version {@code version} of {@code pipeline} to {@code store}. */
  void writeDatasetWith(ObjectStore store, String pipeline, int version, String csv)
      throws Exception {
    try (WorkDir dir = WorkDir.create("training-test-")) {
      Path input = dir.resolve("input.csv");
      Files.writeString(input, csv);
      IngestResult result =
          CsvSplitter.split(
              input,
              new SplitConfig(
                  CardFraud.TARGET, List.of(), new SplitRatios(0.7, 0.15, 0.15), true, 42, true),
              dir.resolve("out"));
      DatasetVersions.write(store, pipeline, version, contentHash(version), result);
    }
  }

  static String contentHash(int version) {
    return Json.sha256Hex(("dataset " + version).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  static boolean ended(String runId) {
    Response response = run(runId);
    return response.statusCode() == 200
        && List.of("succeeded", "failed", "cancelled").contains(response.path("state"));
  }

  static void request(String runId, String pipeline, int version, String eventId) {
    TestEvents.publish(
        TestTopics.of(Topic.TRAINING_REQUESTED),
        Topic.TRAINING_REQUESTED,
        eventId,
        Sources.INGESTION,
        pipeline,
        new TrainingRequested(runId, pipeline, version, Trigger.DATA, "test data", null));
  }

  static Predicate<ConsumerRecord<String, byte[]>> ofRun(String runId) {
    return r -> Json.readTree(r.value()).path("runId").asText().equals(runId);
  }

  static Response run(String runId) {
    return given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .get("/api/v1/runs/" + runId);
  }

  @Test
  void aRequestedRunTrainsOnceAndAnnouncesItsModel() throws Exception {
    String pipeline = applySpec("train");
    writeDataset(pipeline, 1, CardFraud.csv(1500, 11));
    String runId = UUID.randomUUID().toString();
    String eventId = UUID.randomUUID().toString();
    request(runId, pipeline, 1, eventId);
    request(runId, pipeline, 1, eventId); // the same event, delivered again
    request(runId, pipeline, 1, UUID.randomUUID().toString()); // the same run, requested again

    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> run(runId).statusCode() == 200 && "succeeded".equals(run(runId).path("state")));
    JsonNode view = Json.readTree(run(runId).asByteArray());
    assertThat(view.get("pipeline").asText()).isEqualTo(pipeline);
    assertThat(view.get("modelVersion").asInt()).isEqualTo(1);
    assertThat(view.get("attempts").asInt()).isEqualTo(1);
    JsonNode epochs = view.get("epochs");
    assertThat(epochs.size()).isBetween(1, 6);
    for (int i = 0; i < epochs.size(); i++) {
      assertThat(epochs.get(i).get("epoch").asInt()).isEqualTo(i + 1);
      assertThat(epochs.get(i).get("trainLoss").asDouble()).isPositive().isFinite();
      assertThat(epochs.get(i).get("valLoss").asDouble()).isPositive().isFinite();
    }
    assertThat(epochs.get(epochs.size() - 1).get("trainLoss").asDouble())
        .isLessThan(epochs.get(0).get("trainLoss").asDouble() + 1e-9);

    var trained =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_TRAINED),
            ofRun(runId),
            1,
            Duration.ofSeconds(30),
            Duration.ofSeconds(3));
    assertThat(trained).hasSize(1);
    JsonNode model = Json.readTree(trained.get(0).value());
    assertThat(model.get("modelVersion").asInt()).isEqualTo(1);
    assertThat(model.get("datasetVersion").asInt()).isEqualTo(1);
    assertThat(model.at("/lineage/datasetContentHash").asText()).isEqualTo(contentHash(1));
    assertThat(model.at("/metrics/val_loss").asDouble()).isPositive();
    var ended =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.TRAINING_ENDED),
            ofRun(runId),
            1,
            Duration.ofSeconds(30),
            Duration.ZERO);
    assertThat(ended).hasSize(1);
    assertThat(Json.readTree(ended.get(0).value()).get("status").asText()).isEqualTo("succeeded");
    var progress = EventLog.matching(TestTopics.of(Topic.TRAINING_PROGRESS), ofRun(runId));
    assertThat(progress).hasSize(epochs.size());
    for (var record : progress) {
      JsonNode event = Json.readTree(record.value());
      double eta = event.get("etaSeconds").asDouble();
      assertThat(eta).isNotNegative();
      if (event.get("epoch").asInt() == event.get("epochs").asInt()) {
        assertThat(eta).isZero();
      } else {
        assertThat(eta).isPositive();
      }
      assertThat(event.get("gradientNorm").asDouble()).isPositive();
    }
    // One chain from the request to the model.
    assertThat(EventLog.header(trained.get(0), "ce_correlationid")).isEqualTo(eventId);

    Manifest manifest = store.manifest(Layout.model(pipeline, 1)).orElseThrow();
    store.verify(manifest);
    assertThat(manifest.metadata().get("runId").asText()).isEqualTo(runId);
    Path dir = Files.createTempDirectory("model-");
    for (Manifest.Entry entry : manifest.objects()) {
      store.download(manifest, entry.name(), dir);
    }
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      assertThat(bundle.config().positiveLabel()).isEqualTo("1");
      double[] scores = bundle.scores(new double[][] {{40, 12, 5, 1, 1, 1, 1, 1, 0}});
      assertThat(scores[0]).isBetween(0.0, 1.0);
    }

    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .get("/api/v1/pipelines/" + pipeline + "/runs")
        .then()
        .statusCode(200)
        .body("size()", org.hamcrest.Matchers.equalTo(1))
        .body("[0].runId", org.hamcrest.Matchers.equalTo(runId));
  }

  @Test
  void aRunOnAMissingDatasetFailsWithItsReason() {
    String pipeline = applySpec("nodata");
    String runId = UUID.randomUUID().toString();
    request(runId, pipeline, 7, UUID.randomUUID().toString());
    await().atMost(Duration.ofMinutes(2)).until(() -> ended(runId));
    assertThat(run(runId).jsonPath().getString("state")).isEqualTo("failed");
    assertThat(run(runId).jsonPath().getString("statusReason")).contains("dataset version 7");
    var ended =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.TRAINING_ENDED),
            ofRun(runId),
            1,
            Duration.ofSeconds(30),
            Duration.ZERO);
    JsonNode payload = Json.readTree(ended.get(0).value());
    assertThat(payload.get("status").asText()).isEqualTo("failed");
    assertThat(payload.get("reason").asText()).contains("does not exist");
    assertThat(EventLog.matching(TestTopics.of(Topic.MODELS_TRAINED), ofRun(runId))).isEmpty();
  }

  @Test
  void aRunOnAChallengeSetFailsWithItsReason() throws Exception {
    String pipeline = applySpec("challenge");
    try (WorkDir dir = WorkDir.create("training-test-")) {
      Path input = dir.resolve("input.csv");
      Files.writeString(input, CardFraud.csv(300, 11));
      IngestResult result =
          CsvSplitter.split(
              input,
              new SplitConfig(CardFraud.TARGET, List.of(), SplitRatios.ALL_TEST, false, 42, true),
              dir.resolve("out"));
      DatasetVersions.write(
          store,
          pipeline,
          3,
          contentHash(3),
          result,
          io.trainyard.datasets.Profiler.profile(result.splits()),
          null,
          java.util.Map.of(RunExecutor.CHALLENGE_SET, "hard-cases"));
    }
    String runId = UUID.randomUUID().toString();
    request(runId, pipeline, 3, UUID.randomUUID().toString());
    await().atMost(Duration.ofMinutes(2)).until(() -> ended(runId));
    assertThat(run(runId).jsonPath().getString("state")).isEqualTo("failed");
    assertThat(run(runId).jsonPath().getString("statusReason"))
        .contains("challenge set 'hard-cases'");
    assertThat(EventLog.matching(TestTopics.of(Topic.MODELS_TRAINED), ofRun(runId))).isEmpty();
  }

  @Test
  void anUnknownRunIsA404Problem() {
    run("no-such-run").then().statusCode(404).contentType("application/problem+json");
  }
}
