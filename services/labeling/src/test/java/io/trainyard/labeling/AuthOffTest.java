package io.trainyard.labeling;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.trainyard.testing.TrainyardStackResource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With trainyard.auth.enabled=false (on loopback) every request is the local admin. */
@QuarkusTest
@TestProfile(AuthOffTest.AuthOff.class)
@QuarkusTestResource(TrainyardStackResource.class)
class AuthOffTest {

  public static class AuthOff implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("trainyard.auth.enabled", "false");
    }
  }

  @Test
  void requestsPassWithoutAToken() {
    given().when().get("/api/v1/test-probe/ops").then().statusCode(200).body("ok", equalTo("ops"));
    given().when().get("/api/v1/test-probe/admin").then().statusCode(200);
    given()
        .when()
        .get("/api/v1/services/labeling")
        .then()
        .statusCode(200)
        .body("name", equalTo("labeling"));
  }

  @Test
  void errorsAreStillProblems() {
    given()
        .when()
        .get("/api/v1/services/someone-else")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }
}
