package io.trainyard.ingestion.datasets;

import static io.trainyard.ingestion.datasets.DatasetsApiTest.applySpec;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.get;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.datasets.DatasetProfile;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class DatasetProfileTest {

  @Inject ObjectStore store;

  @Test
  void anUploadIsProfiledWholeAndPerSplit() throws Exception {
    String name = applySpec("profile", "\"training\": {\"auto\": false}");
    String csv = CardFraud.csv(1000, 7);
    Response created = post(name, csv);
    created.then().statusCode(201);
    JsonNode body = Json.readTree(created.asByteArray());
    assertThat(body.get("duplicatesDropped").asLong()).isZero();
    String profileUri = body.get("profileUri").asText();
    assertThat(profileUri).endsWith("/datasets/" + name + "/v1/profile.json");

    Response answer = get("/api/v1/pipelines/" + name + "/datasets/1/profile");
    answer.then().statusCode(200).contentType("application/json");
    JsonNode profile = Json.readTree(answer.asByteArray());

    // rows: the whole version and each split
    assertThat(profile.get("formatVersion").asInt()).isEqualTo(DatasetProfile.FORMAT_VERSION);
    assertThat(profile.get("rows").asLong()).isEqualTo(1000);
    List<String> splits = new ArrayList<>();
    profile.get("splits").fieldNames().forEachRemaining(splits::add);
    assertThat(splits).containsExactly("train", "validation", "test");
    for (String split : splits) {
      assertThat(profile.at("/splits/" + split + "/rows").asLong())
          .as(split)
          .isEqualTo(body.at("/splits/" + split + "/rows").asLong());
    }
    assertThat(profile.get("columns")).hasSize(10);

    // the target's mean is the share of frauds
    long ones = csv.lines().skip(1).filter(line -> line.endsWith(",1")).count();
    JsonNode fraud = column(profile.get("columns"), CardFraud.TARGET);
    assertThat(fraud.get("type").asText()).isEqualTo("integer");
    assertThat(fraud.get("count").asLong()).isEqualTo(1000);
    assertThat(fraud.get("missing").asLong()).isZero();
    assertThat(fraud.get("mean").asDouble()).isCloseTo(ones / 1000.0, within(1e-12));
    assertThat(topCount(fraud, "1")).isEqualTo(ones);
    long onesOverSplits = 0;
    for (String split : splits) {
      JsonNode f = column(profile.at("/splits/" + split + "/columns"), CardFraud.TARGET);
      long n = f.get("count").asLong();
      long splitOnes = topCount(f, "1");
      assertThat(f.get("mean").asDouble()).isCloseTo((double) splitOnes / n, within(1e-12));
      onesOverSplits += splitOnes;
    }
    assertThat(onesOverSplits).isEqualTo(ones);

    // every numeric column, in every profile: consistent counts, histograms and quantiles
    List<JsonNode> columnLists = new ArrayList<>();
    columnLists.add(profile.get("columns"));
    splits.forEach(split -> columnLists.add(profile.at("/splits/" + split + "/columns")));
    for (JsonNode columns : columnLists) {
      for (JsonNode column : columns) {
        String what = column.get("name").asText();
        long count = column.get("count").asLong();
        assertThat(count + column.get("missing").asLong()).as(what).isGreaterThan(0);
        if (column.get("histogram").isNull()) {
          continue;
        }
        long binned = 0;
        for (JsonNode c : column.at("/histogram/counts")) {
          binned += c.asLong();
        }
        assertThat(binned).as(what).isEqualTo(count);
        assertThat(column.at("/histogram/edges").size())
            .isEqualTo(column.at("/histogram/counts").size() + 1);
        List<Double> quantiles = new ArrayList<>();
        for (String p : List.of("p1", "p5", "p25", "p50", "p75", "p95", "p99")) {
          quantiles.add(column.at("/quantiles/" + p).asDouble());
        }
        assertThat(quantiles).as(what).isSorted();
        assertThat(quantiles.get(0)).isGreaterThanOrEqualTo(column.get("min").asDouble());
        assertThat(quantiles.get(6)).isLessThanOrEqualTo(column.get("max").asDouble());
      }
    }

    // the manifest covers profile.json, and it reads back as a DatasetProfile
    Manifest manifest = store.manifest(Layout.dataset(name, 1)).orElseThrow();
    store.verify(manifest);
    DatasetProfile read = DatasetVersions.readProfile(store, manifest).orElseThrow();
    assertThat(read.split("train").rows()).isEqualTo(body.at("/splits/train/rows").asLong());
    assertThat(Json.readTree(read.toJson())).isEqualTo(profile);

    // the event and the version point at that object
    var ingested =
        EventLog.awaitAtLeast(TestTopics.of(Topic.DATASETS_INGESTED), r -> name.equals(r.key()), 1);
    JsonNode event = Json.readTree(ingested.get(0).value());
    assertThat(event.get("profileUri").asText()).isEqualTo(profileUri);
    try (InputStream in = store.openUnverified(store.keyOf(profileUri))) {
      assertThat(Json.readTree(in.readAllBytes())).isEqualTo(profile);
    }
    get("/api/v1/pipelines/" + name + "/datasets/1")
        .then()
        .statusCode(200)
        .body("profileUri", org.hamcrest.Matchers.equalTo(profileUri));
  }

  @Test
  void theProfileOfAnUnknownVersionIsA404() {
    String name = applySpec("noprofile", "\"training\": {\"auto\": false}");
    get("/api/v1/pipelines/" + name + "/datasets/9/profile")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    get("/api/v1/pipelines/" + name + "/datasets/x/profile").then().statusCode(400);
  }

  private static JsonNode column(JsonNode columns, String name) {
    for (JsonNode column : columns) {
      if (column.get("name").asText().equals(name)) {
        return column;
      }
    }
    throw new AssertionError("no column " + name + " in " + columns);
  }

  private static long topCount(JsonNode column, String value) {
    for (JsonNode top : column.get("top")) {
      if (top.get("value").asText().equals(value)) {
        return top.get("count").asLong();
      }
    }
    return 0;
  }
}
