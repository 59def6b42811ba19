package io.trainyard.ingestion.datasets;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A row of {@code dataset_version}: one dataset version, described as the API answers it. */
@Entity
@Table(name = "dataset_version")
@IdClass(DatasetVersion.Key.class)
public class DatasetVersion extends PanacheEntityBase {

  /** The composite key. */
  public record Key(String pipeline, int version) implements Serializable {
    public Key() {
      this(null, 0);
    }
  }

  @Id public String pipeline;

  @Id public int version;

  @Column(name = "content_hash", nullable = false)
  public String contentHash;

  @Column(name = "manifest_uri", nullable = false)
  public String manifestUri;

  /** The {@link DatasetView} as JSON: what GET answers. */
  @Column(name = "description_json", nullable = false)
  public String descriptionJson;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** The challenge set this version belongs to; null for a training version. */
  @Column(name = "challenge_set")
  public String challengeSet;

  static Optional<DatasetVersion> byContent(String pipeline, String contentHash) {
    return find("pipeline = ?1 and contentHash = ?2", pipeline, contentHash).firstResultOptional();
  }

  static Optional<DatasetVersion> byVersion(String pipeline, int version) {
    return find("pipeline = ?1 and version = ?2", pipeline, version).firstResultOptional();
  }

  static List<DatasetVersion> ofPipeline(String pipeline) {
    return list("pipeline = ?1 order by version", pipeline);
  }

  /** The versions of one challenge set of {@code pipeline}, oldest first. */
  static List<DatasetVersion> ofChallengeSet(String pipeline, String challengeSet) {
    return list("pipeline = ?1 and challengeSet = ?2 order by version", pipeline, challengeSet);
  }

  /** The training versions of {@code pipeline} (no challenge set), oldest first. */
  static List<DatasetVersion> trainingVersions(String pipeline) {
    return list("pipeline = ?1 and challengeSet is null order by version", pipeline);
  }

  /**
   * The greatest training version (not a challenge set) of {@code pipeline} below {@code version};
   * empty when there is none.
   */
  static Optional<Integer> previousVersion(String pipeline, int version) {
    Integer max =
        getEntityManager()
            .createQuery(
                "select max(d.version) from DatasetVersion d where d.pipeline = ?1"
                    + " and d.version < ?2 and d.challengeSet is null",
                Integer.class)
            .setParameter(1, pipeline)
            .setParameter(2, version)
            .getSingleResult();
    return Optional.ofNullable(max);
  }

  /** The greatest training version (not a challenge set) of {@code pipeline}; 0 when none. */
  static int latestTrainingVersion(String pipeline) {
    Integer max =
        getEntityManager()
            .createQuery(
                "select max(d.version) from DatasetVersion d where d.pipeline = ?1"
                    + " and d.challengeSet is null",
                Integer.class)
            .setParameter(1, pipeline)
            .getSingleResult();
    return max == null ? 0 : max;
  }

  /** The greatest version of {@code pipeline}, challenge sets included; 0 when none. */
  static int latestVersion(String pipeline) {
    Integer max =
        getEntityManager()
            .createQuery(
                "select max(d.version) from DatasetVersion d where d.pipeline = ?1", Integer.class)
            .setParameter(1, pipeline)
            .getSingleResult();
    return max == null ? 0 : max;
  }
}
