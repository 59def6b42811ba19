package io.trainyard.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.models.ModelBundle;
import io.trainyard.models.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text models ({@code model.text}): a free-text column tokenised, its tokens' embeddings averaged
 * (an embedding bag), alone through a linear layer (fastText's classifier) or with other features
 * through an MLP.
 */
class TextTrainerTest {

  private static final String[] GOOD = {"great", "good", "excellent", "loved", "wonderful"};
  private static final String[] BAD = {"bad", "awful", "terrible", "hated", "boring"};
  private static final String[] NEUTRAL = {
    "the", "movie", "plot", "actor", "scene", "film", "story", "ending", "music", "cast", "it",
    "was"
  };

  @Test
  void aLinearBagOfEmbeddingsLearnsTheSentimentOfReviews(@TempDir Path dir) throws Exception {
    TrainingData data = reviews(1200, 400, 1, false);
    Path out = dir.resolve("model");
    TrainingOutcome outcome =
        new MlpTrainer(text("linear", List.of(), 8, null, null))
            .train(data, "negative", "positive", out, e -> {}, () -> false);

    assertThat(outcome.metrics().get("val_accuracy")).isGreaterThan(0.9);
    EpochResult best = outcome.history().get(outcome.bestEpoch() - 1);
    try (ModelBundle bundle = ModelBundle.load(out)) {
      ModelConfig.Text bag = bundle.config().text();
      // the only input is the review: 16 token ids from column 0; 5 + 5 + 12 words known
      assertThat(bag).isEqualTo(new ModelConfig.Text(0, 16, 22, 8));
      assertThat(bundle.preprocessing().textFeature().tokens().vocabulary())
          .contains("great", "awful", "movie")
          .doesNotContain("a");
      // embedding table (22 + 1) × 8, then the output layer 1 × 8
      float[][] parameters = bundle.parameterValues();
      assertThat(parameters[0]).hasSize(23 * 8);
      assertThat(parameters[1]).hasSize(8);
      // Scored from the raw text, the validation rows give the best epoch's accuracy.
      double[] scores = bundle.scores(data.valX(), data.valText());
      int correct = 0;
      for (int i = 0; i < scores.length; i++) {
        if ((scores[i] >= 0.5 ? 1 : 0) == (int) data.valY()[i]) {
          correct++;
        }
      }
      assertThat(correct / (double) scores.length).isCloseTo(best.valAccuracy(), within(1e-9));
      // Unknown words only, or no text: the empty bag scores as a row without tokens.
      double[] empty = bundle.scores(new double[][] {{}, {}}, new String[][] {{"zzz qqq"}, {null}});
      assertThat(empty[0]).isEqualTo(empty[1]);
    }
  }

  @Test
  void withOtherFeaturesItTrainsReproduciblyAndResumesBitIdentically(@TempDir Path dir)
      throws Exception {
    TrainingData data = reviews(400, 100, 2, true);
    PipelineSpec.Training training = text("mlp", List.of(8), 4, null, null);

    TrainerTests.assertResumesBitIdentically(
        () -> new MlpTrainer(training), data, "negative", "positive", 2, dir);
    try (ModelBundle bundle = ModelBundle.load(dir.resolve("a"))) {
      // inputs: length, its standardised value; genre one-hot (3); review's 16 token ids at 4
      assertThat(bundle.config().text().at()).isEqualTo(4);
      assertThat(bundle.preprocessing().width()).isEqualTo(1 + 3 + 16);
      // the first hidden layer takes the 4 other inputs and the bag's 8 values
      assertThat(bundle.parameterValues()[1]).hasSize(8 * (4 + 8));
    }
  }

  @Test
  void aWarmStartCanFreezeTheEmbeddingsAndNeedsAParentThatReadsTheText(@TempDir Path dir)
      throws Exception {
    TrainingData data = reviews(300, 100, 3, true);
    new MlpTrainer(text("mlp", List.of(8), 2, null, null))
        .train(data, "negative", "positive", dir.resolve("parent"), e -> {}, () -> false);
    try (ModelBundle parent = ModelBundle.load(dir.resolve("parent"))) {
      new MlpTrainer(text("mlp", List.of(8), 2, 1, null))
          .warmStartFrom(parent)
          .train(data, "negative", "positive", dir.resolve("child"), e -> {}, () -> false);
      try (ModelBundle child = ModelBundle.load(dir.resolve("child"))) {
        assertThat(child.parameterValues()[0]).isEqualTo(parent.parameterValues()[0]);
        assertThat(child.parameterValues()[1]).isNotEqualTo(parent.parameterValues()[1]);
      }
    }
    // A parent that one-hot encodes the review cannot be fine-tuned as a text model.
    PipelineSpec.Training plain = spec(new PipelineSpec.Model("mlp", List.of(8), 0.0), 2);
    new MlpTrainer(plain)
        .train(data, "negative", "positive", dir.resolve("plain"), e -> {}, () -> false);
    try (ModelBundle parent = ModelBundle.load(dir.resolve("plain"))) {
      assertThatThrownBy(
              () ->
                  new MlpTrainer(text("mlp", List.of(8), 2, null, null))
                      .warmStartFrom(parent)
                      .train(data, "negative", "positive", dir.resolve("x"), e -> {}, () -> false))
          .isInstanceOf(IncompatibleParentException.class)
          .hasMessageContaining("it does not read review as text");
    }
  }

  @Test
  void settingsThatCannotApplyToTextAreRefusedWithTheirReason(@TempDir Path dir) {
    assertThatThrownBy(() -> new MlpTrainer(text("mlp", List.of(8), 2, null, 0.4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("augmentation.mixup mixes whole input rows and would mix token ids");
    PipelineSpec.Model cnnWithText =
        new PipelineSpec.Model(
            "cnn",
            null,
            null,
            null,
            new PipelineSpec.Image(2, 2, null, null, null),
            new PipelineSpec.Text("review", null, null, null));
    assertThatThrownBy(() -> new MlpTrainer(spec(cnnWithText, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model.text is for mlp and linear models, not cnn");
    PipelineSpec.Model xgboost =
        new PipelineSpec.Model(
            "xgboost", null, null, null, null, new PipelineSpec.Text("review", null, null, null));
    assertThatThrownBy(() -> ModelTrainer.of(spec(xgboost, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("xgboost models do not support model.text");
    // A column that is not a text feature of the data.
    PipelineSpec.Model title =
        new PipelineSpec.Model(
            "linear", null, null, null, null, new PipelineSpec.Text("title", null, null, null));
    TrainingData data = reviews(100, 50, 4, false);
    assertThatThrownBy(
            () ->
                new MlpTrainer(spec(title, 2))
                    .train(data, "negative", "positive", dir.resolve("m"), e -> {}, () -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the text column title is not a text feature of the dataset");
  }

  /**
   * Reviews of 4–10 neutral words and 2 sentiment words of their class (positive: 1), one in five
   * with a word of the other class too, punctuation and capitals here and there. With {@code
   * extra}, a numeric feature {@code length} and a categorical {@code genre} (noise).
   */
  static TrainingData reviews(int train, int val, long seed, boolean extra) {
    Random random = new Random(seed);
    int n = train + val;
    double[][] x = new double[n][extra ? 1 : 0];
    String[][] text = new String[n][extra ? 2 : 1];
    int[] y = new int[n];
    String[] genres = {"drama", "comedy", "horror"};
    for (int i = 0; i < n; i++) {
      y[i] = random.nextBoolean() ? 1 : 0;
      List<String> words = new ArrayList<>();
      int neutral = 4 + random.nextInt(7);
      for (int w = 0; w < neutral; w++) {
        words.add(NEUTRAL[random.nextInt(NEUTRAL.length)]);
      }
      String[] own = y[i] == 1 ? GOOD : BAD;
      String[] other = y[i] == 1 ? BAD : GOOD;
      for (int w = 0; w < 2; w++) {
        words.add(random.nextInt(words.size() + 1), own[random.nextInt(own.length)]);
      }
      if (random.nextInt(5) == 0) {
        words.add(random.nextInt(words.size() + 1), other[random.nextInt(other.length)]);
      }
      String review = String.join(" ", words);
      if (random.nextBoolean()) {
        review = Character.toUpperCase(review.charAt(0)) + review.substring(1) + "!";
      }
      text[i][text[i].length - 1] = review;
      if (extra) {
        x[i][0] = words.size() + random.nextGaussian();
        text[i][0] = genres[random.nextInt(genres.length)];
      }
    }
    return new TrainingData(
        extra ? List.of("length") : List.of(),
        Arrays.copyOfRange(x, 0, train),
        toDouble(Arrays.copyOfRange(y, 0, train)),
        Arrays.copyOfRange(x, train, n),
        toDouble(Arrays.copyOfRange(y, train, n)),
        extra ? List.of("genre", "review") : List.of("review"),
        Arrays.copyOfRange(text, 0, train),
        Arrays.copyOfRange(text, train, n));
  }

  private static double[] toDouble(int[] y) {
    return Arrays.stream(y).asDoubleStream().toArray();
  }

  /** A text model over {@code review}: vocabulary 50, 16 tokens, dimension 8; Adam, batch 32. */
  private static PipelineSpec.Training text(
      String type, List<Integer> hidden, int epochs, Integer freezeLayers, Double mixup) {
    PipelineSpec.Model model =
        new PipelineSpec.Model(
            type, hidden, 0.0, null, null, new PipelineSpec.Text("review", 50, 16, 8));
    PipelineSpec.Training training = spec(model, epochs);
    if (freezeLayers == null && mixup == null) {
      return training;
    }
    return TrainerTests.with(
        training,
        freezeLayers != null ? true : null,
        freezeLayers,
        mixup == null ? null : new PipelineSpec.Augmentation(null, mixup));
  }

  private static PipelineSpec.Training spec(PipelineSpec.Model model, int epochs) {
    return TrainerTests.training(model, Task.BINARY_CLASSIFICATION, epochs, 0.05);
  }
}
