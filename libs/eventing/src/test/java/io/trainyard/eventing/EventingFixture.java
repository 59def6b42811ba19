package io.trainyard.eventing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestStack;
import io.trainyard.testing.TestStacks;
import io.trainyard.testing.UniqueNames;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What the eventing tests share: the real stack (Kafka, PostgreSQL), a fresh schema per test
 * migrated by Flyway from {@code db/eventing} exactly as a service would, unique topics, and
 * helpers to produce, consume and process records.
 */
final class EventingFixture implements AutoCloseable {

  final TestStack stack = TestStacks.current();
  final String schema = "ev_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  /** Every catalogue topic of this test is published as {@code <prefix><topic name>}. */
  final String topicPrefix = UniqueNames.of("evt") + ".";

  final DataSource dataSource;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  EventingFixture() {
    Flyway.configure()
        .dataSource(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword())
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .locations("classpath:db/eventing")
        .load()
        .migrate();
    dataSource = dataSource(schema);
  }

  DataSource dataSource(String schema) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(stack.jdbcUrl());
    ds.setUser(stack.dbUser());
    ds.setPassword(stack.dbPassword());
    ds.setCurrentSchema(schema);
    return ds;
  }

  /** The Kafka topic of a catalogue topic in this test. */
  String topic(Topic topic) {
    return topicPrefix + topic.topicName();
  }

  /** A writer for service {@code service} that publishes to this test's topics. */
  OutboxWriter writer(String service) {
    return new OutboxWriter("/trainyard/" + service, this::topic);
  }

  /** Creates this test's topics (and their dead-letter topics) with 3 partitions. */
  void createTopics(Topic... topics) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      List<NewTopic> created = new ArrayList<>();
      for (Topic topic : topics) {
        created.add(new NewTopic(topic(topic), 3, (short) 1));
        created.add(new NewTopic(topic(topic) + Topic.DLQ_SUFFIX, 1, (short) 1));
      }
      admin.createTopics(created).all().get();
    }
  }

  String bootstrap() {
    return stack.kafkaBootstrapServers();
  }

  Producer<String, byte[]> producer() {
    return closeLater(EventingProducers.create(bootstrap(), "test-" + UUID.randomUUID()));
  }

  <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(0, closeable);
    return closeable;
  }

  /** Sends a record with the envelope's headers and waits for the acknowledgement. */
  void send(
      Producer<String, byte[]> producer, String topic, String key, Envelope envelope, byte[] value)
      throws Exception {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
    if (envelope != null) {
      envelope.toHeaders().forEach((k, v) -> record.headers().add(k, v));
    }
    producer.send(record).get();
  }

  /**
   * Reads a topic from the beginning until at least {@code atLeast} records arrived, then for
   * {@code quiet} more, so that extra (duplicate) records are seen too.
   */
  List<ConsumerRecord<String, byte[]>> readAll(String topic, int atLeast, Duration quiet) {
    return EventLog.awaitAtLeast(topic, atLeast, quiet);
  }

  /**
   * Consumes {@code topic} in consumer group {@code group} and gives each record to {@code
   * processor}, committing its offset after it returns, until {@code count} records were processed.
   * Stops at the first exception (the offset of that record is not committed).
   */
  <R> List<R> process(String topic, String group, int count, RecordFunction<R> processor)
      throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<R> results = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (results.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          results.add(processor.apply(ConsumedRecord.of(record)));
          consumer.commitSync(
              Map.of(
                  new TopicPartition(record.topic(), record.partition()),
                  new OffsetAndMetadata(record.offset() + 1)));
          if (results.size() == count) {
            break;
          }
        }
      }
    }
    if (results.size() < count) {
      throw new AssertionError("processed " + results.size() + " of " + count + " records");
    }
    return results;
  }

  @FunctionalInterface
  interface RecordFunction<R> {
    R apply(ConsumedRecord record) throws Exception;
  }

  /** A valid {@code datasets.ingested} payload of {@code pipeline}, version {@code version}. */
  static ObjectNode datasetIngested(String pipeline, int version) {
    ObjectNode payload =
        (ObjectNode) Json.readResource(Topic.DATASETS_INGESTED.exampleResource()).deepCopy();
    payload.put("pipeline", pipeline);
    payload.put("version", version);
    return payload;
  }

  /** The envelope an ingestion service would put on that payload, with a trace context. */
  static Envelope ingestedEnvelope(String pipeline, int version) {
    return Envelope.root(
            Topic.DATASETS_INGESTED,
            EventIds.of(Topic.DATASETS_INGESTED, pipeline, version),
            "/trainyard/ingestion",
            pipeline)
        .withTraceparent(Traceparents.generate());
  }

  static byte[] bytes(JsonNode node) {
    return Json.writeBytes(node);
  }

  static String header(ConsumerRecord<?, ?> record, String name) {
    return EventLog.header(record, name);
  }

  long queryLong(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // Best effort: the next one still gets closed.
      }
    }
    try (Connection c = dataSource(schema).getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
