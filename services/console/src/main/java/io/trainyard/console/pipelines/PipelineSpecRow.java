package io.trainyard.console.pipelines;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The stored form of an applied spec; the wire form is {@link PipelineView}. */
@Entity
@Table(name = "pipeline_spec")
public class PipelineSpecRow extends PanacheEntityBase {
  @Id public String name;

  @Column(nullable = false)
  public int revision;

  @Column(name = "content_hash", nullable = false)
  public String contentHash;

  @Column(name = "spec_json", nullable = false)
  public String specJson;

  @Column(name = "applied_at", nullable = false)
  public Instant appliedAt;
}
