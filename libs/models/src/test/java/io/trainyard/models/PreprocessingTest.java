package io.trainyard.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PreprocessingTest {
  private static final double NAN = Double.NaN;

  // Columns: a (one NaN, odd count), b (constant), c (all NaN), d (two NaN, even count).
  private static final double[][] TRAIN = {
    {1, 5, NAN, 1}, {2, 5, NAN, 3}, {NAN, 5, NAN, NAN}, {4, 5, NAN, NAN},
  };

  @Test
  void fitsMedianFillThenPopulationStandardisation() {
    Preprocessing pre = Preprocessing.fit(List.of("a", "b", "c", "d"), TRAIN);

    // numpy: np.nanmedian; then x filled, x.mean(), x.std() (ddof=0), std 0 -> 1.
    assertThat(pre.fill()).containsExactly(2.0, 5.0, 0.0, 2.0);
    assertThat(pre.mean()).containsExactly(new double[] {2.25, 5.0, 0.0, 2.0}, within(1e-12));
    assertThat(pre.scale())
        .containsExactly(new double[] {Math.sqrt(1.1875), 1.0, 1.0, Math.sqrt(0.5)}, within(1e-12));
  }

  @Test
  void appliesFillAndScalingToNewArrays() {
    Preprocessing pre = Preprocessing.fit(List.of("a", "b", "c", "d"), TRAIN);
    double[][] raw = {{NAN, 7, 3, NAN}, {4.25, 5, NAN, 2.7071067811865476}};

    double[][] x = pre.apply(raw);

    double sa = Math.sqrt(1.1875);
    assertThat(x[0]).containsExactly(new double[] {-0.25 / sa, 2, 3, 0}, within(1e-12));
    assertThat(x[1]).containsExactly(new double[] {2 / sa, 0, 0, 1}, within(1e-12));
    assertThat(raw[0][0]).isNaN(); // the input is not modified
  }

  @Test
  void trainingRowsBecomeZeroMeanUnitVariance() {
    double[][] train = new double[100][2];
    for (int i = 0; i < 100; i++) {
      train[i][0] = i * 0.37 - 4;
      train[i][1] = i % 7 == 0 ? NAN : Math.sin(i) * 10;
    }
    Preprocessing pre = Preprocessing.fit(List.of("x", "y"), train);
    double[][] x = pre.apply(train);
    for (int j = 0; j < 2; j++) {
      double sum = 0;
      double squares = 0;
      for (double[] row : x) {
        sum += row[j];
        squares += row[j] * row[j];
      }
      assertThat(sum / 100).isCloseTo(0, within(1e-12));
      assertThat(squares / 100).isCloseTo(1, within(1e-12));
    }
  }

  @Test
  void rejectsRowsOfTheWrongWidth() {
    Preprocessing pre = Preprocessing.fit(List.of("a", "b", "c", "d"), TRAIN);
    assertThatThrownBy(() -> pre.apply(new double[][] {{1, 2, 3}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 0 has 3 values");
  }
}
