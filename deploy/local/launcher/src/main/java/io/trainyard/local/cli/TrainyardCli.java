package io.trainyard.local.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trainyard.local.ComponentStatus;
import io.trainyard.local.LocalStack;
import io.trainyard.local.StackConfig;
import io.trainyard.local.auth.DevKeys;
import io.trainyard.local.auth.DevTokens;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ./trainyard}: runs the local stack. */
@Command(
    name = "trainyard",
    mixinStandardHelpOptions = true,
    versionProvider = TrainyardCli.Version.class,
    description = {
      "Runs Trainyard on this machine: a Kafka broker (KRaft), an S3 server (S3Proxy),"
          + " PostgreSQL and the services.",
      ""
    },
    subcommands = {
      TrainyardCli.Up.class,
      TrainyardCli.Down.class,
      TrainyardCli.Status.class,
      TrainyardCli.Token.class,
      TrainyardCli.Demo.class,
      TrainyardCli.ExampleData.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", TrainyardCli.ENVIRONMENT})
public final class TrainyardCli implements Callable<Integer> {

  static final String ENVIRONMENT =
      "Environment (defaults in brackets):%n"
          + "  TRAINYARD_HOME                   state: data, logs/, pids/ [~/.trainyard]%n"
          + "  TRAINYARD_KAFKA_PORT             Kafka broker port [9092]%n"
          + "  TRAINYARD_KAFKA_CONTROLLER_PORT  Kafka controller port [9093]%n"
          + "  TRAINYARD_S3_PORT                S3 port [9000]%n"
          + "  TRAINYARD_S3_ACCESS_KEY          [trainyard]%n"
          + "  TRAINYARD_S3_SECRET_KEY          [trainyard-secret]%n"
          + "  TRAINYARD_S3_BUCKET              [trainyard]%n"
          + "  TRAINYARD_PG_HOST                PostgreSQL host [127.0.0.1]%n"
          + "  TRAINYARD_PG_PORT                PostgreSQL port [5432]%n"
          + "  TRAINYARD_PG_USER                [postgres]%n"
          + "  TRAINYARD_PG_PASSWORD            [empty]%n"
          + "  TRAINYARD_PG_DATABASE            [trainyard]%n"
          + "  TRAINYARD_<SERVICE>_PORT         a service's HTTP port: CONSOLE [8080],%n"
          + "                                   INGESTION [8081], LABELING [8082],%n"
          + "                                   TRAINING [8083], EVALUATION [8084],%n"
          + "                                   DRIFT_MONITOR [8085]%n"
          + "  TRAINYARD_AUTH                   on: services verify JWT bearer tokens signed by%n"
          + "                                   the key in TRAINYARD_HOME/auth; off: no auth,%n"
          + "                                   loopback only (like up --no-auth) [on]%n"
          + "  TRAINYARD_ROOT                   the repository (set by ./trainyard)%n"
          + "  TRAINYARD_REBUILD=1              ./trainyard rebuilds the project first%n"
          + "A port that already answers is used as it is (shown as external).";

  /** Exit code of a command that failed. */
  static final int FAILED = 1;

  /** Exit code of a usage error, or of a command that does not exist yet. */
  static final int USAGE = 2;

  private final Map<String, String> env;

  @Spec CommandLine.Model.CommandSpec spec;

  public TrainyardCli() {
    this(System.getenv());
  }

  public TrainyardCli(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public static void main(String[] args) {
    // The CLI's SLF4J binding (slf4j-simple) speaks only about problems.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(commandLine(new TrainyardCli()).execute(args));
  }

  /** The configured command line: failures of a command print one message and exit 1. */
  public static CommandLine commandLine(TrainyardCli cli) {
    CommandLine commandLine = new CommandLine(cli);
    commandLine.setExecutionExceptionHandler(
        (e, cl, parseResult) -> {
          if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
            cl.getErr().println("trainyard: " + e.getMessage());
            cl.getErr().flush();
            return FAILED;
          }
          throw e;
        });
    return commandLine;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  StackConfig config() {
    return StackConfig.fromEnvironment(env);
  }

  LocalStack stack(PrintWriter out) {
    return stack(config(), out);
  }

  LocalStack stack(StackConfig config, PrintWriter out) {
    return new LocalStack(
        config,
        line -> {
          out.println("  " + line);
          out.flush();
        });
  }

  Path repoRoot() {
    String root = env.get("TRAINYARD_ROOT");
    return Path.of(root == null || root.isBlank() ? "." : root).toAbsolutePath().normalize();
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = {
        "Starts what is not running: Kafka (and creates the catalogue topics and their dead-letter"
            + " topics), S3 (and the bucket), PostgreSQL (and the database), then every packaged"
            + " service, and waits until each is ready. Idempotent.",
        "Services verify JWT bearer tokens signed by the local key (TRAINYARD_HOME/auth, created"
            + " if missing; mint one with ./trainyard token --role <role>), unless --no-auth or"
            + " TRAINYARD_AUTH=off. Services already running keep the mode they started with.",
        ""
      },
      footer = {"", ENVIRONMENT})
  static final class Up implements Callable<Integer> {
    @ParentCommand TrainyardCli parent;
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--infra-only",
        description = "Start Kafka, S3 and PostgreSQL only, not the services.")
    boolean infraOnly;

    @Option(
        names = "--no-auth",
        description =
            "Run the services without authentication: every request acts as an admin. They listen"
                + " on 127.0.0.1 only. The same as TRAINYARD_AUTH=off.")
    boolean noAuth;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      StackConfig config = parent.config();
      if (noAuth) {
        config = config.withAuthEnabled(false);
      }
      LocalStack stack = parent.stack(config, out);
      long start = System.nanoTime();
      out.println("Starting the infrastructure (state in " + config.home() + ")");
      out.flush();
      stack.ensureInfrastructure();
      List<String> services = List.of();
      if (!infraOnly) {
        Path root = parent.repoRoot();
        services = LocalStack.servicesIn(root);
        out.println("Starting the services of " + root);
        out.flush();
        stack.startServices(root);
      }
      out.printf(
          Locale.ROOT,
          "%nUp in %.1f s. Logs in %s%n",
          (System.nanoTime() - start) / 1e9,
          config.home().resolve("logs"));
      out.printf(Locale.ROOT, "  %-13s %s%n", "Kafka", config.kafkaBootstrapServers());
      out.printf(
          Locale.ROOT,
          "  %-13s %s  bucket %s  (access key %s)%n",
          "S3",
          config.s3Endpoint(),
          config.bucket(),
          config.s3AccessKey());
      out.printf(
          Locale.ROOT,
          "  %-13s %s:%d/%s  (user %s)%n",
          "PostgreSQL",
          config.pgHost(),
          config.pgPort(),
          config.database(),
          config.pgUser());
      for (String service : services) {
        out.printf(
            Locale.ROOT, "  %-13s http://127.0.0.1:%d%n", service, config.servicePort(service));
      }
      if (!infraOnly) {
        if (config.authEnabled()) {
          out.printf(
              Locale.ROOT,
              "  %-13s on: send Authorization: Bearer $(./trainyard token --role viewer)%n",
              "Auth");
        } else {
          out.printf(
              Locale.ROOT,
              "  %-13s OFF: every request acts as an admin (services on 127.0.0.1 only)%n",
              "Auth");
        }
      }
      if (!infraOnly && services.contains("console")) {
        out.printf(
            Locale.ROOT,
            "Open http://127.0.0.1:%d (the console). Stop with ./trainyard down.%n",
            config.servicePort("console"));
      } else {
        out.println("Stop with ./trainyard down.");
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "down",
      mixinStandardHelpOptions = true,
      description = {
        "Stops everything ./trainyard up started (services, S3, Kafka; PostgreSQL only if up"
            + " started it): SIGTERM, then SIGKILL after a grace period. Data stays in"
            + " TRAINYARD_HOME.",
        ""
      },
      footer = {"", ENVIRONMENT})
  static final class Down implements Callable<Integer> {
    @ParentCommand TrainyardCli parent;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.println("Stopping the local stack (state in " + parent.config().home() + ")");
      out.flush();
      parent.stack(out).stopAll();
      out.println("Down.");
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Shows each component: pid (or external, when this stack did not start it), port and"
            + " health. Exits 0 if every running component is healthy, 1 otherwise.",
        ""
      },
      footer = {"", ENVIRONMENT})
  static final class Status implements Callable<Integer> {
    @ParentCommand TrainyardCli parent;
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      List<ComponentStatus> statuses = new LocalStack(parent.config(), line -> {}).status();
      if (json) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ComponentStatus s : statuses) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("name", s.name());
          row.put("pid", s.pid().isPresent() ? s.pid().getAsLong() : null);
          row.put("external", s.external());
          row.put("port", s.port());
          row.put("health", s.health().name());
          row.put("detail", s.detail());
          rows.add(row);
        }
        out.println(
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows));
      } else {
        out.print(table(statuses));
      }
      out.flush();
      return healthy(statuses) ? 0 : FAILED;
    }
  }

  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = {
        "Prints a development token (a JWT signed RS256 by the local key in TRAINYARD_HOME/auth,"
            + " created on first use) for the services started by ./trainyard up. Use it as"
            + " Authorization: Bearer <token>.",
        ""
      },
      footer = {
        "",
        "Example: curl -H \"Authorization: Bearer $(./trainyard token --role viewer)\""
            + " http://127.0.0.1:8082/api/v1/services/labeling",
        "",
        ENVIRONMENT
      })
  static final class Token implements Callable<Integer> {
    @ParentCommand TrainyardCli parent;
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "<role>",
        description =
            "A role of the token: admin (everything), ops, annotator or viewer (read)."
                + " Repeat for several.")
    List<String> roles;

    @Option(
        names = "--subject",
        paramLabel = "<name>",
        description = "Who the token is for (sub and upn claims). Default: your user name.")
    String subject;

    @Option(
        names = "--ttl",
        paramLabel = "<duration>",
        defaultValue = "PT8H",
        description =
            "How long the token is valid, as an ISO 8601 duration. Default: ${DEFAULT-VALUE}.")
    String ttl;

    @Override
    public Integer call() {
      Duration lifetime;
      try {
        lifetime = Duration.parse(ttl);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--ttl must be an ISO 8601 duration such as PT8H or PT30M, not '" + ttl + "'");
      }
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException("--ttl must be positive, not " + ttl);
      }
      DevTokens.checkRoles(roles);
      String who = subject;
      if (who == null || who.isBlank()) {
        who = System.getProperty("user.name", "developer");
      }
      Path dir = parent.config().authDir();
      var keys = DevKeys.loadOrCreate(dir);
      PrintWriter out = spec.commandLine().getOut();
      out.println(DevTokens.mint(keys.getPrivate(), who, roles, Instant.now(), lifetime));
      out.flush();
      return 0;
    }
  }

  /** The status table. */
  static String table(List<ComponentStatus> statuses) {
    StringBuilder out = new StringBuilder();
    String format = "%-14s %-9s %-6s %-12s %s%n";
    out.append(String.format(Locale.ROOT, format, "COMPONENT", "PID", "PORT", "HEALTH", "DETAIL"));
    for (ComponentStatus s : statuses) {
      out.append(
          String.format(
              Locale.ROOT,
              format,
              s.name(),
              s.pidLabel(),
              s.port(),
              s.health().label(),
              s.detail()));
    }
    return out.toString();
  }

  /** Whether every running component is healthy. */
  static boolean healthy(List<ComponentStatus> statuses) {
    return statuses.stream().noneMatch(s -> s.health() == ComponentStatus.Health.DOWN);
  }

  @Command(
      name = "demo",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the whole loop on example data: starts the stack (auth off, loopback only; a stack"
            + " that is already up is used as it is), applies examples/card-fraud.yaml, posts a"
            + " generated card-fraud table, follows training and evaluation to a champion, then"
            + " publishes inference events like the training data and then shifted ones, and"
            + " prints the drift monitor's decisions.",
        "Its last two lines are JSON: {\"champion\": {...}} and {\"drift\": {...}}."
      })
  static final class Demo implements Callable<Integer> {
    @ParentCommand TrainyardCli parent;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      StackConfig config = parent.config().withAuthEnabled(false);
      LocalStack stack = parent.stack(config, out);
      long start = System.nanoTime();
      out.printf(Locale.ROOT, "%-11s %s%n", "stack", "starting (state in " + config.home() + ")");
      out.flush();
      stack.ensureInfrastructure();
      Path root = parent.repoRoot();
      stack.startServices(root);
      out.printf(
          Locale.ROOT,
          "%-11s up in %.1f s; the console is http://127.0.0.1:%d%n",
          "stack",
          (System.nanoTime() - start) / 1e9,
          config.servicePort("console"));
      out.flush();
      // Services that were already up with auth on keep it: send an admin token they accept.
      String authorization = null;
      if (java.nio.file.Files.exists(DevKeys.privateKeyFile(config.authDir()))) {
        var keys = DevKeys.loadOrCreate(config.authDir());
        authorization =
            "Bearer "
                + DevTokens.mint(
                    keys.getPrivate(),
                    "demo",
                    List.of("admin"),
                    Instant.now(),
                    Duration.ofHours(1));
      }
      return new io.trainyard.local.demo.Demo(config, root, authorization, out).run();
    }
  }

  @Command(
      name = "example-data",
      mixinStandardHelpOptions = true,
      description = {
        "Prints a synthetic card-fraud table as CSV: 9 numeric features and a 0/1 `fraud` target"
            + " (about 7.5 % ones), for examples/card-fraud.yaml.",
        "Example: ./trainyard example-data --rows 5000 > card-fraud.csv"
      })
  static final class ExampleData implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--rows",
        defaultValue = "5000",
        description = "Data rows. Default: ${DEFAULT-VALUE}.")
    int rows;

    @Option(
        names = "--seed",
        defaultValue = "42",
        description = "Random seed; the same seed gives the same bytes. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
        names = "--shift",
        defaultValue = "0",
        description =
            "How far the features move from the training distribution (0 none, 1 strong drift)."
                + " Default: ${DEFAULT-VALUE}.")
    double shift;

    @Override
    public Integer call() {
      if (rows < 1) {
        throw new IllegalArgumentException("--rows must be at least 1, not " + rows);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(io.trainyard.local.examples.CardFraud.csv(rows, seed, shift));
      out.flush();
      return 0;
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TrainyardCli.class.getPackage().getImplementationVersion();
      return new String[] {"trainyard " + (version == null ? "(development build)" : version)};
    }
  }
}
