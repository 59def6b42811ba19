package io.trainyard.ingestion.datasets;

import static io.restassured.RestAssured.given;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.applySpec;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.get;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Sources;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngestRequested;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestTokens;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Challenge sets: versions evaluation scores models on and training never reads. */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class ChallengeSetTest {

  @Inject ObjectStore store;

  static Response postChallenge(String pipeline, String challengeSet, String csv) {
    return given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("text/csv")
        .queryParam("challengeSet", challengeSet)
        .body(csv.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/pipelines/" + pipeline + "/datasets");
  }

  static List<Integer> versions(String query) {
    Response list = get(query);
    list.then().statusCode(200);
    return list.jsonPath().getList("version");
  }

  static boolean trainingRequestedFor(String pipeline, int version) {
    return !EventLog.matching(
            TestTopics.of(Topic.TRAINING_REQUESTED),
            r -> {
              JsonNode run = Json.readTree(r.value());
              return run.path("pipeline").asText().equals(pipeline)
                  && run.path("datasetVersion").asInt() == version;
            })
        .isEmpty();
  }

  @Test
  void aChallengeSetIsAllTestNeverTrainedOnAndListedApart() throws Exception {
    String name = applySpec("challenge", "");
    post(name, CardFraud.csv(600, 21)).then().statusCode(201).body("version", equalTo(1));

    String hard = CardFraud.csv(200, 22);
    Response created = postChallenge(name, "hard-cases", hard);
    created.then().statusCode(201).body("version", equalTo(2));
    JsonNode body = Json.readTree(created.asByteArray());
    assertThat(body.get("challengeSet").asText()).isEqualTo("hard-cases");
    long rows = 200 - body.get("duplicatesDropped").asLong();
    assertThat(body.at("/splits/test/rows").asLong()).isEqualTo(rows);
    assertThat(body.at("/splits/train/rows").asLong()).isZero();
    assertThat(body.at("/splits/validation/rows").asLong()).isZero();
    assertThat(body.at("/splits/unlabeled").isMissingNode()).isTrue();
    Manifest manifest = store.manifest(Layout.dataset(name, 2)).orElseThrow();
    assertThat(manifest.metadata().get(DatasetService.CHALLENGE_SET).asText())
        .isEqualTo("hard-cases");

    // The same table under the same set: the same version; as a training version: a new one.
    postChallenge(name, "hard-cases", hard).then().statusCode(200).body("version", equalTo(2));
    Response asTraining = post(name, hard);
    asTraining.then().statusCode(201).body("version", equalTo(3));
    assertThat(asTraining.jsonPath().getString("contentHash"))
        .isNotEqualTo(body.get("contentHash").asText());
    assertThat(asTraining.jsonPath().getString("challengeSet")).isNull();

    var ingested =
        EventLog.awaitAtLeast(TestTopics.of(Topic.DATASETS_INGESTED), r -> name.equals(r.key()), 3);
    JsonNode announced = Json.readTree(ingested.get(1).value());
    assertThat(announced.get("version").asInt()).isEqualTo(2);
    assertThat(announced.get("challengeSet").asText()).isEqualTo("hard-cases");
    assertThat(Json.readTree(ingested.get(2).value()).has("challengeSet")).isFalse();
    // Versions 1 and 3 request training (in publication order, after version 2's turn): 2 never.
    EventLog.awaitAtLeast(
        TestTopics.of(Topic.TRAINING_REQUESTED),
        r ->
            Json.readTree(r.value()).path("pipeline").asText().equals(name)
                && Json.readTree(r.value()).path("datasetVersion").asInt() == 3,
        1);
    assertThat(trainingRequestedFor(name, 1)).isTrue();
    assertThat(trainingRequestedFor(name, 2)).isFalse();

    // Version 3 is compared with the training version before it, not the challenge set.
    get("/api/v1/pipelines/" + name + "/datasets/3/diff")
        .then()
        .statusCode(200)
        .body("from", equalTo(1));
    String datasets = "/api/v1/pipelines/" + name + "/datasets";
    assertThat(versions(datasets)).containsExactly(1, 2, 3);
    assertThat(versions(datasets + "?challengeSet=hard-cases")).containsExactly(2);
    assertThat(versions(datasets + "?challengeSet=other")).isEmpty();
    assertThat(versions(datasets + "?challengeSets=false")).containsExactly(1, 3);
    get(datasets + "?challengeSets=maybe")
        .then()
        .statusCode(400)
        .body("detail", containsString("true or false"));
  }

  @Test
  void aChallengeSetNeedsALabelOnEveryRowAndAValidName() {
    String name = applySpec("challenge-bad", "");
    List<String> lines = new ArrayList<>(CardFraud.csv(100, 23).lines().toList());
    String row = lines.get(5);
    lines.set(5, row.substring(0, row.lastIndexOf(',') + 1)); // no label
    Response unlabeled = postChallenge(name, "hard-cases", String.join("\n", lines) + "\n");
    unlabeled
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("1 rows have no value in column 'fraud'"));
    // The same rows are fine as a training version: the unlabeled row waits for labeling.
    post(name, String.join("\n", lines) + "\n")
        .then()
        .statusCode(201)
        .body("splits.unlabeled.rows", equalTo(1));

    postChallenge(name, "Hard_Cases", CardFraud.csv(100, 24))
        .then()
        .statusCode(400)
        .body("detail", containsString("not a challenge-set name"));
    assertThat(versions("/api/v1/pipelines/" + name + "/datasets")).containsExactly(1);
  }

  @Test
  void anIngestRequestCanNameAChallengeSet() {
    String name = applySpec("challenge-request", "");
    List<Map<String, Object>> rows =
        io.trainyard.ingestion.requests.IngestRequestsTest.rows(150, 25);
    TestEvents.publish(
        TestTopics.of(Topic.DATASETS_INGEST_REQUESTED),
        Topic.DATASETS_INGEST_REQUESTED,
        UUID.randomUUID().toString(),
        Sources.INGESTION,
        name,
        new DatasetIngestRequested(
            name, null, rows, null, null, null, "curated hard cases", "night-shift"));
    var ingested =
        EventLog.awaitAtLeast(TestTopics.of(Topic.DATASETS_INGESTED), r -> name.equals(r.key()), 1);
    JsonNode announced = Json.readTree(ingested.get(0).value());
    assertThat(announced.get("challengeSet").asText()).isEqualTo("night-shift");
    assertThat(announced.at("/splits/test/rows").asLong()).isPositive();
    assertThat(announced.at("/splits/train/rows").asLong()).isZero();
    get("/api/v1/pipelines/" + name + "/datasets/1")
        .then()
        .statusCode(200)
        .body("challengeSet", equalTo("night-shift"));
  }
}
