package io.trainyard.console.pipelines;

import io.trainyard.contracts.Topic;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.PipelineSpecs;
import io.trainyard.contracts.spec.SpecValidationException;
import io.trainyard.eventing.quarkus.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Applies pipeline specs. A spec is validated against the normative schema; an unchanged spec
 * changes nothing and publishes nothing; a new or changed one is stored with the next revision and
 * published on {@code trainyard.pipelines} in the same transaction (through the outbox).
 */
@ApplicationScoped
public class PipelineService {

  /** What applying a spec did. */
  public record Applied(PipelineView pipeline, boolean created, boolean changed) {}

  private final Outbox outbox;

  public PipelineService(Outbox outbox) {
    this.outbox = outbox;
  }

  @Transactional
  public Applied apply(String name, String body) {
    PipelineSpec spec = PipelineSpecs.parse(body);
    if (!spec.name().equals(name)) {
      throw new SpecValidationException(
          List.of("$.name: is '" + spec.name() + "' but the path names '" + name + "'"));
    }
    String hash = PipelineSpecs.contentHash(spec);
    PipelineSpecRow row = PipelineSpecRow.findById(name, LockModeType.PESSIMISTIC_WRITE);
    if (row != null && row.contentHash.equals(hash)) {
      return new Applied(PipelineView.of(row), false, false);
    }
    boolean created = row == null;
    if (created) {
      row = new PipelineSpecRow();
      row.name = name;
      row.revision = 0;
    }
    row.revision++;
    row.contentHash = hash;
    row.specJson = PipelineSpecs.canonicalJson(spec);
    row.appliedAt = Instant.now();
    row.persist();
    // The revision is part of the event id: re-applying an earlier spec after a change is a new
    // event, not a duplicate of the first one.
    outbox.publish(Topic.PIPELINES, spec, name, row.revision);
    return new Applied(PipelineView.of(row), created, true);
  }

  public List<PipelineView> list() {
    return PipelineSpecRow.<PipelineSpecRow>listAll(io.quarkus.panache.common.Sort.by("name"))
        .stream()
        .map(PipelineView::of)
        .toList();
  }

  public Optional<PipelineView> find(String name) {
    return PipelineSpecRow.<PipelineSpecRow>findByIdOptional(name).map(PipelineView::of);
  }
}
