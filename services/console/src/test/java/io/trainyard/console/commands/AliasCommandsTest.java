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
import org.junit.jupiter.api.Test;

/** Ops move a model alias: published as {@code models.alias-requested} on the real stack. */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
@QuarkusTestResource(FakeUpstreamResource.class)
class AliasCommandsTest {

  static Response move(String pipeline, String alias, String body, String role) {
    var request =
        given().header("Authorization", TestTokens.bearer(role)).contentType("application/json");
    if (body != null) {
      request = request.body(body);
    }
    return request.post("/api/v1/pipelines/" + pipeline + "/aliases/" + alias);
  }

  @Test
  void moveAnAliasPublishesAnAliasRequest() {
    String name = RunCommandsTest.applySpec();
    Response accepted =
        move(name, "champion", "{\"version\": 3, \"reason\": \"rollback after incident\"}", "ops");
    accepted
        .then()
        .statusCode(202)
        .body("pipeline", equalTo(name))
        .body("alias", equalTo("champion"))
        .body("version", equalTo(3))
        .body("reason", equalTo("rollback after incident"));
    assertThat(accepted.header("Location"))
        .isEqualTo("/api/v1/pipelines/" + name + "/aliases/champion/history");

    var published =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_ALIAS_REQUESTED), r -> name.equals(r.key()), 1);
    assertThat(published).hasSize(1);
    assertThat(EventLog.header(published.get(0), "ce_id"))
        .isEqualTo(accepted.jsonPath().getString("commandId"));
    JsonNode request = Json.readTree(published.get(0).value());
    assertThat(request.get("pipeline").asText()).isEqualTo(name);
    assertThat(request.get("alias").asText()).isEqualTo("champion");
    assertThat(request.get("version").asInt()).isEqualTo(3);
    assertThat(request.get("reason").asText()).isEqualTo("rollback after incident");
    assertThat(request.get("requestedBy").asText()).isNotBlank();
  }

  @Test
  void badAliasRequestsAreProblems() {
    String name = RunCommandsTest.applySpec();
    move(name, "production", "{\"version\": 3, \"reason\": \"x\"}", "ops")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("champion or challenger"));
    move(name, "champion", "{\"reason\": \"x\"}", "ops")
        .then()
        .statusCode(400)
        .body("detail", containsString("version is required"));
    move(name, "champion", "{\"version\": 0, \"reason\": \"x\"}", "ops").then().statusCode(400);
    move(name, "champion", "{\"version\": 2, \"reason\": \" \"}", "ops")
        .then()
        .statusCode(400)
        .body("detail", containsString("reason is required"));
    move(name, "champion", null, "ops").then().statusCode(400);
    move(name, "champion", "not json", "ops")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    move(UniqueNames.of("nospec"), "champion", "{\"version\": 1, \"reason\": \"x\"}", "ops")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    move(name, "champion", "{\"version\": 1, \"reason\": \"x\"}", "viewer").then().statusCode(403);
    assertThat(
            EventLog.matching(
                TestTopics.of(Topic.MODELS_ALIAS_REQUESTED), r -> name.equals(r.key())))
        .isEmpty();
  }
}
