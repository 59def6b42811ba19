package io.trainyard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.local.ComponentStatus.Health;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LocalStack without Kafka or S3: configuration of services, pid files, status, detaching. */
class LocalStackTest {

  @TempDir Path home;

  /** A configuration whose every port is free (nothing answers), so nothing is started. */
  private StackConfig quietConfig() throws IOException {
    int[] ports = freePorts(10);
    return StackConfig.fromEnvironment(
        Map.ofEntries(
            Map.entry("TRAINYARD_HOME", home.toString()),
            Map.entry("TRAINYARD_KAFKA_PORT", Integer.toString(ports[0])),
            Map.entry("TRAINYARD_KAFKA_CONTROLLER_PORT", Integer.toString(ports[1])),
            Map.entry("TRAINYARD_S3_PORT", Integer.toString(ports[2])),
            Map.entry("TRAINYARD_PG_PORT", Integer.toString(ports[3])),
            Map.entry("TRAINYARD_CONSOLE_PORT", Integer.toString(ports[4])),
            Map.entry("TRAINYARD_INGESTION_PORT", Integer.toString(ports[5])),
            Map.entry("TRAINYARD_LABELING_PORT", Integer.toString(ports[6])),
            Map.entry("TRAINYARD_TRAINING_PORT", Integer.toString(ports[7])),
            Map.entry("TRAINYARD_EVALUATION_PORT", Integer.toString(ports[8])),
            Map.entry("TRAINYARD_DRIFT_MONITOR_PORT", Integer.toString(ports[9]))));
  }

  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  @Test
  void servicesGetTheStackAddressesInTheirEnvironment() {
    StackConfig config =
        StackConfig.fromEnvironment(
                Map.of(
                    "TRAINYARD_HOME", "/srv/ty",
                    "TRAINYARD_KAFKA_PORT", "19092",
                    "TRAINYARD_S3_PORT", "19000",
                    "TRAINYARD_PG_PASSWORD", "pw",
                    "TRAINYARD_DRIFT_MONITOR_PORT", "18085"))
            .withDatabase("trainyard_test");
    Map<String, String> env =
        new LocalStack(config, line -> {}).serviceEnvironment("drift-monitor");

    assertThat(env)
        .containsEntry("QUARKUS_HTTP_PORT", "18085")
        .containsEntry("QUARKUS_HTTP_HOST", "127.0.0.1")
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
        .containsEntry("TRAINYARD_DB_HOST", "127.0.0.1")
        .containsEntry("TRAINYARD_DB_PORT", "5432")
        .containsEntry("TRAINYARD_DB_NAME", "trainyard_test")
        .containsEntry("QUARKUS_DATASOURCE_USERNAME", "postgres")
        .containsEntry("QUARKUS_DATASOURCE_PASSWORD", "pw")
        .containsEntry("TRAINYARD_S3_ENDPOINT", "http://127.0.0.1:19000")
        .containsEntry("TRAINYARD_S3_ACCESS_KEY", "trainyard")
        .containsEntry("TRAINYARD_S3_SECRET_KEY", "trainyard-secret")
        .containsEntry("TRAINYARD_S3_BUCKET", "trainyard")
        .containsEntry("DJL_CACHE_DIR", "/srv/ty/djl")
        .containsEntry("TRAINYARD_AUTH_ENABLED", "true")
        .containsEntry("TRAINYARD_AUTH_PUBLIC_KEY_LOCATION", "/srv/ty/auth/public-key.pem");

    Map<String, String> noAuth =
        new LocalStack(config.withAuthEnabled(false), line -> {}).serviceEnvironment("labeling");
    assertThat(noAuth)
        .containsEntry("TRAINYARD_AUTH_ENABLED", "false")
        .containsEntry("QUARKUS_HTTP_HOST", "127.0.0.1")
        .doesNotContainKey("TRAINYARD_AUTH_PUBLIC_KEY_LOCATION");
  }

