package io.trainyard.ingestion.requests;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.events.DatasetIngestRequested;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.datasets.DatasetValidationException;
import io.trainyard.datasets.TableFormat;
import io.trainyard.eventing.PoisonEventException;
import io.trainyard.eventing.TransientEventException;
import io.trainyard.ingestion.datasets.DatasetService;
import io.trainyard.ingestion.datasets.Origin;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.platform.WorkDir;
import io.trainyard.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jboss.logging.Logger;

/**
 * Turns a {@code datasets.ingest-requested} event into a dataset version: the table is read from
 * the object store ({@code objectUri}) or from the event ({@code rows}), turned into CSV, and
 * ingested as an upload is. A request that can never succeed (unknown pipeline, a missing object, a
 * table that breaks a rule) is dead-lettered with the reason; an unreachable object store is
 * transient.
 */
@ApplicationScoped
public class IngestRequests {

  private static final Logger LOG = Logger.getLogger(IngestRequests.class);

  /** A table's location in the object store. */
  record ObjectRef(String bucket, String key) {}

  private final MinioClient client;
  private final String bucket;
  private final DatasetService datasets;

  /** Feedback datasets: requests with a {@code feedback} window are joined from inference. */
  @Inject FeedbackDatasets feedback;

  public IngestRequests(MinioClient client, ObjectStore store, DatasetService datasets) {
    this.client = client;
    this.bucket = store.bucket();
    this.datasets = datasets;
  }

  /** Ingests the requested table (in the request event's transaction). */
  public void ingest(DatasetIngestRequested request) {
    Trigger trigger = request.trigger() == null ? Trigger.DATA : request.trigger();
    if (request.feedback() != null) {
      FeedbackDatasets.Table table = feedback.table(request.pipeline(), request.feedback());
      ingestTable(
          request.pipeline(),
          trigger,
          "ingest request (" + table.origin().source() + ", " + table.rows().size() + " rows)",
          table.origin(),
          null,
          (work, csv) -> feedback.writeCsv(table, work, csv));
      return;
    }
    if (request.rows() != null) {
      ingestTable(
          request.pipeline(),
          trigger,
          "ingest request (" + request.rows().size() + " inline rows)",
          Origin.inlineRows(request.parentVersion()),
          request.challengeSet(),
          (work, csv) -> {
            Path jsonl = work.resolve("rows.jsonl");
            try (OutputStream out = Files.newOutputStream(jsonl)) {
              for (Map<String, Object> row : request.rows()) {
                out.write(Json.writeBytes(row));
                out.write('\n');
              }
            }
            TableFormat.JSON_LINES.toCsv(jsonl, csv);
          });
    } else {
      ObjectRef ref = parse(request.objectUri());
      ingestObject(
          request.pipeline(),
          ref,
          format(request.format(), ref.key()),
          trigger,
          "ingest request (" + request.objectUri() + ")",
          request.parentVersion(),
          request.challengeSet());
    }
  }

  /**
   * Ingests the object {@code key} of {@code bucket} as the next version of {@code pipeline}, as an
   * ingest request with that {@code objectUri} does: the format comes from the key's extension
   * ({@code .csv}, {@code .jsonl}/{@code .ndjson}, {@code .parquet}, each optionally {@code .gz}).
   * The same table again is the same version (nothing is published then).
   *
   * @param source what asked for it, for the log
   * @throws PoisonEventException when it can never succeed: a key with an empty, {@code .} or
   *     {@code ..} segment, an object outside the service's bucket, an unknown format or pipeline,
   *     a missing object, a table that breaks a rule
   * @throws TransientEventException when the object store cannot be read now
   */
  public DatasetService.Ingested ingestObject(
      String pipeline, String bucket, String key, Trigger trigger, String source) {
    ObjectRef ref = new ObjectRef(bucket, checkKey("s3://" + bucket + "/" + key, key));
    return ingestObject(pipeline, ref, format(null, key), trigger, source, null, null);
  }

  private DatasetService.Ingested ingestObject(
      String pipeline,
      ObjectRef ref,
      TableFormat format,
      Trigger trigger,
      String source,
      Integer parentVersion,
      String challengeSet) {
    if (!ref.bucket().equals(bucket)) {
      throw new PoisonEventException(
          "s3://"
              + ref.bucket()
              + "/"
              + ref.key()
              + " is outside the bucket '"
              + bucket
              + "' that ingestion reads tables from");
    }
    return ingestTable(
        pipeline,
        trigger,
        source,
        Origin.object("s3://" + ref.bucket() + "/" + ref.key(), parentVersion),
        challengeSet,
        (work, csv) -> {
          Path object = download(ref, work.resolve("object"));
          format.toCsv(object, csv);
        });
  }

