package io.trainyard.objectstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minio.messages.Item;
import io.trainyard.contracts.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A set of objects written under a staging area and published together under one prefix.
 *
 * <pre>{@code
 * try (StagedWrite write = store.stage(Layout.dataset("card-fraud", 3))) {
 *   write.put("train.parquet", trainFile, "application/vnd.apache.parquet");
 *   write.put("profile.json", profileBytes, "application/json");
 *   Manifest manifest = write.commit(Map.of("rows", 10_000));
 * } // not committed: close() aborts
 * }</pre>
 *
 * <p>Staging keys: {@code _staging/{write-id}/write.json} (a descriptor naming the target prefix,
 * written before the first object) and {@code _staging/{write-id}/objects/{name}}. Each {@code put}
 * streams its source once, computing SHA-256 and size on the way; sources of unknown size go up as
 * multipart uploads. {@link #commit} copies every staged object server-side to {@code
 * {prefix}{name}}, writes {@code {prefix}manifest.json} last, then deletes the staging objects.
 *
 * <p>Puts may run from several threads at once; commit and abort wait for none of them and refuse
 * while a put is in flight.
 */
public final class StagedWrite implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(StagedWrite.class.getName());
  private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

  private enum State {
    OPEN,
    COMMITTED,
    ABORTED
  }

  private final ObjectStore store;
  private final Prefix prefix;
  private final String id;
  private final String root;
  private final Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private final Map<String, Manifest.Entry> staged = new TreeMap<>();
  private final Set<String> reserved = new HashSet<>();
  private int inFlight;
  private boolean descriptorWritten;
  private State state = State.OPEN;
  private Manifest committed;

  StagedWrite(ObjectStore store, Prefix prefix, String id) {
    this.store = store;
    this.prefix = prefix;
    this.id = id;
    this.root = ObjectStore.stagingRoot(id);
  }

  /** The write id (32 hex digits), the second segment of the staging keys. */
  public String id() {
    return id;
  }

  /** The prefix this write commits to. */
  public Prefix prefix() {
    return prefix;
  }

  /** The objects staged so far, by name. */
  public synchronized List<Manifest.Entry> staged() {
    return List.copyOf(staged.values());
  }

  /** Whether puts are still accepted (neither committed nor aborted). */
  public synchronized boolean isOpen() {
    return state == State.OPEN;
  }

  /**
   * Stages a stream of unknown length as object {@code name}: multipart, in parts of {@link
   * ObjectStore#partSize()}. The stream is read to its end, not closed.
   *
   * @param name relative to the prefix; may have several segments ({@code plots/roc.png})
   * @param contentType e.g. {@code application/json}; {@code null} for {@code
   *     application/octet-stream}
   * @return the entry the manifest will list
   * @throws IllegalArgumentException if the name breaks a key rule, is reserved ({@code
   *     manifest.json}) or is already staged
   * @throws IOException if reading the stream fails
   */
  public Manifest.Entry put(String name, InputStream in, String contentType) throws IOException {
    return upload(name, in, -1, contentType);
  }

  /**
   * Stages a stream of known length; it must hold exactly {@code size} bytes. The stream is not
   * closed.
   */
  public Manifest.Entry put(String name, InputStream in, long size, String contentType)
      throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("size must be 0 or more, not " + size);
    }
    return upload(name, in, size, contentType);
  }

  /** Stages a file. */
  public Manifest.Entry put(String name, Path file, String contentType) throws IOException {
    long size = Files.size(file);
    try (InputStream in = Files.newInputStream(file)) {
      return upload(name, in, size, contentType);
    }
  }

  /** Stages bytes. */
  public Manifest.Entry put(String name, byte[] bytes, String contentType) {
    try {
      return upload(name, new ByteArrayInputStream(bytes), bytes.length, contentType);
    } catch (IOException e) {
      throw new ObjectStoreException("put " + name + " under " + prefix + " failed: " + e, e);
    }
  }

  private Manifest.Entry upload(String name, InputStream in, long size, String contentType)
      throws IOException {
    ObjectKey finalKey = checkName(name);
    String type = contentType(contentType);
    ObjectKey stagingKey = stagingKey(name);
    reserve(name);
    boolean done = false;
    try {
      ensureDescriptor();
      HashingInputStream hashing = new HashingInputStream(in);
      store.put(stagingKey, hashing, size, type);
      if (size >= 0 && (hashing.count() != size || in.read() >= 0)) {
        throw new IOException(
            "stream for " + name + " does not hold the declared " + size + " bytes");
      }
      long stored =
          store
              .stat(stagingKey)
              .orElseThrow(() -> new ObjectStoreException("staged " + stagingKey + " vanished"))
              .size();
      if (stored != hashing.count()) {
        throw new ObjectStoreException(
            "staged "
                + stagingKey
                + " has "
                + stored
                + " bytes; "
                + hashing.count()
                + " were sent");
      }
      Manifest.Entry entry =
          new Manifest.Entry(name, finalKey.value(), hashing.count(), hashing.sha256Hex(), type);
      synchronized (this) {
        if (state != State.OPEN) {
          throw new IllegalStateException(
              "staged write " + id + " was " + state.name().toLowerCase() + " during the put");
        }
        staged.put(name, entry);
        inFlight--;
        done = true;
      }
      store.hook.at("staged", this);
      return entry;
    } finally {
      if (!done) {
        synchronized (this) {
          reserved.remove(name);
          inFlight--;
        }
        try {
          store.remove(List.of(stagingKey.value()));
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "could not remove " + stagingKey, e);
        }
      }
    }
  }

  private ObjectKey checkName(String name) {
    List<String> segments = Keys.checkPath(name, "object name");
    if (segments.contains(Keys.MANIFEST)) {
      throw Keys.refused("object name", name, "'" + Keys.MANIFEST + "' is reserved");
    }
    return prefix.resolve(name);
  }

  private ObjectKey stagingKey(String name) {
    String key = root + ObjectStore.OBJECTS + name;
    if (Keys.utf8Length(key) > Keys.MAX_KEY_BYTES) {
      throw Keys.refused(
          "object name",
          name,
          "its staging key would exceed "
              + Keys.MAX_KEY_BYTES
              + " bytes (names are at most "
              + (Keys.MAX_KEY_BYTES - Keys.utf8Length(root + ObjectStore.OBJECTS))
              + " bytes)");
    }
    return ObjectKey.trusted(key);
  }

  private static String contentType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return DEFAULT_CONTENT_TYPE;
    }
    boolean printable = contentType.chars().allMatch(c -> c >= 0x20 && c <= 0x7E);
    if (!printable || contentType.length() > 255 || contentType.indexOf('/') <= 0) {
      throw new IllegalArgumentException(
          "content type " + Keys.quoted(contentType) + " is refused: expected type/subtype");
    }
    return contentType.strip();
  }

  private synchronized void reserve(String name) {
    requireOpen();
    if (reserved.contains(name)) {
      throw Keys.refused("object name", name, "it is already staged in write " + id);
    }
    for (String other : reserved) {
      if (other.startsWith(name + "/") || name.startsWith(other + "/")) {
        throw Keys.refused(
            "object name",
            name,
            "it conflicts with the staged " + other + " (a name cannot be an object and a folder)");
      }
    }
    reserved.add(name);
    inFlight++;
  }

  private synchronized void ensureDescriptor() {
    requireOpen();
    if (!descriptorWritten) {
      writeDescriptor("staging");
      descriptorWritten = true;
    }
  }

  private void writeDescriptor(String phase) {
    ObjectNode descriptor = JsonNodeFactory.instance.objectNode();
    descriptor.put("formatVersion", 1);
    descriptor.put("writeId", id);
    descriptor.put("prefix", prefix.value());
    descriptor.put("state", phase);
    descriptor.put("startedAt", startedAt.toString());
    descriptor.put("updatedAt", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    store.putBytes(
        ObjectKey.trusted(root + ObjectStore.DESCRIPTOR),
        Json.writeBytes(descriptor),
        "application/json",
        false);
  }

  private void requireOpen() {
    if (state != State.OPEN) {
      throw new IllegalStateException(
          "staged write " + id + " for " + prefix + " is " + state.name().toLowerCase());
    }
  }

  /** Commits with empty metadata. See {@link #commit(Map)}. */
  public Manifest commit() {
    return commit(Map.of());
  }

  /**
   * Publishes the staged objects: copies each to {@code {prefix}{name}} (server-side), writes
   * {@code {prefix}manifest.json} last, then deletes the staging objects.
   *
   * <p>If the prefix already has a manifest with the same content (objects and metadata; the commit
   * time aside), nothing is copied and that manifest is returned: a retry is harmless. If its
   * content differs, the commit is refused with {@link ManifestConflictException} and this write is
   * aborted. Calling commit again after success returns the same manifest.
   *
   * @param metadata written as the manifest's {@code metadata} object (any JSON-serializable
   *     values); it takes part in the comparison, so keep volatile values (timestamps) out of it
   * @throws ManifestConflictException if the prefix is committed with other content
   * @throws IllegalStateException if the write was aborted or a put is still in flight
   * @throws ObjectStoreException if storage fails; the write stays open and commit may be retried
   */
  public synchronized Manifest commit(Map<String, ?> metadata) {
    JsonNode meta =
        metadata == null ? JsonNodeFactory.instance.objectNode() : Json.toTree(metadata);
    if (state == State.COMMITTED) {
      if (Json.canonical(committed.metadata()).equals(Json.canonical(meta))) {
        return committed;
      }
      throw new IllegalStateException(
          "staged write " + id + " is already committed with other metadata");
    }
    requireOpen();
    if (inFlight > 0) {
      throw new IllegalStateException(inFlight + " put(s) still in flight in staged write " + id);
    }
    Manifest candidate =
        new Manifest(
            Manifest.FORMAT_VERSION,
            prefix.value(),
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            new ArrayList<>(staged.values()),
            meta);
    Optional<Manifest> existing = store.manifest(prefix);
    if (existing.isPresent()) {
      return settle(existing.get(), candidate);
    }
    if (descriptorWritten) {
      writeDescriptor("committing");
    }
    for (Manifest.Entry entry : candidate.objects()) {
      store.copy(stagingKey(entry.name()), entry.objectKey(), entry.contentType(), entry.sha256());
    }
    store.hook.at("copied", this);
    boolean written =
        store.putBytes(prefix.manifestKey(), candidate.toJson(), "application/json", true);
    if (!written) {
      Manifest raced =
          store
              .manifest(prefix)
              .orElseThrow(
                  () ->
                      new ManifestConflictException(
                          "a concurrent commit of " + prefix + " was detected", null));
      return settle(raced, candidate);
    }
    finish(candidate);
    LOG.log(
        System.Logger.Level.DEBUG,
        "committed {0}: {1} objects, {2} bytes",
        prefix,
        candidate.objects().size(),
        candidate.totalSize());
    return candidate;
  }

  private Manifest settle(Manifest existing, Manifest candidate) {
    if (existing.sameContentAs(candidate)) {
      finish(existing);
      return existing;
    }
    String what =
        existing.objects().equals(candidate.objects())
            ? "the same objects but other metadata"
            : "other objects (content hash "
                + existing.contentHash()
                + ", this write "
                + candidate.contentHash()
                + ")";
    abort();
    throw new ManifestConflictException(
        prefix
            + " was committed at "
            + existing.committedAt()
            + " with "
            + what
            + "; committed prefixes are immutable",
        existing);
  }

  private void finish(Manifest manifest) {
    state = State.COMMITTED;
    committed = manifest;
    try {
      deleteStaging();
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "committed " + prefix + " but could not delete staging " + root + "; sweepStaging will",
          e);
    }
  }

  /**
   * Removes every staged object of this write. Idempotent.
   *
   * @throws IllegalStateException if the write is committed
   */
  public synchronized void abort() {
    if (state == State.COMMITTED) {
      throw new IllegalStateException(
          "staged write " + id + " is committed; committed prefixes are immutable");
    }
    if (state == State.ABORTED) {
      return;
    }
    state = State.ABORTED;
    deleteStaging();
  }

  private void deleteStaging() {
    String descriptor = root + ObjectStore.DESCRIPTOR;
    List<String> keys = new ArrayList<>();
    boolean hasDescriptor = false;
    for (Item item : store.list(root, true)) {
      if (item.objectName().equals(descriptor)) {
        hasDescriptor = true;
      } else {
        keys.add(item.objectName());
      }
    }
    store.remove(keys);
    if (hasDescriptor) {
      store.remove(List.of(descriptor)); // last: sweepStaging finds the target while objects remain
    }
  }

  /** Aborts unless committed. */
  @Override
  public synchronized void close() {
    if (state == State.OPEN) {
      abort();
    }
  }

  @Override
  public String toString() {
    return "StagedWrite[" + id + " -> " + prefix + "]";
  }
}
