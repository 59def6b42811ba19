package io.trainyard.ingestion.requests;

import io.smallrye.common.annotation.Identifier;
import io.trainyard.contracts.Catalogue;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.FeedbackWindow;
import io.trainyard.contracts.events.InferenceLabeled;
import io.trainyard.contracts.events.InferenceObserved;
import io.trainyard.datasets.Column;
import io.trainyard.datasets.CsvSplitter;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.ParquetTables;
import io.trainyard.eventing.PoisonEventException;
import io.trainyard.eventing.TransientEventException;
import io.trainyard.eventing.quarkus.EventingSettings;
import io.trainyard.ingestion.datasets.DatasetService;
import io.trainyard.ingestion.datasets.DatasetView;
import io.trainyard.ingestion.datasets.Origin;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.platform.specs.PipelineCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Feedback datasets: the predictions of a pipeline observed in a window ({@code
 * trainyard.inference.observed}), joined by prediction id with their labels ({@code
 * trainyard.inference.labeled}, the latest {@code labeledAt} winning), each an observation's
 * features with the label as the spec's target, added to the rows of the pipeline's latest version
 * (its train, validation and test splits) as a new version.
 *
 * <p>Both topics are read with a plain consumer (no group, nothing committed): each partition from
 * {@code offsetsForTimes(from − 5 min)} up to the end offsets taken when the read starts. Records
 * that do not match their schema are skipped (counted in the log).
 */
@ApplicationScoped
public class FeedbackDatasets {

  private static final Logger LOG = Logger.getLogger(FeedbackDatasets.class);

  /** How long before the window the topics are read from: producers' clocks and batching. */
  static final Duration LEAD = Duration.ofMinutes(5);

  /** How long a read may go without progress before it is given up (transient). */
  static final Duration STALL = Duration.ofMinutes(2);

  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The joined table, ready to be written as CSV.
   *
   * @param pipeline the pipeline
   * @param window the window
   * @param base the latest version whose rows come first; null when the pipeline has none
   * @param columns the CSV header: the base version's columns, or (no base) the observations'
   *     features and the target
   * @param types the logical type of each base column, by name (empty without a base)
   * @param rows the feedback rows, by column name, ordered by observation time and prediction id
   */
  public record Table(
      String pipeline,
      FeedbackWindow window,
      DatasetView base,
      List<String> columns,
      Map<String, String> types,
      List<Map<String, Object>> rows) {

    /** The lineage of the version: {@code feedback <from>..<to>}, parent = the base version. */
    public Origin origin() {
      return Origin.feedback(window.from(), window.to(), base == null ? null : base.version());
    }
  }

  private final DatasetService datasets;
  private final PipelineCatalog catalog;
  private final ObjectStore store;
  private final EventingSettings eventing;
  private final Map<String, Object> kafka;

  public FeedbackDatasets(
      DatasetService datasets,
      PipelineCatalog catalog,
      ObjectStore store,
      EventingSettings eventing,
      @Identifier("default-kafka-broker") Map<String, Object> kafka) {
    this.datasets = datasets;
    this.catalog = catalog;
    this.store = store;
    this.eventing = eventing;
    this.kafka = kafka;
  }

  /**
   * Joins the window's predictions of {@code pipeline} with their labels and finds the version they
   * are added to.
   *
   * @throws PoisonEventException for an unknown pipeline, a window that does not end after it
   *     starts, or a window without a labeled prediction
   * @throws TransientEventException when Kafka cannot be read now
   */
  public Table table(String pipeline, FeedbackWindow window) {
    if (!window.from().isBefore(window.to())) {
      throw new PoisonEventException(
          "feedback.from (" + window.from() + ") must be before feedback.to (" + window.to() + ")");
    }
    String target = catalog.require(pipeline).spec().target();
    List<Map<String, Object>> rows = join(pipeline, window, target);
    if (rows.isEmpty()) {
      throw new PoisonEventException(
          "no labeled predictions of pipeline "
              + pipeline
              + " between "
              + window.from()
              + " and "
              + window.to());
    }
    Optional<DatasetView> base = datasets.latest(pipeline);
    List<String> columns = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    if (base.isPresent() && base.get().schema() != null && !base.get().schema().isEmpty()) {
      base.get()
          .schema()
          .forEach(
              c -> {
                columns.add(c.name());
                types.put(c.name(), c.type());
              });
    } else if (base.isPresent()) {
      columns.addAll(base.get().features());
      columns.add(base.get().target());
    } else {
      Set<String> features = new LinkedHashSet<>();
      rows.forEach(row -> features.addAll(row.keySet()));
      features.remove(target);
      columns.addAll(features);
      columns.add(target);
    }
    return new Table(pipeline, window, base.orElse(null), columns, types, rows);
  }

