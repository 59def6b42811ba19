package io.trainyard.eventing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The consumer side of exactly-once: the events a service has handled, keyed by CloudEvent {@code
 * source} + {@code id}. Recording an event in the same transaction as its effect makes a
 * redelivered event a no-op.
 */
public final class Inbox {

  static final String INSERT =
      "INSERT INTO inbox (source, event_id, topic) VALUES (?, ?, ?)"
          + " ON CONFLICT (source, event_id) DO NOTHING";

  /**
   * Records the event in the caller's transaction.
   *
   * <p>When another transaction is recording the same event concurrently, this waits for it: if it
   * commits, this returns {@code false}; if it rolls back, {@code true}.
   *
   * @return {@code true} the first time the event is seen; {@code false} for a redelivery
   */
  public boolean firstDelivery(Connection connection, String source, String eventId, String topic)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, source);
      insert.setString(2, eventId);
      insert.setString(3, topic);
      return insert.executeUpdate() == 1;
    }
  }
}