  @Test
  void servicesRunFromTheirPackagedJarWithSmallHeapAndOfflineDjl() {
    LocalStack stack = new LocalStack(StackConfig.fromEnvironment(Map.of()), line -> {});
    Path jar = LocalStack.serviceJar(Path.of("/repo"), "training");
    List<String> command = stack.serviceCommand("training", jar);

    assertThat(jar)
        .isEqualTo(Path.of("/repo/services/training/target/quarkus-app/quarkus-run.jar"));
    assertThat(command.get(0)).endsWith("/bin/java");
    assertThat(command)
        .contains("-Xmx256m", "-Dai.djl.offline=true", "-Dtrainyard.component=training")
        .endsWith("-jar", jar.toString());
  }

  @Test
  void startServicesAsksForABuildWhenAServiceJarIsMissing(@TempDir Path repo) throws IOException {
    Files.createDirectories(repo.resolve("services/ingestion"));
    Files.writeString(repo.resolve("services/ingestion/pom.xml"), "<project/>");
    Files.createDirectories(repo.resolve("services/console"));
    Files.writeString(repo.resolve("services/console/pom.xml"), "<project/>");
    Files.createDirectories(repo.resolve("services/not-a-module")); // no pom: ignored

    assertThat(LocalStack.servicesIn(repo)).containsExactly("ingestion", "console");
    LocalStack stack = new LocalStack(quietConfig(), line -> {});
    assertThatThrownBy(() -> stack.startServices(repo))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("services/ingestion/target/quarkus-app/quarkus-run.jar")
        .hasMessageContaining("services/console/target/quarkus-app/quarkus-run.jar")
        .hasMessageContaining("TRAINYARD_REBUILD=1 ./trainyard up");
  }

  @Test
  void startServicesWithoutServiceModulesDoesNothing(@TempDir Path repo) throws IOException {
    List<String> lines = new ArrayList<>();
    new LocalStack(quietConfig(), lines::add).startServices(repo);
    assertThat(lines).singleElement().asString().contains("none");
  }

  @Test
  void statusOfAStackThatNeverRanShowsNothingRunning() throws IOException {
    List<ComponentStatus> status = new LocalStack(quietConfig(), line -> {}).status();

    assertThat(status)
        .extracting(ComponentStatus::name)
        .containsExactly(
            "kafka",
            "s3",
            "postgresql",
            "ingestion",
            "labeling",
            "training",
            "evaluation",
            "drift-monitor",
            "console");
    assertThat(status)
        .allSatisfy(
            s -> {
              assertThat(s.health()).isEqualTo(Health.NOT_RUNNING);
              assertThat(s.pid()).isEmpty();
              assertThat(s.pidLabel()).isEqualTo("-");
            });
  }

  @Test
  void aPortHeldByAnotherProcessIsExternalAndUnhealthy() throws IOException {
    StackConfig config = quietConfig();
    try (ServerSocket squatter =
        new ServerSocket(config.servicePort("labeling"), 50, InetAddress.getLoopbackAddress())) {
      Map<String, ComponentStatus> status =
          new LocalStack(config, line -> {})
              .status().stream()
                  .collect(Collectors.toMap(ComponentStatus::name, Function.identity()));

      ComponentStatus labeling = status.get("labeling");
      assertThat(labeling.external()).isTrue();
      assertThat(labeling.pidLabel()).isEqualTo("external");
      assertThat(labeling.health()).isEqualTo(Health.DOWN);
      assertThat(status.get("console").health()).isEqualTo(Health.NOT_RUNNING);
    }
  }

  @Test
  void stopAllIgnoresAPidFileWhosePidRunsSomethingElse() throws IOException {
    // The pid file names this very JVM: alive, but not a process of the stack.
    LocalStack stack = new LocalStack(quietConfig(), line -> {});
    Path pidFile = stack.pidFile("kafka");
    Processes.writePid(pidFile, ProcessHandle.current().pid());

    stack.stopAll();

    assertThat(ProcessHandle.current().isAlive()).isTrue();
    assertThat(pidFile).doesNotExist();
  }