  /**
   * Writes {@code table} as CSV: the base version's train, validation and test rows (read from its
   * Parquet files), then the feedback rows; a feature a row does not have is empty.
   */
  public void writeCsv(Table table, Path work, Path csv) throws IOException {
    if (table.base() != null) {
      List<Path> splits = new ArrayList<>();
      for (String split : CsvSplitter.SPLIT_NAMES) {
        Optional<Manifest> manifest =
            datasets.splitFile(table.pipeline(), table.base().version(), split);
        if (manifest.isPresent()) {
          splits.add(
              store.download(
                  manifest.get(), DatasetVersions.fileName(split), work.resolve("base")));
        }
      }
      if (splits.isEmpty()) {
        throw new TransientEventException(
            "dataset v" + table.base().version() + " of " + table.pipeline() + " has no splits");
      }
      ParquetTables.toCsv(splits, table.columns(), csv);
      endWithNewline(csv);
    } else {
      try (Writer out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
        writeLine(out, table.columns().stream().map(name -> (Object) name).toList());
      }
    }
    try (Writer out =
        Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
      for (Map<String, Object> row : table.rows()) {
        List<Object> cells = new ArrayList<>(table.columns().size());
        for (String column : table.columns()) {
          cells.add(integral(row.get(column), table.types().get(column)));
        }
        writeLine(out, cells);
      }
    }
  }

