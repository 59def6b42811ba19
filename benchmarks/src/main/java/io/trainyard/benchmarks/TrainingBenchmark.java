package io.trainyard.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.PipelineSpecs;
import io.trainyard.local.examples.CardFraud;
import io.trainyard.models.Djl;
import io.trainyard.models.training.EpochResult;
import io.trainyard.models.training.MlpTrainer;
import io.trainyard.models.training.TrainingData;
import io.trainyard.models.training.TrainingOutcome;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Training throughput of {@link MlpTrainer} (DJL, PyTorch engine, CPU, one PyTorch thread as {@link
 * Djl#configure()} sets it) on the synthetic card-fraud table: 50,000 rows of 9 features split
 * 80/20 in generation order, an MLP 9-64-32-1, mini-batches of 256, Adam, 10 epochs, early stopping
 * off; the rest of the training section is the spec's defaults (cosine schedule, learning rate
 * 0.001, weight decay 0.0001, dropout 0.1).
 *
 * <p>Per epoch it prints the trainer's own rate ({@link EpochResult#samplesPerSecond()}: the
 * training pass only) and a wall-clock rate (training rows over the time between the end of the
 * previous epoch and the end of this one: the training pass, the validation pass and the snapshot
 * of the best parameters) and the same rows over the CPU time of the training thread in that
 * interval (with one PyTorch thread all the work runs on it: a rate that other processes on the
 * machine disturb far less than the wall-clock ones); then the means over epochs 2..N (epoch 1
 * warms up), the time to start the PyTorch engine, and the process's peak RSS ({@code VmHWM}).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.trainyard.benchmarks.TrainingBenchmark [--rows 50000] [--epochs 10] [--batch-size 256]
 * [--optimizer adam] [--hidden 64,32] [--dropout 0.1] [--seed 7] [--features N]}; {@code --features
 * N} trains on N standard-normal features with a linear label instead of CardFraud (the workload of
 * {@code benchmarks/pytorch_mlp.py}, its PyTorch counterpart). DJL runs offline, with the libtorch
 * extracted in {@code ~/.trainyard/djl} (extracted from the shaded {@code pytorch-native-cpu} jar
 * on the first run if missing).
 *
 * <p>{@code --wide} measures the wide MLP of issue 7 instead: 1024 standard-normal features, hidden
 * layers 1024 and 1024, one logit, dropout 0 (unless {@code --dropout} says otherwise), 60,000 rows
 * and 3 epochs by default. Besides the trainer's samples per second it prints the training FLOP/s
 * in two counts of matrix-multiply FLOPs (2 · in · out per product and sample; bias additions,
 * activations, the loss and the optimizer are not counted): the usual estimate, 3 × the forward
 * pass's (per Linear layer the forward product {@code x·Wᵀ} and the backward pass's {@code dy·W}
 * and {@code dyᵀ·x}), and the products autograd really runs (the same less the first layer's {@code
 * dy·W}: the input needs no gradient). It compares the latter with libtorch's plain matrix multiply
 * on exactly those products at the same batch size, timed by themselves on one thread before and
 * after the training (the best of the two is the reference); the ratio is the fraction of
 * libtorch's matrix-multiply FLOP/s that training reaches.
 */
public final class TrainingBenchmark {

  private TrainingBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = ProcessStats.options(args, List.of("wide"));
    boolean wide = options.containsKey("wide");
    if (wide) {
      options.putIfAbsent("features", "1024");
      options.putIfAbsent("hidden", "1024,1024");
      options.putIfAbsent("rows", "60000");
      options.putIfAbsent("epochs", "3");
      options.putIfAbsent("dropout", "0");
    }
    int rows = Integer.parseInt(options.getOrDefault("rows", "50000"));
    int epochs = Integer.parseInt(options.getOrDefault("epochs", "10"));
    int batchSize = Integer.parseInt(options.getOrDefault("batch-size", "256"));
    String optimizer = options.getOrDefault("optimizer", "adam");
    String hidden = options.getOrDefault("hidden", "64,32");
    long seed = Long.parseLong(options.getOrDefault("seed", "7"));
    String dropout = options.get("dropout");

    System.setProperty(Djl.OFFLINE, "true");
    Djl.configure();
    String loadBefore = ProcessStats.loadAverage();

    // the data: CardFraud rows in generation order (or, with --features N, a synthetic table of N
    // standard-normal features), the first 80 % for training
    String featuresOption = options.get("features");
    double[][] x = new double[rows][];
    int[] y = new int[rows];
    List<String> featureNames;
    if (featuresOption == null) {
      featureNames = CardFraud.FEATURES;
      List<CardFraud.Transaction> all = CardFraud.transactions(rows, seed, 0.0);
      for (int i = 0; i < rows; i++) {
        x[i] = all.get(i).features();
        y[i] = all.get(i).fraud();
      }
    } else {
      int width = Integer.parseInt(featuresOption);
      featureNames = SyntheticTable.names(width);
      SyntheticTable.fill(x, y, width, seed);
    }
    int positives = java.util.Arrays.stream(y).sum();
    TrainingData data = SyntheticTable.split(featureNames, x, y);
    int trainRows = data.trainY().length;

