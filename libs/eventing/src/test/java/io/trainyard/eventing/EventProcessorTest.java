package io.trainyard.eventing;

import static io.trainyard.eventing.EventingFixture.bytes;
import static io.trainyard.eventing.EventingFixture.datasetIngested;
import static io.trainyard.eventing.EventingFixture.header;
import static io.trainyard.eventing.EventingFixture.ingestedEnvelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.contracts.CloudEventHeaders;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.eventing.EventProcessor.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer side on the real broker and PostgreSQL: records are read from a Kafka topic by a
 * real consumer, processed, and their offsets committed afterwards, as a service does.
 */
class EventProcessorTest {

  private static final String SERVICE = "training-test";

  private EventingFixture fx;
  private Producer<String, byte[]> producer;
  private OutboxWriter writer;
  private OutboxRelay relay;
  private String input;
  private String output;

  @BeforeEach
  void setUp() throws Exception {
    fx = new EventingFixture();
    fx.createTopics(Topic.DATASETS_INGESTED, Topic.TRAINING_REQUESTED);
    fx.execute(
        "CREATE TABLE effects (event_id text PRIMARY KEY, pipeline text NOT NULL, n int NOT NULL)");
    producer = fx.producer();
    writer = fx.writer(SERVICE);
    relay =
        fx.closeLater(
            new OutboxRelay(
                fx.dataSource,
                producer,
                OutboxRelay.Settings.DEFAULTS.withPollInterval(Duration.ofMillis(100)),
                "processor-test-relay"));
    relay.start();
    input = fx.topic(Topic.DATASETS_INGESTED);
    output = fx.topic(Topic.TRAINING_REQUESTED);
  }

  @AfterEach
  void tearDown() throws Exception {
    fx.close();
  }

  private EventProcessor processor(RetryPolicy retry) {
    return new EventProcessor(
        new JdbcTransactionRunner(fx.dataSource),
        new DeadLetterPublisher(producer, SERVICE, Duration.ofSeconds(10)),
        retry,
        relay::signal);
  }

  /**
   * The handler of the tests: counts its effect per event (a second effect would show as n = 2) and
   * requests a training run, a child of the handled event.
   */
  private void requestTraining(Connection c, IncomingEvent<DatasetIngested> event)
      throws Exception {
    DatasetIngested dataset = event.payload();
    try (PreparedStatement effect =
        c.prepareStatement(
            "INSERT INTO effects (event_id, pipeline, n) VALUES (?, ?, 1)"
                + " ON CONFLICT (event_id) DO UPDATE SET n = effects.n + 1")) {
      effect.setString(1, event.id());
      effect.setString(2, dataset.pipeline());
      effect.executeUpdate();
    }
    String runId = runId(dataset.pipeline(), dataset.version());
    writer.append(
        c,
        Topic.TRAINING_REQUESTED,
        new TrainingRequested(
            runId, dataset.pipeline(), dataset.version(), Trigger.DATA, "new dataset", null),
        runId);
  }

  private static String runId(String pipeline, int version) {
    return EventIds.of(Topic.DATASETS_INGESTED, "run", pipeline, version);
  }

  @Test
  void anEventDeliveredThreeTimesHasOneEffect() throws Exception {
    String pipeline = "thrice";
    Envelope envelope = ingestedEnvelope(pipeline, 1);
    for (int i = 0; i < 3; i++) {
      fx.send(producer, input, pipeline, envelope, bytes(datasetIngested(pipeline, 1)));
    }
    EventProcessor processor = processor(RetryPolicy.DEFAULT);

    List<Outcome> outcomes =
        fx.process(
            input,
            UUID.randomUUID().toString(),
            3,
            r ->
                processor.process(
                    r, Topic.DATASETS_INGESTED, DatasetIngested.class, this::requestTraining));

    assertThat(outcomes).containsExactly(Outcome.PROCESSED, Outcome.DUPLICATE, Outcome.DUPLICATE);
    assertThat(fx.queryLong("SELECT n FROM effects WHERE event_id = '" + envelope.id() + "'"))
        .isEqualTo(1);
    String childId = EventIds.of(Topic.TRAINING_REQUESTED, runId(pipeline, 1));
    assertThat(fx.queryLong("SELECT count(*) FROM outbox WHERE event_id = '" + childId + "'"))
        .isEqualTo(1);
    assertThat(fx.queryLong("SELECT count(*) FROM inbox")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> relay.unpublished() == 0);
    assertThat(fx.readAll(output, 1, Duration.ofSeconds(2)))
        .extracting(r -> header(r, CloudEventHeaders.ID))
        .containsExactly(childId);
    assertThat(processor.processed()).isEqualTo(1);
    assertThat(processor.duplicates()).isEqualTo(2);
  }

