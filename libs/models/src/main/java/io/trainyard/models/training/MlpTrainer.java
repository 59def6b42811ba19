package io.trainyard.models.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.models.Djl;
import io.trainyard.models.ModelBundle;
import io.trainyard.models.ModelConfig;
import io.trainyard.models.Preprocessing;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Trains a binary classifier (an MLP, or a single linear layer) with DJL on the CPU, keeps the
 * parameters of the epoch with the lowest validation loss and saves them as a {@link ModelBundle}.
 *
 * <p>The run, from the spec's {@code training} section:
 *
 * <ul>
 *   <li>{@link Preprocessing} is fitted on the training rows only and applied to both splits;
 *   <li>loss: sigmoid binary cross-entropy on the logit ({@link
 *       Loss#sigmoidBinaryCrossEntropyLoss});
 *   <li>each epoch visits the training rows in mini-batches of {@code batchSize} (the last one may
 *       be smaller), shuffled each epoch by a {@link Random} seeded with {@code seed}; parameter
 *       initialisation and dropout use the engine's generator, seeded with {@code seed} too, so a
 *       run is reproducible (on one PyTorch thread; one run at a time per process, as the PyTorch
 *       generator is global);
 *   <li>optimizer {@code sgd} (no momentum), {@code adam} (weight decay as an L2 term of the
 *       gradient) or {@code adamw} (decoupled weight decay), with {@code learningRate} and {@code
 *       weightDecay};
 *   <li>the learning rate changes per epoch e = 1..E (E = {@code epochs}, the maximum): {@code
 *       constant} lr; {@code cosine} lr·½(1 + cos(π(e−1)/E)); {@code step} lr·½^⌊(e−1)/s⌋ with s =
 *       max(1, ⌊E/4⌋), halving four times over a full run; {@code linear} lr·(1 − (e−1)/E);
 *   <li>early stopping (when enabled) on {@code val_loss} only: the run stops when the validation
 *       loss has not dropped below the best one by more than {@code minDelta} for {@code patience}
 *       epochs in a row;
 *   <li>cancellation is checked before every mini-batch: a cancelled run saves nothing.
 * </ul>
 *
 * <p>Not thread-safe; one instance may run several trainings one after the other.
 */
public final class MlpTrainer {
  /** The only early-stopping metric supported. */
  public static final String VAL_LOSS = "val_loss";

  static final int EVAL_BATCH = 4096;

  private final PipelineSpec.Training training;
  private final PipelineSpec.EarlyStopping earlyStopping;

  /**
   * @param training the spec's training section, with defaults ({@code spec.withDefaults()})
   * @throws IllegalArgumentException for an unsupported optimizer, schedule, model type or
   *     early-stopping metric, or values out of range
   */
  public MlpTrainer(PipelineSpec.Training training) {
    this.training = Objects.requireNonNull(training, "training");
    this.earlyStopping = Objects.requireNonNull(training.earlyStopping(), "earlyStopping");
    Objects.requireNonNull(training.model(), "model: pass spec.withDefaults().training()");
    requireOneOf("optimizer", training.optimizer(), "sgd", "adam", "adamw");
    requireOneOf("schedule", training.schedule(), "constant", "cosine", "step", "linear");
    if (training.epochs() < 1) {
      throw new IllegalArgumentException("epochs must be at least 1: " + training.epochs());
    }
    if (training.batchSize() < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1: " + training.batchSize());
    }
    if (!(training.learningRate() > 0)) {
      throw new IllegalArgumentException("learningRate must be > 0: " + training.learningRate());
    }
    if (!(training.weightDecay() >= 0)) {
      throw new IllegalArgumentException("weightDecay must be >= 0: " + training.weightDecay());
    }
    if (earlyStopping.enabled()) {
      if (!VAL_LOSS.equals(earlyStopping.metric())) {
        throw new IllegalArgumentException(
            "unsupported early stopping metric: "
                + earlyStopping.metric()
                + " (supported: "
                + VAL_LOSS
                + ")");
      }
      if (earlyStopping.patience() < 0 || !(earlyStopping.minDelta() >= 0)) {
        throw new IllegalArgumentException(
            "early stopping needs patience >= 0 and minDelta >= 0: " + earlyStopping);
      }
    }
    // fail on the model type now, not after the data is prepared
    modelConfig("negative", "positive");
  }

  /**
   * Trains on {@code data}, keeps the parameters of the best epoch by validation loss, and saves
   * the bundle ({@link ModelBundle#save}) into {@code outDir} — unless cancelled, when nothing is
   * written.
   *
   * @param negativeLabel the label of class 0
   * @param positiveLabel the label of class 1
   * @param listener told about every finished epoch; an exception it throws aborts the run and
   *     propagates
   * @param cancelled polled before every mini-batch
   */
  public TrainingOutcome train(
      TrainingData data,
      String negativeLabel,
      String positiveLabel,
      Path outDir,
      EpochListener listener,
      BooleanSupplier cancelled) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(outDir, "outDir");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(cancelled, "cancelled");
    ModelConfig config = modelConfig(negativeLabel, positiveLabel);
    Preprocessing pre = Preprocessing.fit(data.features(), data.trainX());
    int width = data.features().size();
    float[] trainX = flatten(pre.apply(data.trainX()), width);
    float[] valX = flatten(pre.apply(data.valX()), width);
    int rows = data.trainY().length;
    int epochs = training.epochs();
    int batchSize = Math.min(training.batchSize(), rows);
    long seed = training.seed();

    Djl.configure();
    Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
    Random shuffling = new Random(seed);
    float[] learningRate = {(float) learningRate(1)};
    Tracker tracker = update -> learningRate[0];

    List<EpochResult> history = new ArrayList<>();
    int bestEpoch = 0;
    double bestLoss = Double.NaN;
    float[][] bestParameters = null;
    int sinceBest = 0;
    String stopReason = TrainingOutcome.REACHED_MAX_EPOCHS;

    try (Model model = Model.newInstance("trainyard-" + config.type())) {
      model.setBlock(ModelBundle.block(config, width));
      DefaultTrainingConfig trainingConfig =
          new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
              .optOptimizer(optimizer(tracker))
              .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(trainingConfig)) {
        trainer.initialize(new Shape(batchSize, width));
        int[] order = identity(rows);
        for (int epoch = 1; epoch <= epochs; epoch++) {
          double rate = learningRate(epoch);
          learningRate[0] = (float) rate;
          shuffle(order, shuffling);
          long started = System.nanoTime();
          double lossSum = 0;
          int batches = 0;
          for (int start = 0; start < rows; start += batchSize) {
            if (cancelled.getAsBoolean()) {
              return cancelledOutcome(bestEpoch, history);
            }
            int size = Math.min(batchSize, rows - start);
            lossSum += trainBatch(trainer, trainX, data.trainY(), order, start, size, width);
            batches++;
          }
          double seconds = (System.nanoTime() - started) / 1e9;
          double[] validation = validate(trainer, valX, data.valY(), width);
          EpochResult result =
              new EpochResult(
                  epoch,
                  epochs,
                  lossSum / batches,
                  validation[0],
                  validation[1],
                  rate,
                  rows / Math.max(seconds, 1e-9));
          history.add(result);
          boolean improved =
              bestEpoch == 0
                  || (Double.isNaN(bestLoss) && !Double.isNaN(result.valLoss()))
                  || result.valLoss() < bestLoss - earlyStopping.minDelta();
          if (improved) {
            bestEpoch = epoch;
            bestLoss = result.valLoss();
            bestParameters = snapshot(model);
            sinceBest = 0;
          } else {
            sinceBest++;
          }
          listener.onEpoch(result);
          if (earlyStopping.enabled() && sinceBest > 0 && sinceBest >= earlyStopping.patience()) {
            if (epoch < epochs) {
              stopReason =
                  "early stopping: "
                      + VAL_LOSS
                      + " did not improve by "
                      + earlyStopping.minDelta()
                      + " for "
                      + earlyStopping.patience()
                      + " epochs";
            }
            break;
          }
        }
        if (cancelled.getAsBoolean()) {
          return cancelledOutcome(bestEpoch, history);
        }
        restore(model, bestParameters);
        ModelBundle.save(outDir, config, pre, model);
      }
    }
    EpochResult best = history.get(bestEpoch - 1);
    return new TrainingOutcome(
        bestEpoch, history.size(), stopReason, history, metrics(best), false);
  }

  /** The learning rate of an epoch (from 1), by the spec's schedule. */
  double learningRate(int epoch) {
    double lr = training.learningRate();
    int epochs = training.epochs();
    double done = (epoch - 1) / (double) epochs;
    return switch (training.schedule()) {
      case "constant" -> lr;
      case "cosine" -> lr * 0.5 * (1 + Math.cos(Math.PI * done));
      case "step" -> lr * Math.pow(0.5, (epoch - 1) / Math.max(1, epochs / 4));
      case "linear" -> lr * (1 - done);
      default -> throw new IllegalStateException("schedule " + training.schedule());
    };
  }

  private ModelConfig modelConfig(String negativeLabel, String positiveLabel) {
    PipelineSpec.Model model = training.model();
    return new ModelConfig(
        model.type(),
        model.hidden(),
        model.dropout() == null ? 0 : model.dropout(),
        Objects.requireNonNull(negativeLabel, "negativeLabel"),
        Objects.requireNonNull(positiveLabel, "positiveLabel"));
  }

  private Optimizer optimizer(Tracker tracker) {
    float weightDecay = training.weightDecay().floatValue();
    return switch (training.optimizer()) {
      case "sgd" ->
          Optimizer.sgd().setLearningRateTracker(tracker).optWeightDecays(weightDecay).build();
      case "adam" ->
          Optimizer.adam().optLearningRateTracker(tracker).optWeightDecays(weightDecay).build();
      case "adamw" ->
          Optimizer.adamW().optLearningRateTracker(tracker).optWeightDecays(weightDecay).build();
      default -> throw new IllegalStateException("optimizer " + training.optimizer());
    };
  }

  /** One optimisation step on rows {@code order[start..start+size)}; returns the batch loss. */
  private static double trainBatch(
      Trainer trainer, float[] x, int[] y, int[] order, int start, int size, int width) {
    float[] batchX = new float[size * width];
    float[] batchY = new float[size];
    for (int i = 0; i < size; i++) {
      int row = order[start + i];
      System.arraycopy(x, row * width, batchX, i * width, width);
      batchY[i] = y[row];
    }
    try (NDManager manager = trainer.getManager().newSubManager()) {
      NDList inputs = new NDList(manager.create(batchX, new Shape(size, width)));
      NDList labels = new NDList(manager.create(batchY, new Shape(size, 1)));
      double loss;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList logits = trainer.forward(inputs);
        NDArray lossValue = trainer.getLoss().evaluate(labels, logits);
        collector.backward(lossValue);
        loss = lossValue.getFloat();
      }
      trainer.step();
      return loss;
    }
  }

  /** Mean binary cross-entropy and accuracy at 0.5 over the validation rows, in inference mode. */
  private static double[] validate(Trainer trainer, float[] x, int[] y, int width) {
    int rows = y.length;
    double lossSum = 0;
    int correct = 0;
    try (NDManager manager = trainer.getManager().newSubManager()) {
      for (int start = 0; start < rows; start += EVAL_BATCH) {
        int size = Math.min(EVAL_BATCH, rows - start);
        float[] chunk = new float[size * width];
        System.arraycopy(x, start * width, chunk, 0, size * width);
        try (NDManager batch = manager.newSubManager()) {
          NDList logits = trainer.evaluate(new NDList(batch.create(chunk, new Shape(size, width))));
          float[] z = logits.singletonOrThrow().toFloatArray();
          for (int i = 0; i < size; i++) {
            double logit = z[i];
            int label = y[start + i];
            // log(1 + exp(-|z|)) + max(z, 0) - z * y: stable for any logit
            lossSum += Math.max(logit, 0) - logit * label + Math.log1p(Math.exp(-Math.abs(logit)));
            if ((ModelBundle.sigmoid(logit) >= 0.5 ? 1 : 0) == label) {
              correct++;
            }
          }
        }
      }
    }
    return new double[] {lossSum / rows, correct / (double) rows};
  }

  private static float[][] snapshot(Model model) {
    List<Parameter> parameters = model.getBlock().getParameters().values();
    float[][] values = new float[parameters.size()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = parameters.get(i).getArray().toFloatArray();
    }
    return values;
  }

  private static void restore(Model model, float[][] values) {
    List<Parameter> parameters = model.getBlock().getParameters().values();
    for (int i = 0; i < values.length; i++) {
      parameters.get(i).getArray().set(FloatBuffer.wrap(values[i]));
    }
  }

  private static TrainingOutcome cancelledOutcome(int bestEpoch, List<EpochResult> history) {
    Map<String, Double> metrics = bestEpoch == 0 ? Map.of() : metrics(history.get(bestEpoch - 1));
    return new TrainingOutcome(
        bestEpoch, history.size(), TrainingOutcome.CANCELLED, history, metrics, true);
  }

  private static Map<String, Double> metrics(EpochResult epoch) {
    return Map.of(
        "train_loss", epoch.trainLoss(),
        "val_loss", epoch.valLoss(),
        "val_accuracy", epoch.valAccuracy());
  }

  private static float[] flatten(double[][] rows, int width) {
    float[] flat = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < width; j++) {
        flat[i * width + j] = (float) rows[i][j];
      }
    }
    return flat;
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  /** Fisher–Yates. */
  private static void shuffle(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
  }

  private static void requireOneOf(String what, String value, String... allowed) {
    for (String a : allowed) {
      if (a.equals(value)) {
        return;
      }
    }
    throw new IllegalArgumentException(
        "unsupported "
            + what
            + ": "
            + value
            + " (supported: "
            + String.join(", ", allowed).toLowerCase(Locale.ROOT)
            + ")");
  }
}
