package io.trainyard.training.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Plain JUnit: the rule on known values. */
class MedianStoppingTest {

  @Test
  void aTrialWorseThanTheMedianOfEarlierTrialsAtTheSameEpochStops() {
    MedianStopping rule = new MedianStopping(2);
    assertThat(rule.stops(List.of(0.9, 0.8))).as("no earlier trial").isFalse();
    rule.finished(List.of(0.7, 0.5, 0.4));
    assertThat(rule.stops(List.of(0.9, 0.8))).as("one earlier trial is not enough").isFalse();
    rule.finished(List.of(0.6, 0.65, 0.3)); // best so far 0.6, 0.6, 0.3

    // after epoch 2 the earlier best-so-far are 0.5 and 0.6: median 0.55
    assertThat(rule.stops(List.of(0.9))).as("before minEpochs").isFalse();
    assertThat(rule.stops(List.of(0.9, 0.56))).isTrue();
    assertThat(rule.stops(List.of(0.9, 0.55))).as("equal to the median").isFalse();
    assertThat(rule.stops(List.of(0.54, 0.9))).as("its best so far counts").isFalse();
    // after epoch 3: 0.4 and 0.3, median 0.35
    assertThat(rule.stops(List.of(0.9, 0.5, 0.36))).isTrue();
    // after epoch 4 no earlier trial ran that long
    assertThat(rule.stops(List.of(0.9, 0.9, 0.9, 0.9))).isFalse();
  }

  @Test
  void theMedianIsNumpys() {
    assertThat(MedianStopping.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(MedianStopping.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(MedianStopping.best(List.of(Double.NaN, 0.4, 0.2, 0.3))).isEqualTo(0.2);
  }
}
