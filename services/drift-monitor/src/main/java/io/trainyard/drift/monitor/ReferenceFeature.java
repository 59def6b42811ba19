package io.trainyard.drift.monitor;

import java.util.Objects;

/**
 * The reference of one numeric feature.
 *
 * @param feature the feature
 * @param edges the inner bin edges, the training split's deciles ({@code Psi.decileEdges})
 * @param proportions the training split's share per bin, {@code edges.length + 1} of them
 */
public record ReferenceFeature(String feature, double[] edges, double[] proportions) {

  public ReferenceFeature {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(edges, "edges");
    Objects.requireNonNull(proportions, "proportions");
    if (proportions.length != edges.length + 1) {
      throw new IllegalArgumentException(
          feature + ": " + edges.length + " edges need " + (edges.length + 1) + " proportions");
    }
  }

  /** The number of bins. */
  int bins() {
    return proportions.length;
  }
}
