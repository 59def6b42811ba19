package io.trainyard.contracts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.UUID;

/**
 * Deterministic CloudEvent ids from business keys, so that a re-sent event is the same event.
 *
 * <p>An id is a name-based UUID, version 5 (SHA-1; RFC 9562 section 5.5, formerly RFC 4122), in the
 * {@link #NAMESPACE Trainyard namespace}, of the name {@code <ce type>} followed, for each key
 * part, by {@code "|" + <length in UTF-16 code units> + ":" + <part>}. The length prefix makes the
 * join unambiguous: ("a|b") and ("a", "b") give different ids. Parts are given as text; numbers may
 * be passed as numbers ({@code 3} and {@code "3"} give the same id).
 *
 * <p>Example: {@code EventIds.of(Topic.DATASETS_INGESTED, "card-fraud", 3)} hashes {@code
 * io.trainyard.datasets.ingested.v1|10:card-fraud|1:3}.
 */
public final class EventIds {

  /**
   * The Trainyard namespace: the v5 UUID of the URL {@code https://trainyard.io/} in the RFC 9562
   * URL namespace ({@code 6ba7b811-9dad-11d1-80b4-00c04fd430c8}).
   */
  public static final UUID NAMESPACE = UUID.fromString("94a97046-74e7-585d-a686-00647a901f8d");

  private EventIds() {}

  /** The id, as text, of the event of {@code topic} with the given business key. */
  public static String of(Topic topic, Object... keyParts) {
    return uuid(topic, keyParts).toString();
  }

  /** The id of the event of {@code topic} with the given business key. */
  public static UUID uuid(Topic topic, Object... keyParts) {
    Objects.requireNonNull(topic, "topic");
    return nameBased(NAMESPACE, name(topic.ceType(), keyParts));
  }

  /** The name hashed for a business key (see the class comment). */
  static String name(String ceType, Object... keyParts) {
    if (keyParts.length == 0) {
      throw new IllegalArgumentException("a business key needs at least one part");
    }
    StringBuilder name = new StringBuilder(ceType);
    for (int i = 0; i < keyParts.length; i++) {
      if (keyParts[i] == null) {
        throw new IllegalArgumentException("business key part " + i + " is null");
      }
      String part = keyParts[i].toString();
      name.append('|').append(part.length()).append(':').append(part);
    }
    return name.toString();
  }

  /** The name-based (version 5, SHA-1) UUID of {@code name} (UTF-8) in {@code namespace}. */
  public static UUID nameBased(UUID namespace, String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is not available", e);
    }
    sha1.update(
        ByteBuffer.allocate(16)
            .putLong(namespace.getMostSignificantBits())
            .putLong(namespace.getLeastSignificantBits())
            .array());
    byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // variant 10 (RFC 9562)
    ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
    return new UUID(bytes.getLong(), bytes.getLong());
  }
}
