package io.trainyard.local;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.trainyard.contracts.Topic;
import io.trainyard.local.ComponentStatus.Health;
import io.trainyard.local.auth.DevKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The local stack: a Kafka broker (KRaft, single node) and S3Proxy started from the jars recorded
 * at build time, PostgreSQL on this machine, and the packaged services.
 *
 * <p>Processes are started detached (their own session, output to {@code <home>/logs/}, stdin from
 * /dev/null), so they outlive the JVM that starts them; {@link #stopAll()} (or {@code ./trainyard
 * down}) stops them. A port that already answers counts as running: such a component is used as it
 * is, and shown as external when this stack has no process for it. Starting and stopping hold a
 * lock on {@code <home>/stack.lock}, so two JVMs never start the same component twice.
 */
public final class LocalStack {

  public static final String KAFKA = "kafka";
  public static final String S3 = "s3";
  public static final String POSTGRESQL = "postgresql";

  static final Duration KAFKA_START_TIMEOUT = Duration.ofSeconds(90);
  static final Duration S3_START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration POSTGRESQL_START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration SERVICES_READY_TIMEOUT = Duration.ofSeconds(120);
  static final Duration SERVICE_STOP_GRACE = Duration.ofSeconds(20);
  static final Duration INFRA_STOP_GRACE = Duration.ofSeconds(30);

  private static final ConcurrentMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final StackConfig config;
  private final Consumer<String> progress;

  /** A stack that reports its progress to the {@code io.trainyard.local.LocalStack} logger. */
  public LocalStack(StackConfig config) {
    this(config, defaultProgress());
  }

  /** A stack that reports its progress (one line per step) to {@code progress}. */
  public LocalStack(StackConfig config, Consumer<String> progress) {
    this.config = java.util.Objects.requireNonNull(config, "config");
    this.progress = java.util.Objects.requireNonNull(progress, "progress");
  }

  private static Consumer<String> defaultProgress() {
    System.Logger logger = System.getLogger(LocalStack.class.getName());
    return message -> logger.log(System.Logger.Level.INFO, message);
  }

  public StackConfig config() {
    return config;
  }

  /** {@code <home>/logs/<component>.log}, where a component's output goes. */
  public Path logFile(String component) {
    return config.home().resolve("logs").resolve(component + ".log");
  }

  Path pidFile(String component) {
    return config.home().resolve("pids").resolve(component + ".pid");
  }

  private Path confDir() {
    return config.home().resolve("conf");
  }

  private Path kafkaDataDir() {
    return config.home().resolve("kafka");
  }

  private Path s3DataDir() {
    return config.home().resolve("s3");
  }

  private Path postgresMarker() {
    return config.home().resolve("pids").resolve("postgresql.started");
  }

  // ---------------------------------------------------------------------------------------------
  // Infrastructure

  /**
   * Makes sure Kafka (with every catalogue topic and the dead-letter topics), S3 (with the bucket)
   * and PostgreSQL (with {@link StackConfig#database()}) run. Idempotent.
   *
   * @throws IllegalStateException when a component cannot be started or reached; the message says
   *     why and names the log file
   */
  public void ensureInfrastructure() {
    withLock(
        () -> {
          createDirectories();
          // PostgreSQL first: without it nothing else is worth starting. Then S3 and Kafka
          // start side by side.
          ensurePostgres();
          Launch s3 = launchS3IfNeeded();
          Launch kafka = launchKafkaIfNeeded();
          awaitPort(s3);
          ensureBucket();
          awaitPort(kafka);
          ensureTopics();
        });
  }

