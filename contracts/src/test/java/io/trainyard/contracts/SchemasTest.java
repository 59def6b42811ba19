package io.trainyard.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.contracts.events.TrainingEnded;
import org.junit.jupiter.api.Test;

class SchemasTest {

  private static ObjectNode example(Topic topic) {
    return (ObjectNode) Catalogue.entry(topic).example();
  }

  @Test
  void wrongTypeIsRejectedNamingTheField() {
    ObjectNode payload = example(Topic.DATASETS_INGESTED);
    payload.put("version", "three");
    assertThat(Schemas.validate(Topic.DATASETS_INGESTED, payload))
        .containsExactly("$.version: must be integer, not string");
  }

  @Test
  void missingRequiredFieldIsRejectedNamingTheField() {
    ObjectNode payload = example(Topic.TRAINING_REQUESTED);
    payload.remove("runId");
    assertThat(Schemas.validate(Topic.TRAINING_REQUESTED, payload))
        .containsExactly("$.runId: is required");
  }

  @Test
  void nestedFieldsAreNamedByTheirPath() {
    ObjectNode payload = example(Topic.DATASETS_INGESTED);
    ((ObjectNode) payload.path("splits").path("train")).put("rows", -1);
    ((ObjectNode) payload.path("schema").path(1)).remove("type");
    assertThat(Schemas.validate(Topic.DATASETS_INGESTED, payload))
        .containsExactly("$.schema[1].type: is required", "$.splits.train.rows: must be >= 0");
  }

  @Test
  void sharedDefinitionsApply() {
    ObjectNode payload = example(Topic.MODELS_PROMOTED);
    payload.put("pipeline", "Card_Fraud");
    payload.put("version", 0);
    payload.put("alias", "king");
    assertThat(Schemas.validate(Topic.MODELS_PROMOTED, payload))
        .containsExactly(
            "$.alias: must be one of [\"champion\", \"challenger\"]",
            "$.pipeline: 'Card_Fraud' does not match the pattern ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
            "$.version: must be >= 1");
  }

  @Test
  void formatsAndExclusionsAreAsserted() {
    ObjectNode payload = example(Topic.INFERENCE_OBSERVED);
    payload.put("observedAt", "yesterday");
    payload.put("score", 0.07);
    assertThat(Schemas.validate(Topic.INFERENCE_OBSERVED, payload))
        .containsExactly(
            "$.observedAt: 'yesterday' is not a valid date-time",
            "$: must not have all of scores, score");
  }

  @Test
  void nullPreviousIsAllowed() {
    ObjectNode payload = example(Topic.MODELS_PROMOTED);
    payload.putNull("previous");
    assertThat(Schemas.validate(Topic.MODELS_PROMOTED, payload)).isEmpty();
  }

  @Test
  void unknownFieldsAreAcceptedForAdditiveChanges() {
    ObjectNode payload = example(Topic.TRAINING_ENDED);
    payload.put("addedInALaterV1", "ok");
    payload.putObject("moreDetail").put("a", 1);
    assertThat(Schemas.validate(Topic.TRAINING_ENDED, payload)).isEmpty();
    assertThat(Json.convert(payload, TrainingEnded.class).runId())
        .isEqualTo(payload.path("runId").asText());
  }

  @Test
  void requireValidThrowsWithReasons() {
    ObjectNode payload = example(Topic.TRAINING_ENDED);
    payload.put("status", "exploded");
    assertThatThrownBy(() -> Schemas.requireValid(Topic.TRAINING_ENDED, payload))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining("io.trainyard.training.ended.v1")
        .satisfies(
            e ->
                assertThat(((InvalidPayloadException) e).reasons())
                    .containsExactly(
                        "$.status: must be one of [\"succeeded\", \"failed\", \"cancelled\"]"));
  }

  @Test
  void topicWithoutSchemaIsAnError() {
    Topic undefined = Topic.STORAGE_NOTIFICATIONS; // S3 event records, not a catalogued payload
    assertThat(Schemas.has(undefined)).isFalse();
    JsonNode empty = Json.readTree("{}");
    assertThatThrownBy(() -> Schemas.validate(undefined, empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(undefined.topicName());
  }

  @Test
  void schemasAreCached() {
    String id = Schemas.schemaId(Topic.DRIFT_DETECTED);
    assertThat(Schemas.schema(id)).isSameAs(Schemas.schema(id));
  }

  @Test
  void trainyardIdsResolveFromTheClasspath() {
    String id = Schemas.ID_PREFIX + "test-ref.schema.json";
    assertThat(Schemas.validate(id, Json.readTree("{\"pipeline\":\"ok-name\"}"))).isEmpty();
    assertThat(Schemas.validate(id, Json.readTree("{\"pipeline\":\"-bad\"}")))
        .singleElement()
        .asString()
        .startsWith("$.pipeline: '-bad' does not match");
  }

  @Test
  void schemasAreNeverFetchedFromTheNetwork() {
    assertThatThrownBy(() -> Schemas.schema("https://schemas.example.invalid/x.schema.json"))
        .rootCause()
        .hasMessageContaining("never over the network");
    assertThatThrownBy(() -> Schemas.schema(Schemas.ID_PREFIX + "test-external-ref.schema.json"))
        .rootCause()
        .hasMessageContaining("never over the network");
  }
}
