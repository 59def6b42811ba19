package io.trainyard.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Json;
import io.trainyard.stats.Binned;
import io.trainyard.stats.KolmogorovSmirnov;
import io.trainyard.stats.QuantileSketch;
import io.trainyard.stats.SharedBins;
import io.trainyard.stats.TestResult;
import io.trainyard.stats.Wasserstein;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * A drift report against SciPy (issue 10): {@code --features} (default 100) numeric features, a
 * reference of {@code --rows} (default 1,000,000) rows and a window of {@code --window} (default
 * 100,000) rows, tested as the drift monitor tests them, against SciPy computing the same tests on
 * the same numbers in the same run.
 *
 * <p>The data are generated in this process from {@code --seed} (default 42), one independent
 * stream per feature and sample: by {@code feature % 4}, a normal, a lognormal, uniform integers
 * 0..23 (an hour of day) and a bimodal mixture of two normals. One feature in three ({@code feature
 * % 3 == 2}) is shifted in the window, by 0.02, 0.1 or 0.3 in turn (standard deviations for the
 * normal, log-scale standard deviations for the lognormal, a share of the values moved to 0..7 for
 * the integers, of the weight moved to the second mode for the bimodal). Both samples are written
 * once, as raw little-endian float64, column-major (one feature after the other), so that the SciPy
 * side reads exactly the same numbers with {@code numpy.fromfile}.
 *
 * <p>The Java side, on one thread, with the classes of libs/stats, timed separately:
 *
 * <ol>
 *   <li><b>summarise</b> the reference, as {@code ReferenceService.numeric} does for a reference of
 *       more than 5,000 rows: the finite values sorted, the check that the feature has more than 5
 *       distinct values (else the service tests it as categorical), {@code numpy.histogram}'s 10
 *       equal-width bin edges from min to max, the counts on the 12 shared bins (one below the
 *       first edge, the 10 histogram bins, one above the last edge) and {@link QuantileSketch#of}
 *       with 1001 points;
 *   <li><b>report</b> one window against that summary, as {@code DriftTests} does, with all four
 *       tests for every feature: the window's counts on the shared bins, {@link
 *       KolmogorovSmirnov#fromSketch} (statistic and asymptotic p-value), {@link
 *       Wasserstein#normalized(QuantileSketch, double[])}, {@link Binned#psi} and {@link
 *       Binned#jensenShannonDistance(long[], long[])};
 *   <li><b>exact</b> tests on the raw samples, for reference: {@link KolmogorovSmirnov#twoSample}
 *       (asymptotic p-value for these sizes) and {@link Wasserstein#normalized(double[],
 *       double[])}.
 * </ol>
 *
 * <p>Then {@code drift_report.py} (a resource of this jar, run with {@code /usr/bin/python3})
 * computes, per feature, from the raw samples: {@code numpy.histogram} counts on the same 12 bins,
 * {@code scipy.stats.ks_2samp}, {@code scipy.stats.wasserstein_distance / max(numpy.std(ref),
 * 0.001)}, the PSI and {@code scipy.spatial.distance.jensenshannon}. The benchmark prints both
 * sides' times, the agreement of the values (and fails when the binned statistics disagree beyond
 * 1e-6 or the counts differ), and the ratios SciPy / Java report and SciPy / (Java summarise +
 * report).
 *
 * <p>Run: {@code java -Xmx3g -cp benchmarks/target/benchmarks.jar
 * io.trainyard.benchmarks.DriftReportBenchmark [--rows 1000000] [--features 100] [--window 100000]
 * [--runs 2] [--scipy-runs n] [--seed 42] [--skip-scipy] [--skip-exact] [--python path]
 * [--scipy-script path] [--keep]}.
 */
public final class DriftReportBenchmark {

  /** The service's numeric columns with at most this many distinct values are categorical. */
  static final int MAX_DISCRETE = 5;

  /** How far the binned statistics may differ from SciPy's: they run on the same counts. */
  static final double BINNED_TOLERANCE = 1e-6;

