package io.trainyard.drift.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.RecordKeys;
import io.trainyard.contracts.Sources;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.Alias;
import io.trainyard.contracts.events.InferenceObserved;
import io.trainyard.contracts.events.ModelPromoted;
import io.trainyard.datasets.CsvSplitter;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.IngestResult;
import io.trainyard.datasets.NumericTable;
import io.trainyard.datasets.ParquetTables;
import io.trainyard.datasets.SplitConfig;
import io.trainyard.datasets.SplitRatios;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.stats.Psi;
import io.trainyard.testing.EventLog;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TestStacks;
import io.trainyard.testing.TestTokens;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Drift monitoring over the real stack: a spec, a dataset version written as ingestion writes it, a
 * champion promoted on {@code models.promoted}, then inference events like the training data and
 * drifted ones; the test follows the windows through {@code drift.detected}, the dead letters and
 * the API, and recomputes every PSI from the train split and the events it sent.
 */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class DriftFlowTest {

  static final int WINDOW = 200;
  static final List<String> FEATURES = List.of(CardFraud.HEADER.split(",")).subList(0, 9);
  static final String SERVING = "/serving/drift-flow-test";

  private static final SplitConfig SPLIT =
      new SplitConfig(
          CardFraud.TARGET, List.of(), new SplitRatios(0.7, 0.15, 0.15), true, 42, true);

  @Inject ObjectStore store;

  String applySpec(String prefix) {
    return TestEvents.applyCardFraudSpec(
        prefix, "\"monitoring\": {\"window\": {\"events\": " + WINDOW + "}, \"driftShare\": 0.5}");
  }

  /** Writes dataset v1 as ingestion does; returns its train split. */
  Path writeDataset(String pipeline) throws Exception {
    Path dir = Files.createTempDirectory("drift-test-");
    Path input = dir.resolve("input.csv");
    Files.writeString(input, CardFraud.csv(2000, 5));
    IngestResult result = CsvSplitter.split(input, SPLIT, dir.resolve("splits"));
    DatasetVersions.write(store, pipeline, 1, Json.sha256Hex(pipeline.getBytes()), result);
    return dir.resolve("splits").resolve("train.parquet");
  }

  static void promote(String pipeline, int version, Integer previous) {
    TestEvents.publish(
        TestTopics.of(Topic.MODELS_PROMOTED),
        Topic.MODELS_PROMOTED,
        EventIds.of(Topic.MODELS_PROMOTED, pipeline, Alias.CHAMPION.wire(), version),
        Sources.EVALUATION,
        pipeline,
        new ModelPromoted(
            pipeline, Alias.CHAMPION, version, previous, "the test promotes it", 1, null));
  }

  /** Inference events of model {@code version} with the features of CardFraud rows. */
  static List<InferenceObserved> events(
      String pipeline, int version, String tag, int rows, long seed, double shift, Instant at) {
    String[] lines = CardFraud.csv(rows, seed, shift).split("\n");
    List<InferenceObserved> out = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String[] cells = lines[i].split(",");
      Map<String, Object> features = new LinkedHashMap<>();
      for (int f = 0; f < FEATURES.size(); f++) {
        features.put(FEATURES.get(f), Double.parseDouble(cells[f]));
      }
      out.add(
          new InferenceObserved(
              pipeline,
              version,
              pipeline + "-" + tag + "-" + i,
              features,
              0,
              null,
              0.1,
              at.plusMillis(i)));
    }
    return out;
  }

  static InferenceObserved withFeatures(InferenceObserved event, Map<String, Object> features) {
    return new InferenceObserved(
        event.pipeline(),
        event.modelVersion(),
        event.predictionId() + "-changed",
        features,
        event.prediction(),
        event.scores(),
        event.score(),
        event.observedAt());
  }

  /** Publishes inference events as a serving system would: the id derived from predictionId. */
  static void publish(List<InferenceObserved> events) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            TestStacks.current().kafkaBootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (InferenceObserved event : events) {
        Envelope envelope =
            Envelope.root(
                Topic.INFERENCE_OBSERVED,
                EventIds.of(Topic.INFERENCE_OBSERVED, event.predictionId()),
                SERVING,
                event.pipeline());
        ProducerRecord<String, byte[]> record =
            new ProducerRecord<>(
                TestTopics.of(Topic.INFERENCE_OBSERVED),
                RecordKeys.keyFor(Topic.INFERENCE_OBSERVED, event),
                Json.writeBytes(event));
        envelope.toHeaders().forEach((name, bytes) -> record.headers().add(name, bytes));
        sent.add(producer.send(record));
      }
      for (var future : sent) {
        future.get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot publish inference events", e);
    }
  }

  static JsonNode drift(String pipeline) {
    return Json.readTree(
        given()
            .header("Authorization", TestTokens.bearer("viewer"))
            .get("/api/v1/pipelines/" + pipeline + "/drift")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray());
  }

  /** The PSI of each feature of {@code events} against the train split, computed here. */
  static Map<String, Double> expectedPsi(Path train, List<InferenceObserved> events)
      throws Exception {
    NumericTable table = ParquetTables.read(train, FEATURES, CardFraud.TARGET);
    Map<String, Double> psi = new LinkedHashMap<>();
    for (int f = 0; f < FEATURES.size(); f++) {
      double[] reference = new double[table.rows()];
      for (int r = 0; r < reference.length; r++) {
        reference[r] = table.x()[r][f];
      }
      double[] current = new double[events.size()];
      for (int e = 0; e < current.length; e++) {
        current[e] = ((Number) events.get(e).features().get(FEATURES.get(f))).doubleValue();
      }
      double[] edges = Psi.decileEdges(reference);
      psi.put(
          FEATURES.get(f),
          Psi.psi(Psi.proportions(reference, edges), Psi.proportions(current, edges)));
    }
    return psi;
  }

  @Test
  void windowsLikeTheTrainingDataAreStableAndShiftedOnesDrift() throws Exception {
    String pipeline = applySpec("drift");
    Path train = writeDataset(pipeline);
    promote(pipeline, 1, null);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> drift(pipeline).path("modelVersion").asInt() == 1);
    JsonNode before = drift(pipeline);
    assertThat(before.get("windows")).isEmpty();
    assertThat(before.at("/open/index").asInt()).isZero();
    assertThat(before.at("/open/events").asInt()).isZero();
    assertThat(before.at("/open/size").asInt()).isEqualTo(WINDOW);

    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<InferenceObserved> stable = events(pipeline, 1, "s", WINDOW, 11, 0.0, start);
    List<InferenceObserved> drifted =
        events(pipeline, 1, "d", WINDOW, 12, 1.0, start.plusSeconds(60));

    // The first 150, some of them again (same ce_id), events that are dead-lettered, the rest.
    publish(stable.subList(0, 150));
    publish(stable.subList(0, 30));
    Map<String, Object> lacking = new LinkedHashMap<>(stable.get(0).features());
    lacking.remove("amount");
    Map<String, Object> extra = new LinkedHashMap<>(stable.get(1).features());
    extra.put("merchant_risk", 0.3);
    Map<String, Object> text = new LinkedHashMap<>(stable.get(2).features());
    text.put("hour", "noon");
    String ghost = UniqueNames.of("ghost");
    publish(
        List.of(
            withFeatures(stable.get(0), lacking),
            withFeatures(stable.get(1), extra),
            withFeatures(stable.get(2), text),
            events(ghost, 1, "g", 1, 3, 0.0, start).get(0)));
    publish(stable.subList(150, WINDOW));
    // The drifted window, with a few of its events and of the first window's sent again.
    publish(drifted.subList(0, 120));
    publish(drifted.subList(100, 120));
    publish(stable.subList(190, WINDOW));
    publish(drifted.subList(120, WINDOW));

    List<ConsumerRecord<String, byte[]>> detected =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.DRIFT_DETECTED),
            r -> pipeline.equals(r.key()),
            2,
            Duration.ofSeconds(90),
            Duration.ofSeconds(2));
    assertThat(detected).hasSize(2);
    JsonNode first = Json.readTree(detected.get(0).value());
    JsonNode second = Json.readTree(detected.get(1).value());
    assertThat(EventLog.header(detected.get(0), "ce_id"))
        .isEqualTo(EventIds.of(Topic.DRIFT_DETECTED, pipeline, 1, 0));
    assertThat(EventLog.header(detected.get(1), "ce_id"))
        .isEqualTo(EventIds.of(Topic.DRIFT_DETECTED, pipeline, 1, 1));

    assertWindow(first, 0, "stable", start.plusMillis(1), start.plusMillis(WINDOW));
    assertWindow(
        second,
        1,
        "drift",
        start.plusSeconds(60).plusMillis(1),
        start.plusSeconds(60).plusMillis(WINDOW));
    assertFeatures(first, expectedPsi(train, stable));
    assertFeatures(second, expectedPsi(train, drifted));
    assertThat(first.get("driftShare").asDouble()).isLessThan(0.5);
    assertThat(second.get("driftShare").asDouble()).isGreaterThanOrEqualTo(0.5);
    for (JsonNode f : first.get("features")) {
      assertThat(f.get("drifted").asBoolean()).as(f.toString()).isFalse();
    }
    // CardFraud's shift moves amounts, distances, the ratio and online orders; not the rest.
    List<String> driftedFeatures = new ArrayList<>();
    second
        .get("features")
        .forEach(
            f -> {
              if (f.get("drifted").asBoolean()) {
                driftedFeatures.add(f.get("feature").asText());
              }
            });
    assertThat(driftedFeatures)
        .containsExactly(
            "amount",
            "distance_from_home",
            "distance_from_last",
            "ratio_to_median",
            "online_order");
    assertThat(second.get("driftShare").asDouble()).isCloseTo(5.0 / 9, within(1e-12));

    // The dead letters, each with its reason; none of them was counted.
    List<ConsumerRecord<String, byte[]>> dead =
        EventLog.awaitAtLeast(
            TestTopics.dlqOf(Topic.INFERENCE_OBSERVED),
            r -> pipeline.equals(r.key()) || ghost.equals(r.key()),
            4);
    assertThat(dead).hasSize(4);
    Map<String, String> reasons = new LinkedHashMap<>();
    dead.forEach(
        r ->
            reasons.put(
                Json.readTree(r.value()).get("predictionId").asText(),
                EventLog.header(r, "trainyard_dlq_reason")));
    assertThat(reasons.get(stable.get(0).predictionId() + "-changed"))
        .startsWith("poison:")
        .contains("lacks features the reference has: [amount]");
    assertThat(reasons.get(stable.get(1).predictionId() + "-changed"))
        .startsWith("poison:")
        .contains("features the reference lacks: [merchant_risk]");
    assertThat(reasons.get(stable.get(2).predictionId() + "-changed"))
        .startsWith("poison:")
        .contains("feature 'hour' must be a number (or null), but is \"noon\"");
    assertThat(reasons.get(ghost + "-g-1"))
        .startsWith("poison:")
        .contains("pipeline '" + ghost + "' has no drift reference");

    // The API: both windows, newest last, and an empty open window.
    JsonNode view = drift(pipeline);
    assertThat(view.get("pipeline").asText()).isEqualTo(pipeline);
    assertThat(view.get("modelVersion").asInt()).isEqualTo(1);
    assertThat(view.get("windows")).hasSize(2);
    JsonNode w0 = view.get("windows").get(0);
    JsonNode w1 = view.get("windows").get(1);
    assertThat(w0.get("index").asInt()).isZero();
    assertThat(w0.get("events").asInt()).isEqualTo(WINDOW);
    assertThat(w0.get("decision").asText()).isEqualTo("stable");
    assertThat(Instant.parse(w0.get("from").asText())).isEqualTo(start.plusMillis(1));
    assertThat(Instant.parse(w0.get("to").asText())).isEqualTo(start.plusMillis(WINDOW));
    assertThat(w1.get("index").asInt()).isEqualTo(1);
    assertThat(w1.get("decision").asText()).isEqualTo("drift");
    assertThat(w1.get("features")).hasSize(9);
    for (int i = 0; i < 9; i++) {
      JsonNode api = w1.get("features").get(i);
      JsonNode event = second.get("features").get(i);
      assertThat(api.get("feature").asText()).isEqualTo(event.get("feature").asText());
      assertThat(api.get("psi").asDouble()).isEqualTo(event.get("psi").asDouble());
      assertThat(api.get("drifted").asBoolean()).isEqualTo(event.get("drifted").asBoolean());
    }
    assertThat(view.at("/open/index").asInt()).isEqualTo(2);
    assertThat(view.at("/open/events").asInt()).isZero();

    // A new champion replaces the reference and opens its own first window; the old
    // champion's traffic is no longer counted.
    promote(pipeline, 2, 1);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> drift(pipeline).path("modelVersion").asInt() == 2);
    publish(events(pipeline, 1, "old", 7, 21, 0.0, start.plusSeconds(120)));
    publish(events(pipeline, 2, "new", 5, 22, 0.0, start.plusSeconds(120)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> drift(pipeline).at("/open/events").asInt() == 5);
    JsonNode after = drift(pipeline);
    assertThat(after.at("/open/modelVersion").asInt()).isEqualTo(2);
    assertThat(after.at("/open/index").asInt()).isZero();
    assertThat(after.get("windows")).hasSize(2);
  }

  @Test
  void anUnknownPipelineHasNoWindows() {
    String pipeline = UniqueNames.of("nodrift");
    JsonNode view = drift(pipeline);
    assertThat(view.get("pipeline").asText()).isEqualTo(pipeline);
    assertThat(view.get("modelVersion").isNull()).isTrue();
    assertThat(view.get("windows")).isEmpty();
    given()
        .get("/api/v1/pipelines/" + pipeline + "/drift")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
  }

  private static void assertWindow(
      JsonNode event, int index, String decision, Instant from, Instant to) {
    assertThat(event.get("modelVersion").asInt()).isEqualTo(1);
    assertThat(event.at("/window/index").asInt()).isEqualTo(index);
    assertThat(event.at("/window/events").asInt()).isEqualTo(WINDOW);
    assertThat(Instant.parse(event.at("/window/from").asText())).isEqualTo(from);
    assertThat(Instant.parse(event.at("/window/to").asText())).isEqualTo(to);
    assertThat(event.get("decision").asText()).isEqualTo(decision);
    assertThat(event.get("threshold").asDouble()).isEqualTo(0.5);
  }

  private static void assertFeatures(JsonNode event, Map<String, Double> expected) {
    JsonNode features = event.get("features");
    assertThat(features).hasSize(expected.size());
    int drifted = 0;
    int i = 0;
    for (Map.Entry<String, Double> e : expected.entrySet()) {
      JsonNode f = features.get(i++);
      assertThat(f.get("feature").asText()).isEqualTo(e.getKey());
      assertThat(f.get("test").asText()).isEqualTo("psi");
      assertThat(f.get("psi").asDouble()).as(e.getKey()).isCloseTo(e.getValue(), within(1e-12));
      assertThat(f.get("statistic").asDouble()).isEqualTo(f.get("psi").asDouble());
      assertThat(f.has("pValue")).isFalse();
      assertThat(f.get("drifted").asBoolean()).isEqualTo(e.getValue() >= 0.25);
      drifted += e.getValue() >= 0.25 ? 1 : 0;
    }
    assertThat(event.get("driftShare").asDouble())
        .isCloseTo((double) drifted / expected.size(), within(1e-12));
  }
}
