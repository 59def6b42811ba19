package io.trainyard.testing;

import java.util.UUID;

/**
 * Unique names for pipelines, consumer groups and keys. Kafka topics and the object store outlive
 * test runs, so every test names its own things and never sees another run's data.
 */
public final class UniqueNames {
  private UniqueNames() {}

  /**
   * A name that starts with {@code prefix} and is valid as a pipeline name (lower case letters,
   * digits and dashes, at most 63 characters).
   */
  public static String of(String prefix) {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String base = prefix.toLowerCase().replaceAll("[^a-z0-9-]", "-");
    if (base.length() > 50) {
      base = base.substring(0, 50);
    }
    return base + "-" + suffix;
  }
}
