package io.trainyard.labeling;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.trainyard.testing.TestTokens;
import io.trainyard.testing.TrainyardStackResource;
import org.junit.jupiter.api.Test;

/** Every kind of error answers with an RFC 7807 problem (application/problem+json). */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class ProblemResponsesTest {
  private static final String PROBLEM = "application/problem+json";
  private static final String BATCHES = "/api/v1/test-probe/batches";

  @Test
  void anUnknownRouteIs404() {
    for (String path :
        new String[] {"/api/v1/nothing-here", "/nowhere", "/api/v1/test-probe/nope"}) {
      given()
          .header("Authorization", TestTokens.bearer("viewer"))
          .when()
          .get(path)
          .then()
          .statusCode(404)
          .contentType(PROBLEM)
          .body("type", equalTo("about:blank"))
          .body("title", equalTo("Not Found"))
          .body("status", equalTo(404))
          .body("instance", equalTo(path));
    }
  }

  @Test
  void malformedJsonIs400() {
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType(ContentType.JSON)
        .body("{\"label\": \"x\", \"items\": [")
        .when()
        .post(BATCHES)
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:trainyard:problem:malformed-body"))
        .body("status", equalTo(400))
        .body("detail", containsString("not valid JSON"))
        .body("instance", equalTo(BATCHES));
  }

  @Test
  void jsonOfTheWrongShapeIs400NamingTheField() {
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType(ContentType.JSON)
        .body("{\"label\": \"x\", \"items\": [{\"name\": \"a\", \"count\": \"many\"}]}")
        .when()
        .post(BATCHES)
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:trainyard:problem:malformed-body"))
        .body("errors", hasSize(1))
        .body("errors[0].field", equalTo("items[0].count"))
        .body("errors[0].pointer", equalTo("/items/0/count"))
        .body("errors[0].message", equalTo("must be an integer"))
        .body("detail", not(containsString("java.")));
  }

  @Test
  void aValidationErrorIs400WithEveryField() {
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType(ContentType.JSON)
        .body("{\"label\": \" \", \"items\": [{\"name\": \"a\", \"count\": 0}]}")
        .when()
        .post(BATCHES)
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:trainyard:problem:validation"))
        .body("title", equalTo("Invalid request"))
        .body("status", equalTo(400))
        .body("instance", equalTo(BATCHES))
        .body("errors", hasSize(2))
        .body("errors.field", hasItem("label"))
        .body("errors.field", hasItem("items[0].count"))
        .body("errors.pointer", hasItem("/items/0/count"))
        .body("errors.find { it.field == 'label' }.message", equalTo("must not be blank"));
  }

  @Test
  void aMissingBodyAndAnInvalidQueryParameterAre400Too() {
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType(ContentType.JSON)
        .when()
        .post(BATCHES)
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:trainyard:problem:validation"));
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .queryParam("size", 1000)
        .when()
        .get("/api/v1/test-probe/page")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("errors[0].field", equalTo("size"))
        .body("errors[0].pointer", nullValue());
  }

  @Test
  void anUnsupportedContentTypeIs415() {
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType(ContentType.TEXT)
        .body("label=x")
        .when()
        .post(BATCHES)
        .then()
        .statusCode(415)
        .contentType(PROBLEM)
        .body("title", equalTo("Unsupported Media Type"))
        .body("status", equalTo(415))
        .body("instance", equalTo(BATCHES));
  }

  @Test
  void aMethodNotAllowedIs405() {
    given()
        .header("Authorization", TestTokens.bearer("admin"))
        .when()
        .delete("/api/v1/services/labeling")
        .then()
        .statusCode(405)
        .contentType(PROBLEM)
        .body("title", equalTo("Method Not Allowed"))
        .body("status", equalTo(405))
        .body("instance", equalTo("/api/v1/services/labeling"));
  }

  @Test
  void anUnacceptableMediaTypeIs406() {
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .accept("text/csv")
        .when()
        .get("/api/v1/test-probe/viewer")
        .then()
        .statusCode(406)
        .contentType(PROBLEM)
        .body("status", equalTo(406));
  }

  @Test
  void anUnexpectedExceptionIs500WithAnErrorIdAndNoDetails() {
    String body =
        given()
            .header("Authorization", TestTokens.bearer("viewer"))
            .when()
            .get("/api/v1/test-probe/boom")
            .then()
            .statusCode(500)
            .contentType(PROBLEM)
            .body("type", equalTo("urn:trainyard:problem:internal-error"))
            .body("title", equalTo("Internal Server Error"))
            .body("status", equalTo(500))
            .body("instance", equalTo("/api/v1/test-probe/boom"))
            .body("errorId", matchesPattern("[0-9a-f-]{36}"))
            .extract()
            .asString();
    for (String leak :
        new String[] {"hunter2", "IllegalStateException", "ProbeResource", "\tat "}) {
      org.hamcrest.MatcherAssert.assertThat(body, not(containsString(leak)));
    }
  }

  @Test
  void anIllegalArgumentIs400WithItsMessage() {
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .when()
        .get("/api/v1/test-probe/bad-argument")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:trainyard:problem:invalid-argument"))
        .body("detail", equalTo("size must be a power of two"));
  }

  @Test
  void aProblemExceptionKeepsItsStatusTypeAndErrors() {
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .when()
        .get("/api/v1/test-probe/conflict")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:trainyard:problem:version-conflict"))
        .body("title", equalTo("Version conflict"))
        .body("detail", equalTo("Version 3 of card-fraud already exists"))
        .body("instance", equalTo("/api/v1/test-probe/conflict"))
        .body("errors[0].field", equalTo("version"));
  }

  @Test
  void anErrorResponseWithoutBodyGetsAProblemBody() {
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .when()
        .get("/api/v1/test-probe/empty-error")
        .then()
        .statusCode(410)
        .contentType(PROBLEM)
        .body("title", equalTo("Gone"))
        .body("instance", equalTo("/api/v1/test-probe/empty-error"));
  }
}
