package io.trainyard.eventing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.contracts.CloudEventHeaders;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.InvalidPayloadException;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.events.Trigger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Appending to the outbox, on the real PostgreSQL: what is written, and what is refused. */
class OutboxWriterTest {

  private EventingFixture fx;
  private OutboxWriter writer;

  @BeforeEach
  void setUp() {
    fx = new EventingFixture();
    writer = fx.writer("console");
  }

  @AfterEach
  void tearDown() throws Exception {
    fx.close();
  }

  private static TrainingRequested request(String runId) {
    return new TrainingRequested(runId, "card-fraud", 3, Trigger.MANUAL, "operator asked", 2);
  }

  @Test
  void anEventOutsideAHandlerStartsAChainWithANewTraceContext() throws Exception {
    OutboxEvent event;
    try (Connection c = fx.dataSource.getConnection()) {
      event = writer.append(c, Topic.TRAINING_REQUESTED, request("run-1"), "run-1");
    }

    assertThat(event.appended()).isTrue();
    assertThat(event.id()).isEqualTo(EventIds.of(Topic.TRAINING_REQUESTED, "run-1"));
    assertThat(event.key()).isEqualTo("run-1");
    assertThat(event.topic()).isEqualTo(fx.topic(Topic.TRAINING_REQUESTED));
    Envelope envelope = event.envelope();
    assertThat(envelope.correlationId()).isEqualTo(event.id());
    assertThat(envelope.causationId()).isNull();
    assertThat(Traceparents.isValid(envelope.traceparent())).isTrue();
    assertThat(envelope.source()).isEqualTo("/trainyard/console");
    assertThat(envelope.subject()).isEqualTo("card-fraud");

    Map<String, String> stored = storedHeaders(event.id());
    assertThat(stored).containsAllEntriesOf(envelope.textHeaders());
    assertThat(stored.keySet()).startsWith(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.ID);
    JsonNode payload = Json.readTree(storedPayload(event.id()));
    assertThat(payload).isEqualTo(Json.toTree(request("run-1")));
  }

  @Test
  void insideAHandlerAnEventIsAChildOfTheHandledOne() throws Exception {
    Envelope handled =
        EventingFixture.ingestedEnvelope("card-fraud", 3)
            .withTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    OutboxEvent event;
    try (Connection c = fx.dataSource.getConnection()) {
      event =
          CurrentEvent.callAs(
              handled, () -> writer.append(c, Topic.TRAINING_REQUESTED, request("run-2"), "run-2"));
    }
    assertThat(event.envelope().correlationId()).isEqualTo(handled.correlationId());
    assertThat(event.envelope().causationId()).isEqualTo(handled.id());
    assertThat(event.envelope().traceparent()).isEqualTo(handled.traceparent());
    assertThat(CurrentEvent.envelope()).isEmpty();

    OutboxEvent root;
    try (Connection c = fx.dataSource.getConnection()) {
      root =
          CurrentEvent.callAs(
              handled, () -> writer.appendRoot(c, Topic.TRAINING_REQUESTED, request("r3"), "r3"));
    }
    assertThat(root.envelope().correlationId()).isEqualTo(root.id());
    assertThat(root.envelope().causationId()).isNull();
  }

  @Test
  void anExplicitParentChainsOutsideAHandlerToo() throws Exception {
    Envelope parent = EventingFixture.ingestedEnvelope("card-fraud", 4);
    try (Connection c = fx.dataSource.getConnection()) {
      OutboxEvent event =
          writer.appendChildOf(c, parent, Topic.TRAINING_REQUESTED, request("run-4"), "run-4");
      assertThat(event.envelope().correlationId()).isEqualTo(parent.id());
      assertThat(event.envelope().causationId()).isEqualTo(parent.id());
      assertThat(event.envelope().traceparent()).isEqualTo(parent.traceparent());
    }
  }

  @Test
  void appendingTheSameEventTwiceKeepsOne() throws Exception {
    try (Connection c = fx.dataSource.getConnection()) {
      assertThat(writer.append(c, Topic.TRAINING_REQUESTED, request("run-5"), "run-5").appended())
          .isTrue();
      assertThat(writer.append(c, Topic.TRAINING_REQUESTED, request("run-5"), "run-5").appended())
          .isFalse();
    }
    assertThat(fx.queryLong("SELECT count(*) FROM outbox")).isEqualTo(1);
  }

  @Test
  void anInvalidPayloadIsRefusedAndNothingIsWritten() throws Exception {
    ObjectNode invalid = (ObjectNode) Json.toTree(request("run-6"));
    invalid.put("datasetVersion", 0);
    invalid.remove("reason");
    try (Connection c = fx.dataSource.getConnection()) {
      assertThatThrownBy(() -> writer.append(c, Topic.TRAINING_REQUESTED, invalid, "run-6"))
          .isInstanceOf(InvalidPayloadException.class)
          .hasMessageContaining("$.datasetVersion: must be >= 1")
          .hasMessageContaining("$.reason: is required");
      assertThatThrownBy(
              () -> writer.append(c, Topic.DATASETS_INGESTED, request("run-6"), "card-fraud", 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not belong on trainyard.datasets.ingested");
    }
    assertThat(fx.queryLong("SELECT count(*) FROM outbox")).isZero();
  }

  @Test
  void anEventTooLargeForKafkaIsRefused() throws Exception {
    TrainingRequested huge =
        new TrainingRequested(
            "run-big",
            "card-fraud",
            3,
            Trigger.MANUAL,
            "x".repeat(OutboxWriter.MAX_EVENT_BYTES),
            2);
    try (Connection c = fx.dataSource.getConnection()) {
      assertThatThrownBy(() -> writer.append(c, Topic.TRAINING_REQUESTED, huge, "run-big"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("object store");
    }
    assertThat(fx.queryLong("SELECT count(*) FROM outbox")).isZero();
  }

  @Test
  void aRolledBackTransactionLeavesNoEvent() throws Exception {
    try (Connection c = fx.dataSource.getConnection()) {
      c.setAutoCommit(false);
      writer.append(c, Topic.TRAINING_REQUESTED, request("run-7"), "run-7");
      c.rollback();
    }
    assertThat(fx.queryLong("SELECT count(*) FROM outbox")).isZero();
  }

  @Test
  void theInboxRecognisesARedelivery() throws Exception {
    Inbox inbox = new Inbox();
    try (Connection c = fx.dataSource.getConnection()) {
      assertThat(inbox.firstDelivery(c, "/trainyard/ingestion", "id-1", "t")).isTrue();
      assertThat(inbox.firstDelivery(c, "/trainyard/ingestion", "id-1", "t")).isFalse();
      assertThat(inbox.firstDelivery(c, "/trainyard/labeling", "id-1", "t")).isTrue();
    }
  }

  private Map<String, String> storedHeaders(String id) throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    try (Connection c = fx.dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT headers::text FROM outbox WHERE event_id = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        for (JsonNode pair : Json.readTree(rs.getString(1))) {
          headers.put(pair.get(0).asText(), pair.get(1).asText());
        }
      }
    }
    return headers;
  }

  private byte[] storedPayload(String id) throws Exception {
    try (Connection c = fx.dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT payload FROM outbox WHERE event_id = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBytes(1);
      }
    }
  }
}
