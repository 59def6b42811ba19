package io.trainyard.eventing;

import io.trainyard.contracts.Envelope;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The envelope of the event being handled on this thread. While a handler runs, {@link
 * OutboxWriter#append} (and the Quarkus {@code Outbox}) make every event it publishes a child of
 * this one: same correlation id, causation id = this event's id, trace context carried.
 */
public final class CurrentEvent {

  private static final ThreadLocal<Envelope> CURRENT = new ThreadLocal<>();

  private CurrentEvent() {}

  /** The envelope of the event being handled on this thread, if any. */
  public static Optional<Envelope> envelope() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * Runs {@code work} with {@code envelope} as the current event, then restores the previous one.
   *
   * @param envelope the handled event; {@code null} runs {@code work} outside any event
   */
  public static <R> R callAs(Envelope envelope, Callable<R> work) throws Exception {
    Envelope previous = CURRENT.get();
    set(envelope);
    try {
      return work.call();
    } finally {
      set(previous);
    }
  }

  private static void set(Envelope envelope) {
    if (envelope == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(envelope);
    }
  }
}