  @Test
  void stopAllTerminatesAProcessOfTheStackEvenWithoutItsPidFile() throws Exception {
    StackConfig config = quietConfig();
    Path log = home.resolve("logs/ingestion.log");
    Files.createDirectories(log.getParent());
    ProcessHandle process = spawnMarked("ingestion", log);
    try {
      List<String> lines = new ArrayList<>();
      LocalStack stack = new LocalStack(config, lines::add);

      assertThat(awaitMarked("ingestion")).contains(process);
      assertThat(stack.ourProcess("ingestion")).contains(process);
      assertThat(stack.status())
          .filteredOn(s -> s.name().equals("ingestion"))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.pid()).hasValue(process.pid());
                assertThat(s.health()).isEqualTo(Health.DOWN); // alive, port closed
              });

      stack.stopAll();

      assertThat(Processes.awaitExit(process, Duration.ofSeconds(5))).isTrue();
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("stopped ingestion (pid "));
    } finally {
      Processes.terminate(process, Duration.ofSeconds(5));
    }
  }

  @Test
  void spawnedProcessesAreDetachedFromTheCaller() throws Exception {
    Path log = home.resolve("logs/probe.log");
    Files.createDirectories(log.getParent());
    ProcessHandle process = spawnMarked("probe", log);
    try {
      assertThat(awaitMarked("probe")).contains(process);
      Path fd = Path.of("/proc", Long.toString(process.pid()), "fd");
      assertThat(Files.readSymbolicLink(fd.resolve("0"))).isEqualTo(Path.of("/dev/null"));
      assertThat(Files.readSymbolicLink(fd.resolve("1"))).isEqualTo(log);
      assertThat(Files.readSymbolicLink(fd.resolve("2"))).isEqualTo(log);
      if (Processes.setsid().isPresent()) {
        assertThat(sessionId(process.pid())).isNotEqualTo(sessionId(ProcessHandle.current().pid()));
        assertThat(sessionId(process.pid())).isEqualTo(process.pid());
      }
    } finally {
      Processes.terminate(process, Duration.ofSeconds(5));
    }
  }

  /** A long-running shell carrying the stack's markers for {@code component} of {@link #home}. */
  /**
   * The process of {@code component} found by its markers. Right after a spawn the child may still
   * be exec-ing (setsid, then bash), and its command line is not the marked one yet.
   */
  private Optional<ProcessHandle> awaitMarked(String component) throws InterruptedException {
    Path marked = home.toAbsolutePath().normalize();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    Optional<ProcessHandle> found = Processes.findByMarkers(component, marked);
    while (found.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
      found = Processes.findByMarkers(component, marked);
    }
    return found;
  }

  /** A long-running shell carrying the stack's markers for {@code component} of {@link #home}. */
  private static Optional<ProcessHandle> awaitFound(
      LocalStack stack, String component, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<ProcessHandle> found = stack.ourProcess(component);
    while (found.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      found = stack.ourProcess(component);
    }
    return found;
  }

  private ProcessHandle spawnMarked(String component, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", "-c", "while :; do sleep 0.2; done"));
    command.addAll(Processes.markers(component, home.toAbsolutePath().normalize()));
    return Processes.spawnDetached(
        component, home.toAbsolutePath().normalize(), command, home, Map.of(), log);
  }

  private static long sessionId(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[3]); // state, ppid, pgrp, session
  }

  @Test
  void databaseNamesAreQuotedForCreateDatabase() {
    assertThat(LocalStack.quoteIdentifier("trainyard_test")).isEqualTo("\"trainyard_test\"");
    assertThat(LocalStack.quoteIdentifier("we\"ird")).isEqualTo("\"we\"\"ird\"");
  }
}
