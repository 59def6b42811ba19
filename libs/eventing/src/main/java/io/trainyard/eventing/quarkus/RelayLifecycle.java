package io.trainyard.eventing.quarkus;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.trainyard.eventing.EventProcessor;
import io.trainyard.eventing.OutboxRelay;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * Starts the outbox relay when the service starts ({@code trainyard.eventing.relay.enabled},
 * default true), stops it when it stops, and registers the eventing meters when a Micrometer
 * registry exists.
 */
@ApplicationScoped
public class RelayLifecycle {

  private static final Logger LOG = Logger.getLogger(RelayLifecycle.class);

  @Inject OutboxRelay relay;
  @Inject EventProcessor processor;
  @Inject EventingSettings settings;
  @Inject Instance<MeterRegistry> registries;

  void onStart(@Observes StartupEvent event) {
    if (registries.isResolvable()) {
      bind(registries.get());
    }
    if (settings.relayEnabled()) {
      relay.start();
    } else {
      LOG.info("the outbox relay is disabled (trainyard.eventing.relay.enabled=false)");
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    relay.stop();
  }

  private void bind(MeterRegistry registry) {
    counter(
        registry,
        "trainyard.outbox.published",
        "events published and marked",
        relay,
        r -> r.published());
    counter(
        registry, "trainyard.outbox.failures", "failed relay attempts", relay, r -> r.failures());
    Gauge.builder("trainyard.outbox.lag", relay, r -> r.lag())
        .description("unpublished outbox rows at the last count (-1: not counted yet)")
        .register(registry);
    Gauge.builder("trainyard.outbox.leader", relay, r -> r.isLeader() ? 1 : 0)
        .description("1 when this replica relays the outbox")
        .register(registry);
    for (EventProcessor.Outcome outcome : EventProcessor.Outcome.values()) {
      FunctionCounter.builder(
              "trainyard.events.consumed",
              processor,
              p ->
                  switch (outcome) {
                    case PROCESSED -> p.processed();
                    case DUPLICATE -> p.duplicates();
                    case DEAD_LETTERED -> p.deadLettered();
                  })
          .tag("outcome", outcome.name().toLowerCase())
          .description("consumed events by outcome")
          .register(registry);
    }
    counter(registry, "trainyard.events.retries", "retried attempts", processor, p -> p.retries());
    counter(
        registry,
        "trainyard.events.retries.exhausted",
        "records given up on after retries (nacked)",
        processor,
        p -> p.exhausted());
  }

  private static <T> void counter(
      MeterRegistry registry, String name, String description, T source, ToDoubleFunction<T> f) {
    FunctionCounter.builder(name, source, f).description(description).register(registry);
  }
}