    String spec =
        "{\"name\": \"training-benchmark\", \"task\": \"binary-classification\","
            + " \"target\": \"fraud\", \"training\": {\"model\": {\"type\": \"mlp\", \"hidden\": ["
            + hidden
            + "]"
            + (dropout == null ? "" : ", \"dropout\": " + dropout)
            + "}, \"epochs\": "
            + epochs
            + ", \"batchSize\": "
            + batchSize
            + ", \"optimizer\": \""
            + optimizer
            + "\", \"earlyStopping\": {\"enabled\": false}, \"seed\": "
            + seed
            + "}}";
    PipelineSpec.Training training = PipelineSpecs.parse(spec).withDefaults().training();
    MlpTrainer trainer = new MlpTrainer(training);

    System.out.printf(
        Locale.ROOT,
        "training benchmark: %d %s rows (%d train / %d validation, %.1f %% positive), %d"
            + " features; mlp %s, dropout %s, batch %d, %s, lr %s (%s), weight decay %s, %d epochs,"
            + " early stopping off; PyTorch threads %s/%s; load average %s%n",
        rows,
        featuresOption == null ? "CardFraud" : "synthetic",
        trainRows,
        rows - trainRows,
        100.0 * positives / rows,
        featureNames.size(),
        training.model().hidden(),
        training.model().dropout(),
        training.batchSize(),
        training.optimizer(),
        training.learningRate(),
        training.schedule(),
        training.weightDecay(),
        training.epochs(),
        System.getProperty(Djl.NUM_THREADS),
        System.getProperty(Djl.NUM_INTEROP_THREADS),
        loadBefore);

    long engineStart = System.nanoTime();
    Engine engine = Engine.getInstance();
    double engineSeconds = (System.nanoTime() - engineStart) / 1e9;
    List<Integer> layers = new ArrayList<>();
    layers.add(featureNames.size());
    for (String h : hidden.split(",")) {
      layers.add(Integer.parseInt(h.trim()));
    }
    layers.add(1);
    double[] matmulBefore = wide ? matmulFlops(layers, training.batchSize()) : null;
    System.out.printf(
        Locale.ROOT,
        "engine %s %s started in %.2f s (DJL_CACHE_DIR %s); RSS %.0f MB%n",
        engine.getEngineName(),
        engine.getVersion(),
        engineSeconds,
        System.getProperty(Djl.CACHE_DIR),
        ProcessStats.rssMb());

