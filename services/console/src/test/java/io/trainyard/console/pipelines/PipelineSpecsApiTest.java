package io.trainyard.console.pipelines;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.console.FakeUpstreamResource;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestTokens;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
@QuarkusTestResource(FakeUpstreamResource.class)
class PipelineSpecsApiTest {
  private static final String TOPIC = TestTopics.of(Topic.PIPELINES);

  private static String yaml(String name, int epochs) {
    return """
        name: %s
        description: flag card transactions for manual review
        task: binary-classification
        target: is_fraud
        training: { epochs: %d, batchSize: 128 }
        evaluation: { primaryMetric: roc_auc, gates: [ { metric: roc_auc, min: 0.9 } ] }
        """
        .formatted(name, epochs);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void appliesASpecOnceAndPublishesItOnlyWhenItChanges() {
    String name = UniqueNames.of("spec");

    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/yaml")
        .body(bytes(yaml(name, 20)))
        .when()
        .put("/api/v1/pipelines/" + name)
        .then()
        .statusCode(201)
        .body("name", equalTo(name))
        .body("revision", equalTo(1))
        .body("spec.training.epochs", equalTo(20));
    await().atMost(Duration.ofSeconds(30)).until(() -> EventLog.withKey(TOPIC, name).size() == 1);
    var published = EventLog.withKey(TOPIC, name).get(0);
    assertThat(EventLog.header(published, "ce_type")).isEqualTo("io.trainyard.pipelines.v1");
    assertThat(EventLog.header(published, "ce_subject")).isEqualTo(name);
    assertThat(Json.readTree(published.value()).path("training").path("epochs").asInt())
        .isEqualTo(20);

    // The same spec again, even as JSON: nothing changes, nothing is published.
    String json = Json.write(Json.readTree(new String(published.value())));
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/json")
        .body(json)
        .when()
        .put("/api/v1/pipelines/" + name)
        .then()
        .statusCode(200)
        .header("Trainyard-Changed", "false")
        .body("revision", equalTo(1));

    // A change is a new revision and a second event.
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/yaml")
        .body(bytes(yaml(name, 30)))
        .when()
        .put("/api/v1/pipelines/" + name)
        .then()
        .statusCode(200)
        .header("Trainyard-Changed", "true")
        .body("revision", equalTo(2));
    await().atMost(Duration.ofSeconds(30)).until(() -> EventLog.withKey(TOPIC, name).size() == 2);
    var events = EventLog.withKey(TOPIC, name);
    assertThat(EventLog.header(events.get(0), "ce_id"))
        .isNotEqualTo(EventLog.header(events.get(1), "ce_id"));
    // Still exactly two after the unchanged re-apply had every chance to publish.
    assertThat(events).hasSize(2);

    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .when()
        .get("/api/v1/pipelines/" + name)
        .then()
        .statusCode(200)
        .body("revision", equalTo(2))
        .body("spec.training.epochs", equalTo(30));
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .when()
        .get("/api/v1/pipelines")
        .then()
        .statusCode(200)
        .body("name", hasItem(name));
  }

  @Test
  void rejectsAnInvalidSpecWithEveryReasonAndPublishesNothing() {
    String name = UniqueNames.of("bad");
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/yaml")
        .body(
            bytes(
                """
                name: %s
                task: clustering
                training: { epochs: -1 }
                """
                    .formatted(name)))
        .when()
        .put("/api/v1/pipelines/" + name)
        .then()
        .statusCode(400)
        .contentType(startsWith("application/problem+json"))
        .body("status", equalTo(400))
        .body("errors.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(3))
        .body(
            "errors.message",
            hasItems(
                org.hamcrest.Matchers.containsString("target"),
                org.hamcrest.Matchers.containsString("task"),
                org.hamcrest.Matchers.containsString("epochs")));
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .when()
        .get("/api/v1/pipelines/" + name)
        .then()
        .statusCode(404);
    assertThat(EventLog.withKey(TOPIC, name)).isEmpty();
  }

  @Test
  void onlyOpsMayApplyASpec() {
    String name = UniqueNames.of("roles");
    given()
        .contentType("application/yaml")
        .body(bytes(yaml(name, 5)))
        .when()
        .put("/api/v1/pipelines/" + name)
        .then()
        .statusCode(401);
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .contentType("application/yaml")
        .body(bytes(yaml(name, 5)))
        .when()
        .put("/api/v1/pipelines/" + name)
        .then()
        .statusCode(403)
        .contentType(startsWith("application/problem+json"));
    assertThat(EventLog.withKey(TOPIC, name)).isEmpty();
  }

  @Test
  void rejectsASpecWhoseNameDiffersFromThePath() {
    String name = UniqueNames.of("path");
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/yaml")
        .body(bytes(yaml(name + "-other", 5)))
        .when()
        .put("/api/v1/pipelines/" + name)
        .then()
        .statusCode(400)
        .contentType(startsWith("application/problem+json"));
  }
}
