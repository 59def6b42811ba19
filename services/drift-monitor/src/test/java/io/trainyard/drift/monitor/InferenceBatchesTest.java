package io.trainyard.drift.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.InferenceObserved;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * {@link InferenceBatches} on records of a topic of this test's own (the live channel never reads
 * it), against the real database: a batch is applied once, with its offsets; the same records again
 * are skipped by offset, and the same events at later offsets by id.
 */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class InferenceBatchesTest {

  @Inject InferenceBatches batches;
  @Inject io.trainyard.objectstore.ObjectStore store;

  static List<ConsumerRecord<String, byte[]>> records(
      String topic, long firstOffset, List<InferenceObserved> events) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    long offset = firstOffset;
    for (InferenceObserved event : events) {
      Envelope envelope =
          Envelope.root(
              Topic.INFERENCE_OBSERVED,
              EventIds.of(Topic.INFERENCE_OBSERVED, event.predictionId()),
              DriftFlowTest.SERVING,
              event.pipeline());
      RecordHeaders headers = new RecordHeaders();
      envelope.toHeaders().forEach(headers::add);
      records.add(
          new ConsumerRecord<>(
              topic,
              0,
              offset++,
              0L,
              TimestampType.CREATE_TIME,
              -1,
              -1,
              event.pipeline(),
              Json.writeBytes(event),
              headers,
              Optional.empty()));
    }
    return records;
  }

  static int openEvents(String pipeline, int version) {
    return QuarkusTransaction.requiringNew()
        .call(() -> DriftWindow.of(pipeline, version).map(w -> w.events).orElse(0));
  }

  @Test
  void aBatchIsAppliedOnceWithItsOffsets() throws Exception {
    DriftFlowTest flow = new DriftFlowTest();
    flow.store = store;
    String pipeline = flow.applySpec("batches");
    flow.writeDataset(pipeline);
    DriftFlowTest.promote(pipeline, 1, null);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> DriftFlowTest.drift(pipeline).path("modelVersion").asInt() == 1);

    String topic = UniqueNames.of("batches") + ".inference";
    List<InferenceObserved> events =
        DriftFlowTest.events(pipeline, 1, "b", 10, 31, 0.0, Instant.now());
    List<ConsumerRecord<String, byte[]>> first = records(topic, 0, events);
    long duplicates = batches.duplicates();

    batches.apply(first);
    assertThat(openEvents(pipeline, 1)).isEqualTo(10);
    assertThat(QuarkusTransaction.requiringNew().call(() -> DriftOffset.of(topic)))
        .isEqualTo(Map.of(0, 10L));

    // Redelivered (a consumer that restarted before Kafka had its offsets): skipped by offset.
    batches.apply(first);
    assertThat(openEvents(pipeline, 1)).isEqualTo(10);
    assertThat(batches.duplicates() - duplicates).isEqualTo(10);

    // Re-sent by the producer (new offsets, same event ids): skipped by id; the offsets move on.
    batches.apply(records(topic, 10, events.subList(0, 5)));
    assertThat(openEvents(pipeline, 1)).isEqualTo(10);
    assertThat(batches.duplicates() - duplicates).isEqualTo(15);
    assertThat(QuarkusTransaction.requiringNew().call(() -> DriftOffset.of(topic)))
        .isEqualTo(Map.of(0, 15L));

    // New events after them are applied.
    batches.apply(
        records(topic, 15, DriftFlowTest.events(pipeline, 1, "c", 4, 32, 0.0, Instant.now())));
    assertThat(openEvents(pipeline, 1)).isEqualTo(14);
    assertThat(QuarkusTransaction.requiringNew().call(() -> DriftOffset.of(topic)))
        .isEqualTo(Map.of(0, 19L));
  }
}
