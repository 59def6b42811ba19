package io.trainyard.models;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.trainyard.contracts.spec.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A trained model with its preprocessing: saved by training, loaded by evaluation and drift-monitor
 * to score rows. The model is a binary classifier, a multiclass classifier or a regression model
 * ({@link ModelConfig#task()}; a bundle written before tasks existed is binary).
 *
 * <p>A bundle is a directory of two files (see {@link #files(Path)}):
 *
 * <ul>
 *   <li>{@value #CONFIG_FILE}: the format version, the {@link ModelConfig}, the {@link
 *       Preprocessing} and the signature (inputs: the feature names in column order; output: what
 *       the model gives, by task);
 *   <li>{@code model-0000.params}: the DJL parameter file of the block ({@link Model#save}); its
 *       name is recorded in {@value #CONFIG_FILE};
 *   <li>the {@linkplain ModelExport portable export}: NumPy weights, the architecture and a PyTorch
 *       snippet.
 * </ul>
 *
 * <p>DJL cannot trace a Java block to TorchScript, so the block is rebuilt from the config by
 * {@link #block(ModelConfig, int)} and its parameters are loaded into it.
 *
 * <p>A gradient-boosted trees model ({@link ModelConfig#XGBOOST}, framework {@value
 * #FRAMEWORK_XGBOOST}) has XGBoost's own JSON model file ({@value #XGBOOST_FILE}, readable by every
 * XGBoost binding, so it is its own portable export) in place of the parameter file and the export.
 * Its margins are what the network's outputs are (the logit of the positive class, one logit per
 * class, the standardised target), so scoring is the same for both.
 *
 * <p>Scoring, by task: {@link #scores(double[][])} (binary: P(positive label), exactly as before
 * tasks existed), {@link #probabilities(double[][])} (binary and multiclass: one probability per
 * class of {@link #classes()}; softmax for multiclass) with {@link #predictClasses(double[][])},
 * and {@link #predictions(double[][])} (regression: the target, de-standardised). They are
 * synchronized: a bundle may be shared between threads.
 */
public final class ModelBundle implements AutoCloseable {
  /** The bundle's description: config, preprocessing and signature. */
  public static final String CONFIG_FILE = "model.json";

  /** The version of the {@value #CONFIG_FILE} format this class writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** The framework of a DJL network's bundle. */
  public static final String FRAMEWORK_DJL = "djl-pytorch";

  /** The framework of a gradient-boosted trees bundle. */
  public static final String FRAMEWORK_XGBOOST = "xgboost";

  /** The XGBoost model, in XGBoost's JSON format. */
  public static final String XGBOOST_FILE = "xgboost-model.json";

  /** The DJL model name: the prefix of the parameter file. */
  static final String MODEL_NAME = "model";

  /** Rows scored per forward pass. */
  static final int SCORE_BATCH = 4096;

  private static final Pattern PARAMS_FILE = Pattern.compile("model-(\\d{4})\\.params");

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private final ModelConfig config;
  private final Preprocessing preprocessing;
  private final Model model;
  private final Booster booster;
  private final Backbone backbone;
  private boolean closed;

  private ModelBundle(
      ModelConfig config,
      Preprocessing preprocessing,
      Model model,
      Booster booster,
      Backbone backbone) {
    this.config = config;
    this.preprocessing = preprocessing;
    this.model = model;
    this.booster = booster;
    this.backbone = backbone;
  }

  /**
   * The network for a config: for each hidden width a {@code Linear} layer, ReLU and {@code
   * Dropout} (when the rate is above 0); then {@code Linear(config.outputs())}: the logit of the
   * positive class (binary), one logit per class (multiclass) or the standardised target
   * (regression). Uninitialised: the trainer initialises it, {@link #load} loads its parameters.
   *
   * @param inputs the number of features (the input width is inferred by DJL; it is checked here)
   */
  public static Block block(ModelConfig config, int inputs) {
    Objects.requireNonNull(config, "config");
    if (inputs <= 0) {
      throw new IllegalArgumentException("a model needs at least one input, got " + inputs);
    }
    SequentialBlock block = new SequentialBlock();
    if (config.image() != null) {
      block.add(imageFeatures(config.image(), inputs));
    }
    if (config.text() != null) {
      if (config.text().at() + config.text().tokens() > inputs) {
        throw new IllegalArgumentException(
            "the text bag reads inputs "
                + config.text().at()
                + " to "
                + (config.text().at() + config.text().tokens() - 1)
                + ", the model has "
                + inputs);
      }
      block.add(new TokenBag(config.text()));
    }
    for (int width : config.layers()) {
      block.add(Linear.builder().setUnits(width).build());
      block.add(Activation.reluBlock());
      if (config.dropout() > 0) {
        block.add(Dropout.builder().optRate((float) config.dropout()).build());
      }
    }
    block.add(Linear.builder().setUnits(config.outputs()).build());
    return block;
  }

  /**
   * A cnn's first block: the image (the first {@link ModelConfig.Image#pixels()} inputs, reshaped
   * to channels × height × width) through each convolution, ReLU and 2×2 max-pool, flattened, then
   * the remaining inputs appended when there are any.
   *
   * @throws IllegalArgumentException when there are fewer inputs than pixels
   */
  static Block imageFeatures(ModelConfig.Image image, int inputs) {
    int pixels = image.pixels();
    if (inputs < pixels) {
      throw new IllegalArgumentException(
          "a "
              + image.channels()
              + " × "
              + image.height()
              + " × "
              + image.width()
              + " image needs "
              + pixels
              + " numeric inputs, the model has "
              + inputs);
    }
    SequentialBlock convolutions = new SequentialBlock();
    convolutions.add(
        new LambdaBlock(
            x ->
                new NDList(
                    x.singletonOrThrow()
                        .get(":, 0:" + pixels)
                        .reshape(-1, image.channels(), image.height(), image.width())),
            "image"));
    Shape kernel = new Shape(image.kernel(), image.kernel());
    Shape padding = new Shape(image.kernel() / 2, image.kernel() / 2);
    for (int filters : image.filters()) {
      convolutions.add(
          Conv2d.builder().setKernelShape(kernel).optPadding(padding).setFilters(filters).build());
      convolutions.add(Activation.reluBlock());
      convolutions.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
    }
    convolutions.add(Blocks.batchFlattenBlock());
    if (inputs == pixels) {
      return convolutions;
    }
    Block rest =
        new LambdaBlock(x -> new NDList(x.singletonOrThrow().get(":, " + pixels + ":")), "rest");
    return new ParallelBlock(
        outputs ->
            new NDList(
                outputs.get(0).singletonOrThrow().concat(outputs.get(1).singletonOrThrow(), 1)),
        List.of(convolutions, rest));
  }

  /**
   * Saves a trained model as a bundle into {@code dir} (created if needed): first the parameter
   * file and the {@linkplain ModelExport portable export}, then {@value #CONFIG_FILE}, so a
   * directory with {@value #CONFIG_FILE} is complete. Stale bundle files of an earlier save into
   * the same directory are replaced.
   *
   * @param trainedModel a model whose block is {@code block(config, pre.width())}, initialised and
   *     trained; it stays open
   * @throws UncheckedIOException when writing fails
   */
  public static void save(Path dir, ModelConfig config, Preprocessing pre, Model trainedModel) {
    save(dir, config, pre, trainedModel, null);
  }

  /**
   * As {@link #save(Path, ModelConfig, Preprocessing, Model)}, for a head trained on the frozen
   * backbone in {@code backboneFile} (copied into the bundle as {@value Backbone#FILE}); {@code
   * null} for a model without one.
   */
  public static void save(
      Path dir, ModelConfig config, Preprocessing pre, Model trainedModel, Path backboneFile) {
    if ((config.backbone() == null) != (backboneFile == null)) {
      throw new IllegalArgumentException(
          "a backbone file goes with a config that has a backbone, and only then");
    }
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(pre, "pre");
    Objects.requireNonNull(trainedModel, "trainedModel");
    try {
      Files.createDirectories(dir);
      for (String stale : paramFiles(dir)) {
        Files.delete(dir.resolve(stale));
      }
      Files.deleteIfExists(dir.resolve(CONFIG_FILE));
      trainedModel.save(dir, MODEL_NAME);
      if (backboneFile != null) {
        Files.copy(backboneFile, dir.resolve(Backbone.FILE), StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.deleteIfExists(dir.resolve(Backbone.FILE));
      }
      ModelExport.write(dir, config, pre, trainedModel.getBlock());
      List<String> written = paramFiles(dir);
      if (written.size() != 1) {
        throw new IOException("expected one parameter file in " + dir + ", found " + written);
      }
      writeManifest(dir, FRAMEWORK_DJL, config, pre, written.get(0));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model bundle into " + dir, e);
    }
  }

  /**
   * Saves a trained XGBoost booster as a bundle into {@code dir} (created if needed): first {@value
   * #XGBOOST_FILE}, then {@value #CONFIG_FILE}, so a directory with {@value #CONFIG_FILE} is
   * complete.
   *
   * @param config a config of type {@link ModelConfig#XGBOOST}
   * @param trained the booster, trained on {@code pre}'s output columns; it stays open
   * @throws UncheckedIOException when writing fails
   */
  public static void saveTrees(Path dir, ModelConfig config, Preprocessing pre, Booster trained) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(pre, "pre");
    Objects.requireNonNull(trained, "trained");
    if (!config.trees()) {
      throw new IllegalArgumentException("not a trees model: " + config.type());
    }
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(dir.resolve(CONFIG_FILE));
      Path tmp = dir.resolve(XGBOOST_FILE + ".tmp.json");
      trained.saveModel(tmp.toString());
      Files.move(tmp, dir.resolve(XGBOOST_FILE), StandardCopyOption.REPLACE_EXISTING);
      ModelExport.writeTrees(dir, config, pre, intercept(trained, config.outputs()));
      writeManifest(dir, FRAMEWORK_XGBOOST, config, pre, XGBOOST_FILE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model bundle into " + dir, e);
    } catch (XGBoostError e) {
      throw new UncheckedIOException(
          "cannot save the model bundle into " + dir, new IOException(e.getMessage(), e));
    }
  }

  /**
   * The booster's intercept in margin space, per output, from its JSON model: {@code base_score},
   * which XGBoost 2 and later write as a vector that older bindings do not read, so the export
   * states it. {@code binary:logistic} keeps it as a probability (its margin is the logit); {@code
   * multi:softprob} keeps margins; {@code reg:squarederror} keeps the target's units, its margin.
   */
  static float[] intercept(Booster booster, int outputs) throws XGBoostError, IOException {
    com.fasterxml.jackson.databind.JsonNode learner =
        JSON.readTree(booster.toByteArray("json")).path("learner");
    String objective = learner.at("/objective/name").asText();
    String text = learner.at("/learner_model_param/base_score").asText().trim();
    if (text.startsWith("[") && text.endsWith("]")) {
      text = text.substring(1, text.length() - 1);
    }
    String[] values = text.split(",");
    float[] intercept = new float[outputs];
    for (int k = 0; k < outputs; k++) {
      double v = Double.parseDouble(values[values.length == 1 ? 0 : k].trim());
      intercept[k] =
          switch (objective) {
            case "binary:logistic" -> (float) Math.log(v / (1 - v));
            case "multi:softprob", "multi:softmax", "reg:squarederror" -> (float) v;
            default -> throw new IOException("no intercept rule for objective " + objective);
          };
    }
    return intercept;
  }

  private static void writeManifest(
      Path dir, String framework, ModelConfig config, Preprocessing pre, String parameters)
      throws IOException {
    Manifest manifest =
        new Manifest(
            FORMAT_VERSION,
            framework,
            config,
            pre,
            new Signature(pre.inputs(), output(config)),
            parameters);
    Path tmp = dir.resolve(CONFIG_FILE + ".tmp");
    JSON.writeValue(tmp.toFile(), manifest);
    Files.move(
        tmp,
        dir.resolve(CONFIG_FILE),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The file names a saved bundle consists of, relative to {@code dir}: {@value #CONFIG_FILE}, the
   * parameter file it names and the {@linkplain ModelExport portable export} (bundles saved before
   * it existed have none).
   *
   * @throws IllegalArgumentException when {@code dir} holds no bundle
   */
  public static List<String> files(Path dir) {
    Manifest manifest = readManifest(dir);
    List<String> files = new ArrayList<>(List.of(CONFIG_FILE, manifest.parameters()));
    if (manifest.config().backbone() != null) {
      files.add(Backbone.FILE);
    }
    for (String export : ModelExport.FILES) {
      if (Files.isRegularFile(dir.resolve(export))) {
        files.add(export);
      }
    }
    return List.copyOf(files);
  }

  /**
   * Loads a bundle: rebuilds the block from {@value #CONFIG_FILE} and loads its parameters.
   *
   * @throws IllegalArgumentException when {@code dir} holds no bundle ({@value #CONFIG_FILE} or the
   *     parameter file is missing) or a bundle of another format version
   * @throws UncheckedIOException when reading fails or the parameters do not fit the block
   */
  public static ModelBundle load(Path dir) {
    Manifest manifest = readManifest(dir);
    if (manifest.config().trees()) {
      return loadTrees(dir, manifest);
    }
    Path params = dir.resolve(manifest.parameters());
    Matcher matcher = PARAMS_FILE.matcher(manifest.parameters());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "not a model bundle: " + dir + " names an unexpected parameter file " + params);
    }
    if (!Files.isRegularFile(params)) {
      throw new IllegalArgumentException(
          "incomplete model bundle: " + dir + " has no parameter file " + manifest.parameters());
    }
    Djl.configure();
    ModelConfig config = manifest.config();
    Backbone backbone = null;
    if (config.backbone() != null) {
      Path file = dir.resolve(Backbone.FILE);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            "incomplete model bundle: " + dir + " has no backbone " + Backbone.FILE);
      }
      if (!Backbone.sha256(file).equals(config.backbone().sha256())) {
        throw new IllegalArgumentException(
            "the backbone in "
                + dir
                + " is not the one the model was trained on (SHA-256 differs)");
      }
      backbone = Backbone.load(file);
    }
    Model model = Model.newInstance(MODEL_NAME);
    try {
      model.setBlock(block(config, config.networkInputs(manifest.preprocessing())));
      model.load(
          dir, MODEL_NAME, Map.of("epoch", String.valueOf(Integer.parseInt(matcher.group(1)))));
      return new ModelBundle(config, manifest.preprocessing(), model, null, backbone);
    } catch (IOException e) {
      if (backbone != null) {
        backbone.close();
      }
      model.close();
      throw new UncheckedIOException("cannot load the model bundle in " + dir, e);
    } catch (MalformedModelException e) {
      if (backbone != null) {
        backbone.close();
      }
      model.close();
      throw new UncheckedIOException(
          "cannot load the model bundle in " + dir, new IOException(e.getMessage(), e));
    } catch (RuntimeException e) {
      if (backbone != null) {
        backbone.close();
      }
      model.close();
      throw e;
    }
  }

  private static ModelBundle loadTrees(Path dir, Manifest manifest) {
    Path file = dir.resolve(manifest.parameters());
    if (!XGBOOST_FILE.equals(manifest.parameters())) {
      throw new IllegalArgumentException(
          "not a model bundle: " + dir + " names an unexpected model file " + file);
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "incomplete model bundle: " + dir + " has no model file " + XGBOOST_FILE);
    }
    try {
      Booster loaded = XGBoost.loadModel(file.toString());
      return new ModelBundle(manifest.config(), manifest.preprocessing(), null, loaded, null);
    } catch (XGBoostError e) {
      throw new UncheckedIOException(
          "cannot load the model bundle in " + dir, new IOException(e.getMessage(), e));
    }
  }

  public ModelConfig config() {
    return config;
  }

  /** The task: binary-classification, multiclass-classification or regression. */
  public Task task() {
    return config.task();
  }

  /**
   * The class labels in the column order of {@link #probabilities}: binary {@code [negative,
   * positive]}, multiclass the classes (the sorted distinct labels of the train split), regression
   * none.
   */
  public List<String> classes() {
    return config.labels();
  }

  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** The block's parameter values, in the block's parameter order (a copy). */
  public synchronized float[][] parameterValues() {
    open();
    if (model == null) {
      throw new IllegalStateException("a trees model has no parameter tensors");
    }
    List<ai.djl.nn.Parameter> parameters = model.getBlock().getParameters().values();
    float[][] values = new float[parameters.size()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = parameters.get(i).getArray().toFloatArray();
    }
    return values;
  }

  /**
   * Scores raw rows of a binary classifier: applies the preprocessing, then returns P(positive) =
   * sigmoid(logit) per row, in inference mode (no dropout), {@value #SCORE_BATCH} rows per forward
   * pass.
   *
   * @param rawRows one value per numeric feature, in the order of {@link Preprocessing#features()};
   *     {@code NaN} for a missing value
   * @throws IllegalStateException when the bundle is not a binary classifier (use {@link
   *     #probabilities} or {@link #predictions})
   * @throws IllegalArgumentException when the model has categorical features (use {@link
   *     #scores(double[][], String[][])})
   */
  public double[] scores(double[][] rawRows) {
    return scores(rawRows, null);
  }

  /**
   * As {@link #scores(double[][])}, for a model with categorical features.
   *
   * @param text one value per categorical feature, in the order of {@link
   *     Preprocessing#categoricalFeatures()}; {@code null} for a missing value. May be {@code null}
   *     when the model has no categorical feature.
   */
  public synchronized double[] scores(double[][] rawRows, String[][] text) {
    open();
    requireTask(Task.BINARY_CLASSIFICATION, "scores");
    return sigmoids(outputs(rawRows, text, 1));
  }

  /** The model's raw outputs for raw rows: the network's, or the booster's margins. */
  private float[] outputs(double[][] rawRows, String[][] text, int outputs) {
    return booster != null
        ? margins(booster, preprocessing.apply(rawRows, text), preprocessing.width(), outputs)
        : logits(model, backbone, preprocessing, rawRows, text, outputs);
  }

  /**
   * A booster's margins (untransformed outputs: {@code output_margin=True}) for preprocessed rows,
   * row-major, {@code outputs} per row, {@value #SCORE_BATCH} rows per call.
   */
  public static float[] margins(Booster booster, double[][] x, int width, int outputs) {
    float[] all = new float[x.length * outputs];
    for (int start = 0; start < x.length; start += SCORE_BATCH) {
      int rows = Math.min(SCORE_BATCH, x.length - start);
      float[] flat = new float[rows * width];
      for (int i = 0; i < rows; i++) {
        double[] row = x[start + i];
        for (int j = 0; j < width; j++) {
          flat[i * width + j] = (float) row[j];
        }
      }
      try {
        DMatrix matrix = new DMatrix(flat, rows, width, Float.NaN);
        try {
          float[][] margins = booster.predict(matrix, true);
          for (int i = 0; i < rows; i++) {
            if (margins[i].length != outputs) {
              throw new IllegalStateException(
                  "the booster gave " + margins[i].length + " outputs per row, not " + outputs);
            }
            System.arraycopy(margins[i], 0, all, (start + i) * outputs, outputs);
          }
        } finally {
          matrix.dispose();
        }
      } catch (XGBoostError e) {
        throw new IllegalStateException("XGBoost cannot score: " + e.getMessage(), e);
      }
    }
    return all;
  }

  /**
   * The probability of each class per raw row, columns in the order of {@link #classes()}: binary
   * {@code [1 - p, p]} with {@code p} as {@link #scores}; multiclass the softmax of the logits
   * (computed in double precision, the largest logit subtracted first). Inference mode.
   *
   * @throws IllegalStateException for a regression model (use {@link #predictions})
   */
  public double[][] probabilities(double[][] rawRows) {
    return probabilities(rawRows, null);
  }

  /** As {@link #probabilities(double[][])}, with the categorical features' values. */
  public synchronized double[][] probabilities(double[][] rawRows, String[][] text) {
    open();
    if (config.task() == Task.REGRESSION) {
      throw new IllegalStateException(
          "probabilities are for classifiers; this bundle is a regression model: use predictions");
    }
    int k = config.outputs();
    float[] logits = outputs(rawRows, text, k);
    double[][] p = new double[rawRows.length][];
    for (int i = 0; i < p.length; i++) {
      if (k == 1) {
        double positive = sigmoid(logits[i]);
        p[i] = new double[] {1 - positive, positive};
      } else {
        p[i] = softmax(logits, i * k, k);
      }
    }
    return p;
  }

  /**
   * The predicted class per row of {@link #probabilities}: the class with the highest probability,
   * the first one on a tie (numpy's {@code argmax}). For a binary model this is the threshold 0.5
   * except at exactly 0.5, where {@link #predict} gives the positive label.
   */
  public String[] predictClasses(double[][] probabilities) {
    List<String> classes = config.labels();
    if (classes.isEmpty()) {
      throw new IllegalStateException(
          "classes are predicted by classifiers; this bundle is a regression model");
    }
    String[] labels = new String[probabilities.length];
    for (int i = 0; i < probabilities.length; i++) {
      labels[i] = classes.get(argmax(probabilities[i], classes.size()));
    }
    return labels;
  }

  /**
   * The predicted target per raw row of a regression model: {@code output * targetScale +
   * targetMean}, in inference mode.
   *
   * @throws IllegalStateException when the bundle is a classifier
   */
  public double[] predictions(double[][] rawRows) {
    return predictions(rawRows, null);
  }

  /** As {@link #predictions(double[][])}, with the categorical features' values. */
  public synchronized double[] predictions(double[][] rawRows, String[][] text) {
    open();
    requireTask(Task.REGRESSION, "predictions");
    float[] outputs = outputs(rawRows, text, 1);
    double[] values = new double[outputs.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = destandardise(outputs[i], config);
    }
    return values;
  }

  /** A regression output turned back into the target: {@code output * scale + mean}. */
  public static double destandardise(double output, ModelConfig config) {
    return output * config.targetScale() + config.targetMean();
  }

  /**
   * The softmax of {@code k} logits from {@code offset}, in double precision: {@code exp(z - max) /
   * Σ exp(z - max)}.
   */
  public static double[] softmax(float[] logits, int offset, int k) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      max = Math.max(max, logits[offset + c]);
    }
    double[] p = new double[k];
    double sum = 0;
    for (int c = 0; c < k; c++) {
      p[c] = Math.exp(logits[offset + c] - max);
      sum += p[c];
    }
    for (int c = 0; c < k; c++) {
      p[c] /= sum;
    }
    return p;
  }

  /** The index of the largest of the first {@code k} values, the first one on a tie. */
  public static int argmax(double[] values, int k) {
    if (values.length != k) {
      throw new IllegalArgumentException(
          "expected one probability per class (" + k + "), got " + values.length);
    }
    int best = 0;
    for (int c = 1; c < k; c++) {
      if (values[c] > values[best]) {
        best = c;
      }
    }
    return best;
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("the model bundle is closed");
    }
  }

  private void requireTask(Task task, String method) {
    if (config.task() != task) {
      String instead =
          switch (config.task()) {
            case BINARY_CLASSIFICATION -> "scores or probabilities";
            case MULTICLASS_CLASSIFICATION -> "probabilities and predictClasses";
            case REGRESSION -> "predictions";
          };
      throw new IllegalStateException(
          method
              + " are for "
              + task.wire()
              + " models; this bundle is "
              + config.task().wire()
              + ": use "
              + instead);
    }
  }

  /** Scores raw rows with a model whose block is {@link #block}, as {@link #scores} does. */
  static double[] scores(Model model, Preprocessing preprocessing, double[][] rawRows) {
    return scores(model, preprocessing, rawRows, null);
  }

  static double[] scores(
      Model model, Preprocessing preprocessing, double[][] rawRows, String[][] text) {
    return sigmoids(logits(model, preprocessing, rawRows, text, 1));
  }

  private static double[] sigmoids(float[] logits) {
    double[] scores = new double[logits.length];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = sigmoid(logits[i]);
    }
    return scores;
  }

  /**
   * The block's outputs for raw rows, row-major ({@code outputs} per row), in inference mode,
   * {@value #SCORE_BATCH} rows per forward pass.
   */
  static float[] logits(Model model, Preprocessing preprocessing, double[][] rawRows, int outputs) {
    return logits(model, preprocessing, rawRows, null, outputs);
  }

  static float[] logits(
      Model model, Preprocessing preprocessing, double[][] rawRows, String[][] text, int outputs) {
    return logits(model, null, preprocessing, rawRows, text, outputs);
  }

  /** As {@link #logits(Model, Preprocessing, double[][], String[][], int)}, under a backbone. */
  static float[] logits(
      Model model,
      Backbone backbone,
      Preprocessing preprocessing,
      double[][] rawRows,
      String[][] text,
      int outputs) {
    double[][] x = preprocessing.apply(rawRows, text);
    int width = preprocessing.width();
    if (backbone != null) {
      float[] flat = new float[x.length * width];
      for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < width; j++) {
          flat[i * width + j] = (float) x[i][j];
        }
      }
      // -1: the backbone's own width, without a separate probing forward pass
      float[] z = backbone.apply(flat, x.length, width, -1);
      int features = x.length == 0 ? 0 : z.length / x.length;
      x = new double[x.length][features];
      for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < features; j++) {
          x[i][j] = z[i * features + j];
        }
      }
      width = features;
    }
    float[] all = new float[x.length * outputs];
    try (NDManager manager = model.getNDManager().newSubManager()) {
      ParameterStore parameters = new ParameterStore(manager, false);
      for (int start = 0; start < x.length; start += SCORE_BATCH) {
        int rows = Math.min(SCORE_BATCH, x.length - start);
        float[] flat = new float[rows * width];
        for (int i = 0; i < rows; i++) {
          double[] row = x[start + i];
          for (int j = 0; j < width; j++) {
            flat[i * width + j] = (float) row[j];
          }
        }
        try (NDManager batch = manager.newSubManager()) {
          NDArray input = batch.create(flat, new Shape(rows, width));
          NDList output = model.getBlock().forward(parameters, new NDList(input), false);
          float[] logits = output.singletonOrThrow().toFloatArray();
          if (logits.length != rows * outputs) {
            throw new IllegalStateException(
                "the block gave " + logits.length + " outputs for " + rows + " rows of " + outputs);
          }
          System.arraycopy(logits, 0, all, start * outputs, logits.length);
        }
      }
    }
    return all;
  }

  /**
   * The predicted labels of a binary classifier: the positive label where the score is at least
   * {@code threshold}.
   */
  public String[] predict(double[] scores, double threshold) {
    requireTask(Task.BINARY_CLASSIFICATION, "threshold predictions");
    String[] labels = new String[scores.length];
    for (int i = 0; i < scores.length; i++) {
      labels[i] = scores[i] >= threshold ? config.positiveLabel() : config.negativeLabel();
    }
    return labels;
  }

  /** The logistic function, computed without overflow. */
  public static double sigmoid(double logit) {
    if (logit >= 0) {
      return 1 / (1 + Math.exp(-logit));
    }
    double e = Math.exp(logit);
    return e / (1 + e);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      if (model != null) {
        model.close();
      }
      if (booster != null) {
        booster.dispose();
      }
      if (backbone != null) {
        backbone.close();
      }
    }
  }

  private static List<String> paramFiles(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(name -> PARAMS_FILE.matcher(name).matches())
          .sorted()
          .forEach(names::add);
    }
    return names;
  }

  private static Manifest readManifest(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path file = dir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("not a model bundle: " + dir + " has no " + CONFIG_FILE);
    }
    Manifest manifest;
    try {
      manifest = JSON.readValue(file.toFile(), Manifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (manifest.formatVersion() != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "unsupported model bundle format "
              + manifest.formatVersion()
              + " in "
              + file
              + " (supported: "
              + FORMAT_VERSION
              + ")");
    }
    if (manifest.config() == null
        || manifest.preprocessing() == null
        || manifest.parameters() == null) {
      throw new IllegalArgumentException(
          "not a model bundle: " + file + " lacks config, preprocessing or parameters");
    }
    return manifest;
  }

  /** The content of {@value #CONFIG_FILE}. */
  record Manifest(
      int formatVersion,
      String framework,
      ModelConfig config,
      Preprocessing preprocessing,
      Signature signature,
      String parameters) {}

  /** The signature's {@code output}, by task. */
  private static String output(ModelConfig config) {
    return switch (config.task()) {
      case BINARY_CLASSIFICATION -> "probability of " + config.positiveLabel();
      case MULTICLASS_CLASSIFICATION -> "probabilities of " + config.classes() + " (softmax)";
      case REGRESSION -> "the target (output * targetScale + targetMean)";
    };
  }

  /**
   * What the model takes and gives.
   *
   * @param inputs the input feature names: the numeric ones in column order, then the categorical
   *     ones
   * @param output what the model outputs: {@code probability of <positive label>} (binary), {@code
   *     probabilities of [<classes>] (softmax)} (multiclass) or the de-standardised target
   *     (regression)
   */
  record Signature(List<String> inputs, String output) {}
}
