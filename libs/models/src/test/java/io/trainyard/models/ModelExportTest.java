package io.trainyard.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trainyard.contracts.spec.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portable export: the NumPy archive's format read back byte by byte, and the documented Python
 * snippet run with PyTorch on the same rows as the bundle (Debian's {@code python3-torch}; {@code
 * .ci/run} installs it and sets {@code TRAINYARD_REQUIRE_TORCH}, without which the Python part is
 * skipped on machines that lack it).
 */
class ModelExportTest {
  private static final List<String> NUMERIC = List.of("amount", "age");
  private static final List<String> CATEGORICAL = List.of("kind", "member");
  private static final String[] KINDS = {"food", "fuel", "travel", "toys"};

  @BeforeAll
  static void configure() {
    Djl.configure();
  }

  @Test
  void theWeightsAreANumpyArchiveNamedAsPyTorchNamesTheSequential(@TempDir Path dir)
      throws Exception {
    ModelConfig config = new ModelConfig("mlp", List.of(6, 4), 0.1, "no", "yes");
    Data data = data(200, 1);
    save(dir, config, data, 3);

    List<String> entries = new ArrayList<>();
    try (ZipInputStream zip =
        new ZipInputStream(Files.newInputStream(dir.resolve("weights.npz")))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        entries.add(e.getName());
        byte[] npy = zip.readAllBytes();
        assertThat(new String(npy, 0, 6, StandardCharsets.ISO_8859_1)).isEqualTo("\u0093NUMPY");
        assertThat(npy[6]).isEqualTo((byte) 1);
        int headerLength =
            ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        assertThat((10 + headerLength) % 64).isZero();
        String header = new String(npy, 10, headerLength, StandardCharsets.US_ASCII);
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        assertThat(header).endsWith("\n");
        long values = (npy.length - 10 - headerLength) / 4;
        if (e.getName().equals("0.weight.npy")) {
          // Linear(in = preprocessing width, out = 6), kept (out, in) as torch.nn.Linear does
          int width = data.pre().width();
          assertThat(header).contains("'shape': (6, " + width + "), }");
          assertThat(values).isEqualTo(6L * width);
        }
        if (e.getName().equals("0.bias.npy")) {
          assertThat(header).contains("'shape': (6,), }");
        }
      }
    }
    // Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear: the Sequential's indices
    assertThat(entries)
        .containsExactly(
            "0.weight.npy",
            "0.bias.npy",
            "3.weight.npy",
            "3.bias.npy",
            "6.weight.npy",
            "6.bias.npy");
    JsonNode architecture = new ObjectMapper().readTree(dir.resolve("architecture.json").toFile());
    assertThat(architecture.get("format").asText()).isEqualTo("trainyard-mlp/1");
    assertThat(architecture.at("/layers/1/type").asText()).isEqualTo("relu");
    assertThat(architecture.at("/layers/2/p").asDouble()).isEqualTo(0.1);
    assertThat(architecture.get("classes").toString()).isEqualTo("[\"no\",\"yes\"]");
    assertThat(architecture.get("columns").size()).isEqualTo(data.pre().width());
    assertThat(ModelBundle.files(dir))
        .containsExactly(
            "model.json", "model-0000.params", "weights.npz", "architecture.json", "predict.py");

