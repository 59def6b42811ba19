package io.trainyard.evaluation.gating;

import io.trainyard.contracts.events.ModelEvaluated.ChallengeSetMetrics;
import io.trainyard.contracts.events.ModelEvaluated.GateResult;
import io.trainyard.contracts.spec.Metrics;
import io.trainyard.contracts.spec.PipelineSpec.Change;
import io.trainyard.contracts.spec.PipelineSpec.Gate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a spec's gates to a candidate's metrics. Each gate checks one metric against its bounds:
 * {@code min} (at least), {@code max} (at most) and {@code notWorseThanChampionBy} (worse than the
 * champion's value by at most this much, in the metric's direction; passes when there is no
 * champion) and {@code change} (an absolute or relative improvement over the champion, TFMA's
 * change threshold; passes when there is no champion). A metric that was not computed fails its
 * gate, with the reason.
 */
public final class Gates {

  private Gates() {}

  /**
   * The champion compared with: its version, metrics, slices, and its metrics on the challenge sets
   * the gates name (scored on the candidate's challenge-set versions), by name.
   */
  public record Champion(
      int version,
      Map<String, Double> metrics,
      Sliced slices,
      Map<String, Map<String, Double>> challengeSets) {

    public Champion {
      slices = slices == null ? Sliced.NONE : slices;
      challengeSets = challengeSets == null ? Map.of() : challengeSets;
    }

    /** A champion without challenge-set figures. */
    public Champion(int version, Map<String, Double> metrics, Sliced slices) {
      this(version, metrics, slices, Map.of());
    }

    /** A champion without slices. */
    public Champion(int version, Map<String, Double> metrics) {
      this(version, metrics, Sliced.NONE, Map.of());
    }
  }

  /**
   * One result per gate, in order.
   *
   * @param gates the spec's gates
   * @param metrics the candidate's metrics
   * @param undefined why a metric has no value (for example roc_auc on a one-class test split)
   * @param champion the current champion, if any
   */
  public static List<GateResult> apply(
      List<Gate> gates,
      Map<String, Double> metrics,
      Map<String, String> undefined,
      Optional<Champion> champion) {
    return apply(gates, metrics, undefined, Sliced.NONE, champion);
  }

  /**
   * One result per gate, in order; gates with a {@code slice} are applied to the slices.
   *
   * @param sliced the candidate's slices
   */
  public static List<GateResult> apply(
      List<Gate> gates,
      Map<String, Double> metrics,
      Map<String, String> undefined,
      Sliced sliced,
      Optional<Champion> champion) {
    return apply(gates, metrics, undefined, sliced, Map.of(), champion);
  }

  /**
   * One result per gate, in order; gates with a {@code slice} are applied to the slices, gates with
   * a {@code challengeSet} to that challenge set's metrics.
   *
   * @param challengeSets the candidate's metrics on each challenge set, by name
   */
  public static List<GateResult> apply(
      List<Gate> gates,
      Map<String, Double> metrics,
      Map<String, String> undefined,
      Sliced sliced,
      Map<String, ChallengeSetMetrics> challengeSets,
      Optional<Champion> champion) {
    List<GateResult> results = new ArrayList<>();
    for (Gate gate : gates) {
      if (gate.challengeSet() != null) {
        results.add(applyChallengeSet(gate, challengeSets, champion));
      } else if (gate.slice() != null) {
        results.add(applySliced(gate, sliced, champion));
      } else {
        results.add(apply(gate, metrics, undefined, champion));
      }
    }
    return results;
  }

  /**
   * A gate on a challenge set: its metrics on the set's latest version, compared with the
   * champion's on the same version. A challenge set the pipeline does not have fails.
   */
  static GateResult applyChallengeSet(
      Gate gate, Map<String, ChallengeSetMetrics> challengeSets, Optional<Champion> champion) {
    String name = gate.challengeSet();
    ChallengeSetMetrics set = challengeSets.get(name);
    Gate whole =
        new Gate(
            gate.metric(), gate.min(), gate.max(), gate.notWorseThanChampionBy(), gate.change());
    if (set == null) {
      return result(
          gate,
          false,
          "the pipeline has no challenge set '"
              + name
              + "'"
              + (challengeSets.isEmpty() ? "" : "; it has " + challengeSets.keySet()),
          null,
          null);
    }
    GateResult r =
        apply(
            whole,
            set.metrics(),
            Map.of(gate.metric(), gate.metric() + " is undefined on challenge set '" + name + "'"),
            champion.map(
                c -> new Champion(c.version(), c.challengeSets().getOrDefault(name, Map.of()))));
    return relabel(gate, r, "challenge set " + name + " (dataset v" + set.datasetVersion() + "): ");
  }

