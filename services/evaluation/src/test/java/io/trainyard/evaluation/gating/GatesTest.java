package io.trainyard.evaluation.gating;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.contracts.events.ModelEvaluated.GateResult;
import io.trainyard.contracts.spec.PipelineSpec.Change;
import io.trainyard.contracts.spec.PipelineSpec.Gate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatesTest {

  private static final Map<String, Double> METRICS =
      Map.of("roc_auc", 0.83, "accuracy", 0.91, "log_loss", 0.30);

  @Test
  void minAndMaxBoundsPassAndFailWithTheirReasons() {
    List<GateResult> results =
        Gates.apply(
            List.of(
                new Gate("roc_auc", 0.8, null, null),
                new Gate("accuracy", 0.95, null, null),
                new Gate("log_loss", null, 0.25, null)),
            METRICS,
            Map.of(),
            Optional.empty());
    assertThat(results).extracting(GateResult::passed).containsExactly(true, false, false);
    assertThat(results.get(0).reason()).isEqualTo("roc_auc 0.8300 >= min 0.8000");
    assertThat(results.get(1).reason()).isEqualTo("accuracy 0.9100 < min 0.9500");
    assertThat(results.get(2).reason()).isEqualTo("log_loss 0.3000 > max 0.2500");
    assertThat(results.get(0).value()).isEqualTo(0.83);
    assertThat(results.get(0).min()).isEqualTo(0.8);
  }

  @Test
  void aBoundIsInclusive() {
    GateResult result =
        Gates.apply(new Gate("roc_auc", 0.83, 0.83, null), METRICS, Map.of(), Optional.empty());
    assertThat(result.passed()).isTrue();
  }

  @Test
  void theChampionGatePassesWithoutAChampionAndComparesInTheMetricsDirection() {
    Gate higher = new Gate("roc_auc", null, null, 0.01);
    assertThat(Gates.apply(higher, METRICS, Map.of(), Optional.empty()).reason())
        .isEqualTo("no champion to compare with");

    var champion = Optional.of(new Gates.Champion(3, Map.of("roc_auc", 0.845, "log_loss", 0.28)));
    GateResult worse = Gates.apply(higher, METRICS, Map.of(), champion);
    assertThat(worse.passed()).isFalse();
    assertThat(worse.championValue()).isEqualTo(0.845);
    assertThat(worse.reason()).contains("worse than 0.0100 of champion v3's 0.8450");

    GateResult within =
        Gates.apply(new Gate("roc_auc", null, null, 0.02), METRICS, Map.of(), champion);
    assertThat(within.passed()).isTrue();

    // log_loss: lower is better, so 0.30 against 0.28 is worse by 0.02.
    assertThat(
            Gates.apply(new Gate("log_loss", null, null, 0.01), METRICS, Map.of(), champion)
                .passed())
        .isFalse();
    assertThat(
            Gates.apply(new Gate("log_loss", null, null, 0.03), METRICS, Map.of(), champion)
                .passed())
        .isTrue();
  }

  @Test
  void anUndefinedMetricFailsItsGateWithTheReason() {
    GateResult result =
        Gates.apply(
            new Gate("roc_auc", 0.5, null, null),
            Map.of("accuracy", 1.0),
            Map.of("roc_auc", "roc_auc is undefined: only one class present in y_true"),
            Optional.empty());
    assertThat(result.passed()).isFalse();
    assertThat(result.value()).isNull();
    assertThat(result.reason()).contains("only one class");
    assertThat(
            Gates.apply(new Gate("r2", 0.5, null, null), METRICS, Map.of(), Optional.empty())
                .reason())
        .isEqualTo("r2 is not computed for this task");
  }

  @Test
  void promotionNeedsPassedGatesAndAStrictlyBetterPrimaryMetric() {
    assertThat(Promotion.decide(false, "roc_auc", METRICS, Optional.empty()).promote()).isFalse();
    Promotion.Decision first = Promotion.decide(true, "roc_auc", METRICS, Optional.empty());
    assertThat(first.promote()).isTrue();
    assertThat(first.reason()).isEqualTo("the first model to pass every gate");

    var champion = Optional.of(new Gates.Champion(1, Map.of("roc_auc", 0.83, "log_loss", 0.35)));
    Promotion.Decision tie = Promotion.decide(true, "roc_auc", METRICS, champion);
    assertThat(tie.promote()).isFalse();
    assertThat(tie.reason()).isEqualTo("roc_auc 0.8300 does not beat champion v1's 0.8300");

    Promotion.Decision better =
        Promotion.decide(true, "roc_auc", Map.of("roc_auc", 0.86), champion);
    assertThat(better.promote()).isTrue();
    assertThat(better.reason()).isEqualTo("roc_auc 0.8600 > champion v1's 0.8300");

    Promotion.Decision lowerLoss = Promotion.decide(true, "log_loss", METRICS, champion);
    assertThat(lowerLoss.promote()).isTrue();
    assertThat(lowerLoss.reason()).isEqualTo("log_loss 0.3000 < champion v1's 0.3500");
  }

  @Test
  void changeThresholdsDemandAnImprovementInTheirDirection() {
    var champion =
        Optional.of(new Gates.Champion(2, Map.of("roc_auc", 0.80, "log_loss", 0.40, "r2", 0.0)));
    // roc_auc 0.83 against 0.80: +0.03, i.e. +3.75 % relative.
    GateResult absolute =
        Gates.apply(
            new Gate("roc_auc", null, null, null, new Change(0.02, null, null)),
            METRICS,
            Map.of(),
            champion);
    assertThat(absolute.passed()).isTrue();
    assertThat(absolute.championValue()).isEqualTo(0.80);
    assertThat(absolute.reason())
        .isEqualTo(
            "roc_auc 0.8300 improves by 0.0300 on champion v2's 0.8000 (higher is better), at"
                + " least the absolute change 0.0200");
    GateResult tooLittle =
        Gates.apply(
            new Gate("roc_auc", null, null, null, new Change(null, 0.05, null)),
            METRICS,
            Map.of(),
            champion);
    assertThat(tooLittle.passed()).isFalse();
    assertThat(tooLittle.reason())
        .isEqualTo(
            "roc_auc 0.8300 improves by 0.0375 (relative) on champion v2's 0.8000 (higher is"
                + " better), less than the relative change 0.0500");
    // log_loss 0.30 against 0.40: lower is better by default, an improvement of 0.10 (25 %).
    assertThat(
            Gates.apply(
                    new Gate("log_loss", null, null, null, new Change(null, 0.25, null)),
                    METRICS,
                    Map.of(),
                    champion)
                .passed())
        .isTrue();
    // The same change read as higher-is-better is a regression of 0.10.
    assertThat(
            Gates.apply(
                    new Gate("log_loss", null, null, null, new Change(-0.05, null, Change.HIGHER)),
                    METRICS,
                    Map.of(),
                    champion)
                .passed())
        .isFalse();
    // A negative threshold tolerates that much regression.
    assertThat(
            Gates.apply(
                    new Gate("roc_auc", null, null, null, new Change(-0.05, null, Change.LOWER)),
                    METRICS,
                    Map.of(),
                    champion)
                .passed())
        .isTrue();
    // No champion: passes; a relative change from 0 is undefined and fails.
    assertThat(
            Gates.apply(
                    new Gate("roc_auc", null, null, null, new Change(0.5, null, null)),
                    METRICS,
                    Map.of(),
                    Optional.empty())
                .reason())
        .isEqualTo("no champion to compare with");
    GateResult fromZero =
        Gates.apply(
            new Gate("r2", null, null, null, new Change(null, 0.1, null)),
            Map.of("r2", 0.5),
            Map.of(),
            champion);
    assertThat(fromZero.passed()).isFalse();
    assertThat(fromZero.reason()).contains("relative change from champion v2's 0 is undefined");
  }

  @Test
  void challengeSetGatesJudgeTheSetAndNameAMissingOne() {
    var sets =
        Map.of(
            "hard-cases",
            new io.trainyard.contracts.events.ModelEvaluated.ChallengeSetMetrics(
                "hard-cases", 7, 40, Map.of("accuracy", 0.7)));
    var champion =
        Optional.of(
            new Gates.Champion(
                3, Map.of(), Sliced.NONE, Map.of("hard-cases", Map.of("accuracy", 0.75))));
    List<GateResult> results =
        Gates.apply(
            List.of(
                new Gate("accuracy", 0.6, null, null, null, null, "hard-cases"),
                new Gate("accuracy", null, null, 0.01, null, null, "hard-cases"),
                new Gate("accuracy", 0.6, null, null, null, null, "rare")),
            Map.of("accuracy", 0.9),
            Map.of(),
            Sliced.NONE,
            sets,
            champion);
    assertThat(results).extracting(GateResult::passed).containsExactly(true, false, false);
    assertThat(results.get(0).reason())
        .isEqualTo("challenge set hard-cases (dataset v7): accuracy 0.7000 >= min 0.6000");
    assertThat(results.get(0).challengeSet()).isEqualTo("hard-cases");
    assertThat(results.get(1).championValue()).isEqualTo(0.75);
    assertThat(results.get(1).reason())
        .isEqualTo(
            "challenge set hard-cases (dataset v7): accuracy 0.7000 is worse than 0.0100 of"
                + " champion v3's 0.7500");
    assertThat(results.get(2).reason())
        .isEqualTo("the pipeline has no challenge set 'rare'; it has [hard-cases]");
  }
}
