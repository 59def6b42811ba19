package io.trainyard.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
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
