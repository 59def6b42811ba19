package io.trainyard.training.runs;

import java.util.Locale;

/**
 * What a training replica does ({@code trainyard.training.role}): every role consumes the training
 * requests and cancellations into the run queue (idempotently) and serves the runs API; only a
 * {@code worker} (or {@code both}) trains.
 *
 * <ul>
 *   <li>{@code api}: no training — small pods behind the console, scaled for requests;
 *   <li>{@code worker}: trains one run at a time — GPU pods, scaled on the queue (ADR 0005);
 *   <li>{@code both}: one process does everything (local, the default).
 * </ul>
 */
public enum TrainingRole {
  API,
  WORKER,
  BOTH;

  /** Parses {@code api}, {@code worker} or {@code both} (any case). */
  public static TrainingRole parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "api" -> API;
      case "worker" -> WORKER;
      case "both" -> BOTH;
      default ->
          throw new IllegalArgumentException(
              "trainyard.training.role must be api, worker or both, not '" + text + "'");
    };
  }

  /** Whether a replica of this role trains. */
  public boolean trains() {
    return this != API;
  }

  /** The value in configuration. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
