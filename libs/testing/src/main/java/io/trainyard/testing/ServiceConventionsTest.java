package io.trainyard.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

/**
 * What every service must do from its first day, checked against the real stack: it starts, it is
 * ready only when Kafka, PostgreSQL and the object store answer, it describes itself to a {@code
 * viewer}, it answers errors as RFC 7807 problems, and {@code /q/*} needs no token. Each service
 * runs this with a {@code @QuarkusTest} subclass that names it and declares
 * {@code @QuarkusTestResource(TrainyardStackResource.class)} (which turns auth on with a test key;
 * see {@link TestTokens}).
 */
public abstract class ServiceConventionsTest {

  /** The media type of problem responses. */
  protected static final String PROBLEM_JSON = "application/problem+json";

  /** The service's name, as in {@code trainyard.service.name}. */
  protected abstract String serviceName();

  @Test
  void isReadyWhenKafkaDatabaseAndObjectStoreAnswer() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItems("Kafka connection health check", "object-store"))
        .body("checks.find { it.name.contains('Database') }.status", equalTo("UP"))
        .body("checks.find { it.name == 'object-store' }.status", equalTo("UP"));
  }

  @Test
  void describesItself() {
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .when()
        .get("/api/v1/services/" + serviceName())
        .then()
        .statusCode(200)
        .body("name", equalTo(serviceName()))
        .body("ready", equalTo(true));
  }

  @Test
  void describesItselfOnlyToAnAuthenticatedCaller() {
    String path = "/api/v1/services/" + serviceName();
    given()
        .when()
        .get(path)
        .then()
        .statusCode(401)
        .contentType(PROBLEM_JSON)
        .header("WWW-Authenticate", startsWith("Bearer"))
        .body("status", equalTo(401))
        .body("title", equalTo("Unauthorized"))
        .body("instance", equalTo(path));
    given()
        .header("Authorization", "Bearer " + TestTokens.expired("viewer"))
        .when()
        .get(path)
        .then()
        .statusCode(401)
        .contentType(PROBLEM_JSON);
  }

  @Test
  void doesNotAnswerForAnotherService() {
    String path = "/api/v1/services/not-" + serviceName();
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .when()
        .get(path)
        .then()
        .statusCode(404)
        .contentType(PROBLEM_JSON)
        .body("type", equalTo("about:blank"))
        .body("title", equalTo("Not Found"))
        .body("status", equalTo(404))
        .body("detail", containsString(serviceName()))
        .body("instance", equalTo(path));
  }

  @Test
  void answersAnUnknownRouteWithAProblem() {
    String path = "/api/v1/no-such-route-" + serviceName();
    given()
        .when()
        .get(path)
        .then()
        .statusCode(404)
        .contentType(PROBLEM_JSON)
        .body("status", equalTo(404))
        .body("instance", equalTo(path));
  }

  @Test
  void servesHealthOpenApiAndMetricsWithoutAToken() {
    given().when().get("/q/openapi").then().statusCode(200);
    given().when().get("/q/metrics").then().statusCode(200);
    // Even a bad token does not matter there: /q/* never authenticates.
    given()
        .header("Authorization", "Bearer not-a-jwt")
        .when()
        .get("/q/health/live")
        .then()
        .statusCode(200)
        .contentType(not(PROBLEM_JSON));
  }
}
