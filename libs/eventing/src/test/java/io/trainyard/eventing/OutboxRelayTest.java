package io.trainyard.eventing;

import static io.trainyard.eventing.EventingFixture.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.contracts.CloudEventHeaders;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.events.Trigger;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay on the real broker and PostgreSQL: nothing committed is lost, nothing gets a new id.
 */
class OutboxRelayTest {

  private static final OutboxRelay.Settings FAST =
      OutboxRelay.Settings.DEFAULTS
          .withBatchSize(50)
          .withPollInterval(Duration.ofMillis(100))
          .withStandbyInterval(Duration.ofMillis(200))
          .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));

  private EventingFixture fx;
  private OutboxWriter writer;

  @BeforeEach
  void setUp() throws Exception {
    fx = new EventingFixture();
    fx.createTopics(Topic.TRAINING_REQUESTED);
    writer = fx.writer("training-test");
  }

  @AfterEach
  void tearDown() throws Exception {
    fx.close();
  }

  @Test
  void eventsCommittedBeforeTheRelayRanArePublishedExactlyOnceByTheNextRelay() throws Exception {
    Map<String, List<String>> appendedByKey = commitEvents(120, 4);

    // A relay whose producer cannot reach any broker: it "dies" before anything is published.
    Producer<String, byte[]> deadProducer =
        fx.closeLater(
            EventingProducers.create(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, "300",
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "1000",
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "500")));
    OutboxRelay dead = new OutboxRelay(fx.dataSource, deadProducer, FAST, "dead-relay");
    dead.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> dead.failures() >= 2);
    dead.stop();
    assertThat(dead.published()).isZero();
    assertThat(fx.queryLong("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
        .isEqualTo(120);

    OutboxRelay relay = startRelay("relay-2");
    await().atMost(Duration.ofSeconds(30)).until(() -> relay.unpublished() == 0);

    List<ConsumerRecord<String, byte[]>> records =
        fx.readAll(fx.topic(Topic.TRAINING_REQUESTED), 120, Duration.ofSeconds(2));
    Map<String, Long> timesById =
        records.stream()
            .collect(
                Collectors.groupingBy(r -> header(r, CloudEventHeaders.ID), Collectors.counting()));
    assertThat(timesById).hasSize(120);
    assertThat(timesById.values()).containsOnly(1L);
    assertThat(timesById.keySet())
        .containsExactlyInAnyOrderElementsOf(
            appendedByKey.values().stream().flatMap(List::stream).toList());
    // Per key (one partition each), the events arrive in the order they were committed.
    Map<String, List<String>> publishedByKey = new LinkedHashMap<>();
    records.stream()
        .sorted(
            (a, b) ->
                a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()))
        .forEach(
            r ->
                publishedByKey
                    .computeIfAbsent(r.key(), k -> new ArrayList<>())
                    .add(header(r, CloudEventHeaders.ID)));
    assertThat(publishedByKey).isEqualTo(appendedByKey);
    assertThat(relay.published()).isEqualTo(120);
  }

  @Test
  void aCrashAfterSendAndBeforeMarkRepublishesTheSameIdsOnly() throws Exception {
    Map<String, List<String>> appended = commitEvents(40, 2);
    List<String> ids = appended.values().stream().flatMap(List::stream).toList();
    // The relay can send but never mark: as if it died right after the broker acknowledged.
    fx.execute(
        "CREATE FUNCTION refuse_mark() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$ BEGIN RAISE EXCEPTION 'relay crashed before marking'; END $$");
    fx.execute(
        "CREATE TRIGGER refuse_mark BEFORE UPDATE ON outbox FOR EACH ROW"
            + " EXECUTE FUNCTION refuse_mark()");
    OutboxRelay crashing = startRelay("crashing-relay");
    await().atMost(Duration.ofSeconds(30)).until(() -> crashing.failures() >= 1);
    crashing.stop();
    assertThat(fx.queryLong("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
        .isEqualTo(40);
    assertThat(fx.readAll(fx.topic(Topic.TRAINING_REQUESTED), 40, Duration.ofMillis(500)))
        .extracting(r -> header(r, CloudEventHeaders.ID))
        .containsAll(ids);

    fx.execute("DROP TRIGGER refuse_mark ON outbox");
    OutboxRelay restarted = startRelay("restarted-relay");
    await().atMost(Duration.ofSeconds(30)).until(() -> restarted.unpublished() == 0);

    List<ConsumerRecord<String, byte[]>> records =
        fx.readAll(fx.topic(Topic.TRAINING_REQUESTED), 80, Duration.ofSeconds(1));
    Map<String, Long> timesById =
        records.stream()
            .collect(
                Collectors.groupingBy(r -> header(r, CloudEventHeaders.ID), Collectors.counting()));
    // Republished, never renamed: the same 40 ids, each at least twice; consumers de-duplicate.
    assertThat(timesById.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(timesById.values()).allMatch(n -> n >= 2);
  }

  @Test
  void oneReplicaRelaysAndAnotherTakesOverWhenItStops() throws Exception {
    OutboxRelay first = startRelay("replica-1");
    await().atMost(Duration.ofSeconds(10)).until(first::isLeader);
    OutboxRelay second = startRelay("replica-2");
    Thread.sleep(600);
    assertThat(second.isLeader()).isFalse();

    commitEvents(10, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> first.published() == 10);
    assertThat(second.published()).isZero();

    first.stop();
    await().atMost(Duration.ofSeconds(10)).until(second::isLeader);
    commitEvents(10, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> second.published() == 10);
    assertThat(fx.readAll(fx.topic(Topic.TRAINING_REQUESTED), 20, Duration.ofSeconds(1)))
        .hasSize(20);
  }

  @Test
  void aSignalAfterCommitWakesTheRelayBeforeItsPoll() throws Exception {
    Producer<String, byte[]> producer = fx.producer();
    OutboxRelay relay =
        fx.closeLater(
            new OutboxRelay(
                fx.dataSource,
                producer,
                FAST.withPollInterval(Duration.ofSeconds(30)),
                "slow-poll-relay"));
    relay.start();
    await().atMost(Duration.ofSeconds(10)).until(relay::isLeader);
    Thread.sleep(300); // let it go to sleep on its 30 s poll

    commitEvents(1, 1);
    long start = System.nanoTime();
    relay.signal();
    await().atMost(Duration.ofSeconds(5)).until(() -> relay.published() == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void publishedRowsAreDeletedAfterTheRetentionPeriodAndUnpublishedOnesAreKept() throws Exception {
    commitEvents(6, 2);
    OutboxRelay first = startRelay("first");
    await().atMost(Duration.ofSeconds(10)).until(() -> first.published() == 6);
    first.stop();
    fx.execute("UPDATE outbox SET published_at = now() - interval '2 hours'");
    commitEvents(3, 1); // not published yet when the next relay purges

    Producer<String, byte[]> producer = fx.producer();
    OutboxRelay purging =
        fx.closeLater(
            new OutboxRelay(
                fx.dataSource, producer, FAST.withRetention(Duration.ofHours(1)), "purging"));
    purging.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> purging.published() == 3);
    assertThat(fx.queryLong("SELECT count(*) FROM outbox")).isEqualTo(3);
    assertThat(fx.queryLong("SELECT count(*) FROM outbox WHERE published_at IS NULL")).isZero();
  }

  private OutboxRelay startRelay(String name) {
    OutboxRelay relay = fx.closeLater(new OutboxRelay(fx.dataSource, fx.producer(), FAST, name));
    relay.start();
    return relay;
  }

  private int batchNumber;

  /**
   * Commits {@code count} training requests spread over {@code pipelines} pipelines (keys), a few
   * per transaction; returns the ids per record key, in commit order.
   */
  private Map<String, List<String>> commitEvents(int count, int pipelines) throws Exception {
    int batch = batchNumber++;
    Map<String, List<String>> idsByKey = new LinkedHashMap<>();
    Map<Integer, String> runIdByPipeline = new HashMap<>();
    Function<Integer, String> pipelineName = i -> "pipe-" + batch + "-" + (i % pipelines);
    try (Connection c = fx.dataSource.getConnection()) {
      c.setAutoCommit(false);
      for (int i = 0; i < count; i++) {
        String pipeline = pipelineName.apply(i);
        // training.requested is keyed by run id: one run id per pipeline keeps a key's order.
        String runId =
            runIdByPipeline.computeIfAbsent(i % pipelines, p -> UUID.randomUUID().toString());
        TrainingRequested request =
            new TrainingRequested(runId, pipeline, i + 1, Trigger.MANUAL, "test " + i, null);
        OutboxEvent event = writer.append(c, Topic.TRAINING_REQUESTED, request, runId, i);
        assertThat(event.appended()).isTrue();
        idsByKey.computeIfAbsent(event.key(), k -> new ArrayList<>()).add(event.id());
        if (i % 7 == 6) {
          c.commit();
        }
      }
      c.commit();
    }
    return idsByKey;
  }
}
