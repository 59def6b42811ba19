package io.trainyard.labeling.projects;

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
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.datasets.CsvSplitter;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.IngestResult;
import io.trainyard.datasets.SplitConfig;
import io.trainyard.datasets.SplitRatios;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestTokens;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Labeling over the real stack: a dataset version with unlabeled rows is written as ingestion
 * writes it and announced on {@code datasets.ingested}; the project appears, annotators work
 * through its tasks over the API, and bad answers are refused without changing anything.
 */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class ProjectsFlowTest {

  @Inject ObjectStore store;
  @Inject io.trainyard.platform.specs.PipelineCatalog catalog;

  /** The row ids of the last version written's unlabeled rows, ascending. */
  List<Long> unlabeledRowIds;

  /** The splits of the last version written. */
  IngestResult lastResult;

  static final Duration TTL = Duration.ofHours(1);

  static String as(String who) {
    return "Bearer " + TestTokens.token(who, TTL, "annotator");
  }

  static String ops() {
    return TestTokens.bearer("ops");
  }

  /** Writes version 1 of {@code pipeline} (labeled and unlabeled rows) and announces it. */
  int writeAndAnnounce(String pipeline, int labeled, int unlabeled) throws Exception {
    return writeAndAnnounce(pipeline, labeled, unlabeled, x1 -> x1 > 0 ? "spam" : "ham");
  }

  /** As above, with labels by x1. */
  int writeAndAnnounce(
      String pipeline,
      int labeled,
      int unlabeled,
      java.util.function.DoubleFunction<String> labelOf)
      throws Exception {
    java.util.Random random = new java.util.Random(5);
    StringBuilder csv = new StringBuilder("x1,x2,y\n");
    for (int i = 0; i < labeled + unlabeled; i++) {
      double x1 = Math.round((random.nextDouble() * 2 - 1) * 1000) / 1000.0;
      double x2 = Math.round(random.nextDouble() * 1000) / 1000.0;
      String y = i < labeled ? labelOf.apply(x1) : "";
      csv.append(x1).append(',').append(x2).append(',').append(y).append('\n');
    }
    Path dir = Files.createTempDirectory("labeling-test-");
    Files.writeString(dir.resolve("input.csv"), csv);
    IngestResult result =
        CsvSplitter.split(
            dir.resolve("input.csv"),
            new SplitConfig("y", List.of(), new SplitRatios(0.7, 0.15, 0.15), true, 42, true),
            dir.resolve("splits"));
    Manifest manifest = DatasetVersions.write(store, pipeline, 1, "a".repeat(64), result);
    lastResult = result;
    unlabeledRowIds = new java.util.ArrayList<>();
    for (var split : result.splits()) {
      if (split.name().equals(DatasetIngested.UNLABELED)) {
        for (Map<String, Object> row :
            io.trainyard.datasets.ParquetTables.readRows(split.file(), 1000)) {
          unlabeledRowIds.add((Long) row.get("row_id"));
        }
      }
    }
    Map<String, DatasetIngested.Split> splits = new LinkedHashMap<>();
    result.splits().forEach(s -> splits.put(s.name(), new DatasetIngested.Split(s.rows())));
    TestEvents.publish(
        TestTopics.of(Topic.DATASETS_INGESTED),
        Topic.DATASETS_INGESTED,
        UUID.randomUUID().toString(),
        Sources.INGESTION,
        pipeline,
        new DatasetIngested(
            pipeline,
            1,
            "a".repeat(64),
            store.manifestUri(manifest.location()),
            splits,
            result.schema().stream()
                .map(c -> new DatasetIngested.Column(c.name(), c.type()))
                .toList(),
            null));
    return (int)
        splits.getOrDefault(DatasetIngested.UNLABELED, new DatasetIngested.Split(0)).rows();
  }

  static String applySpec(String prefix, String labeling) {
    return TestEvents.applySpec(
        "{\"name\": \""
            + UniqueNames.of(prefix)
            + "\", \"task\": \"binary-classification\", \"target\": \"y\","
            + " \"positiveClass\": \"spam\", \"labeling\": "
            + labeling
            + "}");
  }

  /**
   * Three annotators label 10 tasks as a fixture whose figures were computed by hand (the Python
   * reference of libs/stats AgreementTest: scikit-learn 1.2.1, statsmodels 0.13.5); the project's
   * agreement figures equal them, and the label-quality gate judges the spec's metric.
   */
  @Test
  void threeAnnotatorsGiveTheHandComputedAgreement() throws Exception {
    String pipeline =
        TestEvents.applySpec(
            "{\"name\": \""
                + UniqueNames.of("labelthree")
                + "\", \"task\": \"multiclass-classification\", \"target\": \"y\","
                + " \"labeling\": {\"annotatorsPerItem\": 3, \"goldRate\": 0,"
                + " \"minAgreement\": {\"metric\": \"krippendorff_alpha\", \"value\": 0.5}}}");
    writeAndAnnounce(pipeline, 60, 10, x1 -> x1 < -0.33 ? "a" : x1 < 0.33 ? "b" : "c");
    await().atMost(Duration.ofSeconds(60)).until(() -> project(pipeline) != null);
    String id = project(pipeline).get("id").asText();
    // items x annotators; 0, 1, 2 are the classes a, b, c
    int[][] three = {
      {0, 0, 0}, {0, 0, 1}, {1, 1, 1}, {2, 2, 2}, {1, 2, 1},
      {0, 1, 2}, {0, 0, 0}, {0, 0, 0}, {1, 1, 0}, {2, 2, 1}
    };
    List<String> who = List.of("ann", "ben", "cat");
    for (String w : who) {
      addAnnotator(id, w, false);
    }
    // Item i is the unlabeled row with the i-th smallest row id.
    for (int r = 0; r < who.size(); r++) {
      int rater = r;
      int answered =
          workThrough(
              id,
              who.get(r),
              task ->
                  String.valueOf(
                      "abc"
                          .charAt(
                              three[unlabeledRowIds.indexOf(task.get("rowId").asLong())][rater])));
      assertThat(answered).isEqualTo(10);
    }
    JsonNode report =
        Json.readTree(
            given()
                .header("Authorization", ops())
                .get("/api/v1/labeling/projects/" + id + "/agreement")
                .asByteArray());
    var e = org.assertj.core.data.Offset.offset(1e-9);
    assertThat(report.get("tasks").asInt()).isEqualTo(10);
    assertThat(report.get("percentAgreement").asDouble()).isCloseTo(0.6333333333333332, e);
    assertThat(report.get("krippendorffAlpha").asDouble()).isCloseTo(0.45189003436426123, e);
    assertThat(report.get("fleissKappa").asDouble()).isCloseTo(0.4329896907216492, e);
    assertThat(report.get("gwetAc1").asDouble()).isCloseTo(0.45812807881773376, e);
    assertThat(report.at("/pairs/0/kappa").asDouble()).isCloseTo(0.6923076923076923, e);
    assertThat(report.at("/pairs/1/kappa").asDouble()).isCloseTo(0.375, e);
    assertThat(report.at("/pairs/2/kappa").asDouble()).isCloseTo(0.24242424242424243, e);
    assertThat(report.get("cohenKappa").asDouble())
        .isCloseTo((0.6923076923076923 + 0.375 + 0.24242424242424243) / 3, e);
    assertThat(report.at("/perAnnotator/0/agreement").asDouble()).isCloseTo(0.7, e);
    assertThat(report.at("/perAnnotator/1/agreement").asDouble()).isCloseTo(0.65, e);
    assertThat(report.at("/perAnnotator/2/agreement").asDouble()).isCloseTo(0.55, e);
    // one task (0, 1, 2) is tied three ways
    assertThat(report.at("/consensus/tied").asInt()).isEqualTo(1);
    assertThat(report.at("/gate/passed").asBoolean()).isFalse();
    assertThat(report.at("/gate/reason").asText())
        .isEqualTo("krippendorff_alpha 0.4519 < minAgreement 0.5000");
    assertThat(project(pipeline).get("outcome").asText())
        .isEqualTo("no dataset: krippendorff_alpha 0.4519 < minAgreement 0.5000");
  }

  static JsonNode project(String pipeline) {
    Response r =
        given()
            .header("Authorization", ops())
            .get("/api/v1/pipelines/" + pipeline + "/labeling/projects");
    r.then().statusCode(200);
    JsonNode list = Json.readTree(r.asByteArray());
    return list.size() == 0 ? null : list.get(0);
  }

  static void addAnnotator(String project, String who, boolean expert) {
    given()
        .header("Authorization", ops())
        .contentType("application/json")
        .body("{\"expert\": " + expert + "}")
        .put("/api/v1/labeling/projects/" + project + "/annotators/" + who)
        .then()
        .statusCode(200);
  }

  static Response next(String project, String who) {
    return given()
        .header("Authorization", as(who))
        .get("/api/v1/labeling/projects/" + project + "/next");
  }

  static Response answer(String project, long task, String who, String body) {
    return given()
        .header("Authorization", as(who))
        .contentType("application/json")
        .body(body)
        .post("/api/v1/labeling/projects/" + project + "/tasks/" + task + "/annotations");
  }

  /** The label the data says: spam when x1 > 0. */
  static String truth(JsonNode task) {
    return task.at("/data/x1").asDouble() > 0 ? "spam" : "ham";
  }

  @Test
  void aVersionWithUnlabeledRowsBecomesAProjectThatAnnotatorsWorkThrough() throws Exception {
    String pipeline =
        applySpec(
            "labelflow",
            "{\"annotatorsPerItem\": 2, \"goldRate\": 0.2, \"guidelines\": \"Spam sells.\"}");
    int unlabeled = writeAndAnnounce(pipeline, 100, 30);
    await().atMost(Duration.ofSeconds(60)).until(() -> project(pipeline) != null);
    JsonNode project = project(pipeline);
    String id = project.get("id").asText();
    assertThat(id).isEqualTo(pipeline + "-v1");
    assertThat(project.get("tasks").asInt()).isEqualTo(unlabeled).isEqualTo(30);
    // max(10, ceil(0.2 × 30)) gold tasks from the labeled train rows
    assertThat(project.get("goldTasks").asInt()).isEqualTo(10);
    assertThat(project.get("classes").findValuesAsText("")).isEmpty();
    assertThat(Json.mapper().convertValue(project.get("classes"), List.class))
        .containsExactly("ham", "spam");
    assertThat(project.get("guidelines").asText()).isEqualTo("Spam sells.");

    addAnnotator(id, "alice", false);
    addAnnotator(id, "bob", false);

    // Bad input: nothing changes.
    next(id, "mallory").then().statusCode(403).contentType("application/problem+json");
    JsonNode first = Json.readTree(next(id, "alice").asByteArray());
    assertThat(first.has("goldLabel")).isFalse();
    assertThat(first.at("/data/y").isMissingNode()).isTrue();
    assertThat(first.at("/data/x1").isNumber()).isTrue();
    long task = first.get("taskId").asLong();
    answer(id, 999_999_999L, "alice", "{\"label\": \"spam\"}").then().statusCode(404);
    answer(id, task, "alice", "{\"label\": \"eggs\"}")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    answer(id, task, "alice", "{\"label\": \"spam\", \"skip\": true}").then().statusCode(400);
    answer(id, task, "mallory", "{\"label\": \"spam\"}").then().statusCode(403);
    given()
        .header("Authorization", as("alice"))
        .get("/api/v1/labeling/projects/nope-v1/next")
        .then()
        .statusCode(404);
    assertThat(project(pipeline).get("answers").asInt()).isZero();
    // The same task comes back until it is answered.
    assertThat(Json.readTree(next(id, "alice").asByteArray()).get("taskId").asLong())
        .isEqualTo(task);
    answer(id, task, "alice", "{\"label\": \"" + truth(first) + "\"}").then().statusCode(201);
    answer(id, task, "alice", "{\"label\": \"" + truth(first) + "\"}").then().statusCode(409);

    // alice labels what the data says; carol (an expert) skips one task; bob says spam to
    // everything; where alice said ham the two tie, and carol, the expert, adjudicates those.
    int aliceAnswers = 1 + workThrough(id, "alice", t -> truth(t));
    next(id, "alice").then().statusCode(204);
    addAnnotator(id, "carol", true);
    JsonNode carolTask = Json.readTree(next(id, "carol").asByteArray());
    answer(id, carolTask.get("taskId").asLong(), "carol", "{\"skip\": true}")
        .then()
        .statusCode(201);
    int bobAnswers = workThrough(id, "bob", t -> "spam");
    assertThat(project(pipeline).get("status").asText()).isEqualTo("open");
    int contested = workThrough(id, "carol", t -> truth(t));
    assertThat(contested).isBetween(5, 25); // the tasks alice said ham to

    JsonNode done = project(pipeline);
    assertThat(done.get("labeledTasks").asInt()).isEqualTo(30);
    assertThat(done.get("answers").asInt()).isEqualTo(aliceAnswers + bobAnswers + 1 + contested);
    // Below minAgreement (alpha >= 0.667 by default): rejected, no dataset.
    assertThat(done.get("status").asText()).isEqualTo("rejected");
    assertThat(done.get("outcome").asText()).startsWith("no dataset: krippendorff_alpha ");
    assertThat(done.get("outcome").asText()).contains(" < minAgreement 0.6670");
    answer(id, carolTask.get("taskId").asLong(), "alice", "{\"label\": \"ham\"}")
        .then()
        .statusCode(409);
    assertThat(
            io.trainyard.testing.EventLog.awaitAtLeast(
                TestTopics.of(Topic.DATASETS_INGEST_REQUESTED),
                r -> pipeline.equals(r.key()),
                1,
                Duration.ofSeconds(3),
                Duration.ZERO))
        .isEmpty();
    JsonNode figures =
        Json.readTree(
            given()
                .header("Authorization", ops())
                .get("/api/v1/labeling/projects/" + id + "/annotators")
                .asByteArray());
    JsonNode alice = figures.get(0);
    JsonNode bob = figures.get(1);
    assertThat(alice.get("annotator").asText()).isEqualTo("alice");
    // Every task once each; about goldRate of each one's answers are gold.
    assertThat(alice.get("labeled").asInt() - alice.get("goldAnswered").asInt()).isEqualTo(30);
    assertThat(bob.get("labeled").asInt() - bob.get("goldAnswered").asInt()).isEqualTo(30);
    assertThat(alice.get("goldAnswered").asInt()).isBetween(7, 10);
    assertThat(alice.get("goldAccuracy").asDouble()).isEqualTo(1.0);
    assertThat(bob.get("goldAccuracy").asDouble()).isLessThan(1.0);
    assertThat(bob.get("goldCorrect").asInt()).isLessThan(bob.get("goldAnswered").asInt());
    assertThat(alice.get("medianSeconds").asDouble()).isGreaterThanOrEqualTo(0.0);
    assertThat(alice.get("tasksPerHour").asDouble()).isPositive();
    JsonNode carol = figures.get(2);
    assertThat(carol.get("expert").asBoolean()).isTrue();
    assertThat(carol.get("skipped").asInt()).isEqualTo(1);
    assertThat(carol.get("labeled").asInt()).isEqualTo(contested);
  }

  /**
   * Two annotators who agree: the project completes when its last task has its labels, hands the
   * parent's rows and the new labels to ingestion as one table, and announces the version ingestion
   * made of it on {@code datasets.labeled}.
   */
  @Test
  void aProjectAboveMinAgreementHandsItsLabelsToIngestionAndAnnouncesTheVersion() throws Exception {
    String pipeline = applySpec("labelpass", "{\"annotatorsPerItem\": 2, \"goldRate\": 0}");
    writeAndAnnounce(pipeline, 100, 30);
    await().atMost(Duration.ofSeconds(60)).until(() -> project(pipeline) != null);
    String id = project(pipeline).get("id").asText();
    addAnnotator(id, "alice", false);
    addAnnotator(id, "bob", false);
    assertThat(workThrough(id, "alice", t -> truth(t))).isEqualTo(30);
    assertThat(workThrough(id, "bob", t -> truth(t))).isEqualTo(30);

    JsonNode done = project(pipeline);
    assertThat(done.get("status").asText()).isEqualTo("completed");
    assertThat(done.get("outcome").asText())
        .isEqualTo("krippendorff_alpha 1.0000 >= minAgreement 0.6670");
    assertThat(done.get("labeledRows").asInt()).isEqualTo(30);
    var requests =
        io.trainyard.testing.EventLog.awaitAtLeast(
            TestTopics.of(Topic.DATASETS_INGEST_REQUESTED), r -> pipeline.equals(r.key()), 1);
    JsonNode request = Json.readTree(requests.get(0).value());
    assertThat(request.get("parentVersion").asInt()).isEqualTo(1);
    assertThat(request.get("trigger").asText()).isEqualTo("labels");
    assertThat(request.get("format").asText()).isEqualTo("parquet");
    String uri = request.get("objectUri").asText();
    assertThat(uri).endsWith("/labeling/" + pipeline + "/" + id + "/labeled.parquet");

    // The table: the parent's labeled rows, and the 30 new ones with their consensus labels.
    List<Map<String, Object>> rows = handedToIngestion(pipeline);
    assertThat(rows).hasSize(130);
    assertThat(rows).allSatisfy(r -> assertThat(r).doesNotContainKey("row_id"));
    assertThat(rows.stream().filter(r -> "consensus".equals(r.get("label_source"))))
        .hasSize(30)
        .allSatisfy(
            r ->
                assertThat(r.get("y"))
                    .isEqualTo(((Number) r.get("x1")).doubleValue() > 0 ? "spam" : "ham"));
    assertThat(rows.stream().filter(r -> "original".equals(r.get("label_source")))).hasSize(100);

    // Ingestion answers with version 2 (a child of the request): labeling announces it.
    String requestId = io.trainyard.testing.EventLog.header(requests.get(0), "ce_id");
    Map<String, DatasetIngested.Split> splits =
        Map.of(
            "train",
            new DatasetIngested.Split(91),
            "validation",
            new DatasetIngested.Split(19),
            "test",
            new DatasetIngested.Split(20));
    DatasetIngested v2 =
        new DatasetIngested(
            pipeline,
            2,
            "b".repeat(64),
            "s3://trainyard/datasets/" + pipeline + "/v2/manifest.json",
            splits,
            List.of(new DatasetIngested.Column("x1", "number")),
            null);
    var envelope =
        io.trainyard.contracts.Envelope.root(
                Topic.DATASETS_INGEST_REQUESTED, requestId, Sources.LABELING, pipeline)
            .child(
                Topic.DATASETS_INGESTED, UUID.randomUUID().toString(), Sources.INGESTION, pipeline);
    TestEvents.send(
        TestTopics.of(Topic.DATASETS_INGESTED),
        pipeline,
        Json.writeBytes(v2),
        envelope.toHeaders());
    var labeled =
        io.trainyard.testing.EventLog.awaitAtLeast(
            TestTopics.of(Topic.DATASETS_LABELED), r -> pipeline.equals(r.key()), 1);
    JsonNode announced = Json.readTree(labeled.get(0).value());
    assertThat(announced.get("project").asText()).isEqualTo(id);
    assertThat(announced.get("parentVersion").asInt()).isEqualTo(1);
    assertThat(announced.get("version").asInt()).isEqualTo(2);
    assertThat(announced.get("labeled").asInt()).isEqualTo(30);
    assertThat(announced.at("/sources/consensus").asInt()).isEqualTo(30);
    assertThat(announced.at("/sources/original").asInt()).isEqualTo(100);
    assertThat(announced.at("/agreement/metric").asText()).isEqualTo("krippendorff_alpha");
    assertThat(announced.at("/agreement/value").asDouble()).isEqualTo(1.0);
    assertThat(announced.at("/agreement/figures/percent_agreement").asDouble()).isEqualTo(1.0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> project(pipeline).path("labeledVersion").asInt() == 2);
  }

  /**
   * A human review of a model version: a sample of its test-split predictions (written as
   * evaluation writes them) becomes a review project; a reviewer marks each right or wrong and
   * rates it; the figures go out on {@code trainyard.models.reviewed}.
   */
  @Test
  void aReviewOfAModelsPredictionsPublishesItsFigures() throws Exception {
    String pipeline = applySpec("labelreview", "{\"goldRate\": 0}");
    writeAndAnnounce(pipeline, 120, 0);
    // The model is right on even rows, wrong on odd ones.
    Path test =
        lastResult.splits().stream()
            .filter(s -> s.name().equals("test"))
            .findFirst()
            .orElseThrow()
            .file();
    List<Map<String, Object>> rows = io.trainyard.datasets.ParquetTables.readRows(test, 1000);
    long[] ids = new long[rows.size()];
    String[] actual = new String[rows.size()];
    String[] predicted = new String[rows.size()];
    double[] score = new double[rows.size()];
    Map<Long, Boolean> correct = new java.util.HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (Long) rows.get(i).get("row_id");
      actual[i] = (String) rows.get(i).get("y");
      boolean right = i % 2 == 0;
      predicted[i] = right ? actual[i] : (actual[i].equals("spam") ? "ham" : "spam");
      score[i] = predicted[i].equals("spam") ? 0.8 : 0.2;
      correct.put(ids[i], right);
    }
    Path file = Files.createTempFile("predictions-", ".parquet");
    io.trainyard.datasets.ParquetTables.writePredictions(file, ids, actual, predicted, score);
    try (var staged = store.stage(io.trainyard.objectstore.Layout.evaluation(pipeline, 1))) {
      staged.put("predictions.parquet", file, "application/vnd.apache.parquet");
      staged.commit(Map.of("kind", "evaluation", "version", 1, "datasetVersion", 1));
    }
    String reviews = "/api/v1/pipelines/" + pipeline + "/labeling/reviews";
    given()
        .header("Authorization", ops())
        .contentType("application/json")
        .body("{\"modelVersion\": 9}")
        .post(reviews)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    Response created =
        given()
            .header("Authorization", ops())
            .contentType("application/json")
            .body(
                "{\"modelVersion\": 1, \"sample\": 6, \"reviewersPerPrediction\": 1,"
                    + " \"rating\": {\"min\": 1, \"max\": 5}}")
            .post(reviews);
    created.then().statusCode(201);
    JsonNode project = Json.readTree(created.asByteArray());
    String id = project.get("id").asText();
    assertThat(id).isEqualTo(pipeline + "-m1-review-1");
    assertThat(project.get("kind").asText()).isEqualTo("review");
    assertThat(project.get("tasks").asInt()).isEqualTo(6);
    addAnnotator(id, "rita", false);

    int right = 0;
    for (int i = 0; i < 6; i++) {
      JsonNode task = Json.readTree(next(id, "rita").asByteArray());
      assertThat(task.at("/prediction/predicted").isTextual()).isTrue();
      assertThat(task.at("/prediction/score").isNumber()).isTrue();
      assertThat(task.at("/prediction/actual").isMissingNode()).isTrue();
      assertThat(task.at("/data/y").isMissingNode()).isTrue();
      assertThat(task.at("/rating/max").asDouble()).isEqualTo(5.0);
      long taskId = task.get("taskId").asLong();
      answer(id, taskId, "rita", "{\"label\": \"right\", \"rating\": 7}").then().statusCode(400);
      answer(id, taskId, "rita", "{\"label\": \"maybe\"}").then().statusCode(400);
      boolean isRight = correct.get(task.get("rowId").asLong());
      right += isRight ? 1 : 0;
      answer(
              id,
              taskId,
              "rita",
              "{\"label\": \""
                  + (isRight ? "right" : "wrong")
                  + "\", \"rating\": "
                  + (isRight ? 5 : 2)
                  + "}")
          .then()
          .statusCode(201);
    }
    var reviewed =
        io.trainyard.testing.EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_REVIEWED), r -> pipeline.equals(r.key()), 1);
    JsonNode figures = Json.readTree(reviewed.get(0).value());
    assertThat(figures.get("modelVersion").asInt()).isEqualTo(1);
    assertThat(figures.get("reviewId").asText()).isEqualTo(id);
    assertThat(figures.get("sampled").asInt()).isEqualTo(6);
    assertThat(figures.get("reviewed").asInt()).isEqualTo(6);
    assertThat(figures.get("right").asInt()).isEqualTo(right);
    assertThat(figures.get("wrong").asInt()).isEqualTo(6 - right);
    assertThat(figures.at("/rating/mean").asDouble())
        .isCloseTo(
            (5.0 * right + 2.0 * (6 - right)) / 6, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(figures.at("/rating/count").asInt()).isEqualTo(6);
    assertThat(figures.get("reviewers").asInt()).isEqualTo(1);
    assertThat(io.trainyard.contracts.Schemas.validate(Topic.MODELS_REVIEWED, figures)).isEmpty();
    assertThat(project(pipeline).get("status").asText()).isEqualTo("completed");
  }

  /**
   * Weak supervision: the spec's rules pre-label the tasks (their majority vote, and each rule's
   * vote, shown with the task), are reported per rule with Snorkel's coverage, overlap and conflict
   * and their accuracy on the gold tasks, and label the rows nobody labeled when the project
   * completes ({@code label_source} rule).
   */
  @Test
  void rulesPreLabelTasksAreReportedAndLabelWhatNobodyDid() throws Exception {
    String pipeline =
        applySpec(
            "labelrules",
            "{\"annotatorsPerItem\": 2, \"goldRate\": 0.2,"
                + " \"minAgreement\": {\"metric\": \"percent_agreement\", \"value\": 0.5},"
                + " \"rules\": ["
                + "{\"name\": \"high\", \"label\": \"spam\", \"when\": [{\"column\": \"x1\","
                + " \"op\": \"gt\", \"value\": 0.5}]},"
                + "{\"name\": \"low\", \"label\": \"ham\", \"when\": [{\"column\": \"x1\","
                + " \"op\": \"lt\", \"value\": -0.5}]},"
                + "{\"name\": \"noisy\", \"label\": \"spam\", \"when\": [{\"column\": \"x2\","
                + " \"op\": \"gt\", \"value\": 0.8}]}]}");
    writeAndAnnounce(pipeline, 100, 30);
    await().atMost(Duration.ofSeconds(60)).until(() -> project(pipeline) != null);
    String id = project(pipeline).get("id").asText();

    // The expected figures, from the unlabeled rows themselves.
    Path unlabeled =
        lastResult.splits().stream()
            .filter(x -> x.name().equals("unlabeled"))
            .findFirst()
            .orElseThrow()
            .file();
    List<Map<String, Object>> rows = io.trainyard.datasets.ParquetTables.readRows(unlabeled, 100);
    int high = 0;
    int low = 0;
    int noisy = 0;
    int noisyAndLow = 0;
    for (Map<String, Object> r : rows) {
      double x1 = ((Number) r.get("x1")).doubleValue();
      double x2 = ((Number) r.get("x2")).doubleValue();
      high += x1 > 0.5 ? 1 : 0;
      low += x1 < -0.5 ? 1 : 0;
      noisy += x2 > 0.8 ? 1 : 0;
      noisyAndLow += x2 > 0.8 && x1 < -0.5 ? 1 : 0;
    }
    JsonNode figures =
        Json.readTree(
            given()
                .header("Authorization", ops())
                .get("/api/v1/labeling/projects/" + id + "/rules")
                .asByteArray());
    var e = org.assertj.core.data.Offset.offset(1e-12);
    assertThat(figures.get("tasks").asInt()).isEqualTo(30);
    assertThat(figures.at("/rules/0/name").asText()).isEqualTo("high");
    assertThat(figures.at("/rules/0/coverage").asDouble()).isCloseTo(high / 30.0, e);
    assertThat(figures.at("/rules/1/coverage").asDouble()).isCloseTo(low / 30.0, e);
    assertThat(figures.at("/rules/2/coverage").asDouble()).isCloseTo(noisy / 30.0, e);
    // low and noisy give different labels wherever both hold; high never meets low
    assertThat(figures.at("/rules/1/conflict").asDouble()).isCloseTo(noisyAndLow / 30.0, e);
    assertThat(figures.at("/rules/0/conflict").asDouble()).isCloseTo(0.0, e);
    assertThat(figures.at("/conflict").asDouble()).isCloseTo(noisyAndLow / 30.0, e);
    // on gold (labeled, spam when x1 > 0) the x1 rules are always right
    if (figures.at("/rules/0/goldLabeled").asInt() > 0) {
      assertThat(figures.at("/rules/0/goldAccuracy").asDouble()).isEqualTo(1.0);
    }
    if (figures.at("/rules/1/goldLabeled").asInt() > 0) {
      assertThat(figures.at("/rules/1/goldAccuracy").asDouble()).isEqualTo(1.0);
    }

    // Rules set through the API replace the spec's for this project, all or nothing.
    String rules = "/api/v1/labeling/projects/" + id + "/rules";
    Response refused =
        given()
            .header("Authorization", ops())
            .contentType("application/json")
            .body(
                "[{\"name\": \"a\", \"label\": \"eggs\", \"when\": [{\"column\": \"x1\","
                    + " \"op\": \"gt\", \"value\": 0}]}, {\"name\": \"b\", \"label\": \"ham\","
                    + " \"when\": [{\"column\": \"nope\", \"op\": \"is_null\"}]}]")
            .put(rules);
    refused.then().statusCode(400).contentType("application/problem+json");
    assertThat(refused.asString()).contains("'eggs'").contains("'nope'");
    JsonNode replaced =
        Json.readTree(
            given()
                .header("Authorization", ops())
                .contentType("application/json")
                .body(
                    "[{\"name\": \"positive\", \"label\": \"spam\", \"when\": [{\"column\":"
                        + " \"x1\", \"op\": \"gt\", \"value\": 0}]}]")
                .put(rules)
                .asByteArray());
    long positive = rows.stream().filter(r -> ((Number) r.get("x1")).doubleValue() > 0).count();
    assertThat(replaced.at("/rules/0/name").asText()).isEqualTo("positive");
    assertThat(replaced.at("/rules/0/coverage").asDouble()).isCloseTo(positive / 30.0, e);
    assertThat(replaced.get("preLabeled").asInt()).isEqualTo((int) positive);
    // back to the spec's rules for the rest of the test
    given()
        .header("Authorization", ops())
        .contentType("application/json")
        .body(Json.write(figuresRules(pipeline)))
        .put(rules)
        .then()
        .statusCode(200);

    addAnnotator(id, "alice", false);
    addAnnotator(id, "bob", false);
    JsonNode first = Json.readTree(next(id, "alice").asByteArray());
    assertThat(first.at("/preAnnotation/source").asText()).isEqualTo("rules");
    // alice and bob label the same few tasks alike, then ops close the project
    for (String who : List.of("alice", "bob")) {
      for (int i = 0; i < 6; i++) {
        JsonNode task =
            i == 0 && who.equals("alice") ? first : Json.readTree(next(id, who).asByteArray());
        answerTruly(id, task, who);
      }
    }
    List<Map<String, Object>> labeled = closeAndHandOver(pipeline, id);
    List<Map<String, Object>> byRule =
        labeled.stream().filter(r -> "rule".equals(r.get("label_source"))).toList();
    assertThat(byRule).isNotEmpty();
    assertThat(byRule)
        .allSatisfy(
            r -> {
              double x1 = ((Number) r.get("x1")).doubleValue();
              if (x1 > 0.5) {
                assertThat(r.get("y")).isEqualTo("spam");
              } else if (x1 < -0.5) {
                assertThat(r.get("y")).isEqualTo("ham"); // where low and noisy tie, no rule label
              } else {
                assertThat(r.get("y")).isEqualTo("spam"); // only noisy speaks
              }
            });
  }

  /**
   * Model-assisted labeling: once the pipeline has a champion, its tasks show the champion's label
   * and confidence and come most uncertain first; at completion, rows nobody labeled whose champion
   * confidence reaches pseudoLabelThreshold get the champion's label ({@code pseudo}).
   */
  @Test
  void aChampionPreAnnotatesOrdersByUncertaintyAndPseudoLabels() throws Exception {
    String pipeline =
        applySpec(
            "labelassist",
            "{\"annotatorsPerItem\": 2, \"goldRate\": 0, \"uncertainty\": \"margin\","
                + " \"pseudoLabelThreshold\": 0.9,"
                + " \"minAgreement\": {\"metric\": \"percent_agreement\", \"value\": 0.5}}");
    writeAndAnnounce(pipeline, 300, 30);
    await().atMost(Duration.ofSeconds(60)).until(() -> project(pipeline) != null);
    String id = project(pipeline).get("id").asText();

    // A champion trained on the labeled rows (spam when x1 > 0), as training writes it.
    List<String> features = List.of("x1", "x2");
    Path train =
        lastResult.splits().stream()
            .filter(x -> x.name().equals("train"))
            .findFirst()
            .orElseThrow()
            .file();
    Path validation =
        lastResult.splits().stream()
            .filter(x -> x.name().equals("validation"))
            .findFirst()
            .orElseThrow()
            .file();
    var t = io.trainyard.datasets.ParquetTables.read(train, features, "y");
    var v = io.trainyard.datasets.ParquetTables.read(validation, features, "y");
    Path out = Files.createTempDirectory("champion-");
    new io.trainyard.models.training.MlpTrainer(
            io.trainyard.contracts.spec.PipelineSpecs.parse(
                    "{\"name\":\"x\",\"task\":\"binary-classification\",\"target\":\"y\","
                        + "\"training\":{\"epochs\":40,\"batchSize\":32,\"learningRate\":0.02}}")
                .withDefaults()
                .training())
        .train(
            new io.trainyard.models.training.TrainingData(
                features, t.x(), spam(t.labels()), v.x(), spam(v.labels())),
            "ham",
            "spam",
            out,
            epoch -> {},
            () -> false);
    try (var staged = store.stage(io.trainyard.objectstore.Layout.model(pipeline, 1))) {
      for (String f : io.trainyard.models.ModelBundle.files(out)) {
        staged.put(f, out.resolve(f), "application/octet-stream");
      }
      staged.commit(Map.of("kind", "model", "version", 1));
    }
    TestEvents.publish(
        TestTopics.of(Topic.MODELS_PROMOTED),
        Topic.MODELS_PROMOTED,
        UUID.randomUUID().toString(),
        Sources.EVALUATION,
        pipeline,
        new io.trainyard.contracts.events.ModelPromoted(
            pipeline, io.trainyard.contracts.events.Alias.CHAMPION, 1, null, "first", 1, null));

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> project(pipeline).path("assistedBy").asInt() == 1);
    addAnnotator(id, "alice", false);
    addAnnotator(id, "bob", false);
    // Most uncertain first: under margin, the least confident prediction first.
    double previous = -1;
    for (String who : List.of("alice", "bob")) {
      previous = -1;
      for (int i = 0; i < 5; i++) {
        JsonNode task = Json.readTree(next(id, who).asByteArray());
        double confidence = task.at("/model/confidence").asDouble();
        assertThat(task.at("/model/version").asInt()).isEqualTo(1);
        assertThat(task.at("/model/label").asText()).isIn("ham", "spam");
        assertThat(confidence).isGreaterThanOrEqualTo(previous).isBetween(0.5, 1.0);
        previous = confidence;
        answerTruly(id, task, who);
      }
    }
    List<Map<String, Object>> labeled = closeAndHandOver(pipeline, id);
    List<Map<String, Object>> pseudo =
        labeled.stream().filter(r -> "pseudo".equals(r.get("label_source"))).toList();
    assertThat(pseudo).isNotEmpty();
    assertThat(pseudo)
        .allSatisfy(
            r ->
                assertThat(r.get("y"))
                    .isEqualTo(((Number) r.get("x1")).doubleValue() > 0 ? "spam" : "ham"));
    assertThat(labeled.stream().filter(r -> "consensus".equals(r.get("label_source")))).hasSize(5);
  }

  private static int[] spam(String[] labels) {
    int[] y = new int[labels.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels[i].equals("spam") ? 1 : 0;
    }
    return y;
  }

  /**
   * Export and import: a project's tasks and answers go out as Label Studio tasks, CSV and JSON;
   * answers made in Label Studio come back in, all or nothing.
   */
  @Test
  void answersGoOutAndComeBackInLabelStudiosFormat() throws Exception {
    String pipeline = applySpec("labelexchange", "{\"annotatorsPerItem\": 2, \"goldRate\": 0}");
    writeAndAnnounce(pipeline, 100, 10);
    await().atMost(Duration.ofSeconds(60)).until(() -> project(pipeline) != null);
    String id = project(pipeline).get("id").asText();
    addAnnotator(id, "alice", false);
    addAnnotator(id, "bob", false);
    for (int i = 0; i < 3; i++) {
      JsonNode task = Json.readTree(next(id, "alice").asByteArray());
      answer(id, task.get("taskId").asLong(), "alice", "{\"label\": \"" + truth(task) + "\"}")
          .then()
          .statusCode(201);
    }
    String base = "/api/v1/labeling/projects/" + id;
    JsonNode ls =
        Json.readTree(
            given()
                .header("Authorization", ops())
                .get(base + "/export?format=label-studio")
                .asByteArray());
    assertThat(ls).hasSize(10);
    int withAnswers = 0;
    for (JsonNode task : ls) {
      assertThat(task.at("/data/row_id").isNumber()).isTrue();
      withAnswers += task.get("annotations").size();
    }
    assertThat(withAnswers).isEqualTo(3);

    // Bob labels every task in Label Studio; his export comes back in.
    var export = Json.mapper().createArrayNode();
    for (JsonNode task : ls) {
      var t = Json.mapper().createObjectNode();
      t.put("id", task.get("id").asLong());
      t.set("data", task.get("data"));
      String label = task.at("/data/x1").asDouble() > 0 ? "spam" : "ham";
      t.set(
          "annotations",
          Json.readTree(
              "[{\"completed_by\": {\"email\": \"bob\"}, \"was_cancelled\": false,"
                  + " \"result\": [{\"from_name\": \"label\", \"to_name\": \"row\","
                  + " \"type\": \"choices\", \"value\": {\"choices\": [\""
                  + label
                  + "\"]}}]}]"));
      export.add(t);
    }
    // A bad file: an unknown annotator and an unknown row; nothing is imported.
    var bad = export.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) bad.get(0).at("/annotations/0/completed_by"))
        .put("email", "zed");
    ((com.fasterxml.jackson.databind.node.ObjectNode) bad.get(1).get("data")).put("row_id", 999999);
    Response refused =
        given()
            .header("Authorization", ops())
            .contentType("application/json")
            .body(Json.write(bad))
            .post(base + "/import?format=label-studio");
    refused.then().statusCode(400).contentType("application/problem+json");
    assertThat(refused.asString()).contains("'zed' is not an annotator").contains("row_id 999999");
    assertThat(project(pipeline).get("answers").asInt()).isEqualTo(3);

    given()
        .header("Authorization", ops())
        .contentType("application/json")
        .body(Json.write(export))
        .post(base + "/import?format=label-studio")
        .then()
        .statusCode(200)
        .body("imported", org.hamcrest.Matchers.equalTo(10));
    assertThat(project(pipeline).get("answers").asInt()).isEqualTo(13);

    String csv = given().header("Authorization", ops()).get(base + "/export?format=csv").asString();
    List<String> lines = csv.lines().toList();
    assertThat(lines.get(0)).isEqualTo("row_id,x1,x2,consensus,label_source,annotations");
    assertThat(lines).hasSize(11);
    // each line lists its answers, "annotator:label"; alice answered 3 tasks, bob all 10
    assertThat(lines.stream().filter(l -> l.contains("alice:"))).hasSize(3);
    assertThat(lines.stream().skip(1).filter(l -> l.contains("bob:"))).hasSize(10);
    JsonNode json =
        Json.readTree(given().header("Authorization", ops()).get(base + "/export").asByteArray());
    assertThat(json).hasSize(10);
    assertThat(json.findValues("annotator").stream().filter(a -> a.asText().equals("bob")))
        .hasSize(10);
    // alice finishes; the two agree, so the project completes
    workThrough(id, "alice", t -> truth(t));
    assertThat(project(pipeline).get("status").asText()).isEqualTo("completed");
  }

  @io.quarkus.test.common.http.TestHTTPResource("/labeling/")
  java.net.URL page;

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /**
   * The annotator's page in a real browser: Debian's headless {@code chromium}, driven through its
   * {@code chromedriver} by Selenium (no driver is downloaded). An annotator signs in with their
   * token, sees a task's fields and the progress bar, labels it with a keyboard shortcut and skips
   * the next; the answers are in the project. {@code .ci/run} installs the browser and sets {@code
   * TRAINYARD_REQUIRE_BROWSER}; without it, a machine without the browser skips this test.
   */
  @Test
  void anAnnotatorLabelsATaskInTheBrowserWithAKeyAndSkipsOne() throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (System.getenv("TRAINYARD_REQUIRE_BROWSER") != null) {
      assertThat(present).as("chromium and chromedriver are installed").isTrue();
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(
        present, "chromium and chromedriver are not installed");
    String pipeline = applySpec("labelui", "{\"annotatorsPerItem\": 1, \"goldRate\": 0}");
    writeAndAnnounce(pipeline, 60, 3);
    await().atMost(Duration.ofSeconds(60)).until(() -> project(pipeline) != null);
    String id = project(pipeline).get("id").asText();
    addAnnotator(id, "uma", false);

    var options =
        new org.openqa.selenium.chrome.ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage");
    var service =
        new org.openqa.selenium.chrome.ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .build();
    org.openqa.selenium.WebDriver browser =
        new org.openqa.selenium.chrome.ChromeDriver(service, options);
    try {
      var wait = new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(20));
      browser.get(page + "?project=" + id);
      wait.until(
              org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(
                  org.openqa.selenium.By.id("token")))
          .sendKeys(TestTokens.token("uma", TTL, "annotator"));
      browser.findElement(org.openqa.selenium.By.id("sign-in-button")).click();
      wait.until(
          org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(
              org.openqa.selenium.By.id("task")));
      assertThat(browser.findElement(org.openqa.selenium.By.id("fields")).getText())
          .contains("x1")
          .contains("x2");
      assertThat(browser.findElement(org.openqa.selenium.By.id("progress-text")).getText())
          .isEqualTo("0 of 3 tasks labeled (0 %)");
      assertThat(
              browser
                  .findElements(org.openqa.selenium.By.cssSelector("#classes button"))
                  .get(0)
                  .getText())
          .endsWith("ham");

      new org.openqa.selenium.interactions.Actions(browser).sendKeys("1").perform(); // ham
      wait.until(
          org.openqa.selenium.support.ui.ExpectedConditions.textToBe(
              org.openqa.selenium.By.id("message"), "Saved: ham"));
      wait.until(
          org.openqa.selenium.support.ui.ExpectedConditions.textToBe(
              org.openqa.selenium.By.id("progress-text"), "1 of 3 tasks labeled (33 %)"));
      assertThat(
              browser
                  .findElement(org.openqa.selenium.By.id("progress"))
                  .getAttribute("aria-valuenow"))
          .isEqualTo("33");
      new org.openqa.selenium.interactions.Actions(browser).sendKeys("s").perform();
      wait.until(
          org.openqa.selenium.support.ui.ExpectedConditions.textToBe(
              org.openqa.selenium.By.id("message"), "Skipped."));
    } finally {
      browser.quit();
    }
    JsonNode uma =
        Json.readTree(
                given()
                    .header("Authorization", ops())
                    .get("/api/v1/labeling/projects/" + id + "/annotators")
                    .asByteArray())
            .get(0);
    assertThat(uma.get("annotator").asText()).isEqualTo("uma");
    assertThat(uma.get("labeled").asInt()).isEqualTo(1);
    assertThat(uma.get("skipped").asInt()).isEqualTo(1);
  }

  /** The spec's labeling rules of a pipeline. */
  List<io.trainyard.contracts.spec.PipelineSpec.Rule> figuresRules(String pipeline) {
    return catalog.find(pipeline).orElseThrow().spec().labeling().rules();
  }

  /** A budget of answers: the project completes when they are spent. */
  @Test
  void aProjectCompletesWhenItsBudgetIsSpent() throws Exception {
    String pipeline =
        applySpec("labelbudget", "{\"annotatorsPerItem\": 1, \"goldRate\": 0, \"budget\": 4}");
    writeAndAnnounce(pipeline, 60, 10);
    await().atMost(Duration.ofSeconds(60)).until(() -> project(pipeline) != null);
    String id = project(pipeline).get("id").asText();
    addAnnotator(id, "alice", false);
    assertThat(workThrough(id, "alice", t -> truth(t))).isEqualTo(4);
    JsonNode done = project(pipeline);
    assertThat(done.get("status").asText()).isEqualTo("completed");
    assertThat(done.get("outcome").asText())
        .isEqualTo("annotatorsPerItem is 1: agreement is not measured, so the gate does not apply");
    assertThat(done.get("labeledRows").asInt()).isEqualTo(4);
  }

  /** Labels a task as the data says. */
  static void answerTruly(String project, JsonNode task, String who) {
    answer(project, task.get("taskId").asLong(), who, "{\"label\": \"" + truth(task) + "\"}")
        .then()
        .statusCode(201);
  }

  /** Ops close the project, which passes its gate; the rows it handed to ingestion. */
  List<Map<String, Object>> closeAndHandOver(String pipeline, String project) throws Exception {
    given()
        .header("Authorization", ops())
        .post("/api/v1/labeling/projects/" + project + "/complete")
        .then()
        .statusCode(200)
        .body("status", org.hamcrest.Matchers.equalTo("completed"));
    return handedToIngestion(pipeline);
  }

  /** The rows of the table the pipeline's completed project handed to ingestion. */
  List<Map<String, Object>> handedToIngestion(String pipeline) throws Exception {
    var requests =
        io.trainyard.testing.EventLog.awaitAtLeast(
            TestTopics.of(Topic.DATASETS_INGEST_REQUESTED), r -> pipeline.equals(r.key()), 1);
    String uri = Json.readTree(requests.get(0).value()).get("objectUri").asText();
    Path table = Files.createTempFile("labeled-", ".parquet");
    try (var in = store.openUnverified(store.keyOf(uri))) {
      Files.copy(in, table, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return io.trainyard.datasets.ParquetTables.readRowsUnordered(table);
  }

  /** Labels tasks until none is left for {@code who} or the project closes; returns how many. */
  static int workThrough(
      String project, String who, java.util.function.Function<JsonNode, String> label) {
    int answered = 0;
    while (true) {
      Response r = next(project, who);
      if (r.statusCode() == 204 || r.statusCode() == 409) {
        return answered; // nothing left for them, or the project has closed
      }
      r.then().statusCode(200);
      JsonNode task = Json.readTree(r.asByteArray());
      answer(
              project,
              task.get("taskId").asLong(),
              who,
              "{\"label\": \"" + label.apply(task) + "\"}")
          .then()
          .statusCode(201);
      answered++;
      assertThat(answered).isLessThan(200);
    }
  }

  @Test
  void aVersionWithoutUnlabeledRowsMakesNoProjectAndTheApiSaysWhy() throws Exception {
    String pipeline = applySpec("labelnone", "{}");
    writeAndAnnounce(pipeline, 60, 0);
    given()
        .header("Authorization", ops())
        .contentType("application/json")
        .body("{\"datasetVersion\": 1}")
        .post("/api/v1/pipelines/" + pipeline + "/labeling/projects")
        .then()
        .statusCode(422)
        .contentType("application/problem+json");
    given()
        .header("Authorization", ops())
        .contentType("application/json")
        .body("{\"datasetVersion\": 7}")
        .post("/api/v1/pipelines/" + pipeline + "/labeling/projects")
        .then()
        .statusCode(422);
    assertThat(project(pipeline)).isNull();
  }
}
