package io.trainyard.contracts;

import java.util.regex.Pattern;

/** What every service's command endpoints accept (train, retrain, move an alias, ...). */
public final class Commands {

  /** An {@code Idempotency-Key} header: printable ASCII without spaces, 1 to 200 characters. */
  public static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");

  /** The longest {@code reason} (or note) a command takes, in characters. */
  public static final int MAX_REASON = 1000;

  private Commands() {}
}
