package io.trainyard.drift.monitor;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.util.List;

/**
 * A row of {@code drift_window_value}: one inference event's values in an open window, in the
 * reference's column order ({@code [features..., prediction columns...]}: a number, a category as
 * text, or null). Read when the window is tested, then deleted.
 */
@Entity
@Table(name = "drift_window_value")
public class DriftWindowValue extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "drift_window_value_seq")
  @SequenceGenerator(
      name = "drift_window_value_seq",
      sequenceName = "drift_window_value_seq",
      allocationSize = 500)
  public long seq;

  @Column(nullable = false)
  public String pipeline;

  @Column(name = "model_version", nullable = false)
  public int modelVersion;

  @Column(name = "values_json", nullable = false)
  public String valuesJson;

  static List<DriftWindowValue> of(String pipeline, int modelVersion) {
    return list("pipeline = ?1 and modelVersion = ?2 order by seq", pipeline, modelVersion);
  }

  static void deleteOf(String pipeline, int modelVersion) {
    delete("pipeline = ?1 and modelVersion = ?2", pipeline, modelVersion);
  }
}
