package io.trainyard.contracts;

import static io.trainyard.contracts.JsonAssertions.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.spec.PipelineSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CatalogueTest {

  /** The CloudEvent topics the first issues use: each must have a schema, an example, a record. */
  static final List<Topic> FIRST_ISSUE_TOPICS =
      List.of(
          Topic.PIPELINES,
          Topic.DATASETS_INGEST_REQUESTED,
          Topic.DATASETS_INGESTED,
          Topic.DATASETS_LABELED,
          Topic.TRAINING_REQUESTED,
          Topic.TRAINING_CANCEL_REQUESTED,
          Topic.TRAINING_PROGRESS,
          Topic.TRAINING_ENDED,
          Topic.MODELS_TRAINED,
          Topic.MODELS_EVALUATED,
          Topic.MODELS_ALIAS_REQUESTED,
          Topic.MODELS_PROMOTED,
          Topic.MODELS_REVIEWED,
          Topic.INFERENCE_OBSERVED,
          Topic.INFERENCE_LABELED,
          Topic.DRIFT_DETECTED);

  static Stream<Topic> catalogued() {
    return Catalogue.entries().stream().map(Catalogue.Entry::topic);
  }

  @Test
  void everyFirstIssueTopicHasSchemaExampleAndRecord() {
    for (Topic topic : FIRST_ISSUE_TOPICS) {
      assertThat(Catalogue.class.getResource(topic.schemaResource()))
          .as("schema of %s", topic)
          .isNotNull();
      assertThat(Catalogue.class.getResource(topic.exampleResource()))
          .as("example of %s", topic)
          .isNotNull();
      assertThat(Schemas.has(topic)).isTrue();
      assertThat(Catalogue.find(topic)).as("catalogue entry of %s", topic).isPresent();
    }
    assertThat(catalogued()).containsExactlyElementsOf(FIRST_ISSUE_TOPICS);
    assertThat(Catalogue.undefined()).doesNotContainAnyElementsOf(FIRST_ISSUE_TOPICS);
  }

  @Test
  void ceTypesAndTopicNamesAreUnique() {
    assertThat(Arrays.stream(Topic.values()).map(Topic::ceType)).doesNotHaveDuplicates();
    assertThat(Arrays.stream(Topic.values()).map(Topic::topicName)).doesNotHaveDuplicates();
    assertThat(Arrays.stream(Topic.values()).map(Topic::dlqName)).doesNotHaveDuplicates();
  }

  @Test
  void ceTypesFollowTheNamingRule() {
    for (Topic topic : Topic.values()) {
      assertThat(topic.ceType())
          .isEqualTo("io.trainyard." + topic.topicName().substring("trainyard.".length()) + ".v1");
    }
    assertThat(Topic.DATASETS_INGESTED.ceType()).isEqualTo("io.trainyard.datasets.ingested.v1");
  }

  @ParameterizedTest
  @MethodSource("catalogued")
  void exampleValidatesAgainstItsSchema(Topic topic) {
    JsonNode example = Catalogue.entry(topic).example();
    assertThat(Schemas.validate(topic, example)).as("reasons for %s", topic).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("catalogued")
  void exampleRoundTripsThroughItsRecord(Topic topic) throws IOException {
    Catalogue.Entry entry = Catalogue.entry(topic);
    JsonNode example = entry.example();
    Object record = Json.convert(example, entry.payloadType());
    assertThat(record).isInstanceOf(entry.payloadType());
    // Through text, as on the wire.
    JsonNode written = Json.mapper().readTree(Json.write(record));
    assertSameJson(written, example);
    assertThat(Json.convert(written, entry.payloadType())).isEqualTo(record);
    assertThat(Schemas.validate(topic, record)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("catalogued")
  void schemaIsDraft202012WithTrainyardIdAndOpenForAdditions(Topic topic) {
    JsonNode schema = Schemas.schemaJson(topic);
    assertThat(schema.path("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.path("$id").asText())
        .isEqualTo("https://trainyard.io/schemas/" + topic.ceType() + ".schema.json")
        .isEqualTo(Catalogue.entry(topic).schemaId());
    assertThat(schema.path("type").asText()).isEqualTo("object");
    assertThat(schema.path("required").isArray()).isTrue();
    for (JsonNode required : schema.path("required")) {
      assertThat(schema.path("properties").has(required.asText()))
          .as("required %s is declared in properties", required)
          .isTrue();
    }
    assertThat(closedObjects(schema, "$")).as("objects closed to additive changes").isEmpty();
  }

  @Test
  void everySchemaFileIsDraft202012WithMatchingId() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/schemas"))) {
      for (Path file : files.toList()) {
        JsonNode schema = Json.mapper().readTree(file.toFile());
        assertThat(schema.path("$schema").asText())
            .isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("$id").asText()).isEqualTo(Schemas.ID_PREFIX + file.getFileName());
        assertThat(closedObjects(schema, "$")).isEmpty();
      }
    }
  }

  @Test
  void payloadRecordsImplementPipelineEventWhereKeyedByPipeline() {
    for (Catalogue.Entry entry : Catalogue.entries()) {
      if (entry.recordKeyField().equals("pipeline") || entry.topic() == Topic.TRAINING_REQUESTED) {
        assertThat(io.trainyard.contracts.events.PipelineEvent.class)
            .isAssignableFrom(entry.payloadType());
      }
    }
    assertThat(Catalogue.entry(Topic.PIPELINES).payloadType()).isEqualTo(PipelineSpec.class);
  }

  @Test
  void looksUpByCeTypeAndPayloadType() {
    assertThat(Catalogue.byCeType("io.trainyard.datasets.ingested.v1"))
        .map(Catalogue.Entry::topic)
        .contains(Topic.DATASETS_INGESTED);
    assertThat(Catalogue.byCeType("io.trainyard.nope.v1")).isEmpty();
    assertThat(Catalogue.byPayloadType(DatasetIngested.class))
        .map(Catalogue.Entry::topic)
        .contains(Topic.DATASETS_INGESTED);
    Catalogue.Entry entry = Catalogue.entry(Topic.DATASETS_INGESTED);
    assertThat(entry.ceType()).isEqualTo("io.trainyard.datasets.ingested.v1");
    assertThat(entry.schemaResource())
        .isEqualTo("/schemas/io.trainyard.datasets.ingested.v1.schema.json");
    assertThat(entry.exampleResource())
        .isEqualTo("/examples/io.trainyard.datasets.ingested.v1.json");
    assertThat(entry.producers()).containsExactly("ingestion");
    assertThat(entry.consumers()).contains("labeling", "drift-monitor", "console");
    assertThat(entry.exampleRecord()).isInstanceOf(DatasetIngested.class);
  }

  @Test
  void readValidatesThenConverts() {
    DatasetIngested ingested =
        Catalogue.read(
            Topic.DATASETS_INGESTED,
            Json.writeBytes(Catalogue.entry(Topic.DATASETS_INGESTED).exampleRecord()),
            DatasetIngested.class);
    assertThat(ingested.version()).isEqualTo(3);
    assertThat(ingested.rows(DatasetIngested.TRAIN)).isEqualTo(7000);
    assertThat(ingested.totalRows()).isEqualTo(10000);
    assertThat(ingested.hasUnlabeledRows()).isFalse();

    assertThatThrownBy(
            () ->
                Catalogue.read(
                    Topic.DATASETS_INGESTED,
                    Json.readTree("{\"pipeline\":\"card-fraud\"}"),
                    DatasetIngested.class))
        .isInstanceOf(InvalidPayloadException.class)
        .satisfies(
            e ->
                assertThat(((InvalidPayloadException) e).reasons())
                    .contains("$.version: is required", "$.contentHash: is required"));
    assertThatThrownBy(
            () ->
                Catalogue.read(
                    Topic.TRAINING_ENDED,
                    Catalogue.entry(Topic.TRAINING_ENDED).example(),
                    DatasetIngested.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("carries TrainingEnded");
  }

  @Test
  void topicWithoutPayloadIsReportedClearly() {
    assertThat(Catalogue.undefined()).as("every CloudEvent topic has a payload").isEmpty();
    Topic undefined = Topic.STORAGE_NOTIFICATIONS; // S3 event records, not a catalogued payload
    assertThat(Catalogue.find(undefined)).isEmpty();
    assertThatThrownBy(() -> Catalogue.entry(undefined))
        .hasMessageContaining(undefined.topicName());
  }

  @Test
  void readmeDocumentsEveryCataloguedTypeAndHeader() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    assertThat(readme.lines().findFirst().orElse("")).contains("contracts");
    for (Catalogue.Entry entry : Catalogue.entries()) {
      assertThat(readme).contains(entry.ceType(), entry.topic().topicName());
    }
    assertThat(readme)
        .contains(
            CloudEventHeaders.SPEC_VERSION,
            CloudEventHeaders.ID,
            CloudEventHeaders.TYPE,
            CloudEventHeaders.SOURCE,
            CloudEventHeaders.SUBJECT,
            CloudEventHeaders.TIME,
            CloudEventHeaders.CONTENT_TYPE,
            CloudEventHeaders.CORRELATION_ID,
            CloudEventHeaders.CAUSATION_ID,
            CloudEventHeaders.TRACEPARENT);
  }

  /** JSON paths of (sub)schemas that forbid additional properties. */
  private static List<String> closedObjects(JsonNode schema, String path) {
    List<String> closed = new ArrayList<>();
    if (schema.isObject()) {
      JsonNode additional = schema.get("additionalProperties");
      if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
        closed.add(path);
      }
      if (schema.has("unevaluatedProperties")) {
        closed.add(path + ".unevaluatedProperties");
      }
      schema
          .properties()
          .forEach(e -> closed.addAll(closedObjects(e.getValue(), path + "." + e.getKey())));
    } else if (schema.isArray()) {
      for (int i = 0; i < schema.size(); i++) {
        closed.addAll(closedObjects(schema.get(i), path + "[" + i + "]"));
      }
    }
    return closed;
  }
}
