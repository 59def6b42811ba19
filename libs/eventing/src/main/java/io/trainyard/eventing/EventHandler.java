package io.trainyard.eventing;

/**
 * Handles one consumed event inside the transaction that also records it in the inbox. It may
 * change state and publish events; everything commits together or not at all.
 *
 * <p>Throw a {@link TransientEventException} (or let a connection or lock failure escape) to be
 * retried; throw a {@link PoisonEventException} (or any other exception) to dead-letter the record.
 */
@FunctionalInterface
public interface EventHandler<T> {

  void handle(IncomingEvent<T> event) throws Exception;
}
