package io.trainyard.console.commands;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trainyard.console.FakeUpstreamResource;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestTokens;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The run commands: train now and cancel, published as events on the real stack. */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
@QuarkusTestResource(FakeUpstreamResource.class)
class RunCommandsTest {

  static String applySpec() {
    String name = UniqueNames.of("cmd");
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/yaml")
        .body(
            ("name: %s\ntask: binary-classification\ntarget: is_fraud\n")
                .formatted(name)
                .getBytes(StandardCharsets.UTF_8))
        .put("/api/v1/pipelines/" + name)
        .then()
        .statusCode(201);
    return name;
  }

  static Response train(String pipeline, String body, String idempotencyKey) {
    var request =
        given()
            .header("Authorization", TestTokens.bearer("ops"))
            .contentType("application/json")
            .body(body);
    if (idempotencyKey != null) {
      request = request.header("Idempotency-Key", idempotencyKey);
    }
    return request.post("/api/v1/pipelines/" + pipeline + "/runs");
  }

  static List<ConsumerRecord<String, byte[]>> requestsOf(String pipeline, int atLeast) {
    return EventLog.awaitAtLeast(
        TestTopics.of(Topic.TRAINING_REQUESTED),
        r -> Json.readTree(r.value()).path("pipeline").asText().equals(pipeline),
        atLeast);
  }

  @Test
  void trainNowPublishesAManualTrainingRequest() {
    String name = applySpec();
    Response accepted = train(name, "{\"datasetVersion\": 3, \"reason\": \"new features\"}", null);
    accepted.then().statusCode(202);
    String runId = accepted.jsonPath().getString("runId");
    assertThat(accepted.header("Location")).isEqualTo("/api/v1/runs/" + runId);

    var published = requestsOf(name, 1);
    assertThat(published).hasSize(1);
    ConsumerRecord<String, byte[]> record = published.get(0);
    assertThat(record.key()).isEqualTo(runId);
    assertThat(EventLog.header(record, "ce_id"))
        .isEqualTo(accepted.jsonPath().getString("commandId"));
    JsonNode request = Json.readTree(record.value());
    assertThat(request.get("runId").asText()).isEqualTo(runId);
    assertThat(request.get("datasetVersion").asInt()).isEqualTo(3);
    assertThat(request.get("trigger").asText()).isEqualTo("manual");
    assertThat(request.get("reason").asText()).isEqualTo("new features");

    // The same Idempotency-Key twice: the same run id (training runs it once).
    String first =
        train(name, "{\"datasetVersion\": 4}", "nightly-42")
            .then()
            .statusCode(202)
            .extract()
            .path("runId");
    String again =
        train(name, "{\"datasetVersion\": 4}", "nightly-42")
            .then()
            .statusCode(202)
            .extract()
            .path("runId");
    assertThat(again).isEqualTo(first).isNotEqualTo(runId);
    // The second request with the key was answered from the first: one record for the run. Records
    // of different runs sit on different partitions, so their order is not defined: pick the
    // idempotent run's record by its key.
    var both = requestsOf(name, 2);
    assertThat(both).hasSize(2);
    var idempotent = both.stream().filter(r -> first.equals(r.key())).toList();
    assertThat(idempotent).hasSize(1);
    assertThat(Json.readTree(idempotent.get(0).value()).get("reason").asText())
        .contains("requested through the console by");
  }

  @Test
  void badTrainRequestsAreProblems() {
    String name = applySpec();
    train(name, "{}", null)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("datasetVersion is required"));
    train(name, "{\"datasetVersion\": 0}", null).then().statusCode(400);
    train(name, "{\"datasetVersion\": 1, \"parentModel\": -1}", null).then().statusCode(400);
    train(name, "{\"datasetVersion\": 1}", "has space")
        .then()
        .statusCode(400)
        .body("detail", containsString("Idempotency-Key"));
    train(UniqueNames.of("nospec"), "{\"datasetVersion\": 1}", null)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .contentType("application/json")
        .body("{\"datasetVersion\": 1}")
        .post("/api/v1/pipelines/" + name + "/runs")
        .then()
        .statusCode(403);
  }

  @Test
  void cancelPublishesACancelRequestKeyedByRun() {
    String runId = UniqueNames.of("run");
    Response accepted =
        given()
            .header("Authorization", TestTokens.bearer("ops"))
            .contentType("application/json")
            .body("{\"reason\": \"wrong dataset\"}")
            .post("/api/v1/runs/" + runId + "/cancel");
    accepted.then().statusCode(202).body("runId", equalTo(runId));
    var published =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.TRAINING_CANCEL_REQUESTED), r -> runId.equals(r.key()), 1);
    JsonNode cancel = Json.readTree(published.get(0).value());
    assertThat(cancel.get("reason").asText()).isEqualTo("wrong dataset");
    assertThat(cancel.get("requestedBy").asText()).isNotBlank();
    assertThat(EventLog.header(published.get(0), "ce_id"))
        .isEqualTo(accepted.jsonPath().getString("commandId"));

    // Without a body: a default reason naming who asked.
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .post("/api/v1/runs/" + runId + "/cancel")
        .then()
        .statusCode(202);
    var both =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.TRAINING_CANCEL_REQUESTED), r -> runId.equals(r.key()), 2);
    assertThat(Json.readTree(both.get(1).value()).get("reason").asText())
        .startsWith("cancelled through the console by");

    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .post("/api/v1/runs/-bad/cancel")
        .then()
        .statusCode(400)
        .body("detail", containsString("not a run id"));
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/json")
        .body("not json")
        .post("/api/v1/runs/" + runId + "/cancel")
        .then()
        .statusCode(400);
  }
}
