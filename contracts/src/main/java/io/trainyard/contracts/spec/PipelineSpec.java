package io.trainyard.contracts.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The declarative spec of one pipeline: the payload of {@code io.trainyard.pipelines.v1} on the
 * compacted topic {@code trainyard.pipelines}, keyed by {@link #name()}. The normative schema is
 * {@code /schemas/io.trainyard.pipelines.v1.schema.json}.
 *
 * <p>Only {@code name}, {@code task} and {@code target} are required; every other field may be
 * {@code null} as written by the user. Read a spec through {@link #withDefaults()}: it fills every
 * optional field with its documented default, so that no code handles {@code null}s. The only
 * fields that stay unset after it are {@link #positiveClass()} (default: the greater label value,
 * known only from the data; see {@link #positiveClassIfSet()}) and {@link Retrain#schedule()}
 * (default: no scheduled retrain; see {@link Retrain#scheduleIfSet()}).
 *
 * <p>Parse, validate, print and hash specs with {@link PipelineSpecs}.
 *
 * @param name the pipeline name: lowercase letters, digits, dashes; 1 to 63 characters
 * @param description the intended use, for the model card; default empty
 * @param task the learning task
 * @param target the column to predict
 * @param positiveClass binary only: the positive label value (string, number or boolean)
 * @param features which columns are features
 * @param ingestion split and cleaning
 * @param labeling the labeling project and label-quality gate
 * @param training how models are trained
 * @param evaluation how candidates are evaluated and gated
 * @param monitoring drift monitoring and retraining
 */
public record PipelineSpec(
    String name,
    String description,
    Task task,
    String target,
    Object positiveClass,
    Features features,
    Ingestion ingestion,
    Labeling labeling,
    Training training,
    Evaluation evaluation,
    Monitoring monitoring) {

  public PipelineSpec {
    Objects.requireNonNull(name, "name is required");
    Objects.requireNonNull(task, "task is required");
    Objects.requireNonNull(target, "target is required");
  }

  /** A spec with only the required fields. */
  public static PipelineSpec of(String name, Task task, String target) {
    return new PipelineSpec(name, null, task, target, null, null, null, null, null, null, null);
  }

  /**
   * This spec with every optional field set to its documented default (see {@link Defaults});
   * idempotent. Only {@code positiveClass} and {@code monitoring.retrain.schedule} may stay unset.
   */
  public PipelineSpec withDefaults() {
    return new PipelineSpec(
        name,
        description == null ? Defaults.DESCRIPTION : description,
        task,
        target,
        positiveClass,
        (features == null ? Features.EMPTY : features).withDefaults(),
        (ingestion == null ? Ingestion.EMPTY : ingestion).withDefaults(task),
        (labeling == null ? Labeling.EMPTY : labeling).withDefaults(),
        (training == null ? Training.EMPTY : training).withDefaults(),
        (evaluation == null ? Evaluation.EMPTY : evaluation).withDefaults(task),
        (monitoring == null ? Monitoring.EMPTY : monitoring).withDefaults());
  }

  /** The positive class, when the spec names one. */
  @JsonIgnore
  public Optional<Object> positiveClassIfSet() {
    return Optional.ofNullable(positiveClass);
  }

  /** The documented defaults of the optional fields. */
  public static final class Defaults {
    public static final String DESCRIPTION = "";
    public static final double SPLIT_TRAIN = 0.7;
    public static final double SPLIT_VALIDATION = 0.15;
    public static final double SPLIT_TEST = 0.15;
    public static final long SEED = 42;
    public static final boolean DEDUPE = true;
    public static final String MISSING_NUMERIC = "keep";
    public static final String MISSING_CATEGORICAL = "keep";
    public static final boolean ALLOW_BREAKING_CHANGES = false;
    public static final int ANNOTATORS_PER_ITEM = 2;
    public static final String AGREEMENT_METRIC = "krippendorff_alpha";
    public static final double AGREEMENT_VALUE = 0.667;
    public static final String MODEL_TYPE = "mlp";
    public static final List<Integer> MODEL_HIDDEN = List.of(64, 32);
    public static final double MODEL_DROPOUT = 0.1;
    public static final int IMAGE_CHANNELS = 1;
    public static final List<Integer> IMAGE_FILTERS = List.of(16, 32);
    public static final int IMAGE_KERNEL = 3;
    public static final int TEXT_VOCABULARY = 10000;
    public static final int TEXT_MAX_TOKENS = 100;
    public static final int TEXT_DIMENSION = 32;
    public static final int TREES_MAX_DEPTH = 6;
    public static final double TREES_ETA = 0.3;
    public static final double TREES_SUBSAMPLE = 1.0;
    public static final double TREES_COLSAMPLE_BYTREE = 1.0;
    public static final double TREES_MIN_CHILD_WEIGHT = 1.0;
    public static final double TREES_LAMBDA = 1.0;
    public static final String SEARCH_METHOD = "grid";
    public static final int SEARCH_TRIALS = 8;
    public static final boolean SEARCH_MEDIAN_STOPPING = true;
    public static final int SEARCH_MIN_EPOCHS = 2;
    public static final int EPOCHS = 50;
    public static final int BATCH_SIZE = 128;
    public static final String OPTIMIZER = "adamw";
    public static final double LEARNING_RATE = 0.001;
    public static final double WEIGHT_DECAY = 0.0001;
    public static final String SCHEDULE = "cosine";
    public static final boolean EARLY_STOPPING_ENABLED = true;
    public static final String EARLY_STOPPING_METRIC = "val_loss";
    public static final int EARLY_STOPPING_PATIENCE = 5;
    public static final double EARLY_STOPPING_MIN_DELTA = 0.0;
    public static final boolean AUTO = true;
    public static final int WINDOW_EVENTS = 1000;
    public static final double DRIFT_SHARE = 0.5;
    public static final int RETRAIN_AFTER_DRIFTED_WINDOWS = 2;
    public static final Duration RETRAIN_COOLDOWN = Duration.ofHours(1);
    public static final int RETRAIN_MAX_CONCURRENT = 1;

    private Defaults() {}

    /** stratify: true for classification, false for regression. */
    public static boolean stratify(Task task) {
      return task.classification();
    }

    /** evaluation.primaryMetric: roc_auc, accuracy or rmse by task. */
    public static String primaryMetric(Task task) {
      return task.defaultPrimaryMetric();
    }

    /** evaluation.gates: the primary metric not worse than the champion's. */
    public static List<Gate> gates(String primaryMetric) {
      return List.of(new Gate(primaryMetric, null, null, 0.0));
    }
  }

  /**
   * Which columns are features: every column but the target and {@code exclude}.
   *
   * @param exclude columns that are not features; default none
   */
  public record Features(List<String> exclude) {
    static final Features EMPTY = new Features(null);

    public Features {
      exclude = copy(exclude);
    }

    Features withDefaults() {
      return new Features(exclude == null ? List.of() : exclude);
    }
  }

  /**
   * How ingestion splits, checks and cleans a dataset version.
   *
   * @param split split ratios; default 0.7 / 0.15 / 0.15
   * @param stratify stratify by the target; default true for classification, false for regression
   * @param seed split seed; default 42
   * @param dedupe drop exact duplicate rows; default true
   * @param missing how missing feature values are handled; default: kept as missing
   * @param groupBy a column whose rows must stay in one split (a user, a patient, a session);
   *     default none (rows are split one by one)
   * @param columns declared columns: their type, nullability, range and categories are checked;
   *     default none (every column's schema is inferred)
   * @param allowBreakingChanges accept a version whose schema breaks the previous version's
   *     (removed column, changed type); default false
   * @param categories how categorical feature values are normalised
   */
  public record Ingestion(
      Split split,
      Boolean stratify,
      Long seed,
      Boolean dedupe,
      Missing missing,
      String groupBy,
      List<ColumnSpec> columns,
      Boolean allowBreakingChanges,
      Categories categories) {
    static final Ingestion EMPTY =
        new Ingestion(null, null, null, null, null, null, null, null, null);

    public Ingestion {
      columns = copy(columns);
    }

    Ingestion withDefaults(Task task) {
      return new Ingestion(
          split == null ? Split.DEFAULT : split,
          stratify == null ? Defaults.stratify(task) : stratify,
          seed == null ? Defaults.SEED : seed,
          dedupe == null ? Defaults.DEDUPE : dedupe,
          (missing == null ? Missing.EMPTY : missing).withDefaults(),
          groupBy,
          columns == null ? List.of() : columns,
          allowBreakingChanges == null ? Defaults.ALLOW_BREAKING_CHANGES : allowBreakingChanges,
          (categories == null ? Categories.EMPTY : categories).withDefaults());
    }

    /** The group column, when the spec names one. */
    public Optional<String> groupByIfSet() {
      return Optional.ofNullable(groupBy);
    }
  }

  /**
   * Split ratios; when given, all three are given and sum to 1.
   *
   * @param train the training share, greater than 0
   * @param validation the validation share
   * @param test the test share
   */
  public record Split(Double train, Double validation, Double test) {
    /** 0.7 / 0.15 / 0.15. */
    public static final Split DEFAULT =
        new Split(Defaults.SPLIT_TRAIN, Defaults.SPLIT_VALIDATION, Defaults.SPLIT_TEST);
  }

  /**
   * How missing feature values are handled. Fill values (median, mean, mode) are computed on the
   * train split only and applied to every split; the target is never filled.
   *
   * @param numeric keep (leave missing; the model imputes), drop (the row), median, mean, mode,
   *     zero, or constant ({@link #numericValue()}); default keep
   * @param categorical keep, drop (the row), mode, or any other text: the category that replaces a
   *     missing value (for example {@code __missing__}); default keep
   * @param numericValue the value of the numeric constant strategy; default 0
   */
  public record Missing(String numeric, String categorical, Double numericValue) {
    static final Missing EMPTY = new Missing(null, null, null);

    Missing withDefaults() {
      return new Missing(
          numeric == null ? Defaults.MISSING_NUMERIC : numeric,
          categorical == null ? Defaults.MISSING_CATEGORICAL : categorical,
          numericValue == null ? 0.0 : numericValue);
    }
  }

  /**
   * A declared column.
   *
   * @param name the column's name in the file
   * @param type integer, number, boolean, categorical or text; default: as inferred
   * @param nullable whether a value may be missing; default true
   * @param min the smallest allowed value (integer and number columns)
   * @param max the greatest allowed value (integer and number columns)
   * @param categories the allowed values (categorical columns); a value outside them is an anomaly
   */
  public record ColumnSpec(
      String name, String type, Boolean nullable, Double min, Double max, List<String> categories) {
    public ColumnSpec {
      Objects.requireNonNull(name, "a declared column needs a name");
      categories = copy(categories);
    }

    public boolean nullableOrDefault() {
      return nullable == null || nullable;
    }
  }

  /**
   * How categorical feature values are normalised before splitting and profiling.
   *
   * @param trim strip leading and trailing whitespace; default true
   * @param foldCase fold to lower case; default false
   */
  public record Categories(Boolean trim, Boolean foldCase) {
    static final Categories EMPTY = new Categories(null, null);

    Categories withDefaults() {
      return new Categories(trim == null || trim, foldCase != null && foldCase);
    }
  }

  /**
   * The labeling project and its label-quality gate.
   *
   * @param annotatorsPerItem annotators per item; default 2
   * @param minAgreement the minimum agreement for a labeled version to be published
   * @param guidelines the labeling guidelines (Markdown), shown to annotators; default empty
   * @param goldRate the share of an annotator's tasks that are gold tasks (labeled rows whose label
   *     the annotator does not see), which score the annotator; default 0.1
   * @param rules labeling functions: each gives its label to the rows its conditions hold for and
   *     abstains on the others; their majority vote pre-labels tasks; default none
   * @param uncertainty with a champion, tasks are handed out most uncertain first by {@code
   *     least-confidence}, {@code margin} or {@code entropy}; default least-confidence
   * @param pseudoLabelThreshold rows nobody labeled whose champion confidence is at least this get
   *     the champion's label as a pseudo-label; default none
   * @param budget the answers a project may take (labels, skips, gold answers): it completes when
   *     they are spent; default none (it completes when every task has its labels)
   */
  public record Labeling(
      Integer annotatorsPerItem,
      MinAgreement minAgreement,
      String guidelines,
      Double goldRate,
      List<Rule> rules,
      String uncertainty,
      Double pseudoLabelThreshold,
      Integer budget) {
    static final Labeling EMPTY = new Labeling(null, null, null, null, null, null, null, null);

    /** The uncertainty measure when the spec does not name one. */
    public static final String DEFAULT_UNCERTAINTY = "least-confidence";

    public Labeling {
      rules = copy(rules);
    }

    /** A labeling section without rules. */
    public Labeling(
        Integer annotatorsPerItem, MinAgreement minAgreement, String guidelines, Double goldRate) {
      this(annotatorsPerItem, minAgreement, guidelines, goldRate, null, null, null, null);
    }

    /** The share of gold tasks when the spec does not set one. */
    public static final double DEFAULT_GOLD_RATE = 0.1;

    /** A labeling section without guidelines and with the default gold rate. */
    public Labeling(Integer annotatorsPerItem, MinAgreement minAgreement) {
      this(annotatorsPerItem, minAgreement, null, null, null, null, null, null);
    }

    Labeling withDefaults() {
      return new Labeling(
          annotatorsPerItem == null ? Defaults.ANNOTATORS_PER_ITEM : annotatorsPerItem,
          (minAgreement == null ? MinAgreement.EMPTY : minAgreement).withDefaults(),
          guidelines == null ? "" : guidelines,
          goldRate == null ? DEFAULT_GOLD_RATE : goldRate,
          rules == null ? List.of() : rules,
          uncertainty == null ? DEFAULT_UNCERTAINTY : uncertainty,
          pseudoLabelThreshold,
          budget);
    }
  }

  /**
   * A labeling function: {@code label} for the rows where every condition of {@code when} holds; it
   * abstains on the others.
   *
   * @param name a unique name, for the per-rule figures
   * @param label the label it gives (string, number or boolean: compared as canonical text)
   * @param when the conditions, all of which must hold (at least one)
   */
  public record Rule(String name, Object label, List<Condition> when) {
    public Rule {
      when = copy(when);
    }
  }

  /**
   * One condition on a column of a row.
   *
   * @param column the column
   * @param op {@code eq}, {@code ne}, {@code lt}, {@code le}, {@code gt}, {@code ge} (numbers),
   *     {@code in}, {@code not_in} (a list), {@code contains} (text, ignoring case), {@code
   *     matches} (a Java regular expression, found anywhere in the text), {@code is_null}, {@code
   *     not_null}
   * @param value what the column is compared with; none for {@code is_null} and {@code not_null}
   */
  public record Condition(String column, String op, Object value) {}

  /**
   * The label-quality gate.
   *
   * @param metric krippendorff_alpha, fleiss_kappa, cohen_kappa, gwet_ac1 or percent_agreement;
   *     default krippendorff_alpha
   * @param value the minimum; default 0.667
   */
  public record MinAgreement(String metric, Double value) {
    static final MinAgreement EMPTY = new MinAgreement(null, null);

    MinAgreement withDefaults() {
      return new MinAgreement(
          metric == null ? Defaults.AGREEMENT_METRIC : metric,
          value == null ? Defaults.AGREEMENT_VALUE : value);
    }
  }

  /**
   * How models are trained.
   *
   * @param model the architecture
   * @param epochs maximum epochs; default 50
   * @param batchSize mini-batch size; default 128
   * @param optimizer sgd, adam or adamw; default adamw
   * @param learningRate initial learning rate; default 0.001
   * @param weightDecay weight decay; default 0.0001
   * @param schedule constant, cosine, step or linear; default cosine
   * @param earlyStopping early stopping
   * @param seed initialisation and shuffling seed; default 42
   * @param auto train when a dataset version with no unlabeled rows arrives; default true
   * @param gradientClip the largest global L2 norm of the gradients of a mini-batch: larger ones
   *     are scaled down to it (PyTorch's {@code clip_grad_norm_}); default none
   * @param warmStart when a run names a parent model ({@code parentModel}), start from its
   *     parameters and preprocessing instead of fresh ones (fine-tuning); default false
   * @param freezeLayers with a warm start, the first this many layers keep the parent's parameters
   *     (only the later ones train); ignored without one; default 0
   * @param augmentation augmentation of the numeric features during training; default none
   * @param classWeight {@code balanced}: each class's rows weigh {@code n / (k * count)} in the
   *     training loss (scikit-learn's {@code compute_class_weight}); default none (equal weights)
   * @param deadline how long a run may take from its start (ISO-8601); past it the run fails
   *     without a model. Default: none here; the training service's {@code
   *     trainyard.training.deadline} (PT24H) applies
   * @param candidates model selection: several models trained in one run with these settings, each
   *     instead of {@code model}; the one with the lowest validation loss goes to evaluation, the
   *     others are recorded with their figures. Default none: {@code model} alone
   * @param search hyper-parameter search: trials of these settings with values from its space, the
   *     best by validation loss going to evaluation. Default none
   */
  public record Training(
      Model model,
      Integer epochs,
      Integer batchSize,
      String optimizer,
      Double learningRate,
      Double weightDecay,
      String schedule,
      EarlyStopping earlyStopping,
      Long seed,
      Boolean auto,
      Double gradientClip,
      String classWeight,
      Boolean warmStart,
      Integer freezeLayers,
      Augmentation augmentation,
      Duration deadline,
      List<Model> candidates,
      Search search) {
    static final Training EMPTY =
        new Training(
            null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null);

    /** Without a search (as specs were before hyper-parameter search). */
    public Training(
        Model model,
        Integer epochs,
        Integer batchSize,
        String optimizer,
        Double learningRate,
        Double weightDecay,
        String schedule,
        EarlyStopping earlyStopping,
        Long seed,
        Boolean auto,
        Double gradientClip,
        String classWeight,
        Boolean warmStart,
        Integer freezeLayers,
        Augmentation augmentation,
        Duration deadline,
        List<Model> candidates) {
      this(
          model,
          epochs,
          batchSize,
          optimizer,
          learningRate,
          weightDecay,
          schedule,
          earlyStopping,
          seed,
          auto,
          gradientClip,
          classWeight,
          warmStart,
          freezeLayers,
          augmentation,
          deadline,
          candidates,
          null);
    }

    public Training {
      candidates = candidates == null ? null : List.copyOf(candidates);
    }

    /** Without candidates (as specs were before model selection). */
    public Training(
        Model model,
        Integer epochs,
        Integer batchSize,
        String optimizer,
        Double learningRate,
        Double weightDecay,
        String schedule,
        EarlyStopping earlyStopping,
        Long seed,
        Boolean auto,
        Double gradientClip,
        String classWeight,
        Boolean warmStart,
        Integer freezeLayers,
        Augmentation augmentation,
        Duration deadline) {
      this(
          model,
          epochs,
          batchSize,
          optimizer,
          learningRate,
          weightDecay,
          schedule,
          earlyStopping,
          seed,
          auto,
          gradientClip,
          classWeight,
          warmStart,
          freezeLayers,
          augmentation,
          deadline,
          null,
          null);
    }

    /**
     * These settings with {@code other} model, learning rate, batch size and weight decay: one
     * trial of a search or one candidate, without candidates or search.
     */
    public Training withTrial(
        Model other, Double trialLearningRate, Integer trialBatchSize, Double trialWeightDecay) {
      return new Training(
          other,
          epochs,
          trialBatchSize,
          optimizer,
          trialLearningRate,
          trialWeightDecay,
          schedule,
          earlyStopping,
          seed,
          auto,
          gradientClip,
          classWeight,
          warmStart,
          freezeLayers,
          augmentation,
          deadline,
          null,
          null);
    }

    /** These settings training {@code other} instead of {@link #model()}, without candidates. */
    public Training withModel(Model other) {
      return withTrial(other, learningRate, batchSize, weightDecay);
    }

    /** Without gradient clipping, class weights and deadline (as specs were before them). */
    public Training(
        Model model,
        Integer epochs,
        Integer batchSize,
        String optimizer,
        Double learningRate,
        Double weightDecay,
        String schedule,
        EarlyStopping earlyStopping,
        Long seed,
        Boolean auto) {
      this(
          model,
          epochs,
          batchSize,
          optimizer,
          learningRate,
          weightDecay,
          schedule,
          earlyStopping,
          seed,
          auto,
          null,
          null,
          null,
          null,
          null,
          null);
    }

    Training withDefaults() {
      return new Training(
          (model == null ? Model.EMPTY : model).withDefaults(),
          epochs == null ? Defaults.EPOCHS : epochs,
          batchSize == null ? Defaults.BATCH_SIZE : batchSize,
          optimizer == null ? Defaults.OPTIMIZER : optimizer,
          learningRate == null ? Defaults.LEARNING_RATE : learningRate,
          weightDecay == null ? Defaults.WEIGHT_DECAY : weightDecay,
          schedule == null ? Defaults.SCHEDULE : schedule,
          (earlyStopping == null ? EarlyStopping.EMPTY : earlyStopping).withDefaults(),
          seed == null ? Defaults.SEED : seed,
          auto == null ? Defaults.AUTO : auto,
          gradientClip,
          classWeight,
          warmStart == null ? Boolean.FALSE : warmStart,
          freezeLayers == null ? Integer.valueOf(0) : freezeLayers,
          augmentation,
          deadline,
          candidates == null || candidates.isEmpty()
              ? null
              : candidates.stream().map(Model::withDefaults).toList(),
          search == null ? null : search.withDefaults());
    }
  }

  /**
   * Hyper-parameter search: trials of the training settings, each with one combination of values
   * from {@code space}; the trial with the lowest validation loss goes to evaluation.
   *
   * @param method {@code grid} (every combination, at most 64) or {@code random} ({@code trials}
   *     combinations drawn without replacement from the grid, seeded by {@code training.seed});
   *     default grid
   * @param trials random: how many trials; default 8
   * @param medianStopping the median stopping rule: after epoch e (at least {@code minEpochs}), a
   *     trial whose best validation loss so far is worse than the median of the best-so-far losses
   *     of the earlier trials that reached epoch e (at least two of them) stops; default true
   * @param minEpochs the epochs every trial runs before the median rule may stop it; default 2
   * @param space the values to try per setting; a setting not named keeps the spec's value
   */
  public record Search(
      String method, Integer trials, Boolean medianStopping, Integer minEpochs, Space space) {

    Search withDefaults() {
      return new Search(
          method == null ? Defaults.SEARCH_METHOD : method,
          trials == null ? Defaults.SEARCH_TRIALS : trials,
          medianStopping == null ? Defaults.SEARCH_MEDIAN_STOPPING : medianStopping,
          minEpochs == null ? Defaults.SEARCH_MIN_EPOCHS : minEpochs,
          space);
    }
  }

  /**
   * The search space: the values each setting may take. Network settings apply to mlp and linear
   * models, tree settings to xgboost.
   *
   * @param learningRate training.learningRate values
   * @param batchSize training.batchSize values
   * @param weightDecay training.weightDecay values
   * @param dropout model.dropout values
   * @param hidden model.hidden values (lists of widths)
   * @param maxDepth model.trees.maxDepth values
   * @param eta model.trees.eta values
   */
  public record Space(
      List<Double> learningRate,
      List<Integer> batchSize,
      List<Double> weightDecay,
      List<Double> dropout,
      List<List<Integer>> hidden,
      List<Integer> maxDepth,
      List<Double> eta) {}

  /**
   * Augmentation of the numeric features while training (validation rows are never augmented).
   *
   * @param noise the standard deviation of Gaussian noise added to each standardised numeric
   *     feature of every training row, drawn anew each epoch; 0 or absent for none
   * @param mixup mixup's alpha: each mini-batch is replaced by {@code λ·batch + (1−λ)·shuffled
   *     batch}, inputs and targets alike, with {@code λ ~ Beta(alpha, alpha)}; 0 or absent for none
   */
  public record Augmentation(Double noise, Double mixup) {

    /** Noise only. */
    public Augmentation(Double noise) {
      this(noise, null);
    }
  }

  /**
   * The model architecture.
   *
   * @param type mlp, linear, cnn or xgboost; default mlp
   * @param hidden mlp and cnn: hidden (dense) layer widths; default [64, 32]
   * @param dropout mlp and cnn: dropout rate after each hidden layer; default 0.1
   * @param trees xgboost: the tree booster's settings; defaults as XGBoost's own
   * @param image cnn: the image the first numeric features form, and the convolutions over it
   * @param text mlp or linear: a free-text feature read as tokens through an embedding bag
   * @param backbone mlp or linear: a frozen TorchScript model from the store under the network,
   *     which then trains as a new head on the backbone's outputs
   */
  public record Model(
      String type,
      List<Integer> hidden,
      Double dropout,
      Trees trees,
      Image image,
      Text text,
      Backbone backbone) {
    static final Model EMPTY = new Model(null, null, null, null, null, null, null);

    /** The gradient-boosted trees model type. */
    public static final String XGBOOST = "xgboost";

    /** The small convolutional network over image-like numeric features. */
    public static final String CNN = "cnn";

    public Model {
      hidden = copy(hidden);
    }

    /** A model without tree, image or text settings (mlp or linear). */
    public Model(String type, List<Integer> hidden, Double dropout) {
      this(type, hidden, dropout, null, null, null, null);
    }

    /** A model without image or text settings. */
    public Model(String type, List<Integer> hidden, Double dropout, Trees trees) {
      this(type, hidden, dropout, trees, null, null, null);
    }

    /** A model without text settings. */
    public Model(String type, List<Integer> hidden, Double dropout, Trees trees, Image image) {
      this(type, hidden, dropout, trees, image, null, null);
    }

    /** A model without a backbone. */
    public Model(
        String type, List<Integer> hidden, Double dropout, Trees trees, Image image, Text text) {
      this(type, hidden, dropout, trees, image, text, null);
    }

    Model withDefaults() {
      String kind = type == null ? Defaults.MODEL_TYPE : type;
      return new Model(
          kind,
          hidden == null ? Defaults.MODEL_HIDDEN : hidden,
          dropout == null ? Defaults.MODEL_DROPOUT : dropout,
          XGBOOST.equals(kind) ? (trees == null ? Trees.EMPTY : trees).withDefaults() : trees,
          CNN.equals(kind) && image != null ? image.withDefaults() : image,
          text == null ? null : text.withDefaults(),
          backbone);
    }
  }

  /**
   * A frozen backbone ({@code model.backbone}): a TorchScript model ({@code torch.jit.save}) in the
   * project's bucket. It takes the preprocessed inputs, float32 {@code (rows, inputs)}, and gives
   * features, float32 {@code (rows, features)}; it never trains. The network ({@code hidden} layers
   * and the output; none hidden for {@code linear}) is a new head trained on its features.
   *
   * @param uri {@code s3://{bucket}/{key}} of the {@code .pt} file (required)
   */
  public record Backbone(String uri) {}

  /**
   * A text model's free-text feature ({@code model.text}): the column's text is split into tokens
   * as scikit-learn's {@code CountVectorizer} does by default (lowercased, runs of two or more word
   * characters); the {@code vocabulary} tokens most frequent in the train split are kept; a row's
   * first {@code maxTokens} known tokens go through an embedding bag (the mean of their {@code
   * dimension}-wide embeddings), which joins the other features before the hidden layers (none for
   * {@code linear}: fastText's classifier).
   *
   * @param column the text column, one of the dataset's text features (required)
   * @param vocabulary the most tokens kept; default 10000
   * @param maxTokens the tokens read per row; default 100
   * @param dimension the embedding width; default 32
   */
  public record Text(String column, Integer vocabulary, Integer maxTokens, Integer dimension) {

    Text withDefaults() {
      return new Text(
          column,
          vocabulary == null ? Defaults.TEXT_VOCABULARY : vocabulary,
          maxTokens == null ? Defaults.TEXT_MAX_TOKENS : maxTokens,
          dimension == null ? Defaults.TEXT_DIMENSION : dimension);
    }
  }

  /**
   * The image of a cnn model: its first {@code channels × height × width} numeric features, in the
   * dataset's column order, are the pixels, channel by channel and row by row within a channel (as
   * scikit-learn's 8×8 digits store {@code pixel_0_0 .. pixel_7_7}); any further features join the
   * convolutions' output before the dense layers. Each convolution is {@code kernel × kernel} with
   * stride 1 and the padding that keeps the size ({@code kernel / 2}), then ReLU, then a 2×2
   * max-pool with stride 2.
   *
   * @param height the image height in pixels (required)
   * @param width the image width in pixels (required)
   * @param channels the channels; default 1
   * @param filters the filters of each convolution, in order; default [16, 32]
   * @param kernel the (odd) kernel size of every convolution; default 3
   */
  public record Image(
      Integer height, Integer width, Integer channels, List<Integer> filters, Integer kernel) {

    public Image {
      filters = copy(filters);
    }

    Image withDefaults() {
      return new Image(
          height,
          width,
          channels == null ? Defaults.IMAGE_CHANNELS : channels,
          filters == null ? Defaults.IMAGE_FILTERS : filters,
          kernel == null ? Defaults.IMAGE_KERNEL : kernel);
    }
  }

  /**
   * The settings of XGBoost's tree booster ({@code gbtree} with the {@code hist} method); each
   * default is XGBoost's own. Boosting rounds are {@code training.epochs}.
   *
   * @param maxDepth {@code max_depth}; default 6
   * @param eta {@code eta}, the learning rate; default 0.3
   * @param subsample {@code subsample}, the share of rows each tree sees; default 1
   * @param colsampleBytree {@code colsample_bytree}; default 1
   * @param minChildWeight {@code min_child_weight}; default 1
   * @param lambda {@code lambda}, the L2 regularisation of leaf weights; default 1
   */
  public record Trees(
      Integer maxDepth,
      Double eta,
      Double subsample,
      Double colsampleBytree,
      Double minChildWeight,
      Double lambda) {
    static final Trees EMPTY = new Trees(null, null, null, null, null, null);

    Trees withDefaults() {
      return new Trees(
          maxDepth == null ? Defaults.TREES_MAX_DEPTH : maxDepth,
          eta == null ? Defaults.TREES_ETA : eta,
          subsample == null ? Defaults.TREES_SUBSAMPLE : subsample,
          colsampleBytree == null ? Defaults.TREES_COLSAMPLE_BYTREE : colsampleBytree,
          minChildWeight == null ? Defaults.TREES_MIN_CHILD_WEIGHT : minChildWeight,
          lambda == null ? Defaults.TREES_LAMBDA : lambda);
    }
  }

  /**
   * Early stopping: stop when {@code metric} has not improved by {@code minDelta} for {@code
   * patience} epochs; direction from {@link Metrics#lowerIsBetter(String)}.
   *
   * @param enabled default true
   * @param metric default val_loss
   * @param patience default 5
   * @param minDelta default 0
   */
  public record EarlyStopping(Boolean enabled, String metric, Integer patience, Double minDelta) {
    static final EarlyStopping EMPTY = new EarlyStopping(null, null, null, null);

    EarlyStopping withDefaults() {
      return new EarlyStopping(
          enabled == null ? Defaults.EARLY_STOPPING_ENABLED : enabled,
          metric == null ? Defaults.EARLY_STOPPING_METRIC : metric,
          patience == null ? Defaults.EARLY_STOPPING_PATIENCE : patience,
          minDelta == null ? Defaults.EARLY_STOPPING_MIN_DELTA : minDelta);
    }
  }

  /**
   * How candidates are evaluated and gated.
   *
   * @param primaryMetric the ranking metric; default roc_auc / accuracy / rmse by task
   * @param gates every gate must pass; default: the primary metric not worse than the champion's
   * @param slices columns whose values slice the evaluation; default none
   * @param minSliceSize slices with fewer test rows are reported but not judged; default 30
   * @param ranking the rows form queries: {@code ndcg_at_k} and {@code mrr} are reported; default
   *     none
   */
  public record Evaluation(
      String primaryMetric,
      List<Gate> gates,
      List<String> slices,
      Integer minSliceSize,
      Ranking ranking) {
    static final Evaluation EMPTY = new Evaluation(null, null, null, null, null);

    /** The slices' smallest judged size when the spec does not set one. */
    public static final int DEFAULT_MIN_SLICE_SIZE = 30;

    public Evaluation {
      gates = copy(gates);
      slices = copy(slices);
    }

    /** An evaluation with the default smallest judged slice. */
    public Evaluation(String primaryMetric, List<Gate> gates, List<String> slices) {
      this(primaryMetric, gates, slices, null, null);
    }

    Evaluation withDefaults(Task task) {
      String primary = primaryMetric == null ? Defaults.primaryMetric(task) : primaryMetric;
      return new Evaluation(
          primary,
          gates == null ? Defaults.gates(primary) : gates,
          slices == null ? List.of() : slices,
          minSliceSize == null ? DEFAULT_MIN_SLICE_SIZE : minSliceSize,
          ranking == null ? null : ranking.withDefaults());
    }
  }

  /**
   * Ranking evaluation: the test rows that share a value of {@code query} are one query's
   * documents, ranked by the model's score (binary: P(positive); regression: the prediction) and
   * judged by their true relevance (binary: 1 for the positive class, else 0; regression: the
   * target, which must not be negative).
   *
   * @param query the column that identifies a row's query (required)
   * @param k the ranks {@code ndcg_at_k} counts; default 10
   */
  public record Ranking(String query, Integer k) {

    /** The ranks counted when the spec does not say. */
    public static final int DEFAULT_K = 10;

    Ranking withDefaults() {
      return new Ranking(query, k == null ? DEFAULT_K : k);
    }
  }

  /**
   * A gate on one metric: at least one of {@code min}, {@code max}, {@code notWorseThanChampionBy},
   * {@code change}. Unset bounds stay {@code null} (they are not defaulted: unset means "no such
   * bound").
   *
   * @param metric the metric
   * @param min the metric must be at least this
   * @param max the metric must be at most this
   * @param notWorseThanChampionBy the metric may be worse than the champion's by at most this much,
   *     in the metric's direction; passes when there is no champion
   * @param change the change against the champion the metric must make; passes when there is no
   *     champion
   * @param slice where the gate applies: absent, the whole test split; {@code column=value}, that
   *     slice; {@code column}, every judged slice of the column (each must pass), or, for a
   *     fairness metric, the column's fairness figure
   * @param challengeSet the challenge set whose latest version the gate judges, instead of the test
   *     split
   */
  public record Gate(
      String metric,
      Double min,
      Double max,
      Double notWorseThanChampionBy,
      Change change,
      String slice,
      String challengeSet) {
    public Gate {
      Objects.requireNonNull(metric, "metric is required");
    }

    /** A gate on the test split or one of its slices. */
    public Gate(
        String metric,
        Double min,
        Double max,
        Double notWorseThanChampionBy,
        Change change,
        String slice) {
      this(metric, min, max, notWorseThanChampionBy, change, slice, null);
    }

    /** A gate on the whole test split without a change threshold. */
    public Gate(String metric, Double min, Double max, Double notWorseThanChampionBy) {
      this(metric, min, max, notWorseThanChampionBy, null, null, null);
    }

    /** A gate on the whole test split. */
    public Gate(
        String metric, Double min, Double max, Double notWorseThanChampionBy, Change change) {
      this(metric, min, max, notWorseThanChampionBy, change, null, null);
    }

    @JsonIgnore
    public Optional<Double> minIfSet() {
      return Optional.ofNullable(min);
    }

    @JsonIgnore
    public Optional<Double> maxIfSet() {
      return Optional.ofNullable(max);
    }

    @JsonIgnore
    public Optional<Double> notWorseThanChampionByIfSet() {
      return Optional.ofNullable(notWorseThanChampionBy);
    }
  }

  /**
   * A change threshold against the champion (TensorFlow Model Analysis's {@code
   * GenericChangeThreshold}): the candidate's improvement over the champion, in {@code direction},
   * must be at least {@code absolute} (in the metric's units) or {@code relative} (a fraction of
   * the champion's value). A negative threshold tolerates that much regression; {@code {absolute:
   * 0.01}} demands an improvement of 0.01. Exactly one of {@code absolute} and {@code relative}.
   *
   * @param absolute the least improvement, in the metric's units
   * @param relative the least improvement as a fraction of {@code |champion|}
   * @param direction {@code higher-is-better} or {@code lower-is-better}; default the metric's own
   *     ({@link Metrics#lowerIsBetter})
   */
  public record Change(Double absolute, Double relative, String direction) {

    public static final String HIGHER = "higher-is-better";
    public static final String LOWER = "lower-is-better";

    /** Whether lower values are better for {@code metric} under this change's direction. */
    public boolean lowerIsBetter(String metric) {
      return direction == null ? Metrics.lowerIsBetter(metric) : LOWER.equals(direction);
    }
  }

  /**
   * Drift monitoring and retraining.
   *
   * @param window the tumbling window
   * @param driftShare a window drifts when at least this share of features drifted; default 0.5
   * @param retrain when a retrain is requested
   * @param correction how the p-values of a window's features are corrected for testing many
   *     features: {@code none} (default), {@code bonferroni} or {@code fdr_bh}
   *     (Benjamini-Hochberg); only p-value tests (ks, chisquare, z) take part
   * @param features the test and threshold of a feature, by feature name; a feature not named gets
   *     the default test for its type and the reference's size
   */
  public record Monitoring(
      Window window,
      Double driftShare,
      Retrain retrain,
      String correction,
      Map<String, FeatureTest> features) {
    static final Monitoring EMPTY = new Monitoring(null, null, null, null, null);

    public static final String NO_CORRECTION = "none";
    public static final String BONFERRONI = "bonferroni";
    public static final String FDR_BH = "fdr_bh";

    public Monitoring {
      features = features == null ? null : Map.copyOf(features);
    }

    /** Monitoring with only a window, a drift share and a retrain policy. */
    public Monitoring(Window window, Double driftShare, Retrain retrain) {
      this(window, driftShare, retrain, null, null);
    }

    Monitoring withDefaults() {
      return new Monitoring(
          (window == null ? Window.EMPTY : window).withDefaults(),
          driftShare == null ? Defaults.DRIFT_SHARE : driftShare,
          (retrain == null ? Retrain.EMPTY : retrain).withDefaults(),
          correction == null ? NO_CORRECTION : correction,
          features == null ? Map.of() : features);
    }

    /** The test set for {@code feature}, if the spec sets one. */
    public Optional<FeatureTest> featureTest(String feature) {
      return Optional.ofNullable(features == null ? null : features.get(feature));
    }
  }

  /**
   * The drift test of one feature.
   *
   * @param test {@code ks}, {@code chisquare}, {@code z}, {@code wasserstein}, {@code
   *     jensenshannon} or {@code psi}; default by the feature's type and the reference's size
   * @param threshold a p-value below it drifts (ks, chisquare, z), or a distance or PSI at or above
   *     it drifts (wasserstein, jensenshannon, psi); default the test's own
   */
  public record FeatureTest(String test, Double threshold) {}

  /**
   * The drift window.
   *
   * @param events inference events per window; default 1000
   */
  public record Window(Integer events) {
    static final Window EMPTY = new Window(null);

    Window withDefaults() {
      return new Window(events == null ? Defaults.WINDOW_EVENTS : events);
    }
  }

  /**
   * When a retrain is requested.
   *
   * @param afterDriftedWindows consecutive drifted windows before a retrain; default 2
   * @param cooldown no further retrain for this long after one (ISO-8601); default PT1H
   * @param schedule five-field cron (UTC) for scheduled retrains; default none
   * @param maxConcurrent retrains of the pipeline requested and not yet ended, at most; default 1
   * @param freshData retrain on fresh data: ask ingestion for a feedback dataset of the drifted
   *     period (the labeled inference events joined onto the latest version), which ingestion then
   *     trains on; default false (retrain on the latest version as it is)
   */
  public record Retrain(
      Integer afterDriftedWindows,
      Duration cooldown,
      String schedule,
      Integer maxConcurrent,
      Boolean freshData) {
    static final Retrain EMPTY = new Retrain(null, null, null, null, null);

    /** A retrain policy with the default concurrency (1), on the latest version. */
    public Retrain(Integer afterDriftedWindows, Duration cooldown, String schedule) {
      this(afterDriftedWindows, cooldown, schedule, null, null);
    }

    Retrain withDefaults() {
      return new Retrain(
          afterDriftedWindows == null
              ? Defaults.RETRAIN_AFTER_DRIFTED_WINDOWS
              : afterDriftedWindows,
          cooldown == null ? Defaults.RETRAIN_COOLDOWN : cooldown,
          schedule,
          maxConcurrent == null ? Defaults.RETRAIN_MAX_CONCURRENT : maxConcurrent,
          freshData != null && freshData);
    }

    /** The retrain schedule, when the spec has one. */
    @JsonIgnore
    public Optional<String> scheduleIfSet() {
      return Optional.ofNullable(schedule);
    }
  }

  private static <T> List<T> copy(List<T> list) {
    if (list == null) {
      return null;
    }
    list.forEach(item -> Objects.requireNonNull(item, "list element"));
    return Collections.unmodifiableList(new ArrayList<>(list));
  }
}
