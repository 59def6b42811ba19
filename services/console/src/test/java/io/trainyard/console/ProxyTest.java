package io.trainyard.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.trainyard.testing.SseClient;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
@QuarkusTestResource(FakeUpstreamResource.class)
class ProxyTest {

  @Test
  void forwardsMethodPathQueryHeadersAndBodyToTheOwnerAndStreamsTheAnswerBack() {
    String pipeline = UniqueNames.of("proxy");
    String csv = "a,b,label\n1,2,0\n3,4,1\n";
    given()
        .header("Authorization", "Bearer abc.def.ghi")
        .contentType("text/csv")
        .body(csv)
        .when()
        .post("/api/v1/pipelines/" + pipeline + "/datasets?dryRun=true")
        .then()
        .statusCode(207)
        .header("X-Upstream", equalTo("fake"))
        .contentType(startsWith("application/json"))
        .body("echo", equalTo(csv.length()));

    FakeUpstream.Seen seen =
        FakeUpstreamResource.upstream.seen.stream()
            .filter(s -> s.pathAndQuery().contains(pipeline))
            .findFirst()
            .orElseThrow();
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.pathAndQuery())
        .isEqualTo("/api/v1/pipelines/" + pipeline + "/datasets?dryRun=true");
    assertThat(seen.authorization()).isEqualTo("Bearer abc.def.ghi");
    assertThat(seen.body()).isEqualTo(csv);
  }

  @Test
  void passesAnEventStreamThroughEventByEventAndToItsEnd() {
    String runId = UniqueNames.of("stream");
    CountDownLatch hold =
        FakeUpstreamResource.upstream.holds.computeIfAbsent(runId, id -> new CountDownLatch(1));
    try (SseClient sse = SseClient.get(progressUri(runId), Map.of("Authorization", "Bearer t"))) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.isEventStream()).isTrue();
      assertThat(sse.header("X-Upstream")).contains("fake");
      // The upstream holds the rest back: the first event must get through on its own.
      SseClient.Event first = sse.nextEvent(Duration.ofSeconds(10)).orElseThrow();
      assertThat(first.id()).isEqualTo("1");
      assertThat(first.name()).isEqualTo("progress");
      assertThat(first.data()).isEqualTo("{\"epoch\":1}");
      assertThat(hold.getCount()).isEqualTo(1);

      hold.countDown();
      List<SseClient.Event> rest = sse.eventsToEnd(Duration.ofSeconds(10));
      assertThat(rest).extracting(SseClient.Event::id).containsExactly("2", "ended");
      assertThat(rest.get(1).name()).isEqualTo("ended");
    }
    FakeUpstream.Seen seen =
        FakeUpstreamResource.upstream.seen.stream()
            .filter(s -> s.pathAndQuery().contains(runId))
            .findFirst()
            .orElseThrow();
    assertThat(seen.authorization()).isEqualTo("Bearer t");
  }

  @Test
  void closesTheUpstreamStreamWhenTheCallerLeaves() throws Exception {
    String runId = UniqueNames.of("leave");
    CompletableFuture<String> gone =
        FakeUpstreamResource.upstream.callerGone.computeIfAbsent(
            runId, id -> new CompletableFuture<>());
    try (SseClient sse = SseClient.get(progressUri(runId), Map.of())) {
      assertThat(sse.nextEvent(Duration.ofSeconds(10)).orElseThrow().id()).isEqualTo("1");
      assertThat(sse.next(Duration.ofSeconds(5)).orElseThrow().comment()).isEqualTo("keep-alive");
    }
    // The console notices when the upstream next sends something, closes its upstream connection,
    // and the upstream's next write fails.
    assertThat(gone.get(15, TimeUnit.SECONDS)).isNotBlank();
  }

  static URI progressUri(String runId) {
    return URI.create(
        "http://127.0.0.1:" + RestAssured.port + "/api/v1/runs/" + runId + "/progress");
  }

  @Test
  void answersProblemWhenNoServiceOwnsThePath() {
    given()
        .when()
        .get("/api/v1/nowhere/" + UniqueNames.of("x"))
        .then()
        .statusCode(404)
        .contentType(startsWith("application/problem+json"))
        .body("status", equalTo(404));
  }

  @Test
  void answersBadGatewayProblemWhenTheOwnerDoesNotAnswer() {
    given()
        .when()
        .get("/api/v1/pipelines/" + UniqueNames.of("p") + "/drift")
        .then()
        .statusCode(502)
        .contentType(startsWith("application/problem+json"))
        .body("status", equalTo(502))
        .body("detail", startsWith("drift-monitor is not reachable"));
  }
}
