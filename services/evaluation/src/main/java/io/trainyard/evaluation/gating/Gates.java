package io.trainyard.evaluation.gating;

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

  /** The champion compared with: its version and metrics. */
  public record Champion(int version, Map<String, Double> metrics) {}

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
    List<GateResult> results = new ArrayList<>();
    for (Gate gate : gates) {
      results.add(apply(gate, metrics, undefined, champion));
    }
    return results;
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
    if (change.absolute() != null) {
      boolean ok = improvement >= change.absolute();
      (ok ? passes : failures)
          .add(
              metric
                  + " "
                  + fmt(value)
                  + " improves by "
                  + fmt(improvement)
                  + " on champion v"
                  + champion.get().version()
                  + "'s "
                  + fmt(championValue)
                  + direction
                  + (ok ? ", at least " : ", less than ")
                  + "the absolute change "
                  + fmt(change.absolute()));
      return;
    }
    if (championValue == 0) {
      failures.add(
          metric
              + ": a relative change from champion v"
              + champion.get().version()
              + "'s 0 is undefined");
      return;
    }
    double relative = improvement / Math.abs(championValue);
    boolean ok = relative >= change.relative();
    (ok ? passes : failures)
        .add(
            metric
                + " "
                + fmt(value)
                + " improves by "
                + fmt(relative)
                + " (relative) on champion v"
                + champion.get().version()
                + "'s "
                + fmt(championValue)
                + direction
                + (ok ? ", at least " : ", less than ")
                + "the relative change "
                + fmt(change.relative()));
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
        championValue);
  }

  /** A metric value as text: 4 significant decimals, enough to read a gate's reason. */
  public static String fmt(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
