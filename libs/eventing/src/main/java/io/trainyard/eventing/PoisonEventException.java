package io.trainyard.eventing;

/**
 * The event cannot be processed, now or later (it refers to something that cannot exist, it breaks
 * a rule the schema cannot express): it goes to the dead-letter topic at once, with this message as
 * the reason, and the consumer moves on.
 */
public class PoisonEventException extends RuntimeException {

  public PoisonEventException(String message) {
    super(message);
  }

  public PoisonEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
