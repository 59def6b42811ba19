package io.trainyard.eventing;

/**
 * A transient failure outlasted every retry. The record is neither processed nor dead-lettered (it
 * is not the record's fault): the consumer must not acknowledge it, so that it is delivered again
 * once the cause has passed.
 */
public class RetriesExhaustedException extends Exception {

  private final ConsumedRecord record;
  private final int attempts;

  public RetriesExhaustedException(ConsumedRecord record, int attempts, Throwable cause) {
    super(
        record.position()
            + ": transient failure after "
            + attempts
            + " attempt(s): "
            + Failures.describe(cause),
        cause);
    this.record = record;
    this.attempts = attempts;
  }

  /** The record that could not be processed. */
  public ConsumedRecord record() {
    return record;
  }

  /** How many attempts were made. */
  public int attempts() {
    return attempts;
  }
}
