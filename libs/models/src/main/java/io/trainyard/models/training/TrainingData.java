package io.trainyard.models.training;

import java.util.List;
import java.util.Objects;

/**
 * The numeric training and validation splits of a binary classification dataset.
 *
 * @param features the feature names, one per column
 * @param trainX the training rows, {@code NaN} where a value is missing
 * @param trainY the training labels: 1 for the positive class, 0 for the negative
 * @param valX the validation rows
 * @param valY the validation labels
 */
public record TrainingData(
    List<String> features, double[][] trainX, int[] trainY, double[][] valX, int[] valY) {

  public TrainingData {
    features = List.copyOf(Objects.requireNonNull(features, "features"));
    Objects.requireNonNull(trainX, "trainX");
    Objects.requireNonNull(trainY, "trainY");
    Objects.requireNonNull(valX, "valX");
    Objects.requireNonNull(valY, "valY");
    if (features.isEmpty()) {
      throw new IllegalArgumentException("no features");
    }
    if (trainX.length == 0 || valX.length == 0) {
      throw new IllegalArgumentException(
          "training needs training and validation rows, got "
              + trainX.length
              + " and "
              + valX.length);
    }
    if (trainX.length != trainY.length || valX.length != valY.length) {
      throw new IllegalArgumentException("rows and labels differ in number");
    }
    checkLabels("trainY", trainY);
    checkLabels("valY", valY);
  }

  private static void checkLabels(String name, int[] y) {
    for (int i = 0; i < y.length; i++) {
      if (y[i] != 0 && y[i] != 1) {
        throw new IllegalArgumentException(name + "[" + i + "] is " + y[i] + ", expected 0 or 1");
      }
    }
  }
}
