package io.trainyard.console.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.contracts.Schemas;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.Alias;
import io.trainyard.contracts.events.AliasRequested;
import io.trainyard.platform.problem.ProblemException;
import org.junit.jupiter.api.Test;

/** The checks of {@code POST /api/v1/pipelines/{name}/aliases/{alias}}, without the stack. */
class AliasCommandsValidationTest {

  static AliasCommands.AliasRequest body(Integer version, String reason) {
    return new AliasCommands.AliasRequest(version, reason);
  }

  @Test
  void aValidRequestBecomesAnAliasRequestedEventThatMatchesItsSchema() {
    AliasRequested event =
        AliasCommands.validate(
            "card-fraud", "champion", body(3, "  rollback after incident "), "alice");
    assertThat(event)
        .isEqualTo(
            new AliasRequested(
                "card-fraud", Alias.CHAMPION, 3, "rollback after incident", "alice"));
    assertThat(Schemas.validate(Topic.MODELS_ALIAS_REQUESTED, event)).isEmpty();
    assertThat(AliasCommands.validate("card-fraud", "challenger", body(1, "try"), "bob").alias())
        .isEqualTo(Alias.CHALLENGER);
  }

  @Test
  void anUnknownAliasIsA400NamingTheAliases() {
    assertThatThrownBy(() -> AliasCommands.validate("p", "production", body(3, "x"), "alice"))
        .isInstanceOf(ProblemException.class)
        .hasMessage("alias is champion or challenger, not 'production'")
        .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(400));
  }

  @Test
  void theVersionIsRequiredAndPositive() {
    for (AliasCommands.AliasRequest bad :
        new AliasCommands.AliasRequest[] {null, body(null, "x"), body(0, "x"), body(-2, "x")}) {
      assertThatThrownBy(() -> AliasCommands.validate("p", "champion", bad, "alice"))
          .isInstanceOf(ProblemException.class)
          .hasMessageStartingWith("version is required")
          .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(400));
    }
  }

  @Test
  void theReasonIsRequiredAndBounded() {
    for (String blank : new String[] {null, "", "   "}) {
      assertThatThrownBy(() -> AliasCommands.validate("p", "champion", body(2, blank), "alice"))
          .isInstanceOf(ProblemException.class)
          .hasMessageStartingWith("reason is required");
    }
    assertThatThrownBy(
            () ->
                AliasCommands.validate(
                    "p", "champion", body(2, "x".repeat(RunCommands.MAX_REASON + 1)), "alice"))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("at most");
  }
}
