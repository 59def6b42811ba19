package io.trainyard.datasets;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code metadata} of a dataset version's {@code manifest.json}: what a reader needs besides
 * the split files. Ingestion writes it; training, evaluation and the drift monitor read it, so that
 * no service reads another's database.
 *
 * @param kind always {@value #KIND}
 * @param pipeline the pipeline
 * @param version the dataset version
 * @param contentHash the version's content hash (see ingestion)
 * @param target the target column
 * @param features the feature columns, in order
 * @param schema every input column with its logical type, in order
 * @param splits rows per split file ({@code train}, {@code validation}, {@code test}, and {@code
 *     unlabeled} when some rows have no target value), by name
 * @param cleaning the cleaning steps applied, with their counts; empty for versions written before
 *     cleaning existed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DatasetMetadata(
    String kind,
    String pipeline,
    int version,
    String contentHash,
    String target,
    List<String> features,
    List<Column> schema,
    Map<String, Long> splits,
    List<CleaningStep> cleaning) {

  public static final String KIND = "dataset";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public DatasetMetadata {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(target, "target");
    features = List.copyOf(Objects.requireNonNull(features, "features"));
    schema = schema == null ? List.of() : List.copyOf(schema);
    splits = splits == null ? Map.of() : Map.copyOf(splits);
    kind = kind == null ? KIND : kind;
    cleaning = cleaning == null ? List.of() : List.copyOf(cleaning);
  }

  /**
   * The numeric features: the integer and number features, in order (versions written before the
   * schema was recorded: every feature).
   */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public List<String> numericFeatures() {
    if (schema.isEmpty()) {
      return features;
    }
    Map<String, String> types = new java.util.HashMap<>();
    schema.forEach(c -> types.put(c.name(), c.type()));
    return features.stream()
        .filter(f -> Column.INTEGER.equals(types.get(f)) || Column.NUMBER.equals(types.get(f)))
        .toList();
  }

  /**
   * The features a model one-hot encodes: every feature that is not {@linkplain #numericFeatures
   * numeric} (string and boolean), in order.
   */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public List<String> categoricalFeatures() {
    List<String> numeric = numericFeatures();
    return features.stream().filter(f -> !numeric.contains(f)).toList();
  }

  /** The metadata of a freshly split input. */
  public static DatasetMetadata of(
      String pipeline, int version, String contentHash, IngestResult result) {
    Map<String, Long> rows = new java.util.LinkedHashMap<>();
    result.splits().forEach(s -> rows.put(s.name(), s.rows()));
    return new DatasetMetadata(
        KIND,
        pipeline,
        version,
        contentHash,
        result.target(),
        result.features(),
        result.schema(),
        rows,
        result.cleaning());
  }

  /** Reads it from a manifest's {@code metadata} node. */
  public static DatasetMetadata from(JsonNode metadata) {
    if (metadata == null || !KIND.equals(metadata.path("kind").asText())) {
      throw new IllegalArgumentException("not the metadata of a dataset version: " + metadata);
    }
    return MAPPER.convertValue(metadata, DatasetMetadata.class);
  }

  /** As a map, for {@code StagedWrite.commit(metadata)}. */
  public Map<String, Object> toMap() {
    return MAPPER.convertValue(this, new com.fasterxml.jackson.core.type.TypeReference<>() {});
  }
}
