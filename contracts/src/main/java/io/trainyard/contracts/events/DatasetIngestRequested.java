package io.trainyard.contracts.events;

import java.util.List;
import java.util.Map;

/**
 * {@code io.trainyard.datasets.ingest-requested.v1} on {@code trainyard.datasets.ingest-requested},
 * keyed by pipeline: another system (or labeling) asks ingestion to make a dataset version of a
 * table, given as an object in the store or as rows carried inline; or (retraining) a feedback
 * dataset: the latest version plus the predictions of a period joined with their labels.
 *
 * @param pipeline the pipeline name
 * @param objectUri the table in the object store ({@code s3://bucket/key}); or
 * @param rows the table inline, one map per row (at most 10,000 rows)
 * @param format optional: {@code csv}, {@code jsonl} or {@code parquet}; default from the key
 * @param parentVersion optional: the version this table derives from
 * @param trigger optional: passed on to the training request of the new version
 * @param reason optional: why, for the record
 * @param challengeSet optional: make the table a version of this challenge set (every row labeled,
 *     all in the test split, never trained on)
 * @param feedback or: the period whose {@code inference.observed} predictions, joined with their
 *     {@code inference.labeled} labels by prediction id, are added to the latest version as a new
 *     version; excludes {@code objectUri} and {@code rows}
 */
public record DatasetIngestRequested(
    String pipeline,
    String objectUri,
    List<Map<String, Object>> rows,
    String format,
    Integer parentVersion,
    Trigger trigger,
    String reason,
    String challengeSet,
    FeedbackWindow feedback)
    implements PipelineEvent {

  public DatasetIngestRequested {
    Copies.required(pipeline, "pipeline");
    if (objectUri == null && rows == null && feedback == null) {
      throw new IllegalArgumentException("give objectUri, rows or feedback");
    }
    if (feedback != null && (objectUri != null || rows != null)) {
      throw new IllegalArgumentException("give feedback alone, without objectUri or rows");
    }
    rows = rows == null ? null : List.copyOf(rows);
    if (challengeSet != null) {
      ChallengeSets.require(challengeSet);
      if (feedback != null) {
        throw new IllegalArgumentException(
            "a feedback dataset is a training version: give feedback or challengeSet, not both");
      }
    }
  }

  /** A request for a table by object or inline rows, as a training version. */
  public DatasetIngestRequested(
      String pipeline,
      String objectUri,
      List<Map<String, Object>> rows,
      String format,
      Integer parentVersion,
      Trigger trigger,
      String reason) {
    this(pipeline, objectUri, rows, format, parentVersion, trigger, reason, null, null);
  }

  /** A request for a table by object or inline rows, as a version of {@code challengeSet}. */
  public DatasetIngestRequested(
      String pipeline,
      String objectUri,
      List<Map<String, Object>> rows,
      String format,
      Integer parentVersion,
      Trigger trigger,
      String reason,
      String challengeSet) {
    this(pipeline, objectUri, rows, format, parentVersion, trigger, reason, challengeSet, null);
  }
}
