package io.trainyard.evaluation.models;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/**
 * A row of {@code model_alias_history}: one move of an alias, by an automatic promotion or by ops
 * ({@code trainyard.models.alias-requested}).
 */
@Entity
@Table(name = "model_alias_history")
public class ModelAliasHistory extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false)
  public String pipeline;

  @Column(nullable = false)
  public String alias;

  @Column(nullable = false)
  public int version;

  @Column(name = "previous_version")
  public Integer previousVersion;

  @Column(nullable = false)
  public String reason;

  /** Who asked, for ops' moves; {@code null} for automatic promotions. */
  @Column(name = "requested_by")
  public String requestedBy;

  @Column(name = "moved_at", nullable = false)
  public Instant movedAt;

  /** The CloudEvent id of the event that moved the alias; unique (a re-delivery adds no row). */
  @Column(name = "event_id", unique = true)
  public String eventId;

  /**
   * Appends a move, in the current transaction.
   *
   * @param requestedBy who asked, or {@code null} for an automatic promotion
   * @param eventId the id of the event that caused it, or {@code null}
   */
  static ModelAliasHistory append(
      String pipeline,
      String alias,
      int version,
      Integer previousVersion,
      String reason,
      String requestedBy,
      Instant movedAt,
      String eventId) {
    ModelAliasHistory row = new ModelAliasHistory();
    row.pipeline = pipeline;
    row.alias = alias;
    row.version = version;
    row.previousVersion = previousVersion;
    row.reason = reason;
    row.requestedBy = requestedBy;
    row.movedAt = movedAt;
    row.eventId = eventId;
    row.persist();
    return row;
  }

  /** Whether the event with this id already moved an alias. */
  static boolean recorded(String eventId) {
    return eventId != null && count("eventId", eventId) > 0;
  }

  /** The moves of one alias, oldest first. */
  static List<ModelAliasHistory> of(String pipeline, String alias) {
    return list("pipeline = ?1 and alias = ?2 order by movedAt, id", pipeline, alias);
  }

  /** This row as a {@link AliasTimeline.Move}. */
  AliasTimeline.Move move() {
    return new AliasTimeline.Move(alias, version, previousVersion, reason, requestedBy, movedAt);
  }
}
