package io.trainyard.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.trainyard.testing.TestStack;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * (1) A writer killed before its manifest leaves nothing visible: the writer runs in a child JVM
 * ({@link StagingChild}) and is killed with {@code destroyForcibly()}.
 */
class CrashIT {
  private static MinioClient client;
  private static ObjectStore store;
  private static Prefix root;

  @BeforeAll
  static void connect() throws Exception {
    client = TestS3.client();
    TestS3.ensureBucket(client);
    store = new ObjectStore(client, TestS3.bucket());
    root = TestS3.uniqueRoot("crash");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (client != null) {
      TestS3.deleteUnder(client, root.value());
      client.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mid-write", "before-manifest"})
  void aKilledWriterLeavesNothingVisible(String mode) throws Exception {
    Prefix parent = root.child(mode);
    Prefix prefix = parent.child("v1");
    TestStack stack = TestS3.stack();
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                StagingChild.class.getName(),
                stack.s3Endpoint(),
                stack.s3AccessKey(),
                stack.s3SecretKey(),
                stack.bucket(),
                prefix.value(),
                mode)
            .redirectErrorStream(true)
            .start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    String writeId;
    try {
      String awaited = mode.equals("mid-write") ? "STREAMING" : "COPIED";
      writeId = awaitKillPoint(child, awaited, output);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(output).noneMatch(line -> line.contains("UNEXPECTED END"));
    String staging = ObjectStore.stagingRoot(writeId);
    List<String> uploads =
        output.stream().filter(l -> l.startsWith("UPLOAD ")).map(l -> l.substring(7)).toList();
    try {
      if (mode.equals("mid-write")) {
        // killed inside a multipart upload: big.bin had parts on the server, but no object
        assertThat(uploads).hasSize(1);
        assertThat(TestS3.keysUnder(client, staging)).doesNotContain(staging + "objects/big.bin");
      }
      assertNothingVisibleAndSwept(mode, parent, prefix, writeId, staging);
    } finally {
      // Incomplete multipart uploads are invisible to listings, and S3Proxy cannot list them
      // (MinIO expires them itself): abort the one this test left, by its id.
      for (String uploadId : uploads) {
        try (MinioAsyncClient admin = TestS3.asyncClient()) {
          admin
              .abortMultipartUploadAsync(
                  TestS3.bucket(), null, staging + "objects/big.bin", uploadId, null, null)
              .get(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  private void assertNothingVisibleAndSwept(
      String mode, Prefix parent, Prefix prefix, String writeId, String staging) throws Exception {
    // the crash left staging objects behind ...
    assertThat(TestS3.keysUnder(client, staging))
        .contains(
            staging + "write.json", staging + "objects/a.json", staging + "objects/dir/b.bin");
    if (mode.equals("before-manifest")) {
      // ... and, in the worst case, copies under the prefix without a manifest
      assertThat(TestS3.keysUnder(client, prefix.value()))
          .containsExactlyInAnyOrder(prefix.value() + "a.json", prefix.value() + "dir/b.bin");
    } else {
      assertThat(TestS3.keysUnder(client, prefix.value())).isEmpty();
    }

    // ... none of which a reader sees
    assertThat(store.manifest(prefix)).isEmpty();
    assertThat(store.listCommitted(parent)).isEmpty();

    // a young write is left alone; an abandoned one is swept, with its uncommitted copies
    assertThat(store.sweepStaging(root, Duration.ofHours(1)).writeIds()).doesNotContain(writeId);
    Thread.sleep(1100); // S3 timestamps have whole seconds
    SweepResult swept = store.sweepStaging(root, Duration.ZERO);
    assertThat(swept.writeIds()).containsExactly(writeId);
    assertThat(swept.stagingObjects()).isEqualTo(3);
    assertThat(swept.uncommittedObjects()).isEqualTo(mode.equals("before-manifest") ? 2 : 0);
    assertThat(TestS3.keysUnder(client, staging)).isEmpty();
    assertThat(TestS3.keysUnder(client, prefix.value())).isEmpty();

    // and the version can still be written afterwards
    try (StagedWrite write = store.stage(prefix)) {
      write.put("a.json", "{\"a\":2}".getBytes(StandardCharsets.UTF_8), "application/json");
      write.commit();
    }
    assertThat(store.listCommitted(parent)).hasSize(1);
  }

  /** Reads the child's output until {@code awaited}; returns the write id it announced. */
  private static String awaitKillPoint(Process child, String awaited, List<String> output)
      throws Exception {
    String[] writeId = new String[1];
    boolean[] reached = new boolean[1];
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  output.add(line);
                  if (line.startsWith("WRITE ")) {
                    writeId[0] = line.substring(6).trim();
                  }
                  if (line.startsWith(awaited)) {
                    synchronized (reached) {
                      reached[0] = true;
                      reached.notifyAll();
                    }
                  }
                }
              } catch (java.io.IOException e) {
                // the child was killed
              }
            },
            "staging-child-output");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    synchronized (reached) {
      while (!reached[0] && child.isAlive() && System.nanoTime() < deadline) {
        reached.wait(200);
      }
    }
    assertThat(reached[0]).as("child reached %s; output: %s", awaited, output).isTrue();
    assertThat(writeId[0]).as("write id").matches("[0-9a-f]{32}");
    return writeId[0];
  }
}
