package io.trainyard.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.InferenceObserved;
import io.trainyard.local.StackConfig;
import io.trainyard.local.examples.CardFraud;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./trainyard demo}: the whole loop on example data, through the console's API and the
 * broker, the way users and outside systems use them. It applies {@code examples/card-fraud.yaml},
 * posts a generated card-fraud table, follows the run to a champion, then publishes inference
 * events as a serving system would — first like the training data, then shifted — and prints the
 * drift monitor's decision for each window. Its last two lines are JSON: the champion, and the last
 * drift window.
 */
public final class Demo {

  /** The example pipeline. */
  public static final String PIPELINE = "card-fraud";

  static final String SPEC = "examples/card-fraud.yaml";
  static final int ROWS = 5000;
  static final long SEED = 42;
  static final String SOURCE = "/demo/serving";
  static final Duration CHAMPION_TIMEOUT = Duration.ofMinutes(10);
  static final Duration DRIFT_TIMEOUT = Duration.ofMinutes(3);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final StackConfig config;
  private final Path root;
  private final String authorization;
  private final PrintWriter out;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param authorization the {@code Authorization} header value, or null when auth is off
   */
  public Demo(StackConfig config, Path root, String authorization, PrintWriter out) {
    this.config = config;
    this.root = root;
    this.authorization = authorization;
    this.out = out;
  }

  /** Runs the demo on a stack that is up; 0 when it ends with a champion and a drift decision. */
  public int run() throws Exception {
    String api = "/api/v1/pipelines/" + PIPELINE;
    Path specFile = root.resolve(SPEC);
    if (!Files.isRegularFile(specFile)) {
      throw new IllegalStateException("the example spec " + specFile + " is missing");
    }
    HttpResponse<String> applied =
        send("PUT", api, "application/yaml", Files.readString(specFile, StandardCharsets.UTF_8));
    require(applied, 200, 201);
    JsonNode pipeline = JSON.readTree(applied.body());
    stage(
        "spec",
        "%s applied from %s (revision %d%s)",
        PIPELINE,
        SPEC,
        pipeline.path("revision").asInt(),
        applied.statusCode() == 201 ? ", new" : "");
    JsonNode spec = pipeline.path("spec");
    int window = spec.at("/monitoring/window/events").asInt(1000);

    String csv = CardFraud.csv(ROWS, SEED);
    HttpResponse<String> posted = awaitIngestion(api + "/datasets", csv);
    JsonNode dataset = JSON.readTree(posted.body());
    stage(
        "dataset",
        "%d rows -> version %d (train %d, validation %d, test %d)%s",
        ROWS,
        dataset.path("version").asInt(),
        dataset.at("/splits/train/rows").asLong(),
        dataset.at("/splits/validation/rows").asLong(),
        dataset.at("/splits/test/rows").asLong(),
        posted.statusCode() == 200 ? ", already ingested: nothing new to train" : "");

    JsonNode champion = awaitChampion(api, dataset.path("version").asInt());
    if (champion == null) {
      return 1;
    }
    stage(
        "champion",
        "model v%d: %s",
        champion.path("version").asInt(),
        metrics(champion.path("metrics")));

    JsonNode drift = traffic(api, champion.path("version").asInt(), window);
    if (drift == null) {
      return 1;
    }
    ObjectNode championLine = JSON.createObjectNode();
    ObjectNode body = championLine.putObject("champion");
    body.put("pipeline", PIPELINE);
    body.put("version", champion.path("version").asInt());
    body.put("datasetVersion", champion.path("datasetVersion").asInt());
    body.set("metrics", champion.path("metrics"));
    ObjectNode driftLine = JSON.createObjectNode();
    driftLine.set("drift", drift);
    out.println(JSON.writeValueAsString(championLine));
    out.println(JSON.writeValueAsString(driftLine));
    out.flush();
    return 0;
  }

  /** Posts the table; a spec applied a moment ago may not have reached ingestion yet (404). */
  private HttpResponse<String> awaitIngestion(String path, String csv) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      HttpResponse<String> posted = send("POST", path, "text/csv", csv);
      if (posted.statusCode() != 404 || System.nanoTime() > deadline) {
        require(posted, 200, 201);
        return posted;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }

