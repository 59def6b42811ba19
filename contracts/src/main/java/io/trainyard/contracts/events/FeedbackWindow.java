package io.trainyard.contracts.events;

import java.time.Instant;

/**
 * The period of a feedback dataset ({@link DatasetIngestRequested#feedback()}): the predictions
 * observed in {@code [from, to)}.
 *
 * @param from the first instant of the window (inclusive)
 * @param to the end of the window (exclusive); after {@code from}
 */
public record FeedbackWindow(Instant from, Instant to) {

  public FeedbackWindow {
    Copies.required(from, "feedback.from");
    Copies.required(to, "feedback.to");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException(
          "feedback.from (" + from + ") must be before feedback.to (" + to + ")");
    }
  }

  /** Whether {@code instant} is in the window: {@code from <= instant < to}. */
  public boolean contains(Instant instant) {
    return !instant.isBefore(from) && instant.isBefore(to);
  }
}
