package io.trainyard.datasets;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.duckdb.DuckDBDriver;

/**
 * Opens in-memory DuckDB connections that never reach the network: extension auto-install and
 * auto-load are switched off on every connection, so only what is built into the JDBC driver (CSV,
 * Parquet) is available. One connection per operation, closed after.
 */
final class DuckDb {

  private static final DuckDBDriver DRIVER = new DuckDBDriver();

  private DuckDb() {}

  /**
   * The memory DuckDB may use for one operation before it spills to disk (DuckDB's {@code
   * memory_limit}); system property {@value #MEMORY_LIMIT_PROPERTY}, default {@value
   * #DEFAULT_MEMORY_LIMIT}. It is native memory, outside the Java heap.
   */
  static final String MEMORY_LIMIT_PROPERTY = "trainyard.duckdb.memory-limit";

  static final String DEFAULT_MEMORY_LIMIT = "512MB";

  /** A new private in-memory database. */
  static Connection open() throws SQLException {
    return configure(DRIVER.connect("jdbc:duckdb:", new Properties()));
  }

  /**
   * A new private database in {@code dir} (created if missing): its tables live in a file there and
   * what does not fit in the memory limit spills to {@code dir/spill}, so a table larger than the
   * memory limit can be processed. Delete the directory after closing the connection.
   */
  static Connection openOnDisk(Path dir) throws SQLException {
    try {
      java.nio.file.Files.createDirectories(dir.resolve("spill"));
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create DuckDB work directory " + dir + ": " + e, e);
    }
    Connection c =
        configure(
            DRIVER.connect(
                "jdbc:duckdb:" + dir.resolve("work.duckdb").toAbsolutePath(), new Properties()));
    try {
      execute(c, "SET temp_directory = " + literal(dir.resolve("spill")));
      execute(
          c,
          "SET memory_limit = "
              + literal(System.getProperty(MEMORY_LIMIT_PROPERTY, DEFAULT_MEMORY_LIMIT)));
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  private static Connection configure(Connection c) throws SQLException {
    try {
      execute(c, "SET autoinstall_known_extensions=false");
      execute(c, "SET autoload_known_extensions=false");
      execute(c, "SET preserve_insertion_order=true");
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  /** Work for one connection. */
  interface Task {
    void run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code tasks} on up to {@code threads} new connections to {@code c}'s database at once,
   * each connection first running {@code setup} (when not null), and waits for all of them; the
   * first failure is thrown (the remaining tasks are then skipped).
   */
  static void inParallel(Connection c, int threads, java.util.List<Task> tasks, String setup)
      throws SQLException {
    java.util.concurrent.ConcurrentLinkedQueue<Task> queue =
        new java.util.concurrent.ConcurrentLinkedQueue<>(tasks);
    int workers = Math.max(1, Math.min(threads, tasks.size()));
    org.duckdb.DuckDBConnection db = c.unwrap(org.duckdb.DuckDBConnection.class);
    java.util.List<Thread> started = new java.util.ArrayList<>();
    java.util.List<Throwable> failures =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    for (int t = 0; t < workers; t++) {
      Connection w = db.duplicate();
      Thread thread =
          new Thread(
              () -> {
                try (w) {
                  if (setup != null) {
                    execute(w, setup);
                  }
                  for (Task task = queue.poll();
                      task != null && failures.isEmpty();
                      task = queue.poll()) {
                    task.run(w);
                  }
                } catch (SQLException | RuntimeException | Error e) {
                  failures.add(e);
                }
              },
              "trainyard-duckdb-" + t);
      started.add(thread);
      thread.start();
    }
    for (Thread thread : started) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted", e);
      }
    }
    if (!failures.isEmpty()) {
      Throwable first = failures.get(0);
      if (first instanceof SQLException e) {
        throw e;
      }
      if (first instanceof RuntimeException e) {
        throw e;
      }
      throw (Error) first;
    }
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Deletes a directory and everything in it; nothing when it does not exist. */
  static void deleteTree(Path dir) throws java.io.IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(p);
      }
    }
  }

  /** A SQL string literal. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** A SQL string literal holding an absolute file path. */
  static String literal(Path p) {
    return literal(p.toAbsolutePath().toString());
  }

  /** A quoted SQL identifier. */
  static String ident(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /** The first lines of a DuckDB error, without its hints for SQL users and the query excerpt. */
  static String shortMessage(SQLException e) {
    String m = String.valueOf(e.getMessage()).strip();
    for (String cut : new String[] {"\nPossible fixes", "\nThe search space", "\nLINE "}) {
      int i = m.indexOf(cut);
      if (i >= 0) {
        m = m.substring(0, i);
      }
    }
    return m.strip().replaceAll("\\s*\\n\\s*", " ");
  }

  /** Logical type of a DuckDB column type. */
  static String logicalType(String duckType) {
    String t = duckType.toUpperCase(java.util.Locale.ROOT);
    if (isInteger(t)) {
      return Column.INTEGER;
    }
    if (isReal(t)) {
      return Column.NUMBER;
    }
    if (t.equals("BOOLEAN")) {
      return Column.BOOLEAN;
    }
    return Column.STRING;
  }

  /** Integer types that fit in a BIGINT. */
  static boolean isBigintCompatible(String duckType) {
    return switch (duckType.toUpperCase(java.util.Locale.ROOT)) {
      case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER" -> true;
      default -> false;
    };
  }

  static boolean isInteger(String duckType) {
    return isBigintCompatible(duckType)
        || switch (duckType.toUpperCase(java.util.Locale.ROOT)) {
          case "HUGEINT", "UBIGINT", "UHUGEINT" -> true;
          default -> false;
        };
  }

  static boolean isReal(String duckType) {
    String t = duckType.toUpperCase(java.util.Locale.ROOT);
    return t.startsWith("DECIMAL") || t.equals("DOUBLE") || t.equals("FLOAT") || t.equals("REAL");
  }

  static boolean isNumeric(String duckType) {
    return isInteger(duckType) || isReal(duckType);
  }

  /**
   * Whether JDBC returns values of this type as Java objects {@link DatasetLabels#canonical} takes
   * (numbers, booleans, strings); other types (dates, times...) are read as VARCHAR.
   */
  static boolean isCanonicalReadable(String duckType) {
    String t = duckType.toUpperCase(java.util.Locale.ROOT);
    return isNumeric(t) || t.equals("BOOLEAN") || t.equals("VARCHAR");
  }
}
