package io.trainyard.objectstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.contracts.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code manifest.json} of a committed prefix: the only thing readers trust. It lists every
 * object of the prefix with its size and SHA-256, and is written after all of them.
 *
 * <pre>
 * { "formatVersion": 1, "prefix": "datasets/card-fraud/v3/", "committedAt": "2026-...Z",
 *   "objects": [ { "name": "train.parquet", "key": "datasets/card-fraud/v3/train.parquet",
 *                  "size": 1234, "sha256": "...", "contentType": "application/vnd.apache.parquet" } ],
 *   "metadata": { ... } }
 * </pre>
 *
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param prefix the committed prefix, ending with {@code /}
 * @param committedAt when the commit happened
 * @param objects the objects, sorted by name
 * @param metadata the writer's metadata (a JSON object; empty when none)
 */
public record Manifest(
    int formatVersion, String prefix, Instant committedAt, List<Entry> objects, JsonNode metadata) {

  /** The manifest format this library writes and reads. */
  public static final int FORMAT_VERSION = 1;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public Manifest {
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "manifest formatVersion " + formatVersion + " is not supported (expected 1)");
    }
    Prefix location = Prefix.of(prefix);
    if (!location.value().equals(prefix)) {
      throw new IllegalArgumentException("manifest prefix must end with '/': " + prefix);
    }
    if (committedAt == null) {
      throw new IllegalArgumentException("manifest committedAt is missing");
    }
    if (objects == null) {
      throw new IllegalArgumentException("manifest objects are missing");
    }
    List<Entry> sorted = new ArrayList<>(objects);
    sorted.sort(Comparator.comparing(Entry::name));
    Set<String> names = new HashSet<>();
    for (Entry entry : sorted) {
      if (entry == null) {
        throw new IllegalArgumentException("manifest lists a null object");
      }
      if (!names.add(entry.name())) {
        throw new IllegalArgumentException("manifest lists " + entry.name() + " twice");
      }
      String expectedKey = location.resolve(entry.name()).value();
      if (!expectedKey.equals(entry.key())) {
        throw new IllegalArgumentException(
            "manifest object " + entry.name() + " has key " + entry.key() + ", not " + expectedKey);
      }
    }
    objects = List.copyOf(sorted);
    if (metadata == null || metadata.isNull()) {
      metadata = JsonNodeFactory.instance.objectNode();
    } else if (!metadata.isObject()) {
      throw new IllegalArgumentException("manifest metadata must be a JSON object");
    } else {
      // a copy, normalized as parsed JSON (3 and 3L alike), so that equal manifests are equal
      metadata = Json.readTree(Json.write(metadata));
    }
  }

  /** The committed prefix. */
  public Prefix location() {
    return Prefix.of(prefix);
  }

  /** The key of this manifest. */
  public ObjectKey manifestKey() {
    return location().manifestKey();
  }

  /** The entry named {@code name}, if listed. */
  public Optional<Entry> object(String name) {
    return objects.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /**
   * The entry named {@code name}.
   *
   * @throws IllegalArgumentException if the manifest does not list it
   */
  public Entry require(String name) {
    return object(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "manifest of " + prefix + " lists no object named " + Keys.quoted(name)));
  }

  /** The bytes of all objects. */
  public long totalSize() {
    return objects.stream().mapToLong(Entry::size).sum();
  }

  /**
   * The content hash of this version: SHA-256 (64 lowercase hex digits) of the canonical JSON of
   * the objects' names, sizes, SHA-256 digests and content types. It does not depend on the prefix,
   * the commit time or the metadata, so the same files under two prefixes hash alike.
   */
  public String contentHash() {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    for (Entry e : objects) {
      ObjectNode node = list.addObject();
      node.put("name", e.name());
      node.put("size", e.size());
      node.put("sha256", e.sha256());
      node.put("contentType", e.contentType());
    }
    return Json.canonicalHash(list);
  }

  /**
   * Whether {@code other} commits the same content: same prefix, same objects (names, keys, sizes,
   * digests, content types) and same metadata (canonical JSON). The commit time is ignored.
   */
  public boolean sameContentAs(Manifest other) {
    return other != null
        && formatVersion == other.formatVersion
        && prefix.equals(other.prefix)
        && objects.equals(other.objects)
        && Json.canonical(metadata).equals(Json.canonical(other.metadata));
  }

  /** Serializes this manifest (pretty-printed UTF-8 JSON). */
  public byte[] toJson() {
    try {
      return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize manifest of " + prefix, e);
    }
  }

  /**
   * Parses a manifest.
   *
   * @throws IllegalArgumentException if it is not a valid manifest
   */
  public static Manifest fromJson(byte[] json) {
    return Json.convert(Json.readTree(json), Manifest.class);
  }

  /**
   * One object of a committed prefix.
   *
   * @param name the name relative to the prefix, e.g. {@code train.parquet}
   * @param key the full key, prefix + name
   * @param size the size in bytes
   * @param sha256 SHA-256 of the content, 64 lowercase hex digits
   * @param contentType the content type it was written with
   */
  public record Entry(String name, String key, long size, String sha256, String contentType) {
    public Entry {
      Keys.checkPath(name, "object name");
      if (key == null) {
        throw new IllegalArgumentException("object " + name + " has no key");
      }
      if (size < 0) {
        throw new IllegalArgumentException("object " + name + " has a negative size");
      }
      if (sha256 == null || !SHA256.matcher(sha256).matches()) {
        throw new IllegalArgumentException(
            "object " + name + " has no valid sha256 (64 lowercase hex digits)");
      }
      if (contentType == null || contentType.isBlank()) {
        throw new IllegalArgumentException("object " + name + " has no content type");
      }
    }

    /** The key as a value. */
    public ObjectKey objectKey() {
      return ObjectKey.trusted(key);
    }
  }
}
