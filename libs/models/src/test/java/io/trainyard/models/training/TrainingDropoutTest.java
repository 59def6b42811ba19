package io.trainyard.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.trainyard.models.Djl;
import org.junit.jupiter.api.Test;

/** The trainer's dropout: inverted dropout with DJL's distribution, reproducible from the seed. */
class TrainingDropoutTest {

  @Test
  void keepsEachValueWithProbabilityOneMinusTheRateScaledByItsInverse() {
    Djl.configure();
    int n = 200_000;
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray ones = manager.ones(new Shape(n / 100, 100));
      Engine.getInstance().setRandomSeed(11);
      float[] first = MlpTrainer.dropout(ones, 0.1f).toFloatArray();
      Engine.getInstance().setRandomSeed(11);
      float[] again = MlpTrainer.dropout(ones, 0.1f).toFloatArray();
      assertThat(again).isEqualTo(first);

      int kept = 0;
      for (float v : first) {
        assertThat(v == 0f || v == 1f / 0.9f).as("value %s", v).isTrue();
        kept += v == 0f ? 0 : 1;
      }
      // 0.9 ± 5 standard deviations of a binomial proportion over 200,000 draws
      assertThat(kept / (double) n).isCloseTo(0.9, within(5 * Math.sqrt(0.9 * 0.1 / n)));

      assertThat(MlpTrainer.dropout(ones, 0f)).isSameAs(ones);
      assertThat(MlpTrainer.dropout(ones, 1f).toFloatArray()).containsOnly(0f);
    }
  }
}
