package io.trainyard.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

  private static final Instant TIME = Instant.parse("2026-03-01T12:00:00.123Z");
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static Envelope full() {
    return new Envelope(
        EventIds.of(Topic.DATASETS_INGESTED, "card-fraud", 3),
        Topic.DATASETS_INGESTED.ceType(),
        Sources.INGESTION,
        "card-fraud",
        TIME,
        "application/json",
        "corr-1",
        "cause-1",
        TRACEPARENT);
  }

  private static Map<String, String> text(Map<String, byte[]> headers) {
    Map<String, String> text = new LinkedHashMap<>();
    headers.forEach((k, v) -> text.put(k, new String(v, StandardCharsets.UTF_8)));
    return text;
  }

  private static Map<String, byte[]> bytes(Map<String, String> headers) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    headers.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return bytes;
  }

  @Test
  void writesBinaryModeHeaders() {
    Envelope envelope = full();
    assertThat(text(envelope.toHeaders()))
        .containsExactly(
            Map.entry("ce_specversion", "1.0"),
            Map.entry("ce_id", envelope.id()),
            Map.entry("ce_type", "io.trainyard.datasets.ingested.v1"),
            Map.entry("ce_source", "/trainyard/ingestion"),
            Map.entry("ce_subject", "card-fraud"),
            Map.entry("ce_time", "2026-03-01T12:00:00.123Z"),
            Map.entry("content-type", "application/json"),
            Map.entry("ce_correlationid", "corr-1"),
            Map.entry("ce_causationid", "cause-1"),
            Map.entry("ce_traceparent", TRACEPARENT));
  }

  @Test
  void roundTripsThroughHeaders() {
    Envelope envelope = full();
    assertThat(Envelope.fromHeaders(envelope.toHeaders())).isEqualTo(envelope);
    assertThat(Envelope.fromHeaderList(envelope.toHeaderList())).isEqualTo(envelope);
    assertThat(Envelope.fromHeaderLookup(envelope.toHeaders()::get)).isEqualTo(envelope);

    Envelope minimal = Envelope.root(Topic.PIPELINES, "id-1", Sources.CONSOLE, null, TIME);
    assertThat(Envelope.fromHeaders(minimal.toHeaders())).isEqualTo(minimal);
    assertThat(minimal.toHeaders())
        .doesNotContainKeys("ce_subject", "ce_causationid", "ce_traceparent");
  }

  @Test
  void lastHeaderWinsInAList() {
    List<Map.Entry<String, byte[]>> headers = new java.util.ArrayList<>(full().toHeaderList());
    headers.add(Map.entry("ce_subject", "other".getBytes(StandardCharsets.UTF_8)));
    assertThat(Envelope.fromHeaderList(headers).subject()).isEqualTo("other");
  }

  @Test
  void missingIdIsRejected() {
    Map<String, byte[]> headers = new LinkedHashMap<>(full().toHeaders());
    headers.remove("ce_id");
    assertThatThrownBy(() -> Envelope.fromHeaders(headers))
        .isInstanceOf(InvalidEnvelopeException.class)
        .hasMessageContaining("ce_id is missing")
        .satisfies(
            e ->
                assertThat(((InvalidEnvelopeException) e).problems())
                    .containsExactly("ce_id is missing"));
  }

  @Test
  void everyMissingAttributeIsReportedAtOnce() {
    assertThatThrownBy(() -> Envelope.fromHeaders(Map.of()))
        .isInstanceOf(InvalidEnvelopeException.class)
        .satisfies(
            e ->
                assertThat(((InvalidEnvelopeException) e).problems())
                    .containsExactly(
                        "ce_specversion is missing (expected 1.0)",
                        "ce_id is missing",
                        "ce_type is missing",
                        "ce_source is missing"));
  }

  @Test
  void otherSpecVersionsAreRejected() {
    Map<String, String> headers = new LinkedHashMap<>(text(full().toHeaders()));
    headers.put("ce_specversion", "0.3");
    assertThatThrownBy(() -> Envelope.fromHeaders(bytes(headers)))
        .isInstanceOf(InvalidEnvelopeException.class)
        .hasMessageContaining("ce_specversion is '0.3', only 1.0 is supported");
  }

  @Test
  void malformedTimeAndStructuredModeAreRejected() {
    Map<String, String> headers = new LinkedHashMap<>(text(full().toHeaders()));
    headers.put("ce_time", "yesterday");
    headers.put("content-type", "application/cloudevents+json");
    assertThatThrownBy(() -> Envelope.fromHeaders(bytes(headers)))
        .isInstanceOf(InvalidEnvelopeException.class)
        .satisfies(
            e ->
                assertThat(((InvalidEnvelopeException) e).problems())
                    .containsExactly(
                        "ce_time 'yesterday' is not an RFC 3339 date-time",
                        "content-type 'application/cloudevents+json' is structured mode;"
                            + " Trainyard uses binary mode (ce_* headers)"));
  }

  @Test
  void readsRfc3339TimesWithOffsets() {
    Map<String, String> headers = new LinkedHashMap<>(text(full().toHeaders()));
    headers.put("ce_time", "2026-03-01T14:00:00.123+02:00");
    assertThat(Envelope.fromHeaders(bytes(headers)).time()).isEqualTo(TIME);
    headers.put("ce_time", "2026-03-01t12:00:00.123z");
    assertThat(Envelope.fromHeaders(bytes(headers)).time()).isEqualTo(TIME);
  }

  @Test
  void externalEventsWithoutOurExtensionsStartAChain() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ce_specversion", "1.0");
    headers.put("ce_id", "pred-1");
    headers.put("ce_type", Topic.INFERENCE_OBSERVED.ceType());
    headers.put("ce_source", "/serving/fraud-api");
    Envelope envelope = Envelope.fromHeaders(bytes(headers));
    assertThat(envelope.correlationId()).isEqualTo("pred-1");
    assertThat(envelope.causationId()).isNull();
    assertThat(envelope.dataContentType()).isEqualTo("application/json");
    assertThat(envelope.topic()).contains(Topic.INFERENCE_OBSERVED);
  }

  @Test
  void rootStartsAChain() {
    Envelope root = Envelope.root(Topic.TRAINING_REQUESTED, "cmd-1", Sources.CONSOLE, "card-fraud");
    assertThat(root.correlationId()).isEqualTo("cmd-1");
    assertThat(root.causationId()).isNull();
    assertThat(root.type()).isEqualTo("io.trainyard.training.requested.v1");
    assertThat(root.time()).isNotNull();
  }

  @Test
  void childCarriesCorrelationCausationAndTrace() {
    Envelope parent = full();
    Envelope child =
        parent.child(Topic.TRAINING_REQUESTED, "child-1", Sources.INGESTION, "card-fraud", TIME);
    assertThat(child.correlationId()).isEqualTo("corr-1");
    assertThat(child.causationId()).isEqualTo(parent.id());
    assertThat(child.traceparent()).isEqualTo(TRACEPARENT);
    assertThat(child.type()).isEqualTo(Topic.TRAINING_REQUESTED.ceType());
    assertThat(child.source()).isEqualTo(Sources.INGESTION);

    Envelope grandchild =
        child.child(Topic.TRAINING_ENDED, "grandchild-1", Sources.TRAINING, "card-fraud");
    assertThat(grandchild.correlationId()).isEqualTo("corr-1");
    assertThat(grandchild.causationId()).isEqualTo("child-1");

    Envelope root = Envelope.root(Topic.PIPELINES, "root-1", Sources.CONSOLE, "card-fraud");
    assertThat(
            root.child(Topic.DATASETS_INGESTED, "c", Sources.INGESTION, "card-fraud")
                .correlationId())
        .isEqualTo("root-1");
  }

  @Test
  void requiredAttributesAreChecked() {
    assertThatThrownBy(() -> new Envelope(" ", "t", "s", null, null, null, null, null, null))
        .hasMessageContaining("id is required");
    assertThatThrownBy(() -> new Envelope("i", null, "s", null, null, null, null, null, null))
        .hasMessageContaining("type is required");
  }
}
