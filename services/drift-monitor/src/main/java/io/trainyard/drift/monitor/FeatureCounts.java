package io.trainyard.drift.monitor;

/**
 * What the open window counted for one feature.
 *
 * @param bins events per bin of the reference's edges
 * @param missing events whose value of the feature was null (counted in no bin)
 */
public record FeatureCounts(long[] bins, long missing) {

  static FeatureCounts empty(int bins) {
    return new FeatureCounts(new long[bins], 0);
  }
}
