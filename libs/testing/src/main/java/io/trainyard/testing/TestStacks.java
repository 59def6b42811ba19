package io.trainyard.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Chooses the {@link TestStack} for this JVM. The system property {@code trainyard.test.stack} or
 * the environment variable {@code TRAINYARD_TEST_STACK} names it; the default is {@code local}.
 * Implementations register through {@link ServiceLoader}, so a Testcontainers stack can plug in
 * without touching any test.
 */
public final class TestStacks {
  public static final String PROPERTY = "trainyard.test.stack";
  public static final String ENV = "TRAINYARD_TEST_STACK";
  public static final String DEFAULT = "local";

  private static TestStack current;

  private TestStacks() {}

  /** The started stack, shared by every test of the JVM. */
  public static synchronized TestStack current() {
    if (current == null) {
      TestStack stack = byName(requestedName());
      stack.start();
      current = stack;
    }
    return current;
  }

  static String requestedName() {
    String name = System.getProperty(PROPERTY);
    if (name == null || name.isBlank()) {
      name = System.getenv(ENV);
    }
    return name == null || name.isBlank() ? DEFAULT : name.trim();
  }

  static TestStack byName(String name) {
    List<String> known = new ArrayList<>();
    for (TestStack stack : ServiceLoader.load(TestStack.class)) {
      if (stack.name().equals(name)) {
        return stack;
      }
      known.add(stack.name());
    }
    throw new IllegalStateException(
        "No test stack named '" + name + "' (" + PROPERTY + "); available: " + known);
  }
}
