package io.trainyard.benchmarks;

import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.InferenceObserved;
import io.trainyard.eventing.EventingProducers;
import io.trainyard.eventing.OutboxRelay;
import io.trainyard.eventing.OutboxWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Outbox relay throughput (events per second from commit to broker acknowledgement) against Kafka's
 * own {@code ProducerPerformance} with {@code acks=all}, on the same broker, in the same run, with
 * {@code inference.observed} payloads of about 600 bytes.
 *
 * <ol>
 *   <li>{@code ProducerPerformance} in a child JVM (the broker's classpath plus kafka-tools): the
 *       raw producer: with the relay's producer settings, with Kafka's defaults, and with records
 *       as large as a relayed record's payload plus its CloudEvent headers;
 *   <li><b>drain</b>: N events are committed to the outbox with no relay running, then a relay
 *       starts; the figure is N over the time until the last one is acknowledged and marked;
 *   <li><b>live</b>: a writer commits N events (100 per transaction) while the relay runs; the
 *       figure is N over the time from the first commit to the last acknowledgement, with the
 *       commit-to-publish latency of the events ({@code published_at - created_at}).
 * </ol>
 *
 * <p>Needs the local stack ({@code ./trainyard up --infra-only}). Run: {@code java -cp
 * benchmarks/target/benchmarks.jar io.trainyard.benchmarks.OutboxRelayBenchmark [--events 100000]
 * [--batch-size 1000] [--bootstrap 127.0.0.1:9092] [--jdbc-url
 * jdbc:postgresql://127.0.0.1:5432/trainyard_test] [--user postgres] [--password ""] [--partitions
 * 6] [--linger-ms 5] [--batch-bytes 65536] [--skip-producer-perf] [--skip-live]}.
 */
public final class OutboxRelayBenchmark {

  private static final Pattern SUMMARY =
      Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\)");

  private final Map<String, String> options;
  private final int events;
  private final String bootstrap;
  private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private final String prefix = "bench-" + run + ".";
  private final String schema = "bench_" + run;

  private OutboxRelayBenchmark(Map<String, String> options) {
    this.options = options;
    this.events = Integer.parseInt(options.getOrDefault("events", "100000"));
    this.bootstrap = options.getOrDefault("bootstrap", "127.0.0.1:9092");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      String name = args[i].substring(2);
      if (name.equals("skip-producer-perf") || name.equals("skip-live")) {
        options.put(name, "true");
      } else {
        options.put(name, args[++i]);
      }
    }
    new OutboxRelayBenchmark(options).run();
  }

  private void run() throws Exception {
    int partitions = Integer.parseInt(options.getOrDefault("partitions", "6"));
    int batchSize = Integer.parseInt(options.getOrDefault("batch-size", "1000"));
    Map<String, String> producerSettings = new LinkedHashMap<>();
    producerSettings.put(ProducerConfig.LINGER_MS_CONFIG, options.getOrDefault("linger-ms", "5"));
    producerSettings.put(
        ProducerConfig.BATCH_SIZE_CONFIG, options.getOrDefault("batch-bytes", "65536"));

    byte[] sample = Json.writeBytes(payload(0));
    System.out.printf(
        Locale.ROOT,
        "outbox relay benchmark: %d events of %d bytes (inference.observed) + ~%d bytes of"
            + " CloudEvent headers; %d partitions; relay batch %d; producer %s, acks=all,"
            + " idempotent%n",
        events,
        sample.length,
        headerBytes(),
        partitions,
        batchSize,
        producerSettings);

    String relayTopic = prefix + Topic.INFERENCE_OBSERVED.topicName();
    String liveTopic = prefix + "live." + Topic.INFERENCE_OBSERVED.topicName();
    String rawTopic = prefix + "raw";
    String rawDefaultsTopic = prefix + "raw-defaults";
    String rawSameBytesTopic = prefix + "raw-same-bytes";
    List<String> topics =
        List.of(relayTopic, liveTopic, rawTopic, rawDefaultsTopic, rawSameBytesTopic);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(topics.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList())
          .all()
          .get();
    }
    DataSource dataSource = dataSource();
    try {
      migrate();
      Map<String, String> results = new LinkedHashMap<>();
      if (!options.containsKey("skip-producer-perf")) {
        Path payloadFile = Files.createTempFile("trainyard-bench", ".jsonl");
        try {
          StringBuilder lines = new StringBuilder();
          for (int i = 0; i < 1000; i++) {
            lines.append(Json.write(payload(i))).append('\n');
          }
          Files.writeString(payloadFile, lines);
          results.put(
              "ProducerPerformance, relay's producer settings",
              producerPerformance(rawTopic, payloadFile, producerSettings));
          results.put(
              "ProducerPerformance, Kafka's defaults + acks=all",
              producerPerformance(rawDefaultsTopic, payloadFile, Map.of()));
          // The relay's records also carry the CloudEvent headers: the same bytes per record.
          results.put(
              "ProducerPerformance, relay's settings, " + (sample.length + headerBytes()) + " B",
              producerPerformance(rawSameBytesTopic, null, producerSettings));
        } finally {
          Files.deleteIfExists(payloadFile);
        }
      }
      results.put(
          "outbox relay, drain", drain(dataSource, relayTopic, batchSize, producerSettings));
      if (!options.containsKey("skip-live")) {
        results.put(
            "outbox relay, live (commit -> ack)",
            live(dataSource, liveTopic, batchSize, producerSettings));
      }
      System.out.println();
      results.forEach((name, figure) -> System.out.printf(Locale.ROOT, "%-50s %s%n", name, figure));
    } finally {
      try (Connection c = connection();
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.deleteTopics(topics).all().get();
      }
    }
  }

  /** Commits every event first, then lets a relay drain the outbox. */
  private String drain(
      DataSource dataSource, String topic, int batchSize, Map<String, String> producerSettings)
      throws Exception {
    truncate();
    OutboxWriter writer = new OutboxWriter("/trainyard/bench", t -> topic);
    long writeStart = System.nanoTime();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      for (int i = 0; i < events; i++) {
        InferenceObserved payload = payload(i);
        writer.append(
            c, Topic.INFERENCE_OBSERVED, payload, payload.pipeline(), payload.predictionId());
        if (i % 1000 == 999) {
          c.commit();
        }
      }
      c.commit();
    }
    double writeSeconds = seconds(System.nanoTime() - writeStart);
    System.out.printf(
        Locale.ROOT,
        "outbox writes (validate + insert, 1000 per transaction): %.0f events/s%n",
        events / writeSeconds);

    try (Producer<String, byte[]> producer = producer(producerSettings);
        OutboxRelay relay = new OutboxRelay(dataSource, producer, relaySettings(batchSize))) {
      long start = System.nanoTime();
      relay.start();
      awaitPublished(relay, events);
      double elapsed = seconds(System.nanoTime() - start);
      relay.stop();
      requireOnBroker(topic, events);
      return String.format(
          Locale.ROOT,
          "%,.0f events/s  (%d events in %.2f s, %d batches)",
          events / elapsed,
          events,
          elapsed,
          relay.batches());
    }
  }

  /** Commits events (100 per transaction) while the relay runs. */
  private String live(
      DataSource dataSource, String topic, int batchSize, Map<String, String> producerSettings)
      throws Exception {
    truncate();
    OutboxWriter writer = new OutboxWriter("/trainyard/bench", t -> topic);
    try (Producer<String, byte[]> producer = producer(producerSettings);
        OutboxRelay relay = new OutboxRelay(dataSource, producer, relaySettings(batchSize))) {
      relay.start();
      while (!relay.isLeader()) {
        Thread.sleep(10);
      }
      long start = System.nanoTime();
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        for (int i = 0; i < events; i++) {
          InferenceObserved payload = payload(events + i);
          writer.append(
              c, Topic.INFERENCE_OBSERVED, payload, payload.pipeline(), payload.predictionId());
          if (i % 100 == 99) {
            c.commit();
            relay.signal();
          }
        }
        c.commit();
        relay.signal();
      }
      double writeSeconds = seconds(System.nanoTime() - start);
      awaitPublished(relay, events);
      double elapsed = seconds(System.nanoTime() - start);
      relay.stop();
      requireOnBroker(topic, events);
      String latency;
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lat),"
                      + " percentile_cont(0.99) WITHIN GROUP (ORDER BY lat) FROM (SELECT"
                      + " extract(epoch FROM published_at - created_at) * 1000 AS lat FROM"
                      + " outbox) t")) {
        rs.next();
        latency =
            String.format(
                Locale.ROOT,
                "commit->publish p50 %.0f ms, p99 %.0f ms",
                rs.getDouble(1),
                rs.getDouble(2));
      }
      return String.format(
          Locale.ROOT,
          "%,.0f events/s  (writer alone %,.0f events/s; %s)",
          events / elapsed,
          events / writeSeconds,
          latency);
    }
  }

  private String producerPerformance(
      String topic, Path payloadFile, Map<String, String> producerSettings) throws Exception {
    String classpath =
        resource("/io/trainyard/local/kafka.classpath")
            + ":"
            + resource("/io/trainyard/benchmarks/kafka-tools.classpath");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(classpath);
    command.add("org.apache.kafka.tools.ProducerPerformance");
    command.addAll(
        List.of(
            "--topic",
            topic,
            "--num-records",
            Integer.toString(events),
            "--throughput",
            "-1",
            "--producer-props",
            "bootstrap.servers=" + bootstrap,
            "acks=all"));
    producerSettings.forEach((k, v) -> command.add(k + "=" + v));
    if (payloadFile != null) {
      command.addAll(List.of("--payload-file", payloadFile.toString()));
    } else {
      // Random bytes as large as a relayed record's payload plus headers.
      int size = Json.writeBytes(payload(0)).length + headerBytes();
      command.addAll(List.of("--record-size", Integer.toString(size)));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException("ProducerPerformance failed:\n" + output);
    }
    Matcher summary = null;
    for (String line : output.split("\n")) {
      Matcher m = SUMMARY.matcher(line);
      if (m.find()) {
        summary = m;
      }
    }
    if (summary == null) {
      throw new IllegalStateException("no summary in ProducerPerformance's output:\n" + output);
    }
    String last = output.strip().lines().reduce((a, b) -> b).orElse("");
    System.out.println("ProducerPerformance: " + last);
    return String.format(
        Locale.ROOT,
        "%,.0f records/s  (%s MB/s)",
        Double.parseDouble(summary.group(2)),
        summary.group(3));
  }

  private Producer<String, byte[]> producer(Map<String, String> settings) {
    Map<String, Object> config = new LinkedHashMap<>(settings);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-relay-" + run);
    return EventingProducers.create(config);
  }

  private static OutboxRelay.Settings relaySettings(int batchSize) {
    return OutboxRelay.Settings.DEFAULTS
        .withBatchSize(batchSize)
        .withPollInterval(Duration.ofMillis(250));
  }

  private static void awaitPublished(OutboxRelay relay, long count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (relay.published() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "published " + relay.published() + " of " + count + " in 10 minutes");
      }
      Thread.sleep(2);
    }
  }

  /** Checks that the topic holds exactly {@code count} records (no loss, no duplicate). */
  private void requireOnBroker(String topic, long count) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      long total = consumer.endOffsets(partitions).values().stream().mapToLong(l -> l).sum();
      if (total != count) {
        throw new IllegalStateException(topic + " holds " + total + " records, not " + count);
      }
    }
  }

  /** An inference.observed payload of about 600 bytes: 20 features, two class scores. */
  static InferenceObserved payload(int i) {
    Map<String, Object> features = new LinkedHashMap<>();
    features.put("transaction_amount", 182.4 + (i % 1000));
    features.put("merchant_category", i % 3 == 0 ? "electronics" : "groceries");
    features.put("customer_segment", i % 2 == 0 ? "retail" : "business");
    features.put("hour_of_day", i % 24);
    features.put("is_international", i % 7 == 0);
    features.put("device_age_days", i % 11 == 0 ? null : i % 400);
    features.put("card_present", i % 5 != 0);
    features.put("account_age_months", 1 + i % 120);
    features.put("transactions_last_24h", i % 17);
    features.put("amount_vs_avg_ratio", 1.0 + (i % 50) / 10.0);
    features.put("distance_from_home_km", (i % 900) * 1.5);
    features.put("channel", i % 4 == 0 ? "web" : "pos");
    features.put("currency", "EUR");
    features.put("country", i % 9 == 0 ? "FR" : "DE");
    features.put("failed_logins_7d", i % 3);
    features.put("chargebacks_12m", i % 2);
    features.put("velocity_1h", i % 6);
    features.put("mcc_risk_score", (i % 100) / 100.0);
    features.put("email_domain_age_days", 30 + i % 3000);
    features.put("shipping_matches_billing", i % 8 != 0);
    double score = (i % 100) / 100.0;
    return new InferenceObserved(
        "card-fraud-" + (i % 8),
        4,
        String.format(Locale.ROOT, "pred-2026-03-01-%09d", i),
        features,
        score > 0.5 ? 1 : 0,
        Map.of("0", 1 - score, "1", score),
        null,
        Instant.parse("2026-03-01T23:14:05.123Z").plusMillis(i));
  }

  private static int headerBytes() {
    OutboxWriter writer = new OutboxWriter("/trainyard/bench");
    InferenceObserved payload = payload(0);
    return writer
        .envelope(null, Topic.INFERENCE_OBSERVED, payload, payload.pipeline(), "x")
        .textHeaders()
        .entrySet()
        .stream()
        .mapToInt(e -> e.getKey().length() + e.getValue().length())
        .sum();
  }

  private void migrate() throws Exception {
    String sql;
    try (InputStream in =
        OutboxRelay.class.getResourceAsStream("/db/eventing/V0_1_1__eventing_outbox_inbox.sql")) {
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection c = connection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
      s.execute("SET search_path TO " + schema);
      s.execute(sql);
    }
  }

  private void truncate() throws SQLException {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("TRUNCATE outbox");
      s.execute("VACUUM ANALYZE outbox");
    }
  }

  private DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(jdbcUrl());
    ds.setUser(options.getOrDefault("user", "postgres"));
    ds.setPassword(options.getOrDefault("password", ""));
    ds.setCurrentSchema(schema);
    return ds;
  }

  private Connection connection() throws SQLException {
    return DriverManager.getConnection(
        jdbcUrl(), options.getOrDefault("user", "postgres"), options.getOrDefault("password", ""));
  }

  private String jdbcUrl() {
    return options.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/trainyard_test");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = OutboxRelayBenchmark.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no " + name + " on the classpath: build benchmarks/");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
