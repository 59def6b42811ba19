package io.trainyard.models.training;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.models.Djl;
import io.trainyard.models.ModelBundle;
import io.trainyard.models.ModelConfig;
import io.trainyard.models.Preprocessing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains gradient-boosted trees with XGBoost4J ({@code gbtree}, {@code tree_method=hist}) for the
 * same three tasks as {@link MlpTrainer}, on the same {@link Preprocessing} (fitted on the training
 * rows only), and saves them as a {@link ModelBundle} in XGBoost's JSON format.
 *
 * <table>
 *   <caption>Tasks</caption>
 *   <tr><th>task</th><th>objective</th><th>margin (the bundle's output)</th></tr>
 *   <tr><td>binary-classification</td><td>{@code binary:logistic}</td><td>the logit of the
 *       positive class</td></tr>
 *   <tr><td>multiclass-classification</td><td>{@code multi:softprob}</td><td>one logit per class
 *       (softmax)</td></tr>
 *   <tr><td>regression</td><td>{@code reg:squarederror} on the target standardised as the MLP's
 *       (train split's mean and population standard deviation)</td><td>the standardised
 *       target</td></tr>
 * </table>
 *
 * <p>One boosting round is one epoch: {@code training.epochs} is the maximum number of rounds, and
 * after each one the validation figures are computed from the margins by {@link Validation}, as for
 * the network, so validation losses of both families compare (model selection). The train loss of a
 * round is XGBoost's own metric on the training rows ({@code logloss}, {@code mlogloss}, or the
 * square of {@code rmse}). The model kept is the one after the round with the lowest validation
 * loss; early stopping works as for the network. {@code training.classWeight: balanced} sets the
 * rows' weights; the seed is XGBoost's {@code seed} and the thread count its {@code nthread}
 * (PyTorch's thread setting, {@code ai.djl.pytorch.num_threads}), so a run is reproducible.
 * Settings that only mean something for a network (gradient clipping, augmentation, warm start,
 * frozen layers) are refused.
 *
 * <p>No checkpoints: a redelivered run trains again from the first round (trees train in seconds to
 * minutes, and a run with the same seed, data and threads gives the same trees), so {@link
 * CheckpointStore} is not used. Cancellation is checked before every round.
 */
public final class XgbTrainer implements ModelTrainer {

  private static final Pattern TRAIN_METRIC = Pattern.compile("train-([a-z]+):(\\S+)");

  private final PipelineSpec.Training training;
  private final PipelineSpec.Trees trees;
  private final PipelineSpec.EarlyStopping earlyStopping;

  /**
   * @param training the spec's training section with defaults, whose model is {@code xgboost}
   * @throws IllegalArgumentException for settings out of range or that trees do not support
   */
  public XgbTrainer(PipelineSpec.Training training) {
    this.training = Objects.requireNonNull(training, "training");
    Objects.requireNonNull(training.model(), "model: pass spec.withDefaults().training()");
    if (!PipelineSpec.Model.XGBOOST.equals(training.model().type())) {
      throw new IllegalArgumentException("not an xgboost model: " + training.model().type());
    }
    this.trees = Objects.requireNonNull(training.model().trees(), "trees: pass withDefaults()");
    this.earlyStopping = Objects.requireNonNull(training.earlyStopping(), "earlyStopping");
    if (training.epochs() < 1) {
      throw new IllegalArgumentException(
          "epochs (boosting rounds) must be at least 1: " + training.epochs());
    }
    EarlyStop.checkClassWeight(training.classWeight());
    List<String> refused = new ArrayList<>();
    if (training.gradientClip() != null) {
      refused.add("gradientClip");
    }
    if (training.augmentation() != null
        && (training.augmentation().noise() != null || training.augmentation().mixup() != null)) {
      refused.add("augmentation");
    }
    if (Boolean.TRUE.equals(training.warmStart())) {
      refused.add("warmStart");
    }
    if (training.model().image() != null) {
      refused.add("model.image");
    }
    if (training.model().text() != null) {
      refused.add("model.text");
    }
    if (training.model().backbone() != null) {
      refused.add("model.backbone");
    }
    if (training.freezeLayers() != null && training.freezeLayers() > 0) {
      refused.add("freezeLayers");
    }
    if (!refused.isEmpty()) {
      throw new IllegalArgumentException(
          "xgboost models do not support " + String.join(", ", refused) + " (network settings)");
    }
    if (trees.maxDepth() < 1
        || !(trees.eta() > 0 && trees.eta() <= 1)
        || !(trees.subsample() > 0 && trees.subsample() <= 1)
        || !(trees.colsampleBytree() > 0 && trees.colsampleBytree() <= 1)
        || !(trees.minChildWeight() >= 0)
        || !(trees.lambda() >= 0)) {
      throw new IllegalArgumentException("trees settings out of range: " + trees);
    }
    EarlyStop.check(earlyStopping);
  }

  /** XGBoost's parameters for a task with {@code classes} classes. */
  Map<String, Object> parameters(Task task, int classes) {
    Map<String, Object> params = new HashMap<>();
    switch (task) {
      case BINARY_CLASSIFICATION -> {
        params.put("objective", "binary:logistic");
        params.put("eval_metric", "logloss");
      }
      case MULTICLASS_CLASSIFICATION -> {
        params.put("objective", "multi:softprob");
        params.put("num_class", classes);
        params.put("eval_metric", "mlogloss");
      }
      case REGRESSION -> {
        params.put("objective", "reg:squarederror");
        params.put("eval_metric", "rmse");
      }
    }
    params.put("booster", "gbtree");
    params.put("tree_method", "hist");
    params.put("max_depth", trees.maxDepth());
    params.put("eta", trees.eta());
    params.put("subsample", trees.subsample());
    params.put("colsample_bytree", trees.colsampleBytree());
    params.put("min_child_weight", trees.minChildWeight());
    params.put("lambda", trees.lambda());
    long seed = training.seed();
    params.put("seed", (int) (seed ^ (seed >>> 32)));
    params.put("nthread", threads());
    params.put("verbosity", 0);
    return params;
  }

  /** XGBoost's thread count: PyTorch's ({@code ai.djl.pytorch.num_threads}, 1 by default). */
  static int threads() {
    Djl.configure();
    return Math.max(1, Integer.parseInt(System.getProperty(Djl.NUM_THREADS, "1").trim()));
  }

  @Override
  public TrainingOutcome train(
      TrainingData data,
      Target target,
      Path outDir,
      EpochListener listener,
      BooleanSupplier cancelled,
      CheckpointStore checkpoints) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(outDir, "outDir");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(cancelled, "cancelled");
    Task task = target.task();
    int classes = target.classes().size();
    int rows = data.trainY().length;
    float[] labels = new float[rows];
    int[] trainClasses = null;
    int[] valClasses = null;
    ModelConfig config;
    switch (task) {
      case BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION -> {
        boolean binary = task == Task.BINARY_CLASSIFICATION;
        trainClasses = TrainingData.classIndices("trainY", data.trainY(), classes, binary);
        valClasses = TrainingData.classIndices("valY", data.valY(), classes, binary);
        for (int i = 0; i < rows; i++) {
          labels[i] = trainClasses[i];
        }
        config =
            binary
                ? new ModelConfig(
                    ModelConfig.XGBOOST,
                    List.of(),
                    0,
                    target.classes().get(0),
                    target.classes().get(1))
                : ModelConfig.multiclass(ModelConfig.XGBOOST, List.of(), 0, target.classes());
      }
      default -> {
        double[] moments = MlpTrainer.meanAndScale(data.trainY());
        for (int i = 0; i < rows; i++) {
          labels[i] = (float) ((data.trainY()[i] - moments[0]) / moments[1]);
        }
        config = ModelConfig.regression(ModelConfig.XGBOOST, List.of(), 0, moments[0], moments[1]);
      }
    }
    Preprocessing pre =
        Preprocessing.fit(
            data.features(),
            data.trainX(),
            data.categorical(),
            data.trainText(),
            Preprocessing.MAX_CATEGORIES);
    int width = pre.width();
    int outputs = config.outputs();
    int rounds = training.epochs();
    double eta = trees.eta();
    List<EpochResult> history = new ArrayList<>();
    int bestEpoch = 0;
    double bestLoss = Double.NaN;
    byte[] bestModel = null;
    int sinceBest = 0;
    String stopReason = TrainingOutcome.REACHED_MAX_EPOCHS;
    DMatrix train = null;
    DMatrix validation = null;
    Booster booster = null;
    try {
      train =
          new DMatrix(
              MlpTrainer.flatten(pre.apply(data.trainX(), data.trainText()), width),
              rows,
              width,
              Float.NaN);
      train.setLabel(labels);
      if ("balanced".equals(training.classWeight())) {
        if (!task.classification()) {
          throw new IllegalArgumentException(
              "classWeight is for classification; this is " + task.wire());
        }
        double[] classWeights = MlpTrainer.balancedClassWeights(trainClasses, classes);
        float[] weights = new float[rows];
        for (int i = 0; i < rows; i++) {
          weights[i] = (float) classWeights[trainClasses[i]];
        }
        train.setWeight(weights);
      }
      int valRows = data.valY().length;
      validation =
          new DMatrix(
              MlpTrainer.flatten(pre.apply(data.valX(), data.valText()), width),
              valRows,
              width,
              Float.NaN);
      Map<String, Object> params = parameters(task, classes);
      for (int round = 1; round <= rounds; round++) {
        if (cancelled.getAsBoolean()) {
          return MlpTrainer.cancelledOutcome(bestEpoch, history);
        }
        long started = System.nanoTime();
        if (booster == null) {
          booster = XGBoost.train(train, params, 1, new HashMap<>(), null, null, null, 0, null);
        } else {
          booster.update(train, round - 1);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double trainLoss =
            trainLoss(booster.evalSet(new DMatrix[] {train}, new String[] {"train"}, round - 1));
        float[][] margins = booster.predict(validation, true);
        float[] z = new float[valRows * outputs];
        for (int i = 0; i < valRows; i++) {
          System.arraycopy(margins[i], 0, z, i * outputs, outputs);
        }
        Validation result =
            switch (task) {
              case BINARY_CLASSIFICATION -> Validation.binary(z, valClasses);
              case MULTICLASS_CLASSIFICATION -> Validation.multiclass(z, valClasses, classes);
              case REGRESSION -> Validation.regression(z, data.valY(), config);
            };
        if (!Double.isFinite(trainLoss) || !Double.isFinite(result.loss())) {
          throw new TrainingDivergedException(
              "the boosting loss diverged to "
                  + trainLoss
                  + " (validation "
                  + result.loss()
                  + ") in round "
                  + round
                  + ": lower training.model.trees.eta");
        }
        EpochResult epoch =
            new EpochResult(
                round,
                rounds,
                trainLoss,
                result.loss(),
                result.accuracy(),
                eta,
                rows / Math.max(seconds, 1e-9),
                Double.NaN,
                result.metrics());
        history.add(epoch);
        if (EarlyStop.improves(earlyStopping, bestEpoch, bestLoss, epoch.valLoss())) {
          bestEpoch = round;
          bestLoss = epoch.valLoss();
          bestModel = booster.toByteArray("ubj");
          sinceBest = 0;
        } else {
          sinceBest++;
        }
        listener.onEpoch(epoch);
        if (EarlyStop.stops(earlyStopping, sinceBest)) {
          if (round < rounds) {
            stopReason = EarlyStop.reason(earlyStopping, "rounds");
          }
          break;
        }
      }
      if (cancelled.getAsBoolean()) {
        return MlpTrainer.cancelledOutcome(bestEpoch, history);
      }
      Booster best = XGBoost.loadModel(bestModel);
      try {
        ModelBundle.saveTrees(outDir, config, pre, best);
      } finally {
        best.dispose();
      }
    } catch (XGBoostError | IOException e) {
      throw new IllegalStateException("XGBoost failed: " + e.getMessage(), e);
    } finally {
      if (booster != null) {
        booster.dispose();
      }
      if (train != null) {
        train.dispose();
      }
      if (validation != null) {
        validation.dispose();
      }
    }
    return new TrainingOutcome(
        bestEpoch,
        history.size(),
        stopReason,
        history,
        MlpTrainer.metrics(history.get(bestEpoch - 1)),
        false);
  }

  /**
   * The training loss from XGBoost's evaluation line ({@code [i]\ttrain-logloss:0.1}): {@code
   * logloss} and {@code mlogloss} as given, {@code rmse} squared (the mean squared error, the
   * network's training loss).
   */
  static double trainLoss(String evaluation) {
    Matcher m = TRAIN_METRIC.matcher(evaluation);
    if (!m.find()) {
      throw new IllegalStateException("no training metric in XGBoost's output: " + evaluation);
    }
    double value = Double.parseDouble(m.group(2));
    return "rmse".equals(m.group(1)) ? value * value : value;
  }
}
