package io.trainyard.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.models.ModelBundle;
import io.trainyard.stats.MulticlassMetrics;
import io.trainyard.stats.RegressionMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain JUnit: XGBoost4J's native library comes from its jar. */
class XgbTrainerTest {
  private static final int FEATURES = 4;

  @Test
  void learnsWhatALinearModelCannotAndTheBundleReproducesItsFigures(@TempDir Path dir)
      throws Exception {
    // y = 1 where x0 and x1 have the same sign (XOR): no linear boundary exists
    TrainingData data = xor(3000, 1000, 1);
    List<EpochResult> seen = new ArrayList<>();
    Path out = dir.resolve("model");

    TrainingOutcome outcome =
        new XgbTrainer(training(40, 5, null))
            .train(data, binary(), out, seen::add, () -> false, CheckpointStore.NONE);

    assertThat(outcome.cancelled()).isFalse();
    assertThat(outcome.history()).isEqualTo(seen);
    assertThat(seen).extracting(EpochResult::epoch).startsWith(1, 2, 3);
    assertThat(seen)
        .allSatisfy(
            e -> {
              assertThat(e.epochs()).isEqualTo(40);
              assertThat(e.trainLoss()).isFinite().isPositive();
              assertThat(e.learningRate()).isEqualTo(0.3);
              assertThat(e.samplesPerSecond()).isPositive();
            });
    assertThat(seen.get(seen.size() - 1).trainLoss()).isLessThan(seen.get(0).trainLoss());
    assertThat(outcome.metrics().get("val_accuracy")).isGreaterThan(0.9);
    EpochResult best = seen.get(outcome.bestEpoch() - 1);
    assertThat(best.valLoss())
        .isEqualTo(seen.stream().mapToDouble(EpochResult::valLoss).min().getAsDouble());

    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(ModelBundle.files(out));
    }
    assertThat(ModelBundle.files(out))
        .containsExactly(
            ModelBundle.CONFIG_FILE, ModelBundle.XGBOOST_FILE, "architecture.json", "predict.py");
    // XGBoost's own JSON model, holding the trees of the best round only (one tree per round)
    JsonNode model = new ObjectMapper().readTree(out.resolve(ModelBundle.XGBOOST_FILE).toFile());
    assertThat(model.at("/learner/gradient_booster/model/gbtree_model_param/num_trees").asText())
        .isEqualTo(String.valueOf(outcome.bestEpoch()));
    JsonNode manifest = new ObjectMapper().readTree(out.resolve(ModelBundle.CONFIG_FILE).toFile());
    assertThat(manifest.path("framework").asText()).isEqualTo("xgboost");
    assertThat(manifest.at("/config/type").asText()).isEqualTo("xgboost");

