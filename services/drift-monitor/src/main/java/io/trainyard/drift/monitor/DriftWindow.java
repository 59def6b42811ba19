package io.trainyard.drift.monitor;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.trainyard.contracts.Json;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A row of {@code drift_window}: the open window of a pipeline, its counts per feature and bin.
 * Versioned: the champion's promotion (which resets it) and an inference event (which counts into
 * it) on two channels never overwrite each other; the loser is retried as a transient failure.
 */
@Entity
@Table(name = "drift_window")
public class DriftWindow extends PanacheEntityBase {

  @Id public String pipeline;

  @Column(name = "model_version", nullable = false)
  public int modelVersion;

  @Column(name = "window_index", nullable = false)
  public int windowIndex;

  @Column(nullable = false)
  public int events;

  @Column(name = "from_at")
  public Instant from;

  @Column(name = "to_at")
  public Instant to;

  @Column(name = "counts_json", nullable = false)
  public String countsJson;

  @Column(name = "opened_at", nullable = false)
  public Instant openedAt;

  @Version public long version;

  static Optional<DriftWindow> of(String pipeline) {
    return findByIdOptional(pipeline);
  }

  Map<String, FeatureCounts> counts() {
    return Json.mapper().convertValue(Json.readTree(countsJson), new TypeReference<>() {});
  }

  void counts(Map<String, FeatureCounts> counts) {
    countsJson = Json.write(counts);
  }

  /** Empties the window and makes it window {@code index} of {@code modelVersion}. */
  void open(int modelVersion, int index, List<ReferenceFeature> features) {
    this.modelVersion = modelVersion;
    this.windowIndex = index;
    this.events = 0;
    this.from = null;
    this.to = null;
    Map<String, FeatureCounts> empty = new LinkedHashMap<>();
    features.forEach(f -> empty.put(f.feature(), FeatureCounts.empty(f.bins())));
    counts(empty);
    this.openedAt = Instant.now();
  }
}
