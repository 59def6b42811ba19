package io.trainyard.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Staged writes, commits and verified reads against the real S3 server of the test stack. */
class StagedWriteIT {
  private static MinioClient client;
  private static ObjectStore store;
  private static Prefix root;

  @BeforeAll
  static void connect() throws Exception {
    client = TestS3.client();
    TestS3.ensureBucket(client);
    store = new ObjectStore(client, TestS3.bucket());
    root = TestS3.uniqueRoot("staged-write");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (client != null) {
      TestS3.deleteUnder(client, root.value());
      client.close();
    }
  }

  private static List<String> staging(StagedWrite write) throws Exception {
    return TestS3.keysUnder(client, ObjectStore.stagingRoot(write.id()));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ (2) traversal is refused

  static Stream<Arguments> hostileNames() {
    return KeyRulesTest.hostileNames();
  }

  @ParameterizedTest
  @MethodSource("hostileNames")
  void hostileNamesAreRefusedAndNothingIsWritten(String name, String reason) throws Exception {
    Prefix hostileRoot = TestS3.uniqueRoot("hostile");
    Prefix prefix = hostileRoot.child("datasets").child("v1");
    try (StagedWrite write = store.stage(prefix)) {
      assertThatThrownBy(() -> write.put(name, utf8("payload"), "text/plain"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is refused")
          .hasMessageContaining(reason);
      assertThatThrownBy(
              () -> write.put(name, new ByteArrayInputStream(utf8("payload")), "text/plain"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(write.staged()).isEmpty();
      assertThat(staging(write)).isEmpty();
    }
    // nothing under the prefix, and nothing escaped next to or above it
    assertThat(TestS3.keysUnder(client, hostileRoot.value())).isEmpty();
  }

  @Test
  void reservedAndDuplicateNamesAreRefused() throws Exception {
    try (StagedWrite write = store.stage(root.child("reserved").child("v1"))) {
      assertThatThrownBy(() -> write.put("manifest.json", utf8("{}"), "application/json"))
          .hasMessageContaining("reserved");
      assertThatThrownBy(() -> write.put("sub/manifest.json", utf8("{}"), "application/json"))
          .hasMessageContaining("reserved");
      write.put("a", utf8("x"), null);
      assertThatThrownBy(() -> write.put("a", utf8("y"), null))
          .hasMessageContaining("already staged");
      assertThatThrownBy(() -> write.put("a/b", utf8("y"), null)).hasMessageContaining("conflicts");
      assertThatThrownBy(() -> write.put("b", utf8("y"), "text/plain\r\nX-Evil: 1"))
          .hasMessageContaining("content type");
    }
  }

  @Test
  void deleteAllRemovesEveryCommittedWriteUnderAPrefixAndNothingBesideIt() throws Exception {
    Prefix parent = root.child("delete-all").child("checkpoints");
    for (int k = 1; k <= 3; k++) {
      try (StagedWrite write = store.stage(parent.child("epoch-" + k))) {
        write.put("state.bin", utf8("epoch " + k), null);
        write.put("nested/extra", utf8("x"), null);
        write.commit(java.util.Map.of("epoch", k));
      }
    }
    Prefix beside = root.child("delete-all").child("checkpoints-kept");
    try (StagedWrite write = store.stage(beside)) {
      write.put("state.bin", utf8("kept"), null);
      write.commit(java.util.Map.of());
    }
    assertThat(store.listCommitted(parent)).hasSize(3);

    // 3 manifests and 6 objects
    assertThat(store.deleteAll(parent)).isEqualTo(9);

    assertThat(store.listCommitted(parent)).isEmpty();
    assertThat(TestS3.keysUnder(client, parent.value())).isEmpty();
    assertThat(store.manifest(beside)).isPresent();
    assertThat(store.readAllBytes(store.manifest(beside).orElseThrow(), "state.bin"))
        .isEqualTo(utf8("kept"));
    assertThat(store.deleteAll(parent)).isZero();
  }

  // ------------------------------------------------------------------ (3) 100 MB round trip

  @Test
  void hundredMegabytesRoundTripMultipartWithTheirHash() throws Exception {
    long size = 100L << 20;
    long seed = 20260301L;
    String expected = SeededStream.sha256(seed, size);
    Prefix prefix = root.child("big").child("v1");

    long t0 = System.nanoTime();
    Manifest.Entry entry;
    Manifest manifest;
    ByteArrayOutputStream trace = new ByteArrayOutputStream();
    try (StagedWrite write = store.stage(prefix)) {
      client.traceOn(trace); // the HTTP requests, to see that the upload really is multipart
      try {
        entry = write.put("big.bin", new SeededStream(seed, size), "application/octet-stream");
      } finally {
        client.traceOff();
      }
      long t1 = System.nanoTime();
      manifest = write.commit(Map.of("seed", seed));
      long t2 = System.nanoTime();
      report("put (unknown length, multipart 16 MiB parts)", size, t1 - t0);
      report("commit (server-side copy + manifest)", size, t2 - t1);
    }
    String requests = trace.toString(StandardCharsets.UTF_8);
    assertThat(requests).contains("big.bin?uploads=");
    assertThat(requests.lines().filter(l -> l.startsWith("PUT ") && l.contains("&partNumber=")))
        .hasSize(7); // 100 MiB in 16 MiB parts
    assertThat(entry.size()).isEqualTo(size);
    assertThat(entry.sha256()).isEqualTo(expected);
    assertThat(manifest.require("big.bin").sha256()).isEqualTo(expected);
    assertThat(store.manifest(prefix)).contains(manifest);

    long t3 = System.nanoTime();
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    long read = 0;
    try (InputStream in = new DigestInputStream(store.open(manifest, "big.bin"), digest)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        read += n;
      }
    }
    long t4 = System.nanoTime();
    report("get (verified while reading)", size, t4 - t3);
    assertThat(read).isEqualTo(size);
    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(expected);

    StatObjectResponse stat =
        client.statObject(
            StatObjectArgs.builder().bucket(TestS3.bucket()).object(entry.key()).build());
    assertThat(stat.size()).isEqualTo(size);
    assertThat(stat.contentType()).isEqualTo("application/octet-stream");
    TestS3.deleteUnder(client, prefix.value());
  }

  private static void report(String what, long bytes, long nanos) {
    double seconds = nanos / 1e9;
    System.out.printf(
        "[objectstore] 100 MiB %s: %.2f s, %.1f MiB/s%n",
        what, seconds, bytes / (1024.0 * 1024.0) / seconds);
  }

  // ------------------------------------------------------------------ (4) corruption is detected

  @Test
  void aCorruptedObjectIsDetectedOnRead(@TempDir Path dir) throws Exception {
    Prefix prefix = root.child("corrupt").child("v1");
    byte[] data = SeededStream.bytes(7, 1 << 20);
    Manifest manifest;
    try (StagedWrite write = store.stage(prefix)) {
      write.put("data.bin", data, "application/octet-stream");
      write.put("notes/readme.txt", utf8("intact"), "text/plain");
      manifest = write.commit();
    }
    assertThat(store.readAllBytes(manifest, "data.bin")).isEqualTo(data);
    store.verify(manifest);

    // flip one byte, same length: only the hash can tell
    byte[] flipped = data.clone();
    flipped[123_456] ^= 0x01;
    overwrite(prefix.resolve("data.bin"), flipped);

    assertThatThrownBy(() -> store.readAllBytes(manifest, "data.bin"))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("SHA-256")
        .hasMessageContaining(manifest.require("data.bin").sha256());
    assertThatThrownBy(() -> store.download(manifest, "data.bin", dir))
        .isInstanceOf(CorruptObjectException.class);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no file, no partial file").isEmpty();
    }
    assertThatThrownBy(() -> store.verify(manifest))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("1 of 2 objects")
        .hasMessageContaining("data.bin")
        .hasMessageNotContaining("readme.txt");
    // the intact object still downloads, into its sub-directory
    Path readme = store.download(manifest, "notes/readme.txt", dir);
    assertThat(readme).isEqualTo(dir.resolve("notes/readme.txt"));
    assertThat(Files.readString(readme)).isEqualTo("intact");

    // longer than listed: fails as soon as the extra bytes arrive
    byte[] longer = new byte[data.length + 10];
    System.arraycopy(data, 0, longer, 0, data.length);
    overwrite(prefix.resolve("data.bin"), longer);
    assertThatThrownBy(() -> store.readAllBytes(manifest, "data.bin"))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("longer than");

    // truncated
    overwrite(prefix.resolve("data.bin"), java.util.Arrays.copyOf(data, 1000));
    assertThatThrownBy(() -> store.readAllBytes(manifest, "data.bin"))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("has 1000 bytes");

    // missing
    client.removeObject(
        RemoveObjectArgs.builder()
            .bucket(TestS3.bucket())
            .object(prefix.resolve("data.bin").value())
            .build());
    assertThatThrownBy(() -> store.open(manifest, "data.bin"))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("missing");
  }

  private static void overwrite(ObjectKey key, byte[] bytes) throws Exception {
    client.putObject(
        PutObjectArgs.builder().bucket(TestS3.bucket()).object(key.value()).stream(
                new ByteArrayInputStream(bytes), bytes.length, -1)
            .build());
  }

  // ------------------------------------------------------------------ (5) idempotent commit

  @Test
  void commitIsIdempotentForIdenticalContentAndRefusesOtherContent() throws Exception {
    Prefix prefix = root.child("idempotent").child("v1");
    Map<String, Object> metadata = Map.of("rows", 3, "schema", List.of("a", "b"));

    Manifest first;
    try (StagedWrite write = store.stage(prefix)) {
      write.put("a.csv", utf8("a\n1\n"), "text/csv");
      write.put("b.csv", new ByteArrayInputStream(utf8("b\n2\n")), "text/csv");
      first = write.commit(metadata);
      assertThat(write.commit(metadata)).isSameAs(first);
      assertThat(staging(write)).isEmpty();
    }

    // a retry by another writer with the same content: the existing manifest, nothing rewritten
    StagedWrite retry = store.stage(prefix);
    retry.put("b.csv", utf8("b\n2\n"), "text/csv");
    retry.put("a.csv", utf8("a\n1\n"), "text/csv");
    Manifest again = retry.commit(Map.of("schema", List.of("a", "b"), "rows", 3L));
    assertThat(again).isEqualTo(first);
    assertThat(again.committedAt()).isEqualTo(first.committedAt());
    assertThat(staging(retry)).isEmpty();

    // other content: refused, the committed version untouched, the staging removed
    StagedWrite other = store.stage(prefix);
    other.put("a.csv", utf8("a\n1\n"), "text/csv");
    other.put("b.csv", utf8("b\n999\n"), "text/csv");
    assertThatThrownBy(() -> other.commit(metadata))
        .isInstanceOf(ManifestConflictException.class)
        .hasMessageContaining("immutable")
        .hasMessageContaining("other objects")
        .satisfies(e -> assertThat(((ManifestConflictException) e).existing()).isEqualTo(first));
    assertThat(other.isOpen()).isFalse();
    assertThat(staging(other)).isEmpty();
    assertThat(store.manifest(prefix)).contains(first);
    assertThat(store.readAllBytes(first, "b.csv")).isEqualTo(utf8("b\n2\n"));
    store.verify(first);

    // same objects, other metadata: refused too
    StagedWrite relabelled = store.stage(prefix);
    relabelled.put("a.csv", utf8("a\n1\n"), "text/csv");
    relabelled.put("b.csv", utf8("b\n2\n"), "text/csv");
    assertThatThrownBy(() -> relabelled.commit(Map.of("rows", 4)))
        .isInstanceOf(ManifestConflictException.class)
        .hasMessageContaining("other metadata");
    assertThat(TestS3.keysUnder(client, prefix.value()))
        .containsExactlyInAnyOrder(
            prefix.value() + "a.csv", prefix.value() + "b.csv", prefix.value() + "manifest.json");
  }

  // ------------------------------------------------------------------ (6) abort leaves nothing

  @Test
  void abortLeavesNothing() throws Exception {
    Prefix prefix = root.child("aborted").child("v1");
    StagedWrite write = store.stage(prefix);
    write.put("a.bin", SeededStream.bytes(1, 1000), null);
    write.put("b/c.bin", new SeededStream(2, 6L << 20), "application/octet-stream");
    Path file = Files.createTempFile("objectstore", ".bin");
    try {
      Files.write(file, SeededStream.bytes(3, 4096));
      write.put("d.bin", file, null);
    } finally {
      Files.delete(file);
    }
    assertThat(staging(write)).hasSize(4); // descriptor + 3 objects
    write.abort();
    write.abort(); // idempotent

    assertThat(staging(write)).isEmpty();
    assertThat(TestS3.keysUnder(client, prefix.value())).isEmpty();
    assertThat(store.manifest(prefix)).isEmpty();
    assertThatThrownBy(() -> write.put("e.bin", utf8("x"), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("aborted");
    assertThatThrownBy(write::commit).isInstanceOf(IllegalStateException.class);

    // close() without commit aborts as well
    String id;
    try (StagedWrite closed = store.stage(prefix)) {
      closed.put("a.bin", utf8("x"), null);
      id = closed.id();
    }
    assertThat(TestS3.keysUnder(client, ObjectStore.stagingRoot(id))).isEmpty();
    assertThat(TestS3.keysUnder(client, prefix.value())).isEmpty();
  }

  // ------------------------------------------------------------------ readers see commits only

  @Test
  void listCommittedSeesOnlyManifestsInVersionOrder() throws Exception {
    Prefix parent = root.child("versions");
    for (int v : new int[] {10, 1, 2}) {
      try (StagedWrite write = store.stage(parent.child("v" + v))) {
        write.put("model.bin", utf8("weights " + v), null);
        write.put("signature.json", utf8("{\"v\":" + v + "}"), "application/json");
        write.commit(Map.of("version", v));
      }
    }
    try (StagedWrite pending = store.stage(parent.child("v3"))) {
      pending.put("model.bin", utf8("not yet"), null);
      List<Manifest> committed = store.listCommitted(parent);
      assertThat(committed)
          .extracting(m -> Layout.versionOf(m.location()))
          .containsExactly(1, 2, 10);
      assertThat(store.manifest(parent.child("v3"))).isEmpty();
      Manifest v2 = committed.get(1);
      assertThat(v2.objects())
          .extracting(Manifest.Entry::name)
          .containsExactly("model.bin", "signature.json");
      assertThat(v2.metadata().path("version").asInt()).isEqualTo(2);
      assertThat(store.readAllBytes(v2, "model.bin")).isEqualTo(utf8("weights 2"));
      assertThat(store.manifestUri(v2.location()))
          .isEqualTo("s3://" + TestS3.bucket() + "/" + parent.value() + "v2/manifest.json");
      assertThat(store.keyOf(store.uri(v2.require("model.bin").objectKey())))
          .isEqualTo(v2.require("model.bin").objectKey());
      // the final objects carry their SHA-256 as user metadata
      StatObjectResponse stat =
          client.statObject(
              StatObjectArgs.builder()
                  .bucket(TestS3.bucket())
                  .object(v2.require("signature.json").key())
                  .build());
      assertThat(stat.contentType()).isEqualTo("application/json");
      assertThat(stat.userMetadata())
          .containsEntry("sha256", v2.require("signature.json").sha256());
    }
    assertThat(store.listCommitted(parent)).hasSize(3);
  }

  @Test
  void anEmptyWriteCommitsAnEmptyManifest() {
    Prefix prefix = root.child("empty").child("v1");
    try (StagedWrite write = store.stage(prefix)) {
      Manifest manifest = write.commit(Map.of("note", "no files"));
      assertThat(manifest.objects()).isEmpty();
      assertThat(store.manifest(prefix)).contains(manifest);
    }
  }
}
