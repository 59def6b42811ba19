package io.trainyard.objectstore;

/**
 * The object store failed or answered something unexpected (unreachable, access denied, a malformed
 * manifest). Unchecked: a service usually turns it into a 5xx or a retry.
 */
public class ObjectStoreException extends RuntimeException {
  public ObjectStoreException(String message) {
    super(message);
  }

  public ObjectStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
