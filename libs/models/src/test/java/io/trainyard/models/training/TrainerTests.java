package io.trainyard.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Specs and checks shared by the tests of the network families (cnn, text, backbone). */
final class TrainerTests {
  private TrainerTests() {}

  /**
   * The training section of a spec for {@code model}, with the spec's defaults: Adam, batch 32, a
   * constant learning rate, weight decay 1e-4, early stopping with patience 10, seed 7.
   */
  static PipelineSpec.Training training(
      PipelineSpec.Model model, Task task, int epochs, double learningRate) {
    return new PipelineSpec(
            "trainer-test",
            null,
            task,
            "label",
            null,
            null,
            null,
            null,
            new PipelineSpec.Training(
                model,
                epochs,
                32,
                "adam",
                learningRate,
                1e-4,
                "constant",
                new PipelineSpec.EarlyStopping(true, "val_loss", 10, 0.0),
                7L,
                true),
            null,
            null)
        .withDefaults()
        .training();
  }

  /** {@code t} with a warm start, frozen layers or augmentation (null for none). */
  static PipelineSpec.Training with(
      PipelineSpec.Training t,
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
        null,
        null,
        warmStart,
        freezeLayers,
        augmentation,
        t.deadline());
  }

  /**
   * Trains once without a break, then again killed after epoch {@code killAfter} and resumed by a
   * new trainer from its checkpoints: the resumed run has the same metrics and bit-identical
   * parameters. Uses {@code dir/a} and {@code dir/b}.
   *
   * @return the epochs the resumed trainer ran
   */
  static List<Integer> assertResumesBitIdentically(
      Supplier<MlpTrainer> trainer,
      TrainingData data,
      String negative,
      String positive,
      int killAfter,
      Path dir)
      throws Exception {
    MlpTrainerTest.MemoryCheckpoints whole = new MlpTrainerTest.MemoryCheckpoints();
    TrainingOutcome uninterrupted =
        trainer
            .get()
            .train(data, negative, positive, dir.resolve("a"), e -> {}, () -> false, whole);
    MlpTrainerTest.MemoryCheckpoints broken = new MlpTrainerTest.MemoryCheckpoints();
    assertThatThrownBy(
            () ->
                trainer
                    .get()
                    .train(
                        data,
                        negative,
                        positive,
                        dir.resolve("b"),
                        e -> {
                          if (e.epoch() == killAfter) {
                            throw new IllegalStateException("killed");
                          }
                        },
                        () -> false,
                        broken))
        .hasMessage("killed");
    List<Integer> epochs = new ArrayList<>();
    TrainingOutcome resumed =
        trainer
            .get()
            .train(
                data,
                negative,
                positive,
                dir.resolve("b"),
                e -> epochs.add(e.epoch()),
                () -> false,
                broken);
    assertThat(resumed.metrics()).isEqualTo(uninterrupted.metrics());
    assertThat(Files.readAllBytes(dir.resolve("b").resolve("model-0000.params")))
        .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve("model-0000.params")));
    return epochs;
  }
}
