package io.trainyard.ingestion.datasets;

import io.trainyard.datasets.ValidationReport;
import io.trainyard.datasets.ValidationReport.Anomaly;
import io.trainyard.datasets.ValidationReport.Severity;
import io.trainyard.platform.problem.Problem;
import io.trainyard.platform.problem.ProblemException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An upload whose validation report has an error: answered as 422 {@code application/problem+json}
 * of type {@value #TYPE}, with one {@code errors} entry per error anomaly (field = its column, or
 * {@code dataset}; message = {@code code: message}) and the full report as the problem's extra
 * member {@code validation} (added by {@link DatasetRejectedMapper}). Callers that handle any
 * {@link ProblemException} (ingest requests) see the status, detail and errors.
 */
public class DatasetRejectedException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** The problem type. */
  public static final String TYPE = "urn:trainyard:problem:dataset-rejected";

  private final transient ValidationReport report;

  public DatasetRejectedException(String pipeline, ValidationReport report) {
    super(422, TYPE, "Dataset rejected", detail(pipeline, report), errors(report));
    this.report = report;
  }

  /** The full validation report. */
  public ValidationReport report() {
    return report;
  }

  private static String detail(String pipeline, ValidationReport report) {
    return "The table was rejected by validation for pipeline '"
        + pipeline
        + "': "
        + report.anomalies(Severity.ERROR).stream()
            .map(Anomaly::message)
            .collect(Collectors.joining("; "))
        + ". Nothing was stored; the full report is in 'validation'.";
  }

  private static List<Problem.FieldError> errors(ValidationReport report) {
    return report.anomalies(Severity.ERROR).stream()
        .map(
            a ->
                new Problem.FieldError(
                    a.column() == null ? "dataset" : a.column(),
                    null,
                    a.code() + ": " + a.message()))
        .toList();
  }
}
