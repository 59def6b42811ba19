package io.trainyard.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.contracts.events.TrainingCancelRequested;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.spec.PipelineSpecs;
import org.junit.jupiter.api.Test;

class RecordKeysTest {

  @Test
  void pipelineNameExceptTrainingRequestsKeyedByRun() {
    for (Catalogue.Entry entry : Catalogue.entries()) {
      Object record = entry.exampleRecord();
      String key = RecordKeys.keyFor(entry.topic(), record);
      if (entry.topic() == Topic.TRAINING_REQUESTED) {
        assertThat(key).isEqualTo(((TrainingRequested) record).runId());
      } else if (entry.topic() == Topic.TRAINING_CANCEL_REQUESTED) {
        assertThat(key).isEqualTo(((TrainingCancelRequested) record).runId());
      } else {
        assertThat(key).as("key on %s", entry.topic()).isEqualTo("card-fraud");
      }
      assertThat(RecordKeys.keyFor(entry.topic(), entry.example())).isEqualTo(key);
    }
    assertThat(RecordKeys.keyField(Topic.PIPELINES)).isEqualTo("name");
    assertThat(RecordKeys.keyField(Topic.TRAINING_REQUESTED)).isEqualTo("runId");
    assertThat(RecordKeys.keyField(Topic.TRAINING_CANCEL_REQUESTED)).isEqualTo("runId");
    assertThat(RecordKeys.keyField(Topic.DRIFT_DETECTED)).isEqualTo("pipeline");
  }

  @Test
  void payloadMustBelongOnTheTopic() {
    assertThatThrownBy(() -> RecordKeys.keyFor(Topic.DATASETS_INGESTED, PipelineSpecs.example()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong on trainyard.datasets.ingested");
    assertThatThrownBy(() -> RecordKeys.keyFor(Topic.DATASETS_INGESTED, Json.readTree("{}")))
        .hasMessageContaining("no 'pipeline'");
  }
}
