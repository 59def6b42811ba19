package io.trainyard.drift.monitor;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * A row of {@code drift_offset}: the next offset of a partition of {@code inference.observed} the
 * monitor has not applied yet. Written in the transaction that applies a batch to the windows, so
 * windows and offsets never disagree; the consumer seeks to it when it is assigned the partition.
 */
@Entity
@Table(name = "drift_offset")
@IdClass(DriftOffset.Key.class)
public class DriftOffset extends PanacheEntityBase {

  /** The composite key. */
  public record Key(String topic, int partition) implements Serializable {
    public Key() {
      this(null, 0);
    }
  }

  @Id public String topic;

  @Id
  @Column(name = "partition_id")
  public int partition;

  @Column(name = "next_offset", nullable = false)
  public long nextOffset;

  /** The next offset of each partition of {@code topic} the monitor has applied records of. */
  static Map<Integer, Long> of(String topic) {
    Map<Integer, Long> next = new HashMap<>();
    DriftOffset.<DriftOffset>list("topic", topic).forEach(o -> next.put(o.partition, o.nextOffset));
    return next;
  }

  /** Moves a partition's next offset forward to {@code next} (never back). */
  static void advance(String topic, int partition, long next) {
    DriftOffset row =
        DriftOffset.<DriftOffset>findByIdOptional(new Key(topic, partition))
            .orElseGet(
                () -> {
                  DriftOffset o = new DriftOffset();
                  o.topic = topic;
                  o.partition = partition;
                  return o;
                });
    if (next > row.nextOffset) {
      row.nextOffset = next;
      row.persist();
    }
  }
}
