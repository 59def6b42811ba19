package io.trainyard.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

/**
 * What every service must do from its first day, checked against the real stack: it starts, it is
 * ready only when Kafka, PostgreSQL and the object store answer, and it describes itself. Each
 * service runs this with a {@code @QuarkusTest} subclass that names it and declares
 * {@code @QuarkusTestResource(TrainyardStackResource.class)}.
 */
public abstract class ServiceConventionsTest {

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
        .when()
        .get("/api/v1/services/" + serviceName())
        .then()
        .statusCode(200)
        .body("name", equalTo(serviceName()))
        .body("ready", equalTo(true));
  }

  @Test
  void doesNotAnswerForAnotherService() {
    given().when().get("/api/v1/services/not-" + serviceName()).then().statusCode(404);
  }

  @Test
  void servesOpenApiAndMetrics() {
    given().when().get("/q/openapi").then().statusCode(200);
    given().when().get("/q/metrics").then().statusCode(200);
  }
}
