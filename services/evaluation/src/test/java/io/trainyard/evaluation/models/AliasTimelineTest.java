package io.trainyard.evaluation.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.contracts.events.Alias;
import io.trainyard.contracts.events.AliasRequested;
import io.trainyard.platform.problem.ProblemException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AliasTimelineTest {

  static final Instant T1 = Instant.parse("2026-11-01T10:00:00Z");
  static final Instant T2 = Instant.parse("2026-11-20T08:30:00Z");
  static final Instant T3 = Instant.parse("2026-12-01T10:00:00Z");

  static final List<AliasTimeline.Move> MOVES =
      List.of(
          new AliasTimeline.Move(
              "champion", 1, null, "the first model to pass every gate", null, T1),
          new AliasTimeline.Move("champion", 4, 1, "passed all gates", null, T2),
          new AliasTimeline.Move("champion", 3, 4, "rollback after incident", "alice", T3));

  @Test
  void theMoveInForceIsTheLatestAtOrBeforeTheInstant() {
    assertThat(AliasTimeline.heldAt(MOVES, T1.minusMillis(1))).isEmpty();
    assertThat(AliasTimeline.heldAt(MOVES, T1)).map(AliasTimeline.Move::version).contains(1);
    assertThat(AliasTimeline.heldAt(MOVES, T2.minusSeconds(1)))
        .map(AliasTimeline.Move::version)
        .contains(1);
    assertThat(AliasTimeline.heldAt(MOVES, Instant.parse("2026-11-25T00:00:00Z")))
        .map(AliasTimeline.Move::reason)
        .contains("passed all gates");
    assertThat(AliasTimeline.heldAt(MOVES, T3))
        .hasValueSatisfying(
            m -> {
              assertThat(m.version()).isEqualTo(3);
              assertThat(m.previous()).isEqualTo(4);
              assertThat(m.requestedBy()).isEqualTo("alice");
            });
    assertThat(AliasTimeline.heldAt(MOVES, T3.plusSeconds(3600)))
        .map(AliasTimeline.Move::version)
        .contains(3);
    assertThat(AliasTimeline.heldAt(List.of(), T3)).isEmpty();
  }

  @Test
  void twoMovesAtTheSameInstantAnswerTheLaterOne() {
    List<AliasTimeline.Move> same =
        List.of(
            new AliasTimeline.Move("challenger", 2, null, "a", null, T1),
            new AliasTimeline.Move("challenger", 5, 2, "b", null, T1));
    assertThat(AliasTimeline.heldAt(same, T1)).map(AliasTimeline.Move::version).contains(5);
  }

  @Test
  void parsesRfc3339TimestampsWithAnOffset() {
    assertThat(AliasTimeline.parseAt("2026-12-01T10:00:00Z")).isEqualTo(T3);
    assertThat(AliasTimeline.parseAt("2026-12-01T11:00:00+01:00")).isEqualTo(T3);
    assertThat(AliasTimeline.parseAt("2026-12-01T10:00:00.000Z")).isEqualTo(T3);
  }

  @Test
  void aBadTimestampIsA400Problem() {
    for (String bad : List.of("yesterday", "2026-12-01", "2026-12-01T10:00:00", " ", "")) {
      assertThatThrownBy(() -> AliasTimeline.parseAt(bad))
          .as(bad)
          .isInstanceOf(ProblemException.class)
          .hasMessageContaining("RFC 3339")
          .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(400));
    }
    assertThatThrownBy(() -> AliasTimeline.parseAt(null)).isInstanceOf(ProblemException.class);
  }

  @Test
  void parsesAliasesAndRefusesOthers() {
    assertThat(AliasTimeline.parseAlias("champion")).isEqualTo(Alias.CHAMPION);
    assertThat(AliasTimeline.parseAlias("challenger")).isEqualTo(Alias.CHALLENGER);
    assertThatThrownBy(() -> AliasTimeline.parseAlias("Champion"))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("champion, challenger");
  }

  @Test
  void theDeadLetterReasonNamesTheVersion() {
    assertThat(
            AliasService.notEvaluated(
                new AliasRequested("card-fraud", Alias.CHAMPION, 7, "rollback", "alice")))
        .isEqualTo(
            "model version 7 of pipeline 'card-fraud' is not evaluated: champion can only point"
                + " at an evaluated version");
  }
}
