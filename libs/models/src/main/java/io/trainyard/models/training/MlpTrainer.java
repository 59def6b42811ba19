package io.trainyard.models.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.models.Backbone;
import io.trainyard.models.Djl;
import io.trainyard.models.ModelBundle;
import io.trainyard.models.ModelConfig;
import io.trainyard.models.Preprocessing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Trains a model (an MLP, or a single linear layer) with DJL on the CPU for one of three tasks,
 * keeps the parameters of the epoch with the lowest validation loss and saves them as a {@link
 * ModelBundle}.
 *
 * <p>The task is the {@link Target}'s:
 *
 * <table>
 *   <caption>Tasks</caption>
 *   <tr><th>task</th><th>outputs</th><th>loss</th><th>validation metrics per epoch</th></tr>
 *   <tr><td>binary-classification</td><td>1: the logit of the positive class</td>
 *       <td>sigmoid binary cross-entropy ({@link Loss#sigmoidBinaryCrossEntropyLoss})</td>
 *       <td>val_loss, val_accuracy (threshold 0.5)</td></tr>
 *   <tr><td>multiclass-classification</td><td>K: one logit per class</td>
 *       <td>softmax cross-entropy on one-hot labels ({@link Loss#softmaxCrossEntropyLoss})</td>
 *       <td>val_loss, val_accuracy (most probable class: {@code accuracy_score}), val_log_loss
 *       ({@code log_loss} with eps clipping)</td></tr>
 *   <tr><td>regression</td><td>1: the standardised target</td>
 *       <td>mean squared error ({@link Loss#l2Loss} with weight 1) of the target standardised
 *       with the train split's mean and population standard deviation (1 for a constant target);
 *       both are saved in the bundle, which de-standardises its predictions</td>
 *       <td>val_loss (standardised units, as the training loss), val_rmse, val_mae, val_r2
 *       ({@code sqrt(mean_squared_error)}, {@code mean_absolute_error}, {@code r2_score} on the
 *       de-standardised predictions)</td></tr>
 * </table>
 *
 * <p>The metrics have scikit-learn's definitions ({@code trainyard-stats}). The classes of a
 * multiclass target are given by the caller (training uses the sorted distinct labels of the train
 * split); a validation row of another class cannot be represented and is the caller's error.
 *
 * <p>The run, from the spec's {@code training} section:
 *
 * <ul>
 *   <li>{@link Preprocessing} is fitted on the training rows only and applied to both splits;
 *   <li>loss: by task, above;
 *   <li>each epoch visits the training rows in mini-batches of {@code batchSize} (the last one may
 *       be smaller), in an order drawn by a {@link Random} seeded from ({@code seed}, epoch); the
 *       engine's generator (initialisation, dropout) is seeded from {@code seed}, and reseeded from
 *       ({@code seed}, epoch) at each epoch, so a run is reproducible and a resumed run repeats the
 *       epochs it resumes (on one PyTorch thread; one run at a time per process, as the PyTorch
 *       generator is global);
 *   <li>optimizer {@code sgd} (no momentum), {@code adam} (weight decay as an L2 term of the
 *       gradient) or {@code adamw} (decoupled weight decay), with {@code learningRate} and {@code
 *       weightDecay}: {@link ResumableOptimizer}, whose state goes into the checkpoints; it updates
 *       every parameter at once ({@link FlatParameters}: the parameters are views of one flat
 *       tensor);
 *   <li>without input noise or mixup the training rows are copied into libtorch once per run,
 *       gathered there in each epoch's order once per epoch, and each mini-batch is a view of that;
 *       dropout in training is {@link #dropout} (DJL's distribution, a cheaper draw);
 *   <li>after every epoch a {@link TrainerCheckpoint} goes to the {@link CheckpointStore}, and a
 *       training finds its latest one there and resumes after it;
 *   <li>a training loss that is NaN or infinite throws {@link TrainingDivergedException};
 *   <li>the learning rate changes per epoch e = 1..E (E = {@code epochs}, the maximum): {@code
 *       constant} lr; {@code cosine} lr·½(1 + cos(π(e−1)/E)); {@code step} lr·½^⌊(e−1)/s⌋ with s =
 *       max(1, ⌊E/4⌋), halving four times over a full run; {@code linear} lr·(1 − (e−1)/E); {@code
 *       warmup-cosine} lr·e/w for e ≤ w = max(1, round(E/10)), then lr·½(1 + cos(π(e−1−w)/(E−w)));
 *   <li>early stopping (when enabled) on {@code val_loss} only: the run stops when the validation
 *       loss has not dropped below the best one by more than {@code minDelta} for {@code patience}
 *       epochs in a row;
 *   <li>cancellation is checked before every mini-batch: a cancelled run saves nothing.
 * </ul>
 *
 * <p>Not thread-safe; one instance may run several trainings one after the other.
 */
public final class MlpTrainer implements ModelTrainer {
  /** The only early-stopping metric supported. */
  public static final String VAL_LOSS = "val_loss";

  /** Validation accuracy (classification). */
  public static final String VAL_ACCURACY = "val_accuracy";

  /** Multiclass: scikit-learn's {@code log_loss} of the validation probabilities. */
  public static final String VAL_LOG_LOSS = "val_log_loss";

  /** Regression: {@code sqrt(mean_squared_error)} of the validation predictions. */
  public static final String VAL_RMSE = "val_rmse";

  /** Regression: {@code mean_absolute_error} of the validation predictions. */
  public static final String VAL_MAE = "val_mae";

  /** Regression: {@code r2_score} of the validation predictions. */
  public static final String VAL_R2 = "val_r2";

  static final int EVAL_BATCH = 4096;

  private final PipelineSpec.Training training;
  private ModelBundle parent;
  private Path backboneFile;
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
    requireOneOf(
        "schedule", training.schedule(), "constant", "cosine", "step", "linear", "warmup-cosine");
    if (training.epochs() < 1) {
      throw new IllegalArgumentException("epochs must be at least 1: " + training.epochs());
    }
    EarlyStop.checkClassWeight(training.classWeight());
    // every layer with parameters: the convolutions of a cnn, the hidden layers, the output layer
    int linearLayers =
        ("linear".equals(training.model().type()) || training.model().hidden() == null
                ? 0
                : training.model().hidden().size())
            + (training.model().image() == null || training.model().image().filters() == null
                ? 0
                : training.model().image().filters().size())
            + (training.model().text() == null ? 0 : 1)
            + 1;
    if (training.model().text() != null) {
      PipelineSpec.Text text = training.model().text();
      if (!ModelConfig.MLP.equals(training.model().type())
          && !ModelConfig.LINEAR.equals(training.model().type())) {
        throw new IllegalArgumentException(
            "model.text is for mlp and linear models, not " + training.model().type());
      }
      if (text.column() == null || text.column().isBlank()) {
        throw new IllegalArgumentException("model.text needs its column");
      }
      if (text.vocabulary() == null
          || text.vocabulary() < 1
          || text.maxTokens() == null
          || text.maxTokens() < 1
          || text.dimension() == null
          || text.dimension() < 1) {
        throw new IllegalArgumentException(
            "model.text needs vocabulary, maxTokens and dimension of at least 1 (pass"
                + " spec.withDefaults()): "
                + text);
      }
      if (training.augmentation() != null
          && training.augmentation().mixup() != null
          && training.augmentation().mixup() > 0) {
        throw new IllegalArgumentException(
            "augmentation.mixup mixes whole input rows and would mix token ids: it is not for a"
                + " model with model.text");
      }
    }
    if (training.freezeLayers() != null
        && (training.freezeLayers() < 0 || training.freezeLayers() >= linearLayers)) {
      throw new IllegalArgumentException(
          "freezeLayers must be in [0, "
              + (linearLayers - 1)
              + "]: the model has "
              + linearLayers
              + " layers and the last one trains, not "
              + training.freezeLayers());
    }
    if (training.augmentation() != null
        && training.augmentation().mixup() != null
        && !(training.augmentation().mixup() >= 0)) {
      throw new IllegalArgumentException(
          "augmentation.mixup must be at least 0: " + training.augmentation().mixup());
    }
    if (training.augmentation() != null
        && training.augmentation().noise() != null
        && !(training.augmentation().noise() >= 0)) {
      throw new IllegalArgumentException(
          "augmentation.noise must be at least 0: " + training.augmentation().noise());
    }
    if (training.gradientClip() != null && !(training.gradientClip() > 0)) {
      throw new IllegalArgumentException(
          "gradientClip must be positive: " + training.gradientClip());
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
    if (training.model().backbone() != null) {
      List<String> refused = new ArrayList<>();
      if (!ModelConfig.MLP.equals(training.model().type())
          && !ModelConfig.LINEAR.equals(training.model().type())) {
        refused.add("model.type " + training.model().type());
      }
      if (training.model().text() != null) {
        refused.add("model.text");
      }
      if (training.augmentation() != null
          && (training.augmentation().noise() != null || training.augmentation().mixup() != null)) {
        refused.add("augmentation");
      }
      if (Boolean.TRUE.equals(training.warmStart())) {
        refused.add("warmStart");
      }
      if (!refused.isEmpty()) {
        throw new IllegalArgumentException(
            "a model.backbone trains an mlp or linear head and does not go with "
                + String.join(", ", refused));
      }
    }
    EarlyStop.check(earlyStopping);
    // fail on the model type now, not after the data is prepared
    modelConfig(Target.binary("negative", "positive"), 0, 1);
  }

  /**
   * Starts training from {@code parent}'s parameters and preprocessing instead of fresh ones
   * (fine-tuning, the spec's {@code training.warmStart}). The parent must fit: the same numeric and
   * categorical inputs as the data, the same task and classes and the same layers; {@link #train}
   * fails with {@link IllegalArgumentException} naming the difference otherwise. The bundle stays
   * open and owned by the caller.
   */
  public MlpTrainer warmStartFrom(ModelBundle parent) {
    this.parent = Objects.requireNonNull(parent, "parent");
    return this;
  }

  /**
   * The TorchScript file of the spec's {@code model.backbone}, fetched from the store by the
   * caller: {@link #train} runs it (frozen) on the preprocessed rows and trains the network as a
   * head on its outputs, and the bundle keeps a copy. Required when the spec has a backbone.
   */
  public MlpTrainer withBackbone(Path file) {
    if (training.model().backbone() == null) {
      throw new IllegalArgumentException("the spec's model has no backbone");
    }
    this.backboneFile = Objects.requireNonNull(file, "file");
    return this;
  }

  /** How many leading layers a warm start keeps frozen. */
  private int frozenLayers() {
    return training.freezeLayers() == null ? 0 : training.freezeLayers();
  }

  /**
   * How many leading parameters the frozen layers have: the text bag's one (its embedding table),
   * then two (weight, bias) per convolution or linear layer.
   */
  private int frozenParameters(ModelConfig config) {
    int layers = frozenLayers();
    if (config.text() != null && layers > 0) {
      return 1 + 2 * (layers - 1);
    }
    return 2 * layers;
  }

  /**
   * The config with the text bag over the preprocessing's free-text feature, when the spec has one;
   * a parent's preprocessing that does not read the spec's column as text does not fit.
   */
  private ModelConfig withTextBag(ModelConfig config, Preprocessing pre) {
    PipelineSpec.Text text = training.model().text();
    if (text == null) {
      return config;
    }
    Preprocessing.Categorical feature = pre.textFeature();
    if (feature == null || !feature.name().equals(text.column())) {
      throw new IncompatibleParentException(
          "the parent model does not fit: it does not read " + text.column() + " as text");
    }
    return config.withText(
        new ModelConfig.Text(
            pre.tokensAt(),
            feature.tokens().maxTokens(),
            feature.tokens().vocabulary().size(),
            text.dimension()));
  }

  /** The parent's preprocessing, checked to fit the data and the model to train. */
  private Preprocessing parentPreprocessing(TrainingData data, ModelConfig config) {
    Preprocessing pre = parent.preprocessing();
    if (!pre.features().equals(data.features())
        || !pre.categoricalFeatures().equals(data.categorical())) {
      throw new IncompatibleParentException(
          "the parent model does not fit: it takes "
              + pre.inputs()
              + " but the dataset has "
              + data.features()
              + (data.categorical().isEmpty() ? "" : " and " + data.categorical()));
    }
    ModelConfig theirs = parent.config();
    if (theirs.task() != config.task() || !theirs.labels().equals(config.labels())) {
      throw new IncompatibleParentException(
          "the parent model does not fit: it is a "
              + theirs.task().wire()
              + " model of "
              + theirs.labels()
              + ", this run trains a "
              + config.task().wire()
              + " model of "
              + config.labels());
    }
    if (!theirs.type().equals(config.type())
        || !theirs.layers().equals(config.layers())
        || !Objects.equals(theirs.image(), config.image())) {
      throw new IncompatibleParentException(
          "the parent model does not fit: its architecture is "
              + architecture(theirs)
              + ", the spec's is "
              + architecture(config));
    }
    return pre;
  }

  private static String architecture(ModelConfig config) {
    return config.type()
        + " "
        + config.layers()
        + (config.image() == null ? "" : " over a " + config.image());
  }

  /**
   * Trains a binary classifier on {@code data} (y 1 = positive), keeps the parameters of the best
   * epoch by validation loss, and saves the bundle ({@link ModelBundle#save}) into {@code outDir} —
   * unless cancelled, when nothing is written; no checkpoints.
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
        data,
        Target.binary(negativeLabel, positiveLabel),
        outDir,
        listener,
        cancelled,
        CheckpointStore.NONE);
  }

  /**
   * As {@link #train(TrainingData, Target, Path, EpochListener, BooleanSupplier, CheckpointStore)}
   * for a binary target, {@code negativeLabel} class 0 and {@code positiveLabel} class 1.
   */
  public TrainingOutcome train(
      TrainingData data,
      String negativeLabel,
      String positiveLabel,
      Path outDir,
      EpochListener listener,
      BooleanSupplier cancelled,
      CheckpointStore checkpoints) {
    return train(
        data,
        Target.binary(negativeLabel, positiveLabel),
        outDir,
        listener,
        cancelled,
        checkpoints);
  }

  /**
   * Trains on {@code data} for {@code target}, keeps the parameters of the best epoch by validation
   * loss, and saves the bundle ({@link ModelBundle#save}) into {@code outDir} — unless cancelled,
   * when nothing is written. Saves a {@link TrainerCheckpoint} to {@code checkpoints} after every
   * epoch (before the listener hears of it) and, when {@code checkpoints} already holds one of this
   * same training, resumes after its epoch: the run then ends with exactly the parameters an
   * uninterrupted run ends with (same device and thread count).
   *
   * @param target the task and its classes; {@code data}'s targets must fit it (class indices in
   *     {@code [0, K)} for a classification)
   * @param listener told about every finished epoch; an exception it throws aborts the run and
   *     propagates
   * @param cancelled polled before every mini-batch
   * @throws IllegalArgumentException when a target value does not fit {@code target}
   */
  @Override
  public TrainingOutcome train(
      TrainingData data,
      Target target,
      Path outDir,
      EpochListener listener,
      BooleanSupplier cancelled,
      CheckpointStore checkpoints) {
    Objects.requireNonNull(checkpoints, "checkpoints");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(outDir, "outDir");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(cancelled, "cancelled");
    Task task = target.task();
    int classes = target.classes().size();
    int[] trainClasses = null;
    int[] valClasses = null;
    double targetMean = 0;
    double targetScale = 1;
    if (task.classification()) {
      boolean binary = task == Task.BINARY_CLASSIFICATION;
      trainClasses = TrainingData.classIndices("trainY", data.trainY(), classes, binary);
      valClasses = TrainingData.classIndices("valY", data.valY(), classes, binary);
    } else {
      double[] moments = meanAndScale(data.trainY());
      targetMean = moments[0];
      targetScale = moments[1];
    }
    ModelConfig config = modelConfig(target, targetMean, targetScale);
    PipelineSpec.Text text = training.model().text();
    Preprocessing pre =
        parent != null
            ? parentPreprocessing(data, config)
            : Preprocessing.fit(
                data.features(),
                data.trainX(),
                data.categorical(),
                data.trainText(),
                Preprocessing.MAX_CATEGORIES,
                text == null
                    ? null
                    : new Preprocessing.TextColumn(
                        text.column(), text.vocabulary(), text.maxTokens()));
    config = withTextBag(config, pre);
    if (parent != null && !Objects.equals(parent.config().text(), config.text())) {
      throw new IncompatibleParentException(
          "the parent model does not fit: its text bag is "
              + parent.config().text()
              + ", the spec's is "
              + config.text());
    }
    int width = pre.width();
    float[] trainX = flatten(pre.apply(data.trainX(), data.trainText()), width);
    float[] valX = flatten(pre.apply(data.valX(), data.valText()), width);
    int rows = data.trainY().length;
    if (training.model().backbone() != null) {
      if (backboneFile == null) {
        throw new IllegalStateException("the spec has a backbone: pass its file to withBackbone");
      }
      // The frozen backbone runs once on every row; the network trains on its features.
      try (Backbone backbone = Backbone.load(backboneFile)) {
        int features = backbone.outputs(width);
        trainX = backbone.apply(trainX, rows, width, features);
        valX = backbone.apply(valX, data.valY().length, width, features);
        config =
            config.withBackbone(
                new ModelConfig.Backbone(width, features, Backbone.sha256(backboneFile)));
        width = features;
      }
    }
    // The labels the loss compares with, labelWidth floats per row.
    int labelWidth = task == Task.MULTICLASS_CLASSIFICATION ? classes : 1;
    float[] trainLabels = new float[rows * labelWidth];
    for (int i = 0; i < rows; i++) {
      switch (task) {
        case BINARY_CLASSIFICATION -> trainLabels[i] = trainClasses[i];
        case MULTICLASS_CLASSIFICATION -> trainLabels[i * classes + trainClasses[i]] = 1f;
        case REGRESSION -> trainLabels[i] = (float) ((data.trainY()[i] - targetMean) / targetScale);
      }
    }
    int epochs = training.epochs();
    double clip = training.gradientClip() == null ? 0 : training.gradientClip();
    double noise =
        training.augmentation() == null || training.augmentation().noise() == null
            ? 0
            : training.augmentation().noise();
    double mixup =
        training.augmentation() == null || training.augmentation().mixup() == null
            ? 0
            : training.augmentation().mixup();
    float[] rowWeights = null;
    if ("balanced".equals(training.classWeight())) {
      if (!task.classification()) {
        throw new IllegalArgumentException(
            "classWeight is for classification; this is " + task.wire());
      }
      double[] classWeights = balancedClassWeights(trainClasses, classes);
      rowWeights = new float[rows];
      for (int i = 0; i < rows; i++) {
        rowWeights[i] = (float) classWeights[trainClasses[i]];
      }
    }
    int batchSize = Math.min(training.batchSize(), rows);
    long seed = training.seed();

    Djl.configure();
    Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
    double[] learningRate = {learningRate(1)};
    String fingerprint = fingerprint(data, target, pre);

    List<EpochResult> history = new ArrayList<>();
    int bestEpoch = 0;
    double bestLoss = Double.NaN;
    float[][] bestParameters = null;
    int sinceBest = 0;
    String stopReason = TrainingOutcome.REACHED_MAX_EPOCHS;

    Device device = device();
    try (Model model = Model.newInstance("trainyard-" + config.type(), device)) {
      model.setBlock(ModelBundle.block(config, width));
      Map<String, Integer> positions = new java.util.HashMap<>();
      List<Parameter> parameterList = model.getBlock().getParameters().values();
      for (int i = 0; i < parameterList.size(); i++) {
        positions.put(parameterList.get(i).getId(), i);
      }
      int frozenParameters = parent == null ? 0 : frozenParameters(config);
      ResumableOptimizer optimizer =
          new ResumableOptimizer(
              ResumableOptimizer.Kind.valueOf(training.optimizer().toUpperCase(Locale.ROOT)),
              () -> learningRate[0],
              training.weightDecay().floatValue(),
              positions,
              frozenParameters);
      DefaultTrainingConfig trainingConfig =
          new DefaultTrainingConfig(loss(task))
              .optOptimizer(optimizer)
              .optDevices(new Device[] {device});
      try (Trainer trainer = model.newTrainer(trainingConfig)) {
        trainer.initialize(new Shape(batchSize, width));
        // All parameters in one flat tensor, for the optimizer's fused step; the forward passes go
        // through a store that sees them (not the trainer's, nor trainer.step()).
        FlatParameters flat = FlatParameters.bind(parameterList, frozenParameters);
        Net net =
            new Net(
                trainer,
                new ParameterStore(trainer.getManager(), false),
                flat,
                optimizer,
                (float) config.dropout(),
                trainer.getManager().ones(new Shape()));
        // Without input noise or mixup the training rows go to libtorch once; each epoch gathers
        // them in its order there, and a mini-batch is a view of that (no copy through Java).
        boolean staged = noise == 0 && mixup == 0;
        NDArray stagedX = null;
        NDArray stagedY = null;
        NDArray stagedW = null;
        if (staged) {
          stagedX = trainer.getManager().create(trainX, new Shape(rows, width));
          stagedY = trainer.getManager().create(trainLabels, new Shape(rows, labelWidth));
          stagedW =
              rowWeights == null
                  ? null
                  : trainer.getManager().create(rowWeights, new Shape(rows, 1));
        }
        int firstEpoch = 1;
        Optional<TrainerCheckpoint> resumed = resumable(checkpoints, fingerprint);
        if (parent != null && resumed.isEmpty()) {
          restore(model, parent.parameterValues());
        }
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
          // Input noise too: drawn from (seed, epoch), in batch order.
          Random noiseRandom =
              noise > 0 || mixup > 0 ? new Random(mix(seed, epoch) ^ NOISE_STREAM) : null;
          optimizer.takeGradientSquares();
          double gradientNorms = 0;
          long started = System.nanoTime();
          double lossSum = 0;
          int batches = 0;
          Step step =
              new Step(
                  clip,
                  rowWeights,
                  task,
                  noise,
                  noise > 0 ? pre.features().size() : 0,
                  mixup,
                  noiseRandom);
          EpochRows epochRows =
              staged ? EpochRows.gather(stagedX, stagedY, stagedW, order, batchSize) : null;
          try {
            for (int start = 0; start < rows; start += batchSize) {
              if (cancelled.getAsBoolean()) {
                return cancelledOutcome(bestEpoch, history);
              }
              int size = Math.min(batchSize, rows - start);
              double loss =
                  staged
                      ? trainBatch(net, epochRows, start / batchSize, step)
                      : trainBatch(
                          net, trainX, trainLabels, labelWidth, order, start, size, width, step);
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
          } finally {
            if (epochRows != null) {
              epochRows.close();
            }
          }
          double seconds = (System.nanoTime() - started) / 1e9;
          Validation validation =
              switch (task) {
                case BINARY_CLASSIFICATION -> validate(net, valX, valClasses, width);
                case MULTICLASS_CLASSIFICATION ->
                    validateMulticlass(net, valX, valClasses, classes, width);
                case REGRESSION -> validateRegression(net, valX, data.valY(), config, width);
              };
          EpochResult result =
              new EpochResult(
                  epoch,
                  epochs,
                  lossSum / batches,
                  validation.loss(),
                  validation.accuracy(),
                  rate,
                  rows / Math.max(seconds, 1e-9),
                  gradientNorms / batches,
                  validation.metrics());
          history.add(result);
          if (EarlyStop.improves(earlyStopping, bestEpoch, bestLoss, result.valLoss())) {
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
        ModelBundle.save(outDir, config, pre, model, backboneFile);
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
    return EarlyStop.stops(earlyStopping, sinceBest);
  }

  private String earlyStopReason() {
    return EarlyStop.reason(earlyStopping, "epochs");
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
   * SHA-256 over the training settings, the task, its labels and the data: a checkpoint resumes
   * only the training it was taken from. A binary training's fingerprint is the one it had before
   * tasks existed (its runs' checkpoints stay resumable).
   */
  private String fingerprint(TrainingData data, Target target, Preprocessing pre) {
    try {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      String settings = settingsText(training);
      if (parent != null) {
        // A warm start begins from the parent's parameters: its checkpoints are another training.
        for (float[] values : parent.parameterValues()) {
          java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(values.length * 4);
          bytes.asFloatBuffer().put(values);
          digest.update(bytes);
        }
      }
      digest.update(settings.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      if (backboneFile != null) {
        // Another backbone under the same URI is another training.
        digest.update(
            Backbone.sha256(backboneFile).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      List<String> labels = target.classes();
      String what =
          target.task() == Task.BINARY_CLASSIFICATION
              ? labels.get(0) + "\n" + labels.get(1) + "\n" + data.features()
              : target.task().wire() + "\n" + labels + "\n" + data.features();
      digest.update(what.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      if (!pre.outputNames().equals(data.features())) {
        // Indicators or categorical features (absent from fingerprints before they existed): the
        // encoded columns, and every categorical value.
        digest.update(
            pre.outputNames().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String[][] rows : List.of(data.trainText(), data.valText())) {
          for (String[] row : rows) {
            digest.update(Arrays.toString(row).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }
        }
      }
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
      boolean classification = target.task().classification();
      for (double[] ys : List.of(data.trainY(), data.valY())) {
        for (double y : ys) {
          if (buffer.remaining() < 8) {
            digest.update(buffer.flip());
            buffer.clear();
          }
          if (classification) {
            buffer.putInt((int) y);
          } else {
            buffer.putDouble(y);
          }
        }
      }
      digest.update(buffer.flip());
      return java.util.HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The training settings as the fingerprint reads them: the record's text (deterministic: records
   * and lists print their components; not Jackson, which in the service would load the spec classes
   * from a second class loader), without the settings that are unset — so a spec keeps the
   * fingerprint it had before such a setting existed — and without the deadline, which does not
   * change what is trained.
   */
  static String settingsText(PipelineSpec.Training training) {
    String settings = training.toString();
    // components added after checkpoints existed print ", name=null" when unset
    for (String unset :
        List.of(
            "candidates=null",
            "search=null",
            "trees=null",
            "image=null",
            "text=null",
            "backbone=null")) {
      settings = settings.replace(", " + unset, "");
    }
    settings = settings.replace(", deadline=" + training.deadline() + "]", "]");
    for (String unset :
        List.of(
            "gradientClip=null",
            "classWeight=null",
            "warmStart=false",
            "freezeLayers=0",
            "freezeLayers=null",
            "augmentation=null")) {
      settings = settings.replace(", " + unset, "");
    }
    return settings;
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
      case "warmup-cosine" -> {
        // A linear warm-up over the first tenth of the epochs, then the cosine over the rest.
        int warmup = Math.max(1, (int) Math.round(epochs / 10.0));
        yield epoch <= warmup
            ? lr * epoch / warmup
            : lr * 0.5 * (1 + Math.cos(Math.PI * (epoch - 1 - warmup) / (epochs - warmup)));
      }
      default -> throw new IllegalStateException("schedule " + training.schedule());
    };
  }

  private ModelConfig modelConfig(Target target, double targetMean, double targetScale) {
    PipelineSpec.Model model = training.model();
    double dropout = model.dropout() == null ? 0 : model.dropout();
    List<String> classes = target.classes();
    ModelConfig.Image image = image(model);
    boolean binary = target.task() == Task.BINARY_CLASSIFICATION;
    boolean regression = target.task() == Task.REGRESSION;
    return new ModelConfig(
        model.type(),
        model.hidden(),
        dropout,
        binary ? classes.get(0) : null,
        binary ? classes.get(1) : null,
        target.task(),
        target.task() == Task.MULTICLASS_CLASSIFICATION ? classes : null,
        regression ? targetMean : null,
        regression ? targetScale : null,
        image);
  }

  /** The spec's image as the model config keeps it; {@code null} for a model without one. */
  private static ModelConfig.Image image(PipelineSpec.Model model) {
    PipelineSpec.Image image = model.image();
    if (image == null) {
      return null;
    }
    if (image.height() == null || image.width() == null) {
      throw new IllegalArgumentException("model.image needs its height and width");
    }
    return new ModelConfig.Image(
        image.channels() == null ? PipelineSpec.Defaults.IMAGE_CHANNELS : image.channels(),
        image.height(),
        image.width(),
        image.filters() == null ? PipelineSpec.Defaults.IMAGE_FILTERS : image.filters(),
        image.kernel() == null ? PipelineSpec.Defaults.IMAGE_KERNEL : image.kernel());
  }

  /** The training loss of a task. */
  private static Loss loss(Task task) {
    return switch (task) {
      case BINARY_CLASSIFICATION -> Loss.sigmoidBinaryCrossEntropyLoss();
      // dense (one-hot) labels, logits in: -Σ onehot · logSoftmax(z), averaged over the rows
      case MULTICLASS_CLASSIFICATION ->
          Loss.softmaxCrossEntropyLoss("SoftmaxCrossEntropyLoss", 1f, -1, false, true);
      // weight 1: the mean squared error (DJL's default weight ½ would halve it)
      case REGRESSION -> Loss.l2Loss("L2Loss", 1f);
    };
  }

  /**
   * The mean and the population standard deviation of a regression target (1 when it is 0 up to
   * rounding, as {@link Preprocessing} treats a constant feature).
   */
  static double[] meanAndScale(double[] y) {
    double sum = 0;
    for (double v : y) {
      sum += v;
    }
    double mean = sum / y.length;
    double squares = 0;
    for (double v : y) {
      squares += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(squares / y.length);
    double scale = std <= 10 * Math.ulp(1.0) * Math.max(1.0, Math.abs(mean)) ? 1.0 : std;
    return new double[] {mean, scale};
  }

  /**
   * One optimisation step on rows {@code order[start..start+size)} copied from Java arrays (the
   * path of input noise and mixup, which change the batch in Java), {@code labelWidth} label values
   * per row; returns the batch loss.
   */
  private static double trainBatch(
      Net net,
      float[] x,
      float[] y,
      int labelWidth,
      int[] order,
      int start,
      int size,
      int width,
      Step step) {
    float[] batchX = new float[size * width];
    float[] batchY = new float[size * labelWidth];
    for (int i = 0; i < size; i++) {
      int row = order[start + i];
      System.arraycopy(x, row * width, batchX, i * width, width);
      System.arraycopy(y, row * labelWidth, batchY, i * labelWidth, labelWidth);
    }
    if (step.noise() > 0) {
      // Gaussian noise on the standardised numeric columns (the first noisyColumns of a row)
      for (int i = 0; i < size; i++) {
        for (int j = 0; j < step.noisyColumns(); j++) {
          batchX[i * width + j] += (float) (step.noise() * step.noiseRandom().nextGaussian());
        }
      }
    }
    float[] batchW = null;
    if (step.rowWeights() != null) {
      batchW = new float[size];
      for (int i = 0; i < size; i++) {
        batchW[i] = step.rowWeights()[order[start + i]];
      }
    }
    if (step.mixup() > 0 && size > 1) {
      // mixup: the batch with itself shuffled, inputs, targets and weights alike
      double lambda = beta(step.mixup(), step.noiseRandom());
      int[] partner = identity(size);
      shuffle(partner, step.noiseRandom());
      batchX = mixRows(batchX, partner, width, lambda);
      batchY = mixRows(batchY, partner, labelWidth, lambda);
      if (batchW != null) {
        batchW = mixRows(batchW, partner, 1, lambda);
      }
    }
    try (NDManager manager = net.trainer().getManager().newSubManager()) {
      NDArray inputs = manager.create(batchX, new Shape(size, width));
      NDArray labels = manager.create(batchY, new Shape(size, labelWidth));
      NDArray weights = batchW == null ? null : manager.create(batchW, new Shape(size, 1));
      return optimise(net, inputs, labels, weights, step);
    }
  }

  /**
   * One optimisation step on rows {@code [start, start+size)} of an epoch's tensors (the training
   * rows already gathered in the epoch's order inside libtorch): the mini-batch is a view of them,
   * with no copy through Java. Returns the batch loss.
   */
  private static double trainBatch(Net net, EpochRows rows, int batch, Step step) {
    try (NDManager manager = net.trainer().getManager().newSubManager()) {
      // the batch's views move to the batch's manager: what is computed from them goes there too
      NDArray inputs = rows.xs().get(batch);
      NDArray labels = rows.ys().get(batch);
      NDArray weights = rows.ws() == null ? null : rows.ws().get(batch);
      inputs.attach(manager);
      labels.attach(manager);
      if (weights != null) {
        weights.attach(manager);
      }
      return optimise(net, inputs, labels, weights, step);
    }
  }

  /**
   * Forward, loss, backward, clipping and the optimizer's fused step on one mini-batch ({@code
   * weights} null: unweighted); returns the batch loss.
   */
  private static double optimise(
      Net net, NDArray inputs, NDArray labels, NDArray weights, Step step) {
    double loss;
    try (GradientCollector collector = net.trainer().newGradientCollector()) {
      NDList logits = net.forward(new NDList(inputs), true);
      NDArray lossValue =
          weights == null
              ? net.trainer().getLoss().evaluate(new NDList(labels), logits)
              : weightedLoss(step.task(), labels, logits.singletonOrThrow(), weights);
      net.backward(collector, lossValue);
      loss = lossValue.getFloat();
    }
    if (step.clip() > 0) {
      clipGradients(net.flat(), step.clip());
    }
    net.optimizer().step(net.flat());
    return loss;
  }

  /**
   * The network being trained: the trainer (manager, loss, gradient collector), the parameters laid
   * out flat for the fused optimizer step, and the {@link ParameterStore} the forward passes go
   * through (created after the parameters were rebound to the flat tensor: the trainer's own store
   * would still hold their former arrays).
   */
  private record Net(
      Trainer trainer,
      ParameterStore store,
      FlatParameters flat,
      ResumableOptimizer optimizer,
      float dropout,
      NDArray one) {
    /**
     * The backward pass from a scalar loss, seeded with {@code one} (created once per run) rather
     * than with the new tensor of ones DJL's collector creates at every call.
     */
    void backward(GradientCollector collector, NDArray loss) {
      if (loss instanceof PtNDArray target
          && one instanceof PtNDArray seed
          && loss.getShape().equals(one.getShape())) {
        JniUtils.backward(target, seed, false, false);
      } else {
        collector.backward(loss);
      }
    }

    /**
     * The block's forward pass; in training, its layers one by one: each {@code Linear} as DJL's
     * {@link Linear#linear} on its parameters (what the block would run, without its per-call
     * bookkeeping), each {@code Dropout} as {@link MlpTrainer#dropout}, any other layer (ReLU) by
     * its own forward.
     */
    NDList forward(NDList inputs, boolean training) {
      Block block = trainer.getModel().getBlock();
      if (!training) {
        return block.forward(store, inputs, false);
      }
      NDList x = inputs;
      for (Block layer : block.getChildren().values()) {
        if (layer instanceof Linear) {
          ParameterList parameters = layer.getParameters();
          x =
              Linear.linear(
                  x.singletonOrThrow(),
                  parameters.get("weight").getArray(),
                  parameters.get("bias").getArray());
        } else if (layer instanceof Dropout) {
          x = new NDList(MlpTrainer.dropout(x.singletonOrThrow(), dropout));
        } else {
          x = layer.forward(store, x, true);
        }
      }
      return x;
    }
  }

  /**
   * Inverted dropout in training: {@code x · mask / keep}, with {@code keep = 1 − rate} and a mask
   * that is 1 where a float32 uniform draw in [0, 1) is at least {@code rate} (so with probability
   * {@code keep}), from the engine's generator. The distribution of DJL's and PyTorch's dropout,
   * but about half the cost: libtorch's {@code bernoulli_} draws a double (two 32-bit draws of its
   * Mersenne Twister) per value on CPUs where it does not use MKL's generator (AMD's among them),
   * {@code uniform_} a float (one draw).
   */
  static NDArray dropout(NDArray x, float rate) {
    if (rate <= 0) {
      return x;
    }
    if (rate >= 1) {
      return x.mul(0f);
    }
    NDArray mask =
        x.getManager()
            .randomUniform(0f, 1f, x.getShape())
            .gte(rate)
            .toType(DataType.FLOAT32, false)
            .muli(1f / (1f - rate));
    return x.mul(mask);
  }

  /**
   * An epoch's training rows in libtorch, gathered once in the epoch's order and split into its
   * mini-batches (views, one split call per tensor): inputs, labels and row weights (null:
   * unweighted).
   */
  private record EpochRows(NDArray x, NDArray y, NDArray w, NDList xs, NDList ys, NDList ws)
      implements AutoCloseable {
    static EpochRows gather(NDArray x, NDArray y, NDArray w, int[] order, int batchSize) {
      long[] indices = new long[order.length];
      for (int i = 0; i < order.length; i++) {
        indices[i] = order[i];
      }
      long[] cuts = new long[(order.length - 1) / batchSize];
      for (int i = 0; i < cuts.length; i++) {
        cuts[i] = (long) (i + 1) * batchSize;
      }
      try (NDArray index = x.getManager().create(indices)) {
        NDArray gx = x.get(index);
        NDArray gy = y.get(index);
        NDArray gw = w == null ? null : w.get(index);
        return new EpochRows(
            gx,
            gy,
            gw,
            batches(gx, cuts),
            batches(gy, cuts),
            gw == null ? null : batches(gw, cuts));
      }
    }

    private static NDList batches(NDArray rows, long[] cuts) {
      return cuts.length == 0 ? new NDList(rows.get("0:")) : rows.split(cuts);
    }

    @Override
    public void close() {
      // the batches not trained (a cancelled epoch) are still here; closing twice is harmless
      xs.close();
      ys.close();
      x.close();
      y.close();
      if (w != null) {
        ws.close();
        w.close();
      }
    }
  }

  /**
   * How a mini-batch steps: the parameters and clipping bound ({@code 0}: none), and the class
   * weight of each training row ({@code null}: unweighted).
   */
  private record Step(
      double clip,
      float[] rowWeights,
      Task task,
      double noise,
      int noisyColumns,
      double mixup,
      Random noiseRandom) {}

  /**
   * A draw from Beta(alpha, alpha) as {@code X / (X + Y)} with X, Y ~ Gamma(alpha, 1) (Marsaglia
   * and Tsang's method; for alpha below 1 the boost {@code Gamma(alpha + 1) · U^(1/alpha)}).
   */
  static double beta(double alpha, Random random) {
    double x = gamma(alpha, random);
    double y = gamma(alpha, random);
    return x + y == 0 ? 0.5 : x / (x + y);
  }

  private static double gamma(double alpha, Random random) {
    if (alpha < 1) {
      return gamma(alpha + 1, random) * Math.pow(random.nextDouble(), 1 / alpha);
    }
    double d = alpha - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = random.nextGaussian();
      double v = 1 + c * z;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = random.nextDouble();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  /** {@code lambda · rows[i] + (1 − lambda) · rows[partner[i]]}, {@code width} values per row. */
  private static float[] mixRows(float[] rows, int[] partner, int width, double lambda) {
    float[] mixed = new float[rows.length];
    for (int i = 0; i < partner.length; i++) {
      for (int j = 0; j < width; j++) {
        mixed[i * width + j] =
            (float) (lambda * rows[i * width + j] + (1 - lambda) * rows[partner[i] * width + j]);
      }
    }
    return mixed;
  }

  /** Separates the input-noise random stream from the data order's (same seed and epoch). */
  private static final long NOISE_STREAM = 0x6E6F697365L;

  /**
   * The per-row loss weighted by class and averaged over the batch, {@code mean(w_i * l_i)} (as
   * Keras' {@code class_weight}): binary {@code l = max(z, 0) - z y + log(1 + exp(-|z|))}, the
   * sigmoid cross-entropy; multiclass {@code l = -Σ_k y_k log softmax(z)_k}.
   */
  private static NDArray weightedLoss(Task task, NDArray y, NDArray z, NDArray w) {
    NDArray perRow =
        task == Task.BINARY_CLASSIFICATION
            ? z.maximum(0f).sub(z.mul(y)).add(z.abs().neg().exp().add(1f).log())
            : z.logSoftmax(1).mul(y).sum(new int[] {1}, true).neg();
    return perRow.mul(w).mean();
  }

  /**
   * The balanced class weights of scikit-learn's {@code compute_class_weight("balanced")}: {@code n
   * / (k * count_c)} for each of the {@code k} classes, from the training class indices.
   *
   * @throws IllegalArgumentException when a class has no training row
   */
  static double[] balancedClassWeights(int[] classIndices, int k) {
    long[] counts = new long[k];
    for (int c : classIndices) {
      counts[c]++;
    }
    double[] weights = new double[k];
    for (int c = 0; c < k; c++) {
      if (counts[c] == 0) {
        throw new IllegalArgumentException("class " + c + " has no training row to weight");
      }
      weights[c] = classIndices.length / (double) (k * counts[c]);
    }
    return weights;
  }

  /**
   * Scales the gradients so that their global L2 norm is at most {@code maxNorm}, as PyTorch's
   * {@code clip_grad_norm_} does: with {@code total} the norm over every parameter's gradient, each
   * gradient is multiplied by {@code maxNorm / (total + 1e-6)} when that is below 1.
   */
  static void clipGradients(FlatParameters flat, double maxNorm) {
    double squares = 0;
    try (NDScope scope = new NDScope()) {
      for (int i = 0; i < flat.size(); i++) {
        squares += flat.gradient(i).square().sum().getFloat();
      }
    }
    double coefficient = maxNorm / (Math.sqrt(squares) + 1e-6);
    if (coefficient < 1) {
      for (int i = 0; i < flat.size(); i++) {
        flat.gradient(i).muli((float) coefficient);
      }
    }
  }

  /** What the validation rows measured after an epoch. */
  /** Binary: mean binary cross-entropy and accuracy at 0.5 over the validation rows. */
  private static Validation validate(Net net, float[] x, int[] y, int width) {
    return Validation.binary(evaluate(net, x, y.length, 1, width), y);
  }

  /**
   * The block's outputs for the validation rows in inference mode, {@code outputs} per row,
   * row-major.
   */
  private static float[] evaluate(Net net, float[] x, int rows, int outputs, int width) {
    float[] all = new float[rows * outputs];
    try (NDManager manager = net.trainer().getManager().newSubManager()) {
      for (int start = 0; start < rows; start += EVAL_BATCH) {
        int size = Math.min(EVAL_BATCH, rows - start);
        float[] chunk = new float[size * width];
        System.arraycopy(x, start * width, chunk, 0, size * width);
        try (NDManager batch = manager.newSubManager()) {
          NDList out = net.forward(new NDList(batch.create(chunk, new Shape(size, width))), false);
          float[] z = out.singletonOrThrow().toFloatArray();
          System.arraycopy(z, 0, all, start * outputs, size * outputs);
        }
      }
    }
    return all;
  }

  /** Multiclass: {@link Validation#multiclass} of the block's logits. */
  private static Validation validateMulticlass(
      Net net, float[] x, int[] y, int classes, int width) {
    return Validation.multiclass(evaluate(net, x, y.length, classes, width), y, classes);
  }

  /** Regression: {@link Validation#regression} of the block's outputs. */
  private static Validation validateRegression(
      Net net, float[] x, double[] y, ModelConfig config, int width) {
    return Validation.regression(evaluate(net, x, y.length, 1, width), y, config);
  }

  /** The setting that picks the training device (system property). */
  public static final String DEVICE = "trainyard.training.device";

  /** The same setting as an environment variable. */
  public static final String DEVICE_ENV = "TRAINYARD_TRAINING_DEVICE";

  /**
   * The device runs train on, by {@value #DEVICE} (or {@value #DEVICE_ENV}): {@code auto} (the
   * default: the first GPU when libtorch sees one, else the CPU), {@code cpu}, {@code gpu} or
   * {@code gpu:N}. A GPU is only seen with a CUDA build of libtorch (see the training README); the
   * CPU uses {@code ai.djl.pytorch.num_threads} threads.
   *
   * @throws IllegalStateException when a GPU is asked for and libtorch sees none
   */
  public static Device device() {
    String setting = System.getProperty(DEVICE);
    if (setting == null || setting.isBlank()) {
      setting = System.getenv(DEVICE_ENV);
    }
    Djl.configure();
    return device(setting, Engine.getEngine("PyTorch").getGpuCount());
  }

  /** {@link #device()} for a setting and the number of GPUs libtorch sees. */
  static Device device(String setting, int gpus) {
    String value =
        setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
    if (value.equals("auto")) {
      return gpus > 0 ? Device.gpu(0) : Device.cpu();
    }
    if (value.equals("cpu")) {
      return Device.cpu();
    }
    if (value.equals("gpu") || value.matches("gpu:\\d+")) {
      int index = value.equals("gpu") ? 0 : Integer.parseInt(value.substring(4));
      if (index >= gpus) {
        throw new IllegalStateException(
            DEVICE
                + "="
                + value
                + " but libtorch sees "
                + gpus
                + " GPU(s): a GPU needs the CUDA build of libtorch (PYTORCH_LIBRARY_PATH and"
                + " PYTORCH_FLAVOR) and a GPU visible to the container");
      }
      return Device.gpu(index);
    }
    throw new IllegalArgumentException(DEVICE + " must be auto, cpu, gpu or gpu:N, not " + setting);
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

  static TrainingOutcome cancelledOutcome(int bestEpoch, List<EpochResult> history) {
    Map<String, Double> metrics = bestEpoch == 0 ? Map.of() : metrics(history.get(bestEpoch - 1));
    return new TrainingOutcome(
        bestEpoch, history.size(), TrainingOutcome.CANCELLED, history, metrics, true);
  }

  /**
   * The outcome's metrics of an epoch: {@code train_loss}, {@code val_loss}, {@code val_accuracy}
   * (classification) and the epoch's further metrics.
   */
  static Map<String, Double> metrics(EpochResult epoch) {
    Map<String, Double> metrics = new java.util.HashMap<>();
    metrics.put("train_loss", epoch.trainLoss());
    metrics.put(VAL_LOSS, epoch.valLoss());
    if (!Double.isNaN(epoch.valAccuracy())) {
      metrics.put(VAL_ACCURACY, epoch.valAccuracy());
    }
    metrics.putAll(epoch.metrics());
    return metrics;
  }

  static float[] flatten(double[][] rows, int width) {
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
