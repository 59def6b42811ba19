package io.trainyard.system;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code ./trainyard} as a user does, with an environment of the test's own. */
final class TrainyardCli {
  static final Path ROOT = Path.of(System.getProperty("trainyard.root", "..")).normalize();

  private TrainyardCli() {}

  /** Exit code, standard output, and standard error (kept apart so JSON output parses). */
  record Result(int exitCode, String output, String errors) {
    String describe() {
      return "exit " + exitCode + "\n" + output + "\n" + errors;
    }
  }

  /**
   * An environment on ports and a state folder of its own: Kafka on {@code kafkaPort} (its
   * controller on the next port), S3 on {@code s3Port}, the services from {@code firstServicePort}
   * on, the database {@code database}, and state under {@code system-tests/target/<home>}. Keep the
   * ports below 32768: Linux hands out 32768-60999 as the local ports of outgoing connections, and
   * one of those once took a test's service port while the stack was starting.
   */
  static Map<String, String> environment(
      String home, int kafkaPort, int s3Port, int firstServicePort, String database) {
    Map<String, String> env = new HashMap<>();
    env.put(
        "TRAINYARD_HOME", ROOT.resolve("system-tests/target/" + home).toAbsolutePath().toString());
    env.put("TRAINYARD_KAFKA_PORT", Integer.toString(kafkaPort));
    env.put("TRAINYARD_KAFKA_CONTROLLER_PORT", Integer.toString(kafkaPort + 1));
    env.put("TRAINYARD_S3_PORT", Integer.toString(s3Port));
    env.put("TRAINYARD_PG_DATABASE", database);
    int port = firstServicePort;
    for (String service :
        List.of("console", "ingestion", "labeling", "training", "evaluation", "drift-monitor")) {
      env.put(
          io.trainyard.local.StackConfig.servicePortVariable(service), Integer.toString(port++));
    }
    return env;
  }

  static Result run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("trainyard").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("trainyard-", ".out");
    Path err = Files.createTempFile("trainyard-", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(ROOT.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("./trainyard " + String.join(" ", args) + " did not finish");
    }
    Result result =
        new Result(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    return result;
  }
}
