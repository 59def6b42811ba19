package io.trainyard.eventing;

import java.sql.Connection;

/**
 * An {@link EventHandler} that is given the transaction's connection, for code that writes with
 * plain JDBC (and appends with {@link OutboxWriter}).
 */
@FunctionalInterface
public interface JdbcEventHandler<T> {

  void handle(Connection connection, IncomingEvent<T> event) throws Exception;
}