  /**
   * A gate on a slice: {@code column=value} judges that slice (one below {@code minSliceSize}
   * passes, not judged); {@code column} judges every judged slice of the column, each must pass,
   * or, for a fairness metric, the column's fairness figure. A column that is not sliced fails.
   */
  static GateResult applySliced(Gate gate, Sliced sliced, Optional<Champion> champion) {
    String slice = gate.slice();
    int eq = slice.indexOf('=');
    String feature = eq < 0 ? slice : slice.substring(0, eq);
    String value = eq < 0 ? null : slice.substring(eq + 1);
    Gate whole =
        new Gate(
            gate.metric(), gate.min(), gate.max(), gate.notWorseThanChampionBy(), gate.change());
    if (sliced.missing().containsKey(feature)) {
      return result(gate, false, sliced.missing().get(feature), null, null);
    }
    if (!sliced.columns().contains(feature)) {
      return result(
          gate,
          false,
          "slice column '" + feature + "' is not one of evaluation.slices " + sliced.columns(),
          null,
          null);
    }
    if (value == null && Sliced.FAIRNESS_METRICS.contains(gate.metric())) {
      Map<String, Double> figures = sliced.fairnessOf(feature);
      String why =
          figures.isEmpty()
              ? "fairness across '"
                  + feature
                  + "' needs a binary classifier and two or more judged slices (of at least "
                  + sliced.minSliceSize()
                  + " rows)"
              : gate.metric()
                  + " across '"
                  + feature
                  + "' is undefined (fewer than two slices"
                  + " with positives, or none selected)";
      GateResult r =
          apply(
              whole,
              figures,
              Map.of(gate.metric(), why),
              champion.map(c -> new Champion(c.version(), c.slices().fairnessOf(feature))));
      return relabel(gate, r, "across '" + feature + "': ");
    }
    if (value != null) {
      var found = sliced.slice(feature, value);
      if (found.isEmpty()) {
        return result(gate, false, "no test rows have " + slice, null, null);
      }
      if (found.get().rows() < sliced.minSliceSize()) {
        return result(gate, true, notJudged(found.get(), sliced), null, null);
      }
      return relabel(gate, onSlice(whole, found.get(), champion), "slice " + slice + ": ");
    }
    List<String> failures = new ArrayList<>();
    int judged = 0;
    int small = 0;
    for (var s : sliced.of(feature)) {
      if (s.rows() < sliced.minSliceSize()) {
        small++;
        continue;
      }
      judged++;
      GateResult r = onSlice(whole, s, champion);
      if (!r.passed()) {
        failures.add("slice " + feature + "=" + s.value() + ": " + r.reason());
      }
    }
    String reason =
        failures.isEmpty()
            ? "every judged slice of '"
                + feature
                + "' passes ("
                + judged
                + " judged, "
                + small
                + " below minSliceSize "
                + sliced.minSliceSize()
                + ")"
            : String.join("; ", failures);
    return result(gate, failures.isEmpty(), reason, null, null);
  }

  private static GateResult onSlice(
      Gate whole,
      io.trainyard.contracts.events.ModelEvaluated.SliceMetrics slice,
      Optional<Champion> champion) {
    Optional<Champion> championSlice =
        champion.map(
            c ->
                new Champion(
                    c.version(),
                    c.slices()
                        .slice(slice.feature(), slice.value())
                        .filter(s -> s.rows() >= c.slices().minSliceSize())
                        .map(io.trainyard.contracts.events.ModelEvaluated.SliceMetrics::metrics)
                        .orElse(Map.of())));
    return apply(
        whole,
        slice.metrics(),
        Map.of(
            whole.metric(),
            whole.metric() + " is undefined on slice " + slice.feature() + "=" + slice.value()),
        championSlice);
  }

  private static String notJudged(
      io.trainyard.contracts.events.ModelEvaluated.SliceMetrics slice, Sliced sliced) {
    return "slice "
        + slice.feature()
        + "="
        + slice.value()
        + " has "
        + slice.rows()
        + " rows, below minSliceSize "
        + sliced.minSliceSize()
        + ": not judged";
  }

