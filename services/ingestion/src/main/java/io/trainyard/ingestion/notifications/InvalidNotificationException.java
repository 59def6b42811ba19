package io.trainyard.ingestion.notifications;

/** A bucket notification that is not JSON or not in the S3 event format; the message says why. */
public final class InvalidNotificationException extends Exception {

  public InvalidNotificationException(String message) {
    super(message);
  }

  public InvalidNotificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
