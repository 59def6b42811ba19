package io.trainyard.training.runs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The server-sent events of a run's progress ({@code GET /api/v1/runs/{id}/progress}): one {@code
 * progress} event per finished epoch ({@code id:} the epoch, data the {@link RunView.EpochView} as
 * JSON), first the epochs already done after the one the client last saw, then each new one; then
 * one {@code ended} event ({@code id: ended}, data {@link RunProgress.End}) and the end of the
 * stream.
 *
 * <p><b>Why the database and not the Kafka progress topic.</b> The run table is the source of truth
 * and is ahead of Kafka: an epoch is committed to {@code run_epoch} in the same transaction as its
 * outbox row, and the relay publishes it afterwards. Any replica of the API role reads it,
 * whichever process trains the run (ADR 0005), replaying from any epoch is one indexed query, and a
 * run that ended long ago needs nothing that may have been compacted or expired. Kafka would need a
 * consumer (or a shared one with fan-out) per replica, a replay by scanning a partition for one
 * run, and a second source for the end state anyway. The price is one short transaction per open
 * stream every {@code trainyard.training.progress.poll-interval} (500 ms by default), which is
 * small next to an epoch's length.
 *
 * <p><b>Threads.</b> The stream is a Mutiny repetition, not a loop: each poll is a {@link Uni} run
 * on the worker pool (the read is blocking JDBC), the next one is scheduled {@code poll-interval}
 * after the previous one was delivered, and only when the client has asked for more (the HTTP
 * response's back-pressure). No thread is held between polls. When the client disconnects, Quarkus
 * REST cancels the subscription, which cancels the pending delay: polling stops.
 *
 * <p><b>Keep-alive.</b> The stream opens with a comment line naming the run and its state (so the
 * response's headers go out at once, even for a queued run), and a {@code :keep-alive} comment is
 * sent whenever nothing else was for {@code trainyard.training.progress.keep-alive} (15 s by
 * default), so proxies do not close an idle stream and a vanished client is noticed.
 *
 * <p>A poll that fails (the database unreachable) fails the stream: the connection closes without
 * {@code ended}, and a client that reconnects with {@code Last-Event-ID} resumes where it was.
 */
@ApplicationScoped
public class ProgressStream {

  private static final Logger LOG = Logger.getLogger(ProgressStream.class);

  /** The event name of an epoch. */
  public static final String PROGRESS = "progress";

  /** The event name, and the event id, of the end of a run. */
  public static final String ENDED = "ended";

  private final RunStore runs;
  private final MeterRegistry registry;
  private final Duration pollInterval;
  private final Duration keepAlive;
  private final AtomicInteger open = new AtomicInteger();

  public ProgressStream(
      RunStore runs,
      MeterRegistry registry,
      @ConfigProperty(name = "trainyard.training.progress.poll-interval", defaultValue = "500ms")
          Duration pollInterval,
      @ConfigProperty(name = "trainyard.training.progress.keep-alive", defaultValue = "15s")
          Duration keepAlive) {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException(
          "trainyard.training.progress.poll-interval must be positive, not " + pollInterval);
    }
    if (keepAlive.isNegative() || keepAlive.isZero()) {
      throw new IllegalArgumentException(
          "trainyard.training.progress.keep-alive must be positive, not " + keepAlive);
    }
    this.runs = runs;
    this.registry = registry;
    this.pollInterval = pollInterval;
    this.keepAlive = keepAlive;
  }

  void register(@Observes StartupEvent event) {
    Gauge.builder("trainyard.training.progress.streams", open, AtomicInteger::get)
        .description("progress streams open on this replica")
        .register(registry);
  }

  /** How many progress streams are open (subscribed and not yet ended or cancelled) here. */
  public int open() {
    return open.get();
  }

  /** What one poll yields: the events to send, and whether they end the stream. */
  private record Batch(List<OutboundSseEvent> events, boolean last) {}

  /** Where one subscriber is: the last epoch sent, and when something was last sent. */
  private static final class Cursor {
    int lastEpoch;
    long lastSentNanos;
    boolean opened;

    Cursor(int lastEpoch) {
      this.lastEpoch = lastEpoch;
    }
  }

  /**
   * The events of run {@code runId} after epoch {@code afterEpoch} (0 for all), ending with {@code
   * ended}. Each subscription polls on its own, from {@code afterEpoch}.
   */
  public Multi<OutboundSseEvent> events(String runId, int afterEpoch, Sse sse) {
    return Multi.createBy()
        .repeating()
        .uni(
            () -> new Cursor(afterEpoch),
            cursor ->
                Uni.createFrom()
                    .item(() -> poll(runId, cursor, sse))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
        .withDelay(pollInterval)
        .whilst(batch -> !batch.last())
        .onItem()
        .transformToIterable(Batch::events)
        .onSubscription()
        .invoke(subscription -> open.incrementAndGet())
        .onTermination()
        .invoke(
            (failure, cancelled) -> {
              open.decrementAndGet();
              if (failure != null) {
                LOG.warnf("progress stream of run %s failed: %s", runId, failure.toString());
              }
            });
  }

  private Batch poll(String runId, Cursor cursor, Sse sse) {
    RunProgress progress = runs.progress(runId, cursor.lastEpoch).orElse(null);
    List<OutboundSseEvent> events = new ArrayList<>();
    if (!cursor.opened) {
      cursor.opened = true;
      String state = progress == null ? "unknown" : progress.state();
      events.add(sse.newEventBuilder().comment("run " + runId + " " + state).build());
    }
    if (progress == null) {
      // Runs are never deleted; if one were, its stream simply ends.
      return new Batch(events, true);
    }
    for (RunView.EpochView epoch : progress.epochs()) {
      events.add(
          sse.newEventBuilder()
              .name(PROGRESS)
              .id(Integer.toString(epoch.epoch()))
              .data(RunView.EpochView.class, epoch)
              .build());
      cursor.lastEpoch = epoch.epoch();
    }
    if (progress.ended() != null) {
      events.add(
          sse.newEventBuilder()
              .name(ENDED)
              .id(ENDED)
              .data(RunProgress.End.class, progress.ended())
              .build());
    }
    long now = System.nanoTime();
    if (events.isEmpty() && now - cursor.lastSentNanos >= keepAlive.toNanos()) {
      events.add(sse.newEventBuilder().comment("keep-alive").build());
    }
    if (!events.isEmpty()) {
      cursor.lastSentNanos = now;
    }
    return new Batch(events, progress.ended() != null);
  }
}
