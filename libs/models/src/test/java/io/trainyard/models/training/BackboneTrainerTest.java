package io.trainyard.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.models.Backbone;
import io.trainyard.models.ModelBundle;
import io.trainyard.models.ModelConfig;
import io.trainyard.models.TestPython;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new head trained on a frozen TorchScript backbone ({@code model.backbone}): the backbones are
 * written by Debian's python3-torch ({@code torch.jit.trace(...).save}) and loaded by DJL's
 * libtorch.
 */
class BackboneTrainerTest {

  private static final int FEATURES = 8;

  @TempDir static Path scripts;
  private static String python;
  private static Path backbone;

  @BeforeAll
  static void writeBackbones() throws Exception {
    python = TestPython.with("torch", "python3-torch");
    backbone = script("backbone.pt", FEATURES, 1);
  }

  /** A TorchScript module {@code relu(Linear(inputs, 16)(x))}, its weights from {@code seed}. */
  private static Path script(String name, int inputs, int seed) throws Exception {
    Path file = scripts.resolve(name);
    TestPython.run(
        python,
        "-c",
        String.format(
            Locale.ROOT,
            "import torch, sys\n"
                + "torch.manual_seed(%d)\n"
                + "class Backbone(torch.nn.Module):\n"
                + "    def __init__(self):\n"
                + "        super().__init__()\n"
                + "        self.layer = torch.nn.Linear(%d, 16)\n"
                + "    def forward(self, x):\n"
                + "        return torch.relu(self.layer(x))\n"
                + "torch.jit.trace(Backbone(), torch.zeros(1, %d)).save(sys.argv[1])\n",
            seed,
            inputs,
            inputs),
        file.toString());
    return file;
  }

  @Test
  void aHeadLearnsOnTheFrozenBackbonesFeaturesAndScoresThroughIt(@TempDir Path dir)
      throws Exception {
    TrainingData data = blobs(1000, 300, 1);
    Path out = dir.resolve("model");
    TrainingOutcome outcome =
        new MlpTrainer(spec("mlp", List.of(16), 8, null))
            .withBackbone(backbone)
            .train(data, "0", "1", out, e -> {}, () -> false);

    assertThat(outcome.metrics().get("val_accuracy")).isGreaterThan(0.85);
    EpochResult best = outcome.history().get(outcome.bestEpoch() - 1);
    assertThat(ModelBundle.files(out)).contains(Backbone.FILE);
    assertThat(Files.readAllBytes(out.resolve(Backbone.FILE)))
        .isEqualTo(Files.readAllBytes(backbone));
    try (ModelBundle bundle = ModelBundle.load(out)) {
      assertThat(bundle.config().backbone())
          .isEqualTo(new ModelConfig.Backbone(FEATURES, 16, Backbone.sha256(backbone)));
      // the head only: hidden 16 × 16 (the backbone's outputs), then the output layer
      assertThat(bundle.parameterValues()[0]).hasSize(16 * 16);
      double[] scores = bundle.scores(data.valX());
      int correct = 0;
      for (int i = 0; i < scores.length; i++) {
        if ((scores[i] >= 0.5 ? 1 : 0) == (int) data.valY()[i]) {
          correct++;
        }
      }
      assertThat(correct / (double) scores.length).isCloseTo(best.valAccuracy(), within(1e-9));

      // predict.py runs the backbone with torch.jit.load, then the head: the same probabilities.
      StringBuilder csv = new StringBuilder(String.join(",", TestTables.features(FEATURES)));
      csv.append('\n');
      for (double[] row : data.valX()) {
        for (int j = 0; j < FEATURES; j++) {
          csv.append(j == 0 ? "" : ",")
              .append(Double.isNaN(row[j]) ? "" : String.format(Locale.ROOT, "%.17g", row[j]));
        }
        csv.append('\n');
      }
      Path rows = Files.writeString(dir.resolve("rows.csv"), csv);
      List<String> lines =
          TestPython.run(
              python, out.resolve("predict.py").toString(), out.toString(), rows.toString());
      assertThat(lines).hasSize(scores.length + 1);
      for (int i = 0; i < scores.length; i++) {
        assertThat(Double.parseDouble(lines.get(i + 1).split(",")[1]))
            .as("row %d", i)
            .isCloseTo(scores[i], within(1e-5));
      }
    }
  }

