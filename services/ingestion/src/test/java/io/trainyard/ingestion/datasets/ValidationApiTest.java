package io.trainyard.ingestion.datasets;

import static io.trainyard.ingestion.datasets.DatasetsApiTest.applySpec;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.get;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.ValidationReport;
import io.trainyard.datasets.Validator;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class ValidationApiTest {

  @Inject ObjectStore store;

  @Test
  void aCardFraudUploadPassesWithTheClassSharesAsInfo() throws Exception {
    String name = applySpec("valid", "\"training\": {\"auto\": false}");
    String csv = CardFraud.csv(1000, 7);
    Response created = post(name, csv);
    created.then().statusCode(201);
    JsonNode body = Json.readTree(created.asByteArray());
    assertThat(body.at("/validation/passed").asBoolean()).isTrue();
    assertThat(body.at("/validation/errors").asInt()).isZero();
    String validationUri = body.get("validationUri").asText();
    assertThat(validationUri).endsWith("/datasets/" + name + "/v1/validation.json");

    Response answer = get("/api/v1/pipelines/" + name + "/datasets/1/validation");
    answer.then().statusCode(200).contentType("application/json");
    JsonNode report = Json.readTree(answer.asByteArray());
    assertThat(report.get("passed").asBoolean()).isTrue();
    assertThat(body.at("/validation/warnings").asInt())
        .isEqualTo(count(report, "severity", "warning"));
    JsonNode imbalance = anomaly(report, Validator.CLASS_IMBALANCE);
    long ones = csv.lines().skip(1).filter(line -> line.endsWith(",1")).count();
    assertThat(imbalance.get("severity").asText()).isEqualTo("info");
    assertThat(imbalance.get("column").asText()).isEqualTo(CardFraud.TARGET);
    assertThat(imbalance.get("value").asDouble()).isEqualTo(ones / 1000.0).isGreaterThan(0.05);
    assertThat(codes(report)).doesNotContain(Validator.TARGET_LEAKAGE, Validator.SINGLE_CLASS);

    // validation.json is part of the version: listed and hashed in the manifest
    Manifest manifest = store.manifest(Layout.dataset(name, 1)).orElseThrow();
    store.verify(manifest);
    ValidationReport read = DatasetVersions.readValidation(store, manifest).orElseThrow();
    assertThat(Json.readTree(read.toJson())).isEqualTo(report);
    get("/api/v1/pipelines/" + name + "/datasets/1")
        .then()
        .statusCode(200)
        .body("validationUri", equalTo(validationUri))
        .body("validation.passed", equalTo(true));
  }

  @Test
  void aColumnLeakingTheTargetIsA422WithTheReportAndCreatesNoVersion() throws Exception {
    String name = applySpec("leak", "");
    StringBuilder csv = new StringBuilder();
    for (String line : CardFraud.csv(600, 21).split("\n")) {
      String last = line.substring(line.lastIndexOf(',') + 1);
      csv.append(line).append(',').append(last.equals("fraud") ? "fraud_copy" : last);
      csv.append('\n');
    }
    Response rejected = post(name, csv.toString());
    rejected.then().statusCode(422).contentType("application/problem+json");
    JsonNode problem = Json.readTree(rejected.asByteArray());
    assertThat(problem.get("type").asText()).isEqualTo(DatasetRejectedException.TYPE);
    assertThat(problem.get("status").asInt()).isEqualTo(422);
    assertThat(problem.get("detail").asText()).contains("fraud_copy");
    assertThat(problem.get("errors")).hasSize(1);
    assertThat(problem.at("/errors/0/field").asText()).isEqualTo("fraud_copy");
    assertThat(problem.at("/errors/0/message").asText()).startsWith("target_leakage: ");
    JsonNode report = problem.get("validation");
    assertThat(report.get("passed").asBoolean()).isFalse();
    JsonNode leak = anomaly(report, Validator.TARGET_LEAKAGE);
    assertThat(leak.get("severity").asText()).isEqualTo("error");
    assertThat(leak.get("column").asText()).isEqualTo("fraud_copy");
    assertThat(codes(report)).contains(Validator.CLASS_IMBALANCE); // the full report

    // nothing written, recorded or announced
    assertThat(store.manifest(Layout.dataset(name, 1))).isEmpty();
    get("/api/v1/pipelines/" + name + "/datasets")
        .then()
        .statusCode(200)
        .body("size()", equalTo(0));
    get("/api/v1/pipelines/" + name + "/datasets/1/validation").then().statusCode(404);
    // a clean upload afterwards is version 1, and only it is announced
    post(name, CardFraud.csv(600, 21)).then().statusCode(201).body("version", equalTo(1));
    var ingested =
        EventLog.awaitAtLeast(TestTopics.of(Topic.DATASETS_INGESTED), r -> name.equals(r.key()), 1);
    assertThat(ingested).hasSize(1);
  }

  @Test
  void theValidationOfAnUnknownVersionIsA404() {
    String name = applySpec("novalidation", "\"training\": {\"auto\": false}");
    get("/api/v1/pipelines/" + name + "/datasets/3/validation")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    get("/api/v1/pipelines/" + name + "/datasets/x/validation").then().statusCode(400);
  }

  private static JsonNode anomaly(JsonNode report, String code) {
    for (JsonNode a : report.get("anomalies")) {
      if (a.get("code").asText().equals(code)) {
        return a;
      }
    }
    throw new AssertionError("no " + code + " in " + report);
  }

  private static List<String> codes(JsonNode report) {
    List<String> codes = new ArrayList<>();
    report.get("anomalies").forEach(a -> codes.add(a.get("code").asText()));
    return codes;
  }

  private static int count(JsonNode report, String field, String value) {
    int n = 0;
    for (JsonNode a : report.get("anomalies")) {
      if (a.get(field).asText().equals(value)) {
        n++;
      }
    }
    return n;
  }
}
