package io.trainyard.eventing;

import java.sql.Connection;
import java.util.Objects;
import javax.sql.DataSource;

/** A {@link TransactionRunner} on a plain {@link DataSource}: one connection per transaction. */
public final class JdbcTransactionRunner implements TransactionRunner {

  private final DataSource dataSource;

  public JdbcTransactionRunner(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public <R> R inTransaction(Work<R> work) throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        R result = work.run(connection);
        connection.commit();
        return result;
      } catch (Throwable e) {
        try {
          connection.rollback();
        } catch (Exception rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        try {
          connection.setAutoCommit(true);
        } catch (Exception ignored) {
          // The connection is closed next; a broken one is discarded by its pool.
        }
      }
    }
  }
}
