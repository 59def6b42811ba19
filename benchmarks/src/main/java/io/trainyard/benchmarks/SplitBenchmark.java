package io.trainyard.benchmarks;

import io.trainyard.datasets.CsvSplitter;
import io.trainyard.datasets.IngestResult;
import io.trainyard.datasets.SplitConfig;
import io.trainyard.datasets.SplitFile;
import io.trainyard.datasets.SplitRatios;
import io.trainyard.local.examples.CardFraud;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Ingestion throughput: {@link CsvSplitter#split} of a 1,000,000-row CardFraud CSV (10 columns: 9
 * numeric features and the 0/1 {@code fraud} target, about 58 MB) into train / validation / test
 * Parquet files, with the ingestion defaults: 0.7 / 0.15 / 0.15, stratified by the target, seed 42,
 * duplicates dropped. The file is written first (in chunks of 50,000 rows, each drawn with its own
 * seed, so the generator never holds the whole table), then the split runs {@code --runs} times in
 * this process into the same directory; each run prints its time, its rows per second and the
 * process's peak RSS ({@code VmHWM}) so far.
 *
 * <p>For reference it then times plain DuckDB on the same file through JDBC (unless {@code
 * --skip-duckdb}): {@code read_csv} into a table (the splitter's own options: header, auto-detect
 * over the whole file), and {@code COPY} of that table to one Parquet file.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.trainyard.benchmarks.SplitBenchmark
 * [--rows 1000000] [--runs 3] [--csv path] [--write-only] [--keep] [--skip-duckdb]}. With {@code
 * --csv} an existing file is split (and not deleted); with {@code --csv path --write-only} the file
 * is only written, so that a second process can split it without the generator's heap in its peak
 * RSS.
 */
public final class SplitBenchmark {

  private static final int CHUNK = 50_000;

  private SplitBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options =
        ProcessStats.options(args, List.of("keep", "skip-duckdb", "write-only"));
    int rows = Integer.parseInt(options.getOrDefault("rows", "1000000"));
    int runs = Integer.parseInt(options.getOrDefault("runs", "3"));
    boolean keep = options.containsKey("keep");
    Path work = Files.createTempDirectory("trainyard-split-benchmark");
    Path csv = options.containsKey("csv") ? Path.of(options.get("csv")) : work.resolve("cf.csv");
    boolean writeOnly = options.containsKey("write-only");
    if (writeOnly && !options.containsKey("csv")) {
      throw new IllegalArgumentException("--write-only needs --csv <path>");
    }
    try {
      if (!options.containsKey("csv") || writeOnly) {
        long t0 = System.nanoTime();
        write(csv, rows);
        System.out.printf(
            Locale.ROOT,
            "wrote %d CardFraud rows to %s (%.1f MB) in %.1f s%n",
            rows,
            csv,
            Files.size(csv) / 1e6,
            (System.nanoTime() - t0) / 1e9);
        if (writeOnly) {
          return;
        }
      }
      long dataRows = countLines(csv) - 1;
      System.out.printf(
          Locale.ROOT,
          "split benchmark: %d rows, %.1f MB; 0.7/0.15/0.15, stratified, seed 42, dedupe; %d"
              + " cores, max heap %d MB; RSS %.0f MB, peak %.0f MB before splitting; load"
              + " average %s%n",
          dataRows,
          Files.size(csv) / 1e6,
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() >> 20,
          ProcessStats.rssMb(),
          ProcessStats.peakRssMb(),
          ProcessStats.loadAverage());

      SplitConfig config =
          new SplitConfig("fraud", List.of(), new SplitRatios(0.7, 0.15, 0.15), true, 42, true);
      Path outDir = work.resolve("splits");
      List<Double> rates = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        long t0 = System.nanoTime();
        double cpu0 = processCpuSeconds();
        IngestResult result = CsvSplitter.split(csv, config, outDir);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = processCpuSeconds() - cpu0;
        double rate = result.inputRows() / seconds;
        rates.add(rate);
        StringBuilder splits = new StringBuilder();
        long parquetBytes = 0;
        for (SplitFile f : result.splits()) {
          splits.append(splits.length() == 0 ? "" : " / ").append(f.rows());
          parquetBytes += Files.size(f.file());
        }
        System.out.printf(
            Locale.ROOT,
            "run %d: %.2f s (process CPU %.2f s), %.0f rows/s; %d rows in, %d duplicates, splits %s, Parquet %.1f MB;"
                + " peak RSS %.0f MB; load average %s%n",
            run,
            seconds,
            cpu,
            rate,
            result.inputRows(),
            result.duplicatesDropped(),
            splits,
            parquetBytes / 1e6,
            ProcessStats.peakRssMb(),
            ProcessStats.loadAverage());
      }
      System.out.printf(
          Locale.ROOT,
          "CsvSplitter.split: best %.0f rows/s, mean %.0f rows/s over %d runs; peak RSS (VmHWM)"
              + " %.0f MB%n",
          rates.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
          rates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
          runs,
          ProcessStats.peakRssMb());

      if (!options.containsKey("skip-duckdb")) {
        duckDbAlone(csv, work.resolve("all.parquet"));
      }
    } finally {
      if (keep) {
        System.out.println("kept " + work);
      } else {
        deleteTree(work);
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

  /** Plain DuckDB on the same file: read_csv into a table, then COPY the table to Parquet. */
  private static void duckDbAlone(Path csv, Path parquet) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      long t0 = System.nanoTime();
      double cpu0 = processCpuSeconds();
      s.execute(
          "CREATE TABLE t AS SELECT * FROM read_csv('"
              + csv.toString().replace("'", "''")
              + "', header = true, auto_detect = true, sample_size = -1)");
      double read = (System.nanoTime() - t0) / 1e9;
      double cpu1 = processCpuSeconds();
      long t1 = System.nanoTime();
      s.execute("COPY t TO '" + parquet.toString().replace("'", "''") + "' (FORMAT parquet)");
      double write = (System.nanoTime() - t1) / 1e9;
      double cpu2 = processCpuSeconds();
      String threads;
      try (ResultSet rs = s.executeQuery("SELECT current_setting('threads')")) {
        rs.next();
        threads = rs.getString(1);
      }
      System.out.printf(
          Locale.ROOT,
          "DuckDB alone (%s threads): read_csv into a table %.2f s (CPU %.2f s), COPY to"
              + " Parquet %.2f s (CPU %.2f s, %.1f MB)%n",
          threads,
          read,
          cpu1 - cpu0,
          write,
          cpu2 - cpu1,
          Files.size(parquet) / 1e6);
    }
  }

  /** The CSV in chunks: chunk k drawn with seed 1000 + k; one header row. */
  private static void write(Path csv, int rows) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      for (int done = 0, k = 0; done < rows; done += CHUNK, k++) {
        String text = CardFraud.csv(Math.min(CHUNK, rows - done), 1000L + k);
        out.write(k == 0 ? text : text.substring(text.indexOf('\n') + 1));
      }
    }
  }

  private static long countLines(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.count();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
