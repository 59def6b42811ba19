package io.trainyard.training.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Schemas;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.ModelTrained;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.models.ModelBundle;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Gradient-boosted trees and model selection, through the running service and the real stack. */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class ModelSelectionTest {

  @Inject ObjectStore store;

  private String applySpec(String prefix, String training) {
    return TestEvents.applySpec(
        "{\"name\": \""
            + UniqueNames.of(prefix)
            + "\", \"task\": \"binary-classification\", \"target\": \""
            + CardFraud.TARGET
            + "\", \"training\": "
            + training
            + "}");
  }

  /** Waits for the run to succeed; its models.trained, checked against the schema. */
  private static JsonNode announced(String runId) {
    TrainingRunsTest.awaitSucceeded(runId);
    JsonNode model = TrainingRunsTest.trainedModel(runId);
    assertThat(Schemas.validate(Topic.MODELS_TRAINED, Json.convert(model, ModelTrained.class)))
        .isEmpty();
    return model;
  }

  private Path download(Manifest manifest) throws Exception {
    Path dir = Files.createTempDirectory("model-");
    for (Manifest.Entry entry : manifest.objects()) {
      store.download(manifest, entry.name(), dir);
    }
    return dir;
  }

  @Test
  void anXgboostRunBoostsTreesAndSavesThemInXgboostsFormat() throws Exception {
    String pipeline =
        applySpec(
            "xgb",
            "{\"model\": {\"type\": \"xgboost\", \"trees\": {\"maxDepth\": 3}}, \"epochs\": 12,"
                + " \"earlyStopping\": {\"patience\": 3}}");
    TrainingRunsTest.writeDatasetWith(
        store, pipeline, 1, CardFraud.csv(1500, 21), CardFraud.TARGET, true);
    String runId = UUID.randomUUID().toString();
    TrainingRunsTest.request(runId, pipeline, 1, UUID.randomUUID().toString());

    JsonNode model = announced(runId);
    JsonNode view = Json.readTree(TrainingRunsTest.run(runId).asByteArray());
    JsonNode epochs = view.get("epochs");
    assertThat(epochs.size()).isBetween(1, 12);
    for (JsonNode epoch : epochs) {
      assertThat(epoch.get("learningRate").asDouble()).isEqualTo(0.3);
      assertThat(epoch.path("candidate").isIntegralNumber()).isFalse();
    }
    var progress =
        EventLog.matching(TestTopics.of(Topic.TRAINING_PROGRESS), TrainingRunsTest.ofRun(runId));
    assertThat(progress).hasSize(epochs.size());
    assertThat(model.path("candidates").isArray()).isFalse();
    assertThat(model.at("/metrics/val_loss").asDouble()).isPositive();

    Manifest manifest = store.manifest(Layout.model(pipeline, 1)).orElseThrow();
    assertThat(manifest.metadata().get("modelType").asText()).isEqualTo("xgboost");
    assertThat(manifest.objects())
        .extracting(Manifest.Entry::name)
        .contains("xgboost-model.json", "model.json", "architecture.json", "predict.py");
    Path dir = download(manifest);
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      assertThat(bundle.config().type()).isEqualTo("xgboost");
      double[][] rows = {new double[bundle.preprocessing().features().size()]};
      String[][] text = {new String[bundle.preprocessing().categoricalFeatures().size()]};
      double[] scores = bundle.scores(rows, text);
      assertThat(scores[0]).isBetween(0.0, 1.0);
    }
    assertThat(store.listCommitted(Layout.checkpoints(runId))).isEmpty();
  }

  @Test
  void candidatesAreTrainedInTurnAndTheOneWithTheLowestValidationLossIsAnnounced()
      throws Exception {
    String pipeline =
        applySpec(
            "select",
            "{\"epochs\": 5, \"batchSize\": 64, \"learningRate\": 0.01,"
                + " \"earlyStopping\": {\"patience\": 2},"
                + " \"candidates\": [{\"type\": \"linear\"},"
                + " {\"type\": \"xgboost\", \"trees\": {\"maxDepth\": 3}},"
                + " {\"type\": \"mlp\", \"hidden\": [8]}]}");
    TrainingRunsTest.writeDatasetWith(
        store, pipeline, 1, CardFraud.csv(1200, 22), CardFraud.TARGET, true);
    String runId = UUID.randomUUID().toString();
    TrainingRunsTest.request(runId, pipeline, 1, UUID.randomUUID().toString());

    JsonNode model = announced(runId);
    JsonNode candidates = model.get("candidates");
    assertThat(candidates.size()).isEqualTo(3);
    List<String> types = new ArrayList<>();
    int selected = -1;
    double lowest = Double.POSITIVE_INFINITY;
    int lowestAt = -1;
    for (JsonNode candidate : candidates) {
      int index = candidate.get("index").asInt();
      types.add(candidate.get("type").asText());
      double loss = candidate.at("/metrics/val_loss").asDouble();
      assertThat(candidate.get("epochsRun").asInt()).isBetween(1, 5);
      if (loss < lowest) {
        lowest = loss;
        lowestAt = index;
      }
      if (candidate.get("selected").asBoolean()) {
        assertThat(selected).as("one selected").isEqualTo(-1);
        selected = index;
      }
    }
    assertThat(types).containsExactly("linear", "xgboost", "mlp");
    assertThat(selected).isEqualTo(lowestAt);
    assertThat(model.at("/metrics/val_loss").asDouble()).isEqualTo(lowest);
    assertThat(candidates.get(2).get("hidden").toString()).isEqualTo("[8]");

    // progress: epochs numbered run-wide, candidate i's within (5i, 5i + 5]
    var progress =
        EventLog.matching(TestTopics.of(Topic.TRAINING_PROGRESS), TrainingRunsTest.ofRun(runId));
    int total = 0;
    for (JsonNode candidate : candidates) {
      total += candidate.get("epochsRun").asInt();
    }
    assertThat(progress).hasSize(total);
    java.util.Set<Integer> seen = new java.util.TreeSet<>();
    for (var record : progress) {
      JsonNode event = Json.readTree(record.value());
      int candidate = event.get("candidate").asInt();
      seen.add(candidate);
      assertThat(event.get("epochs").asInt()).isEqualTo(15);
      assertThat(event.get("epoch").asInt()).isBetween(5 * candidate + 1, 5 * candidate + 5);
    }
    assertThat(seen).containsExactly(0, 1, 2);
    JsonNode view = Json.readTree(TrainingRunsTest.run(runId).asByteArray());
    assertThat(Json.withoutNulls(view.get("candidates"))).isEqualTo(candidates);
    assertThat(view.get("bestEpoch").asInt())
        .isEqualTo(5 * selected + candidates.get(selected).get("bestEpoch").asInt());

    Manifest manifest = store.manifest(Layout.model(pipeline, 1)).orElseThrow();
    assertThat(manifest.metadata().get("modelType").asText()).isEqualTo(types.get(selected));
    try (ModelBundle bundle = ModelBundle.load(download(manifest))) {
      assertThat(bundle.config().type()).isEqualTo(types.get(selected));
    }
    assertThat(store.listCommitted(Layout.checkpoints(runId, 0))).isEmpty();
    assertThat(store.listCommitted(Layout.checkpoints(runId, 2))).isEmpty();
  }

  @Test
  void aSearchTriesEachCombinationAndTheMedianRuleStopsAHopelessTrial() throws Exception {
    String pipeline =
        applySpec(
            "search",
            "{\"model\": {\"type\": \"linear\"}, \"epochs\": 4, \"batchSize\": 64,"
                + " \"earlyStopping\": {\"enabled\": false},"
                + " \"search\": {\"minEpochs\": 2,"
                + " \"space\": {\"learningRate\": [0.05, 0.02, 0.00001]}}}");
    TrainingRunsTest.writeDatasetWith(
        store, pipeline, 1, CardFraud.csv(1200, 23), CardFraud.TARGET, true);
    String runId = UUID.randomUUID().toString();
    TrainingRunsTest.request(runId, pipeline, 1, UUID.randomUUID().toString());

    JsonNode model = announced(runId);
    JsonNode trials = model.get("candidates");
    assertThat(trials.size()).isEqualTo(3);
    assertThat(trials.get(0).at("/params/learningRate").asDouble()).isEqualTo(0.05);
    assertThat(trials.get(2).at("/params/learningRate").asDouble()).isEqualTo(0.00001);
    // the slow learner is worse than both earlier trials after epoch 2: stopped there
    JsonNode slow = trials.get(2);
    assertThat(slow.get("stopReason").asText())
        .startsWith("stopped by the median rule after epoch 2");
    assertThat(slow.get("epochsRun").asInt()).isEqualTo(2);
    assertThat(slow.get("selected").asBoolean()).isFalse();
    int selected = trials.get(0).get("selected").asBoolean() ? 0 : 1;
    assertThat(trials.get(selected).get("selected").asBoolean()).isTrue();
    assertThat(trials.get(selected).at("/metrics/val_loss").asDouble())
        .isLessThanOrEqualTo(trials.get(1 - selected).at("/metrics/val_loss").asDouble());
    assertThat(model.at("/metrics/val_loss").asDouble())
        .isEqualTo(trials.get(selected).at("/metrics/val_loss").asDouble());
    var progress =
        EventLog.matching(TestTopics.of(Topic.TRAINING_PROGRESS), TrainingRunsTest.ofRun(runId));
    assertThat(progress).hasSize(4 + 4 + 2);
  }
}
