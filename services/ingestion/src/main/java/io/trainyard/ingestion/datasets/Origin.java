package io.trainyard.ingestion.datasets;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the table of an ingestion attempt comes from: what {@link DatasetService} records as the
 * new version's {@link DatasetView.Lineage} (the upload id is allocated by the service, one per
 * attempt).
 *
 * @param source {@value #UPLOAD} for an HTTP upload, the {@code s3://bucket/key} of an ingest
 *     request or S3 drop, {@value #INLINE_ROWS}, or {@code feedback <from>..<to>} (a feedback
 *     dataset)
 * @param contentType the upload's {@code Content-Type} as sent; null for other sources
 * @param parentVersion the version this table derives from (ingest requests); nullable
 * @param raw the uploaded file to keep as provenance under {@code raw/{pipeline}/{uploadId}/} when
 *     a version is created; null when nothing is kept (objects already in the store, inline rows)
 * @param rawName the object name of {@code raw} ({@code upload.csv}, ...); null without {@code raw}
 * @param rawContentType the media type {@code raw} is stored with; null without {@code raw}
 */
public record Origin(
    String source,
    String contentType,
    Integer parentVersion,
    Path raw,
    String rawName,
    String rawContentType) {

  /** The source of an HTTP upload. */
  public static final String UPLOAD = "upload";

  /** The source of an ingest request with inline rows. */
  public static final String INLINE_ROWS = "inline rows";

  /** The source of callers that name none (the overloads without an origin). */
  public static final String UNKNOWN = "unknown";

  public Origin {
    Objects.requireNonNull(source, "source");
    if (raw != null) {
      Objects.requireNonNull(rawName, "rawName");
      Objects.requireNonNull(rawContentType, "rawContentType");
    }
  }

  /** An HTTP upload of {@code contentType}, whose (decompressed) body {@code file} is kept. */
  public static Origin upload(
      String contentType, Path file, String rawName, String rawContentType) {
    return new Origin(UPLOAD, contentType, null, file, rawName, rawContentType);
  }

  /** An object of the store ({@code s3://bucket/key}), not copied: the source names it. */
  public static Origin object(String uri, Integer parentVersion) {
    return new Origin(uri, null, parentVersion, null, null, null);
  }

  /** Rows carried inline by an ingest request. */
  public static Origin inlineRows(Integer parentVersion) {
    return new Origin(INLINE_ROWS, null, parentVersion, null, null, null);
  }

  /**
   * A feedback dataset: the predictions observed in {@code [from, to)} with their labels, added to
   * the rows of {@code parentVersion} (null when the pipeline had no version); the source is {@code
   * feedback <from>..<to>}.
   */
  public static Origin feedback(
      java.time.Instant from, java.time.Instant to, Integer parentVersion) {
    return new Origin("feedback " + from + ".." + to, null, parentVersion, null, null, null);
  }

  /** A caller that names no source. */
  public static Origin unknown() {
    return new Origin(UNKNOWN, null, null, null, null, null);
  }
}
