package io.trainyard.objectstore;

import java.util.List;

/**
 * A "folder" of the bucket: checked segments joined by {@code /}, always ending with {@code /},
 * e.g. {@code datasets/card-fraud/v3/}. Names resolved against a prefix stay inside it: {@link
 * #resolve(String)} refuses any name that is absolute, has {@code ..}, {@code .} or empty segments,
 * a backslash, a percent sign, control or invisible characters, lookalikes of {@code . / \}, is not
 * NFC, or would make the key longer than 1024 bytes of UTF-8.
 *
 * <p>Prefixes of the architecture's layout come from {@link Layout}.
 */
public final class Prefix implements Comparable<Prefix> {
  private final String value;

  private Prefix(String value) {
    this.value = value;
  }

  /**
   * A checked prefix; the trailing {@code /} is optional ({@code datasets/x/v1} and {@code
   * datasets/x/v1/} are the same prefix).
   *
   * @throws IllegalArgumentException when a segment breaks a rule; the message says which
   */
  public static Prefix of(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("prefix must not be null");
    }
    String path = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    if (path.isEmpty()) {
      throw Keys.refused("prefix", prefix, "it is empty (the bucket root is not a prefix)");
    }
    List<String> segments = Keys.checkPath(path, "prefix");
    if (segments.get(0).equals(Keys.STAGING_ROOT)) {
      throw Keys.refused("prefix", prefix, "'" + Keys.STAGING_ROOT + "/' is reserved");
    }
    if (segments.contains(Keys.MANIFEST)) {
      throw Keys.refused("prefix", prefix, "'" + Keys.MANIFEST + "' is a reserved name");
    }
    Prefix checked = new Prefix(path + "/");
    checked.manifestKey(); // long enough to hold its own manifest
    return checked;
  }

  static Prefix trusted(String value) {
    return new Prefix(value);
  }

  /** The prefix, ending with {@code /}. */
  public String value() {
    return value;
  }

  /**
   * The key of {@code name} under this prefix. {@code name} is relative and may have several
   * segments ({@code plots/roc.png}).
   *
   * @throws IllegalArgumentException when the name could escape the prefix or breaks a key rule
   */
  public ObjectKey resolve(String name) {
    Keys.checkPath(name, "object name");
    String key = value + name;
    int bytes = Keys.utf8Length(key);
    if (bytes > Keys.MAX_KEY_BYTES) {
      throw Keys.refused(
          "object name",
          name,
          "under "
              + value
              + " the key is "
              + bytes
              + " bytes of UTF-8; S3 keys are at most "
              + Keys.MAX_KEY_BYTES);
    }
    return ObjectKey.trusted(key);
  }

  /** The prefix one segment below this one, e.g. {@code datasets/x/} + {@code v3}. */
  public Prefix child(String segment) {
    Keys.checkSegment(segment, "prefix segment");
    return Prefix.of(value + segment + "/");
  }

  /** The key of this prefix's {@code manifest.json}. */
  public ObjectKey manifestKey() {
    String key = value + Keys.MANIFEST;
    if (Keys.utf8Length(key) > Keys.MAX_KEY_BYTES) {
      throw Keys.refused(
          "prefix", value, "it leaves no room for its manifest within " + Keys.MAX_KEY_BYTES);
    }
    return ObjectKey.trusted(key);
  }

  /** Whether this prefix equals {@code other} or lies below it. */
  public boolean isWithin(Prefix other) {
    return value.startsWith(other.value);
  }

  /** The name of {@code key} relative to this prefix. */
  public String relativize(ObjectKey key) {
    if (!key.isUnder(this)) {
      throw new IllegalArgumentException(key + " is not under " + value);
    }
    return key.value().substring(value.length());
  }

  /** The last segment, e.g. {@code v3}. */
  public String lastSegment() {
    String path = value.substring(0, value.length() - 1);
    return path.substring(path.lastIndexOf('/') + 1);
  }

  @Override
  public int compareTo(Prefix other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prefix other && value.equals(other.value);
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