  @Test
  void aRunOnABackboneResumesBitIdenticallyAndAnotherBackboneIsAnotherTraining(@TempDir Path dir)
      throws Exception {
    TrainingData data = blobs(300, 100, 2);
    PipelineSpec.Training training = spec("linear", List.of(), 4, null);
    List<Integer> epochs =
        TrainerTests.assertResumesBitIdentically(
            () -> new MlpTrainer(training).withBackbone(backbone), data, "0", "1", 2, dir);
    assertThat(epochs).containsExactly(3, 4);

    // The checkpoints of a run on another backbone are not resumed: it starts from epoch 1.
    MlpTrainerTest.MemoryCheckpoints broken = new MlpTrainerTest.MemoryCheckpoints();
    new MlpTrainer(training)
        .withBackbone(backbone)
        .train(data, "0", "1", dir.resolve("c"), e -> {}, () -> false, broken);
    Path other = script("other.pt", FEATURES, 2);
    java.util.List<Integer> fresh = new java.util.ArrayList<>();
    new MlpTrainer(training)
        .withBackbone(other)
        .train(data, "0", "1", dir.resolve("d"), e -> fresh.add(e.epoch()), () -> false, broken);
    assertThat(fresh).startsWith(1);
  }

  @Test
  void aBackboneThatDoesNotFitFailsWithItsReason(@TempDir Path dir) throws Exception {
    TrainingData data = blobs(200, 50, 3);
    Path narrow = script("narrow.pt", 5, 3);
    assertThatThrownBy(
            () ->
                new MlpTrainer(spec("linear", List.of(), 2, null))
                    .withBackbone(narrow)
                    .train(data, "0", "1", dir.resolve("m"), e -> {}, () -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the backbone cannot take rows of 8 inputs");
    Path garbage = Files.write(dir.resolve("garbage.pt"), new byte[] {1, 2, 3, 4});
    assertThatThrownBy(
            () ->
                new MlpTrainer(spec("linear", List.of(), 2, null))
                    .withBackbone(garbage)
                    .train(data, "0", "1", dir.resolve("m"), e -> {}, () -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the backbone is not a TorchScript model libtorch can load");
    assertThat(dir.resolve("m")).doesNotExist();
    assertThatThrownBy(
            () -> new MlpTrainer(spec("mlp", List.of(8), 2, new PipelineSpec.Augmentation(0.1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a model.backbone trains an mlp or linear head and does not go with")
        .hasMessageContaining("augmentation");
    assertThatThrownBy(
            () ->
                new MlpTrainer(spec("mlp", List.of(8), 2, null))
                    .train(data, "0", "1", dir.resolve("m"), e -> {}, () -> false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pass its file to withBackbone");
  }

  @Test
  void aBundleWhoseBackboneWasSwappedDoesNotLoad(@TempDir Path dir) throws Exception {
    TrainingData data = blobs(200, 50, 4);
    Path out = dir.resolve("model");
    new MlpTrainer(spec("linear", List.of(), 2, null))
        .withBackbone(backbone)
        .train(data, "0", "1", out, e -> {}, () -> false);
    Files.copy(
        script("swap.pt", FEATURES, 9),
        out.resolve(Backbone.FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> ModelBundle.load(out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not the one the model was trained on");
  }

  /** Two Gaussian blobs (means ∓0.8 per feature), no value missing: 8 preprocessed inputs. */
  private static TrainingData blobs(int train, int val, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[train + val][FEATURES];
    int[] y = new int[train + val];
    for (int i = 0; i < x.length; i++) {
      y[i] = random.nextBoolean() ? 1 : 0;
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = (y[i] == 1 ? 0.8 : -0.8) + random.nextGaussian();
      }
    }
    return TestTables.split(x, y, train);
  }

  private static PipelineSpec.Training spec(
      String type, List<Integer> hidden, int epochs, PipelineSpec.Augmentation augmentation) {
    PipelineSpec.Model model =
        new PipelineSpec.Model(
            type,
            hidden,
            0.0,
            null,
            null,
            null,
            new PipelineSpec.Backbone("s3://trainyard/backbones/test.pt"));
    PipelineSpec.Training training =
        TrainerTests.training(model, Task.BINARY_CLASSIFICATION, epochs, 0.01);
    return augmentation == null ? training : TrainerTests.with(training, null, null, augmentation);
  }
}
