package io.trainyard.contracts.events;

import java.util.List;
import java.util.Map;

/**
 * {@code io.trainyard.datasets.ingested.v1} on {@code trainyard.datasets.ingested}: ingestion
 * published a new, content-addressed dataset version.
 *
 * @param pipeline the pipeline name
 * @param version the dataset version ingestion allocated (1, 2, ...)
 * @param contentHash SHA-256 (64 lowercase hex digits) of the version's content
 * @param manifestUri the version's {@code manifest.json}
 * @param splits rows per split, by split name ({@link #TRAIN}, {@link #VALIDATION}, {@link #TEST},
 *     {@link #UNLABELED})
 * @param schema the columns, in order
 * @param profileUri optional: the version's {@code profile.json}
 * @param challengeSet optional: the challenge set this version belongs to (all its rows in the test
 *     split); evaluation scores models on it, training never reads it
 */
public record DatasetIngested(
    String pipeline,
    int version,
    String contentHash,
    String manifestUri,
    Map<String, Split> splits,
    List<Column> schema,
    String profileUri,
    String challengeSet)
    implements PipelineEvent {

  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";
  public static final String UNLABELED = "unlabeled";

  public DatasetIngested {
    Copies.required(pipeline, "pipeline");
    Copies.required(contentHash, "contentHash");
    Copies.required(manifestUri, "manifestUri");
    splits = Copies.map(Copies.required(splits, "splits"));
    schema = Copies.list(Copies.required(schema, "schema"));
    if (challengeSet != null) {
      ChallengeSets.require(challengeSet);
    }
  }

  /** A version that is not a challenge set. */
  public DatasetIngested(
      String pipeline,
      int version,
      String contentHash,
      String manifestUri,
      Map<String, Split> splits,
      List<Column> schema,
      String profileUri) {
    this(pipeline, version, contentHash, manifestUri, splits, schema, profileUri, null);
  }

  /** Whether this version is a challenge set (never trained on). */
  public boolean inChallengeSet() {
    return challengeSet != null;
  }

  /** Rows of one split; 0 when the split is absent. */
  public long rows(String split) {
    Split s = splits.get(split);
    return s == null ? 0 : s.rows();
  }

  /** Rows over all splits. */
  public long totalRows() {
    return splits.values().stream().mapToLong(Split::rows).sum();
  }

  /** Whether some rows still need labels (training.auto waits for a version without). */
  public boolean hasUnlabeledRows() {
    return rows(UNLABELED) > 0;
  }

  /** The size of one split. */
  public record Split(long rows) {}

  /**
   * One column.
   *
   * @param name the column name
   * @param type the logical type, e.g. integer, number, string, boolean, timestamp
   */
  public record Column(String name, String type) {
    public Column {
      Copies.required(name, "name");
      Copies.required(type, "type");
    }
  }
}
