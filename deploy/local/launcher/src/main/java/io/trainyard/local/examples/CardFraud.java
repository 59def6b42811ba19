package io.trainyard.local.examples;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A synthetic card-fraud table: numeric features of card transactions and a 0/1 {@code fraud}
 * target, drawn from a known logistic model: about 7.5 % fraud, and the true model's ROC AUC is
 * 0.93 (a classifier trained on a few thousand rows reaches about 0.85 to 0.9). The same rows and
 * seed give the same bytes. The demo posts it; tests use it as their data.
 *
 * <p>Columns: {@code amount} (currency units, log-normal), {@code hour} (0–23), {@code
 * distance_from_home} (km), {@code distance_from_last} (km), {@code ratio_to_median} (amount over
 * the card's median), {@code repeat_retailer}, {@code used_chip}, {@code used_pin}, {@code
 * online_order} (0/1), {@code fraud} (0/1, about 8 % ones).
 */
public final class CardFraud {

  /** The CSV header. */
  public static final String HEADER =
      "amount,hour,distance_from_home,distance_from_last,ratio_to_median,repeat_retailer,"
          + "used_chip,used_pin,online_order,fraud";

  /** The target column. */
  public static final String TARGET = "fraud";

  private CardFraud() {}

  /** {@code rows} transactions drawn with {@code seed}, as CSV with a header row. */
  public static String csv(int rows, long seed) {
    return csv(rows, seed, 0.0);
  }

  /**
   * {@code rows} transactions drawn with {@code seed}; {@code shift} moves the feature
   * distributions (0 is the training distribution; 1 roughly doubles amounts and distances and
   * moves orders online), which is what drift looks like.
   */
  public static String csv(int rows, long seed, double shift) {
    StringBuilder out = new StringBuilder(rows * 64);
    out.append(HEADER).append('\n');
    for (Transaction t : transactions(rows, seed, shift)) {
      double[] x = t.features();
      out.append(String.format(Locale.ROOT, "%.2f", x[0]))
          .append(',')
          .append((int) x[1])
          .append(',')
          .append(String.format(Locale.ROOT, "%.3f", x[2]))
          .append(',')
          .append(String.format(Locale.ROOT, "%.3f", x[3]))
          .append(',')
          .append(String.format(Locale.ROOT, "%.4f", x[4]))
          .append(',')
          .append((int) x[5])
          .append(',')
          .append((int) x[6])
          .append(',')
          .append((int) x[7])
          .append(',')
          .append((int) x[8])
          .append(',')
          .append(t.fraud())
          .append('\n');
    }
    return out.toString();
  }

  /**
   * One transaction.
   *
   * @param features the 9 feature values, in {@link #FEATURES} order
   * @param probability the true probability of fraud under the generating model
   * @param fraud the drawn label, 0 or 1
   */
  public record Transaction(double[] features, double probability, int fraud) {

    /** The features by column name. */
    public java.util.Map<String, Object> byName() {
      java.util.Map<String, Object> named = new java.util.LinkedHashMap<>();
      for (int i = 0; i < FEATURES.size(); i++) {
        named.put(FEATURES.get(i), features[i]);
      }
      return named;
    }
  }

  /** The feature columns, in order. */
  public static final java.util.List<String> FEATURES =
      java.util.List.of(HEADER.split(",")).subList(0, 9);

  /** {@code rows} transactions drawn with {@code seed} and {@code shift} (see {@link #csv}). */
  public static java.util.List<Transaction> transactions(int rows, long seed, double shift) {
    java.util.List<Transaction> out = new java.util.ArrayList<>(rows);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < rows; i++) {
      double[] x = features(random, shift);
      double logit =
          -3.2
              + 1.6
                  * (1.3 * Math.log(x[0] / 60.0)
                      + 0.9 * (x[1] < 5 ? 1 : 0)
                      + 0.012 * x[2]
                      + 0.02 * x[3]
                      + 1.1 * (x[4] - 1.0)
                      - 0.7 * x[5]
                      - 0.9 * x[6]
                      - 1.2 * x[7]
                      + 1.0 * x[8]);
      double probability = 1.0 / (1.0 + Math.exp(-logit));
      int fraud = random.nextDouble() < probability ? 1 : 0;
      out.add(new Transaction(x, probability, fraud));
    }
    return out;
  }

  /** The CSV as UTF-8 bytes. */
  public static byte[] bytes(int rows, long seed) {
    return csv(rows, seed).getBytes(StandardCharsets.UTF_8);
  }

  /** One transaction's features, in column order. */
  static double[] features(SplittableRandom random, double shift) {
    double amount = Math.exp(3.8 + 0.9 * gaussian(random) + 0.7 * shift);
    double hour = random.nextInt(24);
    double home = Math.abs(25 * gaussian(random)) * (1 + shift);
    double last = Math.abs(8 * gaussian(random)) * (1 + shift);
    double ratio = Math.exp(0.45 * gaussian(random) + 0.3 * shift);
    double repeat = random.nextDouble() < 0.85 ? 1 : 0;
    double chip = random.nextDouble() < 0.65 ? 1 : 0;
    double pin = random.nextDouble() < 0.3 ? 1 : 0;
    double online = random.nextDouble() < 0.35 + 0.3 * Math.min(shift, 1) ? 1 : 0;
    return new double[] {amount, hour, home, last, ratio, repeat, chip, pin, online};
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
