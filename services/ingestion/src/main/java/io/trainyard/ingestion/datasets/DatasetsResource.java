package io.trainyard.ingestion.datasets;

import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@code /api/v1/pipelines/{name}/datasets}: upload a table as a new dataset version, and read the
 * versions. The console forwards these paths here.
 */
@Path("/api/v1/pipelines/{name}/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetsResource {

  static final String CSV = "text/csv";

  private final DatasetService datasets;

  public DatasetsResource(DatasetService datasets) {
    this.datasets = datasets;
  }

  /**
   * Ingests a CSV body (a header row, then data rows): 201 with the new version, or 200 with the
   * existing version when the same content was ingested before (nothing is published then).
   */
  @POST
  @RolesAllowed(Roles.OPS)
  @Consumes(CSV)
  public Response upload(@PathParam("name") String name, InputStream body) {
    java.nio.file.Path file = null;
    try {
      file = Files.createTempFile("trainyard-upload-", ".csv");
      Files.copy(body, file, StandardCopyOption.REPLACE_EXISTING);
      DatasetService.Ingested ingested = datasets.ingestCsv(name, file);
      return Response.status(ingested.created() ? Response.Status.CREATED : Response.Status.OK)
          .header(
              "Location", "/api/v1/pipelines/" + name + "/datasets/" + ingested.dataset().version())
          .entity(ingested.dataset())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot buffer the upload", e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temp file; the OS cleans it
        }
      }
    }
  }

  /** The versions of the pipeline, oldest first; empty when it has none. */
  @GET
  @RolesAllowed(Roles.VIEWER)
  public List<DatasetView> list(@PathParam("name") String name) {
    return datasets.list(name);
  }

  /** One version. */
  @GET
  @Path("{version}")
  @RolesAllowed(Roles.VIEWER)
  public DatasetView get(@PathParam("name") String name, @PathParam("version") String version) {
    int number;
    try {
      number = Integer.parseInt(version);
    } catch (NumberFormatException e) {
      throw ProblemException.badRequest(
          "A dataset version is a positive integer, not '" + version + "'");
    }
    return datasets
        .find(name, number)
        .orElseThrow(
            () ->
                ProblemException.notFound(
                    "Pipeline '" + name + "' has no dataset version " + number));
  }
}
