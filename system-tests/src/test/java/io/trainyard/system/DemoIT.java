package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./trainyard demo} as a user runs it, on ports and a state folder of its own: from the
 * example spec to a champion and a drift decision, over the real stack. Traffic like the training
 * data is {@code stable}; shifted traffic is {@code drift}.
 */
class DemoIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> ENV =
      TrainyardCli.environment("trainyard-home-demo", 24092, 24000, 23080, "trainyard_system_demo");

  @AfterAll
  static void down() throws Exception {
    TrainyardCli.run(ENV, "down");
  }

  @Test
  void theDemoEndsWithAChampionAndADriftDecision() throws Exception {
    TrainyardCli.Result demo = TrainyardCli.run(ENV, "demo");
    assertThat(demo.exitCode()).as(demo.describe()).isZero();
    List<String> lines = demo.output().lines().toList();
    assertThat(lines).anyMatch(line -> line.startsWith("spec ") && line.contains("card-fraud"));
    assertThat(lines).anyMatch(line -> line.startsWith("dataset ") && line.contains("version 1"));
    assertThat(lines).anyMatch(line -> line.contains("epoch 1/"));
    assertThat(lines).anyMatch(line -> line.startsWith("champion ") && line.contains("model v1"));

    List<String> windows = lines.stream().filter(line -> line.startsWith("drift ")).toList();
    assertThat(windows).hasSize(2);
    assertThat(windows.get(0)).contains(": stable,");
    assertThat(windows.get(1)).contains(": drift,");

    JsonNode champion = JSON.readTree(lines.get(lines.size() - 2)).get("champion");
    assertThat(champion.get("version").asInt()).isEqualTo(1);
    assertThat(champion.at("/metrics/roc_auc").asDouble()).isGreaterThan(0.75);
    JsonNode drift = JSON.readTree(lines.get(lines.size() - 1)).get("drift");
    assertThat(drift.get("decision").asText()).isEqualTo("drift");
    assertThat(drift.get("features").size()).isEqualTo(9);
    assertThat(drift.get("events").asInt()).isEqualTo(500);
  }
}
