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
 *     linear regression by task) or {@code xgboost} (gradient-boosted trees)
 * @param hidden mlp: the widths of the hidden layers, each followed by ReLU and dropout; ignored by
 *     linear
 * @param dropout the dropout rate after each hidden layer, in [0, 1)
 * @param negativeLabel binary: the label predicted when the score is below the threshold
 * @param positiveLabel binary: the label whose probability the model outputs
 * @param task the task; {@code null} reads as binary-classification
 * @param classes multiclass: the class labels, in output order
 * @param targetMean regression: the mean of the training target
 * @param targetScale regression: the population standard deviation of the training target (1 when
 *     that is 0)
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
    Double targetScale) {

  /** The multi-layer perceptron. */
  public static final String MLP = "mlp";

  /** A single linear layer: logistic, softmax or linear regression by task. */
  public static final String LINEAR = "linear";

  /**
   * Gradient-boosted trees (XGBoost): its outputs are the booster's margins, which mean what the
   * network's outputs mean (logit, logits, standardised target).
   */
  public static final String XGBOOST = "xgboost";

  public ModelConfig {
    Objects.requireNonNull(type, "type");
    if (!MLP.equals(type) && !LINEAR.equals(type) && !XGBOOST.equals(type)) {
      throw new IllegalArgumentException(
          "unsupported model type: " + type + " (supported: mlp, linear, xgboost)");
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

  /** The hidden layer widths the block has: {@link #hidden()} for mlp, none otherwise. */
  public List<Integer> layers() {
    return MLP.equals(type) ? hidden : List.of();
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