  private void createDirectories() {
    try {
      for (String dir : List.of("logs", "pids", "conf", "kafka", "s3", "djl")) {
        Files.createDirectories(config.home().resolve(dir));
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot create the state directory " + config.home() + ": " + e, e);
    }
  }

  /** A component being started (or already running): what to wait for. */
  private record Launch(
      String component,
      Optional<ProcessHandle> process,
      int port,
      Duration timeout,
      boolean alreadyListening,
      long startNanos) {}

  private Launch launchS3IfNeeded() {
    return launchIfNeeded(
        S3,
        config.s3Port(),
        S3_START_TIMEOUT,
        () -> {
          Path properties = confDir().resolve("s3proxy.properties");
          writeString(properties, S3Server.properties(config, s3DataDir()));
          List<String> command = new ArrayList<>();
          command.add(Processes.javaExecutable());
          command.add("-Xmx256m");
          command.addAll(Processes.markers(S3, config.home()));
          command.add("-cp");
          command.add(runtimeClasspath(S3Server.CLASSPATH_RESOURCE, "trainyard-local-s3-runtime"));
          command.add(S3Server.MAIN_CLASS);
          command.add("--properties");
          command.add(properties.toString());
          return command;
        });
  }

  private Launch launchKafkaIfNeeded() {
    return launchIfNeeded(
        KAFKA,
        config.kafkaPort(),
        KAFKA_START_TIMEOUT,
        () -> {
          if (Processes.portOpen("127.0.0.1", config.kafkaControllerPort())) {
            throw new IllegalStateException(
                "port "
                    + config.kafkaControllerPort()
                    + " (the Kafka controller) is taken by another process; free it or set"
                    + " TRAINYARD_KAFKA_CONTROLLER_PORT");
          }
          String classpath =
              runtimeClasspath(KafkaBroker.CLASSPATH_RESOURCE, "trainyard-local-kafka-runtime");
          Path serverProperties = confDir().resolve("kafka-server.properties");
          writeString(serverProperties, KafkaBroker.serverProperties(config, kafkaDataDir()));
          Path log4j = confDir().resolve("kafka-log4j2.xml");
          writeString(log4j, resourceText(KafkaBroker.LOG4J2_RESOURCE));
          formatKafkaStorage(classpath, serverProperties, log4j);
          List<String> command = new ArrayList<>();
          command.add(Processes.javaExecutable());
          command.add("-Xmx512m");
          command.addAll(Processes.markers(KAFKA, config.home()));
          command.add("-Djava.awt.headless=true");
          command.add("-Dlog4j2.configurationFile=" + log4j);
          command.add("-cp");
          command.add(classpath);
          command.add(KafkaBroker.MAIN_CLASS);
          command.add(serverProperties.toString());
          return command;
        });
  }

  /** Formats the log directory once (a KRaft broker refuses to start on an unformatted one). */
  private void formatKafkaStorage(String classpath, Path serverProperties, Path log4j) {
    if (Files.exists(kafkaDataDir().resolve("meta.properties"))) {
      return;
    }
    String clusterId = Uuid.randomUuid().toString();
    progress.accept("kafka: formatting " + kafkaDataDir() + " (cluster id " + clusterId + ")");
    List<String> command =
        List.of(
            Processes.javaExecutable(),
            "-Xmx256m",
            "-Dlog4j2.configurationFile=" + log4j,
            "-cp",
            classpath,
            KafkaBroker.STORAGE_TOOL,
            "format",
            "--cluster-id",
            clusterId,
            "--config",
            serverProperties.toString(),
            "--ignore-formatted");
    Path log = logFile(KAFKA);
    int exit = runToLog(command, log, Duration.ofSeconds(120));
    if (exit != 0) {
      throw new IllegalStateException(
          "formatting the Kafka log directory "
              + kafkaDataDir()
              + " failed (exit code "
              + exit
              + "); see "
              + log
              + "\n"
              + Processes.tail(log, 15));
    }
  }

  private Launch launchIfNeeded(
      String component, int port, Duration timeout, Supplier<List<String>> command) {
    return launchIfNeeded(component, port, timeout, config.home(), Map.of(), command);
  }

  private Launch launchIfNeeded(
      String component,
      int port,
      Duration timeout,
      Path workDir,
      Map<String, String> environment,
      Supplier<List<String>> command) {
    Optional<ProcessHandle> running = ourProcess(component);
    if (Processes.portOpen("127.0.0.1", port)) {
      progress.accept(
          component
              + ": already running on 127.0.0.1:"
              + port
              + running
                  .map(p -> " (pid " + p.pid() + ")")
                  .orElse(" (external: not started by trainyard)"));
      return new Launch(component, running, port, timeout, true, System.nanoTime());
    }
    if (running.isPresent()) {
      progress.accept(component + ": still starting (pid " + running.get().pid() + ")");
      return new Launch(component, running, port, timeout, false, System.nanoTime());
    }
    Path log = logFile(component);
    try {
      Processes.rotate(log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot rotate " + log + ": " + e, e);
    }
    List<String> cmd = command.get();
    long start = System.nanoTime();
    ProcessHandle process;
    try {
      process = Processes.spawnDetached(component, config.home(), cmd, workDir, environment, log);
      Processes.writePid(pidFile(component), process.pid());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start " + component + ": " + e.getMessage() + "; see " + log, e);
    }
    progress.accept(component + ": started (pid " + process.pid() + "), log " + log);
    return new Launch(component, Optional.of(process), port, timeout, false, start);
  }

  private void awaitPort(Launch launch) {
    if (launch.alreadyListening()) {
      return;
    }
    Path log = logFile(launch.component());
    long deadline = launch.startNanos() + launch.timeout().toNanos();
    while (!Processes.portOpen("127.0.0.1", launch.port())) {
      if (launch.process().isPresent() && !launch.process().get().isAlive()) {
        deletePidFile(launch.component());
        throw new IllegalStateException(
            launch.component()
                + " exited while starting; see "
                + log
                + "\n"
                + Processes.tail(log, 20));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            launch.component()
                + " did not open 127.0.0.1:"
                + launch.port()
                + " within "
                + launch.timeout().toSeconds()
                + " s"
                + launch.process().map(p -> " (pid " + p.pid() + " still runs)").orElse("")
                + "; see "
                + log
                + " and stop it with ./trainyard down\n"
                + Processes.tail(log, 20));
      }
      Processes.sleep(Duration.ofMillis(100));
    }
    progress.accept(
        launch.component()
            + ": listening on 127.0.0.1:"
            + launch.port()
            + " after "
            + seconds(System.nanoTime() - launch.startNanos()));
  }

  /** Creates the catalogue topics and dead-letter topics that do not exist yet. */
  private void ensureTopics() {
    List<NewTopic> wanted = KafkaBroker.catalogueTopics();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Throwable lastError = null;
    try (Admin admin = admin(Duration.ofSeconds(30))) {
      while (true) {
        try {
          Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
          List<NewTopic> missing =
              wanted.stream().filter(t -> !existing.contains(t.name())).toList();
          if (missing.isEmpty()) {
            progress.accept(
                "kafka: all " + wanted.size() + " catalogue and dead-letter topics exist");
            return;
          }
          CreateTopicsResult result = admin.createTopics(missing);
          boolean retry = false;
          for (Map.Entry<String, KafkaFuture<Void>> entry : result.values().entrySet()) {
            try {
              entry.getValue().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
              Throwable cause = e.getCause();
              if (cause instanceof TopicExistsException) {
                continue;
              }
              if (cause instanceof RetriableException
                  || cause instanceof InvalidReplicationFactorException) {
                retry = true;
                lastError = cause;
                continue;
              }
              throw new IllegalStateException(
                  "cannot create topic " + entry.getKey() + " on " + kafkaWhere() + ": " + cause,
                  cause);
            }
          }
          if (!retry) {
            progress.accept(
                "kafka: created "
                    + missing.size()
                    + " topics ("
                    + Topic.PARTITIONS
                    + " partitions each)");
            return;
          }
        } catch (ExecutionException e) {
          lastError = e.getCause();
        } catch (TimeoutException e) {
          lastError = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "cannot create the catalogue topics on "
                  + kafkaWhere()
                  + ": "
                  + lastError
                  + "; see "
                  + logFile(KAFKA),
              lastError);
        }
        Processes.sleep(Duration.ofMillis(500));
      }
    }
  }

