package io.trainyard.benchmarks;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.PipelineSpecs;
import io.trainyard.models.Djl;
import io.trainyard.models.training.CheckpointStore;
import io.trainyard.models.training.EpochResult;
import io.trainyard.models.training.Target;
import io.trainyard.models.training.TrainingData;
import io.trainyard.models.training.TrainingOutcome;
import io.trainyard.models.training.XgbTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Training time of gradient-boosted trees through {@link XgbTrainer} (XGBoost4J, {@code hist}) on
 * the table of {@code TrainingBenchmark --features N}: rows of N standard-normal features with a
 * linear label plus noise, the first 80 % for training, the rest for validation; binary logistic,
 * {@code max_depth} 6, {@code eta} 0.3, a fixed number of rounds (early stopping off).
 *
 * <p>It prints the time of each phase: preparing the data (preprocessing fitted and applied, the
 * matrices built), the boosting rounds (XGBoost's update, its training metric and the validation
 * figures per round, as a run computes them), and saving the bundle; the mean seconds per round;
 * the validation loss and accuracy; and the peak RSS. {@code benchmarks/xgboost_train.py} boosts
 * the same table with Python's xgboost (the same C++ core) for reference.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.trainyard.benchmarks.XgboostBenchmark
 * [--rows 1000000] [--features 30] [--rounds 100] [--max-depth 6] [--threads 1] [--seed 7]}.
 */
public final class XgboostBenchmark {

  private XgboostBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = ProcessStats.options(args, List.of());
    int rows = Integer.parseInt(options.getOrDefault("rows", "1000000"));
    int width = Integer.parseInt(options.getOrDefault("features", "30"));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "100"));
    int maxDepth = Integer.parseInt(options.getOrDefault("max-depth", "6"));
    String threads = options.getOrDefault("threads", "1");
    long seed = Long.parseLong(options.getOrDefault("seed", "7"));
    System.setProperty(Djl.NUM_THREADS, threads);
    Djl.configure();
    String loadBefore = ProcessStats.loadAverage();

    TrainingData data = SyntheticTable.linear(rows, width, seed);
    int trainRows = data.trainY().length;
    PipelineSpec spec =
        PipelineSpecs.parse(
                "{\"name\": \"xgboost-benchmark\", \"task\": \"binary-classification\","
                    + " \"target\": \"y\", \"training\": {\"model\": {\"type\": \"xgboost\","
                    + " \"trees\": {\"maxDepth\": "
                    + maxDepth
                    + "}}, \"epochs\": "
                    + rounds
                    + ", \"earlyStopping\": {\"enabled\": false}, \"seed\": "
                    + seed
                    + "}}")
            .withDefaults();
    Path out = Files.createTempDirectory("xgboost-benchmark-");
    List<EpochResult> epochs = new ArrayList<>();
    long[] firstRoundEnd = {0};
    long started = System.nanoTime();
    TrainingOutcome outcome =
        new XgbTrainer(spec.training())
            .train(
                data,
                Target.binary("0", "1"),
                out.resolve("model"),
                e -> {
                  if (epochs.isEmpty()) {
                    firstRoundEnd[0] = System.nanoTime();
                  }
                  epochs.add(e);
                },
                () -> false,
                CheckpointStore.NONE);
    double total = (System.nanoTime() - started) / 1e9;
    double boostSeconds = 0;
    for (EpochResult e : epochs) {
      boostSeconds += (trainRows / e.samplesPerSecond());
    }
    EpochResult last = epochs.get(epochs.size() - 1);
    System.out.printf(
        Locale.ROOT,
        "xgboost %s rows x %d features (train %d), %d rounds, max_depth %d, %s thread(s)%n",
        rows,
        width,
        trainRows,
        outcome.epochsRun(),
        maxDepth,
        threads);
    System.out.printf(
        Locale.ROOT,
        "total %.2f s (first round ended at %.2f s: data preparation + round 1);"
            + " boosting updates %.2f s (%.3f s/round); validation and metrics per round make the"
            + " rest%n",
        total,
        (firstRoundEnd[0] - started) / 1e9,
        boostSeconds,
        boostSeconds / epochs.size());
    System.out.printf(
        Locale.ROOT,
        "last round: train logloss %.5f, val_loss %.5f, val_accuracy %.4f; best round %d%n",
        last.trainLoss(),
        last.valLoss(),
        last.valAccuracy(),
        outcome.bestEpoch());
    System.out.printf(
        Locale.ROOT,
        "peak RSS %.0f MB; load average before %s, after %s%n",
        ProcessStats.peakRssMb(),
        loadBefore,
        ProcessStats.loadAverage());
    try (Stream<Path> files = Files.walk(out)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
