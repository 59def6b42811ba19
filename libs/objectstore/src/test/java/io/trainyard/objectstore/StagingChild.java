package io.trainyard.objectstore;

import io.minio.MinioClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A writer that gets killed: run in a child JVM by {@link CrashIT}. It stages a few objects, then
 * announces where it is and hangs there until the parent kills it.
 *
 * <p>Arguments: endpoint, access key, secret key, bucket, prefix, mode. Modes:
 *
 * <ul>
 *   <li>{@code mid-write}: hangs in the middle of a multipart upload of unknown length;
 *   <li>{@code before-manifest}: commits, and hangs after the objects were copied to their final
 *       keys but before the manifest is written.
 * </ul>
 */
public final class StagingChild {
  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  private StagingChild() {}

  public static void main(String[] args) throws Exception {
    String mode = args[5];
    MinioClient client = TestS3.client(args[0], args[1], args[2]);
    // announce the id of any multipart upload, so that the parent can abort the one it kills
    client.traceOn(new UploadIdScanner());
    ObjectStore store = new ObjectStore(client, args[3], ObjectStore.MIN_PART_SIZE);
    StagedWrite write = store.stage(Prefix.of(args[4]));
    OUT.println("WRITE " + write.id());
    write.put("a.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), "application/json");
    write.put("dir/b.bin", new SeededStream(11, 1 << 20), "application/octet-stream");
    OUT.println("STAGED");
    switch (mode) {
      case "mid-write" -> write.put("big.bin", new HangingStream(12L << 20), null);
      case "before-manifest" -> {
        store.hook =
            (point, w) -> {
              if (point.equals("copied")) {
                OUT.println("COPIED");
                hang();
              }
            };
        write.commit(Map.of("mode", mode));
      }
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
    OUT.println("UNEXPECTED END");
  }

  static void hang() {
    while (true) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        // keep hanging: only a kill ends this process
      }
    }
  }

  /** Reads the client's HTTP trace and prints {@code UPLOAD <id>} for each multipart upload. */
  static final class UploadIdScanner extends OutputStream {
    private static final Pattern UPLOAD_ID = Pattern.compile("<UploadId>([^<]+)</UploadId>");
    private final StringBuilder text = new StringBuilder();

    @Override
    public void write(int b) {
      text.append((char) b);
      if (b == '\n') {
        Matcher m = UPLOAD_ID.matcher(text);
        if (m.find()) {
          OUT.println("UPLOAD " + m.group(1));
        }
        text.setLength(0);
      }
    }
  }

  /** Endless seeded bytes that stop flowing (and say so) after {@code hangAfter} bytes. */
  static final class HangingStream extends InputStream {
    private final SeededStream bytes = new SeededStream(12, Long.MAX_VALUE);
    private final long hangAfter;
    private long position;

    HangingStream(long hangAfter) {
      this.hangAfter = hangAfter;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position >= hangAfter) {
        OUT.println("STREAMING " + position);
        hang();
      }
      int n = bytes.read(buffer, offset, (int) Math.min(length, hangAfter - position));
      position += n;
      return n;
    }
  }
}