    Path outDir = Files.createTempDirectory("trainyard-training-benchmark");
    // {trainer's samples/s, wall samples/s, samples per CPU second of the training thread}
    List<double[]> perEpoch = new ArrayList<>();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] last = {System.nanoTime(), threads.getCurrentThreadCpuTime()};
    long started = last[0];
    System.out.println(
        "epoch  train pass (samples/s)  wall (s)  wall (samples/s)  cpu (samples/cpu-s)"
            + "  train loss  val loss  val acc");
    TrainingOutcome outcome;
    try {
      outcome =
          trainer.train(
              data,
              "0",
              "1",
              outDir,
              epoch -> {
                long now = System.nanoTime();
                long cpuNow = threads.getCurrentThreadCpuTime();
                double wall = (now - last[0]) / 1e9;
                double cpu = (cpuNow - last[1]) / 1e9;
                last[0] = now;
                last[1] = cpuNow;
                double wallRate = trainRows / wall;
                double cpuRate = trainRows / cpu;
                perEpoch.add(new double[] {epoch.samplesPerSecond(), wallRate, cpuRate});
                System.out.printf(
                    Locale.ROOT,
                    "%5d  %22.0f  %8.3f  %16.0f  %19.0f  %10.4f  %8.4f  %7.4f%n",
                    epoch.epoch(),
                    epoch.samplesPerSecond(),
                    wall,
                    wallRate,
                    cpuRate,
                    epoch.trainLoss(),
                    epoch.valLoss(),
                    epoch.valAccuracy());
              },
              () -> false);
    } finally {
      deleteTree(outDir);
    }
    double total = (System.nanoTime() - started) / 1e9;

    double pass = 0;
    double wall = 0;
    double cpu = 0;
    int counted = 0;
    for (int i = 1; i < perEpoch.size(); i++) {
      pass += perEpoch.get(i)[0];
      wall += perEpoch.get(i)[1];
      cpu += perEpoch.get(i)[2];
      counted++;
    }
    System.out.printf(
        Locale.ROOT,
        "mean over epochs 2..%d: train pass %.0f samples/s, wall %.0f samples/s, %.0f samples per"
            + " CPU second of the training thread%n",
        perEpoch.size(),
        counted == 0 ? Double.NaN : pass / counted,
        counted == 0 ? Double.NaN : wall / counted,
        counted == 0 ? Double.NaN : cpu / counted);
    System.out.printf(
        Locale.ROOT,
        "train() took %.2f s (%s, best epoch %d, val loss %.4f); peak RSS (VmHWM) %.0f MB;"
            + " load average %s%n",
        total,
        outcome.stopReason(),
        outcome.bestEpoch(),
        outcome.metrics().get("val_loss"),
        ProcessStats.peakRssMb(),
        ProcessStats.loadAverage());
    if (wide && counted > 0) {
      double forwardFlops = 0;
      for (int i = 0; i + 1 < layers.size(); i++) {
        forwardFlops += 2.0 * layers.get(i) * layers.get(i + 1);
      }
      double executedFlops = 3 * forwardFlops - 2.0 * layers.get(0) * layers.get(1);
      double samples = pass / counted;
      // per CPU second of the training thread: an epoch's CPU time also covers the validation
      // pass (forward only over the validation rows), whose FLOPs are counted with it
      int valRows = rows - trainRows;
      double cpuFlops = 0;
      for (int i = 1; i < perEpoch.size(); i++) {
        double cpuSeconds = trainRows / perEpoch.get(i)[2];
        cpuFlops += (executedFlops * trainRows + forwardFlops * valRows) / cpuSeconds;
      }
      cpuFlops /= counted;
      double[] matmulAfter = matmulFlops(layers, training.batchSize());
      double reference = Math.max(matmulBefore[0], matmulAfter[0]);
      double cpuReference = Math.max(matmulBefore[1], matmulAfter[1]);
      System.out.printf(
          Locale.ROOT,
          "wide MLP %s, batch %d, %.0f samples/s: training %.1f GFLOP/s counting 3 x the forward"
              + " matmul (%.2f MFLOP per sample), %.1f GFLOP/s counting the products run (%.2f"
              + " MFLOP per sample); libtorch matmul of those products %.1f GFLOP/s before, %.1f"
              + " after; fraction %.2f (products run) or %.2f (3 x forward); load average %s%n",
          layers,
          training.batchSize(),
          samples,
          3 * forwardFlops * samples / 1e9,
          3 * forwardFlops / 1e6,
          executedFlops * samples / 1e9,
          executedFlops / 1e6,
          matmulBefore[0] / 1e9,
          matmulAfter[0] / 1e9,
          executedFlops * samples / reference,
          3 * forwardFlops * samples / reference,
          ProcessStats.loadAverage());
      System.out.printf(
          Locale.ROOT,
          "per CPU second of the training thread: training %.1f GFLOP (products run, validation"
              + " forward included); libtorch matmul %.1f GFLOP before, %.1f after; fraction %.2f%n",
          cpuFlops / 1e9,
          matmulBefore[1] / 1e9,
          matmulAfter[1] / 1e9,
          cpuFlops / cpuReference);
    }
  }

  /**
   * libtorch's FLOP/s on the matrix multiplies of one training step of an MLP with these layer
   * widths at this batch size: per layer {@code x·Wᵀ} (batch × in by in × out) and {@code dyᵀ·x},
   * and {@code dy·W} for every layer but the first, 2 · batch · in · out FLOPs each; the best of 5
   * rounds of 2 s after one of warm-up, per wall-clock second and per CPU second of this thread.
   */
  private static double[] matmulFlops(List<Integer> layers, int batch) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (NDManager manager = NDManager.newBaseManager()) {
      int n = layers.size() - 1;
      NDArray[] x = new NDArray[n];
      NDArray[] w = new NDArray[n];
      NDArray[] dy = new NDArray[n];
      NDArray[] wT = new NDArray[n];
      NDArray[] dyT = new NDArray[n];
      double flops = 0;
      for (int i = 0; i < n; i++) {
        int in = layers.get(i);
        int out = layers.get(i + 1);
        x[i] = manager.randomNormal(new Shape(batch, in));
        w[i] = manager.randomNormal(new Shape(out, in));
        dy[i] = manager.randomNormal(new Shape(batch, out));
        wT[i] = w[i].transpose(); // views, as the trainer's products use them
        dyT[i] = dy[i].transpose();
        flops += (i == 0 ? 2 : 3) * 2.0 * batch * in * out;
      }
      double best = 0;
      double bestCpu = 0;
      for (int round = 0; round < 6; round++) {
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long steps = 0;
        while (System.nanoTime() - start < 2_000_000_000L) {
          try (NDManager step = manager.newSubManager()) {
            for (int i = 0; i < n; i++) {
              NDArray forward = x[i].matMul(wT[i]);
              NDArray weightGrad = dyT[i].matMul(x[i]);
              forward.attach(step);
              weightGrad.attach(step);
              if (i > 0) {
                dy[i].matMul(w[i]).attach(step);
              }
            }
          }
          steps++;
        }
        double rate = flops * steps / ((System.nanoTime() - start) / 1e9);
        double cpuRate = flops * steps / ((threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
        if (round > 0) { // round 0 warms up
          best = Math.max(best, rate);
          bestCpu = Math.max(bestCpu, cpuRate);
        }
      }
      return new double[] {best, bestCpu};
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
