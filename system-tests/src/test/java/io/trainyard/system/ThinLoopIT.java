package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trainyard.local.StackConfig;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.testing.EventLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The thin loop from outside, through the console's port only: apply a spec, post a generated
 * card-fraud table, and follow it over the real broker, PostgreSQL and object store to a champion
 * with metrics. A redelivered {@code trainyard.training.requested} trains once. Labeled rows become
 * a version that is trained; shifted traffic closes the loop to a new champion.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThinLoopIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> ENV =
      TrainyardCli.environment("trainyard-home-loop", 19092, 19000, 18080, "trainyard_system_loop");
  private static final StackConfig CONFIG = StackConfig.fromEnvironment(ENV);
  private static final String KAFKA = "127.0.0.1:19092";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String PIPELINE = "card-fraud-" + Long.toString(System.nanoTime(), 36);
  private static final String CSV = CardFraud.csv(3000, 42);

  private static String bearer;

  @BeforeAll
  static void up() throws Exception {
    TrainyardCli.Result up = TrainyardCli.run(ENV, "up");
    assertThat(up.exitCode()).as(up.describe()).isZero();
    TrainyardCli.Result token = TrainyardCli.run(ENV, "token", "--role", "ops");
    assertThat(token.exitCode()).as(token.describe()).isZero();
    bearer = "Bearer " + token.output().trim();
  }

  @AfterAll
  static void down() throws Exception {
    TrainyardCli.run(ENV, "down");
  }

  @Test
  @Order(1)
  void aNumericCsvPostedThroughTheConsoleBecomesAChampionWithMetrics() throws Exception {
    String spec =
        """
        {"name": "%s", "task": "binary-classification", "target": "fraud",
         "training": {"epochs": 20, "batchSize": 64, "learningRate": 0.005,
                      "earlyStopping": {"patience": 3}},
         "evaluation": {"primaryMetric": "roc_auc",
                        "gates": [{"metric": "roc_auc", "min": 0.7},
                                  {"metric": "roc_auc", "notWorseThanChampionBy": 0.01}]}}
        """
            .formatted(PIPELINE);
    HttpResponse<String> applied =
        send("PUT", "/api/v1/pipelines/" + PIPELINE, "application/json", spec);
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(201);

    // Ingestion learns the spec from trainyard.pipelines a moment later; until then it answers 404.
    HttpResponse<String>[] posted = new HttpResponse[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              posted[0] = send("POST", datasets(), "text/csv", CSV);
              return posted[0].statusCode() != 404;
            });
    assertThat(posted[0].statusCode()).as(posted[0].body()).isEqualTo(201);
    JsonNode dataset = JSON.readTree(posted[0].body());
    assertThat(dataset.get("version").asInt()).isEqualTo(1);
    long rows =
        dataset.at("/splits/train/rows").asLong()
            + dataset.at("/splits/validation/rows").asLong()
            + dataset.at("/splits/test/rows").asLong();
    assertThat(rows).isEqualTo(3000 - dataset.get("duplicatesDropped").asLong());

    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> get("/api/v1/pipelines/" + PIPELINE + "/models/champion").statusCode() == 200);
    JsonNode champion =
        JSON.readTree(get("/api/v1/pipelines/" + PIPELINE + "/models/champion").body());
    assertThat(champion.get("version").asInt()).isEqualTo(1);
    assertThat(champion.get("aliases").toString()).contains("champion");
    assertThat(champion.get("passed").asBoolean()).isTrue();
    assertThat(champion.at("/metrics/roc_auc").asDouble()).isGreaterThan(0.75);
    assertThat(champion.at("/metrics/accuracy").asDouble()).isGreaterThan(0.85);
    assertThat(champion.at("/metrics/f1").isNumber()).isTrue();
    assertThat(champion.get("gates")).hasSize(2);
    assertThat(champion.at("/gates/0/reason").asText()).contains("min 0.7000");
    assertThat(champion.at("/gates/1/reason").asText()).contains("no champion");

    JsonNode runs = JSON.readTree(get("/api/v1/pipelines/" + PIPELINE + "/runs").body());
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).get("state").asText()).isEqualTo("succeeded");
    assertThat(runs.get(0).get("epochs").size()).isPositive();
    String runId = runs.get(0).get("runId").asText();
    HttpResponse<String> run = get("/api/v1/runs/" + runId);
    assertThat(run.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(run.body()).get("modelVersion").asInt()).isEqualTo(1);

    HttpResponse<byte[]> predictions =
        HTTP.send(
            request("GET", champion.get("predictions").asText(), null, null).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(predictions.statusCode()).isEqualTo(200);
    assertThat(new String(predictions.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");

    List<ConsumerRecord<String, byte[]>> promoted =
        records("trainyard.models.promoted", r -> PIPELINE.equals(r.key()));
    assertThat(promoted).hasSize(1);
    JsonNode promotion = JSON.readTree(promoted.get(0).value());
    assertThat(promotion.get("alias").asText()).isEqualTo("champion");
    assertThat(promotion.get("version").asInt()).isEqualTo(1);
    assertThat(promotion.get("previous").isNull()).isTrue();
    assertThat(promotion.get("datasetVersion").asInt()).isEqualTo(1);
    assertThat(promotion.get("reason").asText()).isNotBlank();
  }

  @Test
  @Order(2)
  void theSameTableAgainIsTheSameVersionAndPublishesNothing() throws Exception {
    HttpResponse<String> again = send("POST", datasets(), "text/csv", CSV);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(JSON.readTree(again.body()).get("version").asInt()).isEqualTo(1);
    assertThat(records("trainyard.datasets.ingested", r -> PIPELINE.equals(r.key()))).hasSize(1);
  }

  @Test
  @Order(3)
  void aRedeliveredTrainingRequestTrainsOnce() throws Exception {
    List<ConsumerRecord<String, byte[]>> requested =
        records(
            "trainyard.training.requested",
            r -> payload(r).path("pipeline").asText().equals(PIPELINE));
    assertThat(requested).hasSize(1);
    ConsumerRecord<String, byte[]> original = requested.get(0);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA, ProducerConfig.ACKS_CONFIG, "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> copy =
          new ProducerRecord<>(
              original.topic(), null, original.key(), original.value(), original.headers());
      producer.send(copy).get();
    }
    // The copy is consumed: the consumer group's offset passes it.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                records(
                            "trainyard.training.requested",
                            r -> payload(r).path("pipeline").asText().equals(PIPELINE))
                        .size()
                    == 2);
    Thread.sleep(10_000);
    JsonNode runs = JSON.readTree(get("/api/v1/pipelines/" + PIPELINE + "/runs").body());
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).get("attempts").asInt()).isEqualTo(1);
    assertThat(records("trainyard.models.trained", r -> PIPELINE.equals(r.key()))).hasSize(1);
    assertThat(records("trainyard.training.ended", r -> PIPELINE.equals(r.key()))).hasSize(1);
    JsonNode models = JSON.readTree(get("/api/v1/pipelines/" + PIPELINE + "/models").body());
    assertThat(models).hasSize(1);
  }

  /**
   * The labeling loop from outside: a table with unlabeled rows becomes a labeling project; two
   * annotators label its tasks through the console; their agreement passes the gate, so labeling
   * hands the labeled rows to ingestion, which makes version 2, which is trained and evaluated.
   */
  @Test
  @Order(4)
  void labeledRowsBecomeADatasetVersionThatIsTrained() throws Exception {
    String pipeline = "labels-" + Long.toString(System.nanoTime(), 36);
    String spec =
        """
        {"name": "%s", "task": "binary-classification", "target": "fraud",
         "labeling": {"annotatorsPerItem": 2, "goldRate": 0},
         "training": {"epochs": 3, "batchSize": 64},
         "evaluation": {"gates": [{"metric": "roc_auc", "min": 0.5}]}}
        """
            .formatted(pipeline);
    assertThat(send("PUT", "/api/v1/pipelines/" + pipeline, "application/json", spec).statusCode())
        .isEqualTo(201);
    // 10 fraud and 10 legitimate rows lose their label; the annotators will give it back.
    List<String> lines = new java.util.ArrayList<>(List.of(CardFraud.csv(800, 11).split("\n")));
    Map<String, String> truth = new java.util.HashMap<>();
    int[] blanked = new int[2];
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      String label = line.substring(line.lastIndexOf(',') + 1);
      int c = label.equals("1") ? 1 : 0;
      if (blanked[c] < 10) {
        blanked[c]++;
        String[] f = line.split(",");
        truth.put(
            key(Double.parseDouble(f[0]), Long.parseLong(f[1]), Double.parseDouble(f[2])), label);
        lines.set(i, line.substring(0, line.lastIndexOf(',') + 1));
      }
    }
    String csv = String.join("\n", lines) + "\n";
    HttpResponse<String>[] posted = new HttpResponse[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              posted[0] =
                  send("POST", "/api/v1/pipelines/" + pipeline + "/datasets", "text/csv", csv);
              return posted[0].statusCode() != 404;
            });
    assertThat(posted[0].statusCode()).as(posted[0].body()).isEqualTo(201);
    assertThat(JSON.readTree(posted[0].body()).at("/splits/unlabeled/rows").asInt()).isEqualTo(20);

    String projects = "/api/v1/pipelines/" + pipeline + "/labeling/projects";
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> JSON.readTree(get(projects).body()).size() == 1);
    String id = JSON.readTree(get(projects).body()).get(0).get("id").asText();
    for (String who : List.of("alice", "bob")) {
      assertThat(
              send(
                      "PUT",
                      "/api/v1/labeling/projects/" + id + "/annotators/" + who,
                      "application/json",
                      "{}")
                  .statusCode())
          .isEqualTo(200);
    }
    for (String who : List.of("alice", "bob")) {
      TrainyardCli.Result token =
          TrainyardCli.run(ENV, "token", "--role", "annotator", "--subject", who);
      assertThat(token.exitCode()).as(token.describe()).isZero();
      String as = "Bearer " + token.output().trim();
      int answered = 0;
      while (true) {
        HttpResponse<String> next =
            HTTP.send(
                request("GET", "/api/v1/labeling/projects/" + id + "/next", null, null)
                    .setHeader("Authorization", as)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (next.statusCode() == 204 || next.statusCode() == 409) {
          break;
        }
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        JsonNode task = JSON.readTree(next.body());
        String label =
            truth.get(
                key(
                    task.at("/data/amount").asDouble(),
                    task.at("/data/hour").asLong(),
                    task.at("/data/distance_from_home").asDouble()));
        assertThat(label).as(task.toString()).isNotNull();
        HttpResponse<String> answer =
            HTTP.send(
                request(
                        "POST",
                        "/api/v1/labeling/projects/"
                            + id
                            + "/tasks/"
                            + task.get("taskId").asLong()
                            + "/annotations",
                        "application/json",
                        "{\"label\": \"" + label + "\"}")
                    .setHeader("Authorization", as)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        answered++;
      }
      assertThat(answered).isEqualTo(20);
    }
    JsonNode project = JSON.readTree(get("/api/v1/labeling/projects/" + id).body());
    assertThat(project.get("status").asText()).as(project.toString()).isEqualTo("completed");

    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> !records("trainyard.datasets.labeled", r -> pipeline.equals(r.key())).isEmpty());
    JsonNode labeled =
        payload(records("trainyard.datasets.labeled", r -> pipeline.equals(r.key())).get(0));
    assertThat(labeled.get("version").asInt()).isEqualTo(2);
    assertThat(labeled.at("/sources/consensus").asInt()).isEqualTo(20);
    // The new version is trained (trigger labels) and its model evaluated.
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              JsonNode models =
                  JSON.readTree(get("/api/v1/pipelines/" + pipeline + "/models").body());
              return models.size() == 1 && models.get(0).get("datasetVersion").asInt() == 2;
            });
    JsonNode requested =
        payload(
            records(
                    "trainyard.training.requested",
                    r -> payload(r).path("pipeline").asText().equals(pipeline))
                .get(0));
    assertThat(requested.get("trigger").asText()).isEqualTo("labels");
  }

  /**
   * The closed loop from outside: a champion serves; traffic like its training data raises no
   * alert; shifted traffic drifts, and the system by itself requests a retrain (trigger drift),
   * trains, evaluates against the champion, promotes the new model, and the monitor takes its
   * training data as the reference. Every event from the drift event to the promotion carries the
   * drift event's correlation id. The champion is trained briefly on purpose and the retrain
   * warm-starts from it (continual learning, {@code training.warmStart}), so the retrained model
   * beats it on the same test split and is promoted.
   */
  @Test
  @Order(5)
  void shiftedTrafficRetrainsAndPromotesANewChampionByItself() throws Exception {
    String pipeline = "loop-" + Long.toString(System.nanoTime(), 36);
    String spec =
        """
        {"name": "%s", "task": "binary-classification", "target": "fraud",
         "training": {"epochs": 2, "batchSize": 64, "learningRate": 0.001, "warmStart": true},
         "evaluation": {"gates": [{"metric": "roc_auc", "min": 0.6},
                                  {"metric": "roc_auc", "notWorseThanChampionBy": 0.05}]},
         "monitoring": {"window": {"events": 400}, "driftShare": 0.5,
                        "retrain": {"afterDriftedWindows": 1, "cooldown": "PT1H"}}}
        """
            .formatted(pipeline);
    assertThat(send("PUT", "/api/v1/pipelines/" + pipeline, "application/json", spec).statusCode())
        .isEqualTo(201);
    String path = "/api/v1/pipelines/" + pipeline;
    HttpResponse<String>[] posted = new HttpResponse[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              posted[0] = send("POST", path + "/datasets", "text/csv", CardFraud.csv(3000, 7));
              return posted[0].statusCode() != 404;
            });
    assertThat(posted[0].statusCode()).as(posted[0].body()).isEqualTo(201);
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> JSON.readTree(get(path + "/drift").body()).path("modelVersion").asInt() == 1);

    io.trainyard.local.demo.Demo.publishInference(
        KAFKA, pipeline, CardFraud.transactions(400, 70, 0.0), 1);
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> JSON.readTree(get(path + "/drift").body()).path("windows").size() == 1);
    JsonNode stable = JSON.readTree(get(path + "/drift").body()).at("/windows/0");
    assertThat(stable.get("decision").asText()).as(stable.toString()).isEqualTo("stable");
    assertThat(stable.get("predictions").size()).as("prediction and score drift").isEqualTo(2);

    io.trainyard.local.demo.Demo.publishInference(
        KAFKA, pipeline, CardFraud.transactions(400, 71, 1.0), 1);
    await()
        .atMost(Duration.ofMinutes(6))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> JSON.readTree(get(path + "/drift").body()).path("modelVersion").asInt() == 2);

    JsonNode drift = JSON.readTree(get(path + "/drift").body());
    JsonNode drifted = drift.at("/windows/1");
    assertThat(drifted.get("decision").asText()).isEqualTo("drift");
    assertThat(drift.at("/retrain/requests")).hasSize(1);
    assertThat(drift.at("/retrain/requests/0/status").asText()).isEqualTo("succeeded");
    assertThat(drift.at("/retrain/requests/0/modelTrained").asInt()).isEqualTo(2);
    JsonNode champion = JSON.readTree(get(path + "/models/champion").body());
    assertThat(champion.get("version").asInt()).isEqualTo(2);

    // The chain: drift.detected (window 1) -> training.requested -> models.trained -> evaluated ->
    // models.promoted, all with the drift event's id as their correlation id.
    ConsumerRecord<String, byte[]> driftEvent =
        records("trainyard.drift.detected", r -> pipeline.equals(r.key())).stream()
            .filter(r -> payload(r).at("/window/index").asInt() == 1)
            .findFirst()
            .orElseThrow();
    String correlation = EventLog.header(driftEvent, "ce_id");
    assertThat(EventLog.header(driftEvent, "ce_correlationid")).isEqualTo(correlation);
    ConsumerRecord<String, byte[]> retrain =
        records(
                "trainyard.training.requested",
                r -> payload(r).path("pipeline").asText().equals(pipeline))
            .stream()
            .filter(r -> payload(r).path("trigger").asText().equals("drift"))
            .findFirst()
            .orElseThrow();
    assertThat(payload(retrain).get("parentModel").asInt()).isEqualTo(1);
    assertThat(EventLog.header(retrain, "ce_causationid")).isEqualTo(correlation);
    for (String topic :
        List.of(
            "trainyard.training.requested",
            "trainyard.models.trained",
            "trainyard.models.evaluated",
            "trainyard.models.promoted")) {
      assertThat(
              records(
                  topic,
                  r ->
                      correlation.equals(EventLog.header(r, "ce_correlationid"))
                          && payload(r).path("pipeline").asText().equals(pipeline)))
          .as(topic)
          .isNotEmpty();
    }
    JsonNode promotion =
        payload(
            records(
                    "trainyard.models.promoted",
                    r -> correlation.equals(EventLog.header(r, "ce_correlationid")))
                .get(0));
    assertThat(promotion.get("version").asInt()).isEqualTo(2);
    assertThat(promotion.get("alias").asText()).isEqualTo("champion");
  }

  private static String key(double amount, long hour, double distance) {
    return String.format(java.util.Locale.ROOT, "%.2f|%d|%.3f", amount, hour, distance);
  }

  private static String datasets() {
    return "/api/v1/pipelines/" + PIPELINE + "/datasets";
  }

  private static JsonNode payload(ConsumerRecord<String, byte[]> record) {
    try {
      return JSON.readTree(record.value());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpRequest.Builder request(String method, String path, String type, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + CONFIG.servicePort("console") + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", bearer);
    if (type != null) {
      builder.header("Content-Type", type);
    }
    return builder.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> send(String method, String path, String type, String body)
      throws Exception {
    return HTTP.send(
        request(method, path, type, body).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  /** Every record of {@code topic} that {@code filter} accepts, read from the beginning. */
  private static List<ConsumerRecord<String, byte[]>> records(
      String topic, Predicate<ConsumerRecord<String, byte[]>> filter) {
    return EventLog.matching(KAFKA, topic, filter);
  }
}
