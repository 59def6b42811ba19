package io.trainyard.eventing;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Tells transient failures (retry: not the event's fault) from the rest (dead-letter).
 *
 * <p>The cause chain is searched, since frameworks wrap what failed (Hibernate wraps an {@code
 * SQLException}, a transaction manager wraps a commit failure). An explicit {@link
 * PoisonEventException} or {@link TransientEventException} closest to the top decides; otherwise a
 * failure is transient when anything in the chain is:
 *
 * <ul>
 *   <li>{@link SQLTransientException} or {@link SQLRecoverableException} (JDBC's own
 *       classification, including timeouts);
 *   <li>an {@link SQLException} whose SQLState says so: class {@code 08} (connection), {@code
 *       40001} (serialization failure), {@code 40P01} (deadlock), {@code 55P03} (lock not
 *       available), {@code 57014} (statement timeout or cancel), {@code 57P01}-{@code 57P03} (the
 *       server is shutting down or starting), class {@code 53} (out of resources);
 *   <li>Kafka's {@link RetriableException};
 *   <li>{@link ConnectException} or {@link SocketTimeoutException};
 *   <li>an optimistic-lock conflict ({@code jakarta.persistence.OptimisticLockException}, by name
 *       so that JPA is not a dependency).
 * </ul>
 */
public final class Failures {

  private static final Set<String> TRANSIENT_SQL_STATES =
      Set.of("40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03");

  private static final Set<String> TRANSIENT_CLASS_NAMES =
      Set.of(
          "jakarta.persistence.OptimisticLockException",
          "org.hibernate.StaleObjectStateException",
          "org.hibernate.exception.JDBCConnectionException");

  private Failures() {}

  /** Whether {@code failure} is worth retrying. */
  public static boolean isTransient(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
      if (t instanceof PoisonEventException) {
        return false;
      }
      if (t instanceof TransientEventException) {
        return true;
      }
    }
    seen.clear();
    for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
      if (isTransientItself(t)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isTransientItself(Throwable t) {
    if (t instanceof SQLTransientException
        || t instanceof SQLRecoverableException
        || t instanceof RetriableException
        || t instanceof ConnectException
        || t instanceof SocketTimeoutException
        || TRANSIENT_CLASS_NAMES.contains(t.getClass().getName())) {
      return true;
    }
    if (t instanceof SQLException sql) {
      for (SQLException e = sql; e != null; e = e.getNextException()) {
        String state = e.getSQLState();
        if (state != null
            && (state.startsWith("08")
                || state.startsWith("53")
                || TRANSIENT_SQL_STATES.contains(state))) {
          return true;
        }
        if (e.getNextException() == e) {
          break;
        }
      }
    }
    return false;
  }

  /** {@code SimpleClassName: message} of a failure, for reasons and logs. */
  public static String describe(Throwable failure) {
    if (failure == null) {
      return "unknown failure";
    }
    String message = failure.getMessage();
    String name = failure.getClass().getSimpleName();
    return message == null || message.isBlank() ? name : name + ": " + message;
  }
}