  /** Follows the run of {@code datasetVersion} to its end and waits for the champion. */
  private JsonNode awaitChampion(String api, int datasetVersion) throws Exception {
    long deadline = System.nanoTime() + CHAMPION_TIMEOUT.toNanos();
    int printedEpochs = 0;
    String runId = null;
    boolean ended = false;
    while (System.nanoTime() < deadline) {
      if (!ended) {
        JsonNode runs = JSON.readTree(require(send("GET", api + "/runs", null, null), 200).body());
        JsonNode run = null;
        for (JsonNode candidate : runs) {
          if (candidate.path("datasetVersion").asInt() == datasetVersion) {
            run = candidate;
          }
        }
        if (run != null) {
          if (runId == null) {
            runId = run.path("runId").asText();
            stage(
                "training",
                "run %s on dataset v%d (%s)",
                runId,
                datasetVersion,
                run.path("state").asText());
          }
          JsonNode epochs = run.path("epochs");
          for (int i = printedEpochs; i < epochs.size(); i++) {
            JsonNode epoch = epochs.get(i);
            out.printf(
                Locale.ROOT,
                "            epoch %d/%d  train_loss %.4f  val_loss %.4f  val_accuracy %.4f%n",
                epoch.path("epoch").asInt(),
                run.path("epochsMax").asInt(),
                epoch.path("trainLoss").asDouble(),
                epoch.path("valLoss").asDouble(),
                epoch.path("valAccuracy").asDouble());
          }
          out.flush();
          printedEpochs = epochs.size();
          String state = run.path("state").asText();
          if (state.equals("failed") || state.equals("cancelled")) {
            stage("training", "run %s %s: %s", runId, state, run.path("statusReason").asText());
            return null;
          }
          if (state.equals("succeeded")) {
            ended = true;
            stage(
                "training",
                "succeeded: model v%d (%s)",
                run.path("modelVersion").asInt(),
                run.path("statusReason").asText());
          }
        }
      }
      HttpResponse<String> champion = send("GET", api + "/models/champion", null, null);
      if (champion.statusCode() == 200) {
        JsonNode model = JSON.readTree(champion.body());
        if (ended || runId == null) {
          reportEvaluations(api);
          return model;
        }
      } else if (ended) {
        JsonNode models =
            JSON.readTree(require(send("GET", api + "/models", null, null), 200).body());
        if (!models.isEmpty() && !models.get(models.size() - 1).path("passed").asBoolean(true)) {
          reportEvaluations(api);
          stage("evaluation", "no model passed the gates, so there is no champion");
          return null;
        }
      }
      TimeUnit.SECONDS.sleep(1);
    }
    stage(
        "champion",
        "none within %s; see the logs under %s",
        CHAMPION_TIMEOUT,
        config.home().resolve("logs"));
    return null;
  }

  private void reportEvaluations(String api) throws Exception {
    JsonNode models = JSON.readTree(require(send("GET", api + "/models", null, null), 200).body());
    for (JsonNode model : models) {
      StringBuilder gates = new StringBuilder();
      for (JsonNode gate : model.path("gates")) {
        gates
            .append(
                gate.path("passed").asBoolean()
                    ? "\n              pass: "
                    : "\n              FAIL: ")
            .append(gate.path("reason").asText());
      }
      stage(
          "evaluation",
          "model v%d %s; %s%s",
          model.path("version").asInt(),
          model.path("passed").asBoolean() ? "passed its gates" : "failed a gate",
          metrics(model.path("metrics")),
          gates);
    }
  }

