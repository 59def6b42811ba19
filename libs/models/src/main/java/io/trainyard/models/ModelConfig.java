package io.trainyard.models;

import java.util.List;
import java.util.Objects;

/**
 * The architecture of a model and the labels of its two classes: everything needed to rebuild its
 * block before its parameters are loaded.
 *
 * @param type {@code mlp} (hidden layers) or {@code linear} (no hidden layer: logistic regression)
 * @param hidden mlp: the widths of the hidden layers, each followed by ReLU and dropout; ignored by
 *     linear
 * @param dropout the dropout rate after each hidden layer, in [0, 1)
 * @param negativeLabel the label predicted when the score is below the threshold
 * @param positiveLabel the label whose probability the model outputs
 */
public record ModelConfig(
    String type, List<Integer> hidden, double dropout, String negativeLabel, String positiveLabel) {

  /** The multi-layer perceptron. */
  public static final String MLP = "mlp";

  /** Logistic regression: a single linear layer. */
  public static final String LINEAR = "linear";

  public ModelConfig {
    Objects.requireNonNull(type, "type");
    if (!MLP.equals(type) && !LINEAR.equals(type)) {
      throw new IllegalArgumentException(
          "unsupported model type: " + type + " (supported: mlp, linear)");
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
    Objects.requireNonNull(negativeLabel, "negativeLabel");
    Objects.requireNonNull(positiveLabel, "positiveLabel");
  }

  /** The hidden layer widths the block has: {@link #hidden()} for mlp, none for linear. */
  public List<Integer> layers() {
    return LINEAR.equals(type) ? List.of() : hidden;
  }
}
