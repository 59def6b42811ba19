package io.trainyard.drift.monitor;

import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.specs.PipelineCatalog;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code /api/v1/pipelines/{name}/drift}: the tested windows of a pipeline. */
@Path("/api/v1/pipelines/{name}/drift")
public class DriftResource {

  private final PipelineCatalog catalog;

  public DriftResource(PipelineCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * The monitored champion and every tested window, newest last; an unknown pipeline has no
   * champion and no windows.
   */
  @GET
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  @Transactional
  public DriftView drift(@PathParam("name") String name) {
    Integer modelVersion = DriftReference.of(name).map(r -> r.modelVersion).orElse(null);
    Integer size =
        catalog.find(name).map(s -> s.spec().monitoring().window().events()).orElse(null);
    DriftView.OpenWindow open =
        modelVersion == null
            ? null
            : DriftWindow.of(name)
                .map(w -> new DriftView.OpenWindow(w.windowIndex, w.modelVersion, w.events, size))
                .orElse(null);
    return new DriftView(
        name,
        modelVersion,
        DriftWindowResult.ofPipeline(name).stream().map(DriftView.WindowView::of).toList(),
        open);
  }
}
