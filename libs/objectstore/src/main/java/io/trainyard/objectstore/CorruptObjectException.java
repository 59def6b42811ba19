package io.trainyard.objectstore;

import java.io.IOException;

/**
 * An object does not match its manifest: its SHA-256 or size differ, or it is missing. Thrown by
 * the streams of {@link ObjectStore#open} at end of stream (or as soon as more bytes arrive than
 * the manifest lists), and by {@link ObjectStore#download} and {@link ObjectStore#verify}.
 */
public class CorruptObjectException extends IOException {
  private final String key;

  public CorruptObjectException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The key of the corrupt object (or of the manifest, when several objects are). */
  public String key() {
    return key;
  }
}
