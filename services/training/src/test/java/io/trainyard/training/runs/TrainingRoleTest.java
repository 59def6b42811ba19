package io.trainyard.training.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrainingRoleTest {

  @Test
  void onlyTheApiRoleDoesNotTrain() {
    assertThat(TrainingRole.parse("api").trains()).isFalse();
    assertThat(TrainingRole.parse("Worker").trains()).isTrue();
    assertThat(TrainingRole.parse(" both ").trains()).isTrue();
    assertThat(TrainingRole.parse("worker").wire()).isEqualTo("worker");
  }

  @Test
  void anUnknownRoleIsRefusedWithTheChoices() {
    assertThatThrownBy(() -> TrainingRole.parse("gpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trainyard.training.role must be api, worker or both, not 'gpu'");
    assertThatThrownBy(() -> TrainingRole.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
