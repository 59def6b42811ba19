package io.trainyard.drift.monitor;

import io.trainyard.contracts.events.DriftDetected.FeatureDrift;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.problem.ProblemException;
import io.trainyard.platform.specs.PipelineCatalog;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /api/v1/pipelines/{name}/drift}: the tested windows of a pipeline, its open windows and
 * its retrain policy's state; {@code .../features/{feature}}: one feature's history; {@code
 * .../alerts}, {@code .../silences}: drift alerts, acknowledged and silenced by ops.
 */
@Path("/api/v1/pipelines/{name}/drift")
public class DriftResource {

  private final PipelineCatalog catalog;
  private final DriftAlerts alerts;

  public DriftResource(PipelineCatalog catalog, DriftAlerts alerts) {
    this.catalog = catalog;
    this.alerts = alerts;
  }

  /** The pipeline's drift alerts, oldest first; {@code ?state=open|acknowledged|silenced}. */
  @GET
  @Path("/alerts")
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  public List<DriftAlerts.AlertView> alerts(
      @PathParam("name") String name, @QueryParam("state") String state) {
    return alerts.alerts(name, state);
  }

  /** Acknowledges an alert; 404 for an alert the pipeline does not have. */
  @POST
  @Path("/alerts/{id}/acknowledge")
  @RolesAllowed(Roles.OPS)
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public DriftAlerts.AlertView acknowledge(
      @PathParam("name") String name,
      @PathParam("id") long id,
      DriftAlerts.AcknowledgeRequest body,
      @Context SecurityContext security) {
    return alerts.acknowledge(name, id, body == null ? null : body.note(), caller(security));
  }

  /** The silences in force. */
  @GET
  @Path("/silences")
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  public List<DriftAlerts.SilenceView> silences(@PathParam("name") String name) {
    return alerts.silences(name);
  }

  /** Silences the pipeline's alerts until a time; 201. */
  @POST
  @Path("/silences")
  @RolesAllowed(Roles.OPS)
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response silence(
      @PathParam("name") String name,
      DriftAlerts.SilenceRequest body,
      @Context SecurityContext security) {
    return Response.status(201).entity(alerts.silence(name, body, caller(security))).build();
  }

  private static String caller(SecurityContext security) {
    return security == null || security.getUserPrincipal() == null
        ? "an operator"
        : security.getUserPrincipal().getName();
  }

  /**
   * The reference's champion, every tested window (newest last), the open windows and the retrain
   * state; an unknown pipeline has no champion and no windows.
   */
  @GET
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  @Transactional
  public DriftView drift(@PathParam("name") String name) {
    Optional<DriftReference> reference = DriftReference.of(name);
    Optional<PipelineSpec.Monitoring> monitoring =
        catalog.find(name).map(s -> s.spec().monitoring());
    Integer size = monitoring.map(m -> m.window().events()).orElse(null);
    Integer champion = reference.map(r -> r.modelVersion).orElse(null);
    DriftView.OpenWindow open = null;
    List<DriftView.OpenWindow> others = new ArrayList<>();
    for (DriftWindow w : DriftWindow.ofPipeline(name)) {
      DriftView.OpenWindow view =
          new DriftView.OpenWindow(w.windowIndex, w.modelVersion, w.events, size);
      if (champion != null && w.modelVersion == champion) {
        open = view;
      } else {
        others.add(view);
      }
    }
    if (champion != null && open == null) {
      open =
          new DriftView.OpenWindow(DriftWindowResult.nextIndex(name, champion), champion, 0, size);
    }
    DriftView.RetrainView retrain =
        RetrainState.of(name)
            .map(
                s ->
                    new DriftView.RetrainView(
                        s.consecutive,
                        monitoring.map(m -> m.retrain().afterDriftedWindows()).orElse(null),
                        s.lastRequestedAt,
                        s.heldBack,
                        RetrainRequest.ofPipeline(name).stream()
                            .map(DriftView.Request::of)
                            .toList()))
            .orElse(null);
    return new DriftView(
        name,
        champion,
        reference.map(r -> r.datasetVersion).orElse(null),
        DriftWindowResult.ofPipeline(name).stream().map(DriftView.WindowView::of).toList(),
        open,
        others,
        retrain);
  }

  /** One feature's test in every tested window, oldest first; 404 when no window tested it. */
  @GET
  @Path("/features/{feature}")
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  @Transactional
  public List<DriftView.FeatureHistory> feature(
      @PathParam("name") String name, @PathParam("feature") String feature) {
    List<DriftView.FeatureHistory> history = new ArrayList<>();
    for (DriftWindowResult row : DriftWindowResult.ofPipeline(name)) {
      List<FeatureDrift> tests = new ArrayList<>(row.features());
      tests.addAll(row.predictions());
      tests.stream()
          .filter(t -> t.feature().equals(feature))
          .findFirst()
          .ifPresent(
              t ->
                  history.add(
                      new DriftView.FeatureHistory(
                          row.windowIndex, row.modelVersion, row.closedAt, t)));
    }
    if (history.isEmpty()) {
      throw ProblemException.notFound(
          "No tested window of pipeline '" + name + "' has a feature '" + feature + "'");
    }
    return history;
  }
}