  private String kafkaWhere() {
    return "Kafka at " + config.kafkaBootstrapServers();
  }

  /** An admin client of the stack's Kafka; {@code timeout} bounds every call. */
  Admin admin(Duration timeout) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "trainyard-local");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    return Admin.create(props);
  }

  /** A MinIO client of the stack's S3 endpoint. */
  MinioClient minio() {
    return MinioClient.builder()
        .endpoint(config.s3Endpoint())
        .credentials(config.s3AccessKey(), config.s3SecretKey())
        .region("us-east-1")
        .build();
  }

  /** Creates the bucket if it does not exist. */
  private void ensureBucket() {
    MinioClient minio = minio();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Exception lastError;
    while (true) {
      try {
        if (minio.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build())) {
          progress.accept("s3: bucket " + config.bucket() + " exists");
          return;
        }
        minio.makeBucket(MakeBucketArgs.builder().bucket(config.bucket()).build());
        progress.accept("s3: created bucket " + config.bucket());
        return;
      } catch (ErrorResponseException e) {
        String code = e.errorResponse().code();
        if ("BucketAlreadyOwnedByYou".equals(code) || "BucketAlreadyExists".equals(code)) {
          return;
        }
        throw new IllegalStateException(
            "S3 at "
                + config.s3Endpoint()
                + " refused to create bucket "
                + config.bucket()
                + ": "
                + code
                + " "
                + e.getMessage()
                + " (check TRAINYARD_S3_ACCESS_KEY and TRAINYARD_S3_SECRET_KEY); see "
                + logFile(S3),
            e);
      } catch (Exception e) {
        lastError = e;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "S3 at "
                + config.s3Endpoint()
                + " does not answer S3 requests: "
                + lastError
                + "; see "
                + logFile(S3),
            lastError);
      }
      Processes.sleep(Duration.ofMillis(250));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // PostgreSQL

  private void ensurePostgres() {
    if (!Processes.portOpen(config.pgHost(), config.pgPort())) {
      startLocalPostgres();
    }
    createDatabaseIfMissing();
  }

  private boolean pgIsLocal() {
    String host = config.pgHost();
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
  }

  private void startLocalPostgres() {
    String where = config.pgHost() + ":" + config.pgPort();
    if (!pgIsLocal()) {
      throw new IllegalStateException(
          "PostgreSQL does not answer at " + where + " (TRAINYARD_PG_HOST, TRAINYARD_PG_PORT)");
    }
    List<String> versions = installedPostgresVersions();
    Optional<Path> pgCtlCluster = Processes.onPath("pg_ctlcluster");
    if (versions.isEmpty() || pgCtlCluster.isEmpty()) {
      throw new IllegalStateException(
          "PostgreSQL does not answer at "
              + where
              + " and none is installed. Install it (as root: apt-get install -y postgresql,"
              + " then allow local connections for user "
              + config.pgUser()
              + " in pg_hba.conf or set TRAINYARD_PG_PASSWORD), or point TRAINYARD_PG_HOST and"
              + " TRAINYARD_PG_PORT at a running server");
    }
    String version = versions.get(versions.size() - 1);
    Path log = logFile(POSTGRESQL);
    progress.accept("postgresql: not answering at " + where + "; starting cluster " + version);
    long start = System.nanoTime();
    int exit =
        runToLog(
            List.of(
                pgCtlCluster.get().toString(),
                "--skip-systemctl-redirect",
                version,
                "main",
                "start"),
            log,
            POSTGRESQL_START_TIMEOUT);
    if (exit == 2 && Processes.tail(log, 3).contains("already running")) {
      throw new IllegalStateException(
          "PostgreSQL "
              + version
              + " main is running, but does not answer at "
              + where
              + ": check TRAINYARD_PG_HOST and TRAINYARD_PG_PORT (the cluster's port is in"
              + " /etc/postgresql/"
              + version
              + "/main/postgresql.conf)");
    }
    if (exit != 0) {
      throw new IllegalStateException(
          "pg_ctlcluster "
              + version
              + " main start failed (exit code "
              + exit
              + "); see "
              + log
              + "\n"
              + Processes.tail(log, 15));
    }
    writeString(postgresMarker(), version + "\n");
    long deadline = start + POSTGRESQL_START_TIMEOUT.toNanos();
    while (!Processes.portOpen(config.pgHost(), config.pgPort())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "PostgreSQL "
                + version
                + " started but does not answer at "
                + where
                + " (does its port match TRAINYARD_PG_PORT?); see "
                + log);
      }
      Processes.sleep(Duration.ofMillis(200));
    }
    progress.accept(
        "postgresql: cluster " + version + " answers after " + seconds(System.nanoTime() - start));
  }

  private static List<String> installedPostgresVersions() {
    Path etc = Path.of("/etc/postgresql");
    List<String> versions = new ArrayList<>();
    if (!Files.isDirectory(etc)) {
      return versions;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(etc)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (name.matches("\\d+(\\.\\d+)?") && Files.isDirectory(dir.resolve("main"))) {
          versions.add(name);
        }
      }
    } catch (IOException e) {
      return versions;
    }
    versions.sort(java.util.Comparator.comparingDouble(Double::parseDouble));
    return versions;
  }

  private Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", config.pgUser());
    props.setProperty("password", config.pgPassword());
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "30");
    props.setProperty("ApplicationName", "trainyard-local");
    Connection connection = new org.postgresql.Driver().connect(config.jdbcUrl(database), props);
    if (connection == null) {
      throw new SQLException("the PostgreSQL driver rejected " + config.jdbcUrl(database));
    }
    return connection;
  }

  private void createDatabaseIfMissing() {
    String database = config.database();
    try (Connection c = connect("postgres")) {
      try (PreparedStatement exists =
          c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        exists.setString(1, database);
        try (ResultSet rs = exists.executeQuery()) {
          if (rs.next()) {
            progress.accept("postgresql: database " + database + " exists");
            return;
          }
        }
      }
      try (Statement create = c.createStatement()) {
        create.execute("CREATE DATABASE " + quoteIdentifier(database));
        progress.accept("postgresql: created database " + database);
      } catch (SQLException e) {
        if (!"42P04".equals(e.getSQLState())) { // duplicate_database: created concurrently
          throw e;
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot use PostgreSQL at "
              + config.pgHost()
              + ":"
              + config.pgPort()
              + " as user "
              + config.pgUser()
              + " to create database "
              + database
              + ": "
              + e.getMessage()
              + " (set TRAINYARD_PG_USER / TRAINYARD_PG_PASSWORD, or allow trust or password"
              + " authentication for this user in pg_hba.conf)",
          e);
    }
  }

  static String quoteIdentifier(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  // ---------------------------------------------------------------------------------------------
  // Services

  /**
   * Starts every service under {@code repoRoot/services/} whose packaged jar exists and waits (in
   * parallel, at most 120 s) until each answers 200 on {@code /q/health/ready}. Call {@link
   * #ensureInfrastructure()} first.
   *
   * @throws IllegalStateException if a service's module has no packaged jar (build first), dies
   *     while starting, or is not ready in time
   */
  public void startServices(Path repoRoot) {
    withLock(() -> startServicesLocked(repoRoot.toAbsolutePath().normalize()));
  }

  /** The services of {@code repoRoot} (modules under services/ with a pom.xml), in start order. */
  public static List<String> servicesIn(Path repoRoot) {
    List<String> names = new ArrayList<>();
    for (String service : StackConfig.SERVICES) {
      if (Files.isRegularFile(repoRoot.resolve("services").resolve(service).resolve("pom.xml"))) {
        names.add(service);
      }
    }
    return names;
  }

  /** {@code services/<name>/target/quarkus-app/quarkus-run.jar} under {@code repoRoot}. */
  public static Path serviceJar(Path repoRoot, String service) {
    return repoRoot
        .resolve("services")
        .resolve(service)
        .resolve("target")
        .resolve("quarkus-app")
        .resolve("quarkus-run.jar");
  }

  private void startServicesLocked(Path repoRoot) {
    List<String> services = servicesIn(repoRoot);
    if (services.isEmpty()) {
      progress.accept("services: none under " + repoRoot.resolve("services"));
      return;
    }
    List<String> missing =
        services.stream().filter(s -> !Files.isRegularFile(serviceJar(repoRoot, s))).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "not built yet: "
              + missing.stream()
                  .map(s -> repoRoot.relativize(serviceJar(repoRoot, s)).toString())
                  .collect(Collectors.joining(", "))
              + ". Build the project first: TRAINYARD_REBUILD=1 ./trainyard up (or mvn install"
              + " -DskipTests -Dquick)");
    }
    createDirectories();
    if (config.authEnabled()) {
      DevKeys.loadOrCreate(config.authDir()); // services verify tokens with its public key
    }
    Map<String, Launch> launches = new LinkedHashMap<>();
    for (String service : services) {
      int port = config.servicePort(service);
      Path jar = serviceJar(repoRoot, service);
      Path workDir = repoRoot.resolve("services").resolve(service);
      launches.put(
          service,
          launchIfNeeded(
              service,
              port,
              SERVICES_READY_TIMEOUT,
              workDir,
              serviceEnvironment(service),
              () -> serviceCommand(service, jar)));
    }
    awaitReady(launches);
  }

  /** The command that runs a packaged service. */
  List<String> serviceCommand(String service, Path jar) {
    List<String> command = new ArrayList<>();
    command.add(Processes.javaExecutable());
    command.add("-Xmx256m");
    command.add("-Dai.djl.offline=true");
    command.addAll(Processes.markers(service, config.home()));
    command.add("-jar");
    command.add(jar.toString());
    return command;
  }

  /**
   * The environment a service is started with: where Kafka, PostgreSQL and S3 are, and whether it
   * verifies tokens (with the public key in {@link StackConfig#authDir()}) or runs without auth.
   */
  public Map<String, String> serviceEnvironment(String service) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("QUARKUS_HTTP_PORT", Integer.toString(config.servicePort(service)));
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("KAFKA_BOOTSTRAP_SERVERS", config.kafkaBootstrapServers());
    env.put("TRAINYARD_DB_HOST", config.pgHost());
    env.put("TRAINYARD_DB_PORT", Integer.toString(config.pgPort()));
    env.put("TRAINYARD_DB_NAME", config.database());
    env.put("QUARKUS_DATASOURCE_USERNAME", config.pgUser());
    env.put("QUARKUS_DATASOURCE_PASSWORD", config.pgPassword());
    env.put("TRAINYARD_S3_ENDPOINT", config.s3Endpoint());
    env.put("TRAINYARD_S3_ACCESS_KEY", config.s3AccessKey());
    env.put("TRAINYARD_S3_SECRET_KEY", config.s3SecretKey());
    env.put("TRAINYARD_S3_BUCKET", config.bucket());
    env.put("DJL_CACHE_DIR", config.home().resolve("djl").toString());
    if (service.equals("console")) {
      // The front door forwards to every other service, wherever its port was moved.
      for (String other : StackConfig.SERVICES) {
        if (!other.equals("console")) {
          env.put(
              "TRAINYARD_CONSOLE_UPSTREAM_" + other.toUpperCase(Locale.ROOT).replace('-', '_'),
              "http://127.0.0.1:" + config.servicePort(other));
        }
      }
    }
    env.put("TRAINYARD_AUTH_ENABLED", Boolean.toString(config.authEnabled()));
    if (config.authEnabled()) {
      env.put(
          "TRAINYARD_AUTH_PUBLIC_KEY_LOCATION", DevKeys.publicKeyFile(config.authDir()).toString());
    }
    return Collections.unmodifiableMap(env);
  }

  private void awaitReady(Map<String, Launch> launches) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Map<String, Launch> pending = new LinkedHashMap<>(launches);
    long deadline = System.nanoTime() + SERVICES_READY_TIMEOUT.toNanos();
    List<String> failures = new ArrayList<>();
    while (!pending.isEmpty()) {
      Map<String, CompletableFuture<Integer>> probes = new LinkedHashMap<>();
      pending.forEach((service, launch) -> probes.put(service, probeReady(http, launch.port())));
      for (Map.Entry<String, CompletableFuture<Integer>> probe : probes.entrySet()) {
        String service = probe.getKey();
        Launch launch = pending.get(service);
        int status = probe.getValue().join();
        if (status == 200) {
          progress.accept(
              service
                  + ": ready on http://127.0.0.1:"
                  + launch.port()
                  + (launch.alreadyListening()
                      ? ""
                      : " after " + seconds(System.nanoTime() - launch.startNanos())));
          pending.remove(service);
        } else if (launch.process().isPresent() && !launch.process().get().isAlive()) {
          deletePidFile(service);
          failures.add(
              service
                  + " exited while starting; see "
                  + logFile(service)
                  + "\n"
                  + Processes.tail(logFile(service), 15));
          pending.remove(service);
        }
      }
      if (!pending.isEmpty() && System.nanoTime() > deadline) {
        for (Map.Entry<String, Launch> entry : pending.entrySet()) {
          Launch launch = entry.getValue();
          failures.add(
              entry.getKey()
                  + " is not ready on http://127.0.0.1:"
                  + launch.port()
                  + "/q/health/ready after "
                  + SERVICES_READY_TIMEOUT.toSeconds()
                  + " s"
                  + (launch.process().isEmpty()
                      ? " (port taken by a process trainyard did not start)"
                      : "")
                  + "; see "
                  + logFile(entry.getKey()));
        }
        break;
      }
      if (!pending.isEmpty()) {
        Processes.sleep(Duration.ofMillis(500));
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(
          String.join("\n", failures)
              + "\nServices that did start keep running; ./trainyard down stops them.");
    }
  }

  /** HTTP status of {@code /q/health/ready}, or -1 when nothing answers. */
  private static CompletableFuture<Integer> probeReady(HttpClient http, int port) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
            .timeout(Duration.ofSeconds(3))
            .GET()
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .thenApply(HttpResponse::statusCode)
        .exceptionally(e -> -1);
  }

  // ---------------------------------------------------------------------------------------------
  // Stopping

  /**
   * Stops everything this stack started (services first, then S3 and Kafka, then PostgreSQL if it
   * started it): SIGTERM, then SIGKILL after a grace period; then checks that their ports are
   * closed. Components it did not start are left running (and reported).
   *
   * @throws IllegalStateException if a stopped component's port still answers
   */
  public void stopAll() {
    withLock(
        () -> {
          Map<String, List<Integer>> stopped = new LinkedHashMap<>();
          List<String> services = new ArrayList<>(StackConfig.SERVICES);
          Collections.reverse(services);
          Map<String, List<Integer>> servicePorts = new LinkedHashMap<>();
          for (String service : services) {
            servicePorts.put(service, List.of(config.servicePort(service)));
          }
          stopGroup(servicePorts, SERVICE_STOP_GRACE, stopped);
          Map<String, List<Integer>> infra = new LinkedHashMap<>();
          infra.put(S3, List.of(config.s3Port()));
          infra.put(KAFKA, List.of(config.kafkaPort(), config.kafkaControllerPort()));
          stopGroup(infra, INFRA_STOP_GRACE, stopped);
          stopPostgresIfStartedHere();
          if (stopped.isEmpty()) {
            progress.accept("nothing to stop: no process of this stack runs");
          }
          List<String> stillOpen = new ArrayList<>();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          for (Map.Entry<String, List<Integer>> entry : stopped.entrySet()) {
            for (int port : entry.getValue()) {
              while (Processes.portOpen("127.0.0.1", port) && System.nanoTime() < deadline) {
                Processes.sleep(Duration.ofMillis(100));
              }
              if (Processes.portOpen("127.0.0.1", port)) {
                stillOpen.add(entry.getKey() + " (127.0.0.1:" + port + ")");
              }
            }
          }
          if (!stillOpen.isEmpty()) {
            throw new IllegalStateException(
                "stopped, but ports still answer: "
                    + String.join(", ", stillOpen)
                    + "; another process holds them (see ss -ltnp)");
          }
        });
  }

  private void stopGroup(
      Map<String, List<Integer>> components, Duration grace, Map<String, List<Integer>> stopped) {
    Map<String, ProcessHandle> running = new LinkedHashMap<>();
    for (Map.Entry<String, List<Integer>> entry : components.entrySet()) {
      String component = entry.getKey();
      Optional<ProcessHandle> process = ourProcess(component);
      if (process.isPresent()) {
        running.put(component, process.get());
        process.get().destroy(); // SIGTERM: all of the group at once
      } else {
        deletePidFile(component);
        int port = entry.getValue().get(0);
        if (Processes.portOpen("127.0.0.1", port)) {
          progress.accept(
              component
                  + ": left running on 127.0.0.1:"
                  + port
                  + " (external: not started by trainyard)");
        }
      }
    }
    long start = System.nanoTime();
    List<String> survivors = new ArrayList<>();
    for (Map.Entry<String, ProcessHandle> entry : running.entrySet()) {
      String component = entry.getKey();
      ProcessHandle process = entry.getValue();
      Duration left = grace.minusNanos(System.nanoTime() - start);
      boolean graceful = Processes.awaitExit(process, left.isNegative() ? Duration.ZERO : left);
      if (!graceful) {
        process.destroyForcibly();
        if (!Processes.awaitExit(process, Duration.ofSeconds(10))) {
          survivors.add(component + " (pid " + process.pid() + ")");
          continue;
        }
      }
      deletePidFile(component);
      stopped.put(component, components.get(component));
      progress.accept(
          "stopped "
              + component
              + " (pid "
              + process.pid()
              + ")"
              + (graceful
                  ? " in " + seconds(System.nanoTime() - start)
                  : ": killed after " + grace.toSeconds() + " s"));
    }
    if (!survivors.isEmpty()) {
      throw new IllegalStateException(
          "could not stop " + String.join(", ", survivors) + " even with SIGKILL");
    }
  }

  private void stopPostgresIfStartedHere() {
    Path marker = postgresMarker();
    if (!Files.isRegularFile(marker)) {
      return;
    }
    String version;
    try {
      version = Files.readString(marker).trim();
    } catch (IOException e) {
      return;
    }
    Optional<Path> pgCtlCluster = Processes.onPath("pg_ctlcluster");
    if (pgCtlCluster.isEmpty() || version.isEmpty()) {
      return;
    }
    int exit =
        runToLog(
            List.of(
                pgCtlCluster.get().toString(),
                "--skip-systemctl-redirect",
                version,
                "main",
                "stop"),
            logFile(POSTGRESQL),
            POSTGRESQL_START_TIMEOUT);
    if (exit == 0) {
      progress.accept("stopped postgresql (cluster " + version + " main, which up had started)");
    } else {
      progress.accept(
          "postgresql: pg_ctlcluster " + version + " main stop failed; see " + logFile(POSTGRESQL));
    }
    try {
      Files.deleteIfExists(marker);
    } catch (IOException e) {
      // best effort
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Status

  /** Kafka, S3, PostgreSQL and every service: pid, port and health. */
  public List<ComponentStatus> status() {
    List<ComponentStatus> result = new ArrayList<>();
    result.add(kafkaStatus());
    result.add(s3Status());
    result.add(postgresStatus());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Map<String, CompletableFuture<Integer>> probes = new LinkedHashMap<>();
    for (String service : StackConfig.SERVICES) {
      int port = config.servicePort(service);
      probes.put(
          service,
          Processes.portOpen("127.0.0.1", port)
              ? probeReady(http, port)
              : CompletableFuture.completedFuture(-1));
    }
    for (String service : StackConfig.SERVICES) {
      int port = config.servicePort(service);
      int code = probes.get(service).join();
      result.add(
          componentStatus(
              service,
              port,
              () ->
                  code == 200
                      ? new Probe(true, "http://127.0.0.1:" + port)
                      : new Probe(
                          false,
                          code < 0
                              ? "no answer on /q/health/ready"
                              : "/q/health/ready answered " + code)));
    }
    return result;
  }

  private record Probe(boolean healthy, String detail) {}

  private ComponentStatus componentStatus(String name, int port, Supplier<Probe> check) {
    Optional<ProcessHandle> process = ourProcess(name);
    boolean listening = Processes.portOpen("127.0.0.1", port);
    OptionalLong pid = process.map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty());
    if (!listening && process.isEmpty()) {
      return new ComponentStatus(name, pid, false, port, Health.NOT_RUNNING, "");
    }
    if (!listening) {
      return new ComponentStatus(
          name, pid, false, port, Health.DOWN, "starting or stuck; see " + logFile(name));
    }
    Probe probe = check.get();
    return new ComponentStatus(
        name,
        pid,
        process.isEmpty(),
        port,
        probe.healthy() ? Health.UP : Health.DOWN,
        probe.detail());
  }

  private ComponentStatus kafkaStatus() {
    return componentStatus(
        KAFKA,
        config.kafkaPort(),
        () -> {
          try (Admin admin = admin(Duration.ofSeconds(5))) {
            int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
            return new Probe(true, config.kafkaBootstrapServers() + ", " + nodes + " broker");
          } catch (Exception e) {
            return new Probe(false, "not answering as a Kafka broker: " + rootMessage(e));
          }
        });
  }

  private ComponentStatus s3Status() {
    return componentStatus(
        S3,
        config.s3Port(),
        () -> {
          try {
            boolean exists =
                minio().bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build());
            return exists
                ? new Probe(true, config.s3Endpoint() + ", bucket " + config.bucket())
                : new Probe(false, "bucket " + config.bucket() + " missing");
          } catch (Exception e) {
            return new Probe(false, "not answering as S3: " + rootMessage(e));
          }
        });
  }

  private ComponentStatus postgresStatus() {
    int port = config.pgPort();
    boolean listening = Processes.portOpen(config.pgHost(), port);
    boolean startedHere = Files.isRegularFile(postgresMarker());
    if (!listening) {
      return new ComponentStatus(POSTGRESQL, null, false, port, Health.NOT_RUNNING, "");
    }
    OptionalLong pid = OptionalLong.empty();
    if (startedHere) {
      pid = postmasterPid();
    }
    try (Connection c = connect(config.database());
        Statement s = c.createStatement()) {
      s.execute("SELECT 1");
      return new ComponentStatus(
          POSTGRESQL,
          pid,
          !startedHere,
          port,
          Health.UP,
          config.pgHost() + ":" + port + "/" + config.database());
    } catch (SQLException e) {
      return new ComponentStatus(POSTGRESQL, pid, !startedHere, port, Health.DOWN, rootMessage(e));
    }
  }

  private OptionalLong postmasterPid() {
    try {
      String version = Files.readString(postgresMarker()).trim();
      Path pidFile = Path.of("/var/run/postgresql", version + "-main.pid");
      return OptionalLong.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null
        ? root.getClass().getSimpleName()
        : message.lines().findFirst().orElse("");
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /**
   * The live process of {@code component} this stack started: from its pid file if that pid still
   * runs the component, else found by its command-line markers (the pid file is then rewritten). A
   * stale pid file is removed.
   */
  Optional<ProcessHandle> ourProcess(String component) {
    Path pidFile = pidFile(component);
    Optional<Long> pid = Processes.readPid(pidFile);
    if (pid.isPresent()) {
      Optional<ProcessHandle> handle = ProcessHandle.of(pid.get());
      if (handle.isPresent()
          && handle.get().isAlive()
          && Processes.isOurs(handle.get(), component, config.home())) {
        return handle;
      }
    }
    Optional<ProcessHandle> found = Processes.findByMarkers(component, config.home());
    try {
      if (found.isPresent()) {
        Processes.writePid(pidFile, found.get().pid());
      } else if (Files.exists(pidFile)) {
        Files.deleteIfExists(pidFile);
      }
    } catch (IOException e) {
      // the state directory may be read-only for status: the answer stands
    }
    return found;
  }

  private void deletePidFile(String component) {
    try {
      Files.deleteIfExists(pidFile(component));
    } catch (IOException e) {
      // best effort
    }
  }

  private void withLock(Runnable action) {
    ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(config.home(), h -> new ReentrantLock());
    jvmLock.lock();
    try {
      Files.createDirectories(config.home());
      try (FileChannel channel =
              FileChannel.open(
                  config.home().resolve("stack.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        action.run();
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot lock " + config.home().resolve("stack.lock") + ": " + e, e);
    } finally {
      jvmLock.unlock();
    }
  }

  /** Runs a short-lived command with its output appended to {@code log}; returns its exit code. */
  private static int runToLog(List<String> command, Path log, Duration timeout) {
    try {
      Files.createDirectories(log.getParent());
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectErrorStream(true)
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The classpath a runtime module recorded at build time, checked for missing jars. */
  static String runtimeClasspath(String resource, String module) {
    String classpath = resourceText(resource).trim();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty() && !Files.exists(Path.of(entry))) {
        throw new IllegalStateException(
            "a jar recorded when "
                + module
                + " was built is missing: "
                + entry
                + ". Rebuild it: mvn install -pl deploy/local/"
                + module.substring("trainyard-local-".length())
                + " (or TRAINYARD_REBUILD=1 ./trainyard ...)");
      }
    }
    return classpath;
  }

  private static String resourceText(String resource) {
    try (InputStream in = LocalStack.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            resource
                + " is not on the classpath: trainyard-local-kafka-runtime and"
                + " trainyard-local-s3-runtime must be (they are dependencies of trainyard-local)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeString(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, content);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file + ": " + e, e);
    }
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
