package io.trainyard.eventing.quarkus;

import static io.trainyard.testing.EventLog.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.contracts.CloudEventHeaders;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.eventing.DeadLetterHeaders;
import io.trainyard.eventing.EventProcessor;
import io.trainyard.eventing.EventingProducers;
import io.trainyard.eventing.OutboxEvent;
import io.trainyard.eventing.OutboxRelay;
import io.trainyard.eventing.Traceparents;
import io.trainyard.testing.EventLog;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The Quarkus glue in a running application, on the real stack: Flyway creates the tables, the
 * relay starts with the application, a {@code @Transactional} method publishes through the outbox,
 * and a SmallRye channel consumes through {@link EventConsumer} (see {@link DatasetsListener}).
 */
@QuarkusTest
@QuarkusTestResource(EventingTestResource.class)
class EventingQuarkusTest {

  @Inject RunCommands commands;
  @Inject Outbox outbox;
  @Inject OutboxRelay relay;
  @Inject EventProcessor processor;
  @Inject AgroalDataSource dataSource;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "eventing-test.prefix")
  String prefix;

  @Test
  void aTransactionalMethodsEventIsRelayedAfterCommit() {
    String runId = UUID.randomUUID().toString();
    OutboxEvent event = commands.requestRun(runId, "quarkus-pipe");

    assertThat(relay.isRunning()).isTrue();
    assertThat(event.topic()).isEqualTo(prefix + Topic.TRAINING_REQUESTED.topicName());
    List<ConsumerRecord<String, byte[]>> records =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    EventLog.awaitAtLeast(event.topic(), 0, Duration.ZERO).stream()
                        .filter(r -> event.id().equals(header(r, CloudEventHeaders.ID)))
                        .toList(),
                found -> found.size() == 1);
    ConsumerRecord<String, byte[]> record = records.get(0);
    assertThat(record.key()).isEqualTo(runId);
    assertThat(header(record, CloudEventHeaders.SOURCE)).isEqualTo("/trainyard/eventing-test");
    assertThat(header(record, CloudEventHeaders.CORRELATION_ID)).isEqualTo(event.id());
    assertThat(Traceparents.isValid(header(record, CloudEventHeaders.TRACEPARENT))).isTrue();
    assertThat(Json.readTree(record.value()).get("runId").asText()).isEqualTo(runId);
  }

  @Test
  void publishingOutsideATransactionIsRefused() {
    TrainingRequested request =
        new TrainingRequested("run-x", "quarkus-pipe", 1, Trigger.MANUAL, "no transaction", null);
    assertThatThrownBy(() -> outbox.publish(Topic.TRAINING_REQUESTED, request, "run-x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs an active transaction");
  }

  @Test
  void aRolledBackTransactionPublishesNothing() throws Exception {
    String runId = UUID.randomUUID().toString();
    assertThatThrownBy(() -> commands.requestRunAndFail(runId, "quarkus-pipe"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(
            count(
                "SELECT count(*) FROM outbox WHERE event_id = '"
                    + EventIds.of(Topic.TRAINING_REQUESTED, runId)
                    + "'"))
        .isZero();
  }

  @Test
  void theChannelDeDuplicatesDeadLettersAndChainsWhatItProduces() throws Exception {
    String input = prefix + Topic.DATASETS_INGESTED.topicName();
    String pipeline = "q-" + UUID.randomUUID().toString().substring(0, 8);
    Envelope good =
        Envelope.root(
                Topic.DATASETS_INGESTED,
                EventIds.of(Topic.DATASETS_INGESTED, pipeline, 1),
                "/trainyard/ingestion",
                pipeline)
            .withTraceparent(Traceparents.generate());
    Envelope poison =
        Envelope.root(
            Topic.DATASETS_INGESTED,
            EventIds.of(Topic.DATASETS_INGESTED, "poison-" + pipeline, 1),
            "/trainyard/ingestion",
            "poison-" + pipeline);
    ObjectNode invalid = dataset(pipeline, 2);
    invalid.remove("splits");
    long deadLetteredBefore = processor.deadLettered();
    try (Producer<String, byte[]> producer =
        EventingProducers.create(bootstrap, "quarkus-test-" + pipeline)) {
      // Same key: one partition, in this order.
      send(producer, input, pipeline, good, dataset(pipeline, 1));
      send(producer, input, pipeline, poison, dataset("poison-" + pipeline, 1));
      send(producer, input, pipeline, good, dataset(pipeline, 1)); // redelivered
      send(
          producer,
          input,
          pipeline,
          Envelope.root(
              Topic.DATASETS_INGESTED,
              EventIds.of(Topic.DATASETS_INGESTED, pipeline, 2),
              "/trainyard/ingestion",
              pipeline),
          invalid);
      send(producer, input, pipeline, good, dataset(pipeline, 1)); // and again
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> processor.deadLettered() - deadLetteredBefore >= 2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("SELECT count(*) FROM inbox WHERE event_id = '" + good.id() + "'") == 1);
    assertThat(count("SELECT n FROM effects WHERE event_id = '" + good.id() + "'")).isEqualTo(1);

    String childId = EventIds.of(Topic.TRAINING_REQUESTED, DatasetsListener.runId(pipeline, 1));
    List<ConsumerRecord<String, byte[]>> children =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    EventLog.awaitAtLeast(
                            prefix + Topic.TRAINING_REQUESTED.topicName(), 0, Duration.ZERO)
                        .stream()
                        .filter(r -> childId.equals(header(r, CloudEventHeaders.ID)))
                        .toList(),
                found -> !found.isEmpty());
    assertThat(children).hasSize(1);
    assertThat(header(children.get(0), CloudEventHeaders.CAUSATION_ID)).isEqualTo(good.id());
    assertThat(header(children.get(0), CloudEventHeaders.CORRELATION_ID))
        .isEqualTo(good.correlationId());
    assertThat(header(children.get(0), CloudEventHeaders.TRACEPARENT))
        .isEqualTo(good.traceparent());

    List<String> reasons =
        EventLog.awaitAtLeast(input + Topic.DLQ_SUFFIX, 0, Duration.ofMillis(500)).stream()
            .filter(r -> pipeline.equals(r.key()))
            .map(r -> header(r, DeadLetterHeaders.REASON))
            .toList();
    assertThat(reasons)
        .containsExactly(
            "poison: pipeline poison-" + pipeline + " was deleted",
            "schema-invalid: $.splits: is required");
  }

  private static ObjectNode dataset(String pipeline, int version) {
    ObjectNode payload =
        (ObjectNode) Json.readResource(Topic.DATASETS_INGESTED.exampleResource()).deepCopy();
    payload.put("pipeline", pipeline);
    payload.put("version", version);
    return payload;
  }

  private static void send(
      Producer<String, byte[]> producer,
      String topic,
      String key,
      Envelope envelope,
      ObjectNode payload)
      throws Exception {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, key, Json.writeBytes(payload));
    envelope.toHeaders().forEach((k, v) -> record.headers().add(k, v));
    producer.send(record).get();
  }

  private long count(String sql) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
