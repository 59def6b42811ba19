package io.trainyard.eventing;

import java.sql.Connection;

/**
 * Runs work in one new database transaction: commits when the work returns, rolls back when it
 * throws (and rethrows what it threw).
 */
public interface TransactionRunner {

  <R> R inTransaction(Work<R> work) throws Exception;

  /** Work on the transaction's connection. */
  @FunctionalInterface
  interface Work<R> {
    R run(Connection connection) throws Exception;
  }
}
