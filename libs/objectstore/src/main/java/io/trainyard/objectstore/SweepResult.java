package io.trainyard.objectstore;

import java.util.List;

/**
 * What {@link ObjectStore#sweepStaging} removed.
 *
 * @param writeIds the abandoned staged writes that were removed
 * @param stagingObjects staging objects deleted (descriptors included)
 * @param uncommittedObjects objects a crashed commit had already copied to their final keys under a
 *     prefix that never got its manifest
 */
public record SweepResult(List<String> writeIds, int stagingObjects, int uncommittedObjects) {
  public SweepResult {
    writeIds = List.copyOf(writeIds);
  }
}
