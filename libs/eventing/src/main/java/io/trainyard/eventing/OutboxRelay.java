package io.trainyard.eventing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.trainyard.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Publishes the outbox to Kafka: one relay per service process, one active relay per service.
 *
 * <p>The relay holds a PostgreSQL advisory lock (keyed by the service's schema) on a dedicated
 * connection, so that only one replica publishes and the others stand by, ready to take over when
 * its session ends. The leader reads unpublished rows ({@code outbox_pending}) in {@code seq}
 * order, in batches; sends them; waits for every acknowledgement ({@code acks=all}, idempotent
 * producer); then marks the acknowledged rows published (deletes them from {@code outbox_pending},
 * sets {@code outbox.published_at}). Reading and sending the next batch overlaps the
 * acknowledgements and marking of the previous one. Nothing is marked that the broker did not
 * acknowledge, so a crash between commit and publish loses nothing, and a crash between publish and
 * mark publishes the same events again under the same ids (consumers de-duplicate by id).
 *
 * <p>It wakes up when told that an outbox transaction committed ({@link #signal()}) and otherwise
 * every {@link Settings#pollInterval()}. Failures back off exponentially and are retried; a lost
 * connection gives the lock up and the relay competes for it again. Published rows older than
 * {@link Settings#retention()} are deleted.
 *
 * <p>The relay does not own the producer or the data source: the caller closes them after {@link
 * #stop()}.
 */
public final class OutboxRelay implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(OutboxRelay.class.getName());

  /** The range of the next batch: where the queue's next rows start and end. */
  static final String NEXT_RANGE =
      "SELECT min(seq), max(seq) FROM (SELECT seq FROM outbox_pending WHERE seq > ?"
          + " ORDER BY seq LIMIT ?) next";

  /** The unpublished rows of a range, read with one walk of the primary key. */
  static final String SELECT_RANGE =
      "SELECT seq, topic, record_key, headers::text, payload FROM outbox"
          + " WHERE seq BETWEEN ? AND ? AND published_at IS NULL ORDER BY seq";

  static final String MARK_PUBLISHED =
      "WITH done AS (DELETE FROM outbox_pending WHERE seq = ANY (?) RETURNING seq)"
          + " UPDATE outbox SET published_at = now() FROM done WHERE outbox.seq = done.seq";
  static final String COUNT_UNPUBLISHED = "SELECT count(*) FROM outbox_pending";

  /**
   * Deletes, among the oldest rows (a short walk of the primary key, no index on published_at
   * needed), those published before the retention period.
   */
  static final String PURGE =
      "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT ?)"
          + " AND published_at < now() - make_interval(secs => ?)";

  static final String TRY_LOCK =
      "SELECT pg_try_advisory_lock(hashtextextended('trainyard.outbox:' || ?, 0))";

  /**
   * Batches read past the previous one before the relay reads from the start again: a row whose
   * transaction committed late, below the read position, waits at most this many batches.
   */
  private static final int MAX_BURST = 16;

  private static final JsonFactory JSON = Json.mapper().getFactory();

  private static final int PURGE_CHUNK = 10_000;
  private static final int PURGE_MAX_CHUNKS = 100;
  private static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);

  /**
   * How the relay works.
   *
   * @param batchSize rows read, sent and marked at a time
   * @param pollInterval how long the leader waits for a {@link #signal()} before looking anyway
   * @param standbyInterval how often a standby replica tries to take the lock
   * @param initialBackoff the wait after a first failure, doubled after each next one
   * @param maxBackoff the longest wait after failures
   * @param sendTimeout how long to wait for a batch's acknowledgements, beyond the producer's own
   *     {@code delivery.timeout.ms}
   * @param retention published rows older than this are deleted; zero keeps them
   * @param lagInterval how often the number of unpublished rows is counted for {@link #lag()}
   */
  public record Settings(
      int batchSize,
      Duration pollInterval,
      Duration standbyInterval,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration sendTimeout,
      Duration retention,
      Duration lagInterval) {

    /** 1000 rows, 250 ms poll, 2 s standby, 100 ms to 5 s backoff, keep published rows 7 days. */
    public static final Settings DEFAULTS =
        new Settings(
            1000,
            Duration.ofMillis(250),
            Duration.ofSeconds(2),
            Duration.ofMillis(100),
            Duration.ofSeconds(5),
            Duration.ofSeconds(180),
            Duration.ofDays(7),
            Duration.ofSeconds(2));

    public Settings {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1");
      }
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(standbyInterval, "standbyInterval");
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      Objects.requireNonNull(sendTimeout, "sendTimeout");
      Objects.requireNonNull(retention, "retention");
      Objects.requireNonNull(lagInterval, "lagInterval");
    }

    public Settings withBatchSize(int batchSize) {
      return new Settings(
          batchSize,
          pollInterval,
          standbyInterval,
          initialBackoff,
          maxBackoff,
          sendTimeout,
          retention,
          lagInterval);
    }

    public Settings withPollInterval(Duration pollInterval) {
      return new Settings(
          batchSize,
          pollInterval,
          standbyInterval,
          initialBackoff,
          maxBackoff,
          sendTimeout,
          retention,
          lagInterval);
    }

    public Settings withStandbyInterval(Duration standbyInterval) {
      return new Settings(
          batchSize,
          pollInterval,
          standbyInterval,
          initialBackoff,
          maxBackoff,
          sendTimeout,
          retention,
          lagInterval);
    }

    public Settings withBackoff(Duration initialBackoff, Duration maxBackoff) {
      return new Settings(
          batchSize,
          pollInterval,
          standbyInterval,
          initialBackoff,
          maxBackoff,
          sendTimeout,
          retention,
          lagInterval);
    }

    public Settings withRetention(Duration retention) {
      return new Settings(
          batchSize,
          pollInterval,
          standbyInterval,
          initialBackoff,
          maxBackoff,
          sendTimeout,
          retention,
          lagInterval);
    }
  }

  private final DataSource dataSource;
  private final Producer<String, byte[]> producer;
  private final Settings settings;
  private final String name;

  private final Semaphore wakeUp = new Semaphore(0);
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong lag = new AtomicLong(-1);

  private volatile boolean running;
  private volatile boolean leader;
  private Thread thread;

  // Owned by the relay thread.
  private Connection connection;
  private PreparedStatement range;
  private PreparedStatement select;
  private PreparedStatement mark;

  /** The batch sent but not yet acknowledged and marked: the pipeline's second stage. */
  private Batch pending;

  /** The last seq read in the current burst; 0: read from the first unpublished row. */
  private long cursor;

  private int burst;
  private String schema;
  private long lastPurgeNanos;
  private long lastLagNanos;

  /**
   * @param dataSource the service's database; its connections' {@code search_path} must lead to the
   *     schema holding the {@code outbox} table
   * @param producer an idempotent producer with {@code acks=all} (see {@link EventingProducers})
   * @param settings how the relay works
   */
  public OutboxRelay(DataSource dataSource, Producer<String, byte[]> producer, Settings settings) {
    this(dataSource, producer, settings, "trainyard-outbox-relay");
  }

  /** As above, with the name of the relay's thread (several relays in one JVM, as in tests). */
  public OutboxRelay(
      DataSource dataSource, Producer<String, byte[]> producer, Settings settings, String name) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.name = Objects.requireNonNull(name, "name");
  }

  /** Starts the relay thread; does nothing when it runs already. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    wakeUp.drainPermits();
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops the relay, waiting up to 30 s for the batch in flight, and gives the lock up. */
  public void stop() {
    stop(Duration.ofSeconds(30));
  }

  /** Stops the relay, waiting up to {@code timeout} for the batch in flight; then interrupts it. */
  public synchronized void stop(Duration timeout) {
    Thread current = thread;
    if (current == null) {
      return;
    }
    running = false;
    wakeUp.release();
    try {
      current.join(timeout.toMillis());
      if (current.isAlive()) {
        current.interrupt();
        current.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread = null;
  }

  @Override
  public void close() {
    stop();
  }

  /** Tells the relay that outbox rows were committed: it looks at once instead of at its poll. */
  public void signal() {
    if (wakeUp.availablePermits() == 0) {
      wakeUp.release();
    }
  }

  /** Whether the relay thread runs. */
  public boolean isRunning() {
    return running;
  }

  /** Whether this relay holds the lock and publishes (the others stand by). */
  public boolean isLeader() {
    return leader;
  }

  /** Events published and marked since start. */
  public long published() {
    return published.get();
  }

  /** Failed attempts (database or broker) since start. */
  public long failures() {
    return failures.get();
  }

  /** Batches published since start. */
  public long batches() {
    return batches.get();
  }

  /**
   * Unpublished rows at the last count (every {@link Settings#lagInterval()}); -1 before the first
   * count. Cheap: it does not touch the database.
   */
  public long lag() {
    return lag.get();
  }

  /** Counts the unpublished rows now, on a connection of its own. */
  public long unpublished() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return count(c);
    }
  }

  private void run() {
    int failuresInARow = 0;
    while (running) {
      try {
        if (connection == null) {
          connect();
        }
        if (!leader) {
          refreshLag();
          sleep(settings.standbyInterval());
          leader = tryLock();
          if (leader) {
            LOG.log(Level.INFO, () -> name + ": leading the outbox relay of schema " + schema);
          }
          continue;
        }
        int sent = publishRound();
        failuresInARow = 0;
        purgeIfDue();
        refreshLag();
        if (sent < settings.batchSize()) {
          awaitSignal();
        }
      } catch (InterruptedException e) {
        break;
      } catch (Exception e) {
        failures.incrementAndGet();
        failuresInARow++;
        int n = failuresInARow;
        LOG.log(
            n == 1 || n % 20 == 0 ? Level.WARNING : Level.DEBUG,
            () -> name + ": outbox relay failure #" + n + ", will retry: " + Failures.describe(e));
        abandonPending();
        if (e instanceof SQLException) {
          disconnect();
        }
        try {
          sleep(backoff(failuresInARow));
        } catch (InterruptedException interrupted) {
          break;
        }
      }
    }
    if (pending != null && connection != null) {
      try {
        complete(pending, true); // mark what the broker acknowledged before giving the lock up
      } catch (Exception e) {
        LOG.log(Level.DEBUG, () -> name + ": could not mark the last batch: " + e);
      }
    }
    abandonPending();
    disconnect();
  }

  private void connect() throws SQLException {
    connection = dataSource.getConnection();
    connection.setAutoCommit(true);
    try (Statement statement = connection.createStatement()) {
      // A batch is a short index walk: starting parallel workers for it costs more (15-20 ms a
      // batch) than the walk; the planner picks them when the table's statistics are stale.
      statement.execute("SET max_parallel_workers_per_gather = 0");
      // A mark lost in a crash only means publishing those events again under the same ids,
      // which consumers de-duplicate: the relay need not wait for its WAL to reach the disk.
      statement.execute("SET synchronous_commit = off");
      try (ResultSet rs = statement.executeQuery("SELECT current_schema()")) {
        rs.next();
        schema = rs.getString(1);
      }
    }
    if (schema == null) {
      throw new SQLException("the connection has no current schema (does it exist yet?)");
    }
    leader = tryLock();
    if (leader) {
      LOG.log(Level.INFO, () -> name + ": leading the outbox relay of schema " + schema);
    } else {
      LOG.log(Level.INFO, () -> name + ": standing by; another replica relays schema " + schema);
    }
  }

  private boolean tryLock() throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement(TRY_LOCK)) {
      lock.setString(1, schema);
      try (ResultSet rs = lock.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private void disconnect() {
    leader = false;
    closeQuietly(select);
    closeQuietly(mark);
    select = null;
    mark = null;
    if (connection != null) {
      try {
        // Closing the session releases the advisory lock; a pooled connection is given back, so
        // unlock explicitly first.
        try (Statement statement = connection.createStatement()) {
          statement.execute("SELECT pg_advisory_unlock_all()");
          statement.execute("RESET max_parallel_workers_per_gather");
          statement.execute("RESET synchronous_commit");
        }
      } catch (SQLException ignored) {
        // A broken session has lost its locks already.
      }
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Nothing left to release.
      }
      connection = null;
    }
  }

  /**
   * One round of the two-stage pipeline: read the next batch and hand it to the producer, then
   * complete the batch sent in the previous round (wait for its acknowledgements, mark them), so
   * that the database work of one batch overlaps the broker's work on the next. Returns the rows
   * read.
   *
   * <p>Within a burst the relay reads past the rows in flight ({@code seq > cursor}); when it has
   * caught up, after {@link #MAX_BURST} batches, or after a failure, it completes everything and
   * reads from the first unpublished row again, where a row whose transaction committed late is
   * found.
   */
  int publishRound() throws Exception {
    List<Row> rows = readBatch(cursor);
    Batch current = rows.isEmpty() ? null : send(rows);
    Exception failure = pending == null ? null : complete(pending, current == null);
    pending = current;
    boolean caughtUp = rows.size() < settings.batchSize();
    boolean refused = current != null && current.refused() != null;
    if (failure != null || refused || caughtUp || ++burst >= MAX_BURST) {
      Exception last = pending == null ? null : complete(pending, true);
      pending = null;
      cursor = 0;
      burst = 0;
      if (failure == null) {
        failure = last;
      }
    } else {
      cursor = rows.get(rows.size() - 1).seq();
    }
    if (failure != null) {
      throw failure;
    }
    return rows.size();
  }

  /** Hands the rows to the producer, in order, stopping at the first one it refuses at once. */
  private Batch send(List<Row> rows) {
    List<Future<RecordMetadata>> sends = new ArrayList<>(rows.size());
    Exception refused = null;
    for (Row row : rows) {
      try {
        Future<RecordMetadata> send = producer.send(row.record());
        if (send.isDone() && failure(send) != null) {
          // Refused at once (no metadata within max.block.ms, too large): the next rows would
          // each wait as long, and order matters, so stop here and retry later.
          refused = new RelayException("the producer refused an event", failure(send));
          break;
        }
        sends.add(send);
      } catch (RuntimeException e) {
        // The producer takes no more (closed, fenced): stop here, keep order.
        refused = e;
        break;
      }
    }
    return new Batch(rows, sends, refused);
  }

  /**
   * Waits for a batch's acknowledgements and marks the acknowledged rows published.
   *
   * @param flush whether to flush the producer first (only when no newer batch is queued)
   * @return why some rows were not acknowledged (they stay unpublished), or {@code null}
   */
  private Exception complete(Batch batch, boolean flush) throws SQLException, InterruptedException {
    if (flush) {
      // Nothing newer is queued behind it: send now rather than after linger.ms. (With a newer
      // batch queued, flush() would wait for that one too and stall the pipeline.)
      producer.flush();
    }
    long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
    List<Long> acknowledged = new ArrayList<>(batch.sends().size());
    Exception failure = batch.refused();
    int failed = batch.rows().size() - batch.sends().size();
    for (int i = 0; i < batch.sends().size(); i++) {
      try {
        batch.sends().get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        acknowledged.add(batch.rows().get(i).seq());
      } catch (InterruptedException e) {
        markPublished(acknowledged); // stopping: keep what is acknowledged, republish the rest
        throw e;
      } catch (Exception e) {
        failed++;
        if (failure == null) {
          failure = e;
        }
      }
    }
    markPublished(acknowledged);
    if (failed > 0) {
      Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
      return new RelayException(
          failed
              + " of "
              + batch.rows().size()
              + " events were not acknowledged: "
              + Failures.describe(cause),
          failure);
    }
    batches.incrementAndGet();
    return null;
  }

  /** After a failure: rows in flight stay unpublished, and are sent again (same ids). */
  private void abandonPending() {
    pending = null;
    cursor = 0;
    burst = 0;
  }

  private static Throwable failure(Future<RecordMetadata> send) {
    try {
      send.get(0, TimeUnit.NANOSECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      return e;
    }
  }

  /**
   * The next batch after {@code after}: the queue gives the range of its next rows, one walk of the
   * outbox's primary key reads them (cheaper than looking each row up). A row of that range
   * committed in between is included: it is unpublished too.
   */
  private List<Row> readBatch(long after) throws SQLException {
    if (range == null) {
      range = connection.prepareStatement(NEXT_RANGE);
      select = connection.prepareStatement(SELECT_RANGE);
    }
    long from;
    long to;
    range.setLong(1, after);
    range.setInt(2, settings.batchSize());
    try (ResultSet rs = range.executeQuery()) {
      rs.next();
      from = rs.getLong(1);
      if (rs.wasNull()) {
        return List.of();
      }
      to = rs.getLong(2);
    }
    select.setLong(1, from);
    select.setLong(2, to);
    List<Row> rows = new ArrayList<>(Math.min(settings.batchSize(), 4096));
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        rows.add(
            new Row(
                rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBytes(5)));
      }
    }
    return rows;
  }

  private void markPublished(List<Long> seqs) throws SQLException {
    if (seqs.isEmpty()) {
      return;
    }
    if (mark == null) {
      mark = connection.prepareStatement(MARK_PUBLISHED);
    }
    Array array = connection.createArrayOf("bigint", seqs.toArray(new Long[0]));
    try {
      mark.setArray(1, array);
      mark.executeUpdate();
    } finally {
      array.free();
    }
    published.addAndGet(seqs.size());
  }

  private static void closeQuietly(Statement statement) {
    if (statement != null) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // The connection goes next.
      }
    }
  }

  private void purgeIfDue() throws SQLException {
    if (settings.retention().isZero() || settings.retention().isNegative()) {
      return;
    }
    long now = System.nanoTime();
    if (lastPurgeNanos != 0 && now - lastPurgeNanos < PURGE_INTERVAL.toNanos()) {
      return;
    }
    lastPurgeNanos = now;
    try (PreparedStatement purge = connection.prepareStatement(PURGE)) {
      purge.setInt(1, PURGE_CHUNK);
      purge.setDouble(2, settings.retention().toMillis() / 1000.0);
      for (int chunk = 0; chunk < PURGE_MAX_CHUNKS; chunk++) {
        if (purge.executeUpdate() == 0) {
          break;
        }
      }
    }
  }

  private void refreshLag() throws SQLException {
    long now = System.nanoTime();
    if (lastLagNanos != 0 && now - lastLagNanos < settings.lagInterval().toNanos()) {
      return;
    }
    lastLagNanos = now;
    lag.set(count(connection));
  }

  private static long count(Connection c) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rs = statement.executeQuery(COUNT_UNPUBLISHED)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void awaitSignal() throws InterruptedException {
    if (wakeUp.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
      wakeUp.drainPermits();
    }
  }

  private void sleep(Duration duration) throws InterruptedException {
    // A stop() releases the semaphore, so sleeping on it ends early when stopping.
    long deadline = System.nanoTime() + duration.toNanos();
    while (running) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      wakeUp.tryAcquire(left, TimeUnit.NANOSECONDS);
      if (!running) {
        return;
      }
    }
  }

  private Duration backoff(int failuresInARow) {
    Duration wait = settings.initialBackoff();
    for (int i = 1; i < failuresInARow && wait.compareTo(settings.maxBackoff()) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
  }

  private record Batch(List<Row> rows, List<Future<RecordMetadata>> sends, Exception refused) {}

  private record Row(long seq, String topic, String key, String headers, byte[] payload) {

    /** The record to send; the headers are parsed with a streaming parser (it is per event). */
    ProducerRecord<String, byte[]> record() {
      RecordHeaders recordHeaders = new RecordHeaders();
      try (JsonParser parser = JSON.createParser(headers)) {
        if (parser.nextToken() != JsonToken.START_ARRAY) {
          throw new IllegalStateException("outbox row " + seq + ": headers are not an array");
        }
        while (parser.nextToken() == JsonToken.START_ARRAY) {
          parser.nextToken();
          String name = parser.getText();
          parser.nextToken();
          String value = parser.getText();
          recordHeaders.add(name, value.getBytes(StandardCharsets.UTF_8));
          parser.nextToken(); // END_ARRAY
        }
      } catch (IOException e) {
        throw new UncheckedIOException("outbox row " + seq + ": unreadable headers", e);
      }
      return new ProducerRecord<>(topic, null, null, key, payload, recordHeaders);
    }
  }

  /** Some events of a batch were not acknowledged; they stay unpublished and are retried. */
  static final class RelayException extends Exception {
    RelayException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
