package io.trainyard.ingestion.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngestRequested;
import io.trainyard.datasets.ParquetTables;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Lineage of dataset versions, the kept raw uploads and the Parquet download links. */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class LineageTest {

  private static final String UUID_PATTERN =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  @Inject ObjectStore store;
  @Inject MinioClient client;

  @Test
  void anUploadRecordsItsLineageAndKeepsTheRawBodyOnce() throws Exception {
    String name = DatasetsApiTest.applySpec("lineage", "");
    String csv = CardFraud.csv(500, 11);

    Response created = DatasetsApiTest.post(name, csv);
    created.then().statusCode(201);
    JsonNode lineage = Json.readTree(created.asByteArray()).get("lineage");
    assertThat(lineage.get("source").asText()).isEqualTo("upload");
    assertThat(lineage.get("contentType").asText()).startsWith("text/csv");
    String uploadId = lineage.get("uploadId").asText();
    assertThat(uploadId).matches(UUID_PATTERN);
    assertThat(absent(lineage.get("parentVersion"))).isTrue();
    String rawUri = lineage.get("rawUri").asText();
    assertThat(rawUri).endsWith("/raw/" + name + "/" + uploadId + "/upload.csv");

    // The raw object exists, committed by a manifest, with the uploaded bytes.
    try (InputStream in = store.openUnverified(store.keyOf(rawUri))) {
      assertThat(in.readAllBytes()).isEqualTo(csv.getBytes(StandardCharsets.UTF_8));
    }
    Manifest raw = store.manifest(Layout.raw(name, uploadId)).orElseThrow();
    assertThat(store.readAllBytes(raw, "upload.csv"))
        .isEqualTo(csv.getBytes(StandardCharsets.UTF_8));
    assertThat(raw.metadata().get("version").asInt()).isEqualTo(1);

    // The version's manifest carries the same lineage; DatasetMetadata still reads it.
    Manifest version = store.manifest(Layout.dataset(name, 1)).orElseThrow();
    assertThat(version.metadata().at("/lineage/uploadId").asText()).isEqualTo(uploadId);
    assertThat(version.metadata().at("/lineage/rawUri").asText()).isEqualTo(rawUri);
    assertThat(io.trainyard.datasets.DatasetMetadata.from(version.metadata()).pipeline())
        .isEqualTo(name);

    // The same content again: 200, the first lineage, and no second raw object.
    Response again = DatasetsApiTest.post(name, csv);
    again.then().statusCode(200).body("version", equalTo(1));
    assertThat(again.jsonPath().getString("lineage.uploadId")).isEqualTo(uploadId);
    assertThat(store.listCommitted(Layout.raws(name))).hasSize(1);
    DatasetsApiTest.get("/api/v1/pipelines/" + name + "/datasets/1")
        .then()
        .statusCode(200)
        .body("lineage.uploadId", equalTo(uploadId))
        .body("lineage.rawUri", equalTo(rawUri));

    // A rejected table keeps nothing either.
    assertThat(DatasetsApiTest.post(name, "amount,fraud\n1,0\n2,0\n").statusCode())
        .isBetween(400, 499);
    assertThat(store.listCommitted(Layout.raws(name))).hasSize(1);
  }

  @Test
  void theFilesLinksDownloadTheParquetSplits() throws Exception {
    String name = DatasetsApiTest.applySpec("files", "");
    JsonNode view =
        Json.readTree(
            DatasetsApiTest.post(name, CardFraud.csv(600, 12))
                .then()
                .statusCode(201)
                .extract()
                .asByteArray());
    JsonNode files = view.get("files");
    assertThat(files.size()).isEqualTo(view.get("splits").size());
    Path dir = Files.createTempDirectory("lineage-test-");
    for (Iterator<Map.Entry<String, JsonNode>> it = view.get("splits").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> split = it.next();
      String link = files.get(split.getKey()).asText();
      assertThat(link)
          .isEqualTo("/api/v1/pipelines/" + name + "/datasets/1/files/" + split.getKey());
      Response download = DatasetsApiTest.get(link);
      download.then().statusCode(200);
      assertThat(download.contentType()).startsWith("application/vnd.apache.parquet");
      assertThat(download.header("Content-Disposition")).startsWith("attachment");
      byte[] bytes = download.asByteArray();
      assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");
      Path file = dir.resolve(split.getKey() + ".parquet");
      Files.write(file, bytes);
      assertThat(ParquetTables.rowCount(file)).isEqualTo(split.getValue().get("rows").asLong());
    }
    DatasetsApiTest.get("/api/v1/pipelines/" + name + "/datasets/1")
        .then()
        .statusCode(200)
        .body("files.train", equalTo("/api/v1/pipelines/" + name + "/datasets/1/files/train"));

    Response unknownSplit =
        DatasetsApiTest.get("/api/v1/pipelines/" + name + "/datasets/1/files/nope");
    unknownSplit.then().statusCode(404);
    assertThat(unknownSplit.contentType()).startsWith("application/problem+json");
    DatasetsApiTest.get("/api/v1/pipelines/" + name + "/datasets/9/files/train")
        .then()
        .statusCode(404);
  }

  @Test
  void anIngestRequestRecordsItsSourceAndParentVersion() throws Exception {
    String name = DatasetsApiTest.applySpec("parent", "");
    List<Map<String, Object>> rows =
        CardFraud.transactions(200, 13, 0.0).stream()
            .map(
                t -> {
                  Map<String, Object> row = new LinkedHashMap<>(t.byName());
                  row.put("fraud", t.fraud());
                  return row;
                })
            .toList();
    TestEvents.publish(
        TestTopics.of(Topic.DATASETS_INGEST_REQUESTED),
        Topic.DATASETS_INGEST_REQUESTED,
        UUID.randomUUID().toString(),
        "/tests",
        name,
        new DatasetIngestRequested(name, null, rows, null, 1, null, "x"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                DatasetsApiTest.get("/api/v1/pipelines/" + name + "/datasets/1").statusCode()
                    == 200);
    JsonNode lineage =
        Json.readTree(
                DatasetsApiTest.get("/api/v1/pipelines/" + name + "/datasets/1").asByteArray())
            .get("lineage");
    assertThat(lineage.get("source").asText()).isEqualTo("inline rows");
    assertThat(lineage.get("parentVersion").asInt()).isEqualTo(1);
    assertThat(lineage.get("uploadId").asText()).matches(UUID_PATTERN);
    assertThat(absent(lineage.get("rawUri"))).isTrue();
    assertThat(store.listCommitted(Layout.raws(name))).isEmpty();

    // An object of the store: the source names it, nothing is copied.
    byte[] object = CardFraud.csv(300, 14).getBytes(StandardCharsets.UTF_8);
    String key = "exports/" + name + "/more.csv";
    client.putObject(
        PutObjectArgs.builder().bucket(store.bucket()).object(key).stream(
                new ByteArrayInputStream(object), object.length, -1)
            .build());
    String uri = "s3://" + store.bucket() + "/" + key;
    TestEvents.publish(
        TestTopics.of(Topic.DATASETS_INGEST_REQUESTED),
        Topic.DATASETS_INGEST_REQUESTED,
        UUID.randomUUID().toString(),
        "/tests",
        name,
        new DatasetIngestRequested(name, uri, null, null, null, null, "x"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                DatasetsApiTest.get("/api/v1/pipelines/" + name + "/datasets/2").statusCode()
                    == 200);
    JsonNode second =
        Json.readTree(
                DatasetsApiTest.get("/api/v1/pipelines/" + name + "/datasets/2").asByteArray())
            .get("lineage");
    assertThat(second.get("source").asText()).isEqualTo(uri);
    assertThat(absent(second.get("parentVersion"))).isTrue();
    assertThat(second.get("uploadId").asText())
        .matches(UUID_PATTERN)
        .isNotEqualTo(lineage.get("uploadId").asText());
    assertThat(store.listCommitted(Layout.raws(name))).isEmpty();
  }

  private static boolean absent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }
}