  /** How a table is turned into {@code csv}, in a work directory of its own. */
  @FunctionalInterface
  private interface TableSource {
    void writeCsv(Path work, Path csv) throws DatasetValidationException, IOException;
  }

  private DatasetService.Ingested ingestTable(
      String pipeline,
      Trigger trigger,
      String source,
      Origin origin,
      String challengeSet,
      TableSource table) {
    try (WorkDir work = WorkDir.create("trainyard-request-")) {
      Path csv = work.resolve("table.csv");
      table.writeCsv(work.path(), csv);
      DatasetService.Ingested ingested =
          datasets.ingestCsv(pipeline, csv, trigger, origin, challengeSet);
      LOG.infof(
          "%s: %s -> dataset v%d%s%s",
          pipeline,
          source,
          ingested.dataset().version(),
          challengeSet == null ? "" : " (challenge set '" + challengeSet + "')",
          ingested.created() ? "" : " (the same content as before: nothing new)");
      return ingested;
    } catch (DatasetValidationException e) {
      throw new PoisonEventException(e.getMessage(), e);
    } catch (ProblemException e) {
      if (e.status() < 500) {
        throw new PoisonEventException(e.getMessage(), e);
      }
      throw e;
    } catch (IOException e) {
      throw new TransientEventException("cannot read the requested table: " + e, e);
    }
  }

  /** {@code s3://bucket/key}, with a key that stays inside its bucket. */
  static ObjectRef parse(String uri) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new PoisonEventException("objectUri '" + uri + "' is not a URI: " + e.getMessage());
    }
    String key = parsed.getPath() == null ? "" : parsed.getPath().replaceFirst("^/", "");
    if (!"s3".equalsIgnoreCase(parsed.getScheme())
        || parsed.getHost() == null
        || key.isEmpty()
        || key.endsWith("/")) {
      throw new PoisonEventException(
          "objectUri '" + uri + "' must name an object as s3://bucket/key");
    }
    return new ObjectRef(parsed.getHost(), checkKey("objectUri '" + uri + "'", key));
  }

  /** {@code key}, unless it has an empty, '.' or '..' segment (or ends with '/'). */
  static String checkKey(String what, String key) {
    if (key.isEmpty() || key.endsWith("/")) {
      throw new PoisonEventException(what + " must name an object as s3://bucket/key");
    }
    for (String segment : key.split("/")) {
      if (segment.equals("..") || segment.equals(".") || segment.isEmpty()) {
        throw new PoisonEventException(what + " has a key with an empty, '.' or '..' segment");
      }
    }
    return key;
  }

  /** The format named by the request, else by the key's extension (a trailing .gz aside). */
  static TableFormat format(String declared, String key) {
    String name = declared;
    if (name == null) {
      String lower = key.toLowerCase(Locale.ROOT).replaceFirst("\\.gz$", "");
      name = lower.contains(".") ? lower.substring(lower.lastIndexOf('.') + 1) : "";
    }
    return switch (name) {
      case "csv" -> TableFormat.CSV;
      case "jsonl", "ndjson" -> TableFormat.JSON_LINES;
      case "parquet" -> TableFormat.PARQUET;
      default ->
          throw new PoisonEventException(
              "cannot tell the format of '"
                  + key
                  + "': name it in format (csv, jsonl or parquet) or use such an extension");
    };
  }

  /** Downloads the object to {@code file}, decompressing a {@code .gz} key. */
  private Path download(ObjectRef ref, Path file) throws IOException {
    try (InputStream object =
        client.getObject(GetObjectArgs.builder().bucket(ref.bucket()).object(ref.key()).build())) {
      InputStream in =
          ref.key().toLowerCase(Locale.ROOT).endsWith(".gz")
              ? new GZIPInputStream(object, 1 << 16)
              : object;
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (ErrorResponseException e) {
      String code = e.errorResponse() == null ? "" : e.errorResponse().code();
      if (code.equals("NoSuchKey") || code.equals("NoSuchBucket") || code.equals("AccessDenied")) {
        throw new PoisonEventException(
            "cannot read s3://" + ref.bucket() + "/" + ref.key() + ": " + code, e);
      }
      throw new TransientEventException("the object store refused the read: " + code, e);
    } catch (ZipException e) {
      throw new PoisonEventException(
          "s3://"
              + ref.bucket()
              + "/"
              + ref.key()
              + " ends in .gz but is not gzip: "
              + e.getMessage(),
          e);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new TransientEventException("cannot read s3://" + ref.bucket() + "/" + ref.key(), e);
    }
  }
}
