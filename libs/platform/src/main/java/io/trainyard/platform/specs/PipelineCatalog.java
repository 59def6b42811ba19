package io.trainyard.platform.specs;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.PipelineSpecs;
import io.trainyard.eventing.IncomingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The pipeline specs this service knows. Services never read the console's schema: they keep their
 * own copy of each pipeline's latest spec from the compacted topic {@code trainyard.pipelines} (see
 * {@link PipelinesListener}), so a spec is known here a moment after it was applied, and a service
 * rebuilds its copy by consuming the topic from the start.
 */
@ApplicationScoped
public class PipelineCatalog {

  private final SpecsProgress progress;

  /**
   * Specs parsed with their defaults, by content hash: a hot path (every inference event asks for
   * its pipeline's spec) reads the row but does not parse its JSON again.
   */
  private final java.util.Map<String, PipelineSpec> parsed =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final String service;
  private final Duration catchUpWait;

  public PipelineCatalog(
      SpecsProgress progress,
      @ConfigProperty(name = "trainyard.service.name") String service,
      @ConfigProperty(name = "trainyard.specs.catch-up-wait", defaultValue = "PT30S")
          Duration catchUpWait) {
    this.progress = progress;
    this.service = service;
    this.catchUpWait = catchUpWait;
  }

  /**
   * A known spec.
   *
   * @param spec the spec with every default filled ({@link PipelineSpec#withDefaults()})
   * @param contentHash the spec's content hash ({@link PipelineSpecs#contentHash})
   * @param updatedAt when this service took it
   */
  public record KnownSpec(PipelineSpec spec, String contentHash, Instant updatedAt) {}

  /** Takes one event of {@code trainyard.pipelines}, in its transaction: upsert, or delete. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void apply(IncomingEvent<PipelineSpec> event) {
    String name = event.isTombstone() ? event.key() : event.payload().name();
    KnownPipeline row = KnownPipeline.findById(name);
    if (event.isTombstone()) {
      if (row != null) {
        row.delete();
      }
      return;
    }
    if (row == null) {
      row = new KnownPipeline();
      row.name = name;
    }
    row.specJson = PipelineSpecs.canonicalJson(event.payload());
    row.contentHash = PipelineSpecs.contentHash(event.payload());
    row.eventId = event.id();
    row.updatedAt = Instant.now();
    row.persist();
  }

  /**
   * The latest spec of {@code name}, with defaults, if this service has seen one. Joins the
   * caller's transaction, or reads in one of its own (a worker thread has none).
   */
  @Transactional
  public Optional<KnownSpec> find(String name) {
    return KnownPipeline.<KnownPipeline>findByIdOptional(name)
        .map(row -> new KnownSpec(spec(row), row.contentHash, row.updatedAt));
  }

  /** Every spec this service knows, with defaults, by pipeline name. */
  @Transactional
  public java.util.Map<String, KnownSpec> all() {
    java.util.Map<String, KnownSpec> all = new java.util.TreeMap<>();
    for (KnownPipeline row : KnownPipeline.<KnownPipeline>listAll()) {
      all.put(row.name, new KnownSpec(spec(row), row.contentHash, row.updatedAt));
    }
    return all;
  }

  /**
   * The latest spec of {@code name}, with defaults. When this service has not seen one, it waits
   * (up to {@code trainyard.specs.catch-up-wait}, default 30 s) until its copy of {@code
   * trainyard.pipelines} reaches the end the topic has now, and looks again: a spec applied before
   * the caller's event or request is then found, and one still missing was never applied.
   *
   * @throws UnknownPipelineException when no spec of {@code name} was applied (poison for an event,
   *     404 on HTTP)
   * @throws SpecsUnavailableException when the copy did not catch up in time (transient: retry)
   */
  @Transactional(dontRollbackOn = UnknownPipelineException.class)
  public KnownSpec require(String name) {
    Optional<KnownSpec> known = find(name);
    if (known.isPresent()) {
      return known.get();
    }
    long deadline = System.nanoTime() + catchUpWait.toNanos();
    while (!progress.caughtUp(Duration.ofSeconds(10))) {
      if (System.nanoTime() > deadline) {
        throw new SpecsUnavailableException(
            service
                + " has not yet read trainyard.pipelines to its end, so whether pipeline '"
                + name
                + "' has a spec is not known yet");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SpecsUnavailableException("interrupted waiting for the spec of " + name, e);
      }
    }
    return find(name).orElseThrow(() -> new UnknownPipelineException(name, service));
  }

  private PipelineSpec spec(KnownPipeline row) {
    if (parsed.size() > 10_000) {
      parsed.clear();
    }
    return parsed.computeIfAbsent(
        row.contentHash, hash -> PipelineSpecs.parse(row.specJson).withDefaults());
  }
}
