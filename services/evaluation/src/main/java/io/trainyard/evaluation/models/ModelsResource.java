package io.trainyard.evaluation.models;

import io.trainyard.contracts.events.Alias;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.util.List;

/**
 * {@code /api/v1/pipelines/{name}/models}: the evaluated model versions, the champion, and each
 * version's test-split predictions.
 */
@Path("/api/v1/pipelines/{name}/models")
public class ModelsResource {

  static final String PARQUET = "application/vnd.apache.parquet";

  private final ObjectStore store;

  public ModelsResource(ObjectStore store) {
    this.store = store;
  }

  /** The evaluated versions, oldest first. */
  @GET
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  @Transactional
  public List<ModelView> list(@PathParam("name") String name) {
    List<ModelAlias> aliases = ModelAlias.ofPipeline(name);
    List<ModelReview> reviews = ModelReview.ofPipeline(name);
    return ModelEvaluation.ofPipeline(name).stream()
        .map(
            row ->
                ModelView.of(
                    row,
                    aliasesOf(aliases, row.version),
                    reviews.stream().filter(r -> r.version == row.version).toList()))
        .toList();
  }

  /** The champion, in the same shape. */
  @GET
  @Path("champion")
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  @Transactional
  public ModelView champion(@PathParam("name") String name) {
    ModelAlias champion =
        ModelAlias.of(name, Alias.CHAMPION.wire())
            .orElseThrow(
                () -> ProblemException.notFound("Pipeline '" + name + "' has no champion yet"));
    return view(name, champion.version);
  }

  /** One version. */
  @GET
  @Path("{version: [0-9]+}")
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  @Transactional
  public ModelView get(@PathParam("name") String name, @PathParam("version") int version) {
    return view(name, version);
  }

  /** The test-split predictions of one version, as Parquet (row_id, actual, predicted, score). */
  @GET
  @Path("{version: [0-9]+}/predictions")
  @RolesAllowed(Roles.VIEWER)
  @Produces(PARQUET)
  public Response predictions(@PathParam("name") String name, @PathParam("version") int version) {
    Manifest evaluation = evaluation(name, version);
    StreamingOutput body =
        out -> {
          try (InputStream in = store.open(evaluation, EvaluationService.PREDICTIONS)) {
            in.transferTo(out);
          }
        };
    return Response.ok(body, PARQUET)
        .header(
            "Content-Disposition",
            "attachment; filename=\"" + name + "-v" + version + "-predictions.parquet\"")
        .build();
  }

  /**
   * The model card of one version: Markdown, or HTML with {@code ?format=html}; once the version
   * has human reviews, the card rewritten with them.
   */
  @GET
  @Path("{version: [0-9]+}/card")
  @RolesAllowed(Roles.VIEWER)
  @Produces({"text/markdown", "text/html"})
  @Transactional
  public Response card(
      @PathParam("name") String name,
      @PathParam("version") int version,
      @jakarta.ws.rs.QueryParam("format") @jakarta.ws.rs.DefaultValue("markdown") String format) {
    boolean html = format.equals("html");
    if (!html && !format.equals("markdown")) {
      throw ProblemException.badRequest("format must be markdown or html, not '" + format + "'");
    }
    String file = html ? EvaluationService.CARD_HTML : EvaluationService.CARD_MARKDOWN;
    List<ModelReview> reviews = ModelReview.of(name, version);
    ModelReview latest = reviews.isEmpty() ? null : reviews.get(reviews.size() - 1);
    Manifest evaluation =
        latest == null || latest.cardManifestUri == null
            ? evaluation(name, version)
            : store
                .manifest(ReviewService.prefix(name, version, latest.reviewId))
                .orElseGet(() -> evaluation(name, version));
    if (evaluation.object(file).isEmpty()) {
      throw ProblemException.notFound(
          "Model version " + version + " of '" + name + "' was evaluated before model cards");
    }
    StreamingOutput body =
        out -> {
          try (InputStream in = store.open(evaluation, file)) {
            in.transferTo(out);
          }
        };
    return Response.ok(body, (html ? "text/html" : EvaluationService.MARKDOWN) + "; charset=utf-8")
        .build();
  }

  /**
   * The plots of one version's evaluation (SVG): {@code [{name, link}]}, by name; empty for a
   * version evaluated before plots.
   */
  @GET
  @Path("{version: [0-9]+}/plots")
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  public List<PlotLink> plots(@PathParam("name") String name, @PathParam("version") int version) {
    return evaluation(name, version).objects().stream()
        .map(Manifest.Entry::name)
        .filter(n -> n.startsWith(EvaluationService.PLOTS))
        .map(n -> n.substring(EvaluationService.PLOTS.length()))
        .map(
            plot ->
                new PlotLink(
                    plot, "/api/v1/pipelines/" + name + "/models/" + version + "/plots/" + plot))
        .toList();
  }

  /** A plot of an evaluation and where to get it. */
  public record PlotLink(String name, String link) {}

  /** One plot of one version's evaluation, as SVG ({@code roc.svg}, {@code residuals.svg}...). */
  @GET
  @Path("{version: [0-9]+}/plots/{plot}")
  @RolesAllowed(Roles.VIEWER)
  @Produces(EvaluationService.SVG)
  public Response plot(
      @PathParam("name") String name,
      @PathParam("version") int version,
      @PathParam("plot") String plot) {
    Manifest evaluation = evaluation(name, version);
    String file = EvaluationService.PLOTS + plot;
    if (evaluation.object(file).isEmpty()) {
      throw ProblemException.notFound(
          "Model version "
              + version
              + " of '"
              + name
              + "' has no plot '"
              + plot
              + "'; its plots are listed at /api/v1/pipelines/"
              + name
              + "/models/"
              + version
              + "/plots");
    }
    StreamingOutput body =
        out -> {
          try (InputStream in = store.open(evaluation, file)) {
            in.transferTo(out);
          }
        };
    return Response.ok(body, EvaluationService.SVG + "; charset=utf-8").build();
  }

  /** The evaluation's manifest of a version; a 404 problem when it was not evaluated. */
  private Manifest evaluation(String name, int version) {
    return store
        .manifest(io.trainyard.objectstore.Layout.evaluation(name, version))
        .orElseThrow(
            () ->
                ProblemException.notFound(
                    "Model version " + version + " of '" + name + "' is not evaluated"));
  }

  private static ModelView view(String name, int version) {
    ModelEvaluation row =
        ModelEvaluation.of(name, version)
            .orElseThrow(
                () ->
                    ProblemException.notFound(
                        "Pipeline '" + name + "' has no evaluated model version " + version));
    return ModelView.of(
        row, aliasesOf(ModelAlias.ofPipeline(name), version), ModelReview.of(name, version));
  }

  private static List<String> aliasesOf(List<ModelAlias> aliases, int version) {
    return aliases.stream().filter(a -> a.version == version).map(a -> a.alias).sorted().toList();
  }
}
