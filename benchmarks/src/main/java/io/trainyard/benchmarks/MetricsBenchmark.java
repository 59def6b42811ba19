package io.trainyard.benchmarks;

import io.trainyard.local.examples.CardFraud;
import io.trainyard.stats.BinaryMetrics;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link BinaryMetrics} on an evaluation-sized sample: 100,000 CardFraud rows, the score being the
 * true fraud probability of the generating model (continuous, so almost no ties; about 7.5 %
 * positives), the prediction that score at threshold 0.5. One operation is one metric over all
 * rows, argument checks included. Run: {@code java -jar benchmarks/target/benchmarks.jar
 * MetricsBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetricsBenchmark {

  @Param("100000")
  public int rows;

  private int[] labels;
  private double[] scores;
  private int[] predictions;

  @Setup
  public void setUp() {
    List<CardFraud.Transaction> sample = CardFraud.transactions(rows, 11, 0.0);
    labels = new int[rows];
    scores = new double[rows];
    predictions = new int[rows];
    for (int i = 0; i < rows; i++) {
      CardFraud.Transaction t = sample.get(i);
      labels[i] = t.fraud();
      scores[i] = t.probability();
      predictions[i] = t.probability() >= 0.5 ? 1 : 0;
    }
  }

  @Benchmark
  public double rocAuc() {
    return BinaryMetrics.rocAuc(labels, scores);
  }

  @Benchmark
  public double f1() {
    return BinaryMetrics.f1(labels, predictions);
  }

  @Benchmark
  public double logLoss() {
    return BinaryMetrics.logLoss(labels, scores);
  }
}
