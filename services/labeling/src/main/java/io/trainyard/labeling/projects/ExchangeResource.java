package io.trainyard.labeling.projects;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trainyard.contracts.Json;
import io.trainyard.datasets.LabeledTables;
import io.trainyard.labeling.exchange.Exchange;
import io.trainyard.labeling.exchange.ImportException;
import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.problem.Problem;
import io.trainyard.platform.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Export and import of a project's tasks and answers: {@code json} (ours), {@code csv} and {@code
 * label-studio} (Label Studio's JSON task format, a {@code choices} control {@code label} on the
 * object {@code row}).
 */
// Rooted at /api/v1 like ProjectsResource: a longer root path would take every
// /api/v1/labeling/projects/{id}/... request from it (JAX-RS matches the root resource first).
@Path("/api/v1")
public class ExchangeResource {

  static final List<String> FORMATS = List.of("json", "csv", "label-studio");

  /** The control and object names of the Label Studio tasks. */
  static final String FROM_NAME = "label";

  static final String TO_NAME = "row";

  /** The most problems an import's answer lists. */
  static final int MAX_PROBLEMS = 50;

  private final AnnotationService annotations;

  public ExchangeResource(AnnotationService annotations) {
    this.annotations = annotations;
  }

  /** Every task with its answers, consensus and suggestion, in {@code format}. */
  @GET
  @Path("labeling/projects/{id}/export")
  @RolesAllowed(Roles.VIEWER)
  @Produces({MediaType.APPLICATION_JSON, "text/csv"})
  @Transactional
  public Response export(
      @PathParam("id") String id, @QueryParam("format") @DefaultValue("json") String format) {
    checkFormat(format);
    LabelProject project = project(id);
    List<Exchange.ExportedTask> tasks = tasks(project);
    String file = id + (format.equals("csv") ? ".csv" : ".json");
    Response.ResponseBuilder ok =
        switch (format) {
          case "csv" ->
              Response.ok(Exchange.toCsv(tasks, columns(tasks)), "text/csv; charset=utf-8");
          case "label-studio" ->
              Response.ok(
                  Json.write(Exchange.toLabelStudio(tasks, FROM_NAME, TO_NAME)),
                  MediaType.APPLICATION_JSON);
          default -> Response.ok(Exchange.toJson(tasks), MediaType.APPLICATION_JSON);
        };
    return ok.header("Content-Disposition", "attachment; filename=\"" + file + "\"").build();
  }

