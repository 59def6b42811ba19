package io.trainyard.objectstore;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one object of a manifest and checks it: more bytes than listed fail at once; at the end of
 * the stream, a short object or a different SHA-256 fails with {@link CorruptObjectException}.
 * Closing before the end skips the check.
 */
final class VerifyingInputStream extends HashingInputStream {
  private final Manifest.Entry entry;
  private CorruptObjectException failure;
  private boolean checked;

  VerifyingInputStream(InputStream in, Manifest.Entry entry) {
    super(in);
    this.entry = entry;
  }

  @Override
  void afterRead() throws IOException {
    if (count() > entry.size()) {
      throw fail(
          "object "
              + entry.key()
              + " is longer than the "
              + entry.size()
              + " bytes its manifest lists");
    }
  }

  @Override
  void atEnd() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (checked) {
      return;
    }
    checked = true;
    if (count() != entry.size()) {
      throw fail(
          "object "
              + entry.key()
              + " has "
              + count()
              + " bytes; its manifest lists "
              + entry.size());
    }
    String actual = sha256Hex();
    if (!actual.equals(entry.sha256())) {
      throw fail(
          "object "
              + entry.key()
              + " has SHA-256 "
              + actual
              + "; its manifest lists "
              + entry.sha256());
    }
  }

  private CorruptObjectException fail(String message) {
    failure = new CorruptObjectException(entry.key(), message);
    return failure;
  }

  @Override
  public int read() throws IOException {
    if (failure != null) {
      throw failure;
    }
    return super.read();
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (failure != null) {
      throw failure;
    }
    return super.read(buffer, offset, length);
  }
}
