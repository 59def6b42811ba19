package io.trainyard.labeling;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.testing.TestTokens;
import io.trainyard.testing.TrainyardStackResource;
import org.junit.jupiter.api.Test;

/** JWT bearer auth on the real stack: 401 and 403 are problems, roles imply as documented. */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class AuthTest {
  private static final String PROBLEM = "application/problem+json";
  private static final String OPS = "/api/v1/test-probe/ops";

  @Test
  void withoutATokenIs401ProblemWithABearerChallenge() {
    given()
        .when()
        .get(OPS)
        .then()
        .statusCode(401)
        .contentType(PROBLEM)
        .header("WWW-Authenticate", startsWith("Bearer"))
        .body("type", equalTo("about:blank"))
        .body("title", equalTo("Unauthorized"))
        .body("status", equalTo(401))
        .body("detail", containsString("bearer token"))
        .body("instance", equalTo(OPS));
  }

  @Test
  void theWrongRoleIs403Problem() {
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .when()
        .get(OPS)
        .then()
        .statusCode(403)
        .contentType(PROBLEM)
        .body("title", equalTo("Forbidden"))
        .body("status", equalTo(403))
        .body("detail", containsString("needs one of: ops"))
        .body("instance", equalTo(OPS));
    given()
        .header("Authorization", TestTokens.bearer("annotator"))
        .when()
        .get(OPS)
        .then()
        .statusCode(403)
        .contentType(PROBLEM);
  }

  @Test
  void theRightRolePasses() {
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .when()
        .get(OPS)
        .then()
        .statusCode(200)
        .body("ok", equalTo("ops"));
  }

  @Test
  void adminPassesEveryRole() {
    for (String path :
        new String[] {OPS, "/api/v1/test-probe/viewer", "/api/v1/test-probe/admin"}) {
      given()
          .header("Authorization", TestTokens.bearer("admin"))
          .when()
          .get(path)
          .then()
          .statusCode(200);
    }
  }

  @Test
  void opsAndAnnotatorsMayReadButOnlyAdminIsAdmin() {
    for (String role : new String[] {"ops", "annotator", "viewer"}) {
      given()
          .header("Authorization", TestTokens.bearer(role))
          .when()
          .get("/api/v1/test-probe/viewer")
          .then()
          .statusCode(200);
      given()
          .header("Authorization", TestTokens.bearer(role))
          .when()
          .get("/api/v1/test-probe/admin")
          .then()
          .statusCode(403);
    }
  }

  @Test
  void anExpiredTokenIs401() {
    given()
        .header("Authorization", "Bearer " + TestTokens.expired("ops"))
        .when()
        .get(OPS)
        .then()
        .statusCode(401)
        .contentType(PROBLEM)
        .header("WWW-Authenticate", containsString("invalid_token"))
        .body("status", equalTo(401))
        .body("instance", equalTo(OPS));
  }

  @Test
  void aTokenSignedByAnotherKeyIs401() {
    given()
        .header("Authorization", "Bearer " + TestTokens.signedByAnotherKey("ops"))
        .when()
        .get(OPS)
        .then()
        .statusCode(401)
        .contentType(PROBLEM);
  }

  @Test
  void aTokenFromAnotherIssuerOrGarbageIs401() {
    given()
        .header("Authorization", "Bearer " + TestTokens.fromAnotherIssuer("ops"))
        .when()
        .get(OPS)
        .then()
        .statusCode(401)
        .contentType(PROBLEM);
    given()
        .header("Authorization", "Bearer not.a.jwt")
        .when()
        .get(OPS)
        .then()
        .statusCode(401)
        .contentType(PROBLEM);
  }

  @Test
  void serviceInfoNeedsViewer() {
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .when()
        .get("/api/v1/services/labeling")
        .then()
        .statusCode(200)
        .body("name", equalTo("labeling"));
    given().when().get("/api/v1/services/labeling").then().statusCode(401).contentType(PROBLEM);
  }
}
