package io.trainyard.evaluation.models;

import io.trainyard.contracts.events.Alias;
import io.trainyard.platform.problem.ProblemException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** The moves of an alias over time, and which version held it at an instant. */
public final class AliasTimeline {

  private AliasTimeline() {}

  /**
   * One move of an alias, as the API answers it.
   *
   * @param alias champion or challenger
   * @param version the version the alias moved to
   * @param previous the version it pointed at before; {@code null} when none
   * @param reason why
   * @param requestedBy who asked; {@code null} for an automatic promotion
   * @param movedAt when
   */
  public record Move(
      String alias,
      int version,
      Integer previous,
      String reason,
      String requestedBy,
      Instant movedAt) {}

  /**
   * The move in force at {@code at}: the latest one at or before it.
   *
   * @param oldestFirst the moves of one alias, oldest first
   * @return empty when no version held the alias then
   */
  public static Optional<Move> heldAt(List<Move> oldestFirst, Instant at) {
    Move held = null;
    for (Move move : oldestFirst) {
      if (move.movedAt().isAfter(at)) {
        break;
      }
      held = move;
    }
    return Optional.ofNullable(held);
  }

  /**
   * Parses an RFC 3339 timestamp such as {@code 2026-12-01T10:00:00Z} or {@code
   * 2026-12-01T11:00:00+01:00}.
   *
   * @throws ProblemException 400 when it is not one
   */
  public static Instant parseAt(String text) {
    if (text == null || text.isBlank()) {
      throw ProblemException.badRequest(
          "at is an RFC 3339 timestamp with an offset, e.g. 2026-12-01T10:00:00Z");
    }
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw ProblemException.badRequest(
          "at '"
              + text
              + "' is not an RFC 3339 timestamp with an offset, e.g. 2026-12-01T10:00:00Z");
    }
  }

  /**
   * Parses an alias from a path.
   *
   * @throws ProblemException 400 naming the aliases there are
   */
  public static Alias parseAlias(String text) {
    try {
      return Alias.fromWire(text);
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest(e.getMessage());
    }
  }
}
