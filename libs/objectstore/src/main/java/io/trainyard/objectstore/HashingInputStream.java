package io.trainyard.objectstore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts and hashes (SHA-256) every byte that passes through. {@code skip} reads, so skipped bytes
 * are hashed too; mark/reset is not supported.
 */
class HashingInputStream extends FilterInputStream {
  private final MessageDigest digest;
  private long count;

  HashingInputStream(InputStream in) {
    super(in);
    this.digest = sha256();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      atEnd();
    } else {
      digest.update((byte) b);
      count++;
      afterRead();
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n < 0) {
      atEnd();
    } else if (n > 0) {
      digest.update(buffer, offset, n);
      count += n;
      afterRead();
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset is not supported");
  }

  /** Called after bytes were counted. */
  void afterRead() throws IOException {}

  /** Called when the underlying stream reports its end. */
  void atEnd() throws IOException {}

  /** The bytes read so far. */
  long count() {
    return count;
  }

  /** The SHA-256 of the bytes read, as 64 lowercase hex digits; call once, at the end. */
  String sha256Hex() {
    return HexFormat.of().formatHex(digest.digest());
  }
}
