package io.trainyard.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainyardCliTest {

  @TempDir Path home;

  private record Run(int exit, String out, String err) {}

  private Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TrainyardCli.commandLine(new TrainyardCli(env));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void helpListsTheCommandsAndEveryEnvironmentVariable() {
    Run run = run(Map.of(), "--help");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("up", "down", "status", "demo");
    assertThat(run.out())
        .contains(
            "TRAINYARD_HOME",
            "TRAINYARD_KAFKA_PORT",
            "TRAINYARD_KAFKA_CONTROLLER_PORT",
            "TRAINYARD_S3_PORT",
            "TRAINYARD_S3_ACCESS_KEY",
            "TRAINYARD_S3_SECRET_KEY",
            "TRAINYARD_S3_BUCKET",
            "TRAINYARD_PG_HOST",
            "TRAINYARD_PG_PORT",
            "TRAINYARD_PG_USER",
            "TRAINYARD_PG_PASSWORD",
            "TRAINYARD_PG_DATABASE",
            "TRAINYARD_<SERVICE>_PORT",
            "DRIFT_MONITOR [8085]",
            "TRAINYARD_AUTH",
            "TRAINYARD_REBUILD");
    assertThat(run.out()).contains("token");
  }

  @Test
  void eachCommandHasItsOwnHelp() {
    Run up = run(Map.of(), "up", "--help");
    assertThat(up.exit()).isZero();
    assertThat(up.out()).contains("--infra-only", "--no-auth", "TRAINYARD_KAFKA_PORT");
    Run token = run(Map.of(), "token", "--help");
    assertThat(token.exit()).isZero();
    assertThat(token.out()).contains("--role", "--subject", "--ttl");
    Run status = run(Map.of(), "help", "status");
    assertThat(status.exit()).isZero();
    assertThat(status.out()).contains("--json");
  }

  @Test
  void exampleDataPrintsTheSameCsvForTheSameSeed() {
    Run first = run(Map.of(), "example-data", "--rows", "200", "--seed", "7");
    assertThat(first.exit()).isZero();
    String[] lines = first.out().split("\n");
    assertThat(lines).hasSize(201);
    assertThat(lines[0]).isEqualTo(io.trainyard.local.examples.CardFraud.HEADER);
    assertThat(lines[1].split(",")).hasSize(10);
    long frauds =
        java.util.Arrays.stream(lines).skip(1).filter(line -> line.endsWith(",1")).count();
    assertThat(frauds).isBetween(3L, 40L);
    assertThat(run(Map.of(), "example-data", "--rows", "200", "--seed", "7").out())
        .isEqualTo(first.out());
    assertThat(run(Map.of(), "example-data", "--rows", "200", "--seed", "8").out())
        .isNotEqualTo(first.out());
    Run bad = run(Map.of(), "example-data", "--rows", "0");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err()).contains("--rows must be at least 1");
  }

  @Test
  void demoDescribesWhatItRuns() {
    Run run = run(Map.of(), "demo", "--help");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("examples/card-fraud.yaml", "champion", "drift");
  }

  @Test
  void noCommandOrAnUnknownOneIsAUsageError() {
    assertThat(run(Map.of()).exit()).isEqualTo(2);
    Run unknown = run(Map.of(), "launch");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("launch");
  }

  @Test
  void aBadVariableFailsWithOneClearLine() {
    Run run = run(Map.of("TRAINYARD_KAFKA_PORT", "kafka"), "status");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().strip())
        .startsWith("trainyard: TRAINYARD_KAFKA_PORT")
        .doesNotContain("\tat ");
  }

  @Test
  void statusJsonOfAStoppedStackIsHealthy() throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("TRAINYARD_HOME", home.toString());
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket c = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      env.put("TRAINYARD_KAFKA_PORT", Integer.toString(a.getLocalPort()));
      env.put("TRAINYARD_S3_PORT", Integer.toString(b.getLocalPort()));
      env.put("TRAINYARD_PG_PORT", Integer.toString(c.getLocalPort()));
    }
    for (String service : io.trainyard.local.StackConfig.SERVICES) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        env.put(io.trainyard.local.StackConfig.servicePortVariable(service), "" + s.getLocalPort());
      }
    }

    Run run = run(env, "status", "--json");

    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode rows = new ObjectMapper().readTree(run.out());
    assertThat(rows).hasSize(9);
    assertThat(rows.get(0).get("name").asText()).isEqualTo("kafka");
    assertThat(rows.get(0).get("port").asInt())
        .isEqualTo(Integer.parseInt(env.get("TRAINYARD_KAFKA_PORT")));
    assertThat(rows).allSatisfy(r -> assertThat(r.get("health").asText()).isEqualTo("NOT_RUNNING"));
    assertThat(rows).allSatisfy(r -> assertThat(r.get("pid").isNull()).isTrue());

    Run table = run(env, "status");
    assertThat(table.out()).startsWith("COMPONENT").contains("drift-monitor", "not running");
  }

  @Test
  void tokenPrintsAJwtSignedByTheKeyItCreatesUnderHomeAuth() throws Exception {
    Map<String, String> env = Map.of("TRAINYARD_HOME", home.toString());

    Run run = run(env, "token", "--role", "ops", "--subject", "alice", "--ttl", "PT30M");

    assertThat(run.exit()).as(run.err()).isZero();
    String token = run.out().strip();
    assertThat(run.out().lines()).hasSize(1);
    Path auth = home.resolve("auth");
    JsonNode claims =
        io.trainyard.local.auth.DevTokensTest.verify(
            token, io.trainyard.local.auth.DevKeys.readPublicKey(auth.resolve("public-key.pem")));
    assertThat(claims.get("sub").asText()).isEqualTo("alice");
    assertThat(claims.get("groups").get(0).asText()).isEqualTo("ops");
    assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(1800);
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(auth.resolve("private-key.pem"))))
        .isEqualTo("rw-------");

    // The next token comes from the same key; the default subject is the user, the ttl 8 hours.
    Run again = run(env, "token", "--role", "viewer", "--role", "annotator");
    assertThat(again.exit()).as(again.err()).isZero();
    JsonNode second =
        io.trainyard.local.auth.DevTokensTest.verify(
            again.out().strip(),
            io.trainyard.local.auth.DevKeys.readPublicKey(auth.resolve("public-key.pem")));
    assertThat(second.get("sub").asText()).isEqualTo(System.getProperty("user.name"));
    assertThat(second.get("groups")).hasSize(2);
    assertThat(second.get("exp").asLong() - second.get("iat").asLong()).isEqualTo(8 * 3600);
  }

  @Test
  void tokenRefusesUnknownRolesBadTtlsAndNoRole() {
    Map<String, String> env = Map.of("TRAINYARD_HOME", home.toString());
    Run role = run(env, "token", "--role", "root");
    assertThat(role.exit()).isEqualTo(1);
    assertThat(role.err()).contains("unknown role 'root'").doesNotContain("\tat ");
    Run ttl = run(env, "token", "--role", "ops", "--ttl", "8h");
    assertThat(ttl.exit()).isEqualTo(1);
    assertThat(ttl.err()).contains("--ttl must be an ISO 8601 duration");
    Run none = run(env, "token");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("--role");
  }
}
