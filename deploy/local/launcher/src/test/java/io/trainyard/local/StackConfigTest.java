package io.trainyard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackConfigTest {

  private static final Path USER_HOME = Path.of(System.getProperty("user.home"));

  @Test
  void defaultsWhenNothingIsSet() {
    StackConfig config = StackConfig.fromEnvironment(Map.of());

    assertThat(config.home()).isEqualTo(USER_HOME.resolve(".trainyard"));
    assertThat(config.kafkaBootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(config.kafkaControllerPort()).isEqualTo(9093);
    assertThat(config.s3Endpoint()).isEqualTo("http://127.0.0.1:9000");
    assertThat(config.s3AccessKey()).isEqualTo("trainyard");
    assertThat(config.s3SecretKey()).isEqualTo("trainyard-secret");
    assertThat(config.bucket()).isEqualTo("trainyard");
    assertThat(config.pgHost()).isEqualTo("127.0.0.1");
    assertThat(config.pgPort()).isEqualTo(5432);
    assertThat(config.pgUser()).isEqualTo("postgres");
    assertThat(config.pgPassword()).isEmpty();
    assertThat(config.database()).isEqualTo("trainyard");
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/trainyard");
    assertThat(config.servicePort("console")).isEqualTo(8080);
    assertThat(config.servicePort("ingestion")).isEqualTo(8081);
    assertThat(config.servicePort("labeling")).isEqualTo(8082);
    assertThat(config.servicePort("training")).isEqualTo(8083);
    assertThat(config.servicePort("evaluation")).isEqualTo(8084);
    assertThat(config.servicePort("drift-monitor")).isEqualTo(8085);
  }

  @Test
  void everyVariableOverridesItsDefault() {
    Map<String, String> env = new HashMap<>();
    env.put("TRAINYARD_HOME", "/var/tmp/ty");
    env.put("TRAINYARD_KAFKA_PORT", "19092");
    env.put("TRAINYARD_KAFKA_CONTROLLER_PORT", "19093");
    env.put("TRAINYARD_S3_PORT", "19000");
    env.put("TRAINYARD_S3_ACCESS_KEY", "ak");
    env.put("TRAINYARD_S3_SECRET_KEY", "sk");
    env.put("TRAINYARD_S3_BUCKET", "b1");
    env.put("TRAINYARD_PG_HOST", "db.example");
    env.put("TRAINYARD_PG_PORT", "6543");
    env.put("TRAINYARD_PG_USER", "ty");
    env.put("TRAINYARD_PG_PASSWORD", "pw");
    env.put("TRAINYARD_PG_DATABASE", "tydb");
    env.put("TRAINYARD_CONSOLE_PORT", "18080");
    env.put("TRAINYARD_INGESTION_PORT", "18081");
    env.put("TRAINYARD_LABELING_PORT", "18082");
    env.put("TRAINYARD_TRAINING_PORT", "18083");
    env.put("TRAINYARD_EVALUATION_PORT", "18084");
    env.put("TRAINYARD_DRIFT_MONITOR_PORT", "18085");

    StackConfig config = StackConfig.fromEnvironment(env);

    assertThat(config.home()).isEqualTo(Path.of("/var/tmp/ty"));
    assertThat(config.kafkaBootstrapServers()).isEqualTo("127.0.0.1:19092");
    assertThat(config.kafkaControllerPort()).isEqualTo(19093);
    assertThat(config.s3Endpoint()).isEqualTo("http://127.0.0.1:19000");
    assertThat(config.s3AccessKey()).isEqualTo("ak");
    assertThat(config.s3SecretKey()).isEqualTo("sk");
    assertThat(config.bucket()).isEqualTo("b1");
    assertThat(config.pgHost()).isEqualTo("db.example");
    assertThat(config.pgPort()).isEqualTo(6543);
    assertThat(config.pgUser()).isEqualTo("ty");
    assertThat(config.pgPassword()).isEqualTo("pw");
    assertThat(config.database()).isEqualTo("tydb");
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/tydb");
    assertThat(config.servicePort("console")).isEqualTo(18080);
    assertThat(config.servicePort("ingestion")).isEqualTo(18081);
    assertThat(config.servicePort("labeling")).isEqualTo(18082);
    assertThat(config.servicePort("training")).isEqualTo(18083);
    assertThat(config.servicePort("evaluation")).isEqualTo(18084);
    assertThat(config.servicePort("drift-monitor")).isEqualTo(18085);
  }

  @Test
  void servicePortVariablesUseUnderscoresAndUpperCase() {
    assertThat(StackConfig.servicePortVariable("drift-monitor"))
        .isEqualTo("TRAINYARD_DRIFT_MONITOR_PORT");
    assertThat(StackConfig.servicePortVariable("console")).isEqualTo("TRAINYARD_CONSOLE_PORT");
    // Only the named service moves; the others keep their defaults.
    StackConfig config =
        StackConfig.fromEnvironment(Map.of("TRAINYARD_DRIFT_MONITOR_PORT", "9185"));
    assertThat(config.servicePort("drift-monitor")).isEqualTo(9185);
    assertThat(config.servicePort("evaluation")).isEqualTo(8084);
    assertThat(config.servicePorts()).containsOnlyKeys(StackConfig.SERVICES);
  }

  @Test
  void emptyVariablesCountAsUnset() {
    StackConfig config =
        StackConfig.fromEnvironment(
            Map.of(
                "TRAINYARD_HOME", "",
                "TRAINYARD_KAFKA_PORT", " ",
                "TRAINYARD_S3_BUCKET", "",
                "TRAINYARD_CONSOLE_PORT", ""));
    assertThat(config.home()).isEqualTo(USER_HOME.resolve(".trainyard"));
    assertThat(config.kafkaBootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(config.bucket()).isEqualTo("trainyard");
    assertThat(config.servicePort("console")).isEqualTo(8080);
  }

  @Test
  void homeExpandsTildeAndIsAbsolute() {
    assertThat(StackConfig.fromEnvironment(Map.of("TRAINYARD_HOME", "~/ty-state")).home())
        .isEqualTo(USER_HOME.resolve("ty-state"));
    assertThat(StackConfig.fromEnvironment(Map.of("TRAINYARD_HOME", "rel/dir")).home())
        .isAbsolute()
        .asString()
        .endsWith("/rel/dir");
  }

  @Test
  void badPortsAreRejectedNamingTheVariable() {
    assertThatThrownBy(() -> StackConfig.fromEnvironment(Map.of("TRAINYARD_S3_PORT", "nine")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRAINYARD_S3_PORT")
        .hasMessageContaining("nine");
    assertThatThrownBy(
            () -> StackConfig.fromEnvironment(Map.of("TRAINYARD_TRAINING_PORT", "70000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRAINYARD_TRAINING_PORT");
    assertThatThrownBy(
            () ->
                StackConfig.fromEnvironment(
                    Map.of(
                        "TRAINYARD_KAFKA_PORT", "9500", "TRAINYARD_KAFKA_CONTROLLER_PORT", "9500")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differ");
  }

  @Test
  void unknownServiceIsAnError() {
    StackConfig config = StackConfig.fromEnvironment(Map.of());
    assertThatThrownBy(() -> config.servicePort("serving"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serving")
        .hasMessageContaining("drift-monitor");
  }

  @Test
  void withDatabaseChangesOnlyTheDatabase() {
    StackConfig config =
        StackConfig.fromEnvironment(
            Map.of("TRAINYARD_KAFKA_PORT", "19092", "TRAINYARD_HOME", "/x"));
    StackConfig test = config.withDatabase("trainyard_test");
    assertThat(test.database()).isEqualTo("trainyard_test");
    assertThat(test.jdbcUrl()).endsWith("/trainyard_test");
    assertThat(test.withDatabase("trainyard")).isEqualTo(config);
    assertThat(test.kafkaBootstrapServers()).isEqualTo("127.0.0.1:19092");
    assertThat(test.home()).isEqualTo(Path.of("/x"));
    assertThat(config.database()).isEqualTo("trainyard");
  }

  @Test
  void authIsOnUnlessTrainyardAuthSaysOff() {
    assertThat(StackConfig.fromEnvironment(Map.of()).authEnabled()).isTrue();
    assertThat(StackConfig.fromEnvironment(Map.of("TRAINYARD_AUTH", "off")).authEnabled())
        .isFalse();
    assertThat(StackConfig.fromEnvironment(Map.of("TRAINYARD_AUTH", "FALSE")).authEnabled())
        .isFalse();
    assertThat(StackConfig.fromEnvironment(Map.of("TRAINYARD_AUTH", "on")).authEnabled()).isTrue();
    assertThat(StackConfig.fromEnvironment(Map.of("TRAINYARD_AUTH", "")).authEnabled()).isTrue();
    assertThatThrownBy(() -> StackConfig.fromEnvironment(Map.of("TRAINYARD_AUTH", "maybe")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRAINYARD_AUTH must be on or off");
    StackConfig config = StackConfig.fromEnvironment(Map.of("TRAINYARD_HOME", "/srv/ty"));
    assertThat(config.withAuthEnabled(false).authEnabled()).isFalse();
    assertThat(config.withAuthEnabled(false).withDatabase("x").authEnabled()).isFalse();
    assertThat(config.authDir()).isEqualTo(Path.of("/srv/ty/auth"));
  }
}
