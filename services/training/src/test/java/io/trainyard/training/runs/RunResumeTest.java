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
                            + " lease_until = now() - interval '1 second' where run_id = ?1")
                    .setParameter(1, interrupted)
                    .executeUpdate());

    Map<String, Double> resumed = metricsOf(interrupted);
    Run run = RunTakeoverTest.run(interrupted);
    assertThat(run.state).as(run.statusReason).isEqualTo(Run.SUCCEEDED);
    assertThat(run.attempts).isEqualTo(2);
    // One checkpoint per epoch: had attempt 2 started over, its epoch-1 checkpoint would have
    // clashed with attempt 1's.
    assertThat(store.listCommitted(Layout.checkpoints(interrupted))).hasSize(EPOCHS);
    assertThat(resumed).isEqualTo(expected);
  }
}
