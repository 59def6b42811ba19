package io.trainyard.labeling.projects;

import io.trainyard.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Hands tasks to annotators and takes their answers. A task to label goes to {@code
 * annotatorsPerItem} annotators (an answer or a recent hand-out counts; a skip does not), never
 * twice to the same one; gold tasks go to every annotator, mixed in so that about {@code goldRate}
 * of each annotator's answers are gold. A task whose k labels agree less than the project's
 * threshold ({@link #DISAGREED}) is contested: it goes first to an adjudicator (an expert of the
 * project, or any member when it has none) who has not answered it, and the project waits for that
 * extra label while an adjudicator is left.
 */
@ApplicationScoped
public class AnnotationService {

  /** A task handed out and not answered within this long is handed to someone else. */
  static final Duration ASSIGNMENT_TTL = Duration.ofHours(1);

  private final EntityManager em;
  private final CompletionService completions;

  public AnnotationService(EntityManager em, CompletionService completions) {
    this.em = em;
    this.completions = completions;
  }

  /** The task to show the annotator next; empty when none is left for them. */
  @Transactional
  public Optional<LabelTask> next(String projectId, String annotator) {
    LabelProject project = openProject(projectId);
    member(project, annotator);
    Optional<LabelTask> open = firstTask(OPEN_ASSIGNMENT, project, annotator, null);
    if (open.isPresent()) {
      return open;
    }
    Optional<LabelTask> task = Optional.empty();
    if (adjudicates(project, annotator)) {
      task = firstTask(CONTESTED, project, annotator, null);
    }
    if (task.isEmpty() && goldDue(project, annotator)) {
      task = firstTask(GOLD, project, annotator, null);
    }
    if (task.isEmpty()) {
      task = firstTask(TO_LABEL, project, annotator, Instant.now().minus(ASSIGNMENT_TTL));
    }
    task.ifPresent(
        t -> {
          Assignment a = new Assignment();
          a.taskId = t.id;
          a.annotator = annotator;
          a.assignedAt = Instant.now();
          a.persist();
        });
    return task;
  }

  /**
   * Whether the annotator adjudicates contested tasks: the project's experts, or every member of a
   * project without one.
   */
  private static boolean adjudicates(LabelProject project, String annotator) {
    List<ProjectAnnotator> members = ProjectAnnotator.ofProject(project.id);
    boolean anyExpert = members.stream().anyMatch(m -> m.expert);
    return !anyExpert || members.stream().anyMatch(m -> m.expert && m.annotator.equals(annotator));
  }

  /** Whether the annotator's next task should be gold: fewer than goldRate of their answers are. */
  private boolean goldDue(LabelProject project, String annotator) {
    if (project.goldRate == 0) {
      return false;
    }
    Object[] counts =
        (Object[])
            em.createNativeQuery(
                    "select count(*), count(*) filter (where t.gold_label is not null)"
                        + " from annotation a join label_task t on t.id = a.task_id"
                        + " where t.project_id = ?1 and a.annotator = ?2")
                .setParameter(1, project.id)
                .setParameter(2, annotator)
                .getSingleResult();
    long answered = ((Number) counts[0]).longValue();
    long gold = ((Number) counts[1]).longValue();
    return gold < project.goldRate * (answered + 1);
  }

  private static final String OPEN_ASSIGNMENT =
      "exists (select 1 from label_assignment s where s.task_id = t.id and s.annotator = :who)"
          + " and not exists (select 1 from annotation a where a.task_id = t.id"
          + " and a.annotator = :who)";

  private static final String NOT_SEEN =
      "not exists (select 1 from label_assignment s where s.task_id = t.id and s.annotator = :who)"
          + " and not exists (select 1 from annotation a where a.task_id = t.id"
          + " and a.annotator = :who)";

  private static final String GOLD = "t.gold_label is not null and " + NOT_SEEN;

  /** A task's labels, counted per label. */
  private static final String VOTES =
      "(select a.label, count(*) as c from annotation a where a.task_id = t.id and not a.skipped"
          + " and a.label is not null group by a.label)";

  /**
   * Tasks with their {@code k} labels (k at least 2) whose agreement, the share of agreeing label
   * pairs {@code Σ c (c - 1) / (k (k - 1))}, is below the project's threshold: one extra label
   * (adjudication) decides them. An adjudicated task has more than k labels and is not contested
   * again.
   */
  static final String DISAGREED =
      ":k >= 2 and (select count(*) from annotation a where a.task_id = t.id and not a.skipped"
          + " and a.label is not null) = :k and (select coalesce(sum(v.c * (v.c - 1)), 0) from "
          + VOTES
          + " v) < :below * :k * (:k - 1)";

  private static final String CONTESTED =
      "t.gold_label is null and " + NOT_SEEN + " and " + DISAGREED;

  private static final String TO_LABEL =
      "t.gold_label is null and "
          + NOT_SEEN
          + " and (select count(*) from annotation a where a.task_id = t.id and not a.skipped)"
          + " + (select count(*) from label_assignment s where s.task_id = t.id"
          + " and s.assigned_at > :since and not exists (select 1 from annotation a"
          + " where a.task_id = s.task_id and a.annotator = s.annotator)) < :k";

  private Optional<LabelTask> firstTask(
      String condition, LabelProject project, String annotator, Instant since) {
    var query =
        em.createNativeQuery(
                "select t.id from label_task t where t.project_id = :project and "
                    + condition
                    + " order by t.position limit 1")
            .setParameter("project", project.id)
            .setParameter("who", annotator);
    if (condition.equals(TO_LABEL)) {
      query.setParameter("since", since).setParameter("k", project.annotatorsPerItem);
    } else if (condition.equals(CONTESTED)) {
      query
          .setParameter("k", project.annotatorsPerItem)
          .setParameter("below", project.adjudicateBelow);
    }
    @SuppressWarnings("unchecked")
    List<Number> ids = query.getResultList();
    return ids.isEmpty()
        ? Optional.empty()
        : Optional.of(LabelTask.<LabelTask>findById(ids.get(0).longValue()));
  }

  /**
   * Records an answer: a label from the project's classes, or a skip.
   *
   * @throws ProblemException 404 for an unknown project or task, 403 for an annotator outside the
   *     project, 409 for a closed project or a second answer, 400 for a label outside the schema
   */
  @Transactional
  public Annotation annotate(
      String projectId, long taskId, String annotator, String label, Double rating, boolean skip) {
    LabelProject project = openProject(projectId);
    member(project, annotator);
    LabelTask task =
        LabelTask.find(projectId, taskId)
            .orElseThrow(
                () ->
                    ProblemException.notFound("Project '" + projectId + "' has no task " + taskId));
    if (skip == (label != null || rating != null)) {
      throw ProblemException.badRequest(
          project.review()
              ? "Give a label (right or wrong), a rating, or both; or skip: true"
              : "Give a label, or skip: true (not both)");
    }
    if (rating != null) {
      if (project.ratingMin == null) {
        throw ProblemException.badRequest("Project '" + projectId + "' takes no ratings");
      }
      if (!(rating >= project.ratingMin && rating <= project.ratingMax)) {
        throw ProblemException.badRequest(
            "A rating is between "
                + project.ratingMin
                + " and "
                + project.ratingMax
                + ", not "
                + rating);
      }
    }
    if (label != null && !project.classes().contains(label)) {
      throw ProblemException.badRequest(
          "'" + label + "' is not a label of project '" + projectId + "': " + project.classes());
    }
    if (Annotation.exists(taskId, annotator)) {
      throw ProblemException.conflict(
          annotator + " has already answered task " + taskId + " of project '" + projectId + "'");
    }
    Annotation a = record(task, annotator, label, rating, skip);
    completeIfDone(project);
    return a;
  }

  /** Persists an answer checked by the caller; its seconds run from the task's hand-out. */
  Annotation record(LabelTask task, String annotator, String label, Double rating, boolean skip) {
    Instant now = Instant.now();
    Annotation a = new Annotation();
    a.taskId = task.id;
    a.annotator = annotator;
    a.label = label;
    a.rating = rating;
    a.skipped = skip;
    a.createdAt = now;
    a.seconds =
        Assignment.find(task.id, annotator)
            .map(s -> Duration.between(s.assignedAt, now).toNanos() / 1e9)
            .orElse(null);
    a.persist();
    return a;
  }

  /**
   * Completes the project when it reached its target (every task labeled, or its budget of answers
   * spent); the gate decides.
   */
  void completeIfDone(LabelProject project) {
    if (everyTaskLabeled(project) || budgetSpent(project)) {
      completions.complete(project);
    }
  }

  private static boolean budgetSpent(LabelProject project) {
    return project.budget != null
        && Annotation.count(
                "taskId in (select t.id from LabelTask t where t.projectId = ?1)", project.id)
            >= project.budget;
  }

  /**
   * Whether every task to label has {@code annotatorsPerItem} labels and, when an adjudicator is
   * left for it (a member who has not answered it), agreement enough or its extra label.
   */
  private boolean everyTaskLabeled(LabelProject project) {
    em.flush();
    Number short_ =
        (Number)
            em.createNativeQuery(
                    "select count(*) from label_task t where t.project_id = :project"
                        + " and t.gold_label is null and ((select count(*) from annotation a"
                        + " where a.task_id = t.id and not a.skipped) < :k or ("
                        + DISAGREED
                        + " and exists (select 1 from project_annotator m where m.project_id ="
                        + " :project and (m.expert or not exists (select 1 from project_annotator"
                        + " e where e.project_id = :project and e.expert)) and not exists (select"
                        + " 1 from annotation a where a.task_id = t.id and a.annotator ="
                        + " m.annotator))))")
                .setParameter("project", project.id)
                .setParameter("k", project.annotatorsPerItem)
                .setParameter("below", project.adjudicateBelow)
                .getSingleResult();
    return short_.longValue() == 0;
  }

  private static LabelProject openProject(String projectId) {
    LabelProject project =
        LabelProject.find(projectId)
            .orElseThrow(() -> ProblemException.notFound("No project '" + projectId + "'"));
    if (!LabelProject.OPEN.equals(project.status)) {
      throw ProblemException.conflict(
          "Project '" + projectId + "' is " + project.status + ": it takes no more answers");
    }
    return project;
  }

  private static void member(LabelProject project, String annotator) {
    if (ProjectAnnotator.find(project.id, annotator).isEmpty()) {
      throw ProblemException.of(
          403, annotator + " is not an annotator of project '" + project.id + "'");
    }
  }
}
