package io.trainyard.training.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.StagedWrite;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * ADR 0005 on the real stack: a run whose worker died (its lease lapsed) is taken over by another
 * worker, and a run whose model was already written is announced from that model's manifest,
 * without training again. One run id, one model.
 */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class RunTakeoverTest {

  @Inject ObjectStore store;

  /** A run as a worker that died left it: running, its lease run out one second ago. */
  static void abandonedRun(String runId, String pipeline, Integer modelVersion) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Run run = new Run();
              run.runId = runId;
              run.pipeline = pipeline;
              run.datasetVersion = 1;
              run.trigger = "manual";
              run.reason = "test: a worker died";
              run.state = Run.RUNNING;
              run.attempts = 1;
              run.leaseOwner = "worker-that-died";
              run.leaseUntil = Instant.now().minusSeconds(1);
              run.requestedAt = Instant.now();
              run.startedAt = Instant.now();
              run.modelVersion = modelVersion;
              run.persist();
              if (modelVersion != null) {
                ModelVersion model = new ModelVersion();
                model.pipeline = pipeline;
                model.version = modelVersion;
                model.runId = runId;
                model.createdAt = Instant.now();
                model.persist();
              }
            });
  }

  static Run run(String runId) {
    return QuarkusTransaction.requiringNew().call(() -> Run.<Run>findById(runId));
  }

  @Test
  void aRunWhoseWorkerDiedIsTakenOverAndTrainedOnce() throws Exception {
    String pipeline = TrainingRunsTest.applySpec("takeover");
    new TrainingRunsTest().writeDatasetWith(store, pipeline, 1, CardFraud.csv(1000, 21));
    String runId = UUID.randomUUID().toString();
    abandonedRun(runId, pipeline, null);

    await().atMost(Duration.ofMinutes(2)).until(() -> run(runId).isFinished());
    Run run = run(runId);
    assertThat(run.state).as(run.statusReason).isEqualTo(Run.SUCCEEDED);
    assertThat(run.attempts).isEqualTo(2);
    assertThat(run.modelVersion).isEqualTo(1);
    var trained =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_TRAINED),
            TrainingRunsTest.ofRun(runId),
            1,
            Duration.ofSeconds(30),
            Duration.ofSeconds(2));
    assertThat(trained).hasSize(1);
  }

  @Test
  void aRunWhoseModelIsAlreadyWrittenIsAnnouncedWithoutTrainingAgain() throws Exception {
    String pipeline = TrainingRunsTest.applySpec("written");
    String runId = UUID.randomUUID().toString();
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("kind", "model");
    metadata.put("pipeline", pipeline);
    metadata.put("version", 1);
    metadata.put("runId", runId);
    metadata.put("datasetVersion", 1);
    metadata.put("datasetContentHash", TrainingRunsTest.contentHash(1));
    metadata.put("metrics", Map.of("val_loss", 0.25, "val_accuracy", 0.9));
    metadata.put("bestEpoch", 4);
    metadata.put("epochsRun", 7);
    metadata.put("stopReason", "early stopping: val_loss did not improve by 0.0 for 3 epochs");
    metadata.put("seed", 42);
    try (StagedWrite staged = store.stage(Layout.model(pipeline, 1))) {
      staged.put(
          "model.json",
          "{\"written\": \"before the worker died\"}".getBytes(StandardCharsets.UTF_8),
          "application/json");
      staged.commit(metadata);
    }
    abandonedRun(runId, pipeline, 1);

    await().atMost(Duration.ofMinutes(2)).until(() -> run(runId).isFinished());
    Run run = run(runId);
    assertThat(run.state).as(run.statusReason).isEqualTo(Run.SUCCEEDED);
    assertThat(run.bestEpoch).isEqualTo(4);
    var trained =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_TRAINED),
            TrainingRunsTest.ofRun(runId),
            1,
            Duration.ofSeconds(30),
            Duration.ofSeconds(2));
    assertThat(trained).hasSize(1);
    JsonNode model = Json.readTree(trained.get(0).value());
    assertThat(model.get("modelVersion").asInt()).isEqualTo(1);
    assertThat(model.at("/metrics/val_loss").asDouble()).isEqualTo(0.25);
    assertThat(model.at("/lineage/epochs").asInt()).isEqualTo(7);
    assertThat(
            EventLog.matching(
                TestTopics.of(Topic.TRAINING_PROGRESS), TrainingRunsTest.ofRun(runId)))
        .as("no epoch was trained again")
        .isEmpty();
  }
}
