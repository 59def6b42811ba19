package io.trainyard.eventing;

/**
 * A failure that is not the event's fault and may pass (a dependency is down, a lock is held): the
 * event is retried with backoff, and never dead-lettered.
 */
public class TransientEventException extends RuntimeException {

  public TransientEventException(String message) {
    super(message);
  }

  public TransientEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
