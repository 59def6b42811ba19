package io.trainyard.eventing.quarkus;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.trainyard.eventing.TransactionRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;

/**
 * Runs work in a new JTA transaction ({@code QuarkusTransaction.requiringNew()}) on the
 * transaction's enlisted connection, so that the inbox row, what the handler writes (Panache, JDBC)
 * and the outbox rows commit together. What the work throws is rethrown as thrown, not wrapped.
 */
@ApplicationScoped
public class QuarkusTransactionRunner implements TransactionRunner {

  @Inject AgroalDataSource dataSource;

  @Override
  public <R> R inTransaction(Work<R> work) throws Exception {
    Exception[] thrown = new Exception[1];
    try {
      return QuarkusTransaction.requiringNew()
          .call(
              () -> {
                try (Connection connection = dataSource.getConnection()) {
                  return work.run(connection);
                } catch (Exception e) {
                  thrown[0] = e;
                  throw e;
                }
              });
    } catch (RuntimeException e) {
      if (thrown[0] != null) {
        throw thrown[0];
      }
      throw e;
    }
  }
}
