package io.trainyard.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the local stack lives and how to reach it. Every value comes from an environment variable
 * with a default, so that {@code ./trainyard}, the test harness and the services agree.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>TRAINYARD_HOME</td><td>~/.trainyard</td></tr>
 *   <tr><td>TRAINYARD_KAFKA_PORT</td><td>9092</td></tr>
 *   <tr><td>TRAINYARD_KAFKA_CONTROLLER_PORT</td><td>9093</td></tr>
 *   <tr><td>TRAINYARD_S3_PORT</td><td>9000</td></tr>
 *   <tr><td>TRAINYARD_S3_ACCESS_KEY</td><td>trainyard</td></tr>
 *   <tr><td>TRAINYARD_S3_SECRET_KEY</td><td>trainyard-secret</td></tr>
 *   <tr><td>TRAINYARD_S3_BUCKET</td><td>trainyard</td></tr>
 *   <tr><td>TRAINYARD_PG_HOST</td><td>127.0.0.1</td></tr>
 *   <tr><td>TRAINYARD_PG_PORT</td><td>5432</td></tr>
 *   <tr><td>TRAINYARD_PG_USER</td><td>postgres</td></tr>
 *   <tr><td>TRAINYARD_PG_PASSWORD</td><td>(empty)</td></tr>
 *   <tr><td>TRAINYARD_PG_DATABASE</td><td>trainyard</td></tr>
 *   <tr><td>TRAINYARD_&lt;SERVICE&gt;_PORT</td><td>console 8080, ingestion 8081, labeling 8082,
 *       training 8083, evaluation 8084, drift-monitor 8085 (TRAINYARD_DRIFT_MONITOR_PORT)</td></tr>
 *   <tr><td>TRAINYARD_AUTH</td><td>on (off: services run without auth, on loopback)</td></tr>
 * </table>
 *
 * <p>An empty variable counts as unset.
 *
 * @param home the state directory: Kafka and S3 data, {@code logs/}, {@code pids/}
 * @param servicePorts HTTP port of each service, keyed by service name
 * @param authEnabled whether services verify JWT bearer tokens (with the key in {@link #authDir()})
 */
public record StackConfig(
    Path home,
    int kafkaPort,
    int kafkaControllerPort,
    int s3Port,
    String s3AccessKey,
    String s3SecretKey,
    String bucket,
    String pgHost,
    int pgPort,
    String pgUser,
    String pgPassword,
    String database,
    Map<String, Integer> servicePorts,
    boolean authEnabled) {

  /** The services under {@code services/}, in start order (the console, the front door, last). */
  public static final List<String> SERVICES =
      List.of("ingestion", "labeling", "training", "evaluation", "drift-monitor", "console");

  /** Default HTTP port of each service. */
  public static final Map<String, Integer> DEFAULT_SERVICE_PORTS =
      Map.of(
          "console", 8080,
          "ingestion", 8081,
          "labeling", 8082,
          "training", 8083,
          "evaluation", 8084,
          "drift-monitor", 8085);

  public static final int DEFAULT_KAFKA_PORT = 9092;
  public static final int DEFAULT_KAFKA_CONTROLLER_PORT = 9093;
  public static final int DEFAULT_S3_PORT = 9000;
  public static final int DEFAULT_PG_PORT = 5432;

  public StackConfig {
    Objects.requireNonNull(home, "home");
    home = home.toAbsolutePath().normalize();
    checkPort("kafkaPort", kafkaPort);
    checkPort("kafkaControllerPort", kafkaControllerPort);
    checkPort("s3Port", s3Port);
    checkPort("pgPort", pgPort);
    if (kafkaPort == kafkaControllerPort) {
      throw new IllegalArgumentException(
          "the Kafka broker and controller ports must differ (both " + kafkaPort + ")");
    }
    Objects.requireNonNull(s3AccessKey, "s3AccessKey");
    Objects.requireNonNull(s3SecretKey, "s3SecretKey");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(pgHost, "pgHost");
    Objects.requireNonNull(pgUser, "pgUser");
    Objects.requireNonNull(pgPassword, "pgPassword");
    Objects.requireNonNull(database, "database");
    if (database.isBlank()) {
      throw new IllegalArgumentException("the database name is empty");
    }
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String service : SERVICES) {
      Integer port = servicePorts.get(service);
      ports.put(service, port == null ? DEFAULT_SERVICE_PORTS.get(service) : port);
    }
    servicePorts.forEach(
        (service, port) -> {
          checkPort(service + " port", port);
          ports.putIfAbsent(service, port);
        });
    servicePorts = java.util.Collections.unmodifiableMap(ports);
  }

  /** The configuration of this process's environment ({@link System#getenv()}). */
  public static StackConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** The configuration described by {@code env}; unset variables take their defaults. */
  public static StackConfig fromEnvironment(Map<String, String> env) {
    Map<String, Integer> servicePorts = new LinkedHashMap<>();
    for (String service : SERVICES) {
      servicePorts.put(
          service, port(env, servicePortVariable(service), DEFAULT_SERVICE_PORTS.get(service)));
    }
    return new StackConfig(
        home(env),
        port(env, "TRAINYARD_KAFKA_PORT", DEFAULT_KAFKA_PORT),
        port(env, "TRAINYARD_KAFKA_CONTROLLER_PORT", DEFAULT_KAFKA_CONTROLLER_PORT),
        port(env, "TRAINYARD_S3_PORT", DEFAULT_S3_PORT),
        string(env, "TRAINYARD_S3_ACCESS_KEY", "trainyard"),
        string(env, "TRAINYARD_S3_SECRET_KEY", "trainyard-secret"),
        string(env, "TRAINYARD_S3_BUCKET", "trainyard"),
        string(env, "TRAINYARD_PG_HOST", "127.0.0.1"),
        port(env, "TRAINYARD_PG_PORT", DEFAULT_PG_PORT),
        string(env, "TRAINYARD_PG_USER", "postgres"),
        string(env, "TRAINYARD_PG_PASSWORD", ""),
        string(env, "TRAINYARD_PG_DATABASE", "trainyard"),
        servicePorts,
        onOff(env, "TRAINYARD_AUTH", true));
  }

  /** {@code TRAINYARD_<SERVICE>_PORT}, e.g. {@code TRAINYARD_DRIFT_MONITOR_PORT}. */
  public static String servicePortVariable(String service) {
    return "TRAINYARD_" + service.replace('-', '_').toUpperCase(Locale.ROOT) + "_PORT";
  }

  /** {@code 127.0.0.1:<TRAINYARD_KAFKA_PORT>}. */
  public String kafkaBootstrapServers() {
    return "127.0.0.1:" + kafkaPort;
  }

  /** {@code http://127.0.0.1:<TRAINYARD_S3_PORT>}. */
  public String s3Endpoint() {
    return "http://127.0.0.1:" + s3Port;
  }

  /** JDBC URL of {@link #database()}. */
  public String jdbcUrl() {
    return jdbcUrl(database);
  }

  String jdbcUrl(String db) {
    return "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + db;
  }

  /** This configuration with another database (tests use their own). */
  public StackConfig withDatabase(String database) {
    return new StackConfig(
        home,
        kafkaPort,
        kafkaControllerPort,
        s3Port,
        s3AccessKey,
        s3SecretKey,
        bucket,
        pgHost,
        pgPort,
        pgUser,
        pgPassword,
        database,
        servicePorts,
        authEnabled);
  }

  /** This configuration with auth on or off ({@code ./trainyard up --no-auth}). */
  public StackConfig withAuthEnabled(boolean enabled) {
    return new StackConfig(
        home,
        kafkaPort,
        kafkaControllerPort,
        s3Port,
        s3AccessKey,
        s3SecretKey,
        bucket,
        pgHost,
        pgPort,
        pgUser,
        pgPassword,
        database,
        servicePorts,
        enabled);
  }

  /** {@code <home>/auth}: the key that signs development tokens and that services verify with. */
  public Path authDir() {
    return home.resolve("auth");
  }

  /**
   * The HTTP port of a service ({@code ingestion}, ..., {@code drift-monitor}, {@code console}).
   *
   * @throws IllegalArgumentException for an unknown service
   */
  public int servicePort(String service) {
    Integer port = servicePorts.get(service);
    if (port == null) {
      throw new IllegalArgumentException(
          "unknown service '" + service + "'; known: " + String.join(", ", servicePorts.keySet()));
    }
    return port;
  }

  /** The state directory of the stack, {@code TRAINYARD_HOME} or {@code ~/.trainyard}. */
  private static Path home(Map<String, String> env) {
    String value = env.get("TRAINYARD_HOME");
    String userHome = System.getProperty("user.home");
    if (value == null || value.isBlank()) {
      return Path.of(userHome, ".trainyard");
    }
    if (value.equals("~")) {
      return Path.of(userHome);
    }
    if (value.startsWith("~/")) {
      return Path.of(userHome, value.substring(2));
    }
    return Path.of(value);
  }

  private static String string(Map<String, String> env, String name, String defaultValue) {
    String value = env.get(name);
    return value == null || value.isEmpty() ? defaultValue : value;
  }

  private static boolean onOff(Map<String, String> env, String name, boolean defaultValue) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "on", "true", "1", "yes" -> true;
      case "off", "false", "0", "no" -> false;
      default ->
          throw new IllegalArgumentException(name + " must be on or off, not '" + value + "'");
    };
  }

  private static int port(Map<String, String> env, String name, int defaultValue) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    int port;
    try {
      port = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a port number, not '" + value + "'");
    }
    try {
      checkPort(name, port);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " must be between 1 and 65535, not " + port);
    }
    return port;
  }

  private static void checkPort(String what, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + " must be between 1 and 65535, not " + port);
    }
  }
}
