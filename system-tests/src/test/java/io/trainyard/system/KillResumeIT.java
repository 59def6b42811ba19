package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.local.StackConfig;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.testing.EventLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The done-criterion of the training issue, through the real stack that {@code ./trainyard up}
 * starts: a training process killed with {@code kill -9} in the middle of a run, then started again
 * with {@code ./trainyard up}, ends the run with one model whose metrics, epochs and parameters
 * equal those of an uninterrupted run of the same dataset version and spec (ADR 0007).
 *
 * <p>The killed run is taken again by the restarted worker once its lease has lapsed (ADR 0005):
 * the lease is shortened to {@value #LEASE} for this stack, through the environment the services
 * inherit, so the test waits seconds for it rather than the default minute.
 */
class KillResumeIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The training worker's lease on this stack; the default (60 s) would make the test wait. */
  private static final String LEASE = "6s";

  private static final Map<String, String> ENV = environment();
  private static final StackConfig CONFIG = StackConfig.fromEnvironment(ENV);
  private static final String KAFKA = CONFIG.kafkaBootstrapServers();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String PIPELINE = "card-fraud-kill-" + Long.toString(System.nanoTime(), 36);

  /** Enough rows and epochs for a run of some seconds, so that it is killed in its middle. */
  private static final int ROWS = 4_000;

  private static final int EPOCHS = 10;

  /** The run is killed once this many of its epochs are recorded. */
  private static final int EPOCHS_BEFORE_KILL = 3;

  /** Per epoch, what must be the same in both runs (throughput and ETA are timings). */
  private static final List<String> DETERMINISTIC =
      List.of("epoch", "trainLoss", "valLoss", "valAccuracy", "learningRate", "gradientNorm");

  /** On the command line of this stack's training process. */
  private static final String TRAINING_MARKER = "-Dtrainyard.component=training ";

  private static String bearer;

  /** When each phase ended, for the timings the test prints. */
  private static final Map<String, Long> PHASES = new LinkedHashMap<>();

  private static void phase(String name) {
    PHASES.put(name, System.nanoTime());
  }

  private static String timings() {
    StringBuilder line = new StringBuilder("KillResumeIT timings:");
    Long previous = null;
    for (Map.Entry<String, Long> phase : PHASES.entrySet()) {
      if (previous != null) {
        line.append(' ')
            .append(phase.getKey())
            .append(' ')
            .append(TimeUnit.NANOSECONDS.toMillis(phase.getValue() - previous))
            .append(" ms;");
      }
      previous = phase.getValue();
    }
    return line.toString();
  }

  private static Map<String, String> environment() {
    Map<String, String> env =
        new HashMap<>(
            TrainyardCli.environment(
                "trainyard-home-kill", 27092, 27000, 26080, "trainyard_system_kill"));
    // The services inherit the launcher's environment: Quarkus reads this as
    // trainyard.training.worker.lease.
    env.put("TRAINYARD_TRAINING_WORKER_LEASE", LEASE);
    return Map.copyOf(env);
  }

  @BeforeAll
  static void up() throws Exception {
    phase("start");
    TrainyardCli.Result up = TrainyardCli.run(ENV, "up");
    assertThat(up.exitCode()).as(up.describe()).isZero();
    TrainyardCli.Result token = TrainyardCli.run(ENV, "token", "--role", "ops");
    assertThat(token.exitCode()).as(token.describe()).isZero();
    bearer = "Bearer " + token.output().trim();
    phase("up");
  }

  @AfterAll
  static void down() throws Exception {
    TrainyardCli.run(ENV, "down");
    phase("down");
    System.out.println(timings());
  }

  @Test
  void aTrainingProcessKilledMidRunResumesToTheModelOfAnUninterruptedRun() throws Exception {
    String spec =
        """
        {"name": "%s", "task": "binary-classification", "target": "fraud", "positiveClass": "1",
         "training": {"model": {"type": "mlp", "hidden": [64, 32], "dropout": 0.1},
                      "epochs": %d, "batchSize": 64, "optimizer": "adamw",
                      "learningRate": 0.005, "seed": 42, "auto": false,
                      "earlyStopping": {"enabled": false}},
         "evaluation": {"primaryMetric": "roc_auc", "gates": [{"metric": "roc_auc", "min": 0.5}]}}
        """
            .formatted(PIPELINE, EPOCHS);
    HttpResponse<String> applied = send("PUT", "/api/v1/pipelines/" + PIPELINE, spec);
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(201);
    int datasetVersion = ingest(CardFraud.csv(ROWS, 42));
    phase("spec-and-dataset");

    // Two runs of that version, one after the other on training's one worker: the first is the
    // reference, which nothing interrupts; the second is killed with SIGKILL once a few of its
    // epochs are done.
    String uninterrupted = train(datasetVersion);
    // ./trainyard status takes seconds: it runs while the reference trains.
    CompletableFuture<ProcessHandle> training =
        CompletableFuture.supplyAsync(KillResumeIT::trainingProcess);
    awaitRun(uninterrupted, Duration.ofMinutes(2), Duration.ofMillis(200), run -> !queued(run));
    String killed = train(datasetVersion);
    JsonNode beforeKill =
        awaitRun(
            killed,
            Duration.ofMinutes(3),
            Duration.ofMillis(50),
            run -> run.get("epochs").size() >= EPOCHS_BEFORE_KILL || !running(run) && !queued(run));
    assertThat(beforeKill.get("state").asText()).as(beforeKill.toString()).isEqualTo("running");
    int epochsBeforeKill = beforeKill.get("epochs").size();
    assertThat(epochsBeforeKill).isLessThan(EPOCHS);
    ProcessHandle killedProcess = training.get(1, TimeUnit.MINUTES);
    killMinus9(killedProcess);
    phase("reference-run-and-kill");

    // ./trainyard up starts what is not running: training alone.
    TrainyardCli.Result again = TrainyardCli.run(ENV, "up");
    assertThat(again.exitCode()).as(again.describe()).isZero();
    Matcher started = Pattern.compile("training: started \\(pid (\\d+)\\)").matcher(again.output());
    assertThat(started.find()).as(again.describe()).isTrue();
    ProcessHandle restarted = ProcessHandle.of(Long.parseLong(started.group(1))).orElseThrow();
    assertThat(restarted.pid()).isNotEqualTo(killedProcess.pid());
    assertThat(restarted.info().commandLine().orElse("")).contains(TRAINING_MARKER);
    phase("up-again");

    JsonNode reference = awaitEnded(uninterrupted, Duration.ofSeconds(10));
    assertThat(reference.get("state").asText()).as(reference.toString()).isEqualTo("succeeded");
    assertThat(reference.get("attempts").asInt()).isEqualTo(1);
    assertThat(reference.get("epochs")).hasSize(EPOCHS);
    JsonNode resumed = awaitEnded(killed, Duration.ofMinutes(3));
    phase("resumed-run");
    assertThat(resumed.get("state").asText()).as(resumed.toString()).isEqualTo("succeeded");

    // It resumed: a second worker took it, after the checkpoint of an epoch the killed one did.
    assertThat(resumed.get("attempts").asInt()).as(resumed.toString()).isEqualTo(2);
    int resumedAfter = resumedAfterEpoch(killed);
    assertThat(resumedAfter).isBetween(epochsBeforeKill, EPOCHS - 1);

    // Its epochs equal the uninterrupted run's, each recorded once.
    assertThat(deterministic(resumed.get("epochs")))
        .isEqualTo(deterministic(reference.get("epochs")));
    assertThat(resumed.get("bestEpoch")).isEqualTo(reference.get("bestEpoch"));
    assertThat(resumed.get("epochsMax").asInt()).isEqualTo(EPOCHS);
    assertThat(resumed.get("statusReason")).isEqualTo(reference.get("statusReason"));
    Map<Integer, Integer> progress = progressEventsPerEpoch(killed);
    assertThat(progress)
        .as(
            "distinct progress events per epoch of the killed run (resumed after epoch %d)",
            resumedAfter)
        .isEqualTo(onceEach());

    // One model, announced once, with the uninterrupted run's metrics and parameters.
    Map<String, List<JsonNode>> trained = byRun("trainyard.models.trained");
    assertThat(trained.get(killed)).as("models.trained of the killed run").hasSize(1);
    assertThat(trained.get(uninterrupted)).as("models.trained of the reference").hasSize(1);
    JsonNode model = trained.get(killed).get(0);
    JsonNode referenceModel = trained.get(uninterrupted).get(0);
    assertThat(model.get("metrics")).isEqualTo(referenceModel.get("metrics"));
    assertThat(model.get("metrics").get("val_loss").isNumber()).isTrue();
    assertThat(model.get("lineage")).isEqualTo(referenceModel.get("lineage"));
    assertThat(model.get("modelVersion").asInt())
        .isEqualTo(resumed.get("modelVersion").asInt())
        .isNotEqualTo(referenceModel.get("modelVersion").asInt());
    assertThat(artifacts(model)).isEqualTo(artifacts(referenceModel));
    assertThat(byRun("trainyard.training.ended").get(killed)).hasSize(1);
    JsonNode runs = JSON.readTree(get("/api/v1/pipelines/" + PIPELINE + "/runs").body());
    assertThat(runs).hasSize(2);
    JsonNode models = JSON.readTree(get("/api/v1/pipelines/" + PIPELINE + "/models").body());
    assertThat(models).hasSize(2);
    phase("assertions");
    System.out.printf(
        "KillResumeIT: killed with %d of %d epochs recorded, resumed after epoch %d%n",
        epochsBeforeKill, EPOCHS, resumedAfter);
  }

  /** Posts a table through the console (once ingestion knows the spec); its dataset version. */
  private static int ingest(String csv) throws Exception {
    AtomicReference<HttpResponse<String>> posted = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              posted.set(send("POST", "/api/v1/pipelines/" + PIPELINE + "/datasets", csv));
              return posted.get().statusCode() != 404;
            });
    assertThat(posted.get().statusCode()).as(posted.get().body()).isEqualTo(201);
    return JSON.readTree(posted.get().body()).get("version").asInt();
  }

  /** Train now, through the console: the run id. */
  private static String train(int datasetVersion) throws Exception {
    HttpResponse<String> accepted =
        send(
            "POST",
            "/api/v1/pipelines/" + PIPELINE + "/runs",
            "{\"datasetVersion\": %d, \"reason\": \"kill -9 test\"}".formatted(datasetVersion));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    return JSON.readTree(accepted.body()).get("runId").asText();
  }

  private static boolean queued(JsonNode run) {
    return run.get("state").asText().equals("queued");
  }

  private static boolean running(JsonNode run) {
    return run.get("state").asText().equals("running");
  }

  private static JsonNode awaitEnded(String runId, Duration atMost) {
    return awaitRun(
        runId,
        atMost,
        Duration.ofMillis(500),
        run -> Set.of("succeeded", "failed", "cancelled").contains(run.get("state").asText()));
  }

  /**
   * Polls {@code GET /api/v1/runs/{id}} until the run satisfies {@code done}; answers other than
   * 200 (not queued yet, training restarting) count as not yet.
   */
  private static JsonNode awaitRun(
      String runId, Duration atMost, Duration poll, java.util.function.Predicate<JsonNode> done) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    await()
        .atMost(atMost)
        .pollDelay(Duration.ZERO)
        .pollInterval(poll)
        .until(
            () -> {
              HttpResponse<String> run = get("/api/v1/runs/" + runId);
              if (run.statusCode() != 200) {
                return false;
              }
              last.set(JSON.readTree(run.body()));
              return done.test(last.get());
            });
    return last.get();
  }

  /** The training process of this stack, as {@code ./trainyard status} names it. */
  private static ProcessHandle trainingProcess() {
    TrainyardCli.Result status;
    JsonNode components;
    try {
      status = TrainyardCli.run(ENV, "status", "--json");
      components = JSON.readTree(status.output());
    } catch (Exception e) {
      throw new IllegalStateException("./trainyard status --json", e);
    }
    assertThat(status.exitCode()).as(status.describe()).isZero();
    for (JsonNode component : components) {
      if (component.get("name").asText().equals("training")) {
        assertThat(component.get("health").asText()).isEqualTo("UP");
        long pid = component.get("pid").asLong();
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        assertThat(process.info().commandLine().orElse(""))
            .contains(TRAINING_MARKER)
            .contains("-Dtrainyard.home=" + CONFIG.home());
        return process;
      }
    }
    throw new AssertionError("no training in " + status.output());
  }

  private static void killMinus9(ProcessHandle process) throws Exception {
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
  }

  /** The epoch the restarted training process resumed the run after, from its log. */
  private static int resumedAfterEpoch(String runId) throws IOException {
    Path log = CONFIG.home().resolve("logs/training.log");
    Matcher resumed =
        Pattern.compile("run " + Pattern.quote(runId) + ": resuming after epoch (\\d+)")
            .matcher(Files.readString(log, StandardCharsets.UTF_8));
    assertThat(resumed.find()).as("a resume of run %s in %s", runId, log).isTrue();
    return Integer.parseInt(resumed.group(1));
  }

  /** The epochs without their timings (throughput, ETA). */
  private static List<JsonNode> deterministic(JsonNode epochs) {
    List<JsonNode> kept = new ArrayList<>();
    for (JsonNode epoch : epochs) {
      ObjectNode fields = JSON.createObjectNode();
      DETERMINISTIC.forEach(name -> fields.set(name, epoch.get(name)));
      fields.set("metrics", epoch.get("metrics"));
      kept.add(fields);
    }
    return kept;
  }

  private static Map<Integer, Integer> onceEach() {
    Map<Integer, Integer> once = new TreeMap<>();
    IntStream.rangeClosed(1, EPOCHS).forEach(epoch -> once.put(epoch, 1));
    return once;
  }

  /**
   * How many distinct progress events (by CloudEvent id: the relay may publish one again after a
   * crash, under its id) each epoch of the run has; an epoch trained again would have two.
   */
  private static Map<Integer, Integer> progressEventsPerEpoch(String runId) {
    List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              all.clear();
              all.addAll(records("trainyard.training.progress", runId));
              return all.stream().anyMatch(r -> payload(r).get("epoch").asInt() == EPOCHS);
            });
    Map<String, Integer> epochById = new LinkedHashMap<>();
    for (ConsumerRecord<String, byte[]> record : all) {
      epochById.put(EventLog.header(record, "ce_id"), payload(record).get("epoch").asInt());
    }
    Map<Integer, Integer> perEpoch = new TreeMap<>();
    epochById.values().forEach(epoch -> perEpoch.merge(epoch, 1, Integer::sum));
    return perEpoch;
  }

  /** The payloads of this pipeline's records of {@code topic} by run id, from the beginning. */
  private static Map<String, List<JsonNode>> byRun(String topic) {
    Map<String, List<JsonNode>> byRun = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record :
        EventLog.matching(KAFKA, topic, r -> PIPELINE.equals(r.key()))) {
      JsonNode payload = payload(record);
      byRun.computeIfAbsent(payload.path("runId").asText(), id -> new ArrayList<>()).add(payload);
    }
    return byRun;
  }

  /** The SHA-256 of each file of the model by name, read from the local S3 server's folder. */
  private static Map<String, String> artifacts(JsonNode model) throws IOException {
    Map<String, String> files = new TreeMap<>();
    String bucketUri = "s3://" + CONFIG.bucket() + "/";
    for (Map.Entry<String, JsonNode> artifact : model.get("artifacts").properties()) {
      String uri = artifact.getValue().asText();
      assertThat(uri).startsWith(bucketUri);
      Path file =
          CONFIG
              .home()
              .resolve("s3")
              .resolve(CONFIG.bucket())
              .resolve(uri.substring(bucketUri.length()));
      files.put(
          artifact.getKey(), java.util.HexFormat.of().formatHex(sha256(Files.readAllBytes(file))));
    }
    assertThat(files).containsKey("model-0000.params");
    return files;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The records of {@code topic} about run {@code runId}, from the beginning. */
  private static List<ConsumerRecord<String, byte[]>> records(String topic, String runId) {
    return EventLog.matching(
        KAFKA,
        topic,
        r -> PIPELINE.equals(r.key()) && runId.equals(payload(r).path("runId").asText()));
  }

  private static JsonNode payload(ConsumerRecord<String, byte[]> record) {
    try {
      return JSON.readTree(record.value());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + CONFIG.servicePort("console") + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", bearer);
    if (body != null) {
      builder.header("Content-Type", path.endsWith("/datasets") ? "text/csv" : "application/json");
    }
    return HTTP.send(
        builder
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null);
  }
}
