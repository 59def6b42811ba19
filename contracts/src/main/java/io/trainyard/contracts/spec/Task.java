package io.trainyard.contracts.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The learning task of a pipeline. */
public enum Task {
  BINARY_CLASSIFICATION("binary-classification", "roc_auc"),
  MULTICLASS_CLASSIFICATION("multiclass-classification", "accuracy"),
  REGRESSION("regression", "rmse");

  private final String wire;
  private final String defaultPrimaryMetric;

  Task(String wire, String defaultPrimaryMetric) {
    this.wire = wire;
    this.defaultPrimaryMetric = defaultPrimaryMetric;
  }

  /** The value on the wire, e.g. {@code binary-classification}. */
  @JsonValue
  public String wire() {
    return wire;
  }

  /** The default {@code evaluation.primaryMetric}: roc_auc, accuracy or rmse. */
  public String defaultPrimaryMetric() {
    return defaultPrimaryMetric;
  }

  /** Whether the task is a classification. */
  public boolean classification() {
    return this != REGRESSION;
  }

  @JsonCreator
  public static Task fromWire(String text) {
    for (Task task : values()) {
      if (task.wire.equals(text)) {
        return task;
      }
    }
    throw new IllegalArgumentException(
        "unknown task '"
            + text
            + "', expected one of "
            + Arrays.stream(values()).map(Task::wire).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return wire;
  }
}
