package io.trainyard.platform.specs;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code known_pipeline}: the latest spec of one pipeline, as this service saw it. */
@Entity
@Table(name = "known_pipeline")
public class KnownPipeline extends PanacheEntityBase {
  @Id public String name;

  @Column(name = "spec_json", nullable = false)
  public String specJson;

  @Column(name = "content_hash", nullable = false)
  public String contentHash;

  @Column(name = "event_id", nullable = false)
  public String eventId;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;
}