  /**
   * Adds the answers of a file (in {@code format}) to the project, all or nothing: every problem (a
   * label outside the schema, an unknown or gold row, an annotator who is not a member, an answer
   * the project already has) is listed in one 400 problem, and nothing changes.
   */
  @POST
  @Path("labeling/projects/{id}/import")
  @RolesAllowed(Roles.OPS)
  @Consumes({MediaType.APPLICATION_JSON, "text/csv", MediaType.APPLICATION_OCTET_STREAM})
  @Produces(MediaType.APPLICATION_JSON)
  @Transactional
  public Map<String, Integer> importAnswers(
      @PathParam("id") String id,
      @QueryParam("format") @DefaultValue("json") String format,
      byte[] body) {
    checkFormat(format);
    LabelProject project = project(id);
    if (!LabelProject.OPEN.equals(project.status)) {
      throw ProblemException.conflict(
          "Project '" + id + "' is " + project.status + ": it takes no more answers");
    }
    List<Exchange.ImportedAnnotation> answers;
    try {
      answers =
          switch (format) {
            case "csv" -> Exchange.fromCsv(body, project.classes());
            case "label-studio" -> Exchange.fromLabelStudio(body, project.classes());
            default -> Exchange.fromJson(body, project.classes());
          };
    } catch (ImportException e) {
      throw invalid(e.problems());
    }
    Map<Long, LabelTask> byRow = new HashMap<>();
    for (LabelTask t : LabelTask.ofProject(id)) {
      byRow.put(t.rowId, t);
    }
    Set<String> members = new HashSet<>();
    ProjectAnnotator.ofProject(id).forEach(m -> members.add(m.annotator));
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      Exchange.ImportedAnnotation a = answers.get(i);
      LabelTask task = byRow.get(a.rowId());
      String at = "answer " + (i + 1) + " (row_id " + a.rowId() + ", " + a.annotator() + "): ";
      if (task == null) {
        problems.add(at + "the project has no task of this row");
      } else if (task.gold()) {
        problems.add(at + "the row is a gold task, which answers are scored on, not imported to");
      } else if (Annotation.exists(task.id, a.annotator())) {
        problems.add(at + "the project already has this annotator's answer to it");
      }
      if (!members.contains(a.annotator())) {
        problems.add(at + "'" + a.annotator() + "' is not an annotator of the project");
      }
    }
    if (!problems.isEmpty()) {
      throw invalid(problems);
    }
    for (Exchange.ImportedAnnotation a : answers) {
      annotations.record(byRow.get(a.rowId()), a.annotator(), a.label(), null, a.skipped());
    }
    annotations.completeIfDone(project);
    return Map.of("imported", answers.size());
  }

  /** The tasks of a project as they are exported. */
  static List<Exchange.ExportedTask> tasks(LabelProject project) {
    Map<Long, List<Exchange.ExportedAnnotation>> answers = new HashMap<>();
    for (Annotation a : Annotation.ofProject(project.id)) {
      answers
          .computeIfAbsent(a.taskId, t -> new ArrayList<>())
          .add(
              new Exchange.ExportedAnnotation(
                  a.annotator, a.label, a.rating, a.skipped, a.createdAt));
    }
    Map<Long, LabeledTables.Label> consensus = CompletionService.consensus(project, null);
    List<Exchange.ExportedTask> tasks = new ArrayList<>();
    for (LabelTask t : LabelTask.ofProject(project.id)) {
      LabeledTables.Label label = t.gold() ? null : consensus.get(t.rowId);
      tasks.add(
          new Exchange.ExportedTask(
              t.id,
              t.rowId,
              Json.mapper().convertValue(Json.readTree(t.dataJson), new TypeReference<>() {}),
              t.gold(),
              label == null ? null : label.value(),
              label == null ? null : label.source(),
              answers.getOrDefault(t.id, List.of()),
              suggestion(t)));
    }
    return tasks;
  }

  /** The champion's label, else the rules' vote; null when neither speaks. */
  private static Exchange.Suggestion suggestion(LabelTask t) {
    if (t.modelLabel != null) {
      return new Exchange.Suggestion(t.modelLabel, t.modelConfidence, "model v" + t.modelVersion);
    }
    return t.ruleLabel == null ? null : new Exchange.Suggestion(t.ruleLabel, null, "rules");
  }

  /** The data columns of the tasks, in first-seen order, without the reserved ones. */
  private static List<String> columns(List<Exchange.ExportedTask> tasks) {
    Set<String> columns = new LinkedHashSet<>();
    tasks.forEach(t -> columns.addAll(t.data().keySet()));
    columns.removeIf(
        c ->
            List.of(
                    Exchange.ROW_ID,
                    Exchange.CONSENSUS,
                    Exchange.LABEL_SOURCE,
                    Exchange.ANNOTATIONS,
                    Exchange.ANNOTATOR)
                .contains(c.toLowerCase(java.util.Locale.ROOT)));
    return List.copyOf(columns);
  }

  private static ProblemException invalid(List<String> problems) {
    List<Problem.FieldError> errors = new ArrayList<>();
    for (String p : problems.subList(0, Math.min(MAX_PROBLEMS, problems.size()))) {
      errors.add(new Problem.FieldError(null, null, p));
    }
    return ProblemException.validation(
        problems.size()
            + " problem"
            + (problems.size() == 1 ? "" : "s")
            + " in the file; nothing was imported"
            + (problems.size() > MAX_PROBLEMS ? " (the first " + MAX_PROBLEMS + " listed)" : ""),
        errors);
  }

  private static void checkFormat(String format) {
    if (!FORMATS.contains(format)) {
      throw ProblemException.badRequest(
          "format must be one of " + FORMATS + ", not '" + format + "'");
    }
  }

  private static LabelProject project(String id) {
    return LabelProject.find(id)
        .orElseThrow(() -> ProblemException.notFound("No project '" + id + "'"));
  }
}
