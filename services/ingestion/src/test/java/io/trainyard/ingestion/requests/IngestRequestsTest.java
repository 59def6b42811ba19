package io.trainyard.ingestion.requests;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngestRequested;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.datasets.TableFormat;
import io.trainyard.eventing.PoisonEventException;
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
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** {@code trainyard.datasets.ingest-requested} over the real stack. */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
public class IngestRequestsTest {

  @Inject MinioClient client;
  @Inject ObjectStore store;

  static final String SOURCE = "/tests/exports";

  static void request(DatasetIngestRequested request, String id) {
    TestEvents.publish(
        TestTopics.of(Topic.DATASETS_INGEST_REQUESTED),
        Topic.DATASETS_INGEST_REQUESTED,
        id,
        SOURCE,
        request.pipeline(),
        request);
  }

  static String awaitSpec(String name) {
    return io.trainyard.ingestion.datasets.DatasetsApiTest.awaitSpec(name);
  }

  /** {@code n} CardFraud transactions drawn with {@code seed}, as inline rows with their label. */
  public static List<Map<String, Object>> rows(int n, long seed) {
    return CardFraud.transactions(n, seed, 0.0).stream()
        .map(
            t -> {
              Map<String, Object> row = new java.util.LinkedHashMap<>(t.byName());
              row.put("fraud", t.fraud());
              return row;
            })
        .toList();
  }

  static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  @Test
  void anObjectAndInlineRowsBecomeVersionsAndTheSameTableAgainChangesNothing() throws Exception {
    String pipeline = awaitSpec(TestEvents.applyCardFraudSpec("request", ""));
    byte[] object = gzip(CardFraud.csv(600, 41));
    String key = "exports/" + pipeline + "/transactions.csv.gz";
    client.putObject(
        PutObjectArgs.builder().bucket(store.bucket()).object(key).stream(
                new ByteArrayInputStream(object), object.length, -1)
            .build());
    request(
        new DatasetIngestRequested(
            pipeline,
            "s3://" + store.bucket() + "/" + key,
            null,
            null,
            null,
            Trigger.MANUAL,
            "nightly export"),
        UUID.randomUUID().toString());

    var first =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.DATASETS_INGESTED), r -> pipeline.equals(r.key()), 1);
    JsonNode v1 = Json.readTree(first.get(0).value());
    assertThat(v1.get("version").asInt()).isEqualTo(1);
    assertThat(
            v1.get("splits").get("train").get("rows").asLong()
                + v1.get("splits").get("validation").get("rows").asLong()
                + v1.get("splits").get("test").get("rows").asLong())
        .isBetween(590L, 600L);
    var requested =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.TRAINING_REQUESTED),
            r -> Json.readTree(r.value()).path("pipeline").asText().equals(pipeline),
            1);
    assertThat(Json.readTree(requested.get(0).value()).get("trigger").asText()).isEqualTo("manual");

    List<Map<String, Object>> rows = rows(200, 42);
    DatasetIngestRequested inline =
        new DatasetIngestRequested(pipeline, null, rows, null, null, null, "labeled by hand");
    request(inline, UUID.randomUUID().toString());
    var second =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.DATASETS_INGESTED), r -> pipeline.equals(r.key()), 2);
    assertThat(Json.readTree(second.get(1).value()).get("version").asInt()).isEqualTo(2);

    // The same rows requested again (another event): the same version, nothing published.
    request(inline, UUID.randomUUID().toString());
    var after =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.DATASETS_INGESTED),
            r -> pipeline.equals(r.key()),
            3,
            Duration.ofSeconds(8),
            Duration.ZERO);
    assertThat(after).hasSize(2);
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .get("/api/v1/pipelines/" + pipeline + "/datasets")
        .then()
        .statusCode(200)
        .body("size()", org.hamcrest.Matchers.equalTo(2));
  }

  @Test
  void requestsThatCannotSucceedAreDeadLetteredWithTheirReason() {
    String pipeline = awaitSpec(TestEvents.applyCardFraudSpec("badrequest", ""));
    request(
        new DatasetIngestRequested(
            pipeline,
            "s3://" + store.bucket() + "/exports/nothing-here.csv",
            null,
            null,
            null,
            null,
            null),
        UUID.randomUUID().toString());
    String nobody = UniqueNames.of("nobody");
    request(
        new DatasetIngestRequested(
            nobody, null, List.of(Map.of("amount", 1.0, "fraud", 0)), null, null, null, null),
        UUID.randomUUID().toString());
    request(
        new DatasetIngestRequested(
            pipeline,
            null,
            List.of(Map.of("amount", Map.of("nested", 1), "fraud", 0)),
            null,
            null,
            null,
            null),
        UUID.randomUUID().toString());

    var letters =
        EventLog.awaitAtLeast(
            TestTopics.dlqOf(Topic.DATASETS_INGEST_REQUESTED),
            r -> pipeline.equals(r.key()) || nobody.equals(r.key()),
            3);
    List<String> reasons =
        letters.stream().map(r -> EventLog.header(r, "trainyard_dlq_reason")).toList();
    assertThat(reasons)
        .anySatisfy(reason -> assertThat(reason).startsWith("poison:").contains("NoSuchKey"))
        .anySatisfy(reason -> assertThat(reason).contains("no spec of pipeline '" + nobody + "'"))
        .anySatisfy(reason -> assertThat(reason).contains("column 'amount' holds nested values"));
  }

  @Test
  void objectUrisAndFormatsAreCheckedBeforeAnythingIsRead() {
    assertThat(IngestRequests.parse("s3://bucket/a/b.csv"))
        .isEqualTo(new IngestRequests.ObjectRef("bucket", "a/b.csv"));
    assertThatThrownBy(() -> IngestRequests.parse("http://bucket/a.csv"))
        .isInstanceOf(PoisonEventException.class)
        .hasMessageContaining("s3://bucket/key");
    assertThatThrownBy(() -> IngestRequests.parse("s3://bucket/a/../../b.csv"))
        .isInstanceOf(PoisonEventException.class)
        .hasMessageContaining("'..'");
    assertThat(IngestRequests.format(null, "x/t.csv.gz")).isEqualTo(TableFormat.CSV);
    assertThat(IngestRequests.format(null, "x/t.ndjson")).isEqualTo(TableFormat.JSON_LINES);
    assertThat(IngestRequests.format("parquet", "x/t.bin")).isEqualTo(TableFormat.PARQUET);
    assertThatThrownBy(() -> IngestRequests.format(null, "x/t.xlsx"))
        .isInstanceOf(PoisonEventException.class)
        .hasMessageContaining("name it in format");
  }
}
