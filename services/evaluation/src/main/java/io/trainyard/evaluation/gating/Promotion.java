package io.trainyard.evaluation.gating;

import io.trainyard.contracts.spec.Metrics;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a candidate that was evaluated becomes champion: it must pass every gate; the first such
 * model of a pipeline becomes champion; a later one replaces the champion only if its primary
 * metric is strictly better (higher, or lower for losses and errors).
 */
public final class Promotion {

  private Promotion() {}

  /** The decision and its reason. */
  public record Decision(boolean promote, String reason) {}

  public static Decision decide(
      boolean passedGates,
      String primaryMetric,
      Map<String, Double> candidate,
      Optional<Gates.Champion> champion) {
    if (!passedGates) {
      return new Decision(false, "a gate failed");
    }
    if (champion.isEmpty()) {
      return new Decision(true, "the first model to pass every gate");
    }
    Double mine = candidate.get(primaryMetric);
    Double theirs = champion.get().metrics().get(primaryMetric);
    if (mine == null) {
      return new Decision(false, primaryMetric + " is undefined for this model");
    }
    if (theirs == null) {
      return new Decision(
          true,
          "champion v" + champion.get().version() + " has no " + primaryMetric + " to defend");
    }
    boolean lower = Metrics.lowerIsBetter(primaryMetric);
    boolean better = lower ? mine < theirs : mine > theirs;
    String comparison =
        primaryMetric
            + " "
            + Gates.fmt(mine)
            + (better ? (lower ? " < " : " > ") : " does not beat ")
            + "champion v"
            + champion.get().version()
            + "'s "
            + Gates.fmt(theirs);
    return new Decision(better, comparison);
  }
}