  /**
   * Publishes {@code window} events like the training data, then {@code window} shifted ones, and
   * waits for the two windows they close; returns the last.
   */
  private JsonNode traffic(String api, int modelVersion, int window) throws Exception {
    // The drift monitor learns of the champion from models.promoted, a moment after evaluation
    // answers; traffic sent before it has the champion's reference would be dead-lettered.
    long ready = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (JSON.readTree(require(send("GET", api + "/drift", null, null), 200).body())
            .path("modelVersion")
            .asInt(-1)
        != modelVersion) {
      if (System.nanoTime() > ready) {
        stage("drift", "the drift monitor has no reference for model v%d yet", modelVersion);
        return null;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    Set<String> before = windowKeys(api);
    stage(
        "traffic",
        "publishing %d inference events like the training data, then %d shifted ones," + " on %s",
        window,
        window,
        Topic.INFERENCE_OBSERVED.topicName());
    long seed = System.currentTimeMillis();
    publish(CardFraud.transactions(window, seed, 0.0), modelVersion);
    publish(CardFraud.transactions(window, seed + 1, 1.0), modelVersion);
    long deadline = System.nanoTime() + DRIFT_TIMEOUT.toNanos();
    Set<String> reported = new HashSet<>(before);
    JsonNode last = null;
    while (System.nanoTime() < deadline && reported.size() < before.size() + 2) {
      JsonNode windows =
          JSON.readTree(require(send("GET", api + "/drift", null, null), 200).body())
              .path("windows");
      for (JsonNode w : windows) {
        if (reported.add(key(w))) {
          StringBuilder drifted = new StringBuilder();
          int count = 0;
          for (JsonNode f : w.path("features")) {
            if (f.path("drifted").asBoolean()) {
              count++;
              drifted.append(
                  String.format(
                      Locale.ROOT,
                      " %s (%s %s %.3g, psi %.3f)",
                      f.path("feature").asText(),
                      f.path("test").asText(),
                      f.has("pValue") ? "p" : "=",
                      f.has("pValue")
                          ? f.path("pValue").asDouble()
                          : f.path("statistic").asDouble(),
                      f.path("psi").asDouble()));
            }
          }
          stage(
              "drift",
              "window %d (%d events): %s, %d of %d features drifted%s",
              w.path("index").asLong(),
              w.path("events").asInt(),
              w.path("decision").asText(),
              count,
              w.path("features").size(),
              count == 0 ? "" : ":" + drifted);
          last = w;
        }
      }
      if (reported.size() < before.size() + 2) {
        TimeUnit.SECONDS.sleep(1);
      }
    }
    if (reported.size() < before.size() + 2) {
      stage("drift", "the drift monitor closed no window within %s", DRIFT_TIMEOUT);
      return null;
    }
    return last;
  }

  /** The windows already closed: model version and index (indexes restart for each model). */
  private Set<String> windowKeys(String api) throws Exception {
    Set<String> keys = new HashSet<>();
    JsonNode windows =
        JSON.readTree(require(send("GET", api + "/drift", null, null), 200).body()).path("windows");
    windows.forEach(w -> keys.add(key(w)));
    return keys;
  }

  private static String key(JsonNode window) {
    return window.path("modelVersion").asText() + "/" + window.path("index").asText();
  }

  private void publish(List<CardFraud.Transaction> transactions, int modelVersion)
      throws Exception {
    publishInference(config.kafkaBootstrapServers(), PIPELINE, transactions, modelVersion);
  }

  /**
   * Publishes one {@code trainyard.inference.observed} per transaction as a serving system would:
   * model {@code modelVersion} predicted the transaction's fraud probability as its score (class 1
   * at 0.5 or more), now, with a random prediction id (the event id derived from it).
   */
  public static void publishInference(
      String bootstrapServers,
      String pipeline,
      List<CardFraud.Transaction> transactions,
      int modelVersion)
      throws Exception {
    Map<String, Object> settings =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
      for (CardFraud.Transaction t : transactions) {
        String predictionId = UUID.randomUUID().toString();
        InferenceObserved event =
            new InferenceObserved(
                pipeline,
                modelVersion,
                predictionId,
                t.byName(),
                t.probability() >= 0.5 ? 1 : 0,
                null,
                t.probability(),
                Instant.now());
        Envelope envelope =
            Envelope.root(
                Topic.INFERENCE_OBSERVED,
                EventIds.of(Topic.INFERENCE_OBSERVED, pipeline, predictionId),
                SOURCE,
                pipeline);
        ProducerRecord<String, byte[]> record =
            new ProducerRecord<>(
                Topic.INFERENCE_OBSERVED.topicName(), pipeline, Json.writeBytes(event));
        envelope.toHeaders().forEach((name, value) -> record.headers().add(name, value));
        producer.send(record);
      }
      producer.flush();
    }
  }

  private static String metrics(JsonNode metrics) {
    StringBuilder text = new StringBuilder();
    for (String name : List.of("roc_auc", "accuracy", "f1", "precision", "recall", "log_loss")) {
      if (metrics.has(name)) {
        text.append(text.isEmpty() ? "" : ", ")
            .append(String.format(Locale.ROOT, "%s %.4f", name, metrics.path(name).asDouble()));
      }
    }
    return text.toString();
  }

  private void stage(String stage, String format, Object... args) {
    out.printf(Locale.ROOT, "%-11s %s%n", stage, String.format(Locale.ROOT, format, args));
    out.flush();
  }

  private HttpResponse<String> send(String method, String path, String type, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + config.servicePort("console") + path))
            .timeout(Duration.ofMinutes(2));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (type != null) {
      request.header("Content-Type", type);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> require(HttpResponse<String> response, int... expected) {
    for (int status : expected) {
      if (response.statusCode() == status) {
        return response;
      }
    }
    throw new IllegalStateException(
        response.request().method()
            + " "
            + response.uri().getPath()
            + " answered "
            + response.statusCode()
            + ": "
            + response.body());
  }
}
