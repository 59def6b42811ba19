package io.trainyard.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.trainyard.contracts.spec.Task;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The architecture of a model and what its outputs mean: everything needed to rebuild its block
 * before its parameters are loaded, and to turn its outputs into predictions.
 *
 * <p>By task ({@link #task()}; a bundle written before tasks existed has none and is binary):
 *
 * <ul>
 *   <li>{@code binary-classification}: one output, the logit of {@code positiveLabel}; {@code
 *       negativeLabel} and {@code positiveLabel} are set, {@code classes} and the target statistics
 *       are not;
 *   <li>{@code multiclass-classification}: one output per class of {@code classes} (at least two,
 *       distinct, in output order), the logits of a softmax; nothing else is set;
 *   <li>{@code regression}: one output, the standardised target; {@code targetMean} and {@code
 *       targetScale} (the train split's mean and population standard deviation, 1 for a constant
 *       target) turn it back into the target: {@code output * targetScale + targetMean}.
 * </ul>
 *
 * <p>Fields that a task does not use are {@code null} and left out of the bundle's JSON, so a
 * binary bundle's config differs from the one written before tasks existed only by {@code task}.
 *
 * @param type {@code mlp} (hidden layers), {@code linear} (no hidden layer: logistic, softmax or
 *     linear regression by task), {@code cnn} (convolutions over an image, then hidden layers) or
 *     {@code xgboost} (gradient-boosted trees)
 * @param hidden mlp and cnn: the widths of the hidden layers, each followed by ReLU and dropout;
 *     ignored by linear
 * @param dropout the dropout rate after each hidden layer, in [0, 1)
 * @param negativeLabel binary: the label predicted when the score is below the threshold
 * @param positiveLabel binary: the label whose probability the model outputs
 * @param task the task; {@code null} reads as binary-classification
 * @param classes multiclass: the class labels, in output order
 * @param targetMean regression: the mean of the training target
 * @param targetScale regression: the population standard deviation of the training target (1 when
 *     that is 0)
 * @param image cnn: the image its first inputs form and the convolutions over it; {@code null}
 *     otherwise
 * @param text mlp or linear with a free-text feature: where its token ids are among the inputs and
 *     the embedding bag they go through; {@code null} otherwise
 * @param backbone mlp or linear trained as a head on a frozen TorchScript backbone ({@value
 *     io.trainyard.models.Backbone#FILE} in the bundle); {@code null} otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelConfig(
    String type,
    List<Integer> hidden,
    double dropout,
    String negativeLabel,
    String positiveLabel,
    Task task,
    List<String> classes,
    Double targetMean,
    Double targetScale,
    Image image,
    Text text,
    Backbone backbone) {

  /** The multi-layer perceptron. */
  public static final String MLP = "mlp";

  /** A single linear layer: logistic, softmax or linear regression by task. */
  public static final String LINEAR = "linear";

  /**
   * Gradient-boosted trees (XGBoost): its outputs are the booster's margins, which mean what the
   * network's outputs mean (logit, logits, standardised target).
   */
  public static final String XGBOOST = "xgboost";

  /** Convolutions over an image formed by the first inputs, then the hidden layers. */
  public static final String CNN = "cnn";

  /**
   * The image of a cnn: its first {@code channels × height × width} inputs, channel by channel and
   * row by row, go through each convolution in turn ({@code kernel × kernel}, stride 1, padding
   * {@code kernel / 2}, as many output channels as its filters), each followed by ReLU and a 2×2
   * max-pool with stride 2; the result, flattened channel by channel, is joined by the remaining
   * inputs before the hidden layers.
   */
  public record Image(int channels, int height, int width, List<Integer> filters, int kernel) {

    public Image {
      filters = List.copyOf(Objects.requireNonNull(filters, "filters"));
      if (channels < 1 || height < 1 || width < 1) {
        throw new IllegalArgumentException(
            "image channels, height and width must be positive: "
                + channels
                + " × "
                + height
                + " × "
                + width);
      }
      if (filters.isEmpty() || filters.stream().anyMatch(f -> f < 1)) {
        throw new IllegalArgumentException(
            "image filters must be one or more positive counts: " + filters);
      }
      if (kernel < 1 || kernel % 2 == 0) {
        throw new IllegalArgumentException("image kernel must be a positive odd size: " + kernel);
      }
      if ((height >> filters.size()) < 1 || (width >> filters.size()) < 1) {
        throw new IllegalArgumentException(
            filters.size()
                + " convolutions halve a "
                + height
                + " × "
                + width
                + " image to nothing: use at most "
                + (31 - Integer.numberOfLeadingZeros(Math.min(height, width)))
                + " convolutions");
      }
    }

    /** The number of inputs the image takes: channels × height × width. */
    public int pixels() {
      return channels * height * width;
    }

    /** The width of the convolutions' flattened output. */
    public int features() {
      return filters.get(filters.size() - 1)
          * (height >> filters.size())
          * (width >> filters.size());
    }
  }

  /**
   * The embedding bag of a text model: the {@code tokens} inputs from {@code at} are token ids (0
   * for padding, else 1 to {@code vocabulary}); each id has an embedding of {@code dimension}
   * values (the padding's is never used), and the bag is their mean over a row's non-zero ids
   * (zeros for a row without any). The model's other inputs, in order, then the bag's {@code
   * dimension} values go on to the hidden layers (none for linear: fastText's classifier).
   */
  public record Text(int at, int tokens, int vocabulary, int dimension) {

    public Text {
      if (at < 0 || tokens < 1 || vocabulary < 0 || dimension < 1) {
        throw new IllegalArgumentException(
            "a text bag needs at >= 0, tokens >= 1, vocabulary >= 0 and dimension >= 1: " + this);
      }
    }
  }

  /**
   * The frozen backbone a head was trained on: it takes the {@code inputs} preprocessed inputs and
   * gives the {@code outputs} features the network (the head) takes.
   *
   * @param sha256 the SHA-256 of the backbone file, lowercase hex
   */
  public record Backbone(int inputs, int outputs, String sha256) {

    public Backbone {
      Objects.requireNonNull(sha256, "sha256");
      if (inputs < 1 || outputs < 1) {
        throw new IllegalArgumentException(
            "a backbone takes and gives at least one value: " + inputs + " → " + outputs);
      }
    }
  }

  public ModelConfig {
    Objects.requireNonNull(type, "type");
    if (backbone != null && (!(MLP.equals(type) || LINEAR.equals(type)) || text != null)) {
      throw new IllegalArgumentException(
          "a backbone takes an mlp or linear head without model.text, not " + type);
    }
    if (text != null && !MLP.equals(type) && !LINEAR.equals(type)) {
      throw new IllegalArgumentException("model.text is for mlp and linear models, not " + type);
    }
    if (!MLP.equals(type) && !LINEAR.equals(type) && !CNN.equals(type) && !XGBOOST.equals(type)) {
      throw new IllegalArgumentException(
          "unsupported model type: " + type + " (supported: mlp, linear, cnn, xgboost)");
    }
    if (CNN.equals(type) && image == null) {
      throw new IllegalArgumentException(
          "a cnn model needs model.image: its height and width at least");
    }
    if (!CNN.equals(type) && image != null) {
      throw new IllegalArgumentException("model.image is for a cnn model, not " + type);
    }
    hidden = hidden == null ? List.of() : List.copyOf(hidden);
    for (int width : hidden) {
      if (width <= 0) {
        throw new IllegalArgumentException("hidden layer widths must be positive: " + hidden);
      }
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1): " + dropout);
    }
    task = task == null ? Task.BINARY_CLASSIFICATION : task;
    if (task == Task.BINARY_CLASSIFICATION) {
      Objects.requireNonNull(negativeLabel, "negativeLabel");
      Objects.requireNonNull(positiveLabel, "positiveLabel");
    } else if (negativeLabel != null || positiveLabel != null) {
      throw new IllegalArgumentException(
          "negativeLabel and positiveLabel are for binary-classification, not " + task.wire());
    }
    if (task == Task.MULTICLASS_CLASSIFICATION) {
      Objects.requireNonNull(classes, "classes");
      classes = List.copyOf(classes);
      if (classes.size() < 2 || new HashSet<>(classes).size() != classes.size()) {
        throw new IllegalArgumentException(
            "multiclass-classification needs at least 2 distinct classes, got " + classes);
      }
    } else if (classes != null) {
      throw new IllegalArgumentException(
          "classes are for multiclass-classification, not " + task.wire());
    }
    if (task == Task.REGRESSION) {
      if (targetMean == null
          || targetScale == null
          || !Double.isFinite(targetMean)
          || !Double.isFinite(targetScale)
          || !(targetScale > 0)) {
        throw new IllegalArgumentException(
            "regression needs a finite targetMean and a targetScale > 0, got "
                + targetMean
                + " and "
                + targetScale);
      }
    } else if (targetMean != null || targetScale != null) {
      throw new IllegalArgumentException(
          "targetMean and targetScale are for regression, not " + task.wire());
    }
  }

  /** A config without a text bag. */
  public ModelConfig(
      String type,
      List<Integer> hidden,
      double dropout,
      String negativeLabel,
      String positiveLabel,
      Task task,
      List<String> classes,
      Double targetMean,
      Double targetScale,
      Image image) {
    this(
        type,
        hidden,
        dropout,
        negativeLabel,
        positiveLabel,
        task,
        classes,
        targetMean,
        targetScale,
        image,
        null,
        null);
  }

  /** This config with a text bag. */
  public ModelConfig withText(Text bag) {
    return with(image, bag, backbone);
  }

  /** This config with a frozen backbone under the network. */
  public ModelConfig withBackbone(Backbone frozen) {
    return with(image, text, frozen);
  }

  private ModelConfig with(Image image, Text text, Backbone backbone) {
    return new ModelConfig(
        type,
        hidden,
        dropout,
        negativeLabel,
        positiveLabel,
        task,
        classes,
        targetMean,
        targetScale,
        image,
        text,
        backbone);
  }

  /** The width of the network's input: the backbone's outputs, or the preprocessing's width. */
  public int networkInputs(Preprocessing pre) {
    return backbone != null ? backbone.outputs() : pre.width();
  }

  /** A config without an image (every type but cnn). */
  public ModelConfig(
      String type,
      List<Integer> hidden,
      double dropout,
      String negativeLabel,
      String positiveLabel,
      Task task,
      List<String> classes,
      Double targetMean,
      Double targetScale) {
    this(
        type,
        hidden,
        dropout,
        negativeLabel,
        positiveLabel,
        task,
        classes,
        targetMean,
        targetScale,
        null);
  }

  /** A binary classifier (the config of every bundle written before tasks existed). */
  public ModelConfig(
      String type,
      List<Integer> hidden,
      double dropout,
      String negativeLabel,
      String positiveLabel) {
    this(
        type,
        hidden,
        dropout,
        negativeLabel,
        positiveLabel,
        Task.BINARY_CLASSIFICATION,
        null,
        null,
        null);
  }

  /** A multiclass classifier over {@code classes}, in output order. */
  public static ModelConfig multiclass(
      String type, List<Integer> hidden, double dropout, List<String> classes) {
    return new ModelConfig(
        type, hidden, dropout, null, null, Task.MULTICLASS_CLASSIFICATION, classes, null, null);
  }

  /** A regression model whose output is de-standardised with the target's mean and scale. */
  public static ModelConfig regression(
      String type, List<Integer> hidden, double dropout, double targetMean, double targetScale) {
    return new ModelConfig(
        type, hidden, dropout, null, null, Task.REGRESSION, null, targetMean, targetScale);
  }

  /** The hidden layer widths the block has: {@link #hidden()} for mlp and cnn, none otherwise. */
  public List<Integer> layers() {
    return MLP.equals(type) || CNN.equals(type) ? hidden : List.of();
  }

  /** Whether the model is XGBoost's booster rather than a DJL network. */
  public boolean trees() {
    return XGBOOST.equals(type);
  }

  /** The width of the block's last layer: the number of classes for multiclass, else 1. */
  public int outputs() {
    return task == Task.MULTICLASS_CLASSIFICATION ? classes.size() : 1;
  }

  /**
   * The class labels by class index: binary {@code [negativeLabel, positiveLabel]}, multiclass
   * {@link #classes()}, regression none.
   */
  public List<String> labels() {
    return switch (task) {
      case BINARY_CLASSIFICATION -> List.of(negativeLabel, positiveLabel);
      case MULTICLASS_CLASSIFICATION -> classes;
      case REGRESSION -> List.of();
    };
  }
}
