package io.trainyard.training.runs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.trainyard.contracts.Json;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.SseClient;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestTokens;
import io.trainyard.testing.TrainyardStackResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/runs/{id}/progress} as server-sent events, read from real runs. */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class ProgressStreamTest {

  private static final Duration EVENT_WAIT = Duration.ofSeconds(60);

  @Inject ObjectStore store;
  @Inject ProgressStream streams;

  static URI progressUri(String runId) {
    return URI.create(
        "http://127.0.0.1:" + RestAssured.port + "/api/v1/runs/" + runId + "/progress");
  }

  static SseClient stream(String runId, String lastEventId) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Authorization", TestTokens.bearer("viewer"));
    if (lastEventId != null) {
      headers.put("Last-Event-ID", lastEventId);
    }
    return SseClient.get(progressUri(runId), headers);
  }

  /** Asserts {@code events} are progress events of epochs {@code from}, {@code from + 1}, ... */
  static void assertEpochsInOrder(List<SseClient.Event> events, int from) {
    for (int i = 0; i < events.size(); i++) {
      SseClient.Event event = events.get(i);
      assertThat(event.name()).isEqualTo(ProgressStream.PROGRESS);
      assertThat(event.id()).isEqualTo(Integer.toString(from + i));
      JsonNode data = Json.readTree(event.data());
      assertThat(data.get("epoch").asInt()).isEqualTo(from + i);
      assertThat(data.get("trainLoss").asDouble()).isPositive().isFinite();
      assertThat(data.get("learningRate").asDouble()).isPositive();
      assertThat(data.get("etaSeconds").isNumber()).isTrue();
    }
  }

  @Test
  void aLiveRunStreamsEachEpochAsItEndsThenEndedAndTheEnd() throws Exception {
    String pipeline =
        TestEvents.applyCardFraudSpec(
            "progress-live",
            "\"training\": {\"epochs\": 2000, \"batchSize\": 32, \"learningRate\": 0.001,"
                + " \"earlyStopping\": {\"enabled\": false}}");
    new TrainingRunsTest().writeDatasetWith(store, pipeline, 1, CardFraud.csv(3000, 5));
    String runId = UUID.randomUUID().toString();
    TrainingRunsTest.request(runId, pipeline, 1, UUID.randomUUID().toString());
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> TrainingRunsTest.run(runId).statusCode() == 200);

    try (SseClient sse = stream(runId, null)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.isEventStream()).isTrue();
      assertThat(sse.header("Cache-Control")).contains("no-cache");
      SseClient.Event opening = sse.next(Duration.ofSeconds(10)).orElseThrow();
      assertThat(opening.comment()).startsWith("run " + runId + " ");

      // Three epochs arrive while the run goes on: it ends only when we cancel it below.
      List<SseClient.Event> live = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        live.add(sse.nextEvent(EVENT_WAIT).orElseThrow());
      }
      assertEpochsInOrder(live, 1);
      assertThat(TrainingRunsTest.ended(runId)).isFalse();

      RunCancellationTest.cancel(runId, "enough epochs seen");
      List<SseClient.Event> rest = sse.eventsToEnd(EVENT_WAIT);
      SseClient.Event ended = rest.get(rest.size() - 1);
      assertEpochsInOrder(rest.subList(0, rest.size() - 1), 4);
      assertThat(ended.name()).isEqualTo(ProgressStream.ENDED);
      assertThat(ended.id()).isEqualTo(ProgressStream.ENDED);
      JsonNode end = Json.readTree(ended.data());
      assertThat(end.get("runId").asText()).isEqualTo(runId);
      assertThat(end.get("status").asText()).isEqualTo("cancelled");
      assertThat(end.get("reason").asText()).startsWith("enough epochs seen (stopped in epoch");
      assertThat(end.get("modelVersion").isNull()).isTrue();
      assertThat(sse.next(Duration.ofSeconds(5))).isEmpty(); // the end of the stream

      // Every epoch the run recorded was streamed, once.
      int recorded = TrainingRunsTest.run(runId).jsonPath().getList("epochs").size();
      assertThat(live.size() + rest.size() - 1).isEqualTo(recorded);
    }
  }

  @Test
  void anEndedRunReplaysAtOnceAndLastEventIdResumes() throws Exception {
    String pipeline = TrainingRunsTest.applySpec("progress-replay");
    new TrainingRunsTest().writeDatasetWith(store, pipeline, 1, CardFraud.csv(1500, 11));
    String runId = UUID.randomUUID().toString();
    TrainingRunsTest.request(runId, pipeline, 1, UUID.randomUUID().toString());
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> TrainingRunsTest.ended(runId));
    var run = TrainingRunsTest.run(runId).jsonPath();
    assertThat(run.getString("state")).isEqualTo("succeeded");
    List<Map<String, Object>> recorded = run.getList("epochs");
    assertThat(recorded.size()).isGreaterThanOrEqualTo(3);

    List<SseClient.Event> all;
    try (SseClient sse = stream(runId, null)) {
      all = sse.eventsToEnd(Duration.ofSeconds(10));
    }
    assertThat(all).hasSize(recorded.size() + 1);
    assertEpochsInOrder(all.subList(0, recorded.size()), 1);
    JsonNode view = Json.readTree(TrainingRunsTest.run(runId).asByteArray());
    for (int i = 0; i < recorded.size(); i++) {
      // The data is the runs API's epoch view.
      assertThat(Json.readTree(all.get(i).data())).isEqualTo(view.get("epochs").get(i));
    }
    JsonNode end = Json.readTree(all.get(recorded.size()).data());
    assertThat(all.get(recorded.size()).name()).isEqualTo(ProgressStream.ENDED);
    assertThat(end.get("status").asText()).isEqualTo("succeeded");
    assertThat(end.get("pipeline").asText()).isEqualTo(pipeline);
    assertThat(end.get("modelVersion").asInt()).isEqualTo(run.getInt("modelVersion"));
    assertThat(end.get("bestEpoch").asInt()).isEqualTo(run.getInt("bestEpoch"));
    assertThat(end.get("reason").asText()).isEqualTo(run.getString("statusReason"));

    // A client that saw epoch 2 gets the epochs after it, then ended.
    try (SseClient sse = stream(runId, "2")) {
      List<SseClient.Event> missed = sse.eventsToEnd(Duration.ofSeconds(10));
      assertThat(missed).hasSize(recorded.size() - 2 + 1);
      assertEpochsInOrder(missed.subList(0, missed.size() - 1), 3);
      assertThat(missed.get(missed.size() - 1).name()).isEqualTo(ProgressStream.ENDED);
    }
    // One that saw the end gets 204: an EventSource stops reconnecting.
    try (SseClient sse = stream(runId, ProgressStream.ENDED)) {
      assertThat(sse.status()).isEqualTo(204);
    }
    // One that saw every epoch gets ended alone.
    try (SseClient sse = stream(runId, Integer.toString(recorded.size()))) {
      List<SseClient.Event> missed = sse.eventsToEnd(Duration.ofSeconds(10));
      assertThat(missed).extracting(SseClient.Event::name).containsExactly(ProgressStream.ENDED);
    }
    // An id this stream never sends is a 400 problem.
    try (SseClient sse = stream(runId, "epoch-two")) {
      assertThat(sse.status()).isEqualTo(400);
      assertThat(sse.header("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
      assertThat(Json.readTree(sse.body()).get("detail").asText()).contains("Last-Event-ID");
    }

    // The JSON variant: the same, at once.
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .accept("application/json")
        .get("/api/v1/runs/" + runId + "/progress")
        .then()
        .statusCode(200)
        .contentType(startsWith("application/json"))
        .body("state", equalTo("succeeded"))
        .body("epochs.size()", equalTo(recorded.size()))
        .body("epochs[0].epoch", equalTo(1))
        .body("ended.status", equalTo("succeeded"))
        .body("ended.modelVersion", equalTo(run.getInt("modelVersion")));
    // A client that accepts anything (curl, say) gets the JSON too.
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .accept("*/*")
        .get("/api/v1/runs/" + runId + "/progress")
        .then()
        .statusCode(200)
        .contentType(startsWith("application/json"))
        .body("epochs.size()", equalTo(recorded.size()));
  }

  @Test
  void aWaitingRunGetsKeepAlivesAndPollingStopsWhenTheClientLeaves() {
    int before = streams.open();
    // No spec ever reaches training for this pipeline: the run waits, queued, with no epochs.
    String runId = UUID.randomUUID().toString();
    TrainingRunsTest.request(
        runId, "progress-nospec-" + UUID.randomUUID(), 1, UUID.randomUUID().toString());
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> TrainingRunsTest.run(runId).statusCode() == 200);

    try (SseClient sse = stream(runId, null)) {
      assertThat(sse.status()).isEqualTo(200);
      SseClient.Event opening = sse.next(Duration.ofSeconds(5)).orElseThrow();
      assertThat(opening.comment()).startsWith("run " + runId);
      // %test keep-alive is 1 s.
      assertThat(sse.next(Duration.ofSeconds(5)).orElseThrow().comment()).isEqualTo("keep-alive");
      assertThat(sse.next(Duration.ofSeconds(5)).orElseThrow().comment()).isEqualTo("keep-alive");
      assertThat(streams.open()).isEqualTo(before + 1);
    }
    // The client left: the subscription is cancelled and nothing polls for it any more.
    await().atMost(Duration.ofSeconds(10)).until(() -> streams.open() == before);
    RunCancellationTest.cancel(runId, "test over");
  }

  @Test
  void anUnknownRunIsA404ProblemBeforeAnyEvent() {
    try (SseClient sse = stream("no-such-run-" + UUID.randomUUID(), null)) {
      assertThat(sse.status()).isEqualTo(404);
      assertThat(sse.isEventStream()).isFalse();
      assertThat(sse.header("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
      JsonNode problem = Json.readTree(sse.body());
      assertThat(problem.get("status").asInt()).isEqualTo(404);
      assertThat(problem.get("detail").asText()).startsWith("No run with id no-such-run-");
    }
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .accept("application/json")
        .get("/api/v1/runs/no-such-run/progress")
        .then()
        .statusCode(404)
        .contentType(startsWith("application/problem+json"));
  }
}
