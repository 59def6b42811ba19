package io.trainyard.evaluation.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Sources;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.Alias;
import io.trainyard.contracts.events.AliasRequested;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Ops' alias moves over the real stack: two versions are evaluated as in {@link EvaluationFlowTest}
 * (v1 becomes champion, v2 fails its gate), then {@code models.alias-requested} moves the champion
 * to v2 (a rollback to a version ops trust), and the test follows the alias, {@code
 * models.promoted}, the history and the {@code at} query.
 */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class AliasMovesTest {

  @Inject ObjectStore store;

  /** EvaluationFlowTest's writers of datasets and models, on this test's object store. */
  EvaluationFlowTest writers() {
    EvaluationFlowTest flow = new EvaluationFlowTest();
    flow.store = store;
    return flow;
  }

  static void requestAlias(AliasRequested request, String eventId) {
    TestEvents.publish(
        TestTopics.of(Topic.MODELS_ALIAS_REQUESTED),
        Topic.MODELS_ALIAS_REQUESTED,
        eventId,
        Sources.CONSOLE,
        request.pipeline(),
        request);
  }

  static JsonNode json(String path) {
    return Json.readTree(EvaluationFlowTest.get(path).asByteArray());
  }

  @Test
  void opsMoveTheChampionWithHistoryAndARedeliveryChangesNothing() throws Exception {
    String pipeline =
        EvaluationFlowTest.applySpec("alias", "{\"gates\":[{\"metric\":\"roc_auc\",\"min\":0.7}]}");
    EvaluationFlowTest flow = writers();
    Path splits = flow.writeDataset(pipeline);
    flow.writeModel(pipeline, 1, splits, false);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                EvaluationFlowTest.get("/api/v1/pipelines/" + pipeline + "/models/champion")
                        .statusCode()
                    == 200);
    flow.writeModel(pipeline, 2, splits, true);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                EvaluationFlowTest.get("/api/v1/pipelines/" + pipeline + "/models/2").statusCode()
                    == 200);
    String history = "/api/v1/pipelines/" + pipeline + "/aliases/champion/history";
    // The automatic promotion of v1 is the first move.
    JsonNode before = json(history);
    assertThat(before).hasSize(1);
    assertThat(before.get(0).get("version").asInt()).isEqualTo(1);
    assertThat(before.get(0).get("previous").isNull()).isTrue();
    assertThat(before.get(0).get("reason").asText())
        .isEqualTo("the first model to pass every gate");
    Instant firstMove = Instant.parse(before.get(0).get("movedAt").asText());

    String eventId = UUID.randomUUID().toString();
    requestAlias(
        new AliasRequested(pipeline, Alias.CHAMPION, 2, "rollback after incident", "alice"),
        eventId);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                json("/api/v1/pipelines/" + pipeline + "/models/champion").path("version").asInt()
                    == 2);
    assertThat(json("/api/v1/pipelines/" + pipeline + "/models/2").get("aliases").get(0).asText())
        .isEqualTo("champion");

    var promoted =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_PROMOTED), r -> pipeline.equals(r.key()), 2);
    assertThat(promoted).hasSize(2);
    JsonNode move = Json.readTree(promoted.get(1).value());
    assertThat(move.get("alias").asText()).isEqualTo("champion");
    assertThat(move.get("version").asInt()).isEqualTo(2);
    assertThat(move.get("previous").asInt()).isEqualTo(1);
    assertThat(move.get("reason").asText()).isEqualTo("rollback after incident");
    assertThat(move.get("datasetVersion").asInt()).isEqualTo(1);
    assertThat(EventLog.header(promoted.get(1), "ce_causationid")).isEqualTo(eventId);

    JsonNode moves = json(history);
    assertThat(moves).hasSize(2);
    assertThat(moves.get(1).get("version").asInt()).isEqualTo(2);
    assertThat(moves.get(1).get("previous").asInt()).isEqualTo(1);
    assertThat(moves.get(1).get("reason").asText()).isEqualTo("rollback after incident");
    assertThat(moves.get(1).get("requestedBy").asText()).isEqualTo("alice");
    Instant secondMove = Instant.parse(moves.get(1).get("movedAt").asText());
    assertThat(secondMove).isAfterOrEqualTo(firstMove);

    // Which version held the alias at an instant, and why.
    String at = "/api/v1/pipelines/" + pipeline + "/aliases/champion?at=";
    JsonNode then = json(at + firstMove);
    assertThat(then.get("version").asInt()).isEqualTo(1);
    assertThat(then.get("reason").asText()).isEqualTo("the first model to pass every gate");
    JsonNode now = json(at + Instant.now().plusSeconds(1));
    assertThat(now.get("version").asInt()).isEqualTo(2);
    assertThat(now.get("reason").asText()).isEqualTo("rollback after incident");
    assertThat(json("/api/v1/pipelines/" + pipeline + "/aliases/champion").get("version").asInt())
        .isEqualTo(2);
    EvaluationFlowTest.get(at + firstMove.minusSeconds(3600))
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    EvaluationFlowTest.get(at + "yesterday")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    EvaluationFlowTest.get("/api/v1/pipelines/" + pipeline + "/aliases/production/history")
        .then()
        .statusCode(400);

    // The same request delivered again: no second move, no second promotion.
    var original =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.MODELS_ALIAS_REQUESTED), r -> pipeline.equals(r.key()), 1);
    TestEvents.send(
        TestTopics.of(Topic.MODELS_ALIAS_REQUESTED),
        original.get(0).key(),
        original.get(0).value(),
        headers(original.get(0)));
    assertThat(
            EventLog.awaitAtLeast(
                TestTopics.of(Topic.MODELS_PROMOTED),
                r -> pipeline.equals(r.key()),
                3,
                Duration.ofSeconds(8),
                Duration.ZERO))
        .hasSize(2);
    assertThat(json(history)).hasSize(2);

    // A version evaluation never evaluated: dead-lettered with the reason, the alias stays.
    requestAlias(
        new AliasRequested(pipeline, Alias.CHAMPION, 9, "typo", "alice"),
        UUID.randomUUID().toString());
    var dead =
        EventLog.awaitAtLeast(
            TestTopics.dlqOf(Topic.MODELS_ALIAS_REQUESTED), r -> pipeline.equals(r.key()), 1);
    assertThat(dead).hasSize(1);
    assertThat(EventLog.header(dead.get(0), "trainyard_dlq_reason"))
        .isEqualTo(
            "poison: model version 9 of pipeline '"
                + pipeline
                + "' is not evaluated: champion can only point at an evaluated version");
    assertThat(json(history)).hasSize(2);
    assertThat(json("/api/v1/pipelines/" + pipeline + "/models/champion").get("version").asInt())
        .isEqualTo(2);
  }

  private static Map<String, byte[]> headers(ConsumerRecord<String, byte[]> record) {
    Map<String, byte[]> headers = new LinkedHashMap<>();
    record.headers().forEach(h -> headers.put(h.key(), h.value()));
    return headers;
  }
}
