package io.trainyard.evaluation.models;

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
import io.trainyard.contracts.events.ModelReviewed;
import io.trainyard.contracts.events.ModelTrained;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.PipelineSpecs;
import io.trainyard.datasets.CsvSplitter;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.IngestResult;
import io.trainyard.datasets.NumericTable;
import io.trainyard.datasets.ParquetTables;
import io.trainyard.datasets.SplitConfig;
import io.trainyard.datasets.SplitRatios;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.models.ModelBundle;
import io.trainyard.models.training.MlpTrainer;
import io.trainyard.models.training.TrainingData;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.StagedWrite;
import io.trainyard.stats.BinaryMetrics;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Evaluation over the real stack: a dataset version and trained models are written to the object
 * store as ingestion and training write them, {@code models.trained} is published, and the test
 * follows the evaluations, the gates and the champion through the events and the API.
 */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class EvaluationFlowTest {

  @Inject ObjectStore store;

  private static final SplitConfig SPLIT =
      new SplitConfig(
          CardFraud.TARGET, List.of(), new SplitRatios(0.7, 0.15, 0.15), true, 42, true);

  static String applySpec(String prefix, String evaluationJson) {
    return TestEvents.applyCardFraudSpec(prefix, "\"evaluation\": " + evaluationJson);
  }

  /** Writes dataset v1 as ingestion does; returns the split directory (kept for the test). */
  Path writeDataset(String pipeline) throws Exception {
    Path dir = Files.createTempDirectory("evaluation-test-");
    Path input = dir.resolve("input.csv");
    Files.writeString(input, CardFraud.csv(2000, 5));
    IngestResult result = CsvSplitter.split(input, SPLIT, dir.resolve("splits"));
    DatasetVersions.write(store, pipeline, 1, hash("data"), result);
    return dir.resolve("splits");
  }

  /**
   * Trains a model as training does and writes it as model {@code version}; with {@code
   * shuffledLabels} it learns nothing (a model that must fail its gates).
   */
  String writeModel(String pipeline, int version, Path splits, boolean shuffledLabels)
      throws Exception {
    return writeModel(pipeline, version, splits, shuffledLabels, 1);
  }

  /** {@link #writeModel(String, int, Path, boolean)} trained on dataset {@code datasetVersion}. */
  String writeModel(
      String pipeline, int version, Path splits, boolean shuffledLabels, int datasetVersion)
      throws Exception {
    List<String> features = List.of(CardFraud.HEADER.split(",")).subList(0, 9);
    NumericTable train = ParquetTables.read(splits.resolve("train.parquet"), features, "fraud");
    NumericTable val = ParquetTables.read(splits.resolve("validation.parquet"), features, "fraud");
    int[] trainY = ys(train.labels());
    if (shuffledLabels) {
      java.util.Random random = new java.util.Random(3);
      for (int i = trainY.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = trainY[i];
        trainY[i] = trainY[j];
        trainY[j] = t;
      }
    }
    PipelineSpec.Training training =
        PipelineSpecs.parse(
                "{\"name\":\"x\",\"task\":\"binary-classification\",\"target\":\"fraud\","
                    + "\"training\":{\"epochs\":"
                    + (shuffledLabels ? 1 : 12)
                    + ",\"batchSize\":64,\"learningRate\":0.01}}")
            .withDefaults()
            .training();
    Path out = Files.createTempDirectory("model-");
    new MlpTrainer(training)
        .train(
            new TrainingData(features, train.x(), trainY, val.x(), ys(val.labels())),
            "0",
            "1",
            out,
            epoch -> {},
            () -> false);
    String runId = UUID.randomUUID().toString();
    Manifest manifest;
    try (StagedWrite staged = store.stage(Layout.model(pipeline, version))) {
      for (String file : ModelBundle.files(out)) {
        staged.put(file, out.resolve(file), "application/octet-stream");
      }
      manifest = staged.commit(Map.of("kind", "model", "runId", runId, "version", version));
    }
    ModelTrained trained =
        new ModelTrained(
            runId,
            pipeline,
            version,
            datasetVersion,
            store.manifestUri(manifest.location()),
            Map.of(),
            Map.of("val_loss", 0.3),
            new ModelTrained.Lineage(hash("data"), null, null, Trigger.DATA, 42L, 12));
    String eventId = UUID.randomUUID().toString();
    publishTrained(trained, eventId);
    return eventId;
  }

  static void publishTrained(ModelTrained trained, String eventId) {
    TestEvents.publish(
        TestTopics.of(Topic.MODELS_TRAINED),
        Topic.MODELS_TRAINED,
        eventId,
        Sources.TRAINING,
        trained.pipeline(),
        trained);
  }

  static int[] ys(String[] labels) {
    int[] y = new int[labels.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels[i].equals("1") ? 1 : 0;
    }
    return y;
  }

  static String hash(String text) {
    return Json.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  static Response get(String path) {
    return given().header("Authorization", TestTokens.bearer("viewer")).get(path);
  }

  @Test
  void theFirstPassingModelBecomesChampionAndAFailingOneDoesNot() throws Exception {
    String pipeline =
        applySpec(
            "eval",
            "{\"primaryMetric\":\"roc_auc\",\"gates\":[{\"metric\":\"roc_auc\",\"min\":0.7}]}");
    Path splits = writeDataset(pipeline);
    String firstEvent = writeModel(pipeline, 1, splits, false);

    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> get("/api/v1/pipelines/" + pipeline + "/models/champion").statusCode() == 200);
    JsonNode champion =
        Json.readTree(get("/api/v1/pipelines/" + pipeline + "/models/champion").asByteArray());
    assertThat(champion.get("version").asInt()).isEqualTo(1);
    assertThat(champion.get("aliases").get(0).asText()).isEqualTo("champion");
    assertThat(champion.get("passed").asBoolean()).isTrue();
    assertThat(champion.at("/gates/0/passed").asBoolean()).isTrue();
    assertThat(champion.at("/gates/0/reason").asText()).contains(">= min 0.7000");

    // The stored predictions reproduce the reported metrics (scikit-learn definitions).
    Response predictions = get(champion.get("predictions").asText());
    predictions.then().statusCode(200).contentType("application/vnd.apache.parquet");
    Path file = Files.createTempFile("predictions-", ".parquet");
    Files.write(file, predictions.asByteArray());
    long testRows = ParquetTables.rowCount(splits.resolve("test.parquet"));
    assertThat(ParquetTables.rowCount(file)).isEqualTo(testRows);
    double[][] scored = readPredictions(file);
    int[] yTrue = new int[scored.length];
    int[] yPred = new int[scored.length];
    double[] score = new double[scored.length];
    for (int i = 0; i < scored.length; i++) {
      yTrue[i] = (int) scored[i][0];
      yPred[i] = (int) scored[i][1];
      score[i] = scored[i][2];
      assertThat(yPred[i]).isEqualTo(score[i] >= 0.5 ? 1 : 0);
    }
    assertThat(champion.at("/metrics/accuracy").asDouble())
        .isCloseTo(
            BinaryMetrics.accuracy(yTrue, yPred), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(champion.at("/metrics/roc_auc").asDouble())
        .isCloseTo(BinaryMetrics.rocAuc(yTrue, score), org.assertj.core.data.Offset.offset(1e-12))
        .isGreaterThan(0.7);
    assertThat(champion.at("/metrics/f1").asDouble())
        .isCloseTo(BinaryMetrics.f1(yTrue, yPred), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(champion.at("/metrics/average_precision").asDouble())
        .isCloseTo(
            BinaryMetrics.averagePrecision(yTrue, score),
            org.assertj.core.data.Offset.offset(1e-12));
    assertThat(champion.at("/metrics/brier_score").asDouble())
        .isCloseTo(
            BinaryMetrics.brierScore(yTrue, score), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(champion.at("/metrics/best_f1_threshold").asDouble())
        .isEqualTo(BinaryMetrics.bestF1Threshold(yTrue, score));
    for (String name :
        List.of(
            "balanced_accuracy",
            "ece",
            "precision_macro",
            "recall_micro",
            "f1_weighted",
            "f1_macro")) {
      assertThat(champion.at("/metrics/" + name).asDouble()).as(name).isBetween(0.0, 1.0);
    }

    var promoted =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_PROMOTED), r -> pipeline.equals(r.key()), 1);
    assertThat(promoted).hasSize(1);
    JsonNode promotion = Json.readTree(promoted.get(0).value());
    assertThat(promotion.get("version").asInt()).isEqualTo(1);
    assertThat(promotion.get("previous").isNull()).isTrue();
    assertThat(promotion.get("datasetVersion").asInt()).isEqualTo(1);
    assertThat(promotion.get("reason").asText()).isEqualTo("the first model to pass every gate");
    assertThat(EventLog.header(promoted.get(0), "ce_correlationid")).isEqualTo(firstEvent);

    // A model that learned nothing fails its gate and leaves the champion in place.
    writeModel(pipeline, 2, splits, true);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> get("/api/v1/pipelines/" + pipeline + "/models/2").statusCode() == 200);
    JsonNode second =
        Json.readTree(get("/api/v1/pipelines/" + pipeline + "/models/2").asByteArray());
    assertThat(second.get("passed").asBoolean()).isFalse();
    assertThat(second.at("/gates/0/reason").asText()).contains("< min 0.7000");
    assertThat(second.get("aliases")).isEmpty();
    assertThat(second.get("comparedWith").asInt()).isEqualTo(1);
    assertThat(get("/api/v1/pipelines/" + pipeline + "/models/champion").path("version").toString())
        .isEqualTo("1");
    JsonNode all = Json.readTree(get("/api/v1/pipelines/" + pipeline + "/models").asByteArray());
    assertThat(all).hasSize(2);

    var evaluated =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_EVALUATED), r -> pipeline.equals(r.key()), 2);
    assertThat(evaluated).hasSize(2);
    assertThat(Json.readTree(evaluated.get(1).value()).get("passed").asBoolean()).isFalse();
    // The primary metric's bootstrap interval holds its value.
    JsonNode firstEvaluation = Json.readTree(evaluated.get(0).value());
    double auc = firstEvaluation.at("/metrics/roc_auc").asDouble();
    assertThat(firstEvaluation.at("/intervals/roc_auc/low").asDouble()).isLessThanOrEqualTo(auc);
    assertThat(firstEvaluation.at("/intervals/roc_auc/high").asDouble())
        .isGreaterThanOrEqualTo(auc);
    assertThat(firstEvaluation.at("/intervals/roc_auc/method").asText())
        .isEqualTo("percentile-bootstrap");
    assertThat(
            EventLog.matching(TestTopics.of(Topic.MODELS_PROMOTED), r -> pipeline.equals(r.key())))
        .hasSize(1);
  }

  /**
   * Slices: metrics per value of a 0/1 column and per quartile of a numeric one, fairness across
   * the 0/1 column's slices, slice gates, and a slice column the dataset lacks failing its gate
   * with a reason that names it.
   */
  /** Slices, fairness and ranking (the rows form queries by {@code online_order}). */
  @Test
  void slicesAndFairnessAreReportedAndGated() throws Exception {
    String pipeline =
        applySpec(
            "evalslices",
            "{\"slices\": [\"online_order\", \"amount\", \"region\"], \"minSliceSize\": 20,"
                + " \"ranking\": {\"query\": \"online_order\", \"k\": 5},"
                + " \"gates\": [{\"metric\": \"accuracy\", \"slice\": \"online_order\","
                + " \"min\": 0.5}, {\"metric\": \"demographic_parity_difference\", \"slice\":"
                + " \"online_order\", \"max\": 1.0}, {\"metric\": \"accuracy\", \"slice\":"
                + " \"region\", \"min\": 0.5}, {\"metric\": \"mrr\", \"min\": 0.0}]}");
    Path splits = writeDataset(pipeline);
    writeModel(pipeline, 1, splits, false);
    var evaluated =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_EVALUATED), r -> pipeline.equals(r.key()), 1);
    JsonNode event = Json.readTree(evaluated.get(0).value());
    long testRows = ParquetTables.rowCount(splits.resolve("test.parquet"));
    long online = 0;
    long amount = 0;
    int quartiles = 0;
    for (JsonNode slice : event.get("slices")) {
      if (slice.get("feature").asText().equals("online_order")) {
        online += slice.get("rows").asLong();
        assertThat(slice.get("value").asText()).isIn("0.0", "1.0", "0", "1");
        assertThat(slice.at("/metrics/accuracy").asDouble()).isBetween(0.0, 1.0);
      } else {
        assertThat(slice.get("feature").asText()).isEqualTo("amount");
        amount += slice.get("rows").asLong();
        quartiles++;
      }
    }
    assertThat(online).isEqualTo(testRows);
    assertThat(amount).isEqualTo(testRows);
    assertThat(quartiles).isEqualTo(4);
    JsonNode fairness = event.at("/fairness/0");
    assertThat(fairness.get("feature").asText()).isEqualTo("online_order");
    assertThat(fairness.get("groups")).hasSize(2);
    assertThat(fairness.get("demographicParityDifference").asDouble()).isBetween(0.0, 1.0);

    assertThat(event.at("/gates/0/passed").asBoolean()).as(event.toString()).isTrue();
    assertThat(event.at("/gates/0/slice").asText()).isEqualTo("online_order");
    assertThat(event.at("/gates/1/passed").asBoolean()).isTrue();
    assertThat(event.at("/gates/2/passed").asBoolean()).isFalse();
    assertThat(event.at("/gates/2/reason").asText())
        .startsWith(
            "slice column 'region' is not in the test split of datasets/" + pipeline + "/v1");
    assertThat(event.at("/gates/3/passed").asBoolean()).as(event.toString()).isTrue();
    // Two queries (online_order 0 and 1), each with fraud and legitimate rows.
    assertThat(event.at("/metrics/ndcg_at_k").asDouble()).isBetween(0.0, 1.0);
    assertThat(event.at("/metrics/mrr").asDouble()).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
    assertThat(event.get("passed").asBoolean()).isFalse();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/api/v1/pipelines/" + pipeline + "/models/1").statusCode() == 200);
    JsonNode view = Json.readTree(get("/api/v1/pipelines/" + pipeline + "/models/1").asByteArray());
    assertThat(view.get("slices")).hasSize(event.get("slices").size());
    assertThat(view.at("/fairness/0/feature").asText()).isEqualTo("online_order");

    // The model card, stored with the evaluation and served as Markdown and HTML.
    Response card = get("/api/v1/pipelines/" + pipeline + "/models/1/card");
    card.then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/markdown"));
    assertThat(card.asString())
        .startsWith("# Model card: " + pipeline + " v1")
        .contains("## Slices and fairness")
        .contains("Not sliced: slice column 'region'")
        .contains("| accuracy [region] | no | slice column 'region'")
        .contains(
            "Ranking: the test rows form 2 queries by `online_order`; ndcg_at_k counts the top 5"
                + " ranks of the 2 queries with at least 2 rows, mrr all of them.")
        .containsPattern("The version.s profile \\(all \\d+ rows\\), by column:")
        .contains("| fraud (target) |");
    assertPlots(
        pipeline,
        List.of("roc.svg", "precision-recall.svg", "calibration.svg", "confusion-matrix.svg"));
    Response html = get("/api/v1/pipelines/" + pipeline + "/models/1/card?format=html");
    html.then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/html"));
    assertThat(html.asString()).contains("<h2>Gates</h2>");
    get("/api/v1/pipelines/" + pipeline + "/models/1/card?format=pdf")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  /**
   * A challenge set (here the dataset's own test split, written again as a challenge-set version,
   * so its metrics must equal the test split's) is scored for every model and gated; a champion
   * gate on it scores the champion on the same version.
   */
  @Test
  void challengeSetsAreScoredAndGatedAgainstTheChampion() throws Exception {
    String pipeline =
        applySpec(
            "evalchallenge",
            "{\"gates\": [{\"metric\": \"accuracy\", \"challengeSet\": \"hard-cases\","
                + " \"min\": 0.5}, {\"metric\": \"roc_auc\", \"challengeSet\": \"hard-cases\","
                + " \"notWorseThanChampionBy\": 0.0}]}");
    Path dir = Files.createTempDirectory("evaluation-challenge-");
    Files.writeString(dir.resolve("input.csv"), CardFraud.csv(2000, 5));
    IngestResult result = CsvSplitter.split(dir.resolve("input.csv"), SPLIT, dir.resolve("splits"));
    DatasetVersions.write(store, pipeline, 1, hash("data"), result);
    DatasetVersions.write(
        store,
        pipeline,
        2,
        hash("challenge"),
        result,
        io.trainyard.datasets.Profiler.profile(result.splits()),
        null,
        Map.of("challengeSet", "hard-cases"));
    Path splits = dir.resolve("splits");
    writeModel(pipeline, 1, splits, false);
    var first =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_EVALUATED), r -> pipeline.equals(r.key()), 1);
    JsonNode event = Json.readTree(first.get(0).value());
    assertThat(event.get("passed").asBoolean()).as(event.toString()).isTrue();
    JsonNode set = event.at("/challengeSets/0");
    assertThat(set.get("name").asText()).isEqualTo("hard-cases");
    assertThat(set.get("datasetVersion").asInt()).isEqualTo(2);
    assertThat(set.get("rows").asLong())
        .isEqualTo(ParquetTables.rowCount(splits.resolve("test.parquet")));
    for (String metric : List.of("accuracy", "roc_auc", "f1", "log_loss")) {
      assertThat(set.at("/metrics/" + metric).asDouble())
          .as(metric)
          .isEqualTo(event.at("/metrics/" + metric).asDouble());
    }
    assertThat(event.at("/gates/0/challengeSet").asText()).isEqualTo("hard-cases");
    assertThat(event.at("/gates/0/reason").asText())
        .startsWith("challenge set hard-cases (dataset v2): accuracy ");
    assertThat(event.at("/gates/1/reason").asText())
        .isEqualTo("challenge set hard-cases (dataset v2): no champion to compare with");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/api/v1/pipelines/" + pipeline + "/models/champion").statusCode() == 200);

    // A model that learned nothing is worse than the champion on the challenge set.
    writeModel(pipeline, 2, splits, true);
    var both =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_EVALUATED), r -> pipeline.equals(r.key()), 2);
    JsonNode second = Json.readTree(both.get(1).value());
    assertThat(second.get("passed").asBoolean()).isFalse();
    assertThat(second.at("/gates/1/passed").asBoolean()).isFalse();
    assertThat(second.at("/gates/1/championValue").asDouble())
        .isEqualTo(set.at("/metrics/roc_auc").asDouble());
    assertThat(second.at("/gates/1/reason").asText())
        .startsWith("challenge set hard-cases (dataset v2): roc_auc ")
        .contains("is worse than 0.0000 of champion v1's");
    JsonNode view = Json.readTree(get("/api/v1/pipelines/" + pipeline + "/models/2").asByteArray());
    assertThat(view.at("/challengeSets/0/name").asText()).isEqualTo("hard-cases");
  }

  /**
   * A candidate trained on a newer dataset version is compared with the champion on its own test
   * split: evaluation scores the champion again on those rows instead of using the figures of the
   * champion's own (older) test split.
   */
  @Test
  void aChampionOfAnotherDatasetVersionIsComparedOnTheCandidatesTestSplit() throws Exception {
    String pipeline =
        applySpec(
            "evalrescore",
            "{\"gates\": [{\"metric\": \"roc_auc\", \"notWorseThanChampionBy\": 0.5}]}");
    Path v1 = writeDataset(pipeline);
    writeModel(pipeline, 1, v1, false);
    var first =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_EVALUATED), r -> pipeline.equals(r.key()), 1);
    double ownRocAuc = Json.readTree(first.get(0).value()).at("/metrics/roc_auc").asDouble();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/api/v1/pipelines/" + pipeline + "/models/champion").statusCode() == 200);

    // Dataset v2: shifted transactions, another test split; model v2 is trained on it.
    Path dir = Files.createTempDirectory("evaluation-rescore-");
    Files.writeString(dir.resolve("input.csv"), CardFraud.csv(2000, 9, 1.0));
    IngestResult result = CsvSplitter.split(dir.resolve("input.csv"), SPLIT, dir.resolve("splits"));
    DatasetVersions.write(store, pipeline, 2, hash("shifted"), result);
    writeModel(pipeline, 2, dir.resolve("splits"), false, 2);
    var both =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_EVALUATED), r -> pipeline.equals(r.key()), 2);
    JsonNode second = Json.readTree(both.get(1).value());
    assertThat(second.get("championVersion").asInt()).isEqualTo(1);

    // The champion's roc_auc on v2's test split, computed here from its stored bundle.
    List<String> features = List.of(CardFraud.HEADER.split(",")).subList(0, 9);
    NumericTable test =
        ParquetTables.read(dir.resolve("splits").resolve("test.parquet"), features, "fraud");
    Path championDir = Files.createTempDirectory("champion-");
    store.downloadAll(store.manifest(Layout.model(pipeline, 1)).orElseThrow(), championDir);
    double expected;
    try (ModelBundle champion = ModelBundle.load(championDir)) {
      expected = BinaryMetrics.rocAuc(ys(test.labels()), champion.scores(test.x()));
    }
    assertThat(expected).as("the shift changes the champion's figure").isNotEqualTo(ownRocAuc);
    assertThat(second.at("/gates/0/championValue").asDouble())
        .isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void aRedeliveredModelIsEvaluatedOnce() throws Exception {
    String pipeline = applySpec("evaltwice", "{\"gates\":[{\"metric\":\"accuracy\",\"min\":0.5}]}");
    Path splits = writeDataset(pipeline);
    String eventId = writeModel(pipeline, 1, splits, false);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> get("/api/v1/pipelines/" + pipeline + "/models/1").statusCode() == 200);
    var original =
        EventLog.matching(TestTopics.of(Topic.MODELS_TRAINED), r -> pipeline.equals(r.key()));
    TestEvents.send(
        TestTopics.of(Topic.MODELS_TRAINED),
        original.get(0).key(),
        original.get(0).value(),
        headers(original.get(0)));
    var evaluated =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_EVALUATED),
            r -> pipeline.equals(r.key()),
            2,
            Duration.ofSeconds(8),
            Duration.ZERO);
    assertThat(evaluated).hasSize(1);
    assertThat(EventLog.header(evaluated.get(0), "ce_causationid")).isEqualTo(eventId);
  }

  /**
   * Human reviews (labeling's {@code models.reviewed}) are attached to the evaluated version once
   * each, shown by the API and written into a rewritten model card; a review of a version never
   * evaluated, or whose figures do not add up, is dead-lettered with the reason.
   */
  @Test
  void humanReviewsAreAttachedToTheVersionAndItsCard() throws Exception {
    String pipeline =
        applySpec("evalreview", "{\"gates\":[{\"metric\":\"accuracy\",\"min\":0.5}]}");
    Path splits = writeDataset(pipeline);
    writeModel(pipeline, 1, splits, false);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> get("/api/v1/pipelines/" + pipeline + "/models/1").statusCode() == 200);
    assertThat(get("/api/v1/pipelines/" + pipeline + "/models/1/card").asString())
        .contains("Human-review figures are not recorded for this version.");

    publishReviewed(new ModelReviewed(pipeline, 7, "r-ghost", 10, 10, 9, 1, null, 2, null));
    publishReviewed(new ModelReviewed(pipeline, 1, "r-bad", 10, 12, null, null, null, 2, null));
    ModelReviewed first =
        new ModelReviewed(
            pipeline,
            1,
            "r-1",
            50,
            48,
            44,
            4,
            new ModelReviewed.Rating(1, 5, 4.2, 48),
            3,
            java.time.Instant.parse("2026-12-03T15:00:00Z"));
    publishReviewed(first);
    publishReviewed(first); // published again (another event id): attached once
    publishReviewed(new ModelReviewed(pipeline, 1, "r-2", 20, 20, null, null, null, 1, null));

    var dead =
        EventLog.awaitAtLeast(
            TestTopics.dlqOf(Topic.MODELS_REVIEWED), r -> pipeline.equals(r.key()), 2);
    assertThat(dead.stream().map(r -> EventLog.header(r, "trainyard_dlq_reason")))
        .anySatisfy(
            reason ->
                assertThat(reason)
                    .contains(
                        "model version 7 of pipeline '"
                            + pipeline
                            + "' is not evaluated: a review attaches to an evaluated version"))
        .anySatisfy(
            reason ->
                assertThat(reason)
                    .contains(
                        "review 'r-bad' does not add up: reviewed 12 is more than sampled 10"));
    // One partition per pipeline: once r-2 is attached, both deliveries of r-1 were handled.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Json.readTree(get("/api/v1/pipelines/" + pipeline + "/models/1").asByteArray())
                        .get("reviews")
                        .size()
                    >= 2);
    JsonNode view = Json.readTree(get("/api/v1/pipelines/" + pipeline + "/models/1").asByteArray());
    assertThat(view.get("reviews")).hasSize(2);
    JsonNode review = view.at("/reviews/0");
    assertThat(review.get("reviewId").asText()).isEqualTo("r-1");
    assertThat(review.get("accuracy").asDouble()).isEqualTo(44.0 / 48);
    // the Wilson score interval of 44 of 48 (see ReviewsTest)
    assertThat(review.at("/accuracyInterval/low").asDouble())
        .isCloseTo(0.8044669820963272, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(review.at("/accuracyInterval/high").asDouble())
        .isCloseTo(0.9671162431819081, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(review.at("/rating/mean").asDouble()).isEqualTo(4.2);
    assertThat(view.at("/reviews/1/reviewId").asText()).isEqualTo("r-2");
    assertThat(view.at("/reviews/1/accuracy").isNull()).isTrue();

    String card = get("/api/v1/pipelines/" + pipeline + "/models/1/card").asString();
    assertThat(card)
        .contains("## Human review")
        .contains(
            "| r-1 | 2026-12-03T15:00:00Z | 50 | 48 | 3 | 44 / 4 | 0.9167 [0.8045, 0.9671] |"
                + " 4.2000 on 1.0000 to 5.0000 (48 ratings) |")
        .contains("| r-2 |  | 20 | 20 | 1 |  |  |  |")
        .doesNotContain("Human-review figures are not recorded for this version.");
    assertThat(card.indexOf("## Human review")).isLessThan(card.indexOf("## Limitations"));
    assertThat(get("/api/v1/pipelines/" + pipeline + "/models/1/card?format=html").asString())
        .contains("<h2>Human review</h2>");
  }

  static void publishReviewed(ModelReviewed review) {
    TestEvents.publish(
        TestTopics.of(Topic.MODELS_REVIEWED),
        Topic.MODELS_REVIEWED,
        UUID.randomUUID().toString(),
        Sources.LABELING,
        review.pipeline(),
        review);
  }

  /** A model version without a manifest, or whose artifact is not a model, is dead-lettered. */
  @Test
  void aMissingOrCorruptModelIsDeadLetteredWithTheReason() throws Exception {
    String pipeline =
        applySpec("evalbroken", "{\"gates\":[{\"metric\":\"accuracy\",\"min\":0.5}]}");
    writeDataset(pipeline);
    Manifest garbage;
    try (StagedWrite staged = store.stage(Layout.model(pipeline, 2))) {
      staged.put(
          ModelBundle.CONFIG_FILE, // truncated JSON
          "{\"not\": \"a model\"".getBytes(StandardCharsets.UTF_8),
          "application/json");
      staged.put("params.bin", new byte[] {1, 2, 3}, "application/octet-stream");
      garbage = staged.commit(Map.of("kind", "model", "runId", "r-2", "version", 2));
    }
    for (int version : new int[] {1, 2}) {
      publishTrained(
          new ModelTrained(
              "r-" + version,
              pipeline,
              version,
              1,
              store.manifestUri(Layout.model(pipeline, version)),
              Map.of(),
              Map.of(),
              new ModelTrained.Lineage(hash("data"), null, null, Trigger.DATA, null, null)),
          UUID.randomUUID().toString());
    }
    var dead =
        EventLog.awaitAtLeast(
            TestTopics.dlqOf(Topic.MODELS_TRAINED), r -> pipeline.equals(r.key()), 2);
    assertThat(dead.stream().map(r -> EventLog.header(r, "trainyard_dlq_reason")))
        .anySatisfy(
            reason ->
                assertThat(reason).contains("no model manifest at models/" + pipeline + "/v1/"))
        .anySatisfy(reason -> assertThat(reason).contains("model v2 cannot be loaded"));
    assertThat(garbage.objects()).hasSize(2);
    get("/api/v1/pipelines/" + pipeline + "/models/2").then().statusCode(404);
  }

  @Test
  void aModelOfAPipelineEvaluationDoesNotKnowIsDeadLetteredWithTheReason() {
    String pipeline = UniqueNames.of("ghost");
    String runId = UUID.randomUUID().toString();
    publishTrained(
        new ModelTrained(
            runId,
            pipeline,
            1,
            1,
            "s3://trainyard/models/" + pipeline + "/v1/manifest.json",
            Map.of(),
            Map.of(),
            new ModelTrained.Lineage(hash("x"), null, null, Trigger.DATA, null, null)),
        UUID.randomUUID().toString());
    var dead =
        EventLog.awaitAtLeast(
            TestTopics.dlqOf(Topic.MODELS_TRAINED), r -> pipeline.equals(r.key()), 1);
    assertThat(dead).hasSize(1);
    assertThat(EventLog.header(dead.get(0), "trainyard_dlq_reason"))
        .startsWith("poison:")
        .contains(pipeline);
  }

  /**
   * A multiclass and a regression model are evaluated on their test split: the stored predictions
   * reproduce the reported metrics, classifiers report per-class figures, and the latency and size
   * figures are there for gates.
   */
  @ParameterizedTest
  @ValueSource(strings = {"multiclass-classification", "regression"})
  void multiclassAndRegressionModelsAreEvaluated(String task) throws Exception {
    boolean regression = task.equals("regression");
    String pipeline =
        TestEvents.applySpec(
            "{\"name\": \""
                + UniqueNames.of("task")
                + "\", \"task\": \""
                + task
                + "\", \"target\": \"y\", \"evaluation\": {\"gates\": ["
                + (regression
                    ? "{\"metric\": \"r2\", \"min\": 0.8}"
                    : "{\"metric\": \"accuracy\", \"min\": 0.8}")
                + ", {\"metric\": \"latency_p95_ms\", \"max\": 5000}"
                + ", {\"metric\": \"model_size_bytes\", \"max\": 10000000}]}}");

    // y = 3 x1 - 2 x2 (+ noise), or its class by thirds of x1.
    java.util.Random random = new java.util.Random(9);
    StringBuilder csv = new StringBuilder("x1,x2,y\n");
    for (int i = 0; i < 1500; i++) {
      double x1 = random.nextDouble() * 2 - 1;
      double x2 = random.nextDouble() * 2 - 1;
      String y =
          regression
              ? String.valueOf(3 * x1 - 2 * x2 + 0.1 * random.nextGaussian())
              : x1 < -0.33 ? "a" : x1 < 0.33 ? "b" : "c";
      csv.append(x1).append(',').append(x2).append(',').append(y).append('\n');
    }
    Path dir = Files.createTempDirectory("evaluation-task-");
    Files.writeString(dir.resolve("input.csv"), csv);
    IngestResult result =
        CsvSplitter.split(
            dir.resolve("input.csv"),
            new SplitConfig(
                "y", List.of(), new SplitRatios(0.7, 0.15, 0.15), !regression, 42, true),
            dir.resolve("splits"));
    DatasetVersions.write(store, pipeline, 1, hash("data-" + task), result);
    List<String> features = List.of("x1", "x2");
    NumericTable train = ParquetTables.read(dir.resolve("splits/train.parquet"), features, "y");
    NumericTable val = ParquetTables.read(dir.resolve("splits/validation.parquet"), features, "y");
    List<String> classes = List.of("a", "b", "c");
    PipelineSpec.Training training =
        PipelineSpecs.parse(
                "{\"name\":\"x\",\"task\":\""
                    + task
                    + "\",\"target\":\"y\",\"training\":{\"epochs\":30,\"batchSize\":32,"
                    + "\"learningRate\":0.01}}")
            .withDefaults()
            .training();
    Path out = Files.createTempDirectory("model-");
    new MlpTrainer(training)
        .train(
            new TrainingData(
                features, train.x(), targets(train, regression), val.x(), targets(val, regression)),
            regression
                ? io.trainyard.models.training.Target.regression()
                : io.trainyard.models.training.Target.multiclass(classes),
            out,
            epoch -> {},
            () -> false,
            io.trainyard.models.training.CheckpointStore.NONE);
    Manifest manifest;
    String runId = UUID.randomUUID().toString();
    try (StagedWrite staged = store.stage(Layout.model(pipeline, 1))) {
      for (String file : ModelBundle.files(out)) {
        staged.put(file, out.resolve(file), "application/octet-stream");
      }
      manifest = staged.commit(Map.of("kind", "model", "runId", runId, "version", 1));
    }
    publishTrained(
        new ModelTrained(
            runId,
            pipeline,
            1,
            1,
            store.manifestUri(manifest.location()),
            Map.of(),
            Map.of("val_loss", 0.5),
            new ModelTrained.Lineage(hash("data-" + task), null, null, Trigger.DATA, 42L, 30),
            io.trainyard.contracts.spec.Task.fromWire(task),
            regression ? null : classes),
        UUID.randomUUID().toString());

    var evaluated =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_EVALUATED), r -> pipeline.equals(r.key()), 1);
    JsonNode event = Json.readTree(evaluated.get(0).value());
    assertThat(event.get("passed").asBoolean()).as(event.toString()).isTrue();
    assertThat(event.at("/metrics/latency_p50_ms").asDouble()).isPositive();
    assertThat(event.at("/metrics/latency_p95_ms").asDouble())
        .isGreaterThanOrEqualTo(event.at("/metrics/latency_p50_ms").asDouble());
    long size = manifest.objects().stream().mapToLong(Manifest.Entry::size).sum();
    assertThat(event.at("/metrics/model_size_bytes").asDouble()).isEqualTo((double) size);
    String primary = regression ? "rmse" : "accuracy";
    double value = event.at("/metrics/" + primary).asDouble();
    assertThat(event.at("/intervals/" + primary + "/low").asDouble()).isLessThanOrEqualTo(value);
    assertThat(event.at("/intervals/" + primary + "/high").asDouble())
        .isGreaterThanOrEqualTo(value);

    Response predictions = get("/api/v1/pipelines/" + pipeline + "/models/1/predictions");
    predictions.then().statusCode(200);
    Path file = Files.createTempFile("predictions-", ".parquet");
    Files.write(file, predictions.asByteArray());
    try (var connection = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        var statement = connection.createStatement()) {
      String from = " from read_parquet('" + file + "')";
      if (regression) {
        try (var rows =
            statement.executeQuery(
                "select sqrt(avg((actual - predicted) * (actual - predicted))), count(*)" + from)) {
          rows.next();
          assertThat(value).isCloseTo(rows.getDouble(1), org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(event.at("/metrics/r2").asDouble()).isGreaterThan(0.8);
        assertThat(event.has("perClass")).isFalse();
      } else {
        // The predicted class is the most probable one, and accuracy follows from the file.
        try (var rows =
            statement.executeQuery(
                "select avg(case when actual = predicted then 1.0 else 0.0 end),"
                    + " sum(case when predicted = (case when score_a >= score_b and score_a >="
                    + " score_c then 'a' when score_b >= score_c then 'b' else 'c' end) then 0"
                    + " else 1 end), min(abs(score_a + score_b + score_c - 1) < 1e-9)::int"
                    + from)) {
          rows.next();
          assertThat(value)
              .isCloseTo(rows.getDouble(1), org.assertj.core.data.Offset.offset(1e-12));
          assertThat(rows.getLong(2)).isZero();
          assertThat(rows.getInt(3)).isEqualTo(1);
        }
        assertThat(value).isGreaterThan(0.8);
        for (String c : classes) {
          assertThat(event.at("/perClass/" + c + "/recall").asDouble()).isBetween(0.0, 1.0);
          assertThat(event.at("/perClass/" + c + "/support").asDouble()).isPositive();
        }
        assertThat(event.at("/metrics/roc_auc").asDouble()).isGreaterThan(0.9);
      }
    }
    get("/api/v1/pipelines/" + pipeline + "/models/champion")
        .then()
        .statusCode(200)
        .body("version", org.hamcrest.Matchers.equalTo(1));
    assertPlots(
        pipeline,
        regression
            ? List.of("residuals.svg", "predicted-vs-actual.svg")
            : List.of(
                "roc.svg", "precision-recall.svg", "calibration.svg", "confusion-matrix.svg"));
  }

  /** The evaluation's plots are listed and served as SVG documents; another name is a 404. */
  static void assertPlots(String pipeline, List<String> expected) throws Exception {
    String models = "/api/v1/pipelines/" + pipeline + "/models/1/plots";
    JsonNode plots = Json.readTree(get(models).asByteArray());
    assertThat(plots.findValuesAsText("name")).containsExactlyInAnyOrderElementsOf(expected);
    for (JsonNode plot : plots) {
      Response svg = get(plot.get("link").asText());
      svg.then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("image/svg+xml"));
      var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      var document =
          factory.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(svg.asByteArray()));
      assertThat(document.getDocumentElement().getLocalName()).isEqualTo("svg");
      assertThat(svg.asString()).contains(pipeline + " v1");
    }
    get(models + "/nope.svg").then().statusCode(404).contentType("application/problem+json");
  }

  private static double[] targets(NumericTable table, boolean regression) {
    double[] y = new double[table.rows()];
    for (int i = 0; i < y.length; i++) {
      y[i] =
          regression
              ? Double.parseDouble(table.labels()[i])
              : List.of("a", "b", "c").indexOf(table.labels()[i]);
    }
    return y;
  }

  @Test
  void unknownModelsAndChampionsAre404Problems() {
    String pipeline = UniqueNames.of("nomodels");
    get("/api/v1/pipelines/" + pipeline + "/models").then().statusCode(200);
    get("/api/v1/pipelines/" + pipeline + "/models/champion")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    get("/api/v1/pipelines/" + pipeline + "/models/3").then().statusCode(404);
    get("/api/v1/pipelines/" + pipeline + "/models/3/predictions").then().statusCode(404);
  }

  private static Map<String, byte[]> headers(
      org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record) {
    Map<String, byte[]> headers = new java.util.LinkedHashMap<>();
    record.headers().forEach(h -> headers.put(h.key(), h.value()));
    return headers;
  }

  /** actual, predicted, score per row, read with DuckDB. */
  private static double[][] readPredictions(Path file) throws Exception {
    try (var connection = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        var statement = connection.createStatement();
        var rows =
            statement.executeQuery(
                "select cast(actual as integer), cast(predicted as integer), score from"
                    + " read_parquet('"
                    + file
                    + "') order by row_id")) {
      List<double[]> out = new java.util.ArrayList<>();
      while (rows.next()) {
        out.add(new double[] {rows.getInt(1), rows.getInt(2), rows.getDouble(3)});
      }
      return out.toArray(new double[0][]);
    }
  }
}
