package io.trainyard.contracts;

import java.util.List;

/** Kafka headers do not make a valid Trainyard CloudEvent envelope. */
public class InvalidEnvelopeException extends IllegalArgumentException {

  private final List<String> problems;

  public InvalidEnvelopeException(List<String> problems) {
    super("invalid CloudEvent headers: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, each naming the header. */
  public List<String> problems() {
    return problems;
  }
}
