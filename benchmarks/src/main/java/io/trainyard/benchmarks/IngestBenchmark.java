package io.trainyard.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.spec.Task;
import io.trainyard.datasets.CsvSplitter;
import io.trainyard.datasets.DatasetProfile;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.IngestResult;
import io.trainyard.datasets.Profiler;
import io.trainyard.datasets.SplitConfig;
import io.trainyard.datasets.SplitFile;
import io.trainyard.datasets.SplitRatios;
import io.trainyard.datasets.ValidationReport;
import io.trainyard.datasets.Validator;
import io.trainyard.local.StackConfig;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Ingestion against pandas (issue 6): rows per second for a CSV of {@code --rows} (default
 * 1,000,000) rows × 30 columns turned into a validated, profiled, split dataset version in the
 * object store, and the same work done by pandas on the same file in the same run.
 *
 * <p>The file is generated first, streaming (one row at a time from a seeded {@link
 * SplittableRandom}, the table is never held): a 0/1 target {@code label} (about 10 % positive,
 * drawn from a logistic model of some of the features), 20 DOUBLE features {@code f01..f20} (four
 * of them with about 2 % empty cells), 5 integer features, 4 low-cardinality text columns, and
 * about 0.5 % exact duplicates of recent rows.
 *
 * <p>The Java side runs in a child JVM on this jar's classpath ({@link Child}), so that its peak
 * RSS is that of ingestion alone (not the generator's), and so that its heap can be set ({@code
 * --heap 512m}). It does what {@code DatasetService.ingestCsv} does before its database
 * transaction, phase by phase: the content hash (SHA-256 of the split settings and the file),
 * {@link CsvSplitter#split}, {@link Profiler#profile}, {@link Validator#validate} and {@link
 * DatasetVersions#write} into the local stack's S3 server through {@link ObjectStore} (a pipeline
 * of its own, {@code bench-ingest-<id>}, deleted afterwards). The database row and the outbox event
 * of a version are left out (one INSERT each).
 *
 * <p>Then {@code benchmarks/pandas/ingest_pandas.py} runs on the same file ({@code python3}, a
 * child process): read_csv, validation, drop duplicates, stratified hash split, profile of the
 * whole table and of each split, the splits written as CSV (Debian ships no Parquet engine for
 * pandas). Both sides print their phases, their rows per second and their peak RSS, then the ratio.
 *
 * <p>Other modes: {@code --sizes 250000,1000000,4000000} runs the Java side alone on files of
 * several sizes (peak RSS against file size); {@code --large} generates a file of {@code
 * --large-mb} (default 1024) MB and runs split, profile and validation in a child JVM with {@code
 * -Xmx512m} (or {@code --heap}), reporting whether it finished.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.trainyard.benchmarks.IngestBenchmark
 * [--rows 1000000] [--runs 1] [--heap 512m] [--csv path] [--skip-pandas] [--skip-store] [--keep]}.
 */
public final class IngestBenchmark {

  /**
   * The text columns. CsvSplitter accepts numeric features only today, so they are excluded from
   * the features (kept in the Parquet files); once categorical features are accepted, set this to
   * {@code true} to make them features.
   */
  static final boolean TEXT_AS_FEATURES = true;

  static final String TARGET = "label";
  static final List<String> TEXT_COLUMNS = List.of("country", "channel", "device", "plan");
  static final SplitConfig CONFIG =
      new SplitConfig(
          TARGET,
          TEXT_AS_FEATURES ? List.of() : TEXT_COLUMNS,
          new SplitRatios(0.7, 0.15, 0.15),
          true,
          42,
          true);

  private static final String[] COUNTRIES = {
    "DE", "FR", "GB", "US", "ES", "IT", "NL", "PL", "SE", "BR", "IN", "JP"
  };
  private static final String[] CHANNELS = {"web", "app", "store", "phone", "partner"};
  private static final String[] DEVICES = {"desktop", "mobile", "tablet"};
  private static final String[] PLANS = {"free", "basic", "plus", "pro", "team", "enterprise"};
  private static final int[] SPARSE_FEATURES = {3, 8, 13, 17};

