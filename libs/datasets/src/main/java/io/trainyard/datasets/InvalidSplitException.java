package io.trainyard.datasets;

import java.io.IOException;

/**
 * A split file was read, but its content cannot be used as asked: a column is missing, a numeric
 * feature is not numeric or holds NaN or an infinity, a target value is missing. Unlike other
 * {@link IOException}s it does not go away on a retry: the reader should fail what it was doing
 * with {@link #getMessage()} as the reason.
 */
public final class InvalidSplitException extends IOException {

  private static final long serialVersionUID = 1L;

  InvalidSplitException(String message) {
    super(message);
  }
}
