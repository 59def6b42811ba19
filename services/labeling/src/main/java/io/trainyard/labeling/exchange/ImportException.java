package io.trainyard.labeling.exchange;

import java.util.List;

/**
 * An import that was refused as a whole: every problem found in the input, each naming the record
 * (a CSV line, a JSON task and annotation) and the field, e.g. {@code line 3: label 'eggs' is not
 * one of [ham, spam]}. Nothing of an input with a problem is imported.
 */
public class ImportException extends RuntimeException {

  /** The most problems the message lists; {@link #problems()} has them all. */
  static final int MESSAGE_PROBLEMS = 20;

  private final List<String> problems;

  public ImportException(List<String> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in input order; never empty. */
  public List<String> problems() {
    return problems;
  }

  private static String message(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an ImportException needs at least one problem");
    }
    StringBuilder out =
        new StringBuilder(problems.size() == 1 ? "1 problem" : problems.size() + " problems");
    out.append(", nothing imported: ");
    int shown = Math.min(problems.size(), MESSAGE_PROBLEMS);
    out.append(String.join("; ", problems.subList(0, shown)));
    if (shown < problems.size()) {
      out.append("; and ").append(problems.size() - shown).append(" more");
    }
    return out.toString();
  }
}
