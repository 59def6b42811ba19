package io.trainyard.training.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
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
  @Inject MinioClient client;

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

  @Test
  void aCnnRunTrainsOnImagesStoredAsColumnsAndExportsItsConvolutions() throws Exception {
    String pipeline =
        TestEvents.applySpec(
            "{\"name\": \""
                + UniqueNames.of("cnn")
                + "\", \"task\": \"binary-classification\", \"target\": \"label\","
                + " \"training\": {\"model\": {\"type\": \"cnn\", \"hidden\": [16],"
                + " \"image\": {\"height\": 8, \"width\": 8, \"filters\": [4, 8]}},"
                + " \"epochs\": 4, \"batchSize\": 32, \"learningRate\": 0.01}}");
    TrainingRunsTest.writeDatasetWith(store, pipeline, 1, bars(800, 31), "label", true);
    String runId = UUID.randomUUID().toString();
    TrainingRunsTest.request(runId, pipeline, 1, UUID.randomUUID().toString());

    JsonNode model = announced(runId);
    assertThat(model.at("/metrics/val_accuracy").asDouble()).isGreaterThan(0.9);
    Manifest manifest = store.manifest(Layout.model(pipeline, 1)).orElseThrow();
    assertThat(manifest.metadata().get("modelType").asText()).isEqualTo("cnn");
    Path dir = download(manifest);
    JsonNode architecture = Json.readTree(Files.readAllBytes(dir.resolve("architecture.json")));
    assertThat(architecture.get("format").asText()).isEqualTo("trainyard-cnn/1");
    assertThat(architecture.at("/image/filters").toString()).isEqualTo("[4,8]");
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      assertThat(bundle.config().image().pixels()).isEqualTo(64);
      assertThat(bundle.preprocessing().features()).startsWith("pixel_0_0", "pixel_0_1");
    }

    // The same spec on a table of 5 numeric features: no 8 × 8 image, and the run says so.
    String narrow =
        TestEvents.applySpec(
            "{\"name\": \""
                + UniqueNames.of("cnn-narrow")
                + "\", \"task\": \"binary-classification\", \"target\": \""
                + CardFraud.TARGET
                + "\", \"training\": {\"model\": {\"type\": \"cnn\","
                + " \"image\": {\"height\": 8, \"width\": 8}}, \"epochs\": 2}}");
    TrainingRunsTest.writeDatasetWith(
        store, narrow, 1, CardFraud.csv(300, 32), CardFraud.TARGET, true);
    String failing = UUID.randomUUID().toString();
    TrainingRunsTest.request(failing, narrow, 1, UUID.randomUUID().toString());
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofMinutes(2))
        .until(() -> TrainingRunsTest.ended(failing));
    var view = TrainingRunsTest.run(failing).jsonPath();
    assertThat(view.getString("state")).isEqualTo("failed");
    assertThat(view.getString("statusReason")).contains("image needs 64 numeric inputs");
    assertThat(
            EventLog.matching(TestTopics.of(Topic.MODELS_TRAINED), TrainingRunsTest.ofRun(failing)))
        .isEmpty();
  }

  @Test
  void aTextRunReadsAFreeTextColumnThroughAnEmbeddingBag() throws Exception {
    String pipeline =
        TestEvents.applySpec(
            "{\"name\": \""
                + UniqueNames.of("text")
                + "\", \"task\": \"binary-classification\", \"target\": \"label\","
                + " \"training\": {\"model\": {\"type\": \"linear\", \"text\": {\"column\":"
                + " \"review\", \"maxTokens\": 16, \"dimension\": 8}}, \"epochs\": 6,"
                + " \"batchSize\": 32, \"learningRate\": 0.05}}");
    TrainingRunsTest.writeDatasetWith(store, pipeline, 1, reviews(900, 41), "label", true);
    String runId = UUID.randomUUID().toString();
    TrainingRunsTest.request(runId, pipeline, 1, UUID.randomUUID().toString());

    JsonNode model = announced(runId);
    assertThat(model.at("/metrics/val_accuracy").asDouble()).isGreaterThan(0.9);
    Path dir = download(store.manifest(Layout.model(pipeline, 1)).orElseThrow());
    JsonNode architecture = Json.readTree(Files.readAllBytes(dir.resolve("architecture.json")));
    assertThat(architecture.get("format").asText()).isEqualTo("trainyard-text/1");
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      assertThat(bundle.config().text().dimension()).isEqualTo(8);
      double[] scores =
          bundle.scores(
              new double[][] {{}, {}},
              new String[][] {{"A wonderful film, loved it"}, {"boring and awful plot"}});
      assertThat(scores[0]).isGreaterThan(0.5);
      assertThat(scores[1]).isLessThan(0.5);
    }
  }

  @Test
  void aHeadTrainsOnAFrozenTorchScriptBackboneFromTheStore() throws Exception {
    // A backbone written by Debian's PyTorch: relu(Linear(9, 12)) over CardFraud's 9 inputs.
    String python = pythonWithTorch();
    Path pt = Files.createTempFile("backbone-", ".pt");
    Process p =
        new ProcessBuilder(
                python,
                "-c",
                "import torch, sys\n"
                    + "torch.manual_seed(3)\n"
                    + "class Backbone(torch.nn.Module):\n"
                    + "    def __init__(self):\n"
                    + "        super().__init__()\n"
                    + "        self.layer = torch.nn.Linear(9, 12)\n"
                    + "    def forward(self, x):\n"
                    + "        return torch.relu(self.layer(x))\n"
                    + "torch.jit.trace(Backbone(), torch.zeros(1, 9)).save(sys.argv[1])\n",
                pt.toString())
            .inheritIO()
            .start();
    assertThat(p.waitFor()).isZero();
    String key = "backbones/" + UniqueNames.of("bb") + ".pt";
    byte[] bytes = Files.readAllBytes(pt);
    client.putObject(
        PutObjectArgs.builder().bucket(store.bucket()).object(key).stream(
                new java.io.ByteArrayInputStream(bytes), bytes.length, -1)
            .build());

    String pipeline =
        applySpec(
            "backbone",
            "{\"model\": {\"type\": \"mlp\", \"hidden\": [8], \"backbone\": {\"uri\": \"s3://"
                + store.bucket()
                + "/"
                + key
                + "\"}}, \"epochs\": 3}");
    // No missing values, so the preprocessed inputs are CardFraud's 9 features.
    TrainingRunsTest.writeDatasetWith(
        store, pipeline, 1, CardFraud.csv(800, 51), CardFraud.TARGET, true);
    String runId = UUID.randomUUID().toString();
    TrainingRunsTest.request(runId, pipeline, 1, UUID.randomUUID().toString());
    announced(runId);
    Manifest manifest = store.manifest(Layout.model(pipeline, 1)).orElseThrow();
    assertThat(manifest.objects()).extracting(Manifest.Entry::name).contains("backbone.pt");
    Path dir = download(manifest);
    assertThat(Files.readAllBytes(dir.resolve("backbone.pt"))).isEqualTo(bytes);
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      assertThat(bundle.config().backbone().outputs()).isEqualTo(12);
    }

    // A backbone that is not there fails the run with its address.
    String missing =
        applySpec(
            "backbone-missing",
            "{\"model\": {\"backbone\": {\"uri\": \"s3://"
                + store.bucket()
                + "/backbones/none.pt\"}}, \"epochs\": 2}");
    TrainingRunsTest.writeDatasetWith(
        store, missing, 1, CardFraud.csv(300, 52), CardFraud.TARGET, true);
    String failing = UUID.randomUUID().toString();
    TrainingRunsTest.request(failing, missing, 1, UUID.randomUUID().toString());
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofMinutes(2))
        .until(() -> TrainingRunsTest.ended(failing));
    assertThat(TrainingRunsTest.run(failing).jsonPath().getString("statusReason"))
        .contains("model.backbone s3://" + store.bucket() + "/backbones/none.pt does not exist");
  }

  /** Debian's python3 with torch; the test is skipped without it unless CI requires it. */
  private static String pythonWithTorch() throws Exception {
    Process p =
        new ProcessBuilder("/usr/bin/python3", "-c", "import torch")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      if (System.getenv("TRAINYARD_REQUIRE_TORCH") != null) {
        throw new AssertionError("TRAINYARD_REQUIRE_TORCH is set but /usr/bin/python3 lacks torch");
      }
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "no python3-torch here");
    }
    return "/usr/bin/python3";
  }

  /** {@code n} one-line reviews and a {@code label}: 1 when its sentiment words are positive. */
  private static String reviews(int n, long seed) {
    String[] good = {"great", "good", "excellent", "loved", "wonderful"};
    String[] bad = {"bad", "awful", "terrible", "hated", "boring"};
    String[] neutral = {"the", "movie", "plot", "actor", "scene", "film", "story", "and", "it"};
    java.util.Random random = new java.util.Random(seed);
    StringBuilder csv = new StringBuilder("review,label\n");
    for (int i = 0; i < n; i++) {
      int label = random.nextBoolean() ? 1 : 0;
      List<String> words = new ArrayList<>();
      for (int w = 0; w < 4 + random.nextInt(6); w++) {
        words.add(neutral[random.nextInt(neutral.length)]);
      }
      String[] own = label == 1 ? good : bad;
      for (int w = 0; w < 2; w++) {
        words.add(random.nextInt(words.size() + 1), own[random.nextInt(own.length)]);
      }
      csv.append('"').append(String.join(random.nextBoolean() ? " " : ", ", words)).append("\",");
      csv.append(label).append('\n');
    }
    return csv.toString();
  }

  /**
   * {@code n} 8 × 8 images as 64 columns {@code pixel_r_c} and a {@code label}: a vertical bar (1)
   * or a horizontal one (0) in a random row or column, on noise.
   */
  private static String bars(int n, long seed) {
    java.util.Random random = new java.util.Random(seed);
    StringBuilder csv = new StringBuilder();
    for (int r = 0; r < 8; r++) {
      for (int c = 0; c < 8; c++) {
        csv.append("pixel_").append(r).append('_').append(c).append(',');
      }
    }
    csv.append("label\n");
    for (int i = 0; i < n; i++) {
      int label = random.nextBoolean() ? 1 : 0;
      int at = random.nextInt(8);
      for (int r = 0; r < 8; r++) {
        for (int c = 0; c < 8; c++) {
          boolean on = label == 1 ? c == at : r == at;
          double v = (on ? 1.0 : 0.0) + 0.3 * random.nextGaussian();
          csv.append(String.format(java.util.Locale.ROOT, "%.4f", v)).append(',');
        }
      }
      csv.append(label).append('\n');
    }
    return csv.toString();
  }
}
