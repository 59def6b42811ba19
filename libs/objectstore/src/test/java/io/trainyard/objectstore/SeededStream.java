package io.trainyard.objectstore;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * {@code size} pseudo-random bytes from a seed, generated on the fly (8 bytes per step), so large
 * test objects are never held in memory and can be regenerated for an independent hash.
 */
final class SeededStream extends InputStream {
  private final SplittableRandom random;
  private final long size;
  private long position;
  private long word;
  private int wordBytes;

  SeededStream(long seed, long size) {
    this.random = new SplittableRandom(seed);
    this.size = size;
  }

  @Override
  public int read() {
    if (position >= size) {
      return -1;
    }
    position++;
    return next() & 0xFF;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) {
    if (length == 0) {
      return 0;
    }
    if (position >= size) {
      return -1;
    }
    int n = (int) Math.min(length, size - position);
    for (int i = 0; i < n; i++) {
      buffer[offset + i] = next();
    }
    position += n;
    return n;
  }

  private byte next() {
    if (wordBytes == 0) {
      word = random.nextLong();
      wordBytes = 8;
    }
    byte b = (byte) word;
    word >>>= 8;
    wordBytes--;
    return b;
  }

  /** The SHA-256 of the stream, computed independently of the object store. */
  static String sha256(long seed, long size) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1 << 16];
    try (SeededStream in = new SeededStream(seed, size)) {
      int n;
      while ((n = in.read(buffer, 0, buffer.length)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static byte[] bytes(long seed, int size) {
    byte[] out = new byte[size];
    new SeededStream(seed, size).read(out, 0, size);
    return out;
  }
}
