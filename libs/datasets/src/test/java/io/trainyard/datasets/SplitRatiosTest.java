package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SplitRatiosTest {

  @Test
  void acceptsRatiosSummingToOneWithinTolerance() {
    assertThat(new SplitRatios(0.7, 0.2, 0.1).train()).isEqualTo(0.7);
    assertThat(new SplitRatios(1, 0, 0).test()).isZero();
    assertThat(new SplitRatios(0.6, 0.2, 0.2 + 5e-10).test()).isEqualTo(0.2 + 5e-10);
    assertThat(SplitRatios.ALL_TEST).isEqualTo(new SplitRatios(0, 0, 1));
  }

  @Test
  void rejectsBadRatios() {
    assertThatThrownBy(() -> new SplitRatios(0.7, 0.2, 0.2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must sum to 1");
    assertThatThrownBy(() -> new SplitRatios(0, 0.5, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("train must be > 0");
    assertThatThrownBy(() -> new SplitRatios(0, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("train must be > 0");
    assertThatThrownBy(() -> new SplitRatios(1.1, -0.1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("validation must be a finite number >= 0");
    assertThatThrownBy(() -> new SplitRatios(Double.NaN, 0.5, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("train");
    assertThatThrownBy(() -> new SplitRatios(0.6, 0.2, 0.2 + 2e-9))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void splitConfigNeedsATargetAndCopiesExclude() {
    assertThat(new SplitConfig("y", null, new SplitRatios(1, 0, 0), false, 0, false).exclude())
        .isEmpty();
    assertThatThrownBy(
            () -> new SplitConfig(" ", List.of(), new SplitRatios(1, 0, 0), false, 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target");
  }
}
