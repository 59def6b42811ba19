package io.trainyard.models.training;

import io.trainyard.contracts.spec.Task;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What a training learns to predict: the task and, for a classification, its class labels by class
 * index (the values {@link TrainingData}'s {@code y} holds).
 *
 * @param task the task
 * @param classes binary: {@code [negative, positive]}; multiclass: at least two distinct labels in
 *     output order (training uses the sorted distinct labels of the train split); regression: none
 */
public record Target(Task task, List<String> classes) {

  public Target {
    Objects.requireNonNull(task, "task");
    classes = List.copyOf(Objects.requireNonNull(classes, "classes"));
    switch (task) {
      case BINARY_CLASSIFICATION -> {
        if (classes.size() != 2) {
          throw new IllegalArgumentException(
              "a binary target has a negative and a positive label, got " + classes);
        }
      }
      case MULTICLASS_CLASSIFICATION -> {
        if (classes.size() < 2 || new HashSet<>(classes).size() != classes.size()) {
          throw new IllegalArgumentException(
              "a multiclass target needs at least 2 distinct classes, got " + classes);
        }
      }
      case REGRESSION -> {
        if (!classes.isEmpty()) {
          throw new IllegalArgumentException("a regression target has no classes: " + classes);
        }
      }
    }
  }

  /** Binary classification: y 1 is {@code positiveLabel}, 0 is {@code negativeLabel}. */
  public static Target binary(String negativeLabel, String positiveLabel) {
    return new Target(
        Task.BINARY_CLASSIFICATION,
        List.of(
            Objects.requireNonNull(negativeLabel, "negativeLabel"),
            Objects.requireNonNull(positiveLabel, "positiveLabel")));
  }

  /** Multiclass classification: y {@code c} is {@code classes.get(c)}. */
  public static Target multiclass(List<String> classes) {
    return new Target(Task.MULTICLASS_CLASSIFICATION, classes);
  }

  /** Regression: y is the target value. */
  public static Target regression() {
    return new Target(Task.REGRESSION, List.of());
  }
}
