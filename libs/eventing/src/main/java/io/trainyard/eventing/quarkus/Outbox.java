package io.trainyard.eventing.quarkus;

import io.agroal.api.AgroalDataSource;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.Topic;
import io.trainyard.eventing.CurrentEvent;
import io.trainyard.eventing.OutboxEvent;
import io.trainyard.eventing.OutboxRelay;
import io.trainyard.eventing.OutboxWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Publishes events through the transactional outbox, from a {@code @Transactional} method (or an
 * {@code EventConsumer} handler): the event is written in the current JTA transaction, on its
 * connection, together with whatever the method changes, and relayed to Kafka after the commit. A
 * rollback publishes nothing.
 *
 * <pre>{@code
 * @Transactional
 * public void requestRun(String pipeline, int datasetVersion) {
 *   runs.persist(...);
 *   outbox.publish(Topic.TRAINING_REQUESTED, request, runId);   // business key -> ce_id
 * }
 * }</pre>
 *
 * <p>While a handler runs, events are children of the handled event (same correlation id, causation
 * id = its id, trace context carried); elsewhere they start a chain.
 */
@ApplicationScoped
public class Outbox {

  private static final Object SIGNAL_REGISTERED = new Object();

  @Inject AgroalDataSource dataSource;
  @Inject TransactionSynchronizationRegistry transactions;
  @Inject OutboxWriter writer;
  @Inject OutboxRelay relay;

  /**
   * Appends an event: a child of the event being handled on this thread, or the first event of a
   * chain.
   *
   * @param businessKey the parts its id is derived from ({@code EventIds})
   * @throws IllegalStateException without an active transaction
   * @throws io.trainyard.contracts.InvalidPayloadException when the payload fails its schema
   */
  public OutboxEvent publish(Topic topic, Object payload, Object... businessKey) {
    return write(
        connection ->
            writer.appendChildOf(
                connection, CurrentEvent.envelope().orElse(null), topic, payload, businessKey));
  }

  /** Appends an event caused by {@code parent} (e.g. an event handled earlier). */
  public OutboxEvent publishChildOf(
      Envelope parent, Topic topic, Object payload, Object... businessKey) {
    return write(
        connection -> writer.appendChildOf(connection, parent, topic, payload, businessKey));
  }

  /** Appends an event that starts a chain, even while a handler runs. */
  public OutboxEvent publishRoot(Topic topic, Object payload, Object... businessKey) {
    return write(connection -> writer.appendRoot(connection, topic, payload, businessKey));
  }

  /** Appends an event with an envelope built by the caller. */
  public OutboxEvent publishEnvelope(Topic topic, Envelope envelope, Object payload) {
    return write(connection -> writer.appendEnvelope(connection, topic, envelope, payload));
  }

  private OutboxEvent write(Append append) {
    int status = transactions.getTransactionStatus();
    if (status != Status.STATUS_ACTIVE) {
      throw new IllegalStateException(
          "Outbox.publish needs an active transaction (status "
              + status
              + "): call it from a @Transactional method or an EventConsumer handler");
    }
    OutboxEvent event;
    try (Connection connection = dataSource.getConnection()) {
      event = append.to(connection);
    } catch (SQLException e) {
      throw new OutboxWriteException("could not write the event to the outbox", e);
    }
    signalAfterCommit();
    return event;
  }

  private void signalAfterCommit() {
    if (transactions.getResource(SIGNAL_REGISTERED) != null) {
      return;
    }
    transactions.putResource(SIGNAL_REGISTERED, Boolean.TRUE);
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
              relay.signal();
            }
          }
        });
  }

  @FunctionalInterface
  private interface Append {
    OutboxEvent to(Connection connection) throws SQLException;
  }

  /** The outbox row could not be written; the cause says why (and whether it is transient). */
  public static class OutboxWriteException extends RuntimeException {
    public OutboxWriteException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
