package io.trainyard.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.models.ModelBundle;
import io.trainyard.models.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The small convolutional network ({@code model.type: cnn}) over 8×8 images stored as 64 columns:
 * it learns what only the pixels' arrangement tells, trains reproducibly, resumes bit-identically,
 * fine-tunes with frozen convolutions, and refuses data or parents that do not fit.
 */
class CnnTrainerTest {

  private static final int SIDE = 8;

  @Test
  void learnsTheOrientationOfABarAndItsBundleScoresAsTrained(@TempDir Path dir) throws Exception {
    TrainingData data = bars(1200, 400, 1, false);
    Path out = dir.resolve("model");

    TrainingOutcome outcome =
        new MlpTrainer(cnn(6, List.of(8, 16), List.of(32), null))
            .train(data, "horizontal", "vertical", out, e -> {}, () -> false);

    assertThat(outcome.metrics().get("val_accuracy")).isGreaterThan(0.95);
    EpochResult best = outcome.history().get(outcome.bestEpoch() - 1);
    try (ModelBundle bundle = ModelBundle.load(out)) {
      assertThat(bundle.config().type()).isEqualTo("cnn");
      assertThat(bundle.config().image())
          .isEqualTo(new ModelConfig.Image(1, SIDE, SIDE, List.of(8, 16), 3));
      // conv 1 (8 × 1 × 3 × 3, 8), conv 2 (16 × 8 × 3 × 3, 16), hidden (32 × 64), output
      float[][] parameters = bundle.parameterValues();
      assertThat(parameters.length).isEqualTo(8);
      assertThat(parameters[0]).hasSize(8 * 9);
      assertThat(parameters[2]).hasSize(16 * 8 * 9);
      assertThat(parameters[4]).hasSize(32 * 16 * 2 * 2);
      // The reloaded bundle scores the validation rows as the best epoch did.
      double[] scores = bundle.scores(data.valX());
      int correct = 0;
      for (int i = 0; i < scores.length; i++) {
        if ((scores[i] >= 0.5 ? 1 : 0) == (int) data.valY()[i]) {
          correct++;
        }
      }
      assertThat(correct / (double) scores.length).isCloseTo(best.valAccuracy(), within(1e-9));
    }
  }

  @Test
  void multiclassTellsVerticalHorizontalAndDiagonalBarsApart(@TempDir Path dir) throws Exception {
    // A third class, a diagonal bar, through the multiclass path (softmax over three logits).
    TrainingData two = bars(900, 300, 6, false);
    Random random = new Random(6);
    double[][] trainX = two.trainX().clone();
    double[] trainY = two.trainY().clone();
    for (int i = 0; i < trainX.length; i += 3) {
      trainX[i] = diagonal(random);
      trainY[i] = 2;
    }
    double[][] valX = two.valX().clone();
    double[] valY = two.valY().clone();
    for (int i = 0; i < valX.length; i += 3) {
      valX[i] = diagonal(random);
      valY[i] = 2;
    }
    TrainingData data = new TrainingData(two.features(), trainX, trainY, valX, valY);
    Target target = Target.multiclass(List.of("horizontal", "vertical", "diagonal"));
    TrainingOutcome outcome =
        new MlpTrainer(cnn(6, List.of(8, 16), List.of(32), null, Task.MULTICLASS_CLASSIFICATION))
            .train(data, target, dir.resolve("m"), e -> {}, () -> false, CheckpointStore.NONE);
    assertThat(outcome.metrics().get("val_accuracy")).isGreaterThan(0.9);
    try (ModelBundle bundle = ModelBundle.load(dir.resolve("m"))) {
      assertThat(bundle.config().task()).isEqualTo(Task.MULTICLASS_CLASSIFICATION);
      assertThat(bundle.config().image().filters()).containsExactly(8, 16);
    }
  }

  private static double[] diagonal(Random random) {
    double[] x = new double[SIDE * SIDE];
    for (int r = 0; r < SIDE; r++) {
      for (int c = 0; c < SIDE; c++) {
        x[r * SIDE + c] = (r == c ? 1.0 : 0.0) + 0.3 * random.nextGaussian();
      }
    }
    return x;
  }

