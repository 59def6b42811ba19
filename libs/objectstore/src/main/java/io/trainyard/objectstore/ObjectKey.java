package io.trainyard.objectstore;

import java.util.List;

/**
 * The key of one object in the bucket, checked against {@link Keys the key rules}: relative, no
 * {@code .}/{@code ..} or empty segments, no backslash, percent sign, control or invisible
 * characters, NFC, at most 1024 bytes of UTF-8, and not inside the store's staging area.
 *
 * <p>Build keys from a {@link Prefix} ({@link Prefix#resolve(String)}) so that a name can never
 * leave its prefix; {@link #of(String)} is for keys that come whole, e.g. from an {@code s3://} URI
 * of the drop zone.
 */
public final class ObjectKey implements Comparable<ObjectKey> {
  private final String value;

  private ObjectKey(String value) {
    this.value = value;
  }

  /**
   * A checked key.
   *
   * @throws IllegalArgumentException when the key breaks a rule; the message says which
   */
  public static ObjectKey of(String key) {
    List<String> segments = Keys.checkPath(key, "object key");
    if (segments.get(0).equals(Keys.STAGING_ROOT)) {
      throw Keys.refused(
          "object key", key, "'" + Keys.STAGING_ROOT + "/' is reserved for staged writes");
    }
    return new ObjectKey(key);
  }

  /** A key the store built itself from checked parts (staging keys included). */
  static ObjectKey trusted(String key) {
    return new ObjectKey(key);
  }

  /** The key, e.g. {@code datasets/card-fraud/v3/train.parquet}. */
  public String value() {
    return value;
  }

  /** Whether this key lies under {@code prefix}. */
  public boolean isUnder(Prefix prefix) {
    return value.startsWith(prefix.value());
  }

  /** The last segment, e.g. {@code train.parquet}. */
  public String fileName() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  @Override
  public int compareTo(ObjectKey other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectKey other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
