package io.trainyard.labeling.projects;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.stats.Agreement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The agreement of a project's annotators over its tasks to label (gold tasks and skips left out):
 * the ratings matrix is tasks × members, a cell the member's label or missing.
 *
 * <ul>
 *   <li>{@code percentAgreement}, {@code krippendorffAlpha} (nominal, missing ratings allowed),
 *       {@code gwetAc1} and {@code fleissKappa} (every task with the same number of labels) over
 *       the tasks with at least 2 labels, per {@link Agreement};
 *   <li>{@code cohenKappa}: for each pair of annotators, over the tasks both labeled; the project's
 *       figure is their mean (Light's kappa, Light 1971), over the pairs where it is defined;
 *   <li>per annotator: the share of agreeing pairs with the others' labels on the same tasks, and
 *       their mean Cohen's kappa with the others.
 * </ul>
 *
 * A figure that is undefined on these labels (too few, or no variation) is null, and {@code
 * undefined} says why.
 *
 * @param tasks tasks with at least 2 labels
 * @param annotators the members, in the matrix's column order
 * @param percentAgreement the share of agreeing label pairs per task, averaged
 * @param krippendorffAlpha Krippendorff's alpha, nominal
 * @param fleissKappa Fleiss' kappa
 * @param gwetAc1 Gwet's AC1
 * @param cohenKappa Light's kappa: the mean pairwise Cohen's kappa
 * @param pairs Cohen's kappa of each pair
 * @param perAnnotator each annotator's agreement with the others
 * @param undefined why a figure is null
 * @param consensus the consensus labels: how many tasks have one, and how many were tied
 * @param gate the spec's minAgreement and whether the figure reaches it
 */
public record AgreementReport(
    int tasks,
    List<String> annotators,
    Double percentAgreement,
    Double krippendorffAlpha,
    Double fleissKappa,
    Double gwetAc1,
    Double cohenKappa,
    List<Pair> pairs,
    List<PerAnnotator> perAnnotator,
    Map<String, String> undefined,
    Consensus consensus,
    Gate gate) {

  /** Cohen's kappa of two annotators over the tasks both labeled. */
  public record Pair(String a, String b, int tasks, Double kappa) {}

  /** One annotator's agreement with the others. */
  public record PerAnnotator(String annotator, Double agreement, Double meanCohenKappa) {}

  /**
   * Consensus by majority vote; a tie goes to an expert's label when an expert voted for one of the
   * tied labels, else to the tied label first in the label schema; tied tasks are counted.
   */
  public record Consensus(int tasks, int tied) {}

  /** The label-quality gate: {@code minAgreement.metric} at least {@code value}. */
  public record Gate(String metric, double min, Double value, boolean passed, String reason) {}

  static AgreementReport of(LabelProject project, PipelineSpec.MinAgreement min) {
    List<ProjectAnnotator> members = ProjectAnnotator.ofProject(project.id);
    List<String> names = members.stream().map(m -> m.annotator).toList();
    List<String> classes = project.classes();
    Map<Long, int[]> byTask = new LinkedHashMap<>();
    Map<String, Integer> column = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      column.put(names.get(i), i);
    }
    Map<Long, Boolean> toLabel = new HashMap<>();
    for (LabelTask t : LabelTask.ofProject(project.id)) {
      toLabel.put(t.id, !t.gold());
    }
    for (Annotation a : Annotation.ofProject(project.id)) {
      Integer rater = column.get(a.annotator);
      if (a.skipped || rater == null || !toLabel.getOrDefault(a.taskId, false)) {
        continue;
      }
      int[] row =
          byTask.computeIfAbsent(
              a.taskId,
              id -> {
                int[] r = new int[names.size()];
                java.util.Arrays.fill(r, Agreement.MISSING);
                return r;
              });
      row[rater] = classes.indexOf(a.label);
    }
    int[][] ratings = byTask.values().toArray(new int[0][]);
    int k = classes.size();
    Map<String, String> undefined = new LinkedHashMap<>();
    int paired = 0;
    for (int[] row : ratings) {
      paired +=
          java.util.Arrays.stream(row).filter(v -> v != Agreement.MISSING).count() >= 2 ? 1 : 0;
    }
    Double percent =
        figure("percentAgreement", () -> Agreement.percentAgreement(ratings, k), undefined);
    Double alpha =
        figure(
            "krippendorffAlpha", () -> Agreement.krippendorffAlphaNominal(ratings, k), undefined);
    Double fleiss = figure("fleissKappa", () -> Agreement.fleissKappa(ratings, k), undefined);
    Double ac1 = figure("gwetAc1", () -> Agreement.gwetAc1(ratings, k), undefined);

    List<Pair> pairs = new ArrayList<>();
    for (int a = 0; a < names.size(); a++) {
      for (int b = a + 1; b < names.size(); b++) {
        int both = 0;
        for (int[] row : ratings) {
          both += row[a] != Agreement.MISSING && row[b] != Agreement.MISSING ? 1 : 0;
        }
        int ra = a;
        int rb = b;
        Double kappa =
            ratings.length == 0 ? null : quietly(() -> Agreement.cohenKappa(ratings, ra, rb, k));
        pairs.add(new Pair(names.get(a), names.get(b), both, kappa));
      }
    }
    List<Double> kappas = pairs.stream().map(Pair::kappa).filter(v -> v != null).toList();
    Double light =
        kappas.isEmpty() ? null : kappas.stream().mapToDouble(v -> v).average().orElseThrow();
    if (light == null) {
      undefined.put("cohenKappa", "no pair of annotators has 2 shared tasks with a defined kappa");
    }
    List<PerAnnotator> per = new ArrayList<>();
    for (int r = 0; r < names.size(); r++) {
      int rater = r;
      String name = names.get(r);
      List<Double> own =
          pairs.stream()
              .filter(p -> (p.a().equals(name) || p.b().equals(name)) && p.kappa() != null)
              .map(Pair::kappa)
              .toList();
      per.add(
          new PerAnnotator(
              name,
              ratings.length == 0
                  ? null
                  : quietly(() -> Agreement.annotatorAgreement(ratings, rater)),
              own.isEmpty() ? null : own.stream().mapToDouble(v -> v).average().orElseThrow()));
    }

    int consensus = 0;
    int tied = 0;
    for (int[] row : ratings) {
      int preferred = Agreement.MISSING;
      for (int r = 0; r < row.length; r++) {
        if (members.get(r).expert && row[r] != Agreement.MISSING) {
          preferred = row[r];
          break;
        }
      }
      Agreement.Vote vote = Agreement.majority(row, k, preferred);
      consensus++;
      tied += vote.tied() ? 1 : 0;
    }

    Map<String, Double> byMetric = new HashMap<>();
    byMetric.put("percent_agreement", percent);
    byMetric.put("krippendorff_alpha", alpha);
    byMetric.put("fleiss_kappa", fleiss);
    byMetric.put("gwet_ac1", ac1);
    byMetric.put("cohen_kappa", light);
    Map<String, String> undefinedByMetric = new HashMap<>();
    undefinedByMetric.put("percent_agreement", undefined.get("percentAgreement"));
    undefinedByMetric.put("krippendorff_alpha", undefined.get("krippendorffAlpha"));
    undefinedByMetric.put("fleiss_kappa", undefined.get("fleissKappa"));
    undefinedByMetric.put("gwet_ac1", undefined.get("gwetAc1"));
    undefinedByMetric.put("cohen_kappa", undefined.get("cohenKappa"));
    Double value = byMetric.get(min.metric());
    boolean single = project.annotatorsPerItem < 2;
    boolean passed = single || (value != null && value >= min.value());
    String reason =
        single
            ? "annotatorsPerItem is 1: agreement is not measured, so the gate does not apply"
            : value == null
                ? min.metric() + " is undefined: " + undefinedByMetric.get(min.metric())
                : String.format(
                    java.util.Locale.ROOT,
                    "%s %.4f %s minAgreement %.4f",
                    min.metric(),
                    value,
                    passed ? ">=" : "<",
                    min.value());
    return new AgreementReport(
        paired,
        names,
        percent,
        alpha,
        fleiss,
        ac1,
        light,
        pairs,
        per,
        undefined,
        new Consensus(consensus, tied),
        new Gate(min.metric(), min.value(), value, passed, reason));
  }

  private static Double figure(
      String name, Supplier<Double> compute, Map<String, String> undefined) {
    try {
      return compute.get();
    } catch (IllegalArgumentException e) {
      undefined.put(name, e.getMessage());
      return null;
    }
  }

  private static Double quietly(Supplier<Double> compute) {
    try {
      return compute.get();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
