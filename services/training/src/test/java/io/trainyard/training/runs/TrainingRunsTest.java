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
    writeDatasetWith(store, pipeline, version, csv, CardFraud.TARGET, true);
  }

  /** As ingestion would: split 70/15/15, stratified by {@code target} when {@code stratify}. */
  static void writeDatasetWith(
      ObjectStore store, String pipeline, int version, String csv, String target, boolean stratify)
      throws Exception {
    try (WorkDir dir = WorkDir.create("training-test-")) {
      Path input = dir.resolve("input.csv");
      Files.writeString(input, csv);
      IngestResult result =
          CsvSplitter.split(
              input,
              new SplitConfig(
                  target, List.of(), new SplitRatios(0.7, 0.15, 0.15), stratify, 42, true),
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

  /** Waits for the run to end and checks it succeeded. */
  static void awaitSucceeded(String runId) {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> ended(runId));
    assertThat(run(runId).jsonPath().getString("state"))
        .as("%s", run(runId).asString())
        .isEqualTo("succeeded");
  }

  /** The run's {@code models.trained} payload. */
  static JsonNode trainedModel(String runId) {
    return Json.readTree(
        EventLog.awaitAtLeast(
                TestTopics.of(Topic.MODELS_TRAINED),
                ofRun(runId),
                1,
                Duration.ofSeconds(30),
                Duration.ZERO)
            .get(0)
            .value());
  }

  /** Downloads a model's files into a new temporary directory. */
  Path download(Manifest manifest) throws Exception {
    Path dir = Files.createTempDirectory("model-");
    for (Manifest.Entry entry : manifest.objects()) {
      store.download(manifest, entry.name(), dir);
    }
    return dir;
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
    assertThat(model.at("/lineage/device").asText()).isEqualTo("cpu()");
    assertThat(model.at("/lineage/codeVersion").asText()).startsWith("trainyard-training ");
    // The compute: the seconds the run trained (as the runs API sums them) and the energy
    // estimate at the configured power figure.
    JsonNode compute = model.get("compute");
    assertThat(compute.get("device").asText()).isEqualTo("cpu()");
    assertThat(compute.get("threads").asInt()).isEqualTo(1);
    double seconds = compute.get("deviceSeconds").asDouble();
    assertThat(seconds).isPositive();
    assertThat(run(runId).jsonPath().getDouble("computeSeconds"))
        .isCloseTo(seconds, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(run(runId).jsonPath().getString("device")).isEqualTo("cpu()");
    assertThat(compute.get("powerWatts").asDouble()).isEqualTo(35.0);
    assertThat(compute.get("energyWh").asDouble())
        .isCloseTo(seconds * 35.0 / 3600, org.assertj.core.api.Assertions.within(1e-12));
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
    Path dir = download(manifest);
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

  /** A spec of another task with the small training of {@link #applySpec}. */
  static String applyTaskSpec(String prefix, String task, String target) {
    return TestEvents.applySpec(
        "{\"name\": \""
            + io.trainyard.testing.UniqueNames.of(prefix)
            + "\", \"task\": \""
            + task
            + "\", \"target\": \""
            + target
            + "\", \"training\": {\"epochs\": 6, \"batchSize\": 64, \"learningRate\": 0.01,"
            + " \"earlyStopping\": {\"patience\": 3}}}");
  }

  /**
   * Three Gaussian blobs over x1..x4 with the target {@code species} (setosa, versicolor,
   * virginica); {@code price} is a linear function of the features plus noise.
   */
  static String blobsCsv(int rows, long seed) {
    java.util.Random random = new java.util.Random(seed);
    String[] species = {"virginica", "setosa", "versicolor"};
    StringBuilder csv = new StringBuilder("x1,x2,x3,x4,species,price\n");
    for (int i = 0; i < rows; i++) {
      int c = random.nextInt(3);
      double[] x = new double[4];
      double price = 500;
      for (int j = 0; j < 4; j++) {
        x[j] = 3 * Math.cos(2 * Math.PI * (c + j) / 3.0) + random.nextGaussian();
        price += (j + 1) * 10 * x[j];
        csv.append(String.format(java.util.Locale.ROOT, "%.4f,", x[j]));
      }
      price += random.nextGaussian();
      csv.append(species[c])
          .append(',')
          .append(String.format(java.util.Locale.ROOT, "%.3f", price))
          .append('\n');
    }
    return csv.toString();
  }

  @Test
  void aMulticlassRunTrainsSoftmaxAndAnnouncesItsTaskAndClasses() throws Exception {
    String pipeline = applyTaskSpec("multiclass", "multiclass-classification", "species");
    // price is a feature here (numeric); species is the target
    writeDatasetWith(store, pipeline, 1, blobsCsv(900, 5), "species", true);
    String runId = UUID.randomUUID().toString();
    request(runId, pipeline, 1, UUID.randomUUID().toString());

    awaitSucceeded(runId);
    JsonNode epochs = Json.readTree(run(runId).asByteArray()).get("epochs");
    for (JsonNode epoch : epochs) {
      assertThat(epoch.get("valAccuracy").asDouble()).isBetween(0.0, 1.0);
      assertThat(epoch.at("/metrics/val_log_loss").asDouble()).isPositive();
    }
    var progress = EventLog.matching(TestTopics.of(Topic.TRAINING_PROGRESS), ofRun(runId));
    assertThat(progress).hasSize(epochs.size());
    for (var record : progress) {
      JsonNode metrics = Json.readTree(record.value()).get("metrics");
      assertThat(metrics.has("val_accuracy")).isTrue();
      assertThat(metrics.has("val_log_loss")).isTrue();
    }
    JsonNode model = trainedModel(runId);
    assertThat(model.get("task").asText()).isEqualTo("multiclass-classification");
    assertThat(model.get("classes").toString())
        .isEqualTo("[\"setosa\",\"versicolor\",\"virginica\"]");
    assertThat(model.at("/metrics/val_accuracy").asDouble()).isGreaterThan(0.9);
    assertThat(model.at("/metrics/val_log_loss").asDouble()).isPositive();
    assertThat(
            io.trainyard.contracts.Schemas.validate(
                Topic.MODELS_TRAINED,
                Json.convert(model, io.trainyard.contracts.events.ModelTrained.class)))
        .isEmpty();

    Manifest manifest = store.manifest(Layout.model(pipeline, 1)).orElseThrow();
    assertThat(manifest.metadata().get("task").asText()).isEqualTo("multiclass-classification");
    assertThat(manifest.metadata().has("positiveLabel")).isFalse();
    Path dir = download(manifest);
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      assertThat(bundle.classes()).containsExactly("setosa", "versicolor", "virginica");
      // a setosa-like row (class 1 of the generator: centres 3cos(2π(1+j)/3))
      double[] row = new double[4 + 1];
      for (int j = 0; j < 4; j++) {
        row[j] = 3 * Math.cos(2 * Math.PI * (1 + j) / 3.0);
      }
      row[4] = 500;
      for (int j = 0; j < 4; j++) {
        row[4] += (j + 1) * 10 * row[j];
      }
      double[][] p = bundle.probabilities(new double[][] {row});
      assertThat(p[0][0] + p[0][1] + p[0][2])
          .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
      assertThat(bundle.predictClasses(p)).containsExactly("setosa");
    }
  }

  @Test
  void aRegressionRunTrainsOnAStandardisedTargetAndReportsItsErrors() throws Exception {
    String pipeline = applyTaskSpec("regression", "regression", "price");
    // species, a text feature, is one-hot encoded beside x1..x4
    writeDatasetWith(store, pipeline, 1, blobsCsv(600, 6), "price", false);
    String runId = UUID.randomUUID().toString();
    request(runId, pipeline, 1, UUID.randomUUID().toString());

    awaitSucceeded(runId);
    JsonNode epochs = Json.readTree(run(runId).asByteArray()).get("epochs");
    for (JsonNode epoch : epochs) {
      assertThat(epoch.path("valAccuracy").isMissingNode() || epoch.get("valAccuracy").isNull())
          .isTrue();
      assertThat(epoch.at("/metrics/val_rmse").asDouble()).isPositive();
    }
    JsonNode model = trainedModel(runId);
    assertThat(model.get("task").asText()).isEqualTo("regression");
    assertThat(model.has("classes")).isFalse();
    assertThat(model.get("metrics").has("val_accuracy")).isFalse();
    assertThat(model.at("/metrics/val_r2").asDouble()).isGreaterThan(0.5);
    assertThat(model.at("/metrics/val_mae").asDouble()).isPositive();
  }

  /**
   * A price driven mostly by a text feature ({@code tier}: basic, plus, pro) and a boolean one
   * ({@code premium}), plus a numeric one ({@code size}) that is missing in a tenth of the rows.
   */
  static String tiersCsv(int rows, long seed) {
    java.util.Random random = new java.util.Random(seed);
    String[] tiers = {"basic", "plus", "pro"};
    StringBuilder csv = new StringBuilder("size,tier,premium,price\n");
    for (int i = 0; i < rows; i++) {
      int tier = random.nextInt(3);
      boolean premium = random.nextBoolean();
      double size = random.nextGaussian();
      double price = 100 + 40 * tier + (premium ? 60 : 0) + 5 * size + random.nextGaussian();
      csv.append(random.nextInt(10) == 0 ? "" : String.format(java.util.Locale.ROOT, "%.4f", size))
          .append(',')
          .append(tiers[tier])
          .append(',')
          .append(premium)
          .append(',')
          .append(String.format(java.util.Locale.ROOT, "%.3f", price))
          .append('\n');
    }
    return csv.toString();
  }

  @Test
  void textAndBooleanFeaturesAreOneHotEncodedAndSavedWithTheModel() throws Exception {
    String pipeline =
        TestEvents.applySpec(
            "{\"name\": \""
                + io.trainyard.testing.UniqueNames.of("categorical")
                + "\", \"task\": \"regression\", \"target\": \"price\","
                + " \"training\": {\"epochs\": 25, \"batchSize\": 32, \"learningRate\": 0.02,"
                + " \"earlyStopping\": {\"patience\": 5}}}");
    writeDatasetWith(store, pipeline, 1, tiersCsv(800, 8), "price", false);
    String runId = UUID.randomUUID().toString();
    request(runId, pipeline, 1, UUID.randomUUID().toString());
    awaitSucceeded(runId);
    JsonNode model = trainedModel(runId);
    // Most of the variance is in tier and premium: only their encoding explains it.
    assertThat(model.at("/metrics/val_r2").asDouble()).isGreaterThan(0.9);

    Manifest manifest = store.manifest(Layout.model(pipeline, 1)).orElseThrow();
    Path dir = download(manifest);
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      var pre = bundle.preprocessing();
      assertThat(pre.features()).containsExactly("size");
      assertThat(pre.categoricalFeatures()).containsExactly("tier", "premium");
      assertThat(pre.outputNames())
          .containsExactly(
              "size",
              "missing(size)",
              "tier=basic",
              "tier=plus",
              "tier=pro",
              "premium=false",
              "premium=true");
      double[] predicted =
          bundle.predictions(
              new double[][] {{0}, {0}, {Double.NaN}},
              new String[][] {{"basic", "false"}, {"pro", "true"}, {"plus", "true"}});
      assertThat(predicted[0]).isCloseTo(100, org.assertj.core.api.Assertions.within(15.0));
      assertThat(predicted[1]).isCloseTo(240, org.assertj.core.api.Assertions.within(15.0));
      assertThat(predicted[2]).isCloseTo(200, org.assertj.core.api.Assertions.within(15.0));
    }
  }

  @Test
  void aRegressionRunOnATextTargetFailsWithItsReason() throws Exception {
    String pipeline = applyTaskSpec("regression-text", "regression", "species");
    writeDatasetWith(store, pipeline, 1, blobsCsv(200, 7), "species", true);
    String runId = UUID.randomUUID().toString();
    request(runId, pipeline, 1, UUID.randomUUID().toString());
    await().atMost(Duration.ofMinutes(2)).until(() -> ended(runId));
    assertThat(run(runId).jsonPath().getString("state")).isEqualTo("failed");
    assertThat(run(runId).jsonPath().getString("statusReason"))
        .startsWith("regression needs a numeric target, but 'species' has the value '");
    assertThat(EventLog.matching(TestTopics.of(Topic.MODELS_TRAINED), ofRun(runId))).isEmpty();
  }

  @Test
  void aRunPastItsDeadlineFailsCleanlyWithoutAModelOrCheckpoints() throws Exception {
    String pipeline =
        TestEvents.applyCardFraudSpec(
            "deadline",
            "\"training\": {\"epochs\": 200, \"batchSize\": 16, \"deadline\": \"PT2S\","
                + " \"earlyStopping\": {\"enabled\": false}}");
    writeDataset(pipeline, 1, CardFraud.csv(3000, 12));
    String runId = UUID.randomUUID().toString();
    request(runId, pipeline, 1, UUID.randomUUID().toString());
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> ended(runId));
    Response run = run(runId);
    assertThat(run.jsonPath().getString("state")).isEqualTo("failed");
    assertThat(run.jsonPath().getString("statusReason"))
        .startsWith("the run passed its deadline of PT2S (training.deadline of the spec) in epoch ")
        .endsWith("; no model was written");
    assertThat(run.jsonPath().getList("epochs")).isNotEmpty().hasSizeLessThan(200);
    var ended =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.TRAINING_ENDED),
            ofRun(runId),
            1,
            Duration.ofSeconds(30),
            Duration.ZERO);
    assertThat(Json.readTree(ended.get(0).value()).get("status").asText()).isEqualTo("failed");
    assertThat(EventLog.matching(TestTopics.of(Topic.MODELS_TRAINED), ofRun(runId))).isEmpty();
    assertThat(store.manifest(Layout.model(pipeline, 1))).isEmpty();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> store.listCommitted(Layout.checkpoints(runId)).isEmpty());
  }

  @Test
  void aWarmStartFineTunesTheParentModelOrFailsWhenThereIsNone() throws Exception {
    String pipeline =
        TestEvents.applyCardFraudSpec(
            "warm",
            "\"training\": {\"epochs\": 4, \"batchSize\": 64, \"learningRate\": 0.01,"
                + " \"warmStart\": true}");
    writeDataset(pipeline, 1, CardFraud.csv(1500, 21));
    String first = UUID.randomUUID().toString();
    request(first, pipeline, 1, UUID.randomUUID().toString());
    awaitSucceeded(first);

    String second = UUID.randomUUID().toString();
    TestEvents.publish(
        TestTopics.of(Topic.TRAINING_REQUESTED),
        Topic.TRAINING_REQUESTED,
        UUID.randomUUID().toString(),
        Sources.INGESTION,
        pipeline,
        new TrainingRequested(second, pipeline, 1, Trigger.DRIFT, "retrain", 1));
    awaitSucceeded(second);
    // It began where v1 ended: its first epoch's loss is near v1's last, below v1's first.
    JsonNode parentEpochs = Json.readTree(run(first).asByteArray()).get("epochs");
    JsonNode childEpochs = Json.readTree(run(second).asByteArray()).get("epochs");
    assertThat(childEpochs.get(0).get("trainLoss").asDouble())
        .isLessThan(parentEpochs.get(0).get("trainLoss").asDouble());
    assertThat(trainedModel(second).at("/lineage/parentModel").asInt()).isEqualTo(1);
    try (ModelBundle parent =
            ModelBundle.load(download(store.manifest(Layout.model(pipeline, 1)).orElseThrow()));
        ModelBundle child =
            ModelBundle.load(download(store.manifest(Layout.model(pipeline, 2)).orElseThrow()))) {
      assertThat(child.preprocessing()).isEqualTo(parent.preprocessing());
    }

    String orphan = UUID.randomUUID().toString();
    TestEvents.publish(
        TestTopics.of(Topic.TRAINING_REQUESTED),
        Topic.TRAINING_REQUESTED,
        UUID.randomUUID().toString(),
        Sources.INGESTION,
        pipeline,
        new TrainingRequested(orphan, pipeline, 1, Trigger.DRIFT, "retrain", 99));
    await().atMost(Duration.ofMinutes(2)).until(() -> ended(orphan));
    assertThat(run(orphan).jsonPath().getString("state")).isEqualTo("failed");
    assertThat(run(orphan).jsonPath().getString("statusReason"))
        .isEqualTo(
            "the parent model v99 of " + pipeline + " does not exist: a warm start needs it");
  }

  @Test
  void anUnknownRunIsA404Problem() {
    run("no-such-run").then().statusCode(404).contentType("application/problem+json");
  }
}
