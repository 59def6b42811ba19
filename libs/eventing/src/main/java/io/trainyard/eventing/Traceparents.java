package io.trainyard.eventing;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * W3C Trace Context {@code traceparent} values ({@code 00-<trace id>-<parent id>-<flags>}), for
 * events that start a chain without one: every event then carries a trace id that its children
 * inherit.
 */
public final class Traceparents {

  private static final Pattern VALID =
      Pattern.compile("^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private Traceparents() {}

  /** A new, sampled trace context: version 00, random trace and parent ids, flags 01. */
  public static String generate() {
    return "00-" + randomHex(16) + "-" + randomHex(8) + "-01";
  }

  /**
   * Whether {@code traceparent} is well formed: version other than {@code ff}, and neither id all
   * zeros (the W3C rules a receiver applies before it trusts one).
   */
  public static boolean isValid(String traceparent) {
    if (traceparent == null || !VALID.matcher(traceparent).matches()) {
      return false;
    }
    String[] parts = traceparent.split("-");
    return !parts[0].equals("ff")
        && !parts[1].chars().allMatch(c -> c == '0')
        && !parts[2].chars().allMatch(c -> c == '0');
  }

  private static String randomHex(int bytes) {
    byte[] value = new byte[bytes];
    do {
      RANDOM.nextBytes(value);
    } while (allZero(value));
    return HEX.formatHex(value);
  }

  private static boolean allZero(byte[] value) {
    for (byte b : value) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