    try (ModelBundle bundle = ModelBundle.load(out)) {
      double[] scores = bundle.scores(data.valX());
      int correct = 0;
      double loss = 0;
      for (int i = 0; i < scores.length; i++) {
        int y = (int) data.valY()[i];
        correct += (scores[i] >= 0.5 ? 1 : 0) == y ? 1 : 0;
        double p = Math.min(Math.max(scores[i], 1e-15), 1 - 1e-15);
        loss -= y == 1 ? Math.log(p) : Math.log(1 - p);
      }
      assertThat(correct / (double) scores.length).isEqualTo(best.valAccuracy());
      assertThat(loss / scores.length).isCloseTo(best.valLoss(), within(1e-6));
      assertThat(bundle.config().positiveLabel()).isEqualTo("yes");
      assertThatThrownBy(bundle::parameterValues).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void theSameSeedGivesTheSameTreesAndAnotherSeedOtherTrees(@TempDir Path dir) throws Exception {
    TrainingData data = xor(1500, 500, 2);
    PipelineSpec.Trees sampled = new PipelineSpec.Trees(4, 0.3, 0.7, 0.8, 1.0, 1.0);
    PipelineSpec.Training first = training(10, 0, sampled);

    new XgbTrainer(first)
        .train(data, binary(), dir.resolve("a"), e -> {}, () -> false, CheckpointStore.NONE);
    new XgbTrainer(first)
        .train(data, binary(), dir.resolve("b"), e -> {}, () -> false, CheckpointStore.NONE);
    new XgbTrainer(withSeed(first, 8))
        .train(data, binary(), dir.resolve("c"), e -> {}, () -> false, CheckpointStore.NONE);

    byte[] a = Files.readAllBytes(dir.resolve("a").resolve(ModelBundle.XGBOOST_FILE));
    assertThat(Files.readAllBytes(dir.resolve("b").resolve(ModelBundle.XGBOOST_FILE))).isEqualTo(a);
    assertThat(Files.readAllBytes(dir.resolve("c").resolve(ModelBundle.XGBOOST_FILE)))
        .isNotEqualTo(a);
  }

  @Test
  void multiclassProbabilitiesGiveTheRecordedLogLoss(@TempDir Path dir) {
    TrainingData data = rings(2400, 600, 3);
    Path out = dir.resolve("model");
    Target target = Target.multiclass(List.of("inner", "middle", "outer"));

    TrainingOutcome outcome =
        new XgbTrainer(training(30, 5, null))
            .train(data, target, out, e -> {}, () -> false, CheckpointStore.NONE);

    EpochResult best = outcome.history().get(outcome.bestEpoch() - 1);
    assertThat(best.valAccuracy()).isGreaterThan(0.85);
    try (ModelBundle bundle = ModelBundle.load(out)) {
      assertThat(bundle.task()).isEqualTo(Task.MULTICLASS_CLASSIFICATION);
      assertThat(bundle.classes()).containsExactly("inner", "middle", "outer");
      double[][] p = bundle.probabilities(data.valX());
      int[] y = new int[p.length];
      int[] predicted = new int[p.length];
      for (int i = 0; i < p.length; i++) {
        assertThat(Arrays.stream(p[i]).sum()).isCloseTo(1.0, within(1e-9));
        y[i] = (int) data.valY()[i];
        predicted[i] = ModelBundle.argmax(p[i], 3);
      }
      assertThat(MulticlassMetrics.accuracy(y, predicted)).isEqualTo(best.valAccuracy());
      assertThat(MulticlassMetrics.logLoss(y, p))
          .isCloseTo(best.metrics().get(MlpTrainer.VAL_LOG_LOSS), within(1e-9));
    }
  }

  @Test
  void regressionPredictsTheTargetInItsOwnUnits(@TempDir Path dir) {
    TrainingData data = steps(2000, 500, 4);
    Path out = dir.resolve("model");

    TrainingOutcome outcome =
        new XgbTrainer(training(50, 5, null))
            .train(data, Target.regression(), out, e -> {}, () -> false, CheckpointStore.NONE);

    EpochResult best = outcome.history().get(outcome.bestEpoch() - 1);
    try (ModelBundle bundle = ModelBundle.load(out)) {
      double[] predicted = bundle.predictions(data.valX());
      assertThat(RegressionMetrics.rmse(data.valY(), predicted))
          .isCloseTo(best.metrics().get(MlpTrainer.VAL_RMSE), within(1e-9));
      assertThat(RegressionMetrics.r2(data.valY(), predicted)).isGreaterThan(0.9);
    }
  }

  @Test
  void stopsEarlyOnNoiseAndKeepsTheBestRound(@TempDir Path dir) throws Exception {
    TrainingData data = noise(800, 400, 5);
    Path out = dir.resolve("model");

    TrainingOutcome outcome =
        new XgbTrainer(training(200, 3, null))
            .train(data, binary(), out, e -> {}, () -> false, CheckpointStore.NONE);

    assertThat(outcome.epochsRun()).isLessThan(200);
    assertThat(outcome.bestEpoch()).isEqualTo(outcome.epochsRun() - 3);
    assertThat(outcome.stopReason())
        .isEqualTo("early stopping: val_loss did not improve by 0.0 for 3 rounds");
  }

  @Test
  void aCancelledRunWritesNothing(@TempDir Path dir) {
    TrainingData data = xor(500, 200, 6);
    int[] rounds = {0};
    TrainingOutcome outcome =
        new XgbTrainer(training(50, 0, null))
            .train(
                data,
                binary(),
                dir.resolve("model"),
                e -> rounds[0]++,
                () -> rounds[0] >= 3,
                CheckpointStore.NONE);

    assertThat(outcome.cancelled()).isTrue();
    assertThat(outcome.epochsRun()).isEqualTo(3);
    assertThat(dir.resolve("model")).doesNotExist();
  }

  @Test
  void networkOnlySettingsAreRefused() {
    PipelineSpec.Training clipped =
        spec(
            new PipelineSpec.Training(
                new PipelineSpec.Model("xgboost", null, null, null),
                10,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                1.0,
                null,
                true,
                null,
                new PipelineSpec.Augmentation(0.1),
                null));
    assertThatThrownBy(() -> new XgbTrainer(clipped))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "xgboost models do not support gradientClip, augmentation, warmStart (network"
                + " settings)");
    assertThat(ModelTrainer.of(training(5, 0, null))).isInstanceOf(XgbTrainer.class);
  }

