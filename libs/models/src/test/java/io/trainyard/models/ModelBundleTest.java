package io.trainyard.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trainyard.contracts.spec.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {
  private static final int FEATURES = 8;
  private static final ModelConfig MLP =
      new ModelConfig("mlp", List.of(16, 8), 0.2, "legit", "fraud");

  @BeforeAll
  static void configure() {
    Djl.configure();
  }

  @Test
  void savedBundleLoadsAndScoresIdentically(@TempDir Path dir) throws Exception {
    double[][] rows = rows(5000, 1); // more than one scoring batch
    Preprocessing pre = Preprocessing.fit(features(), rows);
    double[] before;
    try (Model model = initialised(MLP, 7)) {
      ModelBundle.save(dir, MLP, pre, model);
      // the same model in memory, scored the way a bundle scores
      before = ModelBundle.scores(model, pre, rows);
    }

    assertThat(ModelBundle.files(dir))
        .containsExactly(
            "model.json", "model-0000.params", "weights.npz", "architecture.json", "predict.py");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("model.json").toFile());
    assertThat(json.get("formatVersion").asInt()).isEqualTo(1);
    assertThat(json.get("parameters").asText()).isEqualTo("model-0000.params");
    assertThat(json.at("/signature/inputs").toString())
        .isEqualTo("[\"f0\",\"f1\",\"f2\",\"f3\",\"f4\",\"f5\",\"f6\",\"f7\"]");
    assertThat(json.at("/signature/output").asText()).isEqualTo("probability of fraud");
    assertThat(json.at("/config/hidden").toString()).isEqualTo("[16,8]");
    assertThat(json.at("/preprocessing/scale").size()).isEqualTo(FEATURES);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "model.json", "model-0000.params", "weights.npz", "architecture.json", "predict.py");
    }
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      assertThat(bundle.config()).isEqualTo(MLP);
      assertThat(bundle.preprocessing()).isEqualTo(pre);
      double[] after = bundle.scores(rows);
      assertThat(after).hasSize(rows.length);
      for (int i = 0; i < rows.length; i++) {
        assertThat(after[i]).isCloseTo(before[i], within(1e-6));
      }
    }
  }

  @Test
  void aBundleWrittenBeforeTasksExistedLoadsAsBinaryAndScoresIdentically(@TempDir Path dir)
      throws Exception {
    double[][] rows = rows(300, 8);
    Preprocessing pre = Preprocessing.fit(features(), rows);
    try (Model model = initialised(MLP, 3)) {
      ModelBundle.save(dir, MLP, pre, model);
    }
    ObjectMapper mapper = new ObjectMapper();
    JsonNode json = mapper.readTree(dir.resolve("model.json").toFile());
    // A binary config adds only "task" to what was written before tasks existed.
    List<String> fields = new ArrayList<>();
    json.get("config").fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly("type", "hidden", "dropout", "negativeLabel", "positiveLabel", "task");
    assertThat(json.at("/config/task").asText()).isEqualTo("binary-classification");
    double[] current;
    double[][] probabilities;
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      current = bundle.scores(rows);
      probabilities = bundle.probabilities(rows);
      assertThat(bundle.classes()).containsExactly("legit", "fraud");
      assertThat(bundle.predictClasses(new double[][] {{0.7, 0.3}, {0.2, 0.8}}))
          .containsExactly("legit", "fraud");
    }
    for (int i = 0; i < rows.length; i++) {
      assertThat(probabilities[i]).containsExactly(1 - current[i], current[i]);
    }
    // The same bundle as the earlier format wrote it: no "task".
    ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("config")).remove("task");
    mapper.writeValue(dir.resolve("model.json").toFile(), json);
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      assertThat(bundle.config()).isEqualTo(MLP);
      assertThat(bundle.task()).isEqualTo(Task.BINARY_CLASSIFICATION);
      assertThat(bundle.scores(rows)).containsExactly(current); // bit for bit
    }
  }

  @Test
  void multiclassBundlesGiveSoftmaxProbabilitiesAndTheMostProbableClass(@TempDir Path dir)
      throws Exception {
    ModelConfig config =
        ModelConfig.multiclass("mlp", List.of(16), 0.1, List.of("low", "mid", "high"));
    double[][] rows = rows(5000, 9); // more than one scoring batch
    Preprocessing pre = Preprocessing.fit(features(), rows);
    float[] logits;
    try (Model model = initialised(config, 4)) {
      ModelBundle.save(dir, config, pre, model);
      logits = ModelBundle.logits(model, pre, rows, 3);
    }
    JsonNode json = new ObjectMapper().readTree(dir.resolve("model.json").toFile());
    assertThat(json.at("/config/classes").toString()).isEqualTo("[\"low\",\"mid\",\"high\"]");
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      assertThat(bundle.config()).isEqualTo(config);
      assertThat(bundle.classes()).containsExactly("low", "mid", "high");
      double[][] p = bundle.probabilities(rows);
      String[] predicted = bundle.predictClasses(p);
      for (int i = 0; i < rows.length; i++) {
        double[] z = {logits[3 * i], logits[3 * i + 1], logits[3 * i + 2]};
        double sum = Math.exp(z[0]) + Math.exp(z[1]) + Math.exp(z[2]);
        for (int c = 0; c < 3; c++) {
          assertThat(p[i][c]).isCloseTo(Math.exp(z[c]) / sum, within(1e-6));
        }
        int best = z[0] >= z[1] && z[0] >= z[2] ? 0 : z[1] >= z[2] ? 1 : 2;
        assertThat(predicted[i]).isEqualTo(config.classes().get(best));
      }
      assertThatThrownBy(() -> bundle.predict(new double[] {0.5}, 0.5))
          .isInstanceOf(IllegalStateException.class);
    }
    // ties go to the first class, as numpy's argmax
    assertThat(ModelBundle.argmax(new double[] {0.4, 0.4, 0.2}, 3)).isZero();
    assertThat(ModelBundle.softmax(new float[] {1000f, 1000f}, 0, 2)).containsExactly(0.5, 0.5);
  }

  @Test
  void regressionBundlesDestandardiseTheirOutput(@TempDir Path dir) {
    ModelConfig config = ModelConfig.regression("linear", List.of(), 0, 250.0, 12.5);
    double[][] rows = rows(200, 10);
    Preprocessing pre = Preprocessing.fit(features(), rows);
    float[] outputs;
    try (Model model = initialised(config, 6)) {
      ModelBundle.save(dir, config, pre, model);
      outputs = ModelBundle.logits(model, pre, rows, 1);
    }
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      assertThat(bundle.config()).isEqualTo(config);
      double[] predicted = bundle.predictions(rows);
      for (int i = 0; i < rows.length; i++) {
        assertThat(predicted[i]).isEqualTo(outputs[i] * 12.5 + 250.0);
      }
      assertThatThrownBy(() -> bundle.scores(rows))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "scores are for binary-classification models; this bundle is regression: use"
                  + " predictions");
    }
  }

  @Test
  void configsCheckTheFieldsOfTheirTask() {
    assertThatThrownBy(() -> ModelConfig.multiclass("mlp", List.of(), 0, List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2 distinct classes");
    assertThatThrownBy(() -> ModelConfig.regression("mlp", List.of(), 0, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("targetScale > 0");
    assertThatThrownBy(
            () -> new ModelConfig("mlp", List.of(), 0, "0", "1", Task.REGRESSION, null, 0.0, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negativeLabel and positiveLabel are for binary-classification");
  }

  @Test
  void scoresAreProbabilitiesAndPredictUsesTheThreshold(@TempDir Path dir) {
    double[][] rows = rows(300, 2);
    rows[0][3] = Double.NaN; // missing values are filled
    Preprocessing pre = Preprocessing.fit(features(), rows(300, 3));
    try (Model model = initialised(MLP, 11)) {
      ModelBundle.save(dir, MLP, pre, model);
    }
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      double[] scores = bundle.scores(rows);
      assertThat(java.util.Arrays.stream(scores).boxed())
          .allSatisfy(s -> assertThat(s).isBetween(0.0, 1.0));
      assertThat(bundle.scores(rows)).containsExactly(scores); // inference: no dropout
      String[] labels = bundle.predict(new double[] {0.2, 0.5, 0.9}, 0.5);
      assertThat(labels).containsExactly("legit", "fraud", "fraud");
    }
  }

  @Test
  void linearModelsRoundTripToo(@TempDir Path dir) {
    ModelConfig linear = new ModelConfig("linear", List.of(), 0, "0", "1");
    double[][] rows = rows(100, 4);
    Preprocessing pre = Preprocessing.fit(features(), rows);
    double[] before;
    try (Model model = initialised(linear, 5)) {
      ModelBundle.save(dir, linear, pre, model);
      before = ModelBundle.scores(model, pre, rows);
    }
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      assertThat(bundle.scores(rows)).containsExactly(before, within(1e-6));
    }
  }

  @Test
  void savingAgainReplacesTheBundle(@TempDir Path dir) {
    Preprocessing pre = Preprocessing.fit(features(), rows(50, 6));
    try (Model first = initialised(MLP, 1);
        Model second = initialised(MLP, 2)) {
      ModelBundle.save(dir, MLP, pre, first);
      ModelBundle.save(dir, MLP, pre, second);
      double[] expected = ModelBundle.scores(second, pre, rows(50, 6));
      try (ModelBundle bundle = ModelBundle.load(dir)) {
        assertThat(bundle.scores(rows(50, 6))).containsExactly(expected, within(1e-6));
      }
    }
    assertThat(ModelBundle.files(dir))
        .containsExactly(
            "model.json", "model-0000.params", "weights.npz", "architecture.json", "predict.py");
  }

  @Test
  void loadingADirectoryWithoutModelJsonFails(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("model-0000.params"), "not really");
    assertThatThrownBy(() -> ModelBundle.load(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a model bundle: " + dir + " has no model.json");
    assertThatThrownBy(() -> ModelBundle.files(dir.resolve("missing")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no model.json");
  }

  @Test
  void loadingABundleWithoutItsParametersFails(@TempDir Path dir) throws Exception {
    Preprocessing pre = Preprocessing.fit(features(), rows(50, 6));
    try (Model model = initialised(MLP, 1)) {
      ModelBundle.save(dir, MLP, pre, model);
    }
    Files.delete(dir.resolve("model-0000.params"));
    assertThatThrownBy(() -> ModelBundle.load(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no parameter file model-0000.params");
  }

  @Test
  void pytorchRunsOnTheConfiguredThreads() {
    assumeTrue("1".equals(System.getProperty(Djl.NUM_THREADS)));
    try (Model model = initialised(MLP, 1)) {
      assertThat(JniUtils.getNumThreads()).isEqualTo(1);
      assertThat(JniUtils.getNumInteropThreads()).isEqualTo(1);
    }
  }

  @Test
  void configureKeepsWhatIsSet() {
    String cache = System.getProperty(Djl.CACHE_DIR);
    Djl.configure();
    assertThat(System.getProperty(Djl.OFFLINE)).isEqualTo("true");
    assertThat(System.getProperty(Djl.CACHE_DIR)).isEqualTo(cache);
    assertThat(Djl.defaultCacheDir().toString()).endsWith("djl");
  }

  @Test
  void rejectsUnknownModelTypes() {
    assertThatThrownBy(() -> new ModelConfig("forest", List.of(), 0, "0", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported model type: forest");
  }

  private static Model initialised(ModelConfig config, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    Model model = Model.newInstance("test");
    model.setBlock(ModelBundle.block(config, FEATURES));
    model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, FEATURES));
    return model;
  }

  private static List<String> features() {
    List<String> names = new ArrayList<>();
    for (int j = 0; j < FEATURES; j++) {
      names.add("f" + j);
    }
    return names;
  }

  private static double[][] rows(int n, long seed) {
    Random random = new Random(seed);
    double[][] rows = new double[n][FEATURES];
    for (double[] row : rows) {
      for (int j = 0; j < FEATURES; j++) {
        row[j] = random.nextGaussian() * (j + 1) + j;
      }
    }
    return rows;
  }
}
