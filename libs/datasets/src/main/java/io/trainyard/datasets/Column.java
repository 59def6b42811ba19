package io.trainyard.datasets;

import java.util.Objects;

/**
 * A column of an ingested dataset with its logical type, the type contract shared by the services
 * (JSON Schema, events) independently of the physical DuckDB or Parquet type.
 *
 * @param name the column name as in the CSV header
 * @param type one of {@link #INTEGER}, {@link #NUMBER}, {@link #STRING}, {@link #BOOLEAN}
 */
public record Column(String name, String type) {

  /** Whole numbers (Parquet INT64). */
  public static final String INTEGER = "integer";

  /** Real numbers (Parquet DOUBLE). */
  public static final String NUMBER = "number";

  /** Text, and anything that is not a number or boolean (dates, times). */
  public static final String STRING = "string";

  /** {@code true} / {@code false}. */
  public static final String BOOLEAN = "boolean";

  public Column {
    Objects.requireNonNull(name, "name");
    if (!INTEGER.equals(type)
        && !NUMBER.equals(type)
        && !STRING.equals(type)
        && !BOOLEAN.equals(type)) {
      throw new IllegalArgumentException(
          "column '" + name + "' has unknown logical type '" + type + "'");
    }
  }
}
