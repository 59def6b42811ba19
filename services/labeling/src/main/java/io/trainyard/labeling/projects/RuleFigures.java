package io.trainyard.labeling.projects;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.labeling.rules.Rules;
import io.trainyard.stats.LabelingFunctions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The spec's labeling functions over a project's tasks, with Snorkel's {@code LFAnalysis}
 * definitions ({@link LabelingFunctions}): per rule, over the tasks to label, its coverage, overlap
 * and conflict, and its empirical accuracy on the gold tasks (whose labels are known; null when it
 * labels none of them); the totals; and the tasks the rules' majority vote pre-labels.
 *
 * @param tasks the tasks to label
 * @param coverage the share of tasks at least one rule labels
 * @param overlap the share of tasks two or more rules label
 * @param conflict the share of tasks rules give different labels
 * @param preLabeled the tasks the majority vote labels (no abstention, no tie)
 * @param rules per rule
 */
public record RuleFigures(
    int tasks, Double coverage, Double overlap, Double conflict, int preLabeled, List<Rule> rules) {

  /** One rule's figures. */
  public record Rule(
      String name,
      String label,
      double coverage,
      double overlap,
      double conflict,
      Double goldAccuracy,
      int goldLabeled) {}

  static RuleFigures of(LabelProject project, List<PipelineSpec.Rule> specRules) {
    List<String> classes = project.classes();
    List<LabelTask> toLabel = new ArrayList<>();
    List<LabelTask> gold = new ArrayList<>();
    for (LabelTask t : LabelTask.ofProject(project.id)) {
      (t.gold() ? gold : toLabel).add(t);
    }
    int[][] votes = votes(toLabel, specRules, classes);
    int[][] goldVotes = Rules.labelMatrix(specRules, rows(gold), classes);
    int[] truth = gold.stream().mapToInt(t -> classes.indexOf(t.goldLabel)).toArray();
    List<Rule> figures = new ArrayList<>();
    if (votes.length > 0 && !specRules.isEmpty()) {
      double[] coverage = LabelingFunctions.coverage(votes);
      double[] overlaps = LabelingFunctions.overlaps(votes);
      double[] conflicts = LabelingFunctions.conflicts(votes);
      double[] accuracy =
          gold.isEmpty() ? null : LabelingFunctions.empiricalAccuracies(goldVotes, truth);
      for (int f = 0; f < specRules.size(); f++) {
        int labeled = 0;
        for (int[] row : goldVotes) {
          labeled += row[f] != LabelingFunctions.ABSTAIN ? 1 : 0;
        }
        figures.add(
            new Rule(
                specRules.get(f).name(),
                io.trainyard.datasets.DatasetLabels.canonical(specRules.get(f).label()),
                coverage[f],
                overlaps[f],
                conflicts[f],
                accuracy == null || Double.isNaN(accuracy[f]) ? null : accuracy[f],
                labeled));
      }
    }
    boolean any = votes.length > 0 && !specRules.isEmpty();
    return new RuleFigures(
        toLabel.size(),
        any ? LabelingFunctions.totalCoverage(votes) : null,
        any ? LabelingFunctions.totalOverlap(votes) : null,
        any ? LabelingFunctions.totalConflict(votes) : null,
        (int) toLabel.stream().filter(t -> t.ruleLabel != null).count(),
        figures);
  }

  private static int[][] votes(
      List<LabelTask> tasks, List<PipelineSpec.Rule> rules, List<String> classes) {
    return Rules.labelMatrix(rules, rows(tasks), classes);
  }

  private static List<Map<String, Object>> rows(List<LabelTask> tasks) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (LabelTask t : tasks) {
      rows.add(Json.mapper().convertValue(Json.readTree(t.dataJson), new TypeReference<>() {}));
    }
    return rows;
  }
}
