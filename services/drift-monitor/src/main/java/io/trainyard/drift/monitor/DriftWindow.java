package io.trainyard.drift.monitor;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A row of {@code drift_window}: the open window of one model version of a pipeline; its events'
 * values are rows of {@code drift_window_value}. Versioned: the champion's promotion (which resets
 * every window of the pipeline) and an inference event (which adds to one) on two channels never
 * overwrite each other; the loser is retried as a transient failure.
 */
@Entity
@Table(name = "drift_window")
@IdClass(DriftWindow.Key.class)
public class DriftWindow extends PanacheEntityBase {

  /** The composite key. */
  public record Key(String pipeline, int modelVersion) implements Serializable {
    public Key() {
      this(null, 0);
    }
  }

  @Id public String pipeline;

  @Id
  @Column(name = "model_version")
  public int modelVersion;

  @Column(name = "window_index", nullable = false)
  public int windowIndex;

  @Column(nullable = false)
  public int events;

  @Column(name = "from_at")
  public Instant from;

  @Column(name = "to_at")
  public Instant to;

  @Column(name = "opened_at", nullable = false)
  public Instant openedAt;

  @Version public long version;

  static Optional<DriftWindow> of(String pipeline, int modelVersion) {
    return findByIdOptional(new Key(pipeline, modelVersion));
  }

  static List<DriftWindow> ofPipeline(String pipeline) {
    return list("pipeline = ?1 order by modelVersion", pipeline);
  }

  /** The open window of {@code modelVersion}, opened (as its next index) if it has none. */
  static DriftWindow openFor(String pipeline, int modelVersion) {
    return of(pipeline, modelVersion)
        .orElseGet(
            () -> {
              DriftWindow window = new DriftWindow();
              window.pipeline = pipeline;
              window.modelVersion = modelVersion;
              window.open(DriftWindowResult.nextIndex(pipeline, modelVersion));
              window.persist();
              return window;
            });
  }

  /** Empties the window (its values too) and makes it window {@code index}. */
  void open(int index) {
    DriftWindowValue.deleteOf(pipeline, modelVersion);
    this.windowIndex = index;
    this.events = 0;
    this.from = null;
    this.to = null;
    this.openedAt = Instant.now();
  }

  /** Empties every open window of the pipeline: a new reference starts them again. */
  static void resetAll(String pipeline) {
    for (DriftWindow window : ofPipeline(pipeline)) {
      window.open(window.windowIndex);
    }
  }
}
