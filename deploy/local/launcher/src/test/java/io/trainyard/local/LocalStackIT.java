package io.trainyard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.trainyard.contracts.Topic;
import io.trainyard.local.ComponentStatus.Health;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Starts a real Kafka broker and S3Proxy on non-default ports (19092/19093, 19000) with a state
 * directory of its own, so it never meets a stack started with the defaults; uses the machine's
 * PostgreSQL with database {@code trainyard_test}. The tests run in order on one stack.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {

  static final int KAFKA_PORT = 19092;
  static final int CONTROLLER_PORT = 19093;
  static final int S3_PORT = 19000;
  static final int SERVICE_PORT_BASE = 18080;

  static Path home;
  static Map<String, String> env;
  static StackConfig config;
  static List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
  static LocalStack stack;
  static long kafkaPid;
  static long s3Pid;

  @BeforeAll
  static void freshState() throws IOException {
    // A fixed directory under target/, so that processes an aborted earlier run left behind are
    // found by their markers and stopped first.
    home = Path.of("target", "it-home").toAbsolutePath();
    env = new HashMap<>();
    env.put("TRAINYARD_HOME", home.toString());
    env.put("TRAINYARD_KAFKA_PORT", Integer.toString(KAFKA_PORT));
    env.put("TRAINYARD_KAFKA_CONTROLLER_PORT", Integer.toString(CONTROLLER_PORT));
    env.put("TRAINYARD_S3_PORT", Integer.toString(S3_PORT));
    env.put("TRAINYARD_PG_DATABASE", "trainyard_test");
    for (String service : StackConfig.SERVICES) {
      env.put(
          StackConfig.servicePortVariable(service),
          Integer.toString(
              SERVICE_PORT_BASE + StackConfig.DEFAULT_SERVICE_PORTS.get(service) - 8080));
    }
    config = StackConfig.fromEnvironment(env);
    stack = new LocalStack(config, progress::add);
    stack.stopAll();
    deleteRecursively(home);
    for (int port : new int[] {KAFKA_PORT, CONTROLLER_PORT, S3_PORT}) {
      if (Processes.portOpen("127.0.0.1", port)) {
        fail("port " + port + " is taken by a process this test did not start (ss -ltnp)");
      }
    }
  }

  @AfterAll
  static void stopEverything() {
    stack.stopAll();
  }

  @Test
  @Order(1)
  void upFromAnotherJvmLeavesKafkaAndS3RunningAfterThatJvmExits() throws Exception {
    List<String> command =
        List.of(
            Processes.javaExecutable(),
            "-cp",
            System.getProperty("java.class.path"),
            "io.trainyard.local.cli.TrainyardCli",
            "up",
            "--infra-only");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    long start = System.nanoTime();
    Process cli = builder.start();
    String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cli.waitFor(3, TimeUnit.MINUTES)).isTrue();
    System.out.printf(
        "up --infra-only (fresh state) took %.1f s:%n%s%n",
        (System.nanoTime() - start) / 1e9, output);

    assertThat(cli.exitValue()).as(output).isZero();
    assertThat(output).contains("kafka: formatting", "created bucket trainyard", "Up in");
    // The CLI's JVM is gone; its children live on in their own sessions.
    assertThat(cli.isAlive()).isFalse();
    assertThat(Processes.portOpen("127.0.0.1", KAFKA_PORT)).isTrue();
    assertThat(Processes.portOpen("127.0.0.1", CONTROLLER_PORT)).isTrue();
    assertThat(Processes.portOpen("127.0.0.1", S3_PORT)).isTrue();
    kafkaPid = Long.parseLong(Files.readString(home.resolve("pids/kafka.pid")).trim());
    s3Pid = Long.parseLong(Files.readString(home.resolve("pids/s3.pid")).trim());
    for (long pid : new long[] {kafkaPid, s3Pid}) {
      ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
      assertThat(process.isAlive()).isTrue();
      assertThat(process.parent().map(ProcessHandle::pid)).isNotEqualTo(cli.pid());
    }
    assertThat(home.resolve("logs/kafka.log")).isNotEmptyFile();
    assertThat(home.resolve("logs/s3.log")).isNotEmptyFile();
    assertThat(home.resolve("kafka/meta.properties")).exists();
    reportRss("kafka", kafkaPid);
    reportRss("s3", s3Pid);
  }

  @Test
  @Order(2)
  void everyCatalogueTopicAndDeadLetterTopicExistsWithItsConfiguration() throws Exception {
    Map<String, Topic> byName = new HashMap<>();
    Map<String, String[]> expected = new HashMap<>(); // name -> cleanup.policy, retention.ms
    for (Topic topic : Topic.values()) {
      expected.put(
          topic.topicName(),
          new String[] {
            topic.retention().compacted() ? "compact" : "delete",
            Long.toString(topic.retention().retentionMs())
          });
      byName.put(topic.topicName(), topic);
      expected.put(
          topic.dlqName(), new String[] {"delete", Long.toString(Topic.DLQ_RETENTION.toMillis())});
    }
    try (Admin admin = stack.admin(Duration.ofSeconds(30))) {
      Map<String, TopicDescription> descriptions =
          admin.describeTopics(expected.keySet()).allTopicNames().get(30, TimeUnit.SECONDS);
      assertThat(descriptions.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
      descriptions.forEach(
          (name, d) -> {
            assertThat(d.partitions()).as(name).hasSize(Topic.PARTITIONS);
            assertThat(d.partitions().get(0).replicas()).as(name).hasSize(1);
          });

      List<ConfigResource> resources =
          expected.keySet().stream()
              .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
              .toList();
      Map<ConfigResource, Config> configs =
          admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
      configs.forEach(
          (resource, topicConfig) -> {
            String[] want = expected.get(resource.name());
            assertThat(topicConfig.get("cleanup.policy").value())
                .as(resource.name() + " cleanup.policy")
                .isEqualTo(want[0]);
            assertThat(topicConfig.get("retention.ms").value())
                .as(resource.name() + " retention.ms")
                .isEqualTo(want[1]);
          });
      assertThat(configs).hasSize(expected.size());
      // Spot checks against the architecture's wording.
      assertThat(expected.get("trainyard.pipelines")[0]).isEqualTo("compact");
      assertThat(expected.get("trainyard.inference.observed")[1]).isEqualTo("604800000");
      assertThat(expected).containsKey("trainyard.training.requested.dlq");
      assertThat(expected).containsKey("trainyard.storage.notifications.dlq");
    }
  }

  @Test
  @Order(3)
  void theBucketExistsAndObjectsRoundTrip() throws Exception {
    MinioClient minio =
        MinioClient.builder()
            .endpoint("http://127.0.0.1:" + S3_PORT)
            .credentials("trainyard", "trainyard-secret")
            .region("us-east-1")
            .build();
    assertThat(minio.bucketExists(BucketExistsArgs.builder().bucket("trainyard").build())).isTrue();

    byte[] content = ("round trip " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    String key = "it/" + UUID.randomUUID() + ".txt";
    minio.putObject(
        PutObjectArgs.builder().bucket("trainyard").object(key).stream(
                new ByteArrayInputStream(content), content.length, -1)
            .contentType("text/plain")
            .build());
    try (InputStream in =
        minio.getObject(GetObjectArgs.builder().bucket("trainyard").object(key).build())) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    // The object is a file under the state directory (filesystem-nio2).
    assertThat(home.resolve("s3/trainyard").resolve(key)).exists();
    minio.removeObject(RemoveObjectArgs.builder().bucket("trainyard").object(key).build());

    // Wrong credentials are refused: authorization is on.
    MinioClient stranger =
        MinioClient.builder()
            .endpoint("http://127.0.0.1:" + S3_PORT)
            .credentials("trainyard", "wrong-secret")
            .region("us-east-1")
            .build();
    try {
      stranger.bucketExists(BucketExistsArgs.builder().bucket("trainyard").build());
      fail("S3 accepted a wrong secret key");
    } catch (io.minio.errors.ErrorResponseException expected) {
      assertThat(expected.response().code()).isEqualTo(403);
    }
  }

  @Test
  @Order(4)
  void theTestDatabaseExists() throws Exception {
    Properties props = new Properties();
    props.setProperty("user", config.pgUser());
    props.setProperty("password", config.pgPassword());
    try (Connection c = new org.postgresql.Driver().connect(config.jdbcUrl(), props);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_database()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("trainyard_test");
    }
  }

  @Test
  @Order(5)
  void ensureInfrastructureAgainSequentiallyAndConcurrentlyChangesNothing() throws Exception {
    long start = System.nanoTime();
    stack.ensureInfrastructure();
    System.out.printf(
        "ensureInfrastructure on a running stack took %.1f s%n", (System.nanoTime() - start) / 1e9);

    // Two more at once, from two stack objects (as two test modules would).
    CompletableFuture<Void> a =
        CompletableFuture.runAsync(() -> new LocalStack(config, line -> {}).ensureInfrastructure());
    CompletableFuture<Void> b =
        CompletableFuture.runAsync(() -> new LocalStack(config, line -> {}).ensureInfrastructure());
    CompletableFuture.allOf(a, b).get(2, TimeUnit.MINUTES);

    assertThat(Files.readString(home.resolve("pids/kafka.pid")).trim())
        .isEqualTo(Long.toString(kafkaPid));
    assertThat(Files.readString(home.resolve("pids/s3.pid")).trim())
        .isEqualTo(Long.toString(s3Pid));
    assertThat(processesMarked("kafka")).containsExactly(kafkaPid);
    assertThat(processesMarked("s3")).containsExactly(s3Pid);
    assertThat(progress)
        .contains(
            "kafka: already running on 127.0.0.1:" + KAFKA_PORT + " (pid " + kafkaPid + ")",
            "kafka: all 34 catalogue and dead-letter topics exist",
            "s3: bucket trainyard exists",
            "postgresql: database trainyard_test exists");
  }

  @Test
  @Order(6)
  void statusShowsThePidsAndHealth() {
    Map<String, ComponentStatus> status =
        stack.status().stream()
            .collect(Collectors.toMap(ComponentStatus::name, Function.identity()));

    assertThat(status.get("kafka").health()).isEqualTo(Health.UP);
    assertThat(status.get("kafka").pid()).hasValue(kafkaPid);
    assertThat(status.get("kafka").external()).isFalse();
    assertThat(status.get("kafka").port()).isEqualTo(KAFKA_PORT);
    assertThat(status.get("s3").health()).isEqualTo(Health.UP);
    assertThat(status.get("s3").pid()).hasValue(s3Pid);
    assertThat(status.get("postgresql").health()).isEqualTo(Health.UP);
    assertThat(status.get("console").health()).isIn(Health.NOT_RUNNING, Health.DOWN, Health.UP);

    // Another home sees the same ports answering, but did not start them: external.
    StackConfig other =
        StackConfig.fromEnvironment(
            Map.of(
                "TRAINYARD_HOME", home.resolveSibling("it-home-other").toString(),
                "TRAINYARD_KAFKA_PORT", Integer.toString(KAFKA_PORT),
                "TRAINYARD_KAFKA_CONTROLLER_PORT", Integer.toString(CONTROLLER_PORT),
                "TRAINYARD_S3_PORT", Integer.toString(S3_PORT)));
    Map<String, ComponentStatus> seen =
        new LocalStack(other, line -> {})
            .status().stream()
                .collect(Collectors.toMap(ComponentStatus::name, Function.identity()));
    assertThat(seen.get("kafka").external()).isTrue();
    assertThat(seen.get("kafka").pid()).isEmpty();
    assertThat(seen.get("kafka").health()).isEqualTo(Health.UP);
    assertThat(seen.get("s3").pidLabel()).isEqualTo("external");
  }

  @Test
  @Order(7)
  void startServicesRunsEachPackagedJarWithTheStackEnvironmentAndWaitsUntilReady()
      throws Exception {
    Path repo = fakeRepo("it-repo", List.of("ingestion", "console"), List.of());
    long start = System.nanoTime();
    stack.startServices(repo);
    System.out.printf(
        "startServices (2 stand-in services) took %.1f s%n", (System.nanoTime() - start) / 1e9);

    Map<String, ComponentStatus> status =
        stack.status().stream()
            .collect(Collectors.toMap(ComponentStatus::name, Function.identity()));
    for (String service : List.of("ingestion", "console")) {
      ComponentStatus s = status.get(service);
      assertThat(s.health()).as(service).isEqualTo(Health.UP);
      assertThat(s.pid()).as(service).isPresent();
      assertThat(s.port()).isEqualTo(config.servicePort(service));
      assertThat(home.resolve("pids/" + service + ".pid")).exists();
      assertThat(home.resolve("logs/" + service + ".log")).content().contains("listening");
    }
    assertThat(status.get("training").health()).isEqualTo(Health.NOT_RUNNING);

    String env = httpGet("http://127.0.0.1:" + config.servicePort("console") + "/env");
    assertThat(env.lines())
        .contains(
            "QUARKUS_HTTP_PORT=" + config.servicePort("console"),
            "QUARKUS_HTTP_HOST=127.0.0.1",
            "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:" + KAFKA_PORT,
            "TRAINYARD_DB_HOST=127.0.0.1",
            "TRAINYARD_DB_PORT=5432",
            "TRAINYARD_DB_NAME=trainyard_test",
            "QUARKUS_DATASOURCE_USERNAME=postgres",
            "TRAINYARD_S3_ENDPOINT=http://127.0.0.1:" + S3_PORT,
            "TRAINYARD_S3_ACCESS_KEY=trainyard",
            "TRAINYARD_S3_SECRET_KEY=trainyard-secret",
            "TRAINYARD_S3_BUCKET=trainyard",
            "DJL_CACHE_DIR=" + home.resolve("djl"),
            "TRAINYARD_AUTH_ENABLED=true",
            "TRAINYARD_AUTH_PUBLIC_KEY_LOCATION=" + home.resolve("auth/public-key.pem"),
            "jvm -Xmx256m",
            "jvm -Dai.djl.offline=true",
            "cwd " + repo.resolve("services/console"));

    // Auth is on by default: the services' verification key was created.
    assertThat(home.resolve("auth/public-key.pem")).exists();
    assertThat(home.resolve("auth/private-key.pem")).exists();

    // Again: nothing new is started.
    long consolePid = status.get("console").pid().getAsLong();
    stack.startServices(repo);
    assertThat(processesMarked("console")).containsExactly(consolePid);
  }

  @Test
  @Order(8)
  void aServiceThatDiesWhileStartingFailsStartServicesNamingItsLog() throws Exception {
    Path repo = fakeRepo("it-repo-failing", List.of("labeling"), List.of("labeling"));
    long start = System.nanoTime();
    try {
      stack.startServices(repo);
      fail("startServices succeeded although labeling exits at once");
    } catch (IllegalStateException e) {
      assertThat(e.getMessage())
          .contains("labeling exited while starting")
          .contains(home.resolve("logs/labeling.log").toString())
          .contains("refusing to start");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(home.resolve("pids/labeling.pid")).doesNotExist();
  }

  @Test
  @Order(9)
  void stopAllClosesThePortsAndEndsTheProcesses() {
    long start = System.nanoTime();
    stack.stopAll();
    System.out.printf("stopAll took %.1f s%n", (System.nanoTime() - start) / 1e9);

    assertThat(Processes.portOpen("127.0.0.1", KAFKA_PORT)).isFalse();
    assertThat(Processes.portOpen("127.0.0.1", CONTROLLER_PORT)).isFalse();
    assertThat(Processes.portOpen("127.0.0.1", S3_PORT)).isFalse();
    assertThat(Processes.portOpen("127.0.0.1", config.servicePort("console"))).isFalse();
    assertThat(Processes.portOpen("127.0.0.1", config.servicePort("ingestion"))).isFalse();
    assertThat(processesMarked("console")).isEmpty();
    assertThat(processesMarked("ingestion")).isEmpty();
    assertThat(ProcessHandle.of(kafkaPid).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
    assertThat(ProcessHandle.of(s3Pid).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
    assertThat(home.resolve("pids/kafka.pid")).doesNotExist();
    assertThat(home.resolve("pids/s3.pid")).doesNotExist();
    assertThat(stack.status())
        .filteredOn(s -> !s.name().equals("postgresql"))
        .allSatisfy(s -> assertThat(s.health()).isNotEqualTo(Health.UP));
    assertThat(progress)
        .anySatisfy(l -> assertThat(l).startsWith("stopped kafka (pid " + kafkaPid + ")"))
        .anySatisfy(l -> assertThat(l).startsWith("stopped s3 (pid " + s3Pid + ")"));
  }

  @Test
  @Order(10)
  void aRestartKeepsTheDataAndDoesNotFormatAgain() throws Exception {
    progress.clear();
    long start = System.nanoTime();
    stack.ensureInfrastructure();
    System.out.printf(
        "ensureInfrastructure restart (formatted state) took %.1f s%n",
        (System.nanoTime() - start) / 1e9);

    assertThat(progress).noneSatisfy(l -> assertThat(l).contains("formatting"));
    assertThat(progress).contains("kafka: all 34 catalogue and dead-letter topics exist");
    assertThat(progress).contains("s3: bucket trainyard exists");
    long newKafkaPid = Long.parseLong(Files.readString(home.resolve("pids/kafka.pid")).trim());
    assertThat(newKafkaPid).isNotEqualTo(kafkaPid);

    stack.stopAll();
    assertThat(Processes.portOpen("127.0.0.1", KAFKA_PORT)).isFalse();
    assertThat(Processes.portOpen("127.0.0.1", S3_PORT)).isFalse();
  }

  /**
   * A repository with the given service modules, each "packaged" as a jar that runs {@link
   * FakeService} from the test classes; the failing ones have a file named {@code fail}.
   */
  private static Path fakeRepo(String name, List<String> services, List<String> failing)
      throws Exception {
    Path repo = Path.of("target", name).toAbsolutePath();
    deleteRecursively(repo);
    Path testClasses =
        Path.of(FakeService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    for (String service : services) {
      Path dir = repo.resolve("services").resolve(service);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("pom.xml"), "<project/>");
      if (failing.contains(service)) {
        Files.writeString(dir.resolve("fail"), "");
      }
      Path jar = LocalStack.serviceJar(repo, service);
      Files.createDirectories(jar.getParent());
      java.util.jar.Manifest manifest = new java.util.jar.Manifest();
      java.util.jar.Attributes main = manifest.getMainAttributes();
      main.put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
      main.put(java.util.jar.Attributes.Name.MAIN_CLASS, FakeService.class.getName());
      main.put(java.util.jar.Attributes.Name.CLASS_PATH, testClasses.toUri().toString());
      try (java.util.jar.JarOutputStream out =
          new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
        out.flush();
      }
    }
    return repo;
  }

  private static String httpGet(String url) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> response =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static List<Long> processesMarked(String component) {
    return ProcessHandle.allProcesses()
        .filter(p -> Processes.isOurs(p, component, config.home()))
        .map(ProcessHandle::pid)
        .toList();
  }

  private static void reportRss(String component, long pid) {
    try {
      String rss =
          Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
              .filter(l -> l.startsWith("VmRSS"))
              .findFirst()
              .orElse("VmRSS: ?");
      System.out.println(component + " (pid " + pid + ") " + rss.replaceAll("\\s+", " "));
    } catch (IOException e) {
      // informational only
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
  }
}
