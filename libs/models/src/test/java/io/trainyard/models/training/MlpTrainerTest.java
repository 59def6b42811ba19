package io.trainyard.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.models.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain JUnit: the engine needs no Quarkus and no stack, only DJL with the CPU libtorch. */
class MlpTrainerTest {
  private static final int FEATURES = 8;

  @Test
  void learnsSeparableDataAndSavesTheBestEpoch(@TempDir Path dir) throws Exception {
    TrainingData data = blobs(2000, 500, 1);
    List<EpochResult> seen = new ArrayList<>();
    Path out = dir.resolve("model");

    TrainingOutcome outcome =
        new MlpTrainer(training(20, 64, "adamw", "cosine", 5, 0.0, 0.001))
            .train(data, "legit", "fraud", out, seen::add, () -> false);

    assertThat(outcome.cancelled()).isFalse();
    assertThat(outcome.history()).isEqualTo(seen);
    assertThat(seen).extracting(EpochResult::epoch).containsExactly(range(1, outcome.epochsRun()));
    assertThat(seen)
        .allSatisfy(
            e -> {
              assertThat(e.epochs()).isEqualTo(20);
              assertThat(e.trainLoss()).isFinite().isPositive();
              assertThat(e.valLoss()).isFinite().isPositive();
              assertThat(e.learningRate()).isPositive().isLessThanOrEqualTo(0.001);
              assertThat(e.samplesPerSecond()).isPositive();
            });
    assertThat(seen.get(0).learningRate()).isCloseTo(0.001, within(1e-9));
    assertThat(seen.get(seen.size() - 1).trainLoss()).isLessThan(seen.get(0).trainLoss());
    assertThat(outcome.metrics().get("val_accuracy")).isGreaterThan(0.9);
    EpochResult best = seen.get(outcome.bestEpoch() - 1);
    assertThat(best.valLoss())
        .isEqualTo(seen.stream().mapToDouble(EpochResult::valLoss).min().getAsDouble());
    assertThat(outcome.metrics())
        .containsEntry("val_loss", best.valLoss())
        .containsEntry("train_loss", best.trainLoss())
        .containsEntry("val_accuracy", best.valAccuracy());

    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(ModelBundle.files(out));
    }
    try (ModelBundle bundle = ModelBundle.load(out)) {
      assertBundleMatches(bundle, data, best);
      assertThat(bundle.config().positiveLabel()).isEqualTo("fraud");
    }
    double samplesPerSecond =
        seen.stream().skip(1).mapToDouble(EpochResult::samplesPerSecond).average().orElseThrow();
    System.out.printf(
        "2000x8 rows, batch 64, mlp [64, 32]: %.0f samples/s; %d epochs (%s), best %d, val_accuracy"
            + " %.3f%n",
        samplesPerSecond,
        outcome.epochsRun(),
        outcome.stopReason(),
        outcome.bestEpoch(),
        outcome.metrics().get("val_accuracy"));
  }

  @Test
  void stopsEarlyWhenValidationLossPlateausAndKeepsTheBestEpoch(@TempDir Path dir) {
    // random labels: nothing to learn, the validation loss stops improving after a few epochs
    TrainingData data = noise(1000, 300, 2);
    Path out = dir.resolve("model");

    TrainingOutcome outcome =
        new MlpTrainer(training(200, 32, "adam", "constant", 2, 0.0))
            .train(data, "0", "1", out, e -> {}, () -> false);

    System.out.printf(
        "noise: %d epochs, best %d, val_loss %s%n",
        outcome.epochsRun(),
        outcome.bestEpoch(),
        outcome.history().stream().map(e -> String.format("%.4f", e.valLoss())).toList());
    assertThat(outcome.epochsRun()).isLessThan(200);
    assertThat(outcome.stopReason())
        .isEqualTo("early stopping: val_loss did not improve by 0.0 for 2 epochs");
    assertThat(outcome.bestEpoch()).isEqualTo(outcome.epochsRun() - 2);
    try (ModelBundle bundle = ModelBundle.load(out)) {
      assertBundleMatches(bundle, data, outcome.history().get(outcome.bestEpoch() - 1));
    }
  }

  @Test
  void theSameSeedGivesTheSameRun(@TempDir Path dir) {
    TrainingData data = blobs(600, 200, 3);
    PipelineSpec.Training training = training(4, 50, "sgd", "step", 5, 0.0);

    TrainingOutcome first =
        new MlpTrainer(training).train(data, "0", "1", dir.resolve("a"), e -> {}, () -> false);
    TrainingOutcome second =
        new MlpTrainer(training).train(data, "0", "1", dir.resolve("b"), e -> {}, () -> false);

    assertThat(second.epochsRun()).isEqualTo(first.epochsRun());
    for (int i = 0; i < first.epochsRun(); i++) {
      assertThat(second.history().get(i).valLoss())
          .isCloseTo(first.history().get(i).valLoss(), within(1e-6));
      assertThat(second.history().get(i).trainLoss())
          .isCloseTo(first.history().get(i).trainLoss(), within(1e-6));
    }
  }

  /** Keeps checkpoints in memory, as bytes (the store's format), the latest last. */
  static final class MemoryCheckpoints implements CheckpointStore {
    final List<byte[]> saved = new ArrayList<>();

    @Override
    public java.util.Optional<TrainerCheckpoint> latest() throws java.io.IOException {
      return saved.isEmpty()
          ? java.util.Optional.empty()
          : java.util.Optional.of(
              TrainerCheckpoint.read(
                  new java.io.ByteArrayInputStream(saved.get(saved.size() - 1))));
    }

    @Override
    public void save(TrainerCheckpoint checkpoint) {
      saved.add(checkpoint.toBytes());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd", "adam", "adamw"})
  void aRunResumedFromACheckpointEndsExactlyAsAnUninterruptedOne(
      String optimizer, @TempDir Path dir) throws Exception {
    TrainingData data = blobs(500, 150, 9);
    PipelineSpec.Training training = training(6, 64, optimizer, "cosine", 50, 0.0);

    MemoryCheckpoints whole = new MemoryCheckpoints();
    TrainingOutcome uninterrupted =
        new MlpTrainer(training)
            .train(data, "0", "1", dir.resolve("a"), e -> {}, () -> false, whole);
    assertThat(whole.saved).hasSize(6);

    // The same training dies after its third epoch's checkpoint, then a new trainer resumes.
    MemoryCheckpoints broken = new MemoryCheckpoints();
    assertThatThrownBy(
            () ->
                new MlpTrainer(training)
                    .train(
                        data,
                        "0",
                        "1",
                        dir.resolve("b"),
                        e -> {
                          if (e.epoch() == 3) {
                            throw new IllegalStateException("killed");
                          }
                        },
                        () -> false,
                        broken))
        .hasMessage("killed");
    assertThat(broken.saved).hasSize(3);
    List<Integer> resumedEpochs = new ArrayList<>();
    TrainingOutcome resumed =
        new MlpTrainer(training)
            .train(
                data,
                "0",
                "1",
                dir.resolve("b"),
                e -> resumedEpochs.add(e.epoch()),
                () -> false,
                broken);

    assertThat(resumedEpochs).containsExactly(4, 5, 6);
    for (int i = 0; i < 6; i++) {
      assertThat(withoutTiming(resumed.history().get(i)))
          .isEqualTo(withoutTiming(uninterrupted.history().get(i)));
    }
    assertThat(resumed.metrics()).isEqualTo(uninterrupted.metrics());
    assertThat(resumed.bestEpoch()).isEqualTo(uninterrupted.bestEpoch());
    // The saved parameters are bit-identical.
    assertThat(Files.readAllBytes(dir.resolve("b").resolve("model-0000.params")))
        .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve("model-0000.params")));
    // So are the parameters and the optimizer state of the last checkpoint.
    TrainerCheckpoint last = broken.latest().orElseThrow();
    TrainerCheckpoint expected = whole.latest().orElseThrow();
    assertThat(last.parameters()).isDeepEqualTo(expected.parameters());
    assertThat(last.optimizer()).isEqualTo(expected.optimizer());
  }

  @Test
  void aCheckpointOfAnotherTrainingIsNotResumed(@TempDir Path dir) {
    MemoryCheckpoints store = new MemoryCheckpoints();
    new MlpTrainer(training(2, 64, "adam", "constant", 5, 0.0))
        .train(blobs(300, 100, 1), "0", "1", dir.resolve("a"), e -> {}, () -> false, store);
    List<Integer> epochs = new ArrayList<>();
    new MlpTrainer(training(2, 64, "adam", "constant", 5, 0.0))
        .train(
            blobs(300, 100, 2),
            "0",
            "1",
            dir.resolve("b"),
            e -> epochs.add(e.epoch()),
            () -> false,
            store);
    assertThat(epochs).containsExactly(1, 2);
  }

  @Test
  void aDivergingLossFailsTheRunWithItsReason(@TempDir Path dir) {
    Path out = dir.resolve("model");
    MlpTrainer trainer = new MlpTrainer(training(3, 50, "sgd", "constant", 5, 0.0, 1e30));
    assertThatThrownBy(() -> trainer.train(blobs(300, 100, 5), "0", "1", out, e -> {}, () -> false))
        .isInstanceOf(TrainingDivergedException.class)
        .hasMessageContaining("diverged")
        .hasMessageContaining("lower training.learningRate");
    assertThat(out).doesNotExist();
  }

  @Test
  void gradientClippingBoundsEveryMiniBatchsGradientNorm(@TempDir Path dir) {
    TrainingData data = blobs(600, 200, 3);
    PipelineSpec.Training free = training(3, 50, "sgd", "constant", 5, 0.0, 0.05);
    double clip = 0.05;
    PipelineSpec.Training clipped = withGradientClip(free, clip);

    TrainingOutcome unclipped =
        new MlpTrainer(free).train(data, "0", "1", dir.resolve("a"), e -> {}, () -> false);
    TrainingOutcome bounded =
        new MlpTrainer(clipped).train(data, "0", "1", dir.resolve("b"), e -> {}, () -> false);

    // Without clipping the gradients are far larger than the bound; with it, the norm of each
    // mini-batch's applied gradient (their epoch mean is reported) is at most the bound.
    assertThat(unclipped.history().get(0).gradientNorm()).isGreaterThan(10 * clip);
    for (EpochResult e : bounded.history()) {
      assertThat(e.gradientNorm()).isLessThanOrEqualTo(clip * (1 + 1e-4)).isGreaterThan(clip / 2);
    }
    assertThat(bounded.history().get(0).trainLoss())
        .isNotCloseTo(unclipped.history().get(0).trainLoss(), within(1e-9));
    assertThatThrownBy(() -> new MlpTrainer(withGradientClip(free, 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gradientClip must be positive");
  }

  private static PipelineSpec.Training withGradientClip(PipelineSpec.Training t, double clip) {
    return with(t, clip, null, null, null, null);
  }

  private static PipelineSpec.Training withClassWeight(PipelineSpec.Training t, String weight) {
    return with(t, null, weight, null, null, null);
  }

  /** {@code t} with the optional settings given (the deadline kept). */
  private static PipelineSpec.Training with(
      PipelineSpec.Training t,
      Double gradientClip,
      String classWeight,
      Boolean warmStart,
      Integer freezeLayers,
      PipelineSpec.Augmentation augmentation) {
    return new PipelineSpec.Training(
        t.model(),
        t.epochs(),
        t.batchSize(),
        t.optimizer(),
        t.learningRate(),
        t.weightDecay(),
        t.schedule(),
        t.earlyStopping(),
        t.seed(),
        t.auto(),
        gradientClip,
        classWeight,
        warmStart,
        freezeLayers,
        augmentation,
        t.deadline());
  }

  @Test
  void aWarmStartBeginsFromTheParentsParametersAndRefusesAParentThatDoesNotFit(@TempDir Path dir)
      throws Exception {
    TrainingData data = blobs(600, 200, 3);
    PipelineSpec.Training training = training(6, 50, "adam", "constant", 10, 0.0);
    TrainingOutcome parent =
        new MlpTrainer(training).train(data, "0", "1", dir.resolve("parent"), e -> {}, () -> false);
    TrainingOutcome cold =
        new MlpTrainer(training).train(data, "0", "1", dir.resolve("cold"), e -> {}, () -> false);
    TrainingOutcome warm;
    try (ModelBundle bundle = ModelBundle.load(dir.resolve("parent"))) {
      warm =
          new MlpTrainer(training)
              .warmStartFrom(bundle)
              .train(data, "0", "1", dir.resolve("warm"), e -> {}, () -> false);
      // Its preprocessing is the parent's, not refitted.
      try (ModelBundle child = ModelBundle.load(dir.resolve("warm"))) {
        assertThat(child.preprocessing()).isEqualTo(bundle.preprocessing());
      }
    }
    // The warm run's first epoch starts where the parent ended: far below a cold first epoch.
    // (Its first-epoch loss with a fresh Adam and dropout is 1.0-1.7x the parent's last over seeds
    // 1..8 of this table, with DJL's dropout as with the trainer's own: the bound is 2x.)
    double parentLast = parent.history().get(parent.history().size() - 1).trainLoss();
    assertThat(warm.history().get(0).trainLoss())
        .isLessThan(cold.history().get(0).trainLoss())
        .isLessThan(parentLast * 2);

    // Frozen: the first layer keeps the parent's parameters exactly, the later ones train.
    PipelineSpec.Training frozen = with(training, null, null, true, 1, null);
    try (ModelBundle bundle = ModelBundle.load(dir.resolve("parent"))) {
      new MlpTrainer(frozen)
          .warmStartFrom(bundle)
          .train(data, "0", "1", dir.resolve("frozen"), e -> {}, () -> false);
      try (ModelBundle child = ModelBundle.load(dir.resolve("frozen"))) {
        float[][] before = bundle.parameterValues();
        float[][] after = child.parameterValues();
        assertThat(after[0]).isEqualTo(before[0]); // layer 1 weight
        assertThat(after[1]).isEqualTo(before[1]); // layer 1 bias
        assertThat(after[2]).isNotEqualTo(before[2]); // layer 2 weight trained
      }
    }
    assertThatThrownBy(() -> new MlpTrainer(with(training, null, null, true, 3, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("freezeLayers must be in [0, 2]");

    // Another architecture does not fit.
    PipelineSpec.Training wider =
        new PipelineSpec.Training(
            new PipelineSpec.Model("mlp", List.of(16), 0.1),
            6,
            50,
            "adam",
            0.01,
            1e-4,
            "constant",
            new PipelineSpec.EarlyStopping(true, "val_loss", 10, 0.0),
            7L,
            true);
    try (ModelBundle bundle = ModelBundle.load(dir.resolve("parent"))) {
      assertThatThrownBy(
              () ->
                  new MlpTrainer(wider)
                      .warmStartFrom(bundle)
                      .train(data, "0", "1", dir.resolve("x"), e -> {}, () -> false))
          .isInstanceOf(IncompatibleParentException.class)
          .hasMessageContaining("the parent model does not fit: its architecture is mlp [64, 32]");
    }
  }

  @Test
  void inputNoiseChangesTrainingAndIsReproducibleFromTheSeed(@TempDir Path dir) {
    TrainingData data = blobs(600, 200, 3);
    PipelineSpec.Training plain = training(3, 50, "adam", "constant", 10, 0.0);
    PipelineSpec.Training noisy =
        with(plain, null, null, null, null, new PipelineSpec.Augmentation(0.5));
    TrainingOutcome a =
        new MlpTrainer(noisy).train(data, "0", "1", dir.resolve("a"), e -> {}, () -> false);
    TrainingOutcome b =
        new MlpTrainer(noisy).train(data, "0", "1", dir.resolve("b"), e -> {}, () -> false);
    TrainingOutcome none =
        new MlpTrainer(plain).train(data, "0", "1", dir.resolve("c"), e -> {}, () -> false);
    for (int i = 0; i < a.history().size(); i++) {
      assertThat(withoutTiming(b.history().get(i))).isEqualTo(withoutTiming(a.history().get(i)));
    }
    assertThat(a.history().get(0).trainLoss())
        .isNotCloseTo(none.history().get(0).trainLoss(), within(1e-6));
  }

  @Test
  void mixupDrawsLambdaFromBetaAndTrainsReproducibly(@TempDir Path dir) {
    // Beta(0.4, 0.4): mean 1/2, variance 1 / (4 (2 alpha + 1)) = 0.1389
    Random random = new Random(3);
    int n = 200_000;
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      double lambda = MlpTrainer.beta(0.4, random);
      assertThat(lambda).isBetween(0.0, 1.0);
      sum += lambda;
      squares += lambda * lambda;
    }
    double mean = sum / n;
    assertThat(mean).isCloseTo(0.5, within(0.005));
    assertThat(squares / n - mean * mean).isCloseTo(1 / (4 * 1.8), within(0.003));

    TrainingData data = blobs(600, 200, 3);
    PipelineSpec.Training plain = training(3, 50, "adam", "constant", 10, 0.0);
    PipelineSpec.Training mixed =
        with(plain, null, null, null, null, new PipelineSpec.Augmentation(null, 0.4));
    TrainingOutcome a =
        new MlpTrainer(mixed).train(data, "0", "1", dir.resolve("a"), e -> {}, () -> false);
    TrainingOutcome b =
        new MlpTrainer(mixed).train(data, "0", "1", dir.resolve("b"), e -> {}, () -> false);
    TrainingOutcome none =
        new MlpTrainer(plain).train(data, "0", "1", dir.resolve("c"), e -> {}, () -> false);
    for (int i = 0; i < a.history().size(); i++) {
      assertThat(withoutTiming(b.history().get(i))).isEqualTo(withoutTiming(a.history().get(i)));
    }
    assertThat(a.history().get(0).trainLoss())
        .isNotCloseTo(none.history().get(0).trainLoss(), within(1e-6));
    // the model still learns the blobs
    assertThat(a.history().get(a.history().size() - 1).valAccuracy()).isGreaterThan(0.8);
  }

  @Test
  void balancedClassWeightsAreScikitLearns() {
    // compute_class_weight("balanced", classes=[0, 1], y=[0, 0, 0, 1]) and for [0,1,1,2,2,2,2]
    assertThat(MlpTrainer.balancedClassWeights(new int[] {0, 0, 0, 1}, 2))
        .containsExactly(new double[] {0.6666666666666666, 2.0}, within(1e-12));
    assertThat(MlpTrainer.balancedClassWeights(new int[] {0, 1, 1, 2, 2, 2, 2}, 3))
        .containsExactly(
            new double[] {2.3333333333333335, 1.1666666666666667, 0.5833333333333334},
            within(1e-12));
  }

  @Test
  void balancedClassWeightsRaiseTheRecallOfARareClass(@TempDir Path dir) throws Exception {
    // About 5% positives that overlap the negatives: unweighted, the model rarely says positive.
    Random random = new Random(17);
    int n = 3000;
    double[][] x = new double[n][FEATURES];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = random.nextGaussian();
      }
      y[i] = x[i][0] + 0.8 * random.nextGaussian() > 2.1 ? 1 : 0;
    }
    TrainingData data = split(x, y, 2400);
    PipelineSpec.Training plain = training(6, 64, "adam", "constant", 10, 0.0, 0.01);
    new MlpTrainer(plain).train(data, "0", "1", dir.resolve("plain"), e -> {}, () -> false);
    new MlpTrainer(withClassWeight(plain, "balanced"))
        .train(data, "0", "1", dir.resolve("balanced"), e -> {}, () -> false);
    double plainRecall;
    double balancedRecall;
    try (ModelBundle a = ModelBundle.load(dir.resolve("plain"));
        ModelBundle b = ModelBundle.load(dir.resolve("balanced"))) {
      plainRecall = recall(a.scores(data.valX()), data.valY());
      balancedRecall = recall(b.scores(data.valX()), data.valY());
    }
    assertThat(balancedRecall).isGreaterThan(plainRecall + 0.2);
    assertThatThrownBy(() -> new MlpTrainer(withClassWeight(plain, "inverse")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported classWeight: inverse (supported: balanced)");
  }

  private static double recall(double[] scores, double[] y) {
    int positives = 0;
    int found = 0;
    for (int i = 0; i < y.length; i++) {
      if (y[i] == 1) {
        positives++;
        if (scores[i] >= 0.5) {
          found++;
        }
      }
    }
    return found / (double) positives;
  }

  /** An epoch without its wall-clock figure (samples per second differ between runs). */
  static EpochResult withoutTiming(EpochResult e) {
    return new EpochResult(
        e.epoch(),
        e.epochs(),
        e.trainLoss(),
        e.valLoss(),
        e.valAccuracy(),
        e.learningRate(),
        0,
        e.gradientNorm(),
        e.metrics());
  }

  @Test
  void cancellationReturnsCancelledAndWritesNothing(@TempDir Path dir) {
    TrainingData data = blobs(1000, 200, 4);
    Path out = dir.resolve("model");
    AtomicInteger polls = new AtomicInteger();
    List<EpochResult> seen = new ArrayList<>();

    // 1000 rows in batches of 100: cancelled during the second epoch
    TrainingOutcome outcome =
        new MlpTrainer(training(10, 100, "adamw", "linear", 5, 0.0))
            .train(data, "0", "1", out, seen::add, () -> polls.incrementAndGet() > 15);

    assertThat(outcome.cancelled()).isTrue();
    assertThat(outcome.stopReason()).isEqualTo("cancelled");
    assertThat(outcome.epochsRun()).isEqualTo(1);
    assertThat(seen).hasSize(1);
    assertThat(out).doesNotExist();
  }

  @Test
  void aListenerExceptionAbortsTraining(@TempDir Path dir) {
    Path out = dir.resolve("model");
    MlpTrainer trainer = new MlpTrainer(training(5, 100, "adam", "constant", 5, 0.0));
    assertThatThrownBy(
            () ->
                trainer.train(
                    blobs(300, 100, 5),
                    "0",
                    "1",
                    out,
                    e -> {
                      throw new IllegalStateException("stop " + e.epoch());
                    },
                    () -> false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("stop 1");
    assertThat(out).doesNotExist();
  }

  @Test
  void onlyValLossIsSupportedForEarlyStopping() {
    PipelineSpec.Training training =
        spec(
            new PipelineSpec.Training(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                new PipelineSpec.EarlyStopping(true, "val_accuracy", null, null),
                null,
                null));
    assertThatThrownBy(() -> new MlpTrainer(training))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("val_accuracy");
  }

  @Test
  void schedulesFollowTheDocumentedFormulas() {
    MlpTrainer cosine = new MlpTrainer(training(10, 32, "adam", "cosine", 5, 0.0));
    assertThat(cosine.learningRate(1)).isCloseTo(0.01, within(1e-12));
    assertThat(cosine.learningRate(6)).isCloseTo(0.005, within(1e-12));
    MlpTrainer step = new MlpTrainer(training(8, 32, "adam", "step", 5, 0.0));
    assertThat(step.learningRate(2)).isCloseTo(0.01, within(1e-12));
    assertThat(step.learningRate(3)).isCloseTo(0.005, within(1e-12));
    assertThat(step.learningRate(8)).isCloseTo(0.00125, within(1e-12));
    MlpTrainer linear = new MlpTrainer(training(10, 32, "adam", "linear", 5, 0.0));
    assertThat(linear.learningRate(10)).isCloseTo(0.001, within(1e-12));
    // 20 epochs: 2 of warm-up (0.005, 0.01), then the cosine over 18 from 0.01
    MlpTrainer warmup = new MlpTrainer(training(20, 32, "adam", "warmup-cosine", 5, 0.0));
    assertThat(warmup.learningRate(1)).isCloseTo(0.005, within(1e-12));
    assertThat(warmup.learningRate(2)).isCloseTo(0.01, within(1e-12));
    assertThat(warmup.learningRate(3)).isCloseTo(0.01, within(1e-12));
    assertThat(warmup.learningRate(12)).isCloseTo(0.005, within(1e-12));
    assertThat(warmup.learningRate(20))
        .isCloseTo(0.01 * 0.5 * (1 + Math.cos(Math.PI * 17 / 18)), within(1e-12));
    MlpTrainer short3 = new MlpTrainer(training(3, 32, "adam", "warmup-cosine", 5, 0.0));
    assertThat(short3.learningRate(1)).isCloseTo(0.01, within(1e-12)); // one warm-up epoch
  }

  @Test
  void multiclassLearnsThreeBlobsAndItsBundleGivesTheBestEpochsMetrics(@TempDir Path dir)
      throws Exception {
    TrainingData data = threeBlobs(1500, 450, 21);
    List<String> classes = List.of("bird", "cat", "dog");
    List<EpochResult> seen = new ArrayList<>();
    Path out = dir.resolve("model");

    TrainingOutcome outcome =
        new MlpTrainer(training(15, 64, "adamw", "cosine", 4, 0.0, 0.005))
            .train(data, Target.multiclass(classes), out, seen::add, () -> false, noCheckpoints());

    assertThat(seen)
        .allSatisfy(
            e -> {
              assertThat(e.trainLoss()).isFinite().isPositive();
              assertThat(e.valLoss()).isFinite().isPositive();
              assertThat(e.valAccuracy()).isBetween(0.0, 1.0);
              assertThat(e.metrics()).containsOnlyKeys("val_log_loss");
              // sklearn's log_loss only clips at float64 eps: it is the cross-entropy
              assertThat(e.metrics().get("val_log_loss")).isCloseTo(e.valLoss(), within(1e-6));
            });
    assertThat(seen.get(seen.size() - 1).trainLoss()).isLessThan(seen.get(0).trainLoss());
    EpochResult best = seen.get(outcome.bestEpoch() - 1);
    System.out.printf(
        "3 blobs: %d epochs, best %d, val_accuracy %.3f, val_log_loss %.4f%n",
        outcome.epochsRun(),
        outcome.bestEpoch(),
        best.valAccuracy(),
        best.metrics().get("val_log_loss"));
    assertThat(best.valAccuracy()).isGreaterThan(0.9);
    assertThat(outcome.metrics())
        .containsOnlyKeys("train_loss", "val_loss", "val_accuracy", "val_log_loss")
        .containsEntry("val_accuracy", best.valAccuracy())
        .containsEntry("val_log_loss", best.metrics().get("val_log_loss"));

    JsonNode json = new ObjectMapper().readTree(out.resolve("model.json").toFile());
    assertThat(json.at("/config/task").asText()).isEqualTo("multiclass-classification");
    assertThat(json.at("/config/classes").toString()).isEqualTo("[\"bird\",\"cat\",\"dog\"]");
    assertThat(json.at("/config/positiveLabel").isMissingNode()).isTrue();
    assertThat(json.at("/signature/output").asText())
        .isEqualTo("probabilities of [bird, cat, dog] (softmax)");
    try (ModelBundle bundle = ModelBundle.load(out)) {
      assertThat(bundle.task()).isEqualTo(Task.MULTICLASS_CLASSIFICATION);
      assertThat(bundle.classes()).containsExactly("bird", "cat", "dog");
      double[][] p = bundle.probabilities(data.valX());
      String[] predicted = bundle.predictClasses(p);
      int[] y = new int[p.length];
      int correct = 0;
      for (int i = 0; i < p.length; i++) {
        assertThat(p[i]).hasSize(3);
        assertThat(p[i][0] + p[i][1] + p[i][2]).isCloseTo(1.0, within(1e-12));
        y[i] = (int) data.valY()[i];
        if (predicted[i].equals(classes.get(y[i]))) {
          correct++;
        }
      }
      assertThat(correct / (double) p.length).isCloseTo(best.valAccuracy(), within(1e-9));
      assertThat(io.trainyard.stats.MulticlassMetrics.logLoss(y, p))
          .isCloseTo(best.metrics().get("val_log_loss"), within(1e-6));
      assertThatThrownBy(() -> bundle.scores(data.valX()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("this bundle is multiclass-classification");
      assertThatThrownBy(() -> bundle.predictions(data.valX()))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void multiclassWithTheSameSeedGivesBitIdenticalParameters(@TempDir Path dir) throws Exception {
    TrainingData data = threeBlobs(600, 200, 5);
    PipelineSpec.Training training = training(4, 50, "adam", "step", 5, 0.0);
    Target target = Target.multiclass(List.of("a", "b", "c"));

    TrainingOutcome first =
        new MlpTrainer(training)
            .train(data, target, dir.resolve("a"), e -> {}, () -> false, noCheckpoints());
    TrainingOutcome second =
        new MlpTrainer(training)
            .train(data, target, dir.resolve("b"), e -> {}, () -> false, noCheckpoints());

    assertThat(Files.readAllBytes(dir.resolve("b").resolve("model-0000.params")))
        .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve("model-0000.params")));
    assertThat(second.history().stream().map(MlpTrainerTest::withoutTiming))
        .containsExactlyElementsOf(
            first.history().stream().map(MlpTrainerTest::withoutTiming).toList());
    assertThat(second.metrics()).isEqualTo(first.metrics());
  }

  @ParameterizedTest
  @ValueSource(strings = {"multiclass-classification", "regression"})
  void otherTasksResumeFromACheckpointBitIdentically(String task, @TempDir Path dir)
      throws Exception {
    boolean regression = task.equals("regression");
    TrainingData data = regression ? linear(500, 150, 8) : threeBlobs(500, 150, 8);
    Target target = regression ? Target.regression() : Target.multiclass(List.of("x", "y", "z"));
    PipelineSpec.Training training = training(5, 64, "adamw", "cosine", 50, 0.0);

    MemoryCheckpoints whole = new MemoryCheckpoints();
    TrainingOutcome uninterrupted =
        new MlpTrainer(training).train(data, target, dir.resolve("a"), e -> {}, () -> false, whole);
    MemoryCheckpoints broken = new MemoryCheckpoints();
    assertThatThrownBy(
            () ->
                new MlpTrainer(training)
                    .train(
                        data,
                        target,
                        dir.resolve("b"),
                        e -> {
                          if (e.epoch() == 2) {
                            throw new IllegalStateException("killed");
                          }
                        },
                        () -> false,
                        broken))
        .hasMessage("killed");
    List<Integer> resumedEpochs = new ArrayList<>();
    TrainingOutcome resumed =
        new MlpTrainer(training)
            .train(
                data,
                target,
                dir.resolve("b"),
                e -> resumedEpochs.add(e.epoch()),
                () -> false,
                broken);

    assertThat(resumedEpochs).containsExactly(3, 4, 5);
    for (int i = 0; i < 5; i++) {
      assertThat(withoutTiming(resumed.history().get(i)))
          .isEqualTo(withoutTiming(uninterrupted.history().get(i)));
    }
    assertThat(resumed.metrics()).isEqualTo(uninterrupted.metrics());
    assertThat(Files.readAllBytes(dir.resolve("b").resolve("model-0000.params")))
        .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve("model-0000.params")));
    if (!regression) {
      // A checkpoint of the same data with other class labels is another training.
      List<Integer> epochs = new ArrayList<>();
      new MlpTrainer(training)
          .train(
              data,
              Target.multiclass(List.of("x", "y", "w")),
              dir.resolve("c"),
              e -> epochs.add(e.epoch()),
              () -> false,
              broken);
      assertThat(epochs).containsExactly(1, 2, 3, 4, 5);
    }
  }

  @Test
  void regressionLearnsALinearTargetAndItsBundleDestandardises(@TempDir Path dir) throws Exception {
    TrainingData data = linear(1500, 400, 31);
    List<EpochResult> seen = new ArrayList<>();
    Path out = dir.resolve("model");

    TrainingOutcome outcome =
        new MlpTrainer(training(20, 64, "adam", "cosine", 4, 0.0, 0.005))
            .train(data, Target.regression(), out, seen::add, () -> false, noCheckpoints());

    assertThat(seen)
        .allSatisfy(
            e -> {
              assertThat(e.valAccuracy()).isNaN();
              assertThat(e.metrics()).containsOnlyKeys("val_rmse", "val_mae", "val_r2");
            });
    EpochResult best = seen.get(outcome.bestEpoch() - 1);
    System.out.printf(
        "linear target: %d epochs, best %d, val_r2 %.4f, val_rmse %.3f%n",
        outcome.epochsRun(),
        outcome.bestEpoch(),
        best.metrics().get("val_r2"),
        best.metrics().get("val_rmse"));
    assertThat(best.metrics().get("val_r2")).isGreaterThan(0.9);
    assertThat(outcome.metrics())
        .containsOnlyKeys("train_loss", "val_loss", "val_rmse", "val_mae", "val_r2");
    double[] moments = MlpTrainer.meanAndScale(data.trainY());
    // val_loss is the MSE of the standardised target: rmse = sqrt(val_loss) * scale
    assertThat(best.metrics().get("val_rmse"))
        .isCloseTo(Math.sqrt(best.valLoss()) * moments[1], within(1e-6 * moments[1]));

    JsonNode json = new ObjectMapper().readTree(out.resolve("model.json").toFile());
    assertThat(json.at("/config/task").asText()).isEqualTo("regression");
    assertThat(json.at("/config/targetMean").asDouble()).isEqualTo(moments[0]);
    assertThat(json.at("/config/targetScale").asDouble()).isEqualTo(moments[1]);
    try (ModelBundle bundle = ModelBundle.load(out)) {
      assertThat(bundle.task()).isEqualTo(Task.REGRESSION);
      assertThat(bundle.classes()).isEmpty();
      double[] predicted = bundle.predictions(data.valX());
      assertThat(io.trainyard.stats.RegressionMetrics.rmse(data.valY(), predicted))
          .isCloseTo(best.metrics().get("val_rmse"), within(1e-9));
      assertThat(io.trainyard.stats.RegressionMetrics.mae(data.valY(), predicted))
          .isCloseTo(best.metrics().get("val_mae"), within(1e-9));
      assertThat(io.trainyard.stats.RegressionMetrics.r2(data.valY(), predicted))
          .isCloseTo(best.metrics().get("val_r2"), within(1e-12));
      assertThatThrownBy(() -> bundle.probabilities(data.valX()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("regression");
    }
  }

  @Test
  void targetsThatDoNotFitTheTaskAreRefused(@TempDir Path dir) {
    MlpTrainer trainer = new MlpTrainer(training(1, 50, "adam", "constant", 5, 0.0));
    TrainingData threeClasses = threeBlobs(100, 30, 1);
    assertThatThrownBy(
            () -> trainer.train(threeClasses, "0", "1", dir.resolve("a"), e -> {}, () -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 0 or 1");
    assertThatThrownBy(
            () ->
                trainer.train(
                    threeClasses,
                    Target.multiclass(List.of("a", "b")),
                    dir.resolve("b"),
                    e -> {},
                    () -> false,
                    noCheckpoints()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected a class index in [0, 2)")
        .hasMessageNotContaining("expected 0 or 1");
    assertThatThrownBy(
            () ->
                new TrainingData(
                    List.of("f"),
                    new double[][] {{1}},
                    new double[] {Double.NaN},
                    new double[][] {{1}},
                    new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trainY[0] is NaN, expected a number");
    assertThat(dir.resolve("a")).doesNotExist();
  }

  private static CheckpointStore noCheckpoints() {
    return CheckpointStore.NONE;
  }

  /** Three Gaussian blobs, one per class, centres far apart on the first features. */
  private static TrainingData threeBlobs(int train, int val, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[train + val][FEATURES];
    int[] y = new int[train + val];
    double[][] centres = new double[3][FEATURES];
    for (int c = 0; c < 3; c++) {
      for (int j = 0; j < FEATURES; j++) {
        centres[c][j] = 2.0 * Math.cos(2 * Math.PI * (c + j) / 3.0);
      }
    }
    for (int i = 0; i < x.length; i++) {
      y[i] = random.nextInt(3);
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = (centres[y[i]][j] + random.nextGaussian()) * (j + 1) + 10 * j;
        if (random.nextDouble() < 0.02) {
          x[i][j] = Double.NaN;
        }
      }
    }
    return split(x, y, train);
  }

  /** y = 1000 + Σ (j + 1)·x_j + noise (sd 1): a target far from 0 with a large scale. */
  private static TrainingData linear(int train, int val, long seed) {
    Random random = new Random(seed);
    int n = train + val;
    double[][] x = new double[n][FEATURES];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 1000;
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = random.nextGaussian();
        y[i] += (j + 1) * x[i][j];
      }
      y[i] += random.nextGaussian();
    }
    return new TrainingData(
        TestTables.features(FEATURES),
        java.util.Arrays.copyOfRange(x, 0, train),
        java.util.Arrays.copyOfRange(y, 0, train),
        java.util.Arrays.copyOfRange(x, train, n),
        java.util.Arrays.copyOfRange(y, train, n));
  }

  /** The bundle's scores on the validation rows give the best epoch's loss and accuracy. */
  private static void assertBundleMatches(ModelBundle bundle, TrainingData data, EpochResult best) {
    double[] scores = bundle.scores(data.valX());
    int correct = 0;
    double loss = 0;
    for (int i = 0; i < scores.length; i++) {
      int y = (int) data.valY()[i];
      if ((scores[i] >= 0.5 ? 1 : 0) == y) {
        correct++;
      }
      double p = Math.min(Math.max(scores[i], 1e-15), 1 - 1e-15);
      loss -= y == 1 ? Math.log(p) : Math.log(1 - p);
    }
    assertThat(correct / (double) scores.length).isCloseTo(best.valAccuracy(), within(1e-9));
    assertThat(loss / scores.length).isCloseTo(best.valLoss(), within(1e-4));
  }

  private static PipelineSpec.Training training(
      int epochs, int batchSize, String optimizer, String schedule, int patience, double minDelta) {
    return training(epochs, batchSize, optimizer, schedule, patience, minDelta, 0.01);
  }

  private static PipelineSpec.Training training(
      int epochs,
      int batchSize,
      String optimizer,
      String schedule,
      int patience,
      double minDelta,
      double learningRate) {
    return spec(
        new PipelineSpec.Training(
            new PipelineSpec.Model("mlp", List.of(64, 32), 0.1),
            epochs,
            batchSize,
            optimizer,
            learningRate,
            1e-4,
            schedule,
            new PipelineSpec.EarlyStopping(true, "val_loss", patience, minDelta),
            7L,
            true));
  }

  private static PipelineSpec.Training spec(PipelineSpec.Training training) {
    return new PipelineSpec(
            "engine-test",
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

  /** Two Gaussian blobs, means -0.6 and +0.6 per feature, some values missing. */
  private static TrainingData blobs(int train, int val, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[train + val][FEATURES];
    int[] y = new int[train + val];
    for (int i = 0; i < x.length; i++) {
      y[i] = random.nextBoolean() ? 1 : 0;
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = (y[i] == 1 ? 0.6 : -0.6) + random.nextGaussian();
        x[i][j] = x[i][j] * (j + 1) + 10 * j; // different scales and offsets per feature
        if (random.nextDouble() < 0.02) {
          x[i][j] = Double.NaN;
        }
      }
    }
    return split(x, y, train);
  }

  /** Features and labels drawn independently. */
  private static TrainingData noise(int train, int val, long seed) {
    return TestTables.noise(train, val, seed, FEATURES);
  }

  private static TrainingData split(double[][] x, int[] y, int train) {
    return TestTables.split(x, y, train);
  }

  private static Integer[] range(int from, int to) {
    Integer[] values = new Integer[to - from + 1];
    for (int i = 0; i < values.length; i++) {
      values[i] = from + i;
    }
    return values;
  }
}
