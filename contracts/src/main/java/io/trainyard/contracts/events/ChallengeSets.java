package io.trainyard.contracts.events;

import java.util.regex.Pattern;

/**
 * Challenge-set names: a challenge set is a dataset version whose labeled rows are all in the test
 * split, which evaluation scores models on and training never reads. Its name is lower case
 * letters, digits and hyphens, starting with a letter or digit, at most 63 characters.
 */
public final class ChallengeSets {

  /** What a challenge-set name looks like. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private ChallengeSets() {}

  /** Whether {@code name} is a valid challenge-set name. */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * {@code name}, when it is a valid challenge-set name.
   *
   * @throws IllegalArgumentException naming the rule otherwise
   */
  public static String require(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          "challengeSet '"
              + name
              + "' is not a challenge-set name: lower case letters, digits and hyphens, starting"
              + " with a letter or digit, at most 63 characters");
    }
    return name;
  }
}
