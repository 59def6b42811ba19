package io.trainyard.contracts.spec;

import java.util.List;

/** A pipeline spec is not valid; {@link #reasons()} says why, each naming the JSON path. */
public class SpecValidationException extends IllegalArgumentException {

  private final List<String> reasons;

  public SpecValidationException(List<String> reasons) {
    super("invalid pipeline spec: " + String.join("; ", reasons));
    this.reasons = List.copyOf(reasons);
  }

  /** Readable reasons, e.g. {@code $.training.epochs: must be >= 1}. */
  public List<String> reasons() {
    return reasons;
  }
}
