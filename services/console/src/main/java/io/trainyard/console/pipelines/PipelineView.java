package io.trainyard.console.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Json;
import java.time.Instant;

/**
 * A pipeline as the API shows it: its spec as applied, the revision (counts up with each change),
 * the spec's content hash, and when it was applied.
 */
public record PipelineView(
    String name, int revision, String contentHash, Instant appliedAt, JsonNode spec) {

  static PipelineView of(PipelineSpecRow row) {
    return new PipelineView(
        row.name, row.revision, row.contentHash, row.appliedAt, Json.readTree(row.specJson));
  }
}