    // The same parameters give the same bytes, whenever saved (reproducible runs).
    Path again = Files.createDirectories(dir.resolve("again"));
    Thread.sleep(2100); // zip times have a 2-second resolution
    save(again, config, data, 3);
    for (String file : List.of("weights.npz", "architecture.json")) {
      assertThat(Files.readAllBytes(again.resolve(file)))
          .as(file)
          .isEqualTo(Files.readAllBytes(dir.resolve(file)));
    }
  }

  @Test
  void thePythonSnippetReproducesTheBundlesPredictionsInPyTorch(@TempDir Path root)
      throws Exception {
    String python = pythonWithTorch();
    Data data = data(300, 2);
    Path csv = root.resolve("rows.csv");
    Files.writeString(csv, data.csv());
    List<ModelConfig> configs =
        List.of(
            new ModelConfig("mlp", List.of(16, 8), 0.2, "no", "yes"),
            new ModelConfig(
                "mlp",
                List.of(12),
                0,
                null,
                null,
                Task.MULTICLASS_CLASSIFICATION,
                List.of("a", "b", "c"),
                null,
                null),
            new ModelConfig(
                "linear", List.of(), 0, null, null, Task.REGRESSION, null, 250.0, 40.0));
    int seed = 11;
    for (ModelConfig config : configs) {
      Path dir = Files.createDirectories(root.resolve(config.task().wire()));
      save(dir, config, data, seed++);
      List<String> lines = run(python, dir.resolve("predict.py"), dir, csv);
      assertSnippetMatchesTheBundle(lines, dir, data);
    }
  }

  @Test
  void thePythonSnippetReproducesACnnBundlesPredictionsInPyTorch(@TempDir Path root)
      throws Exception {
    String python = pythonWithTorch();
    Data data = imageData(200, 4);
    Path csv = root.resolve("rows.csv");
    Files.writeString(csv, data.csv());
    List<ModelConfig> configs =
        List.of(
            // a 1 × 4 × 4 image through two 3 × 3 convolutions, then the indicator and kind
            new ModelConfig(
                "cnn",
                List.of(6),
                0.1,
                "no",
                "yes",
                Task.BINARY_CLASSIFICATION,
                null,
                null,
                null,
                new ModelConfig.Image(1, 4, 4, List.of(3, 5), 3)),
            // the same 16 pixels as 2 channels of 2 × 4, one 1 × 1 convolution
            new ModelConfig(
                "cnn",
                List.of(),
                0,
                null,
                null,
                Task.MULTICLASS_CLASSIFICATION,
                List.of("a", "b", "c"),
                null,
                null,
                new ModelConfig.Image(2, 2, 4, List.of(4), 1)));
    int seed = 21;
    for (ModelConfig config : configs) {
      JsonNode architecture =
          assertSnippetMatchesTheSavedBundle(python, root, csv, config, data, seed++);
      assertThat(architecture.get("format").asText()).isEqualTo("trainyard-cnn/1");
      assertThat(architecture.get("image").get("filters").toString())
          .isEqualTo(config.image().filters().toString().replace(" ", ""));
    }
  }

  @Test
  void thePythonSnippetReproducesATextModelsPredictionsInPyTorch(@TempDir Path root)
      throws Exception {
    String python = pythonWithTorch();
    Data data = textData(200, 5);
    Path csv = root.resolve("rows.csv");
    Files.writeString(csv, data.csv());
    Preprocessing.Tokens tokens = data.pre().textFeature().tokens();
    ModelConfig.Text bag =
        new ModelConfig.Text(
            data.pre().tokensAt(), tokens.maxTokens(), tokens.vocabulary().size(), 4);
    List<ModelConfig> configs =
        List.of(
            new ModelConfig("mlp", List.of(6), 0.1, "no", "yes").withText(bag),
            new ModelConfig(
                    "linear",
                    List.of(),
                    0,
                    null,
                    null,
                    Task.MULTICLASS_CLASSIFICATION,
                    List.of("a", "b", "c"),
                    null,
                    null)
                .withText(bag));
    int seed = 31;
    for (ModelConfig config : configs) {
      JsonNode architecture =
          assertSnippetMatchesTheSavedBundle(python, root, csv, config, data, seed++);
      assertThat(architecture.get("format").asText()).isEqualTo("trainyard-text/1");
      assertThat(architecture.at("/text/at").asInt()).isEqualTo(bag.at());
    }
  }

  @Test
  void thePythonSnippetReproducesATreesBundlesPredictionsWithXgboost(@TempDir Path root)
      throws Exception {
    String python = python("xgboost", "python3-xgboost");
    Data data = data(300, 3);
    Path csv = root.resolve("rows.csv");
    Files.writeString(csv, data.csv());
    float[] x = new float[data.x().length * data.pre().width()];
    double[][] encoded = data.pre().apply(data.x(), data.text());
    for (int i = 0; i < encoded.length; i++) {
      for (int j = 0; j < encoded[i].length; j++) {
        x[i * encoded[i].length + j] = (float) encoded[i][j];
      }
    }
    Random random = new Random(5);
    for (Task task : Task.values()) {
      ModelConfig config =
          switch (task) {
            case BINARY_CLASSIFICATION -> new ModelConfig("xgboost", List.of(), 0, "no", "yes");
            case MULTICLASS_CLASSIFICATION ->
                ModelConfig.multiclass("xgboost", List.of(), 0, List.of("a", "b", "c"));
            case REGRESSION -> ModelConfig.regression("xgboost", List.of(), 0, 250.0, 40.0);
          };
      float[] labels = new float[encoded.length];
      for (int i = 0; i < labels.length; i++) {
        labels[i] =
            switch (task) {
              case BINARY_CLASSIFICATION -> encoded[i][0] > 0 ? 1 : 0;
              case MULTICLASS_CLASSIFICATION -> random.nextInt(3);
              case REGRESSION -> (float) (encoded[i][0] + random.nextGaussian());
            };
      }
      DMatrix matrix = new DMatrix(x, encoded.length, data.pre().width(), Float.NaN);
      matrix.setLabel(labels);
      Map<String, Object> params = new HashMap<>();
      params.put(
          "objective",
          switch (task) {
            case BINARY_CLASSIFICATION -> "binary:logistic";
            case MULTICLASS_CLASSIFICATION -> "multi:softprob";
            case REGRESSION -> "reg:squarederror";
          });
      if (task == Task.MULTICLASS_CLASSIFICATION) {
        params.put("num_class", 3);
      }
      params.put("max_depth", 3);
      params.put("nthread", 1);
      Booster booster = XGBoost.train(matrix, params, 8, new HashMap<>(), null, null);
      Path dir = Files.createDirectories(root.resolve(task.wire()));
      ModelBundle.saveTrees(dir, config, data.pre(), booster);
      booster.dispose();
      matrix.dispose();
      assertThat(ModelBundle.files(dir))
          .containsExactly("model.json", "xgboost-model.json", "architecture.json", "predict.py");
      List<String> lines = run(python, dir.resolve("predict.py"), dir, csv);
      assertSnippetMatchesTheBundle(lines, dir, data);
    }
  }

  /**
   * Saves a bundle of {@code config} with parameters from {@code seed}, runs its {@code predict.py}
   * on {@code csv} and checks it against the bundle; returns its architecture.json.
   */
  private static JsonNode assertSnippetMatchesTheSavedBundle(
      String python, Path root, Path csv, ModelConfig config, Data data, int seed)
      throws Exception {
    Path dir = Files.createDirectories(root.resolve(config.task().wire()));
    save(dir, config, data, seed);
    assertSnippetMatchesTheBundle(run(python, dir.resolve("predict.py"), dir, csv), dir, data);
    return new ObjectMapper().readTree(dir.resolve("architecture.json").toFile());
  }

  private static void assertSnippetMatchesTheBundle(List<String> lines, Path dir, Data data) {
    {
      try (ModelBundle bundle = ModelBundle.load(dir)) {
        ModelConfig config = bundle.config();
        assertThat(lines).hasSize(data.x().length + 1);
        if (config.task() == Task.REGRESSION) {
          assertThat(lines.get(0)).isEqualTo("prediction");
          double[] expected = bundle.predictions(data.x(), data.text());
          for (int i = 0; i < expected.length; i++) {
            assertThat(Double.parseDouble(lines.get(i + 1)))
                .as("row %d", i)
                .isCloseTo(expected[i], within(1e-4 * Math.max(1, Math.abs(expected[i]))));
          }
        } else {
          List<String> classes = bundle.classes();
          assertThat(lines.get(0)).isEqualTo(String.join(",", classes) + ",predicted");
          double[][] expected = bundle.probabilities(data.x(), data.text());
          String[] predicted = bundle.predictClasses(expected);
          for (int i = 0; i < expected.length; i++) {
            String[] fields = lines.get(i + 1).split(",");
            for (int k = 0; k < classes.size(); k++) {
              assertThat(Double.parseDouble(fields[k]))
                  .as("row %d class %s", i, classes.get(k))
                  .isCloseTo(expected[i][k], within(1e-5));
            }
            if (Math.abs(expected[i][0] - expected[i][expected[i].length - 1]) > 1e-4) {
              assertThat(fields[classes.size()]).as("row %d", i).isEqualTo(predicted[i]);
            }
          }
        }
      }
    }
  }

  /** Rows with missing numbers, missing and unseen categories; the CSV holds the same rows. */
  record Data(double[][] x, String[][] text, String csv, Preprocessing pre) {}

  private static Data data(int n, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[n][2];
    String[][] text = new String[n][2];
    StringBuilder csv = new StringBuilder("age,kind,amount,member,ignored\n");
    for (int i = 0; i < n; i++) {
      x[i][0] = random.nextInt(10) == 0 ? Double.NaN : Math.exp(random.nextGaussian()) * 50;
      x[i][1] = random.nextInt(7) == 0 ? Double.NaN : 18 + random.nextInt(60);
      int kind = random.nextInt(KINDS.length + 1);
      text[i][0] = kind == KINDS.length ? null : KINDS[kind];
      text[i][1] = random.nextBoolean() ? "true" : "false";
      csv.append(number(x[i][1]))
          .append(',')
          .append(text[i][0] == null ? "" : text[i][0])
          .append(',')
          .append(number(x[i][0]))
          .append(',')
          .append(text[i][1])
          .append(",x\n");
    }
    // Fitted on all but the last 20 rows, where "toys" never appears: an unseen category there.
    int fit = n - 20;
    double[][] trainX = java.util.Arrays.copyOf(x, fit);
    String[][] trainText = java.util.Arrays.copyOf(text, fit);
    for (int i = 0; i < fit; i++) {
      if ("toys".equals(trainText[i][0])) {
        trainText[i] = new String[] {"food", trainText[i][1]};
      }
    }
    Preprocessing pre = Preprocessing.fit(NUMERIC, trainX, CATEGORICAL, trainText, 4);
    return new Data(x, text, csv.toString(), pre);
  }

  /**
   * Rows of 16 pixels {@code p0..p15} (p3 sometimes missing, so it gets an indicator) and a
   * categorical {@code kind}; the CSV holds the same rows, columns in another order.
   */
  private static Data imageData(int n, long seed) {
    Random random = new Random(seed);
    List<String> pixels = new java.util.ArrayList<>();
    for (int j = 0; j < 16; j++) {
      pixels.add("p" + j);
    }
    double[][] x = new double[n][16];
    String[][] text = new String[n][1];
    List<String> reversed = new java.util.ArrayList<>(pixels);
    java.util.Collections.reverse(reversed);
    StringBuilder csv = new StringBuilder("kind," + String.join(",", reversed) + "\n");
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 16; j++) {
        x[i][j] = j == 3 && random.nextInt(8) == 0 ? Double.NaN : random.nextGaussian() * (j + 1);
      }
      text[i][0] = KINDS[random.nextInt(KINDS.length)];
      csv.append(text[i][0]);
      for (int j = 15; j >= 0; j--) {
        csv.append(',').append(number(x[i][j]));
      }
      csv.append('\n');
    }
    Preprocessing pre = Preprocessing.fit(pixels, x, List.of("kind"), text, 4);
    return new Data(x, text, csv.toString(), pre);
  }

  /**
   * Rows of a numeric {@code amount} (sometimes missing), a categorical {@code kind} and a
   * free-text {@code review} (capitals, punctuation, accents, words the vocabulary lacks, empty
   * reviews), fitted with a vocabulary of 12 tokens and 6 token columns; the CSV quotes the
   * reviews.
   */
  private static Data textData(int n, long seed) {
    Random random = new Random(seed);
    String[] words = {
      "Great",
      "bad",
      "caf\u00e9",
      "na\u00efve",
      "plot",
      "the",
      "x_y",
      "42",
      "awful",
      "fun",
      "A",
      "movie",
      "ok",
      "so-so",
      "rare",
      "dull",
      "twist",
      "end"
    };
    double[][] x = new double[n][1];
    String[][] text = new String[n][2];
    StringBuilder csv = new StringBuilder("review,amount,kind\n");
    for (int i = 0; i < n; i++) {
      x[i][0] = random.nextInt(10) == 0 ? Double.NaN : random.nextGaussian() * 10;
      text[i][0] = KINDS[random.nextInt(KINDS.length)];
      int length = random.nextInt(9);
      StringBuilder review = new StringBuilder();
      for (int w = 0; w < length; w++) {
        review.append(w == 0 ? "" : random.nextBoolean() ? " " : ", ");
        review.append(words[random.nextInt(random.nextInt(4) == 0 ? words.length : 9)]);
      }
      text[i][1] = length == 0 ? null : review + "!";
      csv.append('"')
          .append(text[i][1] == null ? "" : text[i][1])
          .append('"')
          .append(',')
          .append(number(x[i][0]))
          .append(',')
          .append(text[i][0])
          .append('\n');
    }
    Preprocessing pre =
        Preprocessing.fit(
            List.of("amount"),
            java.util.Arrays.copyOf(x, n - 20),
            List.of("kind", "review"),
            java.util.Arrays.copyOf(text, n - 20),
            4,
            new Preprocessing.TextColumn("review", 12, 6));
    return new Data(x, text, csv.toString(), pre);
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.17g", v);
  }

  private static void save(Path dir, ModelConfig config, Data data, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    int width = data.pre().width();
    try (Model model = Model.newInstance("export")) {
      model.setBlock(ModelBundle.block(config, width));
      model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, width));
      ModelBundle.save(dir, config, data.pre(), model);
    }
  }

  private static String pythonWithTorch() throws Exception {
    return python("torch", "python3-torch");
  }

  private static String python(String module, String debianPackage) throws Exception {
    return TestPython.with(module, debianPackage);
  }

  private static List<String> run(String python, Path script, Path dir, Path csv) throws Exception {
    return TestPython.run(python, script.toString(), dir.toString(), csv.toString());
  }
}