  @Test
  void trainLossIsReadFromXgboostsEvaluationLine() {
    assertThat(XgbTrainer.trainLoss("[3]\ttrain-logloss:0.25")).isEqualTo(0.25);
    assertThat(XgbTrainer.trainLoss("[3]\ttrain-rmse:0.5")).isEqualTo(0.25);
    assertThatThrownBy(() -> XgbTrainer.trainLoss("[3]")).isInstanceOf(IllegalStateException.class);
  }

  private static Target binary() {
    return Target.binary("no", "yes");
  }

  private static PipelineSpec.Training training(
      int rounds, int patience, PipelineSpec.Trees trees) {
    return spec(
        new PipelineSpec.Training(
            new PipelineSpec.Model("xgboost", null, null, trees),
            rounds,
            null,
            null,
            null,
            null,
            null,
            new PipelineSpec.EarlyStopping(patience > 0, "val_loss", patience, 0.0),
            7L,
            true));
  }

  private static PipelineSpec.Training withSeed(PipelineSpec.Training t, long seed) {
    return new PipelineSpec.Training(
        t.model(),
        t.epochs(),
        t.batchSize(),
        t.optimizer(),
        t.learningRate(),
        t.weightDecay(),
        t.schedule(),
        t.earlyStopping(),
        seed,
        t.auto());
  }

  private static PipelineSpec.Training spec(PipelineSpec.Training training) {
    return new PipelineSpec(
            "xgb-test",
            null,
            Task.BINARY_CLASSIFICATION,
            "label",
            null,
            null,
            null,
            null,
            training,
            null,
            null)
        .withDefaults()
        .training();
  }

  private static TrainingData xor(int train, int val, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[train + val][FEATURES];
    int[] y = new int[train + val];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = random.nextGaussian();
      }
      y[i] = x[i][0] * x[i][1] > 0 ? 1 : 0;
      if (random.nextDouble() < 0.02) {
        x[i][3] = Double.NaN;
      }
    }
    return split(x, y, train);
  }

  /** Class by distance from the origin: three rings. */
  private static TrainingData rings(int train, int val, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[train + val][FEATURES];
    int[] y = new int[train + val];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = random.nextGaussian();
      }
      double r = Math.hypot(x[i][0], x[i][1]);
      y[i] = r < 0.8 ? 0 : r < 1.6 ? 1 : 2;
    }
    return split(x, y, train);
  }

  /** A step function of x0 plus a little noise: trees fit it, a line does not. */
  private static TrainingData steps(int train, int val, long seed) {
    Random random = new Random(seed);
    int n = train + val;
    double[][] x = new double[n][FEATURES];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = random.nextGaussian();
      }
      y[i] = 500 + 100 * Math.floor(2 * x[i][0]) + 10 * x[i][1] + random.nextGaussian();
    }
    return new TrainingData(
        features(),
        Arrays.copyOfRange(x, 0, train),
        Arrays.copyOfRange(y, 0, train),
        Arrays.copyOfRange(x, train, n),
        Arrays.copyOfRange(y, train, n));
  }

  private static TrainingData noise(int train, int val, long seed) {
    return TestTables.noise(train, val, seed, FEATURES);
  }

  private static TrainingData split(double[][] x, int[] y, int train) {
    return TestTables.split(x, y, train);
  }

  private static List<String> features() {
    return TestTables.features(FEATURES);
  }
}
