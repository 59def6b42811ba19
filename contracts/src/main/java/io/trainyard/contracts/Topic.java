package io.trainyard.contracts;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The event catalogue: every Kafka topic Trainyard uses, the CloudEvent type published on it, and
 * how the topic is created (partitions, retention, compaction).
 *
 * <p>Types are {@code io.trainyard.<topic suffix>.v1}; the JSON Schema of the payload lives at
 * {@code /schemas/<type>.schema.json} on the classpath.
 */
public enum Topic {
  PIPELINES("trainyard.pipelines", Retention.COMPACTED),
  DATASETS_INGEST_REQUESTED("trainyard.datasets.ingest-requested", Retention.FOREVER),
  DATASETS_INGESTED("trainyard.datasets.ingested", Retention.FOREVER),
  DATASETS_LABELED("trainyard.datasets.labeled", Retention.FOREVER),
  TRAINING_REQUESTED("trainyard.training.requested", Retention.FOREVER),
  TRAINING_CANCEL_REQUESTED("trainyard.training.cancel-requested", Retention.FOREVER),
  TRAINING_PROGRESS("trainyard.training.progress", Retention.FOREVER),
  TRAINING_ENDED("trainyard.training.ended", Retention.FOREVER),
  MODELS_TRAINED("trainyard.models.trained", Retention.FOREVER),
  MODELS_EVALUATED("trainyard.models.evaluated", Retention.FOREVER),
  MODELS_ALIAS_REQUESTED("trainyard.models.alias-requested", Retention.FOREVER),
  MODELS_PROMOTED("trainyard.models.promoted", Retention.FOREVER),
  MODELS_REVIEWED("trainyard.models.reviewed", Retention.FOREVER),
  INFERENCE_OBSERVED("trainyard.inference.observed", Retention.SEVEN_DAYS),
  INFERENCE_LABELED("trainyard.inference.labeled", Retention.SEVEN_DAYS),
  DRIFT_DETECTED("trainyard.drift.detected", Retention.FOREVER),
  /** MinIO bucket notifications: S3 event records, not CloudEvents. */
  STORAGE_NOTIFICATIONS("trainyard.storage.notifications", Retention.SEVEN_DAYS, false);

  /** Partitions of every catalogue topic, per the architecture. */
  public static final int PARTITIONS = 6;

  /** Suffix of the dead-letter topic of each consumed topic. */
  public static final String DLQ_SUFFIX = ".dlq";

  /** Dead-letter topics keep their records for 30 days, long enough for ops to look. */
  public static final Duration DLQ_RETENTION = Duration.ofDays(30);

  private final String topicName;
  private final Retention retention;
  private final boolean cloudEvents;

  Topic(String topicName, Retention retention) {
    this(topicName, retention, true);
  }

  Topic(String topicName, Retention retention, boolean cloudEvents) {
    this.topicName = topicName;
    this.retention = retention;
    this.cloudEvents = cloudEvents;
  }

  /** The Kafka topic name, e.g. {@code trainyard.datasets.ingested}. */
  public String topicName() {
    return topicName;
  }

  /** The dead-letter topic of this topic, e.g. {@code trainyard.datasets.ingested.dlq}. */
  public String dlqName() {
    return topicName + DLQ_SUFFIX;
  }

  public Retention retention() {
    return retention;
  }

  /** Whether records on this topic are CloudEvents (all but bucket notifications). */
  public boolean carriesCloudEvents() {
    return cloudEvents;
  }

  /**
   * The CloudEvent type, {@code io.trainyard.<topic suffix>.v1}; for the storage notifications,
   * which are not CloudEvents, the name of the S3 event shape.
   */
  public String ceType() {
    return "io.trainyard." + topicName.substring("trainyard.".length()) + ".v1";
  }

  /** Classpath location of the JSON Schema of the payload. */
  public String schemaResource() {
    return "/schemas/" + ceType() + ".schema.json";
  }

  /** Classpath location of the example payload. */
  public String exampleResource() {
    return "/examples/" + ceType() + ".json";
  }

  public static Optional<Topic> byName(String topicName) {
    return Arrays.stream(values()).filter(t -> t.topicName.equals(topicName)).findFirst();
  }

  public static Optional<Topic> byCeType(String ceType) {
    return Arrays.stream(values()).filter(t -> t.ceType().equals(ceType)).findFirst();
  }

  /** How long a topic keeps its records. */
  public enum Retention {
    /** Log-compacted by key: the latest record per key is kept forever. */
    COMPACTED(-1, true),
    /** Lifecycle events are kept forever, so read models can be rebuilt from them. */
    FOREVER(-1, false),
    /** High-rate streams keep seven days. */
    SEVEN_DAYS(Duration.ofDays(7).toMillis(), false);

    private final long retentionMs;
    private final boolean compacted;

    Retention(long retentionMs, boolean compacted) {
      this.retentionMs = retentionMs;
      this.compacted = compacted;
    }

    /** Value of {@code retention.ms}; -1 means no time limit. */
    public long retentionMs() {
      return retentionMs;
    }

    public boolean compacted() {
      return compacted;
    }
  }
}