  @Test
  void theSameSeedGivesBitIdenticalParametersAndAResumedRunEndsAsAnUninterruptedOne(
      @TempDir Path dir) throws Exception {
    TrainingData data = bars(300, 100, 2, true);
    PipelineSpec.Training training = cnn(4, List.of(4, 8), List.of(16), null);
    List<Integer> resumed =
        TrainerTests.assertResumesBitIdentically(
            () -> new MlpTrainer(training), data, "horizontal", "vertical", 2, dir);
    assertThat(resumed).containsExactly(3, 4);
    new MlpTrainer(training)
        .train(data, "horizontal", "vertical", dir.resolve("again"), e -> {}, () -> false);
    assertThat(Files.readAllBytes(dir.resolve("again").resolve("model-0000.params")))
        .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve("model-0000.params")));
  }

  @Test
  void featuresBeyondTheImageJoinTheConvolutionsOutput(@TempDir Path dir) throws Exception {
    // 64 pixels (one of them sometimes missing, so it gets a missing indicator) and one more
    // feature: the first hidden layer takes 16 × 2 × 2 convolution outputs + 1 + 1 indicator.
    TrainingData data = bars(300, 100, 3, true);
    Path out = dir.resolve("model");
    new MlpTrainer(cnn(2, List.of(4, 16), List.of(8), null))
        .train(data, "horizontal", "vertical", out, e -> {}, () -> false);
    try (ModelBundle bundle = ModelBundle.load(out)) {
      assertThat(bundle.preprocessing().width()).isEqualTo(SIDE * SIDE + 2);
      assertThat(bundle.parameterValues()[4]).hasSize(8 * (16 * 2 * 2 + 2));
      double[] scores = bundle.scores(data.valX());
      assertThat(scores).hasSize(100);
      assertThat(Arrays.stream(scores).allMatch(p -> p >= 0 && p <= 1)).isTrue();
    }
  }

  @Test
  void aWarmStartCanFreezeTheConvolutionsAndRefusesAnotherImage(@TempDir Path dir)
      throws Exception {
    TrainingData data = bars(300, 100, 4, false);
    PipelineSpec.Training training = cnn(2, List.of(4, 8), List.of(16), null);
    new MlpTrainer(training)
        .train(data, "horizontal", "vertical", dir.resolve("parent"), e -> {}, () -> false);

    PipelineSpec.Training frozen = cnn(2, List.of(4, 8), List.of(16), 2);
    try (ModelBundle parent = ModelBundle.load(dir.resolve("parent"))) {
      new MlpTrainer(frozen)
          .warmStartFrom(parent)
          .train(data, "horizontal", "vertical", dir.resolve("child"), e -> {}, () -> false);
      try (ModelBundle child = ModelBundle.load(dir.resolve("child"))) {
        float[][] before = parent.parameterValues();
        float[][] after = child.parameterValues();
        for (int i = 0; i < 4; i++) {
          assertThat(after[i]).as("convolution parameter %d", i).isEqualTo(before[i]);
        }
        assertThat(after[4]).as("hidden layer weight").isNotEqualTo(before[4]);
      }
      PipelineSpec.Training otherImage = cnn(2, List.of(4), List.of(16), null);
      assertThatThrownBy(
              () ->
                  new MlpTrainer(otherImage)
                      .warmStartFrom(parent)
                      .train(
                          data, "horizontal", "vertical", dir.resolve("x"), e -> {}, () -> false))
          .isInstanceOf(IncompatibleParentException.class)
          .hasMessageContaining("the parent model does not fit: its architecture is cnn [16]");
    }
    // Freezing counts the convolutions: 2 convolutions + 1 hidden + the output layer.
    assertThatThrownBy(() -> new MlpTrainer(cnn(2, List.of(4, 8), List.of(16), 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("freezeLayers must be in [0, 3]");
  }

  @Test
  void dataOrSettingsThatDoNotFitTheImageAreRefusedWithTheirReason(@TempDir Path dir) {
    // 10 features cannot form an 8 × 8 image.
    TrainingData narrow = TestTables.noise(100, 50, 5, 10);
    assertThatThrownBy(
            () ->
                new MlpTrainer(cnn(2, List.of(4), List.of(8), null))
                    .train(narrow, "0", "1", dir.resolve("m"), e -> {}, () -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a 1 × 8 × 8 image needs 64 numeric inputs, the model has 10");
    // A cnn without its image, and too many halvings of a small image.
    assertThatThrownBy(() -> new MlpTrainer(spec(new PipelineSpec.Model("cnn", null, null))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a cnn model needs model.image");
    assertThatThrownBy(() -> new MlpTrainer(cnn(2, List.of(4, 4, 4, 4), List.of(8), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 convolutions halve a 8 × 8 image to nothing: use at most 3");
  }

  /**
   * 8×8 images of one bar (value 1 plus noise on a noisy background): vertical (label 1) or
   * horizontal (label 0), in a random row or column. With {@code extra}, a 65th feature (noise) and
   * pixel 0 missing in about 5 % of the rows.
   */
  static TrainingData bars(int train, int val, long seed, boolean extra) {
    Random random = new Random(seed);
    int n = train + val;
    int width = SIDE * SIDE + (extra ? 1 : 0);
    double[][] x = new double[n][width];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = random.nextBoolean() ? 1 : 0;
      int at = random.nextInt(SIDE);
      for (int r = 0; r < SIDE; r++) {
        for (int c = 0; c < SIDE; c++) {
          boolean on = y[i] == 1 ? c == at : r == at;
          x[i][r * SIDE + c] = (on ? 1.0 : 0.0) + 0.3 * random.nextGaussian();
        }
      }
      if (extra) {
        x[i][SIDE * SIDE] = random.nextGaussian();
        if (random.nextDouble() < 0.05) {
          x[i][0] = Double.NaN;
        }
      }
    }
    List<String> features = new ArrayList<>();
    for (int j = 0; j < SIDE * SIDE; j++) {
      features.add("pixel_" + j / SIDE + "_" + j % SIDE);
    }
    if (extra) {
      features.add("extra");
    }
    return new TrainingData(
        features,
        Arrays.copyOfRange(x, 0, train),
        Arrays.copyOfRange(y, 0, train),
        Arrays.copyOfRange(x, train, n),
        Arrays.copyOfRange(y, train, n));
  }

  /** A cnn over an 8×8 image with these filters and hidden layers, Adam, batch 32. */
  private static PipelineSpec.Training cnn(
      int epochs, List<Integer> filters, List<Integer> hidden, Integer freezeLayers) {
    return cnn(epochs, filters, hidden, freezeLayers, Task.BINARY_CLASSIFICATION);
  }

  private static PipelineSpec.Training cnn(
      int epochs, List<Integer> filters, List<Integer> hidden, Integer freezeLayers, Task task) {
    PipelineSpec.Model model =
        new PipelineSpec.Model(
            "cnn", hidden, 0.0, null, new PipelineSpec.Image(SIDE, SIDE, null, filters, null));
    PipelineSpec.Training training = TrainerTests.training(model, task, epochs, 0.01);
    return freezeLayers == null ? training : TrainerTests.with(training, true, freezeLayers, null);
  }

  private static PipelineSpec.Training spec(PipelineSpec.Model model) {
    return TrainerTests.training(model, Task.BINARY_CLASSIFICATION, 6, 0.01);
  }
}
