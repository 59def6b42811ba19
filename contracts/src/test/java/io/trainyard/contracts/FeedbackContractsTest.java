package io.trainyard.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.events.DatasetIngestRequested;
import io.trainyard.contracts.events.FeedbackWindow;
import io.trainyard.contracts.events.InferenceLabeled;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code inference.labeled} and the feedback window of {@code datasets.ingest-requested}. */
class FeedbackContractsTest {

  static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant TO = Instant.parse("2026-01-02T00:00:00Z");

  @Test
  void aFeedbackRequestIsValidAloneAndRoundTrips() {
    DatasetIngestRequested request =
        new DatasetIngestRequested(
            "card-fraud",
            null,
            null,
            null,
            null,
            null,
            "retrain",
            null,
            new FeedbackWindow(FROM, TO));
    JsonNode json = Json.toTree(request);
    assertThat(json.path("feedback").path("from").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(Schemas.validate(Topic.DATASETS_INGEST_REQUESTED, json)).isEmpty();
    assertThat(Catalogue.read(Topic.DATASETS_INGEST_REQUESTED, json, DatasetIngestRequested.class))
        .isEqualTo(request);
  }

  @Test
  void feedbackExcludesObjectUriAndRows() {
    String json =
        "{\"pipeline\": \"card-fraud\", \"objectUri\": \"s3://b/k.csv\","
            + " \"feedback\": {\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-01-02T00:00:00Z\"}}";
    assertThat(Schemas.validate(Topic.DATASETS_INGEST_REQUESTED, Json.readTree(json))).isNotEmpty();
    assertThatThrownBy(
            () ->
                new DatasetIngestRequested(
                    "card-fraud",
                    null,
                    List.of(Map.of("a", 1)),
                    null,
                    null,
                    null,
                    null,
                    null,
                    new FeedbackWindow(FROM, TO)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("feedback alone");
    assertThatThrownBy(
            () -> new DatasetIngestRequested("card-fraud", null, null, null, null, null, null))
        .hasMessageContaining("give objectUri, rows or feedback");
  }

  @Test
  void aWindowNeedsBothEndsInOrder() {
    assertThat(
            Schemas.validate(
                Topic.DATASETS_INGEST_REQUESTED,
                Json.readTree(
                    "{\"pipeline\": \"card-fraud\","
                        + " \"feedback\": {\"from\": \"2026-01-01T00:00:00Z\"}}")))
        .containsExactly("$.feedback.to: is required");
    assertThatThrownBy(() -> new FeedbackWindow(TO, FROM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be before");
    assertThatThrownBy(() -> new FeedbackWindow(FROM, FROM))
        .isInstanceOf(IllegalArgumentException.class);
    FeedbackWindow window = new FeedbackWindow(FROM, TO);
    assertThat(window.contains(FROM)).isTrue();
    assertThat(window.contains(TO)).isFalse();
    assertThat(window.contains(FROM.minusMillis(1))).isFalse();
  }

  @Test
  void theOldConstructorMakesNoFeedbackRequest() {
    DatasetIngestRequested request =
        new DatasetIngestRequested("card-fraud", "s3://b/k.csv", null, null, null, null, null);
    assertThat(request.feedback()).isNull();
    assertThat(Json.toTree(request).has("feedback")).isFalse();
  }

  @Test
  void labelsNeedAPredictionALabelAndATime() {
    InferenceLabeled example =
        (InferenceLabeled) Catalogue.entry(Topic.INFERENCE_LABELED).exampleRecord();
    assertThat(example.label()).isEqualTo(1);
    assertThat(RecordKeys.keyFor(Topic.INFERENCE_LABELED, example)).isEqualTo("card-fraud");
    assertThat(
            Schemas.validate(
                Topic.INFERENCE_LABELED,
                Json.readTree(
                    "{\"pipeline\": \"card-fraud\", \"predictionId\": \"p1\","
                        + " \"label\": {\"nested\": 1}, \"labeledAt\": \"yesterday\"}")))
        .containsExactly(
            "$.label: must be [number, string, boolean], not object",
            "$.labeledAt: 'yesterday' is not a valid date-time");
    assertThatThrownBy(() -> new InferenceLabeled("card-fraud", "p1", null, null, TO))
        .hasMessageContaining("label is required");
  }
}
