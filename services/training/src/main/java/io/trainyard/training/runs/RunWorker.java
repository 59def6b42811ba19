package io.trainyard.training.runs;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.trainyard.contracts.events.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Executes queued runs, one at a time, on a thread of its own (ADR 0005). It leases a run, renews
 * the lease while the run trains (a heartbeat every third of the lease), and takes the next one. A
 * worker that dies stops renewing: once its lease has run out, another worker takes the run.
 *
 * <p>Off with {@code trainyard.training.worker.enabled=false} (an api-only replica).
 */
@ApplicationScoped
public class RunWorker {

  private static final Logger LOG = Logger.getLogger(RunWorker.class);

  private final RunStore runs;
  private final RunExecutor executor;
  private final TrainingRole role;
  private final boolean enabled;
  private final Duration lease;
  private final Duration pollInterval;
  private final String owner = "worker-" + UUID.randomUUID();
  private final Object signal = new Object();
  private final AtomicBoolean running = new AtomicBoolean();
  private Thread thread;
  private ScheduledExecutorService heartbeat;

  /** The run this worker executes now, and whether its cancellation was requested. */
  private record Current(String runId, AtomicBoolean cancelRequested) {}

  private volatile Current current;

  public RunWorker(
      RunStore runs,
      RunExecutor executor,
      @ConfigProperty(name = "trainyard.training.role", defaultValue = "both") String role,
      @ConfigProperty(name = "trainyard.training.worker.enabled", defaultValue = "true")
          boolean enabled,
      @ConfigProperty(name = "trainyard.training.worker.lease", defaultValue = "60s")
          Duration lease,
      @ConfigProperty(name = "trainyard.training.worker.poll-interval", defaultValue = "2s")
          Duration pollInterval) {
    this.runs = runs;
    this.executor = executor;
    this.role = TrainingRole.parse(role);
    this.enabled = enabled && this.role.trains();
    this.lease = lease;
    this.pollInterval = pollInterval;
  }

  void start(@Observes StartupEvent event) {
    if (!enabled) {
      LOG.infof(
          "training worker off (trainyard.training.role=%s%s)",
          role.wire(), role.trains() ? ", trainyard.training.worker.enabled=false" : "");
      return;
    }
    running.set(true);
    heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "training-heartbeat");
              t.setDaemon(true);
              return t;
            });
    thread = new Thread(this::loop, "training-worker");
    thread.setDaemon(true);
    thread.start();
    LOG.infof("training worker %s started (role %s, lease %s)", owner, role.wire(), lease);
  }

  void stop(@Observes ShutdownEvent event) {
    running.set(false);
    wake();
    if (thread != null) {
      thread.interrupt();
    }
    if (heartbeat != null) {
      heartbeat.shutdownNow();
    }
  }

  /** Looks for work now (a request was just queued). */
  public void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  private void loop() {
    while (running.get()) {
      try {
        Optional<Run> claimed = runs.claim(owner, lease);
        if (claimed.isPresent()) {
          execute(claimed.get());
          continue;
        }
      } catch (RuntimeException e) {
        LOG.warnf("training worker: cannot claim a run now (%s); retrying", e.toString());
      }
      synchronized (signal) {
        try {
          signal.wait(pollInterval.toMillis());
        } catch (InterruptedException e) {
          if (!running.get()) {
            return;
          }
        }
      }
    }
  }

  /**
   * Stops the run {@code runId} before its next mini-batch if this worker executes it now (a
   * cancellation consumed on this replica); workers on other replicas learn of it when they renew
   * their lease.
   */
  public void cancelIfRunning(String runId) {
    Current now = current;
    if (now != null && now.runId().equals(runId)) {
      now.cancelRequested().set(true);
    }
  }

  private void execute(Run run) {
    AtomicBoolean leaseHeld = new AtomicBoolean(true);
    AtomicBoolean cancelRequested = new AtomicBoolean();
    current = new Current(run.runId, cancelRequested);
    long period = Math.max(1, lease.toMillis() / 3);
    ScheduledFuture<?> beat =
        heartbeat.scheduleAtFixedRate(
            () -> {
              try {
                switch (runs.renew(run.runId, owner, lease)) {
                  case LOST -> leaseHeld.set(false);
                  case CANCEL_REQUESTED -> cancelRequested.set(true);
                  case HELD -> {}
                }
              } catch (RuntimeException e) {
                LOG.warnf("run %s: cannot renew the lease now: %s", run.runId, e.toString());
              }
            },
            period,
            period,
            TimeUnit.MILLISECONDS);
    try {
      executor.execute(
          run,
          new RunExecutor.Control() {
            @Override
            public boolean leaseHeld() {
              return leaseHeld.get();
            }

            @Override
            public boolean cancelRequested() {
              return cancelRequested.get();
            }
          });
    } catch (RuntimeException | Error e) {
      LOG.errorf(e, "run %s failed", run.runId);
      try {
        runs.end(run, RunStatus.FAILED, failure(e));
        executor.deleteCheckpointsIfEnded(run.runId);
      } catch (RuntimeException again) {
        LOG.errorf(again, "run %s: cannot record the failure; its lease will lapse", run.runId);
      }
    } finally {
      beat.cancel(false);
      current = null;
    }
  }

  static String failure(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.length() > 500 ? message.substring(0, 500) + "..." : message;
  }
}
