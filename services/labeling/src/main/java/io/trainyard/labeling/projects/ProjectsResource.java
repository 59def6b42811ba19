package io.trainyard.labeling.projects;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.PipelineSpecs;
import io.trainyard.eventing.PoisonEventException;
import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.problem.ProblemException;
import io.trainyard.platform.specs.PipelineCatalog;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * The labeling API: projects of a pipeline, their members, the next task of an annotator, answers,
 * and the figures of the annotators.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectsResource {

  private final ProjectService projects;
  private final AnnotationService annotations;
  private final CompletionService completions;
  private final ModelReviews reviews;
  private final PipelineCatalog catalog;

  public ProjectsResource(
      ProjectService projects,
      AnnotationService annotations,
      CompletionService completions,
      ModelReviews reviews,
      PipelineCatalog catalog) {
    this.projects = projects;
    this.annotations = annotations;
    this.completions = completions;
    this.reviews = reviews;
    this.catalog = catalog;
  }

  /** A pipeline's projects, oldest dataset version first. */
  @GET
  @Path("pipelines/{name}/labeling/projects")
  @RolesAllowed(Roles.VIEWER)
  @Transactional
  public List<ProjectView> list(@PathParam("name") String name) {
    return LabelProject.ofPipeline(name).stream().map(ProjectView::of).toList();
  }

  /**
   * Creates the project of a dataset version with unlabeled rows ({@code {"datasetVersion": n}}),
   * as a {@code datasets.ingested} event would; 409 when it exists.
   */
  @POST
  @Path("pipelines/{name}/labeling/projects")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.OPS)
  @Transactional
  public Response create(@PathParam("name") String name, JsonNode body) {
    if (body == null || !body.path("datasetVersion").canConvertToInt()) {
      throw ProblemException.badRequest("Give the dataset version: {\"datasetVersion\": 3}");
    }
    int version = body.get("datasetVersion").asInt();
    PipelineSpec spec = spec(name);
    String id = LabelProject.idOf(name, version);
    if (LabelProject.find(id).isPresent()) {
      throw ProblemException.conflict("Project '" + id + "' exists");
    }
    LabelProject project;
    try {
      project = projects.create(spec, version, null);
    } catch (PoisonEventException e) {
      throw ProblemException.of(422, e.getMessage());
    }
    return Response.created(URI.create("/api/v1/labeling/projects/" + project.id))
        .entity(ProjectView.of(project))
        .build();
  }

  /**
   * Starts a human review of a model version: {@code {"modelVersion": 3, "sample": 50,
   * "reviewersPerPrediction": 1, "rating": {"min": 1, "max": 5}, "guidelines": "..."}} (sample
   * default 50, reviewers default the spec's annotatorsPerItem, rating optional); 201 with the
   * review project, whose tasks are the sampled predictions.
   */
  @POST
  @Path("pipelines/{name}/labeling/reviews")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.OPS)
  @Transactional
  public Response review(@PathParam("name") String name, JsonNode body) {
    if (body == null || !body.path("modelVersion").canConvertToInt()) {
      throw ProblemException.badRequest("Give the model version: {\"modelVersion\": 3}");
    }
    PipelineSpec spec = spec(name);
    JsonNode rating = body.path("rating");
    LabelProject project =
        reviews.create(
            name,
            spec.target(),
            body.get("modelVersion").asInt(),
            body.path("sample").asInt(50),
            body.path("reviewersPerPrediction").asInt(spec.labeling().annotatorsPerItem()),
            body.path("guidelines").asText(""),
            rating.isObject() ? rating.path("min").asDouble() : null,
            rating.isObject() ? rating.path("max").asDouble() : null);
    return Response.created(URI.create("/api/v1/labeling/projects/" + project.id))
        .entity(ProjectView.of(project))
        .build();
  }

  /** One project. */
  @GET
  @Path("labeling/projects/{id}")
  @RolesAllowed(Roles.VIEWER)
  @Transactional
  public ProjectView get(@PathParam("id") String id) {
    return ProjectView.of(project(id));
  }

  /**
   * Closes an open project before every task has its labels (its budget is spent, or enough is
   * labeled): the agreement gate decides whether its labels become a dataset version.
   */
  @POST
  @Path("labeling/projects/{id}/complete")
  @RolesAllowed(Roles.OPS)
  @Transactional
  public ProjectView complete(@PathParam("id") String id) {
    return ProjectView.of(completions.complete(project(id)));
  }

  /** Adds an annotator to a project, or changes whether they are an expert. */
  @PUT
  @Path("labeling/projects/{id}/annotators/{annotator}")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.OPS)
  @Transactional
  public ProjectView addAnnotator(
      @PathParam("id") String id, @PathParam("annotator") String annotator, JsonNode body) {
    LabelProject project = project(id);
    if (annotator.isBlank() || annotator.length() > 200) {
      throw ProblemException.badRequest("An annotator is 1 to 200 characters");
    }
    boolean expert = body != null && body.path("expert").asBoolean(false);
    ProjectAnnotator member =
        ProjectAnnotator.find(id, annotator)
            .orElseGet(
                () -> {
                  ProjectAnnotator m = new ProjectAnnotator();
                  m.projectId = id;
                  m.annotator = annotator;
                  m.addedAt = Instant.now();
                  return m;
                });
    member.expert = expert;
    member.persist();
    return ProjectView.of(project);
  }

  /** The caller's next task; 204 when none is left for them. */
  @GET
  @Path("labeling/projects/{id}/next")
  @RolesAllowed(Roles.ANNOTATOR)
  @Transactional
  public Response next(@PathParam("id") String id, @Context SecurityContext security) {
    String annotator = caller(security);
    return annotations
        .next(id, annotator)
        .map(task -> Response.ok(TaskView.of(task, project(id))).build())
        .orElseGet(() -> Response.noContent().build());
  }

  /**
   * The caller's answer to a task: {@code {"label": "fraud"}} or {@code {"skip": true}}; 201.
   * Unknown project or task 404, an annotator outside the project 403, a label outside the schema
   * 400, a second answer or a closed project 409; nothing changes on any of them.
   */
  @POST
  @Path("labeling/projects/{id}/tasks/{task}/annotations")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.ANNOTATOR)
  public Response annotate(
      @PathParam("id") String id,
      @PathParam("task") long task,
      JsonNode body,
      @Context SecurityContext security) {
    if (body == null || !body.isObject()) {
      throw ProblemException.badRequest("Give {\"label\": ...} or {\"skip\": true}");
    }
    JsonNode label = body.get("label");
    if (label != null && !label.isNull() && !label.isValueNode()) {
      throw ProblemException.badRequest("label must be a string, number or boolean");
    }
    JsonNode rating = body.get("rating");
    if (rating != null && !rating.isNull() && !rating.isNumber()) {
      throw ProblemException.badRequest("rating must be a number");
    }
    String text = label == null || label.isNull() ? null : label.asText();
    Annotation a =
        annotations.annotate(
            id,
            task,
            caller(security),
            text,
            rating == null || rating.isNull() ? null : rating.asDouble(),
            body.path("skip").asBoolean(false));
    return Response.status(201).entity(AnnotationView.of(a)).build();
  }

  /** Each member's figures: answers, skips, throughput and accuracy on gold tasks. */
  @GET
  @Path("labeling/projects/{id}/annotators")
  @RolesAllowed(Roles.VIEWER)
  @Transactional
  public List<AnnotatorFigures> annotators(@PathParam("id") String id) {
    return AnnotatorFigures.of(project(id));
  }

  /**
   * The annotators' agreement over the tasks to label, per project and per annotator, with the
   * consensus and the spec's label-quality gate.
   */
  @GET
  @Path("labeling/projects/{id}/agreement")
  @RolesAllowed(Roles.VIEWER)
  @Transactional
  public AgreementReport agreement(@PathParam("id") String id) {
    LabelProject project = project(id);
    return AgreementReport.of(project, spec(project.pipeline).labeling().minAgreement());
  }

  /**
   * The spec's rules over the project's tasks to label: per rule its coverage, overlap, conflict
   * and its accuracy on the gold tasks; the totals; how many tasks their majority vote labels.
   */
  @GET
  @Path("labeling/projects/{id}/rules")
  @RolesAllowed(Roles.VIEWER)
  @Transactional
  public RuleFigures rules(@PathParam("id") String id) {
    LabelProject project = project(id);
    return RuleFigures.of(project, project.rules());
  }

  /**
   * Replaces the project's labeling functions ({@code [{name, label, when: [...]}]}, as the spec's
   * {@code labeling.rules}) and re-votes every task; their figures follow. A rule that is not
   * valid, reads a column the rows lack, or gives a label outside the schema is a 400 problem, and
   * nothing changes.
   */
  @PUT
  @Path("labeling/projects/{id}/rules")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.OPS)
  @Transactional
  public RuleFigures setRules(@PathParam("id") String id, JsonNode body) {
    LabelProject project = project(id);
    List<PipelineSpec.Rule> rules;
    try {
      rules =
          Json.mapper()
              .convertValue(
                  body,
                  new com.fasterxml.jackson.core.type.TypeReference<List<PipelineSpec.Rule>>() {});
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest(
          "Give the rules as [{\"name\", \"label\", \"when\": [{\"column\", \"op\", \"value\"}]}]");
    }
    if (rules == null
        || rules.stream()
            .anyMatch(
                r -> r == null || r.name() == null || r.label() == null || r.when().isEmpty())) {
      throw ProblemException.badRequest("Every rule needs a name, a label and conditions (when)");
    }
    List<String> reasons = new java.util.ArrayList<>(PipelineSpecs.ruleReasons(rules));
    List<LabelTask> tasks = LabelTask.ofProject(id);
    List<java.util.Map<String, Object>> rows = new java.util.ArrayList<>();
    for (LabelTask t : tasks) {
      rows.add(
          Json.mapper()
              .convertValue(
                  Json.readTree(t.dataJson),
                  new com.fasterxml.jackson.core.type.TypeReference<
                      java.util.Map<String, Object>>() {}));
    }
    try {
      ProjectService.checkRuleColumns(rules, rows, project.pipeline, project.datasetVersion);
    } catch (io.trainyard.eventing.PoisonEventException e) {
      reasons.add(e.getMessage());
    }
    try {
      io.trainyard.labeling.rules.Rules.labelMatrix(rules, List.of(), project.classes());
    } catch (IllegalArgumentException e) {
      reasons.add(e.getMessage());
    }
    if (!reasons.isEmpty()) {
      throw ProblemException.validation(
          reasons.size() + " problem(s) in the rules; nothing changed",
          reasons.stream()
              .map(r -> new io.trainyard.platform.problem.Problem.FieldError(null, null, r))
              .toList());
    }
    project.rulesJson = Json.write(rules);
    for (int i = 0; i < tasks.size(); i++) {
      ProjectService.vote(tasks.get(i), rows.get(i), rules, project.classes());
    }
    return RuleFigures.of(project, rules);
  }

  /** The pipeline's spec; a 404 problem when labeling does not know it. */
  private PipelineSpec spec(String pipeline) {
    return catalog.require(pipeline).spec();
  }

  private static LabelProject project(String id) {
    return LabelProject.find(id)
        .orElseThrow(() -> ProblemException.notFound("No project '" + id + "'"));
  }

  private static String caller(SecurityContext security) {
    if (security == null || security.getUserPrincipal() == null) {
      throw ProblemException.of(401, "Sign in to annotate");
    }
    return security.getUserPrincipal().getName();
  }

  /** An answer, as the API shows it. */
  public record AnnotationView(
      long id,
      long taskId,
      String annotator,
      String label,
      Double rating,
      boolean skipped,
      Instant createdAt) {
    static AnnotationView of(Annotation a) {
      return new AnnotationView(
          a.id, a.taskId, a.annotator, a.label, a.rating, a.skipped, a.createdAt);
    }
  }

  /**
   * A task as an annotator sees it: the row's fields (never a gold task's label), the classes and
   * the guidelines.
   */
  public record TaskView(
      String projectId,
      long taskId,
      long rowId,
      JsonNode data,
      List<String> classes,
      String guidelines,
      JsonNode prediction,
      Rating rating,
      PreAnnotation preAnnotation,
      ModelSuggestion model) {
    static TaskView of(LabelTask task, LabelProject project) {
      return new TaskView(
          project.id,
          task.id,
          task.rowId,
          Json.readTree(task.dataJson),
          project.classes(),
          project.guidelines,
          task.predictionJson == null ? null : Json.readTree(task.predictionJson),
          project.ratingMin == null ? null : new Rating(project.ratingMin, project.ratingMax),
          task.ruleVotesJson == null
              ? null
              : new PreAnnotation(task.ruleLabel, "rules", Json.readTree(task.ruleVotesJson)),
          task.modelLabel == null
              ? null
              : new ModelSuggestion(task.modelLabel, task.modelConfidence, task.modelVersion));
    }
  }

  /** The champion's pre-annotation: its label, its confidence, and which version gave it. */
  public record ModelSuggestion(String label, double confidence, int version) {}

  /**
   * A suggested label: the rules' majority vote (null when they abstain or tie) and each rule's
   * vote.
   */
  public record PreAnnotation(String label, String source, JsonNode votes) {}

  /** A review's rating scale. */
  public record Rating(double min, double max) {}
}
