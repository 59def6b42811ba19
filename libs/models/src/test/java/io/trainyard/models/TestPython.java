package io.trainyard.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Python for the tests that check a model against PyTorch or XGBoost: {@code .ci/run}
 * installs the packages and sets {@code TRAINYARD_REQUIRE_TORCH}, without which a test is skipped
 * on a machine that lacks them.
 */
public final class TestPython {
  private TestPython() {}

  /** Debian's python3 when it has numpy and {@code module} (the pyenv python3 on PATH may not). */
  public static String with(String module, String debianPackage) throws Exception {
    for (String python : List.of("/usr/bin/python3", "python3")) {
      try {
        Process p =
            new ProcessBuilder(python, "-c", "import numpy, " + module)
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return python;
        }
      } catch (IOException absent) {
        // try the next one
      }
    }
    if (System.getenv("TRAINYARD_REQUIRE_TORCH") != null) {
      throw new AssertionError(
          "TRAINYARD_REQUIRE_TORCH is set but no python3 imports numpy and "
              + module
              + " (apt-get install "
              + debianPackage
              + ")");
    }
    assumeTrue(
        false,
        "no python3 with numpy and " + module + " here (apt-get install " + debianPackage + ")");
    return null;
  }

  /** Runs {@code python args...}, expects exit code 0, and returns its standard output's lines. */
  public static List<String> run(String python, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(python));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("exit code of " + command).isZero();
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
