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
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints and resume on the real stack: a run whose worker loses it mid-training is taken over
 * and resumes from its last checkpoint (in the object store), and ends with exactly the metrics of
 * an uninterrupted run of the same spec and data.
 */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class RunResumeTest {

  static final int EPOCHS = 40;

  @Inject ObjectStore store;
  @Inject EntityManager entityManager;

  static Map<String, Double> metricsOf(String runId) {
    var trained =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_TRAINED),
            TrainingRunsTest.ofRun(runId),
            1,
            Duration.ofMinutes(3),
            Duration.ofSeconds(2));
    assertThat(trained).hasSize(1);
    JsonNode metrics = Json.readTree(trained.get(0).value()).get("metrics");
    return Json.mapper()
        .convertValue(
            metrics, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Double>>() {});
  }

  static int epochsRecorded(String runId) {
    var run = TrainingRunsTest.run(runId);
    return run.statusCode() == 200 ? run.jsonPath().getList("epochs").size() : 0;
  }

  @Test
  void aRunTakenOverMidTrainingResumesFromItsCheckpointAndEndsAsAnUninterruptedRun()
      throws Exception {
    String pipeline =
        TestEvents.applyCardFraudSpec(
            "resume",
            "\"training\": {\"epochs\": "
                + EPOCHS
                + ", \"batchSize\": 32, \"optimizer\": \"adam\", \"learningRate\": 0.001,"
                + " \"earlyStopping\": {\"enabled\": false}}");
    new TrainingRunsTest().writeDatasetWith(store, pipeline, 1, CardFraud.csv(3000, 31));

    String uninterrupted = UUID.randomUUID().toString();
    TrainingRunsTest.request(uninterrupted, pipeline, 1, UUID.randomUUID().toString());
    Map<String, Double> expected = metricsOf(uninterrupted);

    String interrupted = UUID.randomUUID().toString();
    TrainingRunsTest.request(interrupted, pipeline, 1, UUID.randomUUID().toString());
    await().atMost(Duration.ofMinutes(2)).until(() -> epochsRecorded(interrupted) >= 3);
    // Its worker "dies": another owner's lease, already lapsed. The worker notices at its next
    // renewal (every 3 s with the tests' 9 s lease; no test profile: a second Quarkus app in
    // this JVM could not load libtorch again) and stops; the run is claimed again (attempt 2) and
    // resumes.
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                entityManager
                    .createNativeQuery(
                        "update run set lease_owner = 'worker-that-died',"
                            + " lease_until = now() - interval '1 second' where run_id = ?1;"
                            // As if it died after checkpointing epochs 2.. but before recording
                            // them: the resume records them from the checkpoint's history.
                            + " delete from run_epoch where run_id = ?1 and epoch >= 2")
                    .setParameter(1, interrupted)
                    .executeUpdate());

    Map<String, Double> resumed = metricsOf(interrupted);
    Run run = RunTakeoverTest.run(interrupted);
    assertThat(run.state).as(run.statusReason).isEqualTo(Run.SUCCEEDED);
    assertThat(run.attempts).isEqualTo(2);
    // Attempt 2 resumed after attempt 1's latest checkpoint (at least epoch 3), and the checkpoints
    // were deleted once the run ended.
    assertThat(run.resumedFromEpoch).isNotNull().isBetween(3, EPOCHS - 1);
    assertThat(TrainingRunsTest.run(interrupted).jsonPath().getInt("resumedFromEpoch"))
        .isEqualTo(run.resumedFromEpoch);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(store.listCommitted(Layout.checkpoints(interrupted))).isEmpty();
              assertThat(store.listCommitted(Layout.checkpoints(uninterrupted))).isEmpty();
            });
    assertThat(resumed).isEqualTo(expected);
    // Every epoch recorded once, equal to the uninterrupted run's (timings aside).
    List<Map<String, Object>> epochs =
        TrainingRunsTest.run(interrupted).jsonPath().getList("epochs");
    List<Map<String, Object>> reference =
        TrainingRunsTest.run(uninterrupted).jsonPath().getList("epochs");
    assertThat(epochs).hasSize(EPOCHS);
    for (int i = 0; i < EPOCHS; i++) {
      assertThat(epochs.get(i).get("epoch")).isEqualTo(i + 1);
      for (String field :
          List.of("trainLoss", "valLoss", "valAccuracy", "learningRate", "gradientNorm")) {
        assertThat(epochs.get(i).get(field))
            .as("epoch %d %s", i + 1, field)
            .isEqualTo(reference.get(i).get(field));
      }
    }
  }
}
