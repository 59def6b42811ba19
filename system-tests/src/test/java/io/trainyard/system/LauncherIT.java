package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trainyard.local.StackConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The launcher as a user runs it: {@code ./trainyard up}, {@code status}, {@code up} again, {@code
 * down}, with every real service. It runs on ports and a state folder of its own, so it never
 * touches a stack the developer (or the other tests) already run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> ENV =
      TrainyardCli.environment("trainyard-home", 29092, 29000, 28080, "trainyard_system_test");
  private static final StackConfig CONFIG = StackConfig.fromEnvironment(ENV);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Map<String, Long> pidsAfterFirstUp = Map.of();
  private static String bearer;

  @Test
  @Order(1)
  void upStartsKafkaS3AndEveryServiceAndStatusShowsThemHealthy() throws Exception {
    TrainyardCli.Result up = trainyard("up");
    assertThat(up.exitCode()).as(up.describe()).isZero();

    TrainyardCli.Result status = trainyard("status", "--json");
    assertThat(status.exitCode()).as(status.describe()).isZero();
    JsonNode components = JSON.readTree(status.output());
    Map<String, Long> pids = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (JsonNode component : components) {
      String name = component.get("name").asText();
      names.add(name);
      assertThat(component.get("health").asText()).as(name).isEqualTo("UP");
      if (!name.equals("postgresql")) {
        assertThat(component.get("pid").isNumber()).as(name + " has a pid").isTrue();
        pids.put(name, component.get("pid").asLong());
      }
    }
    assertThat(names)
        .contains(
            "kafka",
            "s3",
            "postgresql",
            "console",
            "ingestion",
            "labeling",
            "training",
            "evaluation",
            "drift-monitor");
    pidsAfterFirstUp = pids;
  }

  @Test
  @Order(2)
  void everyServiceDescribesItselfAsReadyToATokenFromTrainyardToken() throws Exception {
    TrainyardCli.Result token = trainyard("token", "--role", "viewer");
    assertThat(token.exitCode()).as(token.describe()).isZero();
    bearer = "Bearer " + token.output().trim();
    for (String service : StackConfig.SERVICES) {
      HttpResponse<String> response = get(CONFIG.servicePort(service), service, bearer);
      assertThat(response.statusCode()).as(service + ": " + response.body()).isEqualTo(200);
      JsonNode info = JSON.readTree(response.body());
      assertThat(info.get("name").asText()).isEqualTo(service);
      assertThat(info.get("ready").asBoolean()).as(service + " ready").isTrue();
    }
    assertThat(get(CONFIG.servicePort("ingestion"), "ingestion", null).statusCode())
        .as("no token, no answer")
        .isEqualTo(401);
  }

  @Test
  @Order(3)
  void theConsoleReachesEveryServiceOnItsOwnPort() throws Exception {
    int console = CONFIG.servicePort("console");
    for (String service : StackConfig.SERVICES) {
      HttpResponse<String> response = get(console, service, bearer);
      assertThat(response.statusCode()).as(service + ": " + response.body()).isEqualTo(200);
      JsonNode info = JSON.readTree(response.body());
      assertThat(info.get("name").asText()).as("answered by " + service).isEqualTo(service);
      assertThat(info.get("ready").asBoolean()).as(service + " ready").isTrue();
    }
    HttpResponse<String> unknown = get(console, "no-such-service", bearer);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
  }

  private static HttpResponse<String> get(int port, String service, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/services/" + service))
            .timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(4)
  void upAgainIsHarmless() throws Exception {
    TrainyardCli.Result up = trainyard("up");
    assertThat(up.exitCode()).as(up.describe()).isZero();
    JsonNode components = JSON.readTree(trainyard("status", "--json").output());
    for (JsonNode component : components) {
      String name = component.get("name").asText();
      if (pidsAfterFirstUp.containsKey(name)) {
        assertThat(component.get("pid").asLong())
            .as(name + " kept its process")
            .isEqualTo(pidsAfterFirstUp.get(name));
      }
    }
  }

  @Test
  @Order(5)
  void downLeavesNoProcessAndNoOpenPort() throws Exception {
    TrainyardCli.Result down = trainyard("down");
    assertThat(down.exitCode()).as(down.describe()).isZero();
    assertThat(pidsAfterFirstUp).isNotEmpty();
    for (Map.Entry<String, Long> entry : pidsAfterFirstUp.entrySet()) {
      assertThat(ProcessHandle.of(entry.getValue()).map(ProcessHandle::isAlive).orElse(false))
          .as(entry.getKey() + " process is gone")
          .isFalse();
    }
    List<Integer> ports = new ArrayList<>(List.of(29092, 29093, 29000));
    for (String service : StackConfig.SERVICES) {
      ports.add(CONFIG.servicePort(service));
    }
    for (int port : ports) {
      assertThat(listening(port)).as("port " + port + " is closed").isFalse();
    }
  }

  @AfterAll
  static void stopWhateverIsLeft() throws Exception {
    trainyard("down");
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static TrainyardCli.Result trainyard(String... args) throws Exception {
    return TrainyardCli.run(ENV, args);
  }
}
