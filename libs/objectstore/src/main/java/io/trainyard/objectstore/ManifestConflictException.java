package io.trainyard.objectstore;

/**
 * A commit was refused: the prefix already has a manifest with different content. Committed
 * prefixes are immutable; allocate a new version instead. A service usually answers 409.
 */
public class ManifestConflictException extends ObjectStoreException {
  private final transient Manifest existing;

  public ManifestConflictException(String message, Manifest existing) {
    super(message);
    this.existing = existing;
  }

  /** The manifest that is already committed (null when a conditional write lost a race). */
  public Manifest existing() {
    return existing;
  }
}
