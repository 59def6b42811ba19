package io.trainyard.objectstore;

import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.Directive;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import io.trainyard.contracts.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The only way Trainyard services touch object storage: staged writes committed by a manifest, and
 * readers that trust nothing but manifests.
 *
 * <ul>
 *   <li>{@link #stage(Prefix)} opens a {@link StagedWrite}: objects go up under {@code
 *       _staging/{write-id}/objects/{name}} with their SHA-256 and size computed while streaming;
 *       {@link StagedWrite#commit} copies them to {@code {prefix}{name}} and writes {@code
 *       {prefix}manifest.json} last.
 *   <li>{@link #manifest(Prefix)} and {@link #listCommitted(Prefix)} see committed prefixes only.
 *   <li>{@link #open}, {@link #download} and {@link #verify} check every byte against the manifest
 *       and fail with {@link CorruptObjectException}.
 *   <li>{@link #sweepStaging(Duration)} removes what crashed writers left behind.
 * </ul>
 *
 * <p>Thread-safe; one instance per bucket is enough. Key and name rules: see {@link Prefix}.
 */
public final class ObjectStore {
  private static final System.Logger LOG = System.getLogger(ObjectStore.class.getName());

  /** The default part size of multipart uploads: 16 MiB. */
  public static final long DEFAULT_PART_SIZE = 16L << 20;

  /** The smallest part size S3 accepts (except for the last part): 5 MiB. */
  public static final long MIN_PART_SIZE = 5L << 20;

  /** The largest part size S3 accepts: 5 GiB. */
  public static final long MAX_PART_SIZE = 5L << 30;

  /** The most parts a multipart upload may have. */
  public static final int MAX_PARTS = 10_000;

  /** The largest object S3 stores: 5 TiB. */
  public static final long MAX_OBJECT_SIZE = 5L << 40;

  /** Manifests larger than this are refused when read: 64 MiB. */
  static final int MAX_MANIFEST_BYTES = 64 << 20;

  static final String DESCRIPTOR = "write.json";
  static final String OBJECTS = "objects/";

  final MinioClient client;
  private final String bucket;
  private final long partSize;

  /** Test hook: called at named points of a staged write ({@code staged}, {@code copied}). */
  interface FaultHook {
    void at(String point, StagedWrite write);
  }

  volatile FaultHook hook = (point, write) -> {};

  /** A store over {@code bucket}, uploading streams of unknown size in 16 MiB parts. */
  public ObjectStore(MinioClient client, String bucket) {
    this(client, bucket, DEFAULT_PART_SIZE);
  }

  /**
   * A store over {@code bucket}.
   *
   * @param partSize the part size of multipart uploads, 5 MiB to 5 GiB. A stream of unknown size is
   *     uploaded one part at a time (the client buffers one part in memory) and may be at most
   *     {@code partSize * 10,000} bytes.
   */
  public ObjectStore(MinioClient client, String bucket, long partSize) {
    this.client = Objects.requireNonNull(client, "client");
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("bucket must not be blank");
    }
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException(
          "partSize must be between 5 MiB and 5 GiB, not " + partSize + " bytes");
    }
    this.bucket = bucket;
    this.partSize = partSize;
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /** The part size of multipart uploads. */
  public long partSize() {
    return partSize;
  }

  // ---------------------------------------------------------------- writing

  /**
   * Opens a staged write for {@code prefix}. Nothing is written until the first {@code put}.
   * Versions are allocated elsewhere: one writer per prefix.
   */
  public StagedWrite stage(Prefix prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return new StagedWrite(this, prefix, UUID.randomUUID().toString().replace("-", ""));
  }

  // ---------------------------------------------------------------- reading

  /**
   * The manifest of {@code prefix}, if the prefix is committed. Staged and half-committed prefixes
   * have none.
   *
   * @throws ObjectStoreException if the manifest exists but is not valid
   */
  public Optional<Manifest> manifest(Prefix prefix) {
    ObjectKey key = prefix.manifestKey();
    Optional<byte[]> bytes = getSmall(key, MAX_MANIFEST_BYTES);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    Manifest manifest;
    try {
      manifest = Manifest.fromJson(bytes.get());
    } catch (IllegalArgumentException e) {
      throw new ObjectStoreException(
          "manifest " + uri(key) + " is not a valid manifest: " + e.getMessage(), e);
    }
    if (!manifest.prefix().equals(prefix.value())) {
      throw new ObjectStoreException(
          "manifest " + uri(key) + " names the prefix " + manifest.prefix() + ", not its own");
    }
    return Optional.of(manifest);
  }

  /**
   * The committed prefixes directly below {@code parent} (e.g. every {@code v{n}/} under {@code
   * datasets/card-fraud/}), in natural order ({@code v2} before {@code v10}). A child counts only
   * if it has a manifest.
   */
  public List<Manifest> listCommitted(Prefix parent) {
    List<Prefix> children = new ArrayList<>();
    for (Item item : list(parent.value(), false)) {
      if (!item.isDir()) {
        continue;
      }
      try {
        children.add(Prefix.of(item.objectName()));
      } catch (IllegalArgumentException e) {
        LOG.log(System.Logger.Level.DEBUG, "skipping {0}: {1}", item.objectName(), e.getMessage());
      }
    }
    children.sort((a, b) -> NaturalOrder.compare(a.value(), b.value()));
    List<Manifest> committed = new ArrayList<>();
    for (Prefix child : children) {
      manifest(child).ifPresent(committed::add);
    }
    return committed;
  }

  /**
   * Opens object {@code name} of a committed manifest. The stream checks the content while it is
   * read: more bytes than the manifest lists, or at the end of the stream a different size or
   * SHA-256, throw {@link CorruptObjectException}. Read to the end (or use {@link #download}) for
   * the check to happen.
   *
   * @throws IllegalArgumentException if the manifest lists no such object
   * @throws CorruptObjectException if the object is missing
   */
  public InputStream open(Manifest manifest, String name) throws IOException {
    Manifest.Entry entry = manifest.require(name);
    try {
      InputStream in =
          client.getObject(GetObjectArgs.builder().bucket(bucket).object(entry.key()).build());
      return new VerifyingInputStream(in, entry);
    } catch (ErrorResponseException e) {
      if (notFound(e)) {
        throw new CorruptObjectException(
            entry.key(), "object " + entry.key() + " is listed in its manifest but missing");
      }
      throw failure("get " + entry.key(), e);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw failure("get " + entry.key(), e);
    }
  }

  /** Reads a whole (small) object of a manifest, verified. */
  public byte[] readAllBytes(Manifest manifest, String name) throws IOException {
    try (InputStream in = open(manifest, name)) {
      return in.readAllBytes();
    }
  }

  /**
   * Downloads object {@code name} to {@code dir/name} (creating directories for a name with several
   * segments), verified: the file appears, atomically, only if size and SHA-256 match.
   *
   * @return the file
   * @throws CorruptObjectException if the object does not match its manifest; no file is left
   */
  public Path download(Manifest manifest, String name, Path dir) throws IOException {
    Manifest.Entry entry = manifest.require(name);
    Path base = dir.toAbsolutePath().normalize();
    Path target = base.resolve(entry.name()).normalize();
    if (!target.startsWith(base) || target.equals(base)) {
      throw new IllegalArgumentException("object name " + entry.name() + " escapes " + base);
    }
    Files.createDirectories(target.getParent());
    Path partial = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
    try {
      try (InputStream in = open(manifest, name)) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      try {
        Files.move(
            partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /**
   * Downloads every object of {@code manifest} into {@code dir} (created if missing), each verified
   * as {@link #download} does.
   *
   * @return {@code dir}
   * @throws CorruptObjectException if an object does not match its manifest
   */
  public Path downloadAll(Manifest manifest, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Manifest.Entry entry : manifest.objects()) {
      download(manifest, entry.name(), dir);
    }
    return dir;
  }

  /**
   * Reads every object of {@code manifest} and checks it.
   *
   * @throws CorruptObjectException naming every object that is missing or does not match
   */
  public void verify(Manifest manifest) throws IOException {
    List<String> problems = new ArrayList<>();
    byte[] buffer = new byte[1 << 16];
    for (Manifest.Entry entry : manifest.objects()) {
      try (InputStream in = open(manifest, entry.name())) {
        while (in.read(buffer) >= 0) {
          // the stream checks
        }
      } catch (CorruptObjectException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new CorruptObjectException(
          manifest.manifestKey().value(),
          problems.size()
              + " of "
              + manifest.objects().size()
              + " objects of "
              + manifest.prefix()
              + " do not match the manifest: "
              + String.join("; ", problems));
    }
  }

  /**
   * Opens an object that no manifest covers, e.g. a file in the {@code incoming/} drop zone. Its
   * content is not checked: treat it as untrusted input.
   *
   * @throws NoSuchFileException if there is no such object
   */
  public InputStream openUnverified(ObjectKey key) throws IOException {
    try {
      return client.getObject(GetObjectArgs.builder().bucket(bucket).object(key.value()).build());
    } catch (ErrorResponseException e) {
      if (notFound(e)) {
        throw new NoSuchFileException(uri(key));
      }
      throw failure("get " + key, e);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw failure("get " + key, e);
    }
  }

  // ---------------------------------------------------------------- addresses

  /** {@code s3://{bucket}/{key}}. */
  public String uri(ObjectKey key) {
    return "s3://" + bucket + "/" + key.value();
  }

  /** {@code s3://{bucket}/{prefix}manifest.json}: what events carry as the manifest URI. */
  public String manifestUri(Prefix prefix) {
    return uri(prefix.manifestKey());
  }

  /**
   * The key of an {@code s3://{bucket}/{key}} URI of this store's bucket.
   *
   * @throws IllegalArgumentException if the URI is not of this bucket or the key breaks a rule
   */
  public ObjectKey keyOf(String uri) {
    String start = "s3://" + bucket + "/";
    if (uri == null || !uri.startsWith(start)) {
      throw new IllegalArgumentException(
          "URI "
              + (uri == null ? "null" : Keys.quoted(uri))
              + " is refused: expected s3://"
              + bucket
              + "/{key}");
    }
    return ObjectKey.of(uri.substring(start.length()));
  }

  // ---------------------------------------------------------------- sweeping

  /**
   * Deletes everything under {@code prefix}: the manifests of committed writes within it first (so
   * a reader sees each one absent, never a manifest whose objects are gone), then the other
   * objects. Writes still staging into the prefix are not touched (their staging lies elsewhere;
   * {@link #sweepStaging} removes abandoned ones). Deleting an empty prefix does nothing.
   *
   * @return how many objects were deleted
   */
  public int deleteAll(Prefix prefix) {
    Objects.requireNonNull(prefix, "prefix");
    List<String> manifests = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (Item item : list(prefix.value(), true)) {
      String key = item.objectName();
      (key.endsWith("/" + Keys.MANIFEST) ? manifests : others).add(key);
    }
    return remove(manifests) + remove(others);
  }

  /**
   * Removes staged writes whose latest staging object is older than {@code olderThan}: the
   * leftovers of writers that crashed or never committed nor aborted. When the target prefix of
   * such a write has no manifest, the objects a crashed commit had already copied there are removed
   * too (only those the write staged, and only if older than the cutoff). Choose {@code olderThan}
   * well above the longest single upload (e.g. 24 hours): a live writer's staging is removed
   * otherwise, and its commit then fails.
   *
   * <p>Incomplete multipart uploads are invisible to listings and not touched here; MinIO expires
   * them after 24 hours by default ({@code api stale_uploads_expiry}), AWS S3 with a lifecycle
   * rule.
   */
  public SweepResult sweepStaging(Duration olderThan) {
    return sweep(null, olderThan);
  }

  /**
   * Like {@link #sweepStaging(Duration)}, for writes whose target prefix lies within {@code scope}.
   */
  public SweepResult sweepStaging(Prefix scope, Duration olderThan) {
    return sweep(Objects.requireNonNull(scope, "scope"), olderThan);
  }

  private SweepResult sweep(Prefix scope, Duration olderThan) {
    if (olderThan == null || olderThan.isNegative()) {
      throw new IllegalArgumentException("olderThan must be zero or positive");
    }
    Instant cutoff = Instant.now().minus(olderThan);
    Map<String, List<Item>> writes = new LinkedHashMap<>();
    for (Item item : list(Keys.STAGING_ROOT + "/", true)) {
      String rest = item.objectName().substring(Keys.STAGING_ROOT.length() + 1);
      int slash = rest.indexOf('/');
      if (slash > 0) {
        writes.computeIfAbsent(rest.substring(0, slash), k -> new ArrayList<>()).add(item);
      }
    }
    List<String> removed = new ArrayList<>();
    int stagingObjects = 0;
    int uncommitted = 0;
    for (Map.Entry<String, List<Item>> write : writes.entrySet()) {
      String writeId = write.getKey();
      List<Item> items = write.getValue();
      boolean active = items.stream().anyMatch(i -> instant(i.lastModified()).isAfter(cutoff));
      if (active) {
        continue;
      }
      String root = stagingRoot(writeId);
      Optional<Prefix> target = readDescriptorPrefix(root);
      if (scope != null && (target.isEmpty() || !target.get().isWithin(scope))) {
        continue;
      }
      if (target.isPresent() && !committed(target.get())) {
        List<String> finals = new ArrayList<>();
        for (Item item : items) {
          String name = item.objectName();
          if (name.startsWith(root + OBJECTS)) {
            ObjectKey finalKey = target.get().resolve(name.substring((root + OBJECTS).length()));
            Optional<StatObjectResponse> stat = stat(finalKey);
            if (stat.isPresent() && !instant(stat.get().lastModified()).isAfter(cutoff)) {
              finals.add(finalKey.value());
            }
          }
        }
        uncommitted += remove(finals);
      }
      List<String> keys = new ArrayList<>();
      String descriptor = root + DESCRIPTOR;
      items.stream().map(Item::objectName).filter(k -> !k.equals(descriptor)).forEach(keys::add);
      stagingObjects += remove(keys);
      if (items.stream().anyMatch(i -> i.objectName().equals(descriptor))) {
        stagingObjects += remove(List.of(descriptor));
      }
      removed.add(writeId);
      LOG.log(
          System.Logger.Level.INFO,
          "swept abandoned staged write {0} for {1}",
          writeId,
          target.map(Prefix::value).orElse("(unknown prefix)"));
    }
    return new SweepResult(removed, stagingObjects, uncommitted);
  }

  private boolean committed(Prefix prefix) {
    try {
      return manifest(prefix).isPresent();
    } catch (ObjectStoreException e) {
      return true; // a manifest is there, even if unreadable: do not touch the prefix
    }
  }

  private Optional<Prefix> readDescriptorPrefix(String root) {
    Optional<byte[]> bytes = getSmall(ObjectKey.trusted(root + DESCRIPTOR), 1 << 20);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Prefix.of(Json.readTree(bytes.get()).path("prefix").asText()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Instant instant(ZonedDateTime time) {
    return time == null ? Instant.EPOCH : time.toInstant();
  }

  // ---------------------------------------------------------------- primitives

  static String stagingRoot(String writeId) {
    return Keys.STAGING_ROOT + "/" + writeId + "/";
  }

  /** Uploads a stream; size -1 means unknown (multipart in {@link #partSize} parts). */
  void put(ObjectKey key, InputStream in, long size, String contentType) throws IOException {
    long part = size < 0 ? partSize : partSizeFor(size);
    try {
      client.putObject(
          PutObjectArgs.builder().bucket(bucket).object(key.value()).stream(in, size, part)
              .contentType(contentType)
              .build());
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw failure("put " + key, e);
    }
  }

  /**
   * Writes small bytes; with {@code ifAbsent}, conditionally ({@code If-None-Match: *}, honoured by
   * MinIO and AWS S3, ignored by S3Proxy).
   *
   * @return false if the condition failed (the object exists)
   */
  boolean putBytes(ObjectKey key, byte[] bytes, String contentType, boolean ifAbsent) {
    try {
      PutObjectArgs.Builder args =
          PutObjectArgs.builder().bucket(bucket).object(key.value()).stream(
                  new ByteArrayInputStream(bytes), bytes.length, -1)
              .contentType(contentType);
      if (ifAbsent) {
        args.extraHeaders(Map.of("If-None-Match", "*"));
      }
      client.putObject(args.build());
      return true;
    } catch (ErrorResponseException e) {
      if (ifAbsent && (e.response() != null && e.response().code() == 412)) {
        return false;
      }
      throw failure("put " + key, e);
    } catch (Exception e) {
      throw failure("put " + key, e);
    }
  }

  /**
   * Server-side copy. The MinIO client switches to a multipart copy (UploadPartCopy) above 5 GiB.
   * The content type is kept and the SHA-256 is added as user metadata ({@code x-amz-meta-sha256}).
   */
  void copy(ObjectKey source, ObjectKey target, String contentType, String sha256) {
    call(
        "copy " + source + " to " + target,
        () ->
            client.copyObject(
                CopyObjectArgs.builder()
                    .bucket(bucket)
                    .object(target.value())
                    .source(CopySource.builder().bucket(bucket).object(source.value()).build())
                    .metadataDirective(Directive.REPLACE)
                    .headers(Map.of("Content-Type", contentType))
                    .userMetadata(Map.of("sha256", sha256))
                    .build()));
  }

  Optional<StatObjectResponse> stat(ObjectKey key) {
    try {
      return Optional.of(
          client.statObject(StatObjectArgs.builder().bucket(bucket).object(key.value()).build()));
    } catch (ErrorResponseException e) {
      if (notFound(e)) {
        return Optional.empty();
      }
      throw failure("stat " + key, e);
    } catch (Exception e) {
      throw failure("stat " + key, e);
    }
  }

  Optional<byte[]> getSmall(ObjectKey key, int limit) {
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key.value()).build())) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw new ObjectStoreException(uri(key) + " is larger than " + limit + " bytes");
      }
      return Optional.of(bytes);
    } catch (ErrorResponseException e) {
      if (notFound(e)) {
        return Optional.empty();
      }
      throw failure("get " + key, e);
    } catch (ObjectStoreException e) {
      throw e;
    } catch (Exception e) {
      throw failure("get " + key, e);
    }
  }

  /** Lists keys (or, not recursive, keys and sub-prefixes) under {@code prefix}. */
  List<Item> list(String prefix, boolean recursive) {
    List<Item> items = new ArrayList<>();
    for (Result<Item> result :
        client.listObjects(
            ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(recursive).build())) {
      items.add(call("list " + prefix, result::get));
    }
    return items;
  }

  /** Deletes keys in batches; returns how many were deleted. */
  int remove(Collection<String> keys) {
    if (keys.isEmpty()) {
      return 0;
    }
    List<DeleteObject> objects = keys.stream().map(DeleteObject::new).toList();
    List<String> errors = new ArrayList<>();
    for (Result<DeleteError> result :
        client.removeObjects(RemoveObjectsArgs.builder().bucket(bucket).objects(objects).build())) {
      DeleteError error = call("delete", result::get);
      errors.add(error.objectName() + ": " + error.code() + " " + error.message());
    }
    if (!errors.isEmpty()) {
      throw new ObjectStoreException("could not delete " + String.join(", ", errors));
    }
    return keys.size();
  }

  /** The part size for an object of known size: the configured one, raised to fit 10,000 parts. */
  long partSizeFor(long size) {
    if (size > MAX_OBJECT_SIZE) {
      throw new IllegalArgumentException("objects are at most 5 TiB, not " + size + " bytes");
    }
    long needed = (size + MAX_PARTS - 1) / MAX_PARTS;
    long mib = 1L << 20;
    return Math.max(partSize, (needed + mib - 1) / mib * mib);
  }

  static boolean notFound(ErrorResponseException e) {
    String code = e.errorResponse() == null ? null : e.errorResponse().code();
    return "NoSuchKey".equals(code)
        || "NoSuchObject".equals(code)
        || (e.response() != null && e.response().code() == 404 && !"NoSuchBucket".equals(code));
  }

  interface Call<T> {
    T run() throws Exception;
  }

  <T> T call(String what, Call<T> call) {
    try {
      return call.run();
    } catch (ObjectStoreException | IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw failure(what, e);
    }
  }

  ObjectStoreException failure(String what, Exception e) {
    String detail =
        e instanceof ErrorResponseException ere && ere.errorResponse() != null
            ? ere.errorResponse().code() + ": " + ere.errorResponse().message()
            : e.toString();
    return new ObjectStoreException(what + " in bucket " + bucket + " failed: " + detail, e);
  }
}
