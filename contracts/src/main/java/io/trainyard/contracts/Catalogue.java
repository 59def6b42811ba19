package io.trainyard.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.events.AliasRequested;
import io.trainyard.contracts.events.DatasetIngestRequested;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.events.DatasetLabeled;
import io.trainyard.contracts.events.DriftDetected;
import io.trainyard.contracts.events.InferenceLabeled;
import io.trainyard.contracts.events.InferenceObserved;
import io.trainyard.contracts.events.ModelEvaluated;
import io.trainyard.contracts.events.ModelPromoted;
import io.trainyard.contracts.events.ModelReviewed;
import io.trainyard.contracts.events.ModelTrained;
import io.trainyard.contracts.events.TrainingCancelRequested;
import io.trainyard.contracts.events.TrainingEnded;
import io.trainyard.contracts.events.TrainingProgress;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.spec.PipelineSpec;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The event catalogue: topic → CloudEvent type → JSON Schema → example → payload record, with the
 * producers, consumers and record key of each topic.
 *
 * <p>Topics whose payload is not defined yet (their capability's issue defines it) have no entry;
 * {@link #find(Topic)} is then empty.
 */
public final class Catalogue {

  /**
   * One catalogued topic.
   *
   * @param topic the topic
   * @param payloadType the payload record
   * @param producers who publishes
   * @param consumers who consumes
   */
  public record Entry(
      Topic topic, Class<?> payloadType, List<String> producers, List<String> consumers) {

    public Entry {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(payloadType, "payloadType");
      producers = List.copyOf(producers);
      consumers = List.copyOf(consumers);
    }

    /** The CloudEvent type, e.g. {@code io.trainyard.datasets.ingested.v1}. */
    public String ceType() {
      return topic.ceType();
    }

    /** The classpath location of the JSON Schema. */
    public String schemaResource() {
      return topic.schemaResource();
    }

    /** The {@code $id} of the JSON Schema. */
    public String schemaId() {
      return Schemas.schemaId(topic);
    }

    /** The classpath location of the example payload. */
    public String exampleResource() {
      return topic.exampleResource();
    }

    /**
     * The payload field whose value is the record key: {@code name}, {@code runId} or {@code
     * pipeline}.
     */
    public String recordKeyField() {
      return RecordKeys.keyField(topic);
    }

    /** The JSON Schema. */
    public JsonNode schema() {
      return Schemas.schemaJson(topic);
    }

    /** The example payload, as JSON. */
    public JsonNode example() {
      return Json.readResource(topic.exampleResource());
    }

    /** The example payload, as its record. */
    public Object exampleRecord() {
      return Json.convert(example(), payloadType);
    }
  }

  private static final Map<Topic, Entry> ENTRIES = new EnumMap<>(Topic.class);

  static {
    add(Topic.PIPELINES, PipelineSpec.class, List.of("console"), List.of("all services"));
    add(
        Topic.DATASETS_INGEST_REQUESTED,
        DatasetIngestRequested.class,
        List.of("other systems", "labeling", "drift-monitor"),
        List.of("ingestion"));
    add(
        Topic.DATASETS_INGESTED,
        DatasetIngested.class,
        List.of("ingestion"),
        List.of("labeling", "drift-monitor", "console"));
    add(Topic.DATASETS_LABELED, DatasetLabeled.class, List.of("labeling"), List.of("console"));
    add(
        Topic.TRAINING_REQUESTED,
        TrainingRequested.class,
        List.of("ingestion", "drift-monitor", "console"),
        List.of("training"));
    add(
        Topic.TRAINING_CANCEL_REQUESTED,
        TrainingCancelRequested.class,
        List.of("console"),
        List.of("training"));
    add(Topic.TRAINING_PROGRESS, TrainingProgress.class, List.of("training"), List.of("console"));
    add(
        Topic.TRAINING_ENDED,
        TrainingEnded.class,
        List.of("training"),
        List.of("console", "drift-monitor"));
    add(Topic.MODELS_TRAINED, ModelTrained.class, List.of("training"), List.of("evaluation"));
    add(Topic.MODELS_EVALUATED, ModelEvaluated.class, List.of("evaluation"), List.of("console"));
    add(
        Topic.MODELS_ALIAS_REQUESTED,
        AliasRequested.class,
        List.of("console"),
        List.of("evaluation"));
    add(
        Topic.MODELS_PROMOTED,
        ModelPromoted.class,
        List.of("evaluation"),
        List.of("drift-monitor", "labeling", "console", "deployers"));
    add(Topic.MODELS_REVIEWED, ModelReviewed.class, List.of("labeling"), List.of("evaluation"));
    add(
        Topic.INFERENCE_OBSERVED,
        InferenceObserved.class,
        List.of("serving systems"),
        List.of("drift-monitor", "ingestion"));
    add(
        Topic.INFERENCE_LABELED,
        InferenceLabeled.class,
        List.of("feedback systems"),
        List.of("drift-monitor", "ingestion"));
    add(
        Topic.DRIFT_DETECTED,
        DriftDetected.class,
        List.of("drift-monitor"),
        List.of("console", "ops"));
  }

  private Catalogue() {}

  private static void add(
      Topic topic, Class<?> payloadType, List<String> producers, List<String> consumers) {
    ENTRIES.put(topic, new Entry(topic, payloadType, producers, consumers));
  }

  /** Every catalogued topic, in {@link Topic} order. */
  public static List<Entry> entries() {
    return List.copyOf(ENTRIES.values());
  }

  /** The entry of a topic, if its payload is defined. */
  public static Optional<Entry> find(Topic topic) {
    return Optional.ofNullable(ENTRIES.get(topic));
  }

  /**
   * The entry of a topic.
   *
   * @throws IllegalArgumentException when the topic's payload is not defined yet
   */
  public static Entry entry(Topic topic) {
    return find(topic)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the catalogue does not define a payload for " + topic.topicName() + " yet"));
  }

  /** The entry of a CloudEvent type, e.g. from the {@code ce_type} header. */
  public static Optional<Entry> byCeType(String ceType) {
    return Topic.byCeType(ceType).flatMap(Catalogue::find);
  }

  /** The entry whose payload record is {@code type}. */
  public static Optional<Entry> byPayloadType(Class<?> type) {
    return ENTRIES.values().stream().filter(e -> e.payloadType().equals(type)).findFirst();
  }

  /** The payload record of a topic. */
  public static Class<?> payloadType(Topic topic) {
    return entry(topic).payloadType();
  }

  /**
   * Reads a payload of a topic: validates it against the schema, then converts it.
   *
   * @throws InvalidPayloadException when it does not match the schema
   */
  public static <T> T read(Topic topic, JsonNode payload, Class<T> type) {
    Entry entry = entry(topic);
    if (!type.isAssignableFrom(entry.payloadType())) {
      throw new IllegalArgumentException(
          topic.topicName()
              + " carries "
              + entry.payloadType().getSimpleName()
              + ", not "
              + type.getSimpleName());
    }
    Schemas.requireValid(topic, payload);
    return Json.convert(payload, type);
  }

  /**
   * Reads a payload of a topic from its record value bytes: parses, validates, converts.
   *
   * @throws IllegalArgumentException when it is not JSON; {@link InvalidPayloadException} when it
   *     does not match the schema
   */
  public static <T> T read(Topic topic, byte[] value, Class<T> type) {
    return read(topic, Json.readTree(value), type);
  }

  /** Topics that carry CloudEvents but have no catalogued payload yet. */
  public static List<Topic> undefined() {
    return Arrays.stream(Topic.values())
        .filter(Topic::carriesCloudEvents)
        .filter(t -> !ENTRIES.containsKey(t))
        .toList();
  }
}
