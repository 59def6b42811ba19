package io.trainyard.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Edges against numpy 1.24: {@code np.histogram_bin_edges([4.58, 14.24], bins=10)}; bins against
 * {@code np.histogram(v, bins=edges)} for the values inside, plus the two outer bins.
 */
class SharedBinsTest {

  @Test
  void edgesAreNumpysAndValuesFallInTheBinNumpyPutsThem() {
    double[] edges = SharedBins.histogramEdges(4.58, 14.24);
    assertThat(edges)
        .containsExactly(
            4.58,
            5.546,
            6.5120000000000005,
            7.478,
            8.443999999999999,
            9.41,
            10.376,
            11.341999999999999,
            12.308,
            13.274,
            14.24);
    assertThat(SharedBins.bin(edges, 4.57)).as("below").isZero();
    assertThat(SharedBins.bin(edges, 4.58)).as("the first edge opens bin 1").isEqualTo(1);
    assertThat(SharedBins.bin(edges, 5.546)).as("an inner edge opens the next bin").isEqualTo(2);
    assertThat(SharedBins.bin(edges, 14.0)).isEqualTo(10);
    assertThat(SharedBins.bin(edges, 14.24)).as("the last edge closes bin 10").isEqualTo(10);
    assertThat(SharedBins.bin(edges, 14.25)).as("above").isEqualTo(11);
  }

  @Test
  void aConstantReferenceHasOneBinBetweenTheOuterOnes() {
    double[] edges = SharedBins.histogramEdges(3, 3);
    assertThat(edges).containsExactly(3, 3);
    assertThat(SharedBins.bin(edges, 2)).isZero();
    assertThat(SharedBins.bin(edges, 3)).isEqualTo(1);
    assertThat(SharedBins.bin(edges, 4)).isEqualTo(2);
  }
}