  private IngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options =
        ProcessStats.options(args, List.of("keep", "skip-pandas", "skip-store", "large"));
    boolean keep = options.containsKey("keep");
    Path work = Files.createTempDirectory("trainyard-ingest-benchmark");
    try {
      if (options.containsKey("large")) {
        large(options, work);
      } else if (options.containsKey("sizes")) {
        sizes(options, work);
      } else {
        compare(options, work);
      }
    } finally {
      if (keep) {
        System.out.println("kept " + work);
      } else {
        deleteTree(work);
      }
    }
  }

  // ------------------------------------------------------------------ modes

  /** One file, the Java side then pandas, and the ratio. */
  private static void compare(Map<String, String> options, Path work) throws Exception {
    long rows = Long.parseLong(options.getOrDefault("rows", "1000000"));
    Path csv = csv(options, work, rows, 0);
    long lines = countLines(csv) - 1;
    System.out.printf(
        Locale.ROOT,
        "ingest benchmark: %s, %d rows x 30 columns, %.1f MB; %d cores; load average %s%n",
        csv,
        lines,
        Files.size(csv) / 1e6,
        Runtime.getRuntime().availableProcessors(),
        ProcessStats.loadAverage());

    ChildResult java =
        runJava(
            csv,
            work.resolve("java"),
            options.get("heap"),
            Integer.parseInt(options.getOrDefault("runs", "1")),
            !options.containsKey("skip-store"));
    JsonNode javaRun = java.best();
    if (javaRun == null) {
      System.out.println("the Java side did not finish: " + java.describe());
      return;
    }
    if (options.containsKey("skip-pandas")) {
      return;
    }
    ChildResult pandas = runPandas(options, csv, work.resolve("pandas"));
    if (pandas.results.isEmpty()) {
      System.out.println("pandas did not finish: " + pandas.describe());
      return;
    }
    JsonNode py = pandas.results.get(0);
    JsonNode ps = py.get("seconds");
    JsonNode js = javaRun.get("seconds");
    double n = javaRun.get("rows").asDouble();
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-38s %10s %12s   %10s %12s%n",
        "phase",
        "Java s",
        "Java rows/s",
        "pandas s",
        "pandas rows/s");
    row("content hash (Java only)", js.path("hash").asDouble(Double.NaN), Double.NaN, n);
    row("read + split (CsvSplitter / read_csv)", js.get("split").asDouble(), read(ps), n);
    row(
        "  pandas: dedupe + hash split",
        Double.NaN,
        ps.get("dedupe").asDouble() + ps.get("split").asDouble(),
        n);
    row("profile", js.get("profile").asDouble(), ps.get("profile").asDouble(), n);
    row("validate", js.get("validate").asDouble(), ps.get("validate").asDouble(), n);
    row(
        "write (S3 Parquet / local CSV)",
        js.path("store").asDouble(Double.NaN),
        ps.get("write").asDouble(),
        n);
    row("total", js.get("total").asDouble(), ps.get("total").asDouble(), n);
    System.out.printf(
        Locale.ROOT,
        "%-38s %10s %12.0f   %10s %12.0f%n",
        "peak RSS (MB)",
        "",
        java.peakRssMb,
        "",
        pandas.peakRssMb);
    System.out.printf(
        Locale.ROOT,
        "%-38s %10s %12.2f   %10s %12.2f%n",
        "process CPU (s; pandas: import included)",
        "",
        javaRun.get("cpu").get("total").asDouble(),
        "",
        py.path("cpuSeconds").asDouble(Double.NaN));
    System.out.printf(
        Locale.ROOT,
        "Java %.0f rows/s, pandas %.0f rows/s (pandas writes CSV: Debian ships no Parquet engine"
            + " for it): Java is %.2fx pandas; pandas %s, process wall time %.1f s (import"
            + " %.1f s)%n",
        n / js.get("total").asDouble(),
        py.get("rows").asDouble() / ps.get("total").asDouble(),
        ps.get("total").asDouble() / js.get("total").asDouble(),
        py.get("pandas").asText(),
        pandas.wallSeconds,
        ps.get("import").asDouble());
  }

  private static double read(JsonNode pandasSeconds) {
    return pandasSeconds.get("read").asDouble();
  }

  private static void row(String phase, double javaSeconds, double pandasSeconds, double rows) {
    System.out.printf(
        Locale.ROOT,
        "%-38s %10s %12s   %10s %12s%n",
        phase,
        Double.isNaN(javaSeconds) ? "" : String.format(Locale.ROOT, "%.2f", javaSeconds),
        Double.isNaN(javaSeconds) ? "" : String.format(Locale.ROOT, "%.0f", rows / javaSeconds),
        Double.isNaN(pandasSeconds) ? "" : String.format(Locale.ROOT, "%.2f", pandasSeconds),
        Double.isNaN(pandasSeconds)
            ? ""
            : String.format(Locale.ROOT, "%.0f", rows / pandasSeconds));
  }

  /** The Java side alone on files of several sizes: peak RSS against file size. */
  private static void sizes(Map<String, String> options, Path work) throws Exception {
    List<String> summary = new ArrayList<>();
    for (String size : options.get("sizes").split(",")) {
      long rows = Long.parseLong(size.trim().replace("_", ""));
      Path csv = work.resolve("ingest-" + rows + ".csv");
      generate(csv, rows, Long.MAX_VALUE, 7);
      double mb = Files.size(csv) / 1e6;
      System.out.printf(
          Locale.ROOT,
          "%n%d rows, %.1f MB; load average %s%n",
          rows,
          mb,
          ProcessStats.loadAverage());
      ChildResult r =
          runJava(
              csv,
              work.resolve("java-" + rows),
              options.get("heap"),
              1,
              !options.containsKey("skip-store"));
      JsonNode best = r.best();
      summary.add(
          best == null
              ? String.format(
                  Locale.ROOT, "%,12d rows %8.1f MB: did not finish (%s)", rows, mb, r.describe())
              : String.format(
                  Locale.ROOT,
                  "%,12d rows %8.1f MB: total %7.2f s, %,9.0f rows/s; split %.2f s, profile %.2f s,"
                      + " validate %.2f s; peak RSS %,6.0f MB",
                  rows,
                  mb,
                  best.get("seconds").get("total").asDouble(),
                  rows / best.get("seconds").get("total").asDouble(),
                  best.get("seconds").get("split").asDouble(),
                  best.get("seconds").get("profile").asDouble(),
                  best.get("seconds").get("validate").asDouble(),
                  r.peakRssMb));
      Files.deleteIfExists(csv);
      deleteTree(work.resolve("java-" + rows));
    }
    System.out.println();
    System.out.println("heap " + options.getOrDefault("heap", "JVM default"));
    summary.forEach(System.out::println);
  }

  /** A file larger than the heap: split, profile and validate in a JVM with -Xmx512m. */
  private static void large(Map<String, String> options, Path work) throws Exception {
    long bytes = Long.parseLong(options.getOrDefault("large-mb", "1024")) << 20;
    Path csv;
    if (options.containsKey("csv") && Files.isRegularFile(Path.of(options.get("csv")))) {
      csv = Path.of(options.get("csv"));
    } else {
      csv = options.containsKey("csv") ? Path.of(options.get("csv")) : work.resolve("large.csv");
      generateAndReport(csv, Long.MAX_VALUE, bytes);
    }
    String heap = options.getOrDefault("heap", "512m");
    System.out.printf(
        Locale.ROOT,
        "large file: %.1f MB, child JVM -Xmx%s, split + profile + validate (no store); load"
            + " average %s%n",
        Files.size(csv) / 1e6,
        heap,
        ProcessStats.loadAverage());
    ChildResult r = runJava(csv, work.resolve("java-large"), heap, 1, false);
    JsonNode best = r.best();
    System.out.printf(
        Locale.ROOT,
        "large file: %s; wall %.1f s; peak RSS %.0f MB%s%n",
        best == null ? "DID NOT FINISH (" + r.describe() + ")" : "finished",
        r.wallSeconds,
        r.peakRssMb,
        best == null
            ? ""
            : String.format(
                Locale.ROOT,
                "; %d rows, %.0f rows/s",
                best.get("rows").asLong(),
                best.get("rows").asDouble() / best.get("seconds").get("total").asDouble()));
  }

  // ------------------------------------------------------------------ children

  /** What a child process reported: its RESULT lines, its exit code, wall time and peak RSS. */
  private static final class ChildResult {
    final List<JsonNode> results = new ArrayList<>();
    final List<String> lastLines = new ArrayList<>();
    int exitCode;
    double wallSeconds;
    double peakRssMb;

    /** The fastest run (by total), or null when none finished. */
    JsonNode best() {
      return results.stream()
          .min(Comparator.comparingDouble(r -> r.get("seconds").get("total").asDouble()))
          .orElse(null);
    }

    String describe() {
      return "exit code " + exitCode + "; last lines: " + String.join(" | ", lastLines);
    }
  }

  private static ChildResult runJava(Path csv, Path out, String heap, int runs, boolean store)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (heap != null) {
      command.add("-Xmx" + heap);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Child.class.getName());
    command.addAll(List.of("--csv", csv.toString(), "--out", out.toString(), "--runs", "" + runs));
    if (!store) {
      command.add("--skip-store");
    }
    System.out.println(
        "Java (child JVM, heap " + (heap == null ? "JVM default" : "-Xmx" + heap) + "):");
    return run(command, "RESULT ", line -> System.out.println("  " + line));
  }

  private static ChildResult runPandas(Map<String, String> options, Path csv, Path out)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                options.getOrDefault("python", defaultPython()),
                pandasScript(options).toString(),
                "--csv",
                csv.toString(),
                "--out",
                out.toString(),
                "--target",
                TARGET,
                "--seed",
                "42"));
    if (!TEXT_AS_FEATURES) {
      command.add("--exclude");
      command.add(String.join(",", TEXT_COLUMNS));
    }
    System.out.println("pandas (child process): " + String.join(" ", command));
    ChildResult r = run(command, "{", line -> System.out.println("  " + line));
    return r;
  }

  /** Debian's python3 (where python3-pandas is installed), else the first python3 on the PATH. */
  private static String defaultPython() {
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  /** The pandas script: --pandas-script, else next to the working directory or to the jar. */
  private static Path pandasScript(Map<String, String> options) throws URISyntaxException {
    if (options.containsKey("pandas-script")) {
      return Path.of(options.get("pandas-script"));
    }
    Path relative = Path.of("benchmarks", "pandas", "ingest_pandas.py");
    if (Files.isRegularFile(relative)) {
      return relative.toAbsolutePath();
    }
    Path jar =
        Path.of(IngestBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    // benchmarks/target/benchmarks.jar -> benchmarks/pandas/ingest_pandas.py
    Path besideJar = jar.getParent().getParent().resolve("pandas").resolve("ingest_pandas.py");
    if (Files.isRegularFile(besideJar)) {
      return besideJar;
    }
    throw new IllegalStateException(
        "ingest_pandas.py not found (looked in "
            + relative
            + " and "
            + besideJar
            + "): pass --pandas-script");
  }

  /**
   * Runs {@code command}, echoing its output (stderr merged); lines starting with {@code marker}
   * are results (JSON after a "RESULT " marker, or a whole JSON line). The peak RSS is sampled from
   * {@code /proc/<pid>/status} every 100 ms, so it is known even when the child dies.
   */
  private static ChildResult run(List<String> command, String marker, Consumer<String> echo)
      throws Exception {
    ChildResult r = new ChildResult();
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    ProcessStats.PeakSampler sampler = ProcessStats.samplePeak(p);
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith(marker)) {
          String json = marker.equals("{") ? line : line.substring(marker.length());
          JsonNode node = Json.readTree(json);
          r.results.add(node);
          if (node.has("peakRssMb")) {
            r.peakRssMb = Math.max(r.peakRssMb, node.get("peakRssMb").asDouble());
          }
          if (!marker.equals("{")) {
            continue;
          }
        }
        echo.accept(line);
        r.lastLines.add(line);
        if (r.lastLines.size() > 5) {
          r.lastLines.remove(0);
        }
      }
    }
    r.exitCode = p.waitFor();
    r.wallSeconds = (System.nanoTime() - t0) / 1e9;
    r.peakRssMb = Math.max(r.peakRssMb, sampler.stopMb());
    return r;
  }

  // ------------------------------------------------------------------ the Java side

  /**
   * The Java side, in its own JVM: {@code --csv file --out dir [--runs n] [--skip-store]}. Prints
   * each run's phases and one {@code RESULT {json}} line per run.
   */
  public static final class Child {
    private Child() {}

    public static void main(String[] args) throws Exception {
      Map<String, String> options = ProcessStats.options(args, List.of("skip-store"));
      Path csv = Path.of(options.get("csv"));
      Path out = Path.of(options.get("out"));
      int runs = Integer.parseInt(options.getOrDefault("runs", "1"));
      boolean skipStore = options.containsKey("skip-store");
      System.out.printf(
          Locale.ROOT,
          "max heap %d MB; text columns %s%n",
          Runtime.getRuntime().maxMemory() >> 20,
          TEXT_AS_FEATURES ? "are features" : "excluded (not features)");
      ObjectStore store = null;
      MinioClient client = null;
      if (!skipStore) {
        StackConfig stack = StackConfig.fromEnvironment();
        client =
            MinioClient.builder()
                .endpoint(stack.s3Endpoint())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region("us-east-1")
                .build();
        store = new ObjectStore(client, stack.bucket());
      }
      String pipeline = "bench-ingest-" + UUID.randomUUID().toString().substring(0, 8);
      for (int run = 1; run <= runs; run++) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        long start = System.nanoTime();
        double cpuStart = processCpuSeconds();

        Phase phase = new Phase(seconds, cpu);
        String contentHash = phase.time("hash", () -> contentHash(csv, CONFIG));
        Path dir = out.resolve("run" + run);
        IngestResult result = phase.time("split", () -> CsvSplitter.split(csv, CONFIG, dir));
        if (result.targetValues().size() != 2) {
          throw new IllegalStateException("target values " + result.targetValues());
        }
        DatasetProfile profile = phase.time("profile", () -> Profiler.profile(result.splits()));
        ValidationReport report =
            phase.time(
                "validate", () -> Validator.validate(result, profile, Task.BINARY_CLASSIFICATION));
        if (!report.passed()) {
          throw new IllegalStateException(
              "validation failed: " + new String(report.toJson(), StandardCharsets.UTF_8));
        }
        long parquetBytes = 0;
        for (SplitFile f : result.splits()) {
          parquetBytes += Files.size(f.file());
        }
        Manifest manifest = null;
        if (store != null) {
          ObjectStore s = store;
          int version = run;
          manifest =
              phase.time(
                  "store",
                  () ->
                      DatasetVersions.write(
                          s, pipeline, version, contentHash, result, profile, report));
        }
        seconds.put("total", (System.nanoTime() - start) / 1e9);
        cpu.put("total", processCpuSeconds() - cpuStart);

        StringBuilder splits = new StringBuilder();
        for (SplitFile f : result.splits()) {
          splits.append(splits.length() == 0 ? "" : " / ").append(f.rows());
        }
        StringBuilder phases = new StringBuilder();
        seconds.forEach(
            (name, s) ->
                phases.append(
                    String.format(
                        Locale.ROOT,
                        "%s%s %.2f s (CPU %.2f s)",
                        phases.length() == 0 ? "" : ", ",
                        name,
                        s,
                        cpu.get(name))));
        System.out.printf(
            Locale.ROOT,
            "run %d: %s; %.0f rows/s; %d rows in, %d duplicates dropped, splits %s, Parquet %.1f"
                + " MB, validation %d errors / %d warnings%s; peak RSS %.0f MB; load average %s%n",
            run,
            phases,
            result.inputRows() / seconds.get("total"),
            result.inputRows(),
            result.duplicatesDropped(),
            splits,
            parquetBytes / 1e6,
            report.errors(),
            report.warnings(),
            manifest == null ? "" : "; written to " + store.manifestUri(manifest.location()),
            ProcessStats.peakRssMb(),
            ProcessStats.loadAverage());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", run);
        json.put("rows", result.inputRows());
        json.put("duplicates", result.duplicatesDropped());
        json.put("parquetBytes", parquetBytes);
        json.put("seconds", seconds);
        json.put("cpu", cpu);
        json.put("peakRssMb", ProcessStats.peakRssMb());
        System.out.println("RESULT " + Json.write(json));
        deleteTree(dir);
      }
      if (client != null) {
        deleteUnder(client, store.bucket(), Layout.datasets(pipeline).toString());
      }
      // The S3 client's connection pool threads would keep the JVM alive for another minute.
      System.exit(0);
    }
  }

  /** Times phases by wall clock and process CPU. */
  private record Phase(Map<String, Double> seconds, Map<String, Double> cpu) {
    interface Work<T> {
      T run() throws Exception;
    }

    <T> T time(String name, Work<T> work) throws Exception {
      long t0 = System.nanoTime();
      double c0 = processCpuSeconds();
      T value = work.run();
      seconds.put(name, (System.nanoTime() - t0) / 1e9);
      cpu.put(name, processCpuSeconds() - c0);
      return value;
    }
  }

  /** As {@code DatasetService.contentHash}: SHA-256 over the split settings and the file. */
  static String contentHash(Path csv, SplitConfig config) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    digest.update("trainyard.dataset.v1\n".getBytes(StandardCharsets.UTF_8));
    digest.update(Json.canonical(Json.toTree(config)).getBytes(StandardCharsets.UTF_8));
    digest.update((byte) '\n');
    try (InputStream in = new DigestInputStream(Files.newInputStream(csv), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void deleteUnder(MinioClient client, String bucket, String prefix)
      throws Exception {
    List<DeleteObject> objects = new ArrayList<>();
    for (Result<Item> r :
        client.listObjects(
            ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
      objects.add(new DeleteObject(r.get().objectName()));
    }
    if (!objects.isEmpty()) {
      for (Result<DeleteError> r :
          client.removeObjects(
              RemoveObjectsArgs.builder().bucket(bucket).objects(objects).build())) {
        r.get();
      }
    }
  }

  /** The CPU time of this process (all threads, DuckDB's included), in seconds. */
  private static double processCpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  // ------------------------------------------------------------------ the file

  /** --csv when it exists (kept), else the file generated there or in {@code work}. */
  private static Path csv(Map<String, String> options, Path work, long rows, long maxBytes)
      throws IOException {
    if (options.containsKey("csv") && Files.isRegularFile(Path.of(options.get("csv")))) {
      return Path.of(options.get("csv"));
    }
    Path csv =
        options.containsKey("csv") ? Path.of(options.get("csv")) : work.resolve("ingest.csv");
    generateAndReport(csv, rows, maxBytes > 0 ? maxBytes : Long.MAX_VALUE);
    return csv;
  }

  /** Generates the CSV (seed 7) and prints its size and how long it took. */
  private static void generateAndReport(Path csv, long rows, long maxBytes) throws IOException {
    long t0 = System.nanoTime();
    long written = generate(csv, rows, maxBytes, 7);
    System.out.printf(
        Locale.ROOT,
        "wrote %d rows (%.1f MB) to %s in %.1f s%n",
        written,
        Files.size(csv) / 1e6,
        csv,
        (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Writes the CSV, one row at a time, until {@code rows} rows or {@code maxBytes} bytes, and
   * answers the rows written. About 0.5 % of the rows repeat one of the last 1000 rows exactly.
   */
  static long generate(Path csv, long rows, long maxBytes, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    String[] recent = new String[1000];
    StringBuilder line = new StringBuilder(512);
    long written = 0;
    long bytes = 0;
    try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      line.setLength(0);
      for (int i = 1; i <= 20; i++) {
        line.append(String.format(Locale.ROOT, "f%02d,", i));
      }
      line.append("age,tenure_months,items,visits,support_calls,");
      line.append(String.join(",", TEXT_COLUMNS)).append(',').append(TARGET).append('\n');
      out.write(line.toString());
      bytes += line.length();
      for (; written < rows && bytes < maxBytes; written++) {
        String text;
        if (written > 1000 && random.nextDouble() < 0.005) {
          text = recent[random.nextInt(recent.length)];
        } else {
          line.setLength(0);
          row(random, line);
          text = line.toString();
        }
        recent[(int) (written % recent.length)] = text;
        out.write(text);
        bytes += text.length();
      }
    }
    return written;
  }

  /** One row: 20 doubles, 5 integers, 4 text columns, the 0/1 label, and a newline. */
  private static void row(SplittableRandom r, StringBuilder line) {
    double[] f = new double[20];
    for (int i = 0; i < 20; i++) {
      f[i] = gaussian(r);
    }
    // Some features on other scales: amounts, rates, a skewed one.
    f[4] = Math.exp(3 + f[4]); // log-normal amount
    f[9] = 0.5 + 0.25 * f[9];
    f[14] = 1000 * f[14];
    int age = 18 + (int) Math.min(72, Math.abs(40 + 15 * gaussian(r) - 18));
    int tenure = r.nextInt(120);
    int items = (int) Math.min(50, Math.abs(3 * gaussian(r) * 3));
    int visits = r.nextInt(200);
    int calls = r.nextDouble() < 0.8 ? 0 : 1 + r.nextInt(9);
    String country = COUNTRIES[(int) Math.min(COUNTRIES.length - 1, Math.abs(gaussian(r)) * 4)];
    String channel = CHANNELS[r.nextInt(CHANNELS.length)];
    String device = DEVICES[r.nextDouble() < 0.6 ? 1 : r.nextInt(DEVICES.length)];
    String plan = PLANS[r.nextInt(PLANS.length)];
    double logit =
        -2.8
            + 0.9 * f[0]
            - 0.7 * f[1]
            + 0.5 * f[2] * f[3]
            + 0.4 * Math.log(f[4])
            - 1.2
            + 0.25 * calls
            - 0.01 * tenure
            + (channel.equals("partner") ? 0.6 : 0)
            + (plan.equals("free") ? 0.4 : 0);
    int label = r.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    for (int i = 0; i < 20; i++) {
      if (isSparse(i + 1) && r.nextDouble() < 0.02) {
        line.append(',');
        continue;
      }
      appendDouble(line, f[i]);
      line.append(',');
    }
    line.append(age).append(',').append(tenure).append(',').append(items).append(',');
    line.append(visits).append(',').append(calls).append(',');
    line.append(country).append(',').append(channel).append(',').append(device).append(',');
    line.append(plan).append(',').append(label).append('\n');
  }

  private static boolean isSparse(int feature) {
    for (int s : SPARSE_FEATURES) {
      if (s == feature) {
        return true;
      }
    }
    return false;
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller; one value per call (simple and deterministic).
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** {@code x} with 4 decimals, always with a decimal point (so the column is typed DOUBLE). */
  private static void appendDouble(StringBuilder line, double x) {
    long v = Math.round(x * 10_000);
    if (v < 0) {
      line.append('-');
      v = -v;
    }
    line.append(v / 10_000).append('.');
    long frac = v % 10_000;
    if (frac < 1000) {
      line.append('0');
    }
    if (frac < 100) {
      line.append('0');
    }
    if (frac < 10) {
      line.append('0');
    }
    line.append(frac);
  }

  private static long countLines(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.count();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
