package io.trainyard.benchmarks;

import ai.djl.engine.Engine;
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
 */
public final class TrainingBenchmark {

  private TrainingBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = ProcessStats.options(args, List.of());
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
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