  /** {@code r} for {@code gate}'s slice or challenge set, its reason prefixed. */
  private static GateResult relabel(Gate gate, GateResult r, String prefix) {
    return new GateResult(
        r.metric(),
        r.passed(),
        prefix + r.reason(),
        r.value(),
        r.min(),
        r.max(),
        r.notWorseThanChampionBy(),
        r.championValue(),
        gate.slice(),
        gate.challengeSet());
  }

  static GateResult apply(
      Gate gate,
      Map<String, Double> metrics,
      Map<String, String> undefined,
      Optional<Champion> champion) {
    String metric = gate.metric();
    Double value = metrics.get(metric);
    Double championValue =
        champion.isPresent() && (gate.notWorseThanChampionBy() != null || gate.change() != null)
            ? champion.get().metrics().get(metric)
            : null;
    if (value == null) {
      String why = undefined.getOrDefault(metric, metric + " is not computed for this task");
      return result(gate, false, why, null, championValue);
    }
    List<String> failures = new ArrayList<>();
    List<String> passes = new ArrayList<>();
    if (gate.min() != null) {
      (value >= gate.min() ? passes : failures)
          .add(
              metric
                  + " "
                  + fmt(value)
                  + (value >= gate.min() ? " >= " : " < ")
                  + "min "
                  + fmt(gate.min()));
    }
    if (gate.max() != null) {
      (value <= gate.max() ? passes : failures)
          .add(
              metric
                  + " "
                  + fmt(value)
                  + (value <= gate.max() ? " <= " : " > ")
                  + "max "
                  + fmt(gate.max()));
    }
    if (gate.notWorseThanChampionBy() != null) {
      double tolerance = gate.notWorseThanChampionBy();
      if (champion.isEmpty()) {
        passes.add("no champion to compare with");
      } else if (championValue == null) {
        passes.add("champion v" + champion.get().version() + " has no " + metric);
      } else {
        boolean lower = Metrics.lowerIsBetter(metric);
        boolean ok =
            lower ? value <= championValue + tolerance : value >= championValue - tolerance;
        String text =
            metric
                + " "
                + fmt(value)
                + (ok ? " is within " : " is worse than ")
                + fmt(tolerance)
                + " of champion v"
                + champion.get().version()
                + "'s "
                + fmt(championValue);
        (ok ? passes : failures).add(text);
      }
    }
    if (gate.change() != null) {
      change(gate.change(), metric, value, champion, championValue, passes, failures);
    }
    boolean passed = failures.isEmpty();
    return result(
        gate, passed, String.join("; ", passed ? passes : failures), value, championValue);
  }

  /**
   * A change threshold: the improvement over the champion in the change's direction ({@code value -
   * champion}, or {@code champion - value} when lower is better) must be at least {@code absolute},
   * or at least {@code relative × |champion|}.
   */
  static void change(
      Change change,
      String metric,
      double value,
      Optional<Champion> champion,
      Double championValue,
      List<String> passes,
      List<String> failures) {
    if (champion.isEmpty()) {
      passes.add("no champion to compare with");
      return;
    }
    if (championValue == null) {
      passes.add("champion v" + champion.get().version() + " has no " + metric);
      return;
    }
    boolean lower = change.lowerIsBetter(metric);
    double improvement = lower ? championValue - value : value - championValue;
    String direction = lower ? " (lower is better)" : " (higher is better)";
    boolean relative = change.absolute() == null;
    if (relative && championValue == 0) {
      failures.add(
          metric
              + ": a relative change from champion v"
              + champion.get().version()
              + "'s 0 is undefined");
      return;
    }
    double measured = relative ? improvement / Math.abs(championValue) : improvement;
    double threshold = relative ? change.relative() : change.absolute();
    boolean ok = measured >= threshold;
    (ok ? passes : failures)
        .add(
            metric
                + " "
                + fmt(value)
                + " improves by "
                + fmt(measured)
                + (relative ? " (relative)" : "")
                + " on champion v"
                + champion.get().version()
                + "'s "
                + fmt(championValue)
                + direction
                + (ok ? ", at least the " : ", less than the ")
                + (relative ? "relative" : "absolute")
                + " change "
                + fmt(threshold));
  }

  private static GateResult result(
      Gate gate, boolean passed, String reason, Double value, Double championValue) {
    return new GateResult(
        gate.metric(),
        passed,
        reason,
        value,
        gate.min(),
        gate.max(),
        gate.notWorseThanChampionBy(),
        championValue,
        gate.slice(),
        gate.challengeSet());
  }

  /** A metric value as text: 4 significant decimals, enough to read a gate's reason. */
  public static String fmt(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