  /** What {@code KolmogorovSmirnov.fromSketch} is documented to keep to against ks_2samp. */
  static final double KS_SKETCH_EXPECTED = 0.001;

  static final String[] SHAPES = {"normal", "lognormal", "hour 0..23", "bimodal"};
  static final double[] SHIFTS = {0.02, 0.1, 0.3};

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private DriftReportBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options =
        ProcessStats.options(args, List.of("skip-scipy", "skip-exact", "keep"));
    int rows = Integer.parseInt(options.getOrDefault("rows", "1000000").replace("_", ""));
    int features = Integer.parseInt(options.getOrDefault("features", "100"));
    int window = Integer.parseInt(options.getOrDefault("window", "100000").replace("_", ""));
    int runs = Integer.parseInt(options.getOrDefault("runs", "2"));
    int scipyRuns = Integer.parseInt(options.getOrDefault("scipy-runs", String.valueOf(runs)));
    long seed = Long.parseLong(options.getOrDefault("seed", "42"));
    boolean exact = !options.containsKey("skip-exact");

    Path work = Files.createTempDirectory("trainyard-drift-benchmark");
    boolean agreed;
    try {
      agreed = compare(options, work, rows, features, window, runs, scipyRuns, seed, exact);
    } finally {
      if (options.containsKey("keep")) {
        System.out.println("kept " + work);
      } else {
        IngestBenchmark.deleteTree(work);
      }
    }
    if (!agreed) {
      System.exit(1);
    }
  }

  private static boolean compare(
      Map<String, String> options,
      Path work,
      int rows,
      int features,
      int window,
      int runs,
      int scipyRuns,
      long seed,
      boolean exact)
      throws Exception {
    System.out.printf(
        Locale.ROOT,
        "drift report benchmark: reference %,d rows x %d features, window %,d rows, seed %d; %d"
            + " cores; Java %s, max heap %,d MB; load average %s%n",
        rows,
        features,
        window,
        seed,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        ProcessStats.loadAverage());

    long t0 = System.nanoTime();
    double[][] reference = new double[features][];
    double[][] current = new double[features][];
    IntStream.range(0, features)
        .parallel()
        .forEach(
            f -> {
              reference[f] = column(seed, f, rows, false);
              current[f] = column(seed, f, window, true);
            });
    Path referenceFile = work.resolve("reference.f64");
    Path windowFile = work.resolve("window.f64");
    write(referenceFile, reference);
    write(windowFile, current);
    System.out.printf(
        Locale.ROOT,
        "generated and wrote %s (%.1f MB) and %s (%.1f MB) in %.1f s; features by index %% 4: %s;"
            + " shifted in the window: index %% 3 == 2 (%d features), by %s in turn%n",
        referenceFile,
        Files.size(referenceFile) / 1e6,
        windowFile,
        Files.size(windowFile) / 1e6,
        (System.nanoTime() - t0) / 1e9,
        String.join(", ", SHAPES),
        (int) IntStream.range(0, features).filter(f -> shift(f) > 0).count(),
        Arrays.toString(SHIFTS));

    // ------------------------------------------------------------------ Java
    System.out.println();
    System.out.println("Java (this process, one thread):");
    List<Run> javaRuns = new ArrayList<>();
    Summary[] summaries = null;
    Tested[] tested = null;
    Exact[] exacts = null;
    for (int run = 1; run <= runs; run++) {
      Run r = new Run(run);
      Summary[] s = new Summary[features];
      long[] summaryParts = new long[4];
      r.summarise =
          Timing.of(
              () -> {
                for (int f = 0; f < features; f++) {
                  s[f] = summarise(reference[f], summaryParts);
                }
              });
      r.summaryParts = summaryParts;
      Tested[] t = new Tested[features];
      long[] parts = new long[4];
      r.report =
          Timing.of(
              () -> {
                for (int f = 0; f < features; f++) {
                  t[f] = report(s[f], current[f], parts);
                }
              });
      r.reportParts = parts;
      Exact[] e = new Exact[features];
      if (exact) {
        r.exact =
            Timing.of(
                () -> {
                  for (int f = 0; f < features; f++) {
                    e[f] = exact(reference[f], current[f]);
                  }
                });
      }
      r.peakRssMb = ProcessStats.peakRssMb();
      r.print(rows, window);
      javaRuns.add(r);
      if (tested != null) {
        checkSame(tested, t);
      }
      summaries = s;
      tested = t;
      exacts = exact ? e : null;
    }
    Run bestReport = best(javaRuns, x -> x.report.wall);
    Run bestSummarise = best(javaRuns, x -> x.summarise.wall);
    Run bestBoth = best(javaRuns, x -> x.summarise.wall + x.report.wall);
    Run bestExact = exact ? best(javaRuns, x -> x.exact.wall) : null;
    System.out.printf(
        Locale.ROOT,
        "Java best: summarise %.2f s (run %d), report %.2f s (run %d), summarise + report %.2f s"
            + " (run %d)%s; peak RSS %,.0f MB (the %,.0f MB of generated samples included)%n",
        bestSummarise.summarise.wall,
        bestSummarise.run,
        bestReport.report.wall,
        bestReport.run,
        bestBoth.summarise.wall + bestBoth.report.wall,
        bestBoth.run,
        bestExact == null
            ? ""
            : String.format(
                Locale.ROOT, ", exact %.2f s (run %d)", bestExact.exact.wall, bestExact.run),
        ProcessStats.peakRssMb(),
        8.0 * features * ((long) rows + window) / (1 << 20));

    if (options.containsKey("skip-scipy")) {
      return true;
    }

    // ------------------------------------------------------------------ SciPy
    System.out.println();
    Path script = script(options, work);
    List<String> command =
        List.of(
            options.getOrDefault("python", defaultPython()),
            script.toString(),
            "--reference",
            referenceFile.toString(),
            "--window",
            windowFile.toString(),
            "--features",
            String.valueOf(features),
            "--runs",
            String.valueOf(scipyRuns));
    System.out.println("SciPy (child process): " + String.join(" ", command));
    Child child = Child.run(command);
    if (child.result == null) {
      System.out.println(
          "SciPy did not finish: exit code "
              + child.exitCode
              + "; last lines: "
              + String.join(" | ", child.lastLines));
      return false;
    }
    JsonNode py = child.result;
    JsonNode bestPy = null;
    for (JsonNode r : py.get("runs")) {
      if (bestPy == null || r.get("seconds").asDouble() < bestPy.get("seconds").asDouble()) {
        bestPy = r;
      }
    }
    double scipySeconds = bestPy.get("seconds").asDouble();
    System.out.printf(
        Locale.ROOT,
        "SciPy best: %.2f s (run %d, CPU %.2f s), %,.0f window rows/s; process wall time %.1f s"
            + " (import %.2f s, reading the files %.2f s); peak RSS %,.0f MB%n",
        scipySeconds,
        bestPy.get("run").asInt(),
        bestPy.get("cpu").asDouble(),
        window / scipySeconds,
        child.wallSeconds,
        py.get("importSeconds").asDouble(),
        py.get("loadSeconds").asDouble(),
        child.peakRssMb);

    // ------------------------------------------------------------------ agreement
    System.out.println();
    boolean agreed = agreement(summaries, tested, exacts, py.get("features"));

    // ------------------------------------------------------------------ ratios
    System.out.println();
    double report = bestReport.report.wall;
    double both = bestBoth.summarise.wall + bestBoth.report.wall;
    System.out.printf(
        Locale.ROOT,
        "SciPy %.2f s against Java's report %.2f s: %.1fx (the reference summarised beforehand, as"
            + " the drift monitor keeps it)%n",
        scipySeconds,
        report,
        scipySeconds / report);
    System.out.printf(
        Locale.ROOT,
        "SciPy %.2f s against Java's summarise + report %.2f s (run %d): %.1fx (SciPy has no"
            + " summary to reuse)%n",
        scipySeconds,
        both,
        bestBoth.run,
        scipySeconds / both);
    if (bestExact != null) {
      System.out.printf(
          Locale.ROOT,
          "SciPy %.2f s against Java's exact KS + Wasserstein on the raw samples %.2f s: %.1fx"
              + " (SciPy's own ks_2samp + wasserstein_distance: %.2f s, %.1fx)%n",
          scipySeconds,
          bestExact.exact.wall,
          scipySeconds / bestExact.exact.wall,
          bestPy.get("parts").get("ks").asDouble()
              + bestPy.get("parts").get("wasserstein").asDouble(),
          (bestPy.get("parts").get("ks").asDouble()
                  + bestPy.get("parts").get("wasserstein").asDouble())
              / bestExact.exact.wall);
    }
    double scipyCpu = bestPy.get("cpu").asDouble();
    System.out.printf(
        Locale.ROOT,
        "by CPU time (SciPy's process CPU of its best run, %.2f s, against Java's process CPU of"
            + " the same runs as above): report %.2f s, %.1fx; summarise + report %.2f s, %.1fx%n",
        scipyCpu,
        bestReport.report.processCpu,
        scipyCpu / bestReport.report.processCpu,
        bestBoth.summarise.processCpu + bestBoth.report.processCpu,
        scipyCpu / (bestBoth.summarise.processCpu + bestBoth.report.processCpu));
    System.out.println("load average at the end: " + ProcessStats.loadAverage());
    if (!agreed) {
      System.out.println(
          "AGREEMENT FAILED: the binned statistics differ from SciPy's beyond "
              + BINNED_TOLERANCE
              + " (see above)");
    }
    return agreed;
  }

  // ------------------------------------------------------------------ the Java side

  /** What the drift monitor keeps of a numeric feature with a large reference. */
  record Summary(long rows, double[] edges, long[] counts, QuantileSketch sketch) {}

  /** The window's tests of one feature. */
  record Tested(double ks, double ksP, double wasserstein, double psi, double js, long[] counts) {}

  /** The exact tests on the raw samples. */
  record Exact(double ks, double ksP, double wasserstein) {}

  /**
   * As {@code ReferenceService.numeric} (drift-monitor) for more than 5,000 rows without
   * ingestion's edges: sorted finite values, distinct check, histogram edges, counts on the shared
   * bins, the quantile sketch; {@code parts} accumulates the nanoseconds of the sort, the distinct
   * check, the edges and counts, and the sketch.
   */
  static Summary summarise(double[] column, long[] parts) {
    long t0 = System.nanoTime();
    double[] values = Arrays.stream(column).filter(Double::isFinite).sorted().toArray();
    long t1 = System.nanoTime();
    long distinct = Arrays.stream(values).distinct().limit(MAX_DISCRETE + 1).count();
    if (distinct <= MAX_DISCRETE) {
      throw new IllegalStateException(
          "a feature with " + distinct + " distinct values would be tested as categorical");
    }
    long t2 = System.nanoTime();
    double[] edges = SharedBins.histogramEdges(values[0], values[values.length - 1]);
    long[] counts = new long[edges.length + 1];
    for (double v : values) {
      counts[SharedBins.bin(edges, v)]++;
    }
    long t3 = System.nanoTime();
    QuantileSketch sketch = QuantileSketch.of(values, QuantileSketch.DEFAULT_POINTS);
    long t4 = System.nanoTime();
    parts[0] += t1 - t0;
    parts[1] += t2 - t1;
    parts[2] += t3 - t2;
    parts[3] += t4 - t3;
    return new Summary(values.length, edges, counts, sketch);
  }

  /**
   * The four tests of one feature's window against its summary, as {@code DriftTests.test} runs
   * them; {@code parts} accumulates the nanoseconds of the counts, KS, Wasserstein, and PSI + JS.
   */
  static Tested report(Summary summary, double[] window, long[] parts) {
    long t0 = System.nanoTime();
    long[] counts = new long[summary.counts().length];
    for (double v : window) {
      counts[SharedBins.bin(summary.edges(), v)]++;
    }
    long t1 = System.nanoTime();
    TestResult ks = KolmogorovSmirnov.fromSketch(summary.sketch(), window);
    long t2 = System.nanoTime();
    double wasserstein = Wasserstein.normalized(summary.sketch(), window);
    long t3 = System.nanoTime();
    double psi = Binned.psi(summary.counts(), counts);
    double js = Binned.jensenShannonDistance(summary.counts(), counts);
    long t4 = System.nanoTime();
    parts[0] += t1 - t0;
    parts[1] += t2 - t1;
    parts[2] += t3 - t2;
    parts[3] += t4 - t3;
    return new Tested(ks.statistic(), ks.pValue(), wasserstein, psi, js, counts);
  }

  static Exact exact(double[] reference, double[] window) {
    TestResult ks = KolmogorovSmirnov.twoSample(reference, window);
    return new Exact(ks.statistic(), ks.pValue(), Wasserstein.normalized(reference, window));
  }

  /** A later run must give the same values as the one before. */
  private static void checkSame(Tested[] before, Tested[] now) {
    for (int f = 0; f < now.length; f++) {
      Tested a = before[f];
      Tested b = now[f];
      if (Double.compare(a.ks(), b.ks()) != 0
          || Double.compare(a.wasserstein(), b.wasserstein()) != 0
          || Double.compare(a.psi(), b.psi()) != 0
          || Double.compare(a.js(), b.js()) != 0
          || !Arrays.equals(a.counts(), b.counts())) {
        throw new IllegalStateException("feature " + f + ": the runs disagree: " + a + " / " + b);
      }
    }
  }

  /** Wall clock, this thread's CPU and the process's CPU of one phase, and the load around it. */
  record Timing(
      double wall, double threadCpu, double processCpu, String loadStart, String loadEnd) {
    static Timing of(Runnable work) {
      String load = load1();
      double c0 = processCpuSeconds();
      long t0 = THREADS.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      work.run();
      double wall = (System.nanoTime() - w0) / 1e9;
      double threadCpu = (THREADS.getCurrentThreadCpuTime() - t0) / 1e9;
      return new Timing(wall, threadCpu, processCpuSeconds() - c0, load, load1());
    }

    String describe(double rows, String unit) {
      return String.format(
          Locale.ROOT,
          "%.2f s (thread CPU %.2f s, process CPU %.2f s), %,.0f %s/s, load %s -> %s",
          wall,
          threadCpu,
          processCpu,
          rows / wall,
          unit,
          loadStart,
          loadEnd);
    }
  }

  private static final class Run {
    final int run;
    Timing summarise;
    Timing report;
    long[] summaryParts;
    long[] reportParts;
    Timing exact;
    double peakRssMb;

    Run(int run) {
      this.run = run;
    }

    void print(int rows, int window) {
      System.out.printf(
          Locale.ROOT,
          "run %d:%n  summarise  %s; sort %.3f s, distinct check %.3f s, edges + counts %.3f s,"
              + " sketch %.3f s%n  report     %s; counts %.3f s, KS %.3f s, Wasserstein %.3f s,"
              + " PSI + JS %.4f s%n%s  peak RSS %,.0f MB%n",
          run,
          summarise.describe(rows, "reference rows"),
          summaryParts[0] / 1e9,
          summaryParts[1] / 1e9,
          summaryParts[2] / 1e9,
          summaryParts[3] / 1e9,
          report.describe(window, "window rows"),
          reportParts[0] / 1e9,
          reportParts[1] / 1e9,
          reportParts[2] / 1e9,
          reportParts[3] / 1e9,
          exact == null
              ? ""
              : "  exact      "
                  + exact.describe((double) rows + window, "reference + window rows")
                  + " (KS + Wasserstein on the raw samples)\n",
          peakRssMb);
    }
  }

  /** The run with the smallest {@code key}. */
  private static Run best(List<Run> runs, ToDoubleFunction<Run> key) {
    return runs.stream().min(Comparator.comparingDouble(key)).orElseThrow();
  }

  private static String load1() {
    return ProcessStats.loadAverage().split(" ")[0];
  }

  private static double processCpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  // ------------------------------------------------------------------ agreement

  /**
   * Prints the worst differences to SciPy's values and answers whether the binned statistics agree
   * (same counts, PSI and JS within {@link #BINNED_TOLERANCE}).
   */
  private static boolean agreement(
      Summary[] summaries, Tested[] tested, Exact[] exacts, JsonNode scipy) {
    int features = tested.length;
    Worst ks = new Worst("|KS sketch - ks_2samp|");
    Worst ksP = new Worst("|p sketch - ks_2samp p|");
    Worst wRel = new Worst("Wasserstein sketch, relative error");
    Worst wRelShifted = new Worst("Wasserstein sketch, relative error, shifted features");
    Worst wAbs = new Worst("|Wasserstein sketch - SciPy| (reference std units)");
    Worst psi = new Worst("|PSI - SciPy's|");
    Worst js = new Worst("|JS - jensenshannon|");
    Worst exactKs = new Worst("|KS exact - ks_2samp|");
    Worst exactP = new Worst("|p exact - ks_2samp p|");
    Worst exactW = new Worst("Wasserstein exact, relative error");
    int countsDiffer = 0;
    // features whose drift decision differs at the drift monitor's default thresholds
    int[] decisions = new int[4];
    boolean perFeature = features <= 12;
    if (perFeature) {
      System.out.printf(
          Locale.ROOT,
          "%-4s %-11s %5s  %9s %9s  %10s %10s  %10s %10s  %10s %10s%n",
          "f",
          "shape",
          "shift",
          "KS",
          "ks_2samp",
          "W (norm)",
          "SciPy",
          "PSI",
          "SciPy",
          "JS",
          "SciPy");
    }
    for (int f = 0; f < features; f++) {
      JsonNode p = scipy.get(f);
      Tested t = tested[f];
      long[] pyCounts = longs(p.get("counts"));
      long[] pyReferenceCounts = longs(p.get("referenceCounts"));
      if (!Arrays.equals(pyCounts, t.counts())
          || !Arrays.equals(pyReferenceCounts, summaries[f].counts())) {
        countsDiffer++;
        System.out.printf(
            Locale.ROOT,
            "feature %d: counts differ: Java reference %s window %s, numpy reference %s window"
                + " %s%n",
            f,
            Arrays.toString(summaries[f].counts()),
            Arrays.toString(t.counts()),
            Arrays.toString(pyReferenceCounts),
            Arrays.toString(pyCounts));
      }
      double pyW = p.get("wasserstein").asDouble();
      ks.add(f, Math.abs(t.ks() - p.get("ks").asDouble()));
      ksP.add(f, Math.abs(t.ksP() - p.get("ksP").asDouble()));
      wAbs.add(f, Math.abs(t.wasserstein() - pyW));
      wRel.add(f, Math.abs(t.wasserstein() - pyW) / pyW);
      if (shift(f) > 0) {
        wRelShifted.add(f, Math.abs(t.wasserstein() - pyW) / pyW);
      }
      psi.add(f, Math.abs(t.psi() - p.get("psi").asDouble()));
      js.add(f, Math.abs(t.js() - p.get("js").asDouble()));
      if (exacts != null) {
        exactKs.add(f, Math.abs(exacts[f].ks() - p.get("ks").asDouble()));
        exactP.add(f, Math.abs(exacts[f].ksP() - p.get("ksP").asDouble()));
        exactW.add(f, Math.abs(exacts[f].wasserstein() - pyW) / pyW);
      }
      decisions[0] += (t.ksP() < 0.05) != (p.get("ksP").asDouble() < 0.05) ? 1 : 0;
      decisions[1] += (t.wasserstein() >= 0.1) != (pyW >= 0.1) ? 1 : 0;
      decisions[2] += (t.psi() >= 0.1) != (p.get("psi").asDouble() >= 0.1) ? 1 : 0;
      decisions[3] += (t.js() >= 0.1) != (p.get("js").asDouble() >= 0.1) ? 1 : 0;
      if (perFeature) {
        System.out.printf(
            Locale.ROOT,
            "%-4d %-11s %5.2f  %9.6f %9.6f  %10.6f %10.6f  %10.3e %10.3e  %10.3e %10.3e%n",
            f,
            SHAPES[f % SHAPES.length],
            shift(f),
            t.ks(),
            p.get("ks").asDouble(),
            t.wasserstein(),
            pyW,
            t.psi(),
            p.get("psi").asDouble(),
            t.js(),
            p.get("js").asDouble());
      }
    }
    System.out.println("agreement with SciPy (worst over the features):");
    System.out.println(
        "  " + ks + (ks.value <= KS_SKETCH_EXPECTED ? " (expected <= 0.001)" : " (NOT <= 0.001)"));
    System.out.println("  " + ksP);
    System.out.println("  " + wAbs);
    System.out.println("  " + wRel);
    System.out.println("  " + wRelShifted);
    System.out.println(
        "  " + psi + (psi.value <= BINNED_TOLERANCE ? "" : " (BEYOND " + BINNED_TOLERANCE + ")"));
    System.out.println(
        "  " + js + (js.value <= BINNED_TOLERANCE ? "" : " (BEYOND " + BINNED_TOLERANCE + ")"));
    System.out.printf(
        Locale.ROOT,
        "  shared-bin counts: %s%n",
        countsDiffer == 0
            ? "identical for all " + features + " features (reference and window)"
            : "DIFFERENT for " + countsDiffer + " features");
    if (exacts != null) {
      System.out.println("  " + exactKs);
      System.out.println("  " + exactP);
      System.out.println("  " + exactW);
    }
    System.out.printf(
        Locale.ROOT,
        "  drift decisions that differ from SciPy's (of %d features): KS p < 0.05: %d,"
            + " Wasserstein >= 0.1: %d, PSI >= 0.1: %d, JS >= 0.1: %d%n",
        features,
        decisions[0],
        decisions[1],
        decisions[2],
        decisions[3]);
    return countsDiffer == 0 && psi.value <= BINNED_TOLERANCE && js.value <= BINNED_TOLERANCE;
  }

  private static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  /** The largest of a set of differences, and where. */
  private static final class Worst {
    final String name;
    double value = Double.NEGATIVE_INFINITY;
    int feature = -1;

    Worst(String name) {
      this.name = name;
    }

    void add(int f, double difference) {
      if (feature < 0 || difference > value || Double.isNaN(difference)) {
        value = difference;
        feature = f;
      }
    }

    @Override
    public String toString() {
      if (feature < 0) {
        return name + ": none";
      }
      return String.format(
          Locale.ROOT,
          "%s: %.3g (feature %d, %s, shift %.2f)",
          name,
          value,
          feature,
          SHAPES[feature % SHAPES.length],
          shift(feature));
    }
  }

  // ------------------------------------------------------------------ the data

  /** The window's shift of feature {@code f}: 0 unless {@code f % 3 == 2}. */
  static double shift(int f) {
    return f % 3 == 2 ? SHIFTS[(f / 3) % SHIFTS.length] : 0;
  }

  /** The values of feature {@code f} in the reference or the window, from their own stream. */
  static double[] column(long seed, int f, int n, boolean window) {
    SplittableRandom r = new SplittableRandom(streamSeed(seed, f, window));
    double delta = window ? shift(f) : 0;
    double[] out = new double[n];
    switch (f % 4) {
      case 0 -> {
        // normal; location and scale vary by feature
        double mean = (f % 7) * 3.0 - 9;
        double sd = 0.5 + f % 5;
        for (int i = 0; i < n; i++) {
          out[i] = mean + sd * (gaussian(r) + delta);
        }
      }
      case 1 -> {
        // lognormal (amounts); the window's logarithm moves by delta sigma
        double mu = 2 + (f % 3) * 0.5;
        double sigma = 0.5 + (f % 5) * 0.15;
        for (int i = 0; i < n; i++) {
          out[i] = Math.exp(mu + sigma * (gaussian(r) + delta));
        }
      }
      case 2 -> {
        // uniform integers 0..23 (an hour); the window moves a share delta to 0..7
        for (int i = 0; i < n; i++) {
          out[i] = r.nextDouble() < delta ? r.nextInt(8) : r.nextInt(24);
        }
      }
      default -> {
        // bimodal: 0.6 N(-2, 1) + 0.4 N(3, 1.5); the window moves delta of the weight to N(3, 1.5)
        for (int i = 0; i < n; i++) {
          out[i] = r.nextDouble() < 0.6 - delta ? -2 + gaussian(r) : 3 + 1.5 * gaussian(r);
        }
      }
    }
    return out;
  }

  private static long streamSeed(long seed, int f, boolean window) {
    long z =
        seed * 0x9E3779B97F4A7C15L
            + (f + 1) * 0xBF58476D1CE4E5B9L
            + (window ? 0x94D049BB133111EBL : 0L);
    // splitmix64's finaliser
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller, one value per call (simple and deterministic)
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Writes the columns one after the other as little-endian float64 ({@code numpy.fromfile}). */
  static void write(Path file, double[][] columns) throws IOException {
    int chunk = 1 << 16;
    ByteBuffer buffer =
        ByteBuffer.allocateDirect(chunk * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (double[] column : columns) {
        for (int from = 0; from < column.length; from += chunk) {
          int n = Math.min(chunk, column.length - from);
          buffer.clear();
          buffer.asDoubleBuffer().put(column, from, n);
          buffer.limit(n * Double.BYTES);
          while (buffer.hasRemaining()) {
            out.write(buffer);
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ the SciPy side

  /** Debian's python3 (where python3-scipy is installed), else the first python3 on the PATH. */
  private static String defaultPython() {
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  /** {@code --scipy-script}, else this jar's {@code drift_report.py} copied into {@code work}. */
  private static Path script(Map<String, String> options, Path work) throws IOException {
    if (options.containsKey("scipy-script")) {
      return Path.of(options.get("scipy-script"));
    }
    Path script = work.resolve("drift_report.py");
    try (InputStream in = DriftReportBenchmark.class.getResourceAsStream("drift_report.py")) {
      if (in == null) {
        throw new IllegalStateException("drift_report.py is not on the class path");
      }
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    return script;
  }

  /** A child process's {@code RESULT} line, exit code, wall time and peak RSS. */
  private static final class Child {
    JsonNode result;
    final List<String> lastLines = new ArrayList<>();
    int exitCode;
    double wallSeconds;
    double peakRssMb;

    /**
     * Runs {@code command}, echoing its output (stderr merged) but the {@code RESULT} line; its
     * peak RSS is sampled from {@code /proc/<pid>/status} every 100 ms and taken from the result.
     */
    static Child run(List<String> command) throws Exception {
      Child c = new Child();
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      ProcessStats.PeakSampler sampler = ProcessStats.samplePeak(p);
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.startsWith("RESULT ")) {
            c.result = Json.readTree(line.substring("RESULT ".length()));
            c.peakRssMb = Math.max(c.peakRssMb, c.result.path("peakRssMb").asDouble(0));
            continue;
          }
          System.out.println("  " + line);
          c.lastLines.add(line);
          if (c.lastLines.size() > 5) {
            c.lastLines.remove(0);
          }
        }
      }
      c.exitCode = p.waitFor();
      c.wallSeconds = (System.nanoTime() - t0) / 1e9;
      c.peakRssMb = Math.max(c.peakRssMb, sampler.stopMb());
      if (c.exitCode != 0) {
        c.result = null;
      }
      return c;
    }
  }
}
