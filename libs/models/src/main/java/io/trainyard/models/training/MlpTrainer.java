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
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.models.Djl;
import io.trainyard.models.ModelBundle;
import io.trainyard.models.ModelConfig;
import io.trainyard.models.Preprocessing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 *       be smaller), in an order drawn by a {@link Random} seeded from ({@code seed}, epoch); the
 *       engine's generator (initialisation, dropout) is seeded from {@code seed}, and reseeded from
 *       ({@code seed}, epoch) at each epoch, so a run is reproducible and a resumed run repeats the
 *       epochs it resumes (on one PyTorch thread; one run at a time per process, as the PyTorch
 *       generator is global);
 *   <li>optimizer {@code sgd} (no momentum), {@code adam} (weight decay as an L2 term of the
 *       gradient) or {@code adamw} (decoupled weight decay), with {@code learningRate} and {@code
 *       weightDecay}: {@link ResumableOptimizer}, whose state goes into the checkpoints;
 *   <li>after every epoch a {@link TrainerCheckpoint} goes to the {@link CheckpointStore}, and a
 *       training finds its latest one there and resumes after it;
 *   <li>a training loss that is NaN or infinite throws {@link TrainingDivergedException};
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
    return train(
        data, negativeLabel, positiveLabel, outDir, listener, cancelled, CheckpointStore.NONE);
  }

  /**
   * As {@link #train(TrainingData, String, String, Path, EpochListener, BooleanSupplier)}, saving a
   * {@link TrainerCheckpoint} to {@code checkpoints} after every epoch (before the listener hears
   * of it) and, when {@code checkpoints} already holds one of this same training, resuming after
   * its epoch: the run then ends with exactly the parameters an uninterrupted run ends with (same
   * device and thread count).
   */
  public TrainingOutcome train(
      TrainingData data,
      String negativeLabel,
      String positiveLabel,
      Path outDir,
      EpochListener listener,
      BooleanSupplier cancelled,
      CheckpointStore checkpoints) {
    Objects.requireNonNull(checkpoints, "checkpoints");
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
    double[] learningRate = {learningRate(1)};
    String fingerprint = fingerprint(data, negativeLabel, positiveLabel);

    List<EpochResult> history = new ArrayList<>();
    int bestEpoch = 0;
    double bestLoss = Double.NaN;
    float[][] bestParameters = null;
    int sinceBest = 0;
    String stopReason = TrainingOutcome.REACHED_MAX_EPOCHS;

    try (Model model = Model.newInstance("trainyard-" + config.type())) {
      model.setBlock(ModelBundle.block(config, width));
      Map<String, Integer> positions = new java.util.HashMap<>();
      List<Parameter> parameterList = model.getBlock().getParameters().values();
      for (int i = 0; i < parameterList.size(); i++) {
        positions.put(parameterList.get(i).getId(), i);
      }
      ResumableOptimizer optimizer =
          new ResumableOptimizer(
              ResumableOptimizer.Kind.valueOf(training.optimizer().toUpperCase(Locale.ROOT)),
              () -> learningRate[0],
              training.weightDecay().floatValue(),
              positions);
      DefaultTrainingConfig trainingConfig =
          new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
              .optOptimizer(optimizer)
              .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(trainingConfig)) {
        trainer.initialize(new Shape(batchSize, width));
        int firstEpoch = 1;
        Optional<TrainerCheckpoint> resumed = resumable(checkpoints, fingerprint);
        if (resumed.isPresent()) {
          TrainerCheckpoint checkpoint = resumed.get();
          restore(model, checkpoint.parameters());
          optimizer.restore(checkpoint.optimizer());
          history.addAll(checkpoint.history());
          bestEpoch = checkpoint.bestEpoch();
          bestLoss = checkpoint.bestLoss();
          bestParameters = checkpoint.bestParameters();
          sinceBest = checkpoint.sinceBest();
          firstEpoch = checkpoint.epoch() + 1;
          if (stopsEarly(sinceBest) && checkpoint.epoch() > 0) {
            firstEpoch = epochs + 1; // it had stopped: nothing is left to train
            if (checkpoint.epoch() < epochs) {
              stopReason = earlyStopReason();
            }
          }
        }
        for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
          double rate = learningRate(epoch);
          learningRate[0] = rate;
          // Data order and dropout depend on (seed, epoch) only, so a resumed run repeats them.
          int[] order = identity(rows);
          shuffle(order, new Random(mix(seed, epoch)));
          Engine.getInstance().setRandomSeed((int) mix(seed, -epoch));
          optimizer.takeGradientSquares();
          double gradientNorms = 0;
          long started = System.nanoTime();
          double lossSum = 0;
          int batches = 0;
          for (int start = 0; start < rows; start += batchSize) {
            if (cancelled.getAsBoolean()) {
              return cancelledOutcome(bestEpoch, history);
            }
            int size = Math.min(batchSize, rows - start);
            double loss = trainBatch(trainer, trainX, data.trainY(), order, start, size, width);
            if (!Double.isFinite(loss)) {
              throw new TrainingDivergedException(
                  "the training loss diverged to "
                      + loss
                      + " in epoch "
                      + epoch
                      + " (learning rate "
                      + rate
                      + "): lower training.learningRate");
            }
            lossSum += loss;
            gradientNorms += Math.sqrt(optimizer.takeGradientSquares());
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
                  rows / Math.max(seconds, 1e-9),
                  gradientNorms / batches);
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
          save(
              checkpoints,
              new TrainerCheckpoint(
                  fingerprint,
                  epoch,
                  snapshot(model),
                  optimizer.state(),
                  bestEpoch,
                  bestLoss,
                  bestParameters,
                  sinceBest,
                  history));
          listener.onEpoch(result);
          if (stopsEarly(sinceBest)) {
            if (epoch < epochs) {
              stopReason = earlyStopReason();
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

  private static void save(CheckpointStore checkpoints, TrainerCheckpoint checkpoint) {
    try {
      checkpoints.save(checkpoint);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot save the checkpoint of epoch " + checkpoint.epoch(), e);
    }
  }

  private boolean stopsEarly(int sinceBest) {
    return earlyStopping.enabled() && sinceBest > 0 && sinceBest >= earlyStopping.patience();
  }

  private String earlyStopReason() {
    return "early stopping: "
        + VAL_LOSS
        + " did not improve by "
        + earlyStopping.minDelta()
        + " for "
        + earlyStopping.patience()
        + " epochs";
  }

  /** The latest checkpoint of this same training; empty when there is none (or another's). */
  private static Optional<TrainerCheckpoint> resumable(
      CheckpointStore checkpoints, String fingerprint) {
    Optional<TrainerCheckpoint> latest;
    try {
      latest = checkpoints.latest();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the latest checkpoint", e);
    }
    if (latest.isPresent() && !latest.get().fingerprint().equals(fingerprint)) {
      System.getLogger(MlpTrainer.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "a checkpoint of another training (spec or data changed) is not resumed; starting"
                  + " over");
      return Optional.empty();
    }
    return latest;
  }

  /**
   * SHA-256 over the training settings, the labels and the data: a checkpoint resumes only the
   * training it was taken from.
   */
  private String fingerprint(TrainingData data, String negativeLabel, String positiveLabel) {
    try {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      // The settings' record text (deterministic: records and lists print their components);
      // not Jackson, which in the service would load the spec classes from a second class loader.
      digest.update(training.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      digest.update(
          (negativeLabel + "\n" + positiveLabel + "\n" + data.features())
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(8 * 4096);
      for (double[][] rows : List.of(data.trainX(), data.valX())) {
        for (double[] row : rows) {
          for (double v : row) {
            if (buffer.remaining() < 8) {
              digest.update(buffer.flip());
              buffer.clear();
            }
            buffer.putDouble(v);
          }
        }
      }
      for (int[] labels : List.of(data.trainY(), data.valY())) {
        for (int label : labels) {
          if (buffer.remaining() < 8) {
            digest.update(buffer.flip());
            buffer.clear();
          }
          buffer.putInt(label);
        }
      }
      digest.update(buffer.flip());
      return java.util.HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A 64-bit mix of the run's seed and an epoch (SplitMix64's finaliser). */
  static long mix(long seed, int epoch) {
    long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
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

  /**
   * Copies {@code values} into the parameters' own tensors, in place: {@code NDArray.set} would
   * give a PyTorch tensor new storage, and the trainer's gradients would no longer reach it.
   */
  private static void restore(Model model, float[][] values) {
    List<Parameter> parameters = model.getBlock().getParameters().values();
    for (int i = 0; i < values.length; i++) {
      NDArray array = parameters.get(i).getArray();
      try (NDArray value = array.getManager().create(values[i], array.getShape())) {
        array.muli(0).addi(value);
      }
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
