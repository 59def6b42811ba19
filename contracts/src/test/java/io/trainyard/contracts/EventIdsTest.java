package io.trainyard.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

  private static final UUID DNS = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  private static final UUID URL = UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

  @Test
  void knownAnswerFromRfc9562() {
    // RFC 9562, appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
    assertThat(EventIds.nameBased(DNS, "www.example.com"))
        .isEqualTo(UUID.fromString("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
  }

  @Test
  void namespaceIsTheV5OfTheTrainyardUrl() {
    assertThat(EventIds.nameBased(URL, "https://trainyard.io/")).isEqualTo(EventIds.NAMESPACE);
  }

  @Test
  void knownAnswerForABusinessKey() {
    // Computed independently: Python uuid.uuid5(NAMESPACE,
    // "io.trainyard.datasets.ingested.v1|10:card-fraud|1:3").
    assertThat(EventIds.of(Topic.DATASETS_INGESTED, "card-fraud", "3"))
        .isEqualTo("85bd3710-a832-5521-9dcc-809caa47570d");
    assertThat(EventIds.name(Topic.DATASETS_INGESTED.ceType(), "card-fraud", "3"))
        .isEqualTo("io.trainyard.datasets.ingested.v1|10:card-fraud|1:3");
  }

  @Test
  void idsAreDeterministicVersion5() {
    UUID id = EventIds.uuid(Topic.MODELS_TRAINED, "run-1");
    assertThat(EventIds.uuid(Topic.MODELS_TRAINED, "run-1")).isEqualTo(id);
    assertThat(id.version()).isEqualTo(5);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.toString().charAt(14)).isEqualTo('5');
    assertThat(EventIds.of(Topic.DATASETS_INGESTED, "card-fraud", 3))
        .isEqualTo(EventIds.of(Topic.DATASETS_INGESTED, "card-fraud", "3"));
  }

  @Test
  void differentKeysGiveDifferentIds() {
    assertThat(EventIds.of(Topic.DATASETS_INGESTED, "card-fraud", 3))
        .isNotEqualTo(EventIds.of(Topic.DATASETS_INGESTED, "card-fraud", 4))
        .isNotEqualTo(EventIds.of(Topic.DATASETS_INGESTED, "card-frau", 3))
        .isNotEqualTo(EventIds.of(Topic.MODELS_EVALUATED, "card-fraud", 3));
    // The join is unambiguous.
    assertThat(EventIds.of(Topic.TRAINING_ENDED, "a|b"))
        .isNotEqualTo(EventIds.of(Topic.TRAINING_ENDED, "a", "b"));
    assertThat(EventIds.of(Topic.TRAINING_ENDED, "ab", "c"))
        .isNotEqualTo(EventIds.of(Topic.TRAINING_ENDED, "a", "bc"));
    assertThat(EventIds.of(Topic.TRAINING_ENDED, "1:a"))
        .isNotEqualTo(EventIds.of(Topic.TRAINING_ENDED, "1", "a"));
  }

  @Test
  void keysMustBeGiven() {
    assertThatThrownBy(() -> EventIds.of(Topic.TRAINING_ENDED))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventIds.of(Topic.TRAINING_ENDED, "a", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("part 1 is null");
  }
}
