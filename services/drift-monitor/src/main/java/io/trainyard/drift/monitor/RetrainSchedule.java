package io.trainyard.drift.monitor;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.eventing.Failures;
import io.trainyard.platform.specs.PipelineCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Scheduled retrains ({@code monitoring.retrain.schedule}, five-field cron in UTC): every {@code
 * trainyard.drift.schedule-tick} (20 s) the monitor looks at the current minute, and for each
 * pipeline whose schedule names it, and that has not fired for it yet, asks the {@link
 * RetrainPolicy} for a retrain with trigger {@code schedule}. The minute fired is stored with the
 * policy's state (optimistically locked), so two replicas fire once; a minute missed while no
 * replica ran is not made up.
 */
@ApplicationScoped
public class RetrainSchedule {

  private static final Logger LOG = Logger.getLogger(RetrainSchedule.class);

  private final PipelineCatalog catalog;
  private final RetrainPolicy policy;
  private final Duration tick;
  private final boolean enabled;
  private ScheduledExecutorService executor;

  public RetrainSchedule(
      PipelineCatalog catalog,
      RetrainPolicy policy,
      @ConfigProperty(name = "trainyard.drift.schedule-tick", defaultValue = "PT20S") Duration tick,
      @ConfigProperty(name = "trainyard.drift.schedule-enabled", defaultValue = "true")
          boolean enabled) {
    this.catalog = catalog;
    this.policy = policy;
    this.tick = tick;
    this.enabled = enabled;
  }

  void start(@Observes StartupEvent event) {
    if (!enabled) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "trainyard-retrain-schedule");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(
        () -> tick(Instant.now()), tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /** Fires the schedules that name the minute of {@code now}; returns how many fired. */
  int tick(Instant now) {
    Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
    int fired = 0;
    Map<String, PipelineCatalog.KnownSpec> specs;
    try {
      specs = catalog.all();
    } catch (RuntimeException e) {
      LOG.warnf("cannot read the specs for the retrain schedules: %s", Failures.describe(e));
      return 0;
    }
    for (Map.Entry<String, PipelineCatalog.KnownSpec> entry : specs.entrySet()) {
      PipelineSpec.Retrain retrain = entry.getValue().spec().monitoring().retrain();
      if (retrain.scheduleIfSet().isEmpty()) {
        continue;
      }
      Cron cron;
      try {
        cron = Cron.parse(retrain.schedule());
      } catch (IllegalArgumentException e) {
        LOG.warnf(
            "%s: monitoring.retrain.schedule is not used: %s", entry.getKey(), e.getMessage());
        continue;
      }
      if (!cron.matches(minute.atZone(ZoneOffset.UTC))) {
        continue;
      }
      try {
        if (QuarkusTransaction.requiringNew()
            .call(() -> policy.scheduled(entry.getKey(), minute, retrain))) {
          fired++;
        }
      } catch (RuntimeException e) {
        // another replica fired it (optimistic lock), or the database is away: next tick
        LOG.debugf("%s: scheduled retrain of %s not fired: %s", entry.getKey(), minute, e);
      }
    }
    return fired;
  }
}
