package io.trainyard.ingestion.notifications;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestTokens;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code trainyard.storage.notifications} (MinIO's bucket notifications) over the real stack. */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class NotificationsTest {

  @Inject MinioClient client;
  @Inject ObjectStore store;

  static String awaitSpec(String name) {
    return io.trainyard.ingestion.datasets.DatasetsApiTest.awaitSpec(name);
  }

  /** A notification as MinIO's Kafka target publishes it: the key URL-encoded in the record. */
  static byte[] notification(String eventName, String bucket, String key) {
    String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
    return Json.writeBytes(
        Map.of(
            "EventName",
            eventName,
            "Key",
            bucket + "/" + key,
            "Records",
            List.of(
                Map.of(
                    "eventVersion",
                    "2.0",
                    "eventSource",
                    "minio:s3",
                    "awsRegion",
                    "",
                    "eventTime",
                    "2026-01-30T10:00:00.000Z",
                    "eventName",
                    eventName,
                    "s3",
                    Map.of(
                        "s3SchemaVersion",
                        "1.0",
                        "configurationId",
                        "Config",
                        "bucket",
                        Map.of("name", bucket, "arn", "arn:aws:s3:::" + bucket),
                        "object",
                        Map.of("key", encoded, "size", 123, "eTag", "0123abcd"))))));
  }

  static void send(String key, byte[] value) {
    // Plain JSON, no ce_* headers: MinIO does not publish CloudEvents.
    TestEvents.send(TestTopics.of(Topic.STORAGE_NOTIFICATIONS), key, value, Map.of());
  }

  void put(String key, String text) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    client.putObject(
        PutObjectArgs.builder().bucket(store.bucket()).object(key).stream(
                new ByteArrayInputStream(bytes), bytes.length, -1)
            .build());
  }

  @Test
  void anObjectPutUnderIncomingBecomesAVersionOnceAndOtherObjectsAreIgnored() throws Exception {
    String pipeline = awaitSpec(TestEvents.applyCardFraudSpec("drop", ""));
    String key = "incoming/" + pipeline + "/t.csv";
    put(key, CardFraud.csv(600, 43));
    // One record key for every notification of this test: one partition, handled in order.
    String recordKey = store.bucket() + "/" + key;
    byte[] created = notification("s3:ObjectCreated:Put", store.bucket(), key);
    send(recordKey, created);

    var first =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.DATASETS_INGESTED), r -> pipeline.equals(r.key()), 1);
    JsonNode v1 = Json.readTree(first.get(0).value());
    assertThat(v1.get("version").asInt()).isEqualTo(1);
    var requested =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.TRAINING_REQUESTED),
            r -> Json.readTree(r.value()).path("pipeline").asText().equals(pipeline),
            1);
    assertThat(Json.readTree(requested.get(0).value()).get("trigger").asText()).isEqualTo("data");

    // Delivered again; ingestion's own writes; a removal: none of them makes a version.
    send(recordKey, created);
    send(
        recordKey,
        notification(
            "s3:ObjectCreated:Put", store.bucket(), "datasets/" + pipeline + "/v1/train.parquet"));
    send(recordKey, notification("s3:ObjectRemoved:Delete", store.bucket(), key));
    // A last one that is dead-lettered: once it is there, the ones before it were handled.
    put("incoming/" + pipeline + "/notes.txt", "not a table");
    send(
        recordKey,
        notification(
            "s3:ObjectCreated:Put", store.bucket(), "incoming/" + pipeline + "/notes.txt"));
    var letters =
        EventLog.awaitAtLeast(
            TestTopics.dlqOf(Topic.STORAGE_NOTIFICATIONS), r -> recordKey.equals(r.key()), 1);
    assertThat(letters).hasSize(1);
    assertThat(EventLog.header(letters.get(0), "trainyard_dlq_reason"))
        .startsWith("poison: s3://" + store.bucket() + "/incoming/" + pipeline + "/notes.txt")
        .contains("cannot tell the format");

    var after =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.DATASETS_INGESTED),
            r -> pipeline.equals(r.key()),
            2,
            Duration.ofSeconds(3),
            Duration.ZERO);
    assertThat(after).hasSize(1);
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .get("/api/v1/pipelines/" + pipeline + "/datasets")
        .then()
        .statusCode(200)
        .body("size()", org.hamcrest.Matchers.equalTo(1));
  }

  @Test
  void notificationsThatCannotSucceedAreDeadLetteredWithTheirReason() throws Exception {
    String malformed = UniqueNames.of("malformed");
    send(malformed, "{\"Records\": [".getBytes(StandardCharsets.UTF_8));

    String shapeless = UniqueNames.of("shapeless");
    send(
        shapeless,
        "{\"Records\": [{\"eventName\": \"s3:ObjectCreated:Put\", \"s3\": {\"bucket\": {}}}]}"
            .getBytes(StandardCharsets.UTF_8));

    String nobody = UniqueNames.of("nobody");
    String nobodyKey = "incoming/" + nobody + "/t.csv";
    put(nobodyKey, CardFraud.csv(50, 44));
    String unknown = store.bucket() + "/" + nobodyKey;
    send(unknown, notification("s3:ObjectCreated:Put", store.bucket(), nobodyKey));

    String escaping = UniqueNames.of("escaping");
    send(
        escaping,
        notification("s3:ObjectCreated:Put", store.bucket(), "incoming/" + nobody + "/../x.csv"));

    String missing = UniqueNames.of("missing");
    send(
        missing,
        notification(
            "s3:ObjectCreated:Put", store.bucket(), "incoming/" + nobody + "/nothing-here.csv"));

    List<String> keys = List.of(malformed, shapeless, unknown, escaping, missing);
    var letters =
        EventLog.awaitAtLeast(
            TestTopics.dlqOf(Topic.STORAGE_NOTIFICATIONS), r -> keys.contains(r.key()), 5);
    assertThat(letters).hasSize(5);
    Map<String, String> reasons =
        letters.stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    r -> r.key(), r -> EventLog.header(r, "trainyard_dlq_reason")));
    assertThat(reasons.get(malformed)).startsWith("schema-invalid: not valid JSON");
    assertThat(reasons.get(shapeless))
        .isEqualTo("schema-invalid: $.Records[0].s3.bucket.name: is missing");
    assertThat(reasons.get(unknown))
        .startsWith("poison: s3://" + unknown)
        .contains("no spec of pipeline '" + nobody + "'");
    assertThat(reasons.get(escaping)).startsWith("poison:").contains("'..'");
    assertThat(reasons.get(missing))
        .isEqualTo(
            "poison: cannot read s3://"
                + store.bucket()
                + "/incoming/"
                + nobody
                + "/nothing-here.csv: NoSuchKey");

    var letter = letters.stream().filter(r -> malformed.equals(r.key())).findFirst().orElseThrow();
    assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("{\"Records\": [");
    assertThat(EventLog.header(letter, "trainyard_dlq_topic"))
        .isEqualTo(TestTopics.of(Topic.STORAGE_NOTIFICATIONS));
    assertThat(EventLog.header(letter, "trainyard_dlq_service")).isEqualTo("ingestion");
    assertThat(EventLog.header(letter, "trainyard_dlq_offset")).isNotNull();
  }
}
