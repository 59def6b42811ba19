package io.trainyard.ingestion.datasets;

import io.trainyard.contracts.events.Trigger;
import io.trainyard.datasets.DatasetValidationException;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.SchemaDiff;
import io.trainyard.datasets.TableFormat;
import io.trainyard.objectstore.Manifest;
import io.trainyard.platform.WorkDir;
import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.problem.ProblemException;
import io.trainyard.platform.problem.ProblemRoutes;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * {@code /api/v1/pipelines/{name}/datasets}: upload a table as a new dataset version, and read the
 * versions. The console forwards these paths here.
 */
// Only names that can be pipeline names match: anything else (upper case, '..', NUL...) is a 404
// before it reaches the database or the object store.
@Path("/api/v1/pipelines/{name: [a-z0-9][a-z0-9-]*}/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetsResource {

  static final String CSV = "text/csv";

  private final DatasetService datasets;

  public DatasetsResource(DatasetService datasets) {
    this.datasets = datasets;
  }

  /**
   * Ingests a table — CSV with a header row, JSON Lines ({@code application/x-ndjson}) or Parquet
   * ({@code application/vnd.apache.parquet}); JSON Lines and Parquet are turned into the same CSV
   * first, so every format follows the same rules: 201 with the new version, or 200 with the
   * existing version when the same content was ingested before (nothing is published then). With
   * {@code Content-Encoding: gzip} the body is decompressed first; the content hash is the
   * decompressed table's, so the same table plain or compressed is the same version.
   *
   * <p>With {@code ?challengeSet={name}} the table becomes a version of that challenge set: every
   * row labeled (else 400), all rows in the test split, no training requested; evaluation scores
   * models on it and training refuses it.
   */
  @POST
  @RolesAllowed(Roles.OPS)
  @Consumes({
    CSV,
    "application/x-ndjson",
    "application/jsonl",
    "application/jsonlines",
    "application/vnd.apache.parquet"
  })
  public Response upload(
      @PathParam("name") String name,
      @HeaderParam("Content-Type") String contentType,
      @HeaderParam("Content-Encoding") String encoding,
      @QueryParam("challengeSet") String challengeSet,
      InputStream body) {
    TableFormat format =
        TableFormat.ofMediaType(contentType)
            .orElseThrow(() -> ProblemException.of(415, "Unsupported content type " + contentType));
    try (WorkDir work = WorkDir.create("trainyard-upload-")) {
      java.nio.file.Path file = work.resolve("upload");
      buffer(encoding, body, file);
      java.nio.file.Path csv = file;
      if (format != TableFormat.CSV) {
        csv = work.resolve("upload.csv");
        try {
          format.toCsv(file, csv);
        } catch (DatasetValidationException e) {
          throw DatasetService.invalid(e);
        }
      }
      Origin origin = Origin.upload(contentType.trim(), file, rawName(format), format.mediaType());
      DatasetService.Ingested ingested =
          datasets.ingestCsv(
              name,
              csv,
              Trigger.DATA,
              origin,
              challengeSet == null || challengeSet.isBlank() ? null : challengeSet);
      return Response.status(ingested.created() ? Response.Status.CREATED : Response.Status.OK)
          .header(
              "Location", "/api/v1/pipelines/" + name + "/datasets/" + ingested.dataset().version())
          .entity(ingested.dataset())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot buffer the upload", e);
    }
  }

  /** The name the raw upload is kept under: {@code upload.csv}, {@code upload.jsonl}, ... */
  static String rawName(TableFormat format) {
    return switch (format) {
      case CSV -> "upload.csv";
      case JSON_LINES -> "upload.jsonl";
      case PARQUET -> "upload.parquet";
    };
  }

  /** Copies the body to {@code file}, decompressing it when it is gzip-encoded. */
  static void buffer(String encoding, InputStream body, java.nio.file.Path file)
      throws IOException {
    long limit = ProblemRoutes.bodyLimit().orElse(Long.MAX_VALUE);
    buffer(encoding, body, file, limit);
  }

  /**
   * As {@link #buffer(String, InputStream, java.nio.file.Path)}, refusing with a 413 problem a body
   * — or its decompressed content — of more than {@code limit} bytes, as soon as it is read.
   */
  static void buffer(String encoding, InputStream raw, java.nio.file.Path file, long limit)
      throws IOException {
    InputStream body = new Limited(raw, limit);
    String coding = encoding == null ? "identity" : encoding.trim().toLowerCase(Locale.ROOT);
    switch (coding) {
      case "", "identity" -> Files.copy(body, file, StandardCopyOption.REPLACE_EXISTING);
      case "gzip", "x-gzip" -> {
        try (InputStream in = new Limited(new GZIPInputStream(body, 1 << 16), limit)) {
          Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (ZipException | EOFException e) {
          throw ProblemException.badRequest(
              "The body is declared gzip (Content-Encoding: "
                  + encoding
                  + ") but is not valid gzip: "
                  + e.getMessage());
        }
      }
      default ->
          throw ProblemException.of(
              415,
              "Content-Encoding '"
                  + encoding
                  + "' is not supported: send the CSV as is, or gzip-compressed with"
                  + " Content-Encoding: gzip");
    }
  }

  /** A stream that fails with a 413 problem once more than {@code limit} bytes are read. */
  static final class Limited extends java.io.FilterInputStream {
    private final long limit;
    private long read;

    Limited(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > limit) {
        throw ProblemRoutes.tooLarge(-1, limit);
      }
    }
  }

  /**
   * The versions of the pipeline, oldest first; empty when it has none. {@code ?challengeSet=name}
   * lists that challenge set's versions only, {@code ?challengeSets=false} the training versions
   * only.
   */
  @GET
  @RolesAllowed(Roles.VIEWER)
  public List<DatasetView> list(
      @PathParam("name") String name,
      @QueryParam("challengeSet") String challengeSet,
      @QueryParam("challengeSets") @jakarta.ws.rs.DefaultValue("true") String challengeSets) {
    boolean all =
        switch (challengeSets.trim().toLowerCase(Locale.ROOT)) {
          case "true" -> true;
          case "false" -> false;
          default ->
              throw ProblemException.badRequest(
                  "challengeSets is true or false, not '" + challengeSets + "'");
        };
    return datasets.list(
        name, challengeSet == null || challengeSet.isBlank() ? null : challengeSet, all);
  }

  /** One version. */
  @GET
  @Path("{version}")
  @RolesAllowed(Roles.VIEWER)
  public DatasetView get(@PathParam("name") String name, @PathParam("version") String version) {
    int number = versionNumber(version);
    return datasets
        .find(name, number)
        .orElseThrow(
            () ->
                ProblemException.notFound(
                    "Pipeline '" + name + "' has no dataset version " + number));
  }

  /**
   * The per-column profile of one version: its {@code profile.json} as stored (see {@code
   * io.trainyard.datasets.DatasetProfile}).
   */
  @GET
  @Path("{version}/profile")
  @RolesAllowed(Roles.VIEWER)
  public Response profile(@PathParam("name") String name, @PathParam("version") String version) {
    int number = versionNumber(version);
    if (datasets.find(name, number).isEmpty()) {
      throw ProblemException.notFound("Pipeline '" + name + "' has no dataset version " + number);
    }
    byte[] profile =
        datasets
            .profile(name, number)
            .orElseThrow(
                () ->
                    ProblemException.notFound(
                        "Dataset version "
                            + number
                            + " of pipeline '"
                            + name
                            + "' has no profile (it was ingested before profiles existed)"));
    return Response.ok(profile, MediaType.APPLICATION_JSON).build();
  }

  /**
   * The validation report of one version: its {@code validation.json} as stored (see {@code
   * io.trainyard.datasets.ValidationReport}).
   */
  @GET
  @Path("{version}/validation")
  @RolesAllowed(Roles.VIEWER)
  public Response validation(@PathParam("name") String name, @PathParam("version") String version) {
    int number = versionNumber(version);
    if (datasets.find(name, number).isEmpty()) {
      throw ProblemException.notFound("Pipeline '" + name + "' has no dataset version " + number);
    }
    byte[] report =
        datasets
            .validation(name, number)
            .orElseThrow(
                () ->
                    ProblemException.notFound(
                        "Dataset version "
                            + number
                            + " of pipeline '"
                            + name
                            + "' has no validation report (it was ingested before validation"
                            + " reports existed)"));
    return Response.ok(report, MediaType.APPLICATION_JSON).build();
  }

  /**
   * How the schema and profile of one version differ from another's ({@code against}; default the
   * version before it): {@code {from, to, changes, breaking, columns}} (see {@code
   * io.trainyard.datasets.SchemaDiff}).
   */
  @GET
  @Path("{version}/diff")
  @RolesAllowed(Roles.VIEWER)
  public SchemaDiff diff(
      @PathParam("name") String name,
      @PathParam("version") String version,
      @QueryParam("against") String against) {
    int number = versionNumber(version);
    Integer reference = against == null || against.isBlank() ? null : versionNumber(against);
    return datasets.diff(name, number, reference);
  }

  /**
   * The Parquet file of one split of a version ({@code train}, {@code validation}, {@code test},
   * {@code unlabeled}), streamed from the store and verified against the manifest while read.
   */
  @GET
  @Path("{version}/files/{split}")
  @Produces({DatasetVersions.PARQUET, "application/problem+json", MediaType.APPLICATION_JSON})
  @RolesAllowed(Roles.VIEWER)
  public Response file(
      @PathParam("name") String name,
      @PathParam("version") String version,
      @PathParam("split") String split) {
    int number = versionNumber(version);
    if (datasets.find(name, number).isEmpty()) {
      throw ProblemException.notFound("Pipeline '" + name + "' has no dataset version " + number);
    }
    Manifest manifest =
        datasets
            .splitFile(name, number, split)
            .orElseThrow(
                () ->
                    ProblemException.notFound(
                        "Dataset version "
                            + number
                            + " of pipeline '"
                            + name
                            + "' has no split '"
                            + split
                            + "'"));
    String fileName = DatasetVersions.fileName(split);
    long size = manifest.require(fileName).size();
    StreamingOutput body =
        out -> {
          try (InputStream in = datasets.open(manifest, fileName)) {
            in.transferTo(out);
          }
        };
    return Response.ok(body, DatasetVersions.PARQUET)
        .header(
            "Content-Disposition",
            "attachment; filename=\"" + name + "-v" + number + "-" + fileName + "\"")
        .header("Content-Length", size)
        .build();
  }

  private static int versionNumber(String version) {
    try {
      return Integer.parseInt(version);
    } catch (NumberFormatException e) {
      throw ProblemException.badRequest(
          "A dataset version is a positive integer, not '" + version + "'");
    }
  }
}
