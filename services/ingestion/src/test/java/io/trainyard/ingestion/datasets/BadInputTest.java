package io.trainyard.ingestion.datasets;

import static io.restassured.RestAssured.given;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.applySpec;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.get;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.minio.BucketExistsArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveBucketArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngestRequested;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestTokens;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Bad input of every kind (issue 6) over HTTP and Kafka: each gets a 4xx problem (RFC 7807) or a
 * dead letter with its reason, nothing partial stays in the store (no object under the pipeline's
 * {@code datasets/} or {@code raw/} prefix, no version listed), and the service goes on: a good
 * upload afterwards succeeds. Cases already covered elsewhere (a non-numeric feature, gzip, JSON
 * Lines and Parquet errors, 422 validation, unknown pipelines, a key with {@code ..} in a plain
 * notification) are not repeated.
 *
 * <p>Runs with a 3 MB body limit ({@link SmallBodyLimit}): large enough for a 1 MB cell, small
 * enough to send a body over it cheaply.
 */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
@TestProfile(BadInputTest.SmallBodyLimit.class)
class BadInputTest {

  /** The body limit of this test: 3 MiB instead of the production 2 GiB. */
  public static class SmallBodyLimit implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("trainyard.http.max-body-size", "3M");
    }
  }

  static final String PROBLEM = "application/problem+json";

  @Inject ObjectStore store;
  @Inject MinioClient client;

  // ---------------------------------------------------------------- helpers

  /** Every key under {@code prefix} (recursive), committed or not. */
  private List<String> keys(String prefix) throws Exception {
    List<String> keys = new ArrayList<>();
    for (Result<Item> r :
        client.listObjects(
            ListObjectsArgs.builder()
                .bucket(store.bucket())
                .prefix(prefix)
                .recursive(true)
                .build())) {
      keys.add(r.get().objectName());
    }
    return keys;
  }

  /** What a pipeline has in the store: its dataset objects and raw uploads. */
  private List<String> stored(String pipeline) throws Exception {
    List<String> keys = new ArrayList<>(keys("datasets/" + pipeline + "/"));
    keys.addAll(keys("raw/" + pipeline + "/"));
    return keys;
  }

  /** The pipeline still has exactly {@code versions} versions and nothing more in the store. */
  private void assertNothingNew(String pipeline, List<String> before, int versions)
      throws Exception {
    assertThat(stored(pipeline)).as("objects of %s", pipeline).isEqualTo(before);
    assertThat(store.listCommitted(Layout.datasets(pipeline))).hasSize(versions);
    get("/api/v1/pipelines/" + pipeline + "/datasets")
        .then()
        .statusCode(200)
        .body("size()", equalTo(versions));
  }

  /** The service goes on: a good upload is the next version. */
  private void assertAGoodUploadSucceeds(String pipeline, int version, long seed) {
    post(pipeline, CardFraud.csv(300, seed))
        .then()
        .statusCode(201)
        .body("version", equalTo(version));
  }

  private static Response postBytes(String pipeline, String contentType, byte[] body) {
    return given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType(contentType)
        .body(body)
        .post("/api/v1/pipelines/" + pipeline + "/datasets");
  }

  private static void assertProblem(Response response, int status, String detail) {
    response
        .then()
        .statusCode(status)
        .contentType(PROBLEM)
        .body("status", equalTo(status))
        .body("detail", containsString(detail));
  }

  // ---------------------------------------------------------------- HTTP

  @Test
  void malformedTablesAre400ProblemsAndWriteNothing() throws Exception {
    String name = applySpec("badcsv", "\"training\": {\"auto\": false}");
    List<String> before = stored(name);

    Map<String, byte[]> cases = new LinkedHashMap<>();
    cases.put("ragged", "amount,fraud\n1,0\n2,1,7\n3,0\n".getBytes(StandardCharsets.UTF_8));
    cases.put("broken quoting", "amount,fraud\n1,0\n\"2,1\n3,0\n".getBytes(StandardCharsets.UTF_8));
    byte[] latin1 = "amount,note,fraud\n1,caf\u00e9,0\n".getBytes(StandardCharsets.ISO_8859_1);
    cases.put("not UTF-8", latin1);
    cases.put("empty", new byte[0]);
    cases.put("header only", "amount,fraud\n".getBytes(StandardCharsets.UTF_8));
    Map<String, String> details =
        Map.of(
            "ragged", "not a readable CSV",
            "broken quoting", "not a readable CSV",
            "not UTF-8", "not valid UTF-8",
            "empty", "empty",
            "header only", "no data rows");

    for (Map.Entry<String, byte[]> c : cases.entrySet()) {
      Response response = postBytes(name, "text/csv", c.getValue());
      assertThat(response.statusCode())
          .as("%s: %s", c.getKey(), response.asString())
          .isEqualTo(400);
      assertProblem(response, 400, details.get(c.getKey()));
      assertNothingNew(name, before, 0);
    }
    assertAGoodUploadSucceeds(name, 1, 61);
  }

  @Test
  void tenThousandColumnsAndAOneMegabyteCellAre400Problems() throws Exception {
    String name = applySpec("wide", "\"training\": {\"auto\": false}");
    List<String> before = stored(name);

    StringBuilder wide = new StringBuilder();
    StringBuilder row = new StringBuilder();
    for (int c = 0; c < 9_999; c++) {
      wide.append('c').append(c).append(',');
      row.append(c).append(',');
    }
    wide.append("fraud\n").append(row).append("1\n");
    Response tooWide = post(name, wide.toString());
    assertProblem(tooWide, 400, "10000 columns");
    assertNothingNew(name, before, 0);

    String cell = "x".repeat(1 << 20);
    String csv = "amount,note,fraud\n1," + cell + ",0\n2,short,1\n";
    Response tooLong = post(name, csv);
    assertProblem(tooLong, 400, "note");
    assertThat(tooLong.jsonPath().getString("detail")).contains("1048576 bytes");
    assertNothingNew(name, before, 0);

    assertAGoodUploadSucceeds(name, 1, 62);
  }

  @Test
  void anUnknownContentTypeIsA415Problem() throws Exception {
    String name = applySpec("ctype", "\"training\": {\"auto\": false}");
    List<String> before = stored(name);
    for (String type : List.of("application/x-unknown", "application/json", "text/plain")) {
      Response response =
          postBytes(name, type, CardFraud.csv(50, 63).getBytes(StandardCharsets.UTF_8));
      response.then().statusCode(415).contentType(PROBLEM).body("status", equalTo(415));
    }
    assertNothingNew(name, before, 0);
    assertAGoodUploadSucceeds(name, 1, 63);
  }

  @Test
  void aBodyOverTheLimitIsA413ProblemAndTheServiceGoesOn() throws Exception {
    String name = applySpec("big", "\"training\": {\"auto\": false}");
    List<String> before = stored(name);
    // About 4 MB of valid CSV: over the 3 MB limit of this test.
    StringBuilder csv = new StringBuilder("amount,count,fraud\n");
    for (int i = 0; csv.length() < 4 << 20; i++) {
      csv.append(i).append(".25,").append(i % 97).append(',').append(i % 2).append('\n');
    }
    byte[] body = csv.toString().getBytes(StandardCharsets.UTF_8);

    // With a Content-Length
    Response declared = postBytes(name, "text/csv", body);
    assertThat(declared.statusCode()).as(declared.asString()).isEqualTo(413);
    declared.then().contentType(PROBLEM).body("status", equalTo(413));
    assertNothingNew(name, before, 0);

    assertThat(declared.jsonPath().getString("detail")).contains("over this service's limit");
    assertThat(declared.getHeader("Connection")).isEqualToIgnoringCase("close");

    // Streamed (chunked, no Content-Length): the limit is found while the body is read, and the
    // endpoint answers with the problem.
    Response streamed =
        given()
            .header("Authorization", TestTokens.bearer("ops"))
            .contentType("text/csv")
            .body((InputStream) new ByteArrayInputStream(body))
            .post("/api/v1/pipelines/" + name + "/datasets");
    assertThat(streamed.statusCode()).as(streamed.asString()).isEqualTo(413);
    streamed.then().contentType(PROBLEM).body("status", equalTo(413));
    assertThat(streamed.jsonPath().getString("detail"))
        .isEqualTo(
            "The body is over this service's limit of 3145728 bytes"
                + " (trainyard.http.max-body-size).");
    assertNothingNew(name, before, 0);

    // gzip that inflates past the limit (a small body, a large table) is refused the same way.
    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
    try (var gzip = new java.util.zip.GZIPOutputStream(zipped)) {
      gzip.write(body);
    }
    Response inflated =
        given()
            .header("Authorization", TestTokens.bearer("ops"))
            .header("Content-Encoding", "gzip")
            .contentType("text/csv")
            .body(zipped.toByteArray())
            .post("/api/v1/pipelines/" + name + "/datasets");
    assertThat(inflated.statusCode()).as(inflated.asString()).isEqualTo(413);
    inflated.then().contentType(PROBLEM).body("status", equalTo(413));
    assertNothingNew(name, before, 0);

    assertAGoodUploadSucceeds(name, 1, 64);
  }

  @Test
  void hostilePipelineNamesAreRefusedAndNothingIsWrittenOutsideThePrefix() throws Exception {
    String victim = applySpec("victim", "\"training\": {\"auto\": false}");
    List<String> before = stored(victim);
    String token = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    List<String> names =
        List.of(
            "..",
            "%2e%2e",
            "%2E%2E",
            "..%2F" + victim,
            "%2e%2e%2f" + victim,
            victim + "%2F..",
            "a%2F" + token,
            "a/" + token,
            "UPPER-" + token,
            victim.toUpperCase(Locale.ROOT),
            token + "-" + "x".repeat(64),
            "." + token,
            token + "%00",
            "%20" + token);
    for (String hostile : names) {
      // The raw path as written: the client must not re-encode or normalise it.
      Response response =
          given()
              .urlEncodingEnabled(false)
              .header("Authorization", TestTokens.bearer("ops"))
              .contentType("text/csv")
              .body(CardFraud.csv(100, 65).getBytes(StandardCharsets.UTF_8))
              .post("/api/v1/pipelines/" + hostile + "/datasets");
      assertThat(response.statusCode())
          .as("POST .../pipelines/%s/datasets: %s", hostile, response.asString())
          .isIn(400, 404);
      assertThat(response.contentType()).as("content type for %s", hostile).startsWith(PROBLEM);
      // Reading never fails with a 5xx: a refused name is a 404 problem; a well-formed name of
      // no pipeline (64+ characters) lists no versions, as for any unknown pipeline.
      Response read =
          given()
              .urlEncodingEnabled(false)
              .header("Authorization", TestTokens.bearer("viewer"))
              .get("/api/v1/pipelines/" + hostile + "/datasets");
      if (read.statusCode() == 200) {
        assertThat(read.jsonPath().getList("$")).as("GET %s", hostile).isEmpty();
      } else {
        assertThat(read.statusCode())
            .as("GET .../pipelines/%s/datasets: %s", hostile, read.asString())
            .isIn(400, 404);
        assertThat(read.contentType()).as("content type for GET %s", hostile).startsWith(PROBLEM);
      }
    }
    // Nothing was written for the pipeline they aimed at, nor anywhere under the names' token.
    assertNothingNew(victim, before, 0);
    for (String prefix : List.of("datasets/", "raw/", "incoming/", "a/", "")) {
      assertThat(
              keys(prefix).stream()
                  .filter(k -> k.toLowerCase(Locale.ROOT).contains(token))
                  .collect(Collectors.toList()))
          .as("keys under '%s' naming %s", prefix, token)
          .isEmpty();
    }
    assertAGoodUploadSucceeds(victim, 1, 65);
  }

  // ---------------------------------------------------------------- Kafka

  private static void request(DatasetIngestRequested request) {
    TestEvents.publish(
        TestTopics.of(Topic.DATASETS_INGEST_REQUESTED),
        Topic.DATASETS_INGEST_REQUESTED,
        UUID.randomUUID().toString(),
        "/tests/bad-input",
        request.pipeline(),
        request);
  }

  private static DatasetIngestRequested byUri(String pipeline, String uri) {
    return new DatasetIngestRequested(pipeline, uri, null, null, null, null, null);
  }

  private void put(String bucket, String key, byte[] bytes) throws Exception {
    client.putObject(
        PutObjectArgs.builder().bucket(bucket).object(key).stream(
                new ByteArrayInputStream(bytes), bytes.length, -1)
            .build());
  }

  @Test
  void ingestRequestsThatEscapeTheirPrefixOrBucketAreDeadLettered() throws Exception {
    String pipeline = applySpec("escreq", "\"training\": {\"auto\": false}");
    byte[] table = CardFraud.csv(300, 66).getBytes(StandardCharsets.UTF_8);
    String bucket = store.bucket();
    // A readable table at the place each hostile URI resolves to, so that only the check stops it.
    put(bucket, "exports/" + pipeline + "/t.csv", table);
    String other = UniqueNames.of("other");
    client.makeBucket(MakeBucketArgs.builder().bucket(other).build());
    try {
      put(other, "exports/t.csv", table);
      List<String> before = stored(pipeline);

      request(byUri(pipeline, "s3://" + bucket + "/incoming/../exports/" + pipeline + "/t.csv"));
      request(byUri(pipeline, "s3://" + bucket + "/x/%2E%2E/exports/" + pipeline + "/t.csv"));
      request(byUri(pipeline, "s3://" + bucket + "/exports/./" + pipeline + "/t.csv"));
      request(byUri(pipeline, "s3://" + other + "/exports/t.csv"));
      request(byUri(pipeline, "s3://" + bucket + "/../" + other + "/exports/t.csv"));

      var letters =
          EventLog.awaitAtLeast(
              TestTopics.dlqOf(Topic.DATASETS_INGEST_REQUESTED), r -> pipeline.equals(r.key()), 5);
      assertThat(letters).hasSize(5);
      List<String> reasons =
          letters.stream().map(r -> EventLog.header(r, "trainyard_dlq_reason")).toList();
      assertThat(reasons).allSatisfy(reason -> assertThat(reason).startsWith("poison:"));
      assertThat(reasons.stream().filter(r -> r.contains("'..'")).count()).isEqualTo(4);
      assertThat(reasons)
          .anySatisfy(
              reason -> assertThat(reason).contains("s3://" + other + "/").contains(bucket));
      assertNothingNew(pipeline, before, 0);

      // The service goes on: the same table, from where it may be read, is version 1.
      request(byUri(pipeline, "s3://" + bucket + "/exports/" + pipeline + "/t.csv"));
      EventLog.awaitAtLeast(
          TestTopics.of(Topic.DATASETS_INGESTED), r -> pipeline.equals(r.key()), 1);
      assertThat(store.listCommitted(Layout.datasets(pipeline))).hasSize(1);
    } finally {
      client.removeObject(RemoveObjectArgs.builder().bucket(other).object("exports/t.csv").build());
      if (client.bucketExists(BucketExistsArgs.builder().bucket(other).build())) {
        client.removeBucket(RemoveBucketArgs.builder().bucket(other).build());
      }
    }
  }

  /**
   * A notification as MinIO's Kafka target publishes it, with the object key exactly as given
   * (already URL-encoded, as MinIO sends keys).
   */
  private static byte[] notification(String bucket, String encodedKey) {
    return Json.writeBytes(
        Map.of(
            "EventName",
            "s3:ObjectCreated:Put",
            "Key",
            bucket + "/" + encodedKey,
            "Records",
            List.of(
                Map.of(
                    "eventName",
                    "s3:ObjectCreated:Put",
                    "s3",
                    Map.of(
                        "bucket",
                        Map.of("name", bucket),
                        "object",
                        Map.of("key", encodedKey, "size", 123))))));
  }

  private static String encode(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8);
  }

  @Test
  void notificationsWhoseKeysEscapeIncomingAreDeadLettered() throws Exception {
    String pipeline = applySpec("escdrop", "\"training\": {\"auto\": false}");
    String bucket = store.bucket();
    byte[] table = CardFraud.csv(300, 67).getBytes(StandardCharsets.UTF_8);
    put(bucket, "incoming/" + pipeline + "/t.csv", table);
    List<String> before = stored(pipeline);

    // Each record key is unique, so each dead letter can be told apart.
    Map<String, byte[]> sent = new LinkedHashMap<>();
    // incoming/../datasets/<pipeline>/x.csv, encoded as URLEncoder does (dots left as they are)
    sent.put(
        UniqueNames.of("dotdot"),
        notification(bucket, encode("incoming/../datasets/" + pipeline + "/x.csv")));
    // the same with the dots percent-encoded too
    sent.put(
        UniqueNames.of("encdots"),
        notification(bucket, "incoming%2F%2E%2E%2Fdatasets%2F" + pipeline + "%2Fx.csv"));
    // a pipeline segment that is '..' once decoded: incoming/../<pipeline>/t.csv
    sent.put(
        UniqueNames.of("pipedots"),
        notification(bucket, "incoming%2F%2e%2e%2F" + pipeline + "%2Ft.csv"));
    // the key incoming/%2E%2E/x.csv itself (a literal '%2E%2E' segment, encoded by MinIO):
    // decoded once it is no '..', so it is an unknown pipeline, never a path out of incoming/
    sent.put(UniqueNames.of("literal"), notification(bucket, encode("incoming/%2E%2E/x.csv")));
    // under incoming/<pipeline>/ of another bucket
    String other = UniqueNames.of("other");
    sent.put(
        UniqueNames.of("otherbucket"),
        notification(other, encode("incoming/" + pipeline + "/t.csv")));
    for (Map.Entry<String, byte[]> e : sent.entrySet()) {
      TestEvents.send(
          TestTopics.of(Topic.STORAGE_NOTIFICATIONS), e.getKey(), e.getValue(), Map.of());
    }

    var letters =
        EventLog.awaitAtLeast(
            TestTopics.dlqOf(Topic.STORAGE_NOTIFICATIONS),
            r -> sent.containsKey(r.key()),
            sent.size());
    assertThat(letters).hasSize(sent.size());
    Map<String, String> reasons =
        letters.stream()
            .collect(
                Collectors.toMap(r -> r.key(), r -> EventLog.header(r, "trainyard_dlq_reason")));
    List<String> keys = new ArrayList<>(sent.keySet());
    assertThat(reasons.get(keys.get(0))).startsWith("poison:").contains("'..'");
    assertThat(reasons.get(keys.get(1))).startsWith("poison:").contains("'..'");
    assertThat(reasons.get(keys.get(2))).startsWith("poison:").contains("'..'");
    assertThat(reasons.get(keys.get(3)))
        .startsWith("poison:")
        .contains("s3://" + bucket + "/incoming/%2E%2E/x.csv");
    assertThat(reasons.get(keys.get(4))).startsWith("poison:").contains("s3://" + other + "/");
    assertNothingNew(pipeline, before, 0);
    assertThat(keys("datasets/x.csv")).isEmpty();

    // The service goes on.
    assertAGoodUploadSucceeds(pipeline, 1, 67);
  }
}