  @Test
  void poisonInvalidAndFailingRecordsAreDeadLetteredAndTheNextRecordIsProcessed() throws Exception {
    String key = "one-partition"; // every record on one partition, in this order
    ObjectNode wrongVersion = datasetIngested("invalid", 3);
    wrongVersion.put("version", "three");
    ObjectNode noHash = datasetIngested("invalid", 4);
    noHash.remove("contentHash");
    Envelope poisonEnvelope = ingestedEnvelope("poison", 1);
    fx.send(producer, input, key, poisonEnvelope, bytes(datasetIngested("poison", 1)));
    fx.send(producer, input, key, ingestedEnvelope("invalid", 3), bytes(wrongVersion));
    fx.send(producer, input, key, ingestedEnvelope("invalid", 4), bytes(noHash));
    sendWithoutId(key, ingestedEnvelope("no-id", 1), bytes(datasetIngested("no-id", 1)));
    Envelope wrongType =
        Envelope.root(Topic.TRAINING_REQUESTED, "wrong-type-1", "/trainyard/console", "x");
    fx.send(producer, input, key, wrongType, bytes(datasetIngested("wrong-type", 1)));
    fx.send(producer, input, key, ingestedEnvelope("bug", 1), bytes(datasetIngested("bug", 1)));
    Envelope good = ingestedEnvelope("good", 1);
    fx.send(producer, input, key, good, bytes(datasetIngested("good", 1)));

    EventProcessor processor = processor(RetryPolicy.DEFAULT);
    List<Outcome> outcomes =
        fx.process(
            input,
            UUID.randomUUID().toString(),
            7,
            r ->
                processor.process(
                    r,
                    Topic.DATASETS_INGESTED,
                    DatasetIngested.class,
                    (c, event) -> {
                      switch (event.payload().pipeline()) {
                        case "poison" ->
                            throw new PoisonEventException("pipeline poison was deleted");
                        case "bug" -> throw new IllegalArgumentException("no such split: test");
                        default -> requestTraining(c, event);
                      }
                    }));

    assertThat(outcomes).hasSize(7).endsWith(Outcome.PROCESSED);
    assertThat(outcomes.subList(0, 6)).containsOnly(Outcome.DEAD_LETTERED);
    assertThat(fx.queryLong("SELECT count(*) FROM effects")).isEqualTo(1);
    assertThat(fx.queryLong("SELECT count(*) FROM effects WHERE pipeline = 'good'")).isEqualTo(1);
    assertThat(fx.queryLong("SELECT count(*) FROM outbox")).isEqualTo(1);

    List<ConsumerRecord<String, byte[]>> letters =
        fx.readAll(input + Topic.DLQ_SUFFIX, 6, Duration.ofSeconds(1));
    assertThat(letters).hasSize(6);
    assertThat(letters)
        .extracting(r -> header(r, DeadLetterHeaders.REASON))
        .satisfiesExactly(
            reason -> assertThat(reason).isEqualTo("poison: pipeline poison was deleted"),
            reason ->
                assertThat(reason)
                    .isEqualTo("schema-invalid: $.version: must be integer, not string"),
            reason -> assertThat(reason).isEqualTo("schema-invalid: $.contentHash: is required"),
            reason -> assertThat(reason).isEqualTo("invalid-envelope: ce_id is missing"),
            reason ->
                assertThat(reason)
                    .startsWith("invalid-envelope: ce_type 'io.trainyard.training.requested.v1'"),
            reason ->
                assertThat(reason)
                    .isEqualTo("handler-failed: IllegalArgumentException: no such split: test"));
    List<ConsumerRecord<String, byte[]>> originals = fx.readAll(input, 7, Duration.ofMillis(200));
    for (int i = 0; i < letters.size(); i++) {
      ConsumerRecord<String, byte[]> letter = letters.get(i);
      ConsumerRecord<String, byte[]> original = originals.get(i);
      assertThat(letter.key()).isEqualTo(original.key());
      assertThat(letter.value()).isEqualTo(original.value());
      assertThat(header(letter, DeadLetterHeaders.TOPIC)).isEqualTo(input);
      assertThat(header(letter, DeadLetterHeaders.PARTITION))
          .isEqualTo(Integer.toString(original.partition()));
      assertThat(header(letter, DeadLetterHeaders.OFFSET))
          .isEqualTo(Long.toString(original.offset()));
      assertThat(header(letter, DeadLetterHeaders.SERVICE)).isEqualTo(SERVICE);
      assertThat(Instant.parse(header(letter, DeadLetterHeaders.TIME)))
          .isBetween(Instant.now().minusSeconds(120), Instant.now().plusSeconds(1));
      assertThat(header(letter, DeadLetterHeaders.EXCEPTION)).isNotBlank();
      assertThat(header(letter, CloudEventHeaders.TYPE))
          .isEqualTo(header(original, CloudEventHeaders.TYPE));
    }
    assertThat(header(letters.get(0), CloudEventHeaders.ID)).isEqualTo(poisonEnvelope.id());
    assertThat(header(letters.get(0), DeadLetterHeaders.EXCEPTION))
        .isEqualTo(PoisonEventException.class.getName() + ": pipeline poison was deleted");
    assertThat(processor.deadLettered()).isEqualTo(6);
  }

