package io.trainyard.labeling.projects;

import io.trainyard.stats.Quantiles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One annotator's figures in a project.
 *
 * @param annotator the annotator
 * @param expert whether the project marks them as expert
 * @param labeled tasks they labeled (gold included)
 * @param skipped tasks they skipped
 * @param goldAnswered gold tasks they labeled
 * @param goldCorrect of those, the ones whose label was the known one
 * @param goldAccuracy {@code goldCorrect / goldAnswered}; null before their first gold answer
 * @param medianSeconds the median seconds from a task being handed out to their answer; null when
 *     none was handed out
 * @param tasksPerHour answers per hour of those seconds (throughput); null when none
 */
public record AnnotatorFigures(
    String annotator,
    boolean expert,
    long labeled,
    long skipped,
    long goldAnswered,
    long goldCorrect,
    Double goldAccuracy,
    Double medianSeconds,
    Double tasksPerHour) {

  static List<AnnotatorFigures> of(LabelProject project) {
    Map<Long, String> gold = new HashMap<>();
    for (LabelTask t :
        LabelTask.<LabelTask>list("projectId = ?1 and goldLabel is not null", project.id)) {
      gold.put(t.id, t.goldLabel);
    }
    List<Annotation> all = Annotation.ofProject(project.id);
    List<AnnotatorFigures> figures = new ArrayList<>();
    for (ProjectAnnotator member : ProjectAnnotator.ofProject(project.id)) {
      long labeled = 0;
      long skipped = 0;
      long goldAnswered = 0;
      long goldCorrect = 0;
      List<Double> seconds = new ArrayList<>();
      for (Annotation a : all) {
        if (!a.annotator.equals(member.annotator)) {
          continue;
        }
        if (a.skipped) {
          skipped++;
        } else {
          labeled++;
          String known = gold.get(a.taskId);
          if (known != null) {
            goldAnswered++;
            goldCorrect += known.equals(a.label) ? 1 : 0;
          }
        }
        if (a.seconds != null) {
          seconds.add(a.seconds);
        }
      }
      double total = seconds.stream().mapToDouble(Double::doubleValue).sum();
      figures.add(
          new AnnotatorFigures(
              member.annotator,
              member.expert,
              labeled,
              skipped,
              goldAnswered,
              goldCorrect,
              goldAnswered == 0 ? null : (double) goldCorrect / goldAnswered,
              seconds.isEmpty()
                  ? null
                  : Quantiles.percentile(
                      seconds.stream().mapToDouble(Double::doubleValue).toArray(), 50),
              seconds.isEmpty() || total == 0 ? null : seconds.size() * 3600 / total));
    }
    return figures;
  }
}
