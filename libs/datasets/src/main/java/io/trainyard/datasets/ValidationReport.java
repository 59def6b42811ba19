package io.trainyard.datasets;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The validation report of a dataset version ({@code validation.json}), computed by {@link
 * Validator}: the anomalies found in the table, each with a severity. A report with an {@link
 * Severity#ERROR error} has not {@link #passed() passed}: the ingestion service rejects the upload.
 *
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param passed true when no anomaly is an error
 * @param anomalies the anomalies, errors first, then warnings, then infos (each group in the order
 *     the checks run)
 * @param schemaDiff how the version's schema and profile differ from the pipeline's previous
 *     version ({@link SchemaDiff}); absent for a first version, and when there was nothing to
 *     compare with
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"formatVersion", "passed", "anomalies", "schemaDiff"})
public record ValidationReport(
    int formatVersion,
    boolean passed,
    List<Anomaly> anomalies,
    @JsonInclude(JsonInclude.Include.NON_NULL) SchemaDiff schemaDiff) {

  /** The current {@link #formatVersion()}. */
  public static final int FORMAT_VERSION = 1;

  /** The object name in a dataset version. */
  public static final String FILE_NAME = "validation.json";

  /** Its media type. */
  public static final String CONTENT_TYPE = "application/json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(SerializationFeature.INDENT_OUTPUT, true);

  public ValidationReport {
    anomalies = anomalies == null ? List.of() : List.copyOf(anomalies);
  }

  /** A report without a schema diff. */
  public ValidationReport(int formatVersion, boolean passed, List<Anomaly> anomalies) {
    this(formatVersion, passed, anomalies, null);
  }

  /** A report of {@code anomalies}, ordered by severity; passed when none is an error. */
  public static ValidationReport of(List<Anomaly> anomalies) {
    return of(anomalies, null);
  }

  /**
   * A report of {@code anomalies}, ordered by severity, with {@code schemaDiff} (null: none);
   * passed when no anomaly is an error.
   */
  public static ValidationReport of(List<Anomaly> anomalies, SchemaDiff schemaDiff) {
    List<Anomaly> sorted =
        anomalies.stream()
            .sorted(java.util.Comparator.comparing(Anomaly::severity)) // stable: check order
            .toList();
    boolean passed = sorted.stream().noneMatch(a -> a.severity() == Severity.ERROR);
    return new ValidationReport(FORMAT_VERSION, passed, sorted, schemaDiff);
  }

  /** This report with {@code schemaDiff} (the same anomalies). */
  public ValidationReport withSchemaDiff(SchemaDiff schemaDiff) {
    return new ValidationReport(formatVersion, passed, anomalies, schemaDiff);
  }

  /** The anomalies of one severity. */
  public List<Anomaly> anomalies(Severity severity) {
    return anomalies.stream().filter(a -> a.severity() == severity).toList();
  }

  /** How many anomalies are errors. */
  @JsonIgnore
  public int errors() {
    return anomalies(Severity.ERROR).size();
  }

  /** How many anomalies are warnings. */
  @JsonIgnore
  public int warnings() {
    return anomalies(Severity.WARNING).size();
  }

  /** The anomalies with this code. */
  public List<Anomaly> withCode(String code) {
    return anomalies.stream().filter(a -> a.code().equals(code)).toList();
  }

  /** This report as (pretty-printed, UTF-8) JSON. */
  public byte[] toJson() {
    try {
      return MAPPER.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a validation report", e);
    }
  }

  /**
   * Parses {@code validation.json}.
   *
   * @throws IOException when it is not a validation report
   */
  public static ValidationReport fromJson(byte[] json) throws IOException {
    return MAPPER.readValue(json, ValidationReport.class);
  }

  /** How bad an anomaly is; declared worst first. */
  public enum Severity {
    /** The version is rejected. */
    ERROR,
    /** Worth a look; the version is accepted. */
    WARNING,
    /** A fact about the table. */
    INFO;

    /** {@code error}, {@code warning}, {@code info}. */
    @JsonValue
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Severity fromWire(String text) {
      return valueOf(text.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * One anomaly.
   *
   * @param code what kind ({@link Validator#UNLABELED_ROWS}, ...)
   * @param severity how bad
   * @param column the column it is about; null when it is about the whole table
   * @param message what was found, for a human
   * @param value the number behind it (a count, a share, ...); null when there is none
   */
  @JsonPropertyOrder({"code", "severity", "column", "message", "value"})
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Anomaly(
      String code, Severity severity, String column, String message, Double value) {
    public Anomaly {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(message, "message");
    }
  }
}