  @Test
  void producedEventsCarryTheCorrelationCausationAndTraceOfTheHandledEvent() throws Exception {
    String traceparent = Traceparents.generate();
    Envelope handled =
        new Envelope(
            EventIds.of(Topic.DATASETS_INGESTED, "chained", 2),
            Topic.DATASETS_INGESTED.ceType(),
            "/trainyard/ingestion",
            "chained",
            Instant.now(),
            null,
            "retrain-chain-42",
            "drift-window-41",
            traceparent);
    fx.send(producer, input, "chained", handled, bytes(datasetIngested("chained", 2)));

    EventProcessor processor = processor(RetryPolicy.DEFAULT);
    fx.process(
        input,
        UUID.randomUUID().toString(),
        1,
        r ->
            processor.process(
                r, Topic.DATASETS_INGESTED, DatasetIngested.class, this::requestTraining));

    List<ConsumerRecord<String, byte[]>> produced = fx.readAll(output, 1, Duration.ofMillis(500));
    assertThat(produced).hasSize(1);
    ConsumerRecord<String, byte[]> child = produced.get(0);
    assertThat(header(child, CloudEventHeaders.CORRELATION_ID)).isEqualTo("retrain-chain-42");
    assertThat(header(child, CloudEventHeaders.CAUSATION_ID)).isEqualTo(handled.id());
    assertThat(header(child, CloudEventHeaders.TRACEPARENT)).isEqualTo(traceparent);
    assertThat(header(child, CloudEventHeaders.SOURCE)).isEqualTo("/trainyard/" + SERVICE);
    assertThat(header(child, CloudEventHeaders.SUBJECT)).isEqualTo("chained");
    assertThat(header(child, CloudEventHeaders.TYPE)).isEqualTo(Topic.TRAINING_REQUESTED.ceType());
    assertThat(header(child, CloudEventHeaders.ID))
        .isEqualTo(EventIds.of(Topic.TRAINING_REQUESTED, runId("chained", 2)));
    assertThat(child.key()).isEqualTo(runId("chained", 2));
  }

  @Test
  void aTransientFailureIsRetriedAndThenSucceedsWithOneEffect() throws Exception {
    Envelope envelope = ingestedEnvelope("flaky", 1);
    fx.send(producer, input, "flaky", envelope, bytes(datasetIngested("flaky", 1)));
    AtomicInteger attempts = new AtomicInteger();
    EventProcessor processor =
        processor(new RetryPolicy(5, Duration.ofMillis(20), Duration.ofMillis(100)));

    List<Outcome> outcomes =
        fx.process(
            input,
            UUID.randomUUID().toString(),
            1,
            r ->
                processor.process(
                    r,
                    Topic.DATASETS_INGESTED,
                    DatasetIngested.class,
                    (c, event) -> {
                      requestTraining(c, event); // written, then rolled back by the failure
                      if (attempts.incrementAndGet() < 3) {
                        throw new TransientEventException("object store unavailable");
                      }
                    }));

    assertThat(outcomes).containsExactly(Outcome.PROCESSED);
    assertThat(attempts).hasValue(3);
    assertThat(processor.retries()).isEqualTo(2);
    assertThat(fx.queryLong("SELECT n FROM effects WHERE event_id = '" + envelope.id() + "'"))
        .isEqualTo(1);
    assertThat(fx.queryLong("SELECT count(*) FROM outbox")).isEqualTo(1);
    assertThat(fx.readAll(input + Topic.DLQ_SUFFIX, 0, Duration.ofMillis(500))).isEmpty();
  }

