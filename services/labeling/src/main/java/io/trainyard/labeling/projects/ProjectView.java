package io.trainyard.labeling.projects;

import java.time.Instant;
import java.util.List;

/**
 * A project as the API shows it.
 *
 * @param id {@code {pipeline}-v{datasetVersion}}, or {@code {pipeline}-m{version}-review-{n}}
 * @param kind {@code dataset} (labels a version's unlabeled rows) or {@code review} (reviews a
 *     model version's predictions)
 * @param modelVersion the reviewed model version (a review)
 * @param pipeline the pipeline
 * @param datasetVersion the dataset version whose unlabeled rows it labels
 * @param target the column the labels are for
 * @param classes the label schema, in order
 * @param guidelines the labeling guidelines (Markdown)
 * @param annotatorsPerItem how many annotators label each task
 * @param goldRate the share of an annotator's tasks that are gold
 * @param status open, completed or rejected
 * @param tasks the tasks to label
 * @param goldTasks the gold tasks
 * @param labeledTasks the tasks with {@code annotatorsPerItem} labels
 * @param answers every answer so far (labels and skips, gold included)
 * @param annotators the members
 * @param createdAt when it was created
 * @param closedAt when it was completed or rejected
 * @param outcome the gate's reason (and, rejected, that no dataset was made)
 * @param labeledRows the rows its labels went to (completed)
 * @param labeledVersion the dataset version made of them, once ingestion announced it
 * @param assistedBy the champion version whose labels and confidences its tasks show; null when
 *     none has scored them
 */
public record ProjectView(
    String id,
    String kind,
    Integer modelVersion,
    String pipeline,
    int datasetVersion,
    String target,
    List<String> classes,
    String guidelines,
    int annotatorsPerItem,
    double goldRate,
    String status,
    long tasks,
    long goldTasks,
    long labeledTasks,
    long answers,
    List<Member> annotators,
    Instant createdAt,
    Instant closedAt,
    String outcome,
    Integer labeledRows,
    Integer labeledVersion,
    Integer assistedBy) {

  /** A member of a project. */
  public record Member(String annotator, boolean expert) {}

  static ProjectView of(LabelProject p) {
    long tasks = LabelTask.count("projectId = ?1 and goldLabel is null", p.id);
    long gold = LabelTask.count("projectId = ?1 and goldLabel is not null", p.id);
    long labeled =
        LabelTask.getEntityManager()
            .createQuery(
                "select count(t) from LabelTask t where t.projectId = ?1 and t.goldLabel is null"
                    + " and (select count(a) from Annotation a where a.taskId = t.id"
                    + " and a.skipped = false) >= ?2",
                Long.class)
            .setParameter(1, p.id)
            .setParameter(2, (long) p.annotatorsPerItem)
            .getSingleResult();
    long answers =
        Annotation.count("taskId in (select t.id from LabelTask t where t.projectId = ?1)", p.id);
    return new ProjectView(
        p.id,
        p.kind,
        p.modelVersion,
        p.pipeline,
        p.datasetVersion,
        p.target,
        p.classes(),
        p.guidelines,
        p.annotatorsPerItem,
        p.goldRate,
        p.status,
        tasks,
        gold,
        labeled,
        answers,
        ProjectAnnotator.ofProject(p.id).stream()
            .map(m -> new Member(m.annotator, m.expert))
            .toList(),
        p.createdAt,
        p.closedAt,
        p.outcome,
        p.labeledRows,
        p.labeledVersion,
        LabelTask.getEntityManager()
            .createQuery(
                "select max(t.modelVersion) from LabelTask t where t.projectId = ?1", Integer.class)
            .setParameter(1, p.id)
            .getSingleResult());
  }
}
