package io.trainyard.training.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Sources;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.TrainingCancelRequested;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code trainyard.training.cancel-requested} stops runs, on the real stack. */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class RunCancellationTest {

  @Inject ObjectStore store;
  @Inject RunStore runs;

  static void cancel(String runId, String reason) {
    TestEvents.publish(
        TestTopics.of(Topic.TRAINING_CANCEL_REQUESTED),
        Topic.TRAINING_CANCEL_REQUESTED,
        UUID.randomUUID().toString(),
        Sources.CONSOLE,
        runId,
        new TrainingCancelRequested(runId, reason, "alice"));
  }

  static JsonNode ended(String runId) {
    return Json.readTree(
        EventLog.awaitAtLeast(
                TestTopics.of(Topic.TRAINING_ENDED),
                TrainingRunsTest.ofRun(runId),
                1,
                Duration.ofSeconds(60),
                Duration.ZERO)
            .get(0)
            .value());
  }

  boolean cancelRecorded(String runId) {
    return QuarkusTransaction.requiringNew().call(() -> runs.cancelReason(runId)).isPresent();
  }

  @Test
  void aRunningRunStopsBeforeItsNextBatchAndSavesNothing() throws Exception {
    String pipeline =
        TestEvents.applyCardFraudSpec(
            "cancel",
            "\"training\": {\"epochs\": 2000, \"batchSize\": 32, \"learningRate\": 0.001,"
                + " \"earlyStopping\": {\"enabled\": false}}");
    new TrainingRunsTest().writeDatasetWith(store, pipeline, 1, CardFraud.csv(3000, 5));
    String runId = UUID.randomUUID().toString();
    TrainingRunsTest.request(runId, pipeline, 1, UUID.randomUUID().toString());
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              var run = TrainingRunsTest.run(runId);
              return run.statusCode() == 200 && run.jsonPath().getList("epochs").size() >= 2;
            });

    cancel(runId, "wrong dataset version");
    JsonNode ended = ended(runId);
    assertThat(ended.get("status").asText()).isEqualTo("cancelled");
    assertThat(ended.get("reason").asText()).startsWith("wrong dataset version (stopped in epoch");
    var run = TrainingRunsTest.run(runId).jsonPath();
    assertThat(run.getString("state")).isEqualTo("cancelled");
    assertThat(run.getList("epochs").size()).isLessThan(2000);
    assertThat(run.getString("modelVersion")).isNull();
    assertThat(
            EventLog.matching(TestTopics.of(Topic.MODELS_TRAINED), TrainingRunsTest.ofRun(runId)))
        .isEmpty();
  }

  @Test
  void aCancellationBeforeTheRequestCancelsTheRunAsItIsQueued() {
    String pipeline = TrainingRunsTest.applySpec("cancel-first");
    String runId = UUID.randomUUID().toString();
    cancel(runId, "changed my mind");
    await().atMost(Duration.ofMinutes(1)).until(() -> cancelRecorded(runId));

    TrainingRunsTest.request(runId, pipeline, 1, UUID.randomUUID().toString());
    JsonNode ended = ended(runId);
    assertThat(ended.get("status").asText()).isEqualTo("cancelled");
    assertThat(ended.get("reason").asText()).isEqualTo("changed my mind");
    var run = TrainingRunsTest.run(runId).jsonPath();
    assertThat(run.getString("state")).isEqualTo("cancelled");
    assertThat(run.getList("epochs")).isEmpty();
  }

  @Test
  void aFinishedRunIsLeftAsItIs() {
    String pipeline = TrainingRunsTest.applySpec("cancel-late");
    String runId = UUID.randomUUID().toString();
    TrainingRunsTest.request(runId, pipeline, 9, UUID.randomUUID().toString()); // no dataset
    await().atMost(Duration.ofMinutes(2)).until(() -> TrainingRunsTest.ended(runId));
    assertThat(TrainingRunsTest.run(runId).jsonPath().getString("state")).isEqualTo("failed");

    cancel(runId, "too late");
    await().atMost(Duration.ofMinutes(1)).until(() -> cancelRecorded(runId));
    assertThat(TrainingRunsTest.run(runId).jsonPath().getString("state")).isEqualTo("failed");
    assertThat(
            EventLog.matching(TestTopics.of(Topic.TRAINING_ENDED), TrainingRunsTest.ofRun(runId)))
        .hasSize(1);
  }
}