  @Test
  void aRowLockTimeoutInPostgresqlIsRetriedUntilTheLockIsReleased() throws Exception {
    Envelope envelope = ingestedEnvelope("locked", 1);
    fx.execute(
        "INSERT INTO effects (event_id, pipeline, n) VALUES ('"
            + envelope.id()
            + "', 'locked', 0)");
    fx.send(producer, input, "locked", envelope, bytes(datasetIngested("locked", 1)));
    EventProcessor processor =
        processor(new RetryPolicy(10, Duration.ofMillis(50), Duration.ofMillis(200)));
    CountDownLatch locked = new CountDownLatch(1);
    Thread holder =
        new Thread(
            () -> {
              try (Connection c = fx.dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                  s.execute("SELECT * FROM effects FOR UPDATE");
                }
                locked.countDown();
                // Hold the row until the handler has hit the lock at least twice.
                await().atMost(Duration.ofSeconds(30)).until(() -> processor.retries() >= 2);
                c.rollback();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    holder.start();
    locked.await();

    List<Outcome> outcomes =
        fx.process(
            input,
            UUID.randomUUID().toString(),
            1,
            r ->
                processor.process(
                    r,
                    Topic.DATASETS_INGESTED,
                    DatasetIngested.class,
                    (c, event) -> {
                      try (Statement s = c.createStatement()) {
                        s.execute("SET LOCAL lock_timeout = '100ms'"); // fails with 55P03
                      }
                      requestTraining(c, event);
                    }));
    holder.join();

    assertThat(outcomes).containsExactly(Outcome.PROCESSED);
    assertThat(processor.retries()).isPositive();
    assertThat(fx.queryLong("SELECT n FROM effects WHERE event_id = '" + envelope.id() + "'"))
        .isEqualTo(1);
  }

  @Test
  void whenRetriesRunOutTheRecordIsNeitherProcessedNorDeadLetteredAndIsProcessedWhenRedelivered()
      throws Exception {
    Envelope envelope = ingestedEnvelope("down", 1);
    fx.send(producer, input, "down", envelope, bytes(datasetIngested("down", 1)));
    EventProcessor processor =
        processor(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20)));
    String group = UUID.randomUUID().toString();

    assertThatThrownBy(
            () ->
                fx.process(
                    input,
                    group,
                    1,
                    r ->
                        processor.process(
                            r,
                            Topic.DATASETS_INGESTED,
                            DatasetIngested.class,
                            (c, event) -> {
                              requestTraining(c, event);
                              throw new TransientEventException("database failover");
                            })))
        .isInstanceOf(RetriesExhaustedException.class)
        .hasMessageContaining("after 3 attempt(s)")
        .hasMessageContaining("database failover");
    assertThat(processor.exhausted()).isEqualTo(1);
    assertThat(fx.queryLong("SELECT count(*) FROM inbox")).isZero();
    assertThat(fx.queryLong("SELECT count(*) FROM effects")).isZero();
    assertThat(fx.readAll(input + Topic.DLQ_SUFFIX, 0, Duration.ofMillis(500))).isEmpty();

    // The offset was not committed: the same group gets the record again, and now it works.
    List<Outcome> redelivered =
        fx.process(
            input,
            group,
            1,
            r ->
                processor.process(
                    r, Topic.DATASETS_INGESTED, DatasetIngested.class, this::requestTraining));
    assertThat(redelivered).containsExactly(Outcome.PROCESSED);
    assertThat(fx.queryLong("SELECT n FROM effects WHERE event_id = '" + envelope.id() + "'"))
        .isEqualTo(1);
  }

  @Test
  void aTombstoneOnACompactedTopicReachesTheHandlerWithoutPayload() throws Exception {
    fx.createTopics(Topic.PIPELINES);
    String pipelines = fx.topic(Topic.PIPELINES);
    producer.send(new ProducerRecord<>(pipelines, "card-fraud", null)).get();
    EventProcessor processor = processor(RetryPolicy.DEFAULT);
    List<IncomingEvent<?>> seen = new ArrayList<>();

    List<Outcome> outcomes =
        fx.process(
            pipelines,
            UUID.randomUUID().toString(),
            1,
            r ->
                processor.process(
                    r,
                    Topic.PIPELINES,
                    io.trainyard.contracts.spec.PipelineSpec.class,
                    (c, event) -> seen.add(event)));

    assertThat(outcomes).containsExactly(Outcome.PROCESSED);
    assertThat(seen)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.isTombstone()).isTrue();
              assertThat(e.key()).isEqualTo("card-fraud");
            });
  }

  private void sendWithoutId(String key, Envelope envelope, byte[] value) throws Exception {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(input, key, value);
    for (Map.Entry<String, byte[]> header : envelope.toHeaders().entrySet()) {
      if (!header.getKey().equals(CloudEventHeaders.ID)) {
        record.headers().add(header.getKey(), header.getValue());
      }
    }
    producer.send(record).get();
  }
}