  /** The joined rows: each labeled observation's features, with its latest label as target. */
  List<Map<String, Object>> join(String pipeline, FeedbackWindow window, String target) {
    long since = window.from().minus(LEAD).toEpochMilli();
    Map<String, InferenceLabeled> labels = new HashMap<>();
    Map<String, InferenceObserved> observed = new HashMap<>();
    int[] skipped = new int[1];
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      // Labels first: only labeled observations are kept, which bounds what is held in memory.
      read(
          consumer,
          eventing.topicName(Topic.INFERENCE_LABELED),
          pipeline,
          since,
          record -> {
            InferenceLabeled label =
                parse(Topic.INFERENCE_LABELED, record, InferenceLabeled.class, skipped);
            if (label != null && label.pipeline().equals(pipeline)) {
              labels.merge(
                  label.predictionId(),
                  label,
                  (old, now) -> now.labeledAt().isBefore(old.labeledAt()) ? old : now);
            }
          });
      read(
          consumer,
          eventing.topicName(Topic.INFERENCE_OBSERVED),
          pipeline,
          since,
          record -> {
            InferenceObserved observation =
                parse(Topic.INFERENCE_OBSERVED, record, InferenceObserved.class, skipped);
            if (observation != null
                && observation.pipeline().equals(pipeline)
                && window.contains(observation.observedAt())
                && labels.containsKey(observation.predictionId())) {
              observed.putIfAbsent(observation.predictionId(), observation);
            }
          });
    } catch (KafkaException e) {
      throw new TransientEventException("cannot read the inference topics: " + e, e);
    }
    if (skipped[0] > 0) {
      LOG.warnf(
          "%s: %d inference records skipped while joining feedback (not valid payloads)",
          pipeline, skipped[0]);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    observed.values().stream()
        .sorted(
            Comparator.comparing(InferenceObserved::observedAt)
                .thenComparing(InferenceObserved::predictionId))
        .forEach(
            observation -> {
              Map<String, Object> row = new LinkedHashMap<>(observation.features());
              row.put(target, labels.get(observation.predictionId()).label());
              rows.add(row);
            });
    LOG.infof(
        "%s: feedback %s..%s: %d labels, %d labeled predictions in the window",
        pipeline, window.from(), window.to(), labels.size(), rows.size());
    return rows;
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Map<String, Object> config = new HashMap<>();
    kafka.forEach(
        (name, value) -> {
          if (ConsumerConfig.configNames().contains(name)) {
            config.put(name, value);
          }
        });
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    config.put(
        ConsumerConfig.CLIENT_ID_CONFIG, "trainyard-" + eventing.serviceName() + "-feedback");
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Passes every record of {@code topic} keyed by {@code pipeline} (or not keyed), from the first
   * offset at or after {@code since} (epoch millis) up to the end offsets of now, to {@code each}.
   */
  private static void read(
      KafkaConsumer<String, byte[]> consumer,
      String topic,
      String pipeline,
      long since,
      Consumer<ConsumerRecord<String, byte[]>> each) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, METADATA_TIMEOUT).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    if (partitions.isEmpty()) {
      return;
    }
    consumer.assign(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, METADATA_TIMEOUT);
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(p -> times.put(p, since));
    Map<TopicPartition, OffsetAndTimestamp> start =
        consumer.offsetsForTimes(times, METADATA_TIMEOUT);
    for (TopicPartition p : partitions) {
      OffsetAndTimestamp first = start.get(p);
      consumer.seek(p, first == null ? end.get(p) : Math.min(first.offset(), end.get(p)));
    }
    long stalledSince = System.nanoTime();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      boolean progress = false;
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
        progress = true;
        TopicPartition p = new TopicPartition(record.topic(), record.partition());
        if (record.offset() >= end.get(p)) {
          continue;
        }
        if (record.key() == null || record.key().equals(pipeline)) {
          each.accept(record);
        }
      }
      if (progress) {
        stalledSince = System.nanoTime();
      } else if (System.nanoTime() - stalledSince > STALL.toNanos()) {
        throw new TransientEventException(
            "reading " + topic + " made no progress for " + STALL.toSeconds() + " s");
      }
    }
    consumer.unsubscribe();
  }

  /** The payload of {@code record}, or null (counted) when it does not match its schema. */
  private static <T> T parse(
      Topic topic, ConsumerRecord<String, byte[]> record, Class<T> type, int[] skipped) {
    if (record.value() == null) {
      skipped[0]++;
      return null;
    }
    try {
      return Catalogue.read(topic, record.value(), type);
    } catch (IllegalArgumentException e) { // not JSON, or not valid (InvalidPayloadException)
      skipped[0]++;
      return null;
    }
  }

  /** An integral number as an integer in an integer column, so that 3.0 keeps the column's type. */
  private static Object integral(Object value, String type) {
    if (Column.INTEGER.equals(type)
        && value instanceof Number number
        && !(value instanceof Long || value instanceof Integer)) {
      double d = number.doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
        return (long) d;
      }
    }
    return value;
  }

  private static void writeLine(Writer out, List<Object> cells) throws IOException {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(cell(cells.get(i)));
    }
    out.write('\n');
  }

  /**
   * One CSV cell: empty for null, numbers and booleans as JSON writes them, text quoted if need.
   */
  static String cell(Object value) {
    if (value == null) {
      return "";
    }
    String text = value instanceof String s ? s : Json.write(value);
    boolean quote =
        text.isEmpty()
            || !text.strip().equals(text)
            || text.chars().anyMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r');
    return quote ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
  }

  private static void endWithNewline(Path csv) throws IOException {
    try (SeekableByteChannel channel =
        Files.newByteChannel(csv, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      if (size == 0) {
        return;
      }
      java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
      channel.position(size - 1).read(last);
      if (last.get(0) != '\n') {
        channel.position(size).write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}));
      }
    }
  }
}
