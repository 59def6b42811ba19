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
import io.trainyard.stats.Binned;
import io.trainyard.stats.Wasserstein;
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
  @Inject RetrainSchedule schedule;

  String applySpec(String prefix) {
    return TestEvents.applyCardFraudSpec(
        prefix,
        "\"monitoring\": {\"window\": {\"events\": "
            + WINDOW
            + "}, \"driftShare\": 0.5, \"retrain\": {\"afterDriftedWindows\": 2, \"cooldown\":"
            + " \"PT1H\"}}");
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

  static JsonNode get(String pipeline, String path) {
    return Json.readTree(
        given()
            .header("Authorization", TestTokens.bearer("viewer"))
            .get("/api/v1/pipelines/" + pipeline + path)
            .then()
            .statusCode(200)
            .extract()
            .asByteArray());
  }

  /** The numeric features of CardFraud; the other four are 0/1 flags. */
  static final List<String> NUMERIC =
      List.of("amount", "hour", "distance_from_home", "distance_from_last", "ratio_to_median");

  /**
   * Each feature's expected test of {@code events} against the train split (1,400 rows, so above
   * Evidently's 1,000: the normalised Wasserstein distance for the numeric features, the
   * Jensen-Shannon distance of the 0/1 flags' counts), computed here from the raw values with the
   * statistics of libs/stats, which are tested against SciPy.
   */
  static Map<String, Double> expected(Path train, List<InferenceObserved> events) throws Exception {
    NumericTable table = ParquetTables.read(train, FEATURES, CardFraud.TARGET);
    Map<String, Double> statistic = new LinkedHashMap<>();
    for (int f = 0; f < FEATURES.size(); f++) {
      double[] reference = new double[table.rows()];
      for (int r = 0; r < reference.length; r++) {
        reference[r] = table.x()[r][f];
      }
      double[] current = new double[events.size()];
      for (int e = 0; e < current.length; e++) {
        current[e] = ((Number) events.get(e).features().get(FEATURES.get(f))).doubleValue();
      }
      if (NUMERIC.contains(FEATURES.get(f))) {
        statistic.put(FEATURES.get(f), Wasserstein.normalized(reference, current));
      } else {
        statistic.put(
            FEATURES.get(f),
            Binned.jensenShannonDistance(flagCounts(reference), flagCounts(current)));
      }
    }
    return statistic;
  }

  /** Zeros, ones, and (always 0 here) other values. */
  static long[] flagCounts(double[] values) {
    long[] counts = new long[3];
    for (double v : values) {
      counts[v == 0 ? 0 : v == 1 ? 1 : 2]++;
    }
    return counts;
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
    assertFeatures(first, expected(train, stable));
    assertFeatures(second, expected(train, drifted));
    assertThat(first.get("driftShare").asDouble()).isLessThan(0.5);
    assertThat(second.get("driftShare").asDouble()).isGreaterThanOrEqualTo(0.5);
    // Evidently's defaults on 200-event windows: sampling noise alone moves a few normalised
    // Wasserstein distances past 0.1 (amount, hour, distance_from_last here), but not half of the
    // features, so like traffic raises no drift.
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
        .contains(
            "amount", "distance_from_home", "distance_from_last", "ratio_to_median", "online_order")
        .doesNotContain("repeat_retailer", "used_chip", "used_pin");

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
    assertThat(w1.get("features")).isEqualTo(second.get("features"));
    assertThat(w1.get("correction").asText()).isEqualTo("none");
    assertThat(view.at("/open/index").asInt()).isEqualTo(2);
    assertThat(view.at("/open/events").asInt()).isZero();
    assertThat(view.at("/retrain/consecutive").asInt()).isEqualTo(1);
    assertThat(view.at("/retrain/afterDriftedWindows").asInt()).isEqualTo(2);
    assertThat(view.at("/retrain/requests")).isEmpty();

    // One feature's history: both windows.
    JsonNode amount =
        Json.readTree(
            given()
                .header("Authorization", TestTokens.bearer("viewer"))
                .get("/api/v1/pipelines/" + pipeline + "/drift/features/amount")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray());
    assertThat(amount).hasSize(2);
    assertThat(amount.get(1).at("/test/drifted").asBoolean()).isTrue();
    assertThat(amount.get(1).at("/test/statistic").asDouble())
        .isEqualTo(second.get("features").get(0).get("statistic").asDouble());
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .get("/api/v1/pipelines/" + pipeline + "/drift/features/nothing")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");

    // The drifted window raised an alert; ops acknowledge it, then silence the next ones.
    JsonNode alerts = get(pipeline, "/drift/alerts");
    assertThat(alerts).hasSize(1);
    JsonNode alert = alerts.get(0);
    assertThat(alert.get("windowIndex").asInt()).isEqualTo(1);
    assertThat(alert.get("state").asText()).isEqualTo("open");
    assertThat(alert.get("features").toString()).contains("amount");
    String acknowledge =
        "/api/v1/pipelines/"
            + pipeline
            + "/drift/alerts/"
            + alert.get("id").asLong()
            + "/acknowledge";
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .contentType("application/json")
        .body("{}")
        .post(acknowledge)
        .then()
        .statusCode(403);
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/json")
        .body("{\"note\": \"a promotion campaign\"}")
        .post(acknowledge)
        .then()
        .statusCode(200);
    JsonNode acknowledged = get(pipeline, "/drift/alerts?state=acknowledged");
    assertThat(acknowledged).hasSize(1);
    assertThat(acknowledged.get(0).get("note").asText()).isEqualTo("a promotion campaign");
    assertThat(get(pipeline, "/drift/alerts?state=open")).isEmpty();
    String silences = "/api/v1/pipelines/" + pipeline + "/drift/silences";
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/json")
        .body("{\"duration\": \"PT1H\"}")
        .post(silences)
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/json")
        .body("{\"duration\": \"PT1H\", \"reason\": \"the campaign runs all day\"}")
        .post(silences)
        .then()
        .statusCode(201);
    assertThat(get(pipeline, "/drift/silences")).hasSize(1);

    // A second drifted window in a row makes a retrain due: training.requested, trigger drift,
    // on the reference's dataset version (no newer one was ingested), the champion as parent, a
    // child of the drift event. Two more drifted windows make it due again, inside the cooldown.
    List<InferenceObserved> drifted2 =
        events(pipeline, 1, "d2", WINDOW, 13, 1.0, start.plusSeconds(90));
    publish(drifted2);
    List<ConsumerRecord<String, byte[]>> retrains =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.TRAINING_REQUESTED),
            r -> pipeline.equals(Json.readTree(r.value()).path("pipeline").asText()),
            1,
            Duration.ofSeconds(60),
            Duration.ofSeconds(1));
    assertThat(retrains).hasSize(1);
    JsonNode request = Json.readTree(retrains.get(0).value());
    assertThat(request.get("trigger").asText()).isEqualTo("drift");
    assertThat(request.get("datasetVersion").asInt()).isEqualTo(1);
    assertThat(request.get("parentModel").asInt()).isEqualTo(1);
    assertThat(request.get("reason").asText())
        .startsWith("2 drifted window(s) in a row of champion v1; window 2")
        .contains("amount");
    String driftId = EventIds.of(Topic.DRIFT_DETECTED, pipeline, 1, 2);
    assertThat(EventLog.header(retrains.get(0), "ce_causationid")).isEqualTo(driftId);
    List<ConsumerRecord<String, byte[]>> third =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.DRIFT_DETECTED),
            r -> pipeline.equals(r.key()),
            3,
            Duration.ofSeconds(30),
            Duration.ofSeconds(1));
    assertThat(EventLog.header(third.get(2), "ce_id")).isEqualTo(driftId);
    assertThat(EventLog.header(retrains.get(0), "ce_correlationid"))
        .isEqualTo(EventLog.header(third.get(2), "ce_correlationid"));

    publish(events(pipeline, 1, "d3", WINDOW, 14, 1.0, start.plusSeconds(95)));
    publish(events(pipeline, 1, "d4", WINDOW, 15, 1.0, start.plusSeconds(100)));
    await().atMost(Duration.ofSeconds(60)).until(() -> drift(pipeline).get("windows").size() == 5);
    JsonNode held = drift(pipeline);
    assertThat(held.at("/retrain/heldBack").asText()).startsWith("cooling down until");
    // the silence muted the alerts of windows 2 to 4; the retrain policy acted all the same
    assertThat(get(pipeline, "/drift/alerts?state=silenced")).hasSize(3);
    assertThat(get(pipeline, "/drift/alerts?state=open")).isEmpty();
    assertThat(held.at("/retrain/requests")).hasSize(1);
    assertThat(held.at("/retrain/requests/0/runId").asText())
        .isEqualTo(request.get("runId").asText());
    assertThat(
            EventLog.awaitAtLeast(
                TestTopics.of(Topic.TRAINING_REQUESTED),
                r -> pipeline.equals(Json.readTree(r.value()).path("pipeline").asText()),
                1,
                Duration.ofSeconds(5),
                Duration.ofSeconds(1)))
        .hasSize(1);

    // A new champion replaces the reference and opens its own first window; the old champion's
    // traffic (a challenger's, or one still serving) fills its own window, against the new
    // reference.
    publish(events(pipeline, 1, "part", 50, 20, 0.0, start.plusSeconds(110)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> drift(pipeline).at("/open/events").asInt() == 50);
    promote(pipeline, 2, 1);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> drift(pipeline).path("modelVersion").asInt() == 2);
    publish(events(pipeline, 1, "old", 7, 21, 0.0, start.plusSeconds(120)));
    publish(events(pipeline, 2, "new", 5, 22, 0.0, start.plusSeconds(120)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> drift(pipeline).at("/open/events").asInt() == 5);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> drift(pipeline).at("/others/0/events").asInt() == 7);
    JsonNode after = drift(pipeline);
    assertThat(after.at("/open/modelVersion").asInt()).isEqualTo(2);
    assertThat(after.at("/open/index").asInt()).isZero();
    assertThat(after.at("/others/0/modelVersion").asInt()).isEqualTo(1);
    assertThat(after.at("/others/0/index").asInt()).as("v1's windows go on").isEqualTo(5);
    assertThat(after.get("windows")).hasSize(5);
  }

  /**
   * With {@code retrain.freshData}, a due retrain asks ingestion for a feedback dataset of the
   * drifted period (a child of the drift event); the run ingestion then requests is not known to
   * the monitor, so its end is matched by the chain's correlation id.
   */
  @Test
  void aRetrainOnFreshDataAsksIngestionForTheDriftedPeriod() throws Exception {
    String pipeline =
        TestEvents.applyCardFraudSpec(
            "fresh",
            "\"monitoring\": {\"window\": {\"events\": "
                + WINDOW
                + "}, \"retrain\": {\"afterDriftedWindows\": 2, \"freshData\": true}}");
    writeDataset(pipeline);
    promote(pipeline, 1, null);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> drift(pipeline).path("modelVersion").asInt() == 1);
    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    publish(events(pipeline, 1, "f1", WINDOW, 41, 1.0, start));
    publish(events(pipeline, 1, "f2", WINDOW, 42, 1.0, start.plusSeconds(10)));

    List<ConsumerRecord<String, byte[]>> requested =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.DATASETS_INGEST_REQUESTED),
            r -> pipeline.equals(Json.readTree(r.value()).path("pipeline").asText()),
            1,
            Duration.ofSeconds(60),
            Duration.ofSeconds(1));
    assertThat(requested).hasSize(1);
    JsonNode request = Json.readTree(requested.get(0).value());
    assertThat(request.get("trigger").asText()).isEqualTo("drift");
    // the period: from the first drifted window's first event to just after the second's last
    assertThat(Instant.parse(request.at("/feedback/from").asText())).isEqualTo(start.plusMillis(1));
    assertThat(Instant.parse(request.at("/feedback/to").asText()))
        .isEqualTo(start.plusSeconds(10).plusMillis(WINDOW + 1));
    assertThat(request.get("reason").asText()).contains("fresh data from");
    String driftId = EventIds.of(Topic.DRIFT_DETECTED, pipeline, 1, 1);
    assertThat(EventLog.header(requested.get(0), "ce_causationid")).isEqualTo(driftId);
    assertThat(
            EventLog.awaitAtLeast(
                TestTopics.of(Topic.TRAINING_REQUESTED),
                r -> pipeline.equals(Json.readTree(r.value()).path("pipeline").asText()),
                1,
                Duration.ofSeconds(3),
                Duration.ofSeconds(1)))
        .as("no run on the latest version")
        .isEmpty();
    JsonNode view = drift(pipeline);
    assertThat(view.at("/retrain/requests/0/runId").asText())
        .isEqualTo(EventLog.header(requested.get(0), "ce_id"));
    assertThat(view.at("/retrain/requests/0/freshData").asBoolean()).isTrue();
    assertThat(view.at("/retrain/requests/0/status").isNull()).isTrue();

    // Training ends the run ingestion requested, in the drift event's chain.
    List<ConsumerRecord<String, byte[]>> driftEvents =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.DRIFT_DETECTED), r -> pipeline.equals(r.key()), 2);
    Envelope drift =
        Envelope.fromHeaderList(
            io.trainyard.eventing.ConsumedRecord.headerList(driftEvents.get(1).headers()));
    String runId = UniqueNames.of("run");
    Envelope ended =
        drift.child(
            Topic.TRAINING_ENDED,
            EventIds.of(Topic.TRAINING_ENDED, runId),
            "/training/test",
            pipeline);
    io.trainyard.contracts.events.TrainingEnded payload =
        new io.trainyard.contracts.events.TrainingEnded(
            runId, pipeline, io.trainyard.contracts.events.RunStatus.SUCCEEDED, "trained", 2);
    TestEvents.send(
        TestTopics.of(Topic.TRAINING_ENDED),
        RecordKeys.keyFor(Topic.TRAINING_ENDED, payload),
        Json.writeBytes(payload),
        ended.toHeaders());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "succeeded".equals(drift(pipeline).at("/retrain/requests/0/status").asText()));
    assertThat(drift(pipeline).at("/retrain/requests/0/modelTrained").asInt()).isEqualTo(2);
  }

  /** Ops retrain by hand: a training request on the latest version, the champion as parent. */
  @Test
  void aRetrainByHandIsATrainingRequestOnTheLatestVersion() throws Exception {
    String pipeline = applySpec("byhand");
    String path = "/api/v1/pipelines/" + pipeline + "/retrain";
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/json")
        .body("{}")
        .post(path)
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
    writeDataset(pipeline);
    promote(pipeline, 1, null);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> drift(pipeline).path("modelVersion").asInt() == 1);
    given()
        .header("Authorization", TestTokens.bearer("viewer"))
        .contentType("application/json")
        .body("{}")
        .post(path)
        .then()
        .statusCode(403);
    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/json")
        .body("{\"datasetVersion\": 0}")
        .post(path)
        .then()
        .statusCode(400)
        .contentType("application/problem+json");

    JsonNode accepted = null;
    for (int i = 0; i < 2; i++) {
      accepted =
          Json.readTree(
              given()
                  .header("Authorization", TestTokens.bearer("ops"))
                  .header("Idempotency-Key", "after-the-incident")
                  .contentType("application/json")
                  .body("{\"reason\": \"new fraud pattern\"}")
                  .post(path)
                  .then()
                  .statusCode(202)
                  .extract()
                  .asByteArray());
    }
    String runId = accepted.get("runId").asText();
    assertThat(runId)
        .isEqualTo(
            EventIds.of(Topic.TRAINING_REQUESTED, pipeline, "retrain", "after-the-incident"));
    assertThat(accepted.get("datasetVersion").asInt()).isEqualTo(1);
    assertThat(accepted.get("parentModel").asInt()).isEqualTo(1);
    assertThat(accepted.get("status").asText()).isEqualTo("/api/v1/runs/" + runId);
    List<ConsumerRecord<String, byte[]>> requested =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.TRAINING_REQUESTED),
            r -> pipeline.equals(Json.readTree(r.value()).path("pipeline").asText()),
            1);
    JsonNode request = Json.readTree(requested.get(0).value());
    assertThat(request.get("runId").asText()).isEqualTo(runId);
    assertThat(request.get("trigger").asText()).isEqualTo("manual");
    assertThat(request.get("reason").asText()).startsWith("new fraud pattern (by ");
    JsonNode view = drift(pipeline);
    assertThat(view.at("/retrain/requests")).hasSize(1);
    assertThat(view.at("/retrain/lastRequestedAt").isNull()).isFalse();

    given()
        .header("Authorization", TestTokens.bearer("ops"))
        .contentType("application/json")
        .body("{}")
        .post("/api/v1/pipelines/" + UniqueNames.of("nobody") + "/retrain")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  /**
   * {@code monitoring.retrain.schedule}: a tick in the named minute requests a retrain (trigger
   * schedule) once; a later due minute inside the cooldown is skipped, with the reason.
   */
  @Test
  void aScheduledRetrainFiresOncePerMinuteOutsideTheCooldown() throws Exception {
    String pipeline =
        TestEvents.applyCardFraudSpec(
            "sched",
            "\"monitoring\": {\"retrain\": {\"schedule\": \"30 4 * * *\", \"cooldown\":"
                + " \"PT2H\"}}");
    writeDataset(pipeline);
    promote(pipeline, 1, null);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> drift(pipeline).path("modelVersion").asInt() == 1);
    assertThat(schedule.tick(Instant.parse("2030-01-02T04:29:59Z"))).isZero();
    assertThat(schedule.tick(Instant.parse("2030-01-02T04:30:10Z"))).isEqualTo(1);
    assertThat(schedule.tick(Instant.parse("2030-01-02T04:30:50Z"))).as("once per minute").isZero();
    List<ConsumerRecord<String, byte[]>> requested =
        EventLog.awaitAtLeast(
            TestTopics.of(Topic.TRAINING_REQUESTED),
            r -> pipeline.equals(Json.readTree(r.value()).path("pipeline").asText()),
            1);
    assertThat(requested).hasSize(1);
    JsonNode request = Json.readTree(requested.get(0).value());
    assertThat(request.get("trigger").asText()).isEqualTo("schedule");
    assertThat(request.get("runId").asText())
        .isEqualTo(
            EventIds.of(Topic.TRAINING_REQUESTED, pipeline, "schedule", "2030-01-02T04:30:00Z"));
    assertThat(request.get("datasetVersion").asInt()).isEqualTo(1);
    assertThat(request.get("parentModel").asInt()).isEqualTo(1);
    assertThat(request.get("reason").asText()).contains("'30 4 * * *'");

    // The next day's 04:30 comes (in this test) a moment later: inside the 2 h cooldown.
    assertThat(schedule.tick(Instant.parse("2030-01-03T04:30:05Z"))).isZero();
    JsonNode view = drift(pipeline);
    assertThat(view.at("/retrain/heldBack").asText())
        .startsWith("scheduled retrain of 2030-01-03T04:30:00Z skipped: cooling down until");
    assertThat(view.at("/retrain/requests")).hasSize(1);
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
      assertThat(f.get("test").asText())
          .isEqualTo(NUMERIC.contains(e.getKey()) ? "wasserstein" : "jensenshannon");
      assertThat(f.get("statistic").asDouble())
          .as(e.getKey())
          .isCloseTo(e.getValue(), within(1e-12));
      assertThat(f.get("threshold").asDouble()).isEqualTo(0.1);
      assertThat(f.has("pValue")).isFalse();
      assertThat(f.get("psi").asDouble()).isGreaterThanOrEqualTo(0);
      assertThat(f.get("missing").asLong()).isZero();
      assertThat(f.get("drifted").asBoolean()).isEqualTo(e.getValue() >= 0.1);
      drifted += e.getValue() >= 0.1 ? 1 : 0;
    }
    assertThat(event.get("driftShare").asDouble())
        .isCloseTo((double) drifted / expected.size(), within(1e-12));
  }
}
