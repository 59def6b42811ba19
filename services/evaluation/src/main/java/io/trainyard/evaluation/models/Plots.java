package io.trainyard.evaluation.models;

import io.trainyard.stats.BinaryMetrics;
import io.trainyard.stats.Curves;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Evaluation plots of a scored test split, as standalone SVG documents (hand-written, no
 * dependency), drawn the way scikit-learn's displays draw them:
 *
 * <ul>
 *   <li>binary classification: {@code roc.svg} ({@code RocCurveDisplay}: {@link Curves#roc}, the
 *       chance diagonal, the AUC in the legend), {@code precision-recall.svg} ({@code
 *       PrecisionRecallDisplay}: {@link Curves#precisionRecall} drawn as steps-post, the AP in the
 *       legend and the positive rate as the chance level), {@code calibration.svg} ({@code
 *       CalibrationDisplay}: {@link Curves#calibration} with {@value #CALIBRATION_BINS} uniform
 *       bins, the diagonal, and the rows per bin as bars along the bottom), {@code
 *       confusion-matrix.svg} (rows the true class, columns the predicted one, each cell shaded by
 *       its share of the row);
 *   <li>multiclass: the same four, with one one-vs-rest curve per class in {@code roc.svg} and
 *       {@code precision-recall.svg} (a class with no row in the test split has no curve and says
 *       so in the legend), and {@code calibration.svg} of the top-label confidence: each row's
 *       largest probability against whether that class (the first on ties) is the true one, as
 *       {@link io.trainyard.stats.ClassificationMetrics#ece};
 *   <li>regression: {@code residuals.svg} (predicted value against actual − predicted, with the
 *       line y = 0, as {@code PredictionErrorDisplay(kind='residual_vs_predicted')}) and {@code
 *       predicted-vs-actual.svg} (predicted value against actual value on equal axes, with the line
 *       y = x, as {@code PredictionErrorDisplay(kind='actual_vs_predicted')}).
 * </ul>
 *
 * <p>Output is deterministic: coordinates are printed with at most two decimals, independent of the
 * default locale. A curve with more than {@value #MAX_CURVE_POINTS} points is drawn through an
 * evenly spaced subset of them that keeps the first and the last; a regression scatter of more than
 * {@value #MAX_SCATTER_POINTS} rows draws every (n / {@value #MAX_SCATTER_POINTS})-th row in the
 * given order and says so in the subtitle. Text (class labels, the title) is XML-escaped.
 *
 * <p>Elements a reader (or a test) can find: curves are {@code <polyline class="curve"
 * data-label="...">}; chance and reference lines {@code class="chance"} and {@code
 * class="reference"}; calibration bars {@code <rect class="bar" data-bin data-count>}; confusion
 * cells {@code <g class="cell" data-true data-predicted data-count data-share>}; scatter points
 * {@code <circle class="point">}; a plot that is undefined on the data (ROC with one class) has a
 * {@code <text class="note">} saying why. Pixel positions map back to data through {@link Area}.
 */
final class Plots {

  /** The size of every plot, in pixels. */
  static final int WIDTH = 480;

  static final int HEIGHT = 400;

  /** Curves with more points are drawn through an evenly spaced subset of this many. */
  static final int MAX_CURVE_POINTS = 1000;

  /** Regression scatters with more rows draw an evenly spaced subset of this many. */
  static final int MAX_SCATTER_POINTS = 2000;

  /** The uniform bins of the calibration plots ({@code CalibrationDisplay} defaults to 5). */
  static final int CALIBRATION_BINS = 10;

  /** The plot area of the curves and scatters. */
  static final Area CURVES = new Area(64, 56, 460, 336);

  /** The plot area of the confusion matrix: square, with room for class labels left and below. */
  static final Area MATRIX = new Area(130, 56, 400, 326);

  /** matplotlib's {@code tab10}, the colour cycle of the curves. */
  private static final String[] COLORS = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
  };

  private static final String CHANCE_COLOR = "#7f7f7f";

  /** Legend lines beyond this many are summarised as "… and N more". */
  private static final int MAX_LEGEND_ENTRIES = 12;

  private Plots() {}

  /**
   * The plots of a scored test split: file name to SVG text, in a fixed order.
   *
   * @param title what the plots are of (say the model and version), shown as each plot's subtitle;
   *     may be null
   */
  static Map<String, String> of(Scored scored, String title) {
    String name = title == null ? "" : title.strip();
    Map<String, String> plots = new LinkedHashMap<>();
    switch (scored.task()) {
      case BINARY_CLASSIFICATION -> binary(scored, name, plots);
      case MULTICLASS_CLASSIFICATION -> multiclass(scored, name, plots);
      case REGRESSION -> regression(scored, name, plots);
    }
    return plots;
  }

  // ---------------------------------------------------------------------------------------------
  // Classification

  private static void binary(Scored scored, String title, Map<String, String> plots) {
    String positive = scored.classes().get(1);
    String subtitle = join(title, "positive class: " + positive);
    int[] y = scored.yTrue();
    double[] scores = scored.scores();

    List<Series> roc = new ArrayList<>();
    String rocNote = null;
    try {
      Curves.Curve curve = Curves.roc(y, scores);
      String auc = fixed(BinaryMetrics.rocAuc(y, scores));
      roc.add(new Series(positive, "AUC = " + auc, COLORS[0], curve.x(), curve.y()));
    } catch (IllegalArgumentException e) {
      rocNote = e.getMessage();
    }
    plots.put("roc.svg", roc(title, subtitle, roc, List.of(), rocNote));

    List<Series> pr = new ArrayList<>();
    String prNote = null;
    double chance = Double.NaN;
    try {
      Curves.Curve curve = Curves.precisionRecall(y, scores);
      String ap = fixed(BinaryMetrics.averagePrecision(y, scores));
      pr.add(new Series(positive, "AP = " + ap, COLORS[0], curve.x(), curve.y()));
      chance = positiveRate(y);
    } catch (IllegalArgumentException e) {
      prNote = e.getMessage();
    }
    plots.put(
        "precision-recall.svg", precisionRecall(title, subtitle, pr, List.of(), prNote, chance));

    plots.put(
        "calibration.svg",
        calibration(
            new Calibrated("Calibration", title, subtitle, positive, "Model"),
            y,
            scores,
            "Mean predicted probability",
            "Fraction of positives"));
    plots.put("confusion-matrix.svg", confusionMatrix(scored, title));
  }

  private static void multiclass(Scored scored, String title, Map<String, String> plots) {
    List<String> classes = scored.classes();
    int k = classes.size();
    int[] y = scored.yTrue();
    List<Series> roc = new ArrayList<>();
    List<Series> pr = new ArrayList<>();
    List<String> rocNotes = new ArrayList<>();
    List<String> prNotes = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      String label = classes.get(c);
      String color = COLORS[c % COLORS.length];
      int[] positive = new int[y.length];
      int count = 0;
      for (int i = 0; i < y.length; i++) {
        positive[i] = y[i] == c ? 1 : 0;
        count += positive[i];
      }
      if (count == 0) {
        rocNotes.add(label + ": not in the test split");
        prNotes.add(label + ": not in the test split");
        continue;
      }
      double[] scores = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        scores[i] = scored.probabilities()[i][c];
      }
      if (count == y.length) {
        rocNotes.add(label + ": the only class in the test split");
      } else {
        try {
          Curves.Curve curve = Curves.roc(positive, scores);
          String auc = fixed(BinaryMetrics.rocAuc(positive, scores));
          roc.add(new Series(label, label + " (AUC = " + auc + ")", color, curve.x(), curve.y()));
        } catch (IllegalArgumentException e) {
          rocNotes.add(label + ": " + e.getMessage());
        }
      }
      try {
        Curves.Curve curve = Curves.precisionRecall(positive, scores);
        String ap = fixed(BinaryMetrics.averagePrecision(positive, scores));
        pr.add(new Series(label, label + " (AP = " + ap + ")", color, curve.x(), curve.y()));
      } catch (IllegalArgumentException e) {
        prNotes.add(label + ": " + e.getMessage());
      }
    }
    String subtitle = join(title, "one class against the rest");
    plots.put("roc.svg", roc(title, subtitle, roc, rocNotes, y.length == 0 ? "no rows" : null));
    plots.put(
        "precision-recall.svg",
        precisionRecall(
            title, subtitle, pr, prNotes, y.length == 0 ? "no rows" : null, Double.NaN));

    // Top label: each row's largest probability (the first class on ties), correct or not.
    int[] correct = new int[y.length];
    double[] confidence = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      double[] p = scored.probabilities()[i];
      int best = 0;
      for (int c = 1; c < p.length; c++) {
        if (p[c] > p[best]) {
          best = c;
        }
      }
      confidence[i] = p[best];
      correct[i] = best == y[i] ? 1 : 0;
    }
    plots.put(
        "calibration.svg",
        calibration(
            new Calibrated(
                "Calibration (top label)",
                title,
                join(title, "top label: the most probable class"),
                "top-label",
                "Top-label confidence"),
            correct,
            confidence,
            "Mean confidence (largest probability)",
            "Fraction correct"));
    plots.put("confusion-matrix.svg", confusionMatrix(scored, title));
  }

  private static double positiveRate(int[] y) {
    long positives = 0;
    for (int v : y) {
      positives += v;
    }
    return (double) positives / y.length;
  }

  /**
   * A curve to draw: its {@code data-label}, its legend text, its colour (by class, so that a class
   * has the same colour in every plot) and its points.
   */
  private record Series(String label, String legend, String color, double[] x, double[] y) {}

  private static String roc(
      String title, String subtitle, List<Series> curves, List<String> notes, String undefined) {
    Frame f =
        new Frame(
            "ROC curve",
            title,
            subtitle,
            CURVES,
            Axis.unit("False positive rate"),
            Axis.unit("True positive rate"));
    List<Entry> legend = new ArrayList<>();
    f.line("chance", 0, 0, 1, 1, CHANCE_COLOR, "4 4");
    for (Series s : curves) {
      f.curve(s.label(), thin(s.x(), s.y()), s.color(), false);
      legend.add(new Entry(s.legend(), s.color(), null));
    }
    if (undefined != null) {
      f.note(undefined);
    } else {
      legend.add(new Entry("Chance level (AUC = 0.5)", CHANCE_COLOR, "4 4"));
    }
    notes.forEach(n -> legend.add(new Entry(n, null, null)));
    f.legend(Corner.LOWER_RIGHT, legend);
    return f.end();
  }

  private static String precisionRecall(
      String title,
      String subtitle,
      List<Series> curves,
      List<String> notes,
      String undefined,
      double chance) {
    Frame f =
        new Frame(
            "Precision-recall curve",
            title,
            subtitle,
            CURVES,
            Axis.unit("Recall"),
            Axis.unit("Precision"));
    List<Entry> legend = new ArrayList<>();
    if (!Double.isNaN(chance)) {
      f.line("chance", 0, chance, 1, chance, CHANCE_COLOR, "4 4");
    }
    for (Series s : curves) {
      f.curve(s.label(), thin(s.x(), s.y()), s.color(), true);
      legend.add(new Entry(s.legend(), s.color(), null));
    }
    if (!Double.isNaN(chance)) {
      legend.add(new Entry("Chance level (AP = " + fixed(chance) + ")", CHANCE_COLOR, "4 4"));
    }
    if (undefined != null) {
      f.note(undefined);
    }
    notes.forEach(n -> legend.add(new Entry(n, null, null)));
    f.legend(Corner.LOWER_LEFT, legend);
    return f.end();
  }

  /** The texts of a calibration plot; {@code label} is the curve's {@code data-label}. */
  private record Calibrated(
      String heading, String title, String subtitle, String label, String legend) {}

  private static String calibration(
      Calibrated texts, int[] y, double[] probability, String xTitle, String yTitle) {
    Frame f =
        new Frame(
            texts.heading(),
            texts.title(),
            texts.subtitle(),
            CURVES,
            Axis.unit(xTitle),
            Axis.unit(yTitle));
    Curves.Calibration cal;
    try {
      cal = Curves.calibration(y, probability, CALIBRATION_BINS);
    } catch (IllegalArgumentException e) {
      f.note(e.getMessage());
      return f.end();
    }
    // Rows per bin along the bottom: the tallest bar a quarter of the plot's height.
    long tallest = 0;
    for (long c : cal.counts()) {
      tallest = Math.max(tallest, c);
    }
    double base = f.py(0);
    double full = (base - f.py(1)) / 4;
    StringBuilder bars = new StringBuilder("<g class=\"bars\" fill=\"#c7c7c7\">\n");
    for (int j = 0; j < cal.size(); j++) {
      int b = cal.bins()[j];
      double left = f.px((double) b / CALIBRATION_BINS) + 1;
      double right = f.px((double) (b + 1) / CALIBRATION_BINS) - 1;
      double height = full * cal.counts()[j] / tallest;
      bars.append("<rect class=\"bar\" data-bin=\"")
          .append(b)
          .append("\" data-count=\"")
          .append(cal.counts()[j])
          .append("\" x=\"")
          .append(num(left))
          .append("\" y=\"")
          .append(num(base - height))
          .append("\" width=\"")
          .append(num(right - left))
          .append("\" height=\"")
          .append(num(height))
          .append("\"><title>")
          .append(cal.counts()[j])
          .append(cal.counts()[j] == 1 ? " row" : " rows")
          .append("</title></rect>\n");
    }
    f.raw(bars.append("</g>\n").toString());
    f.line("chance", 0, 0, 1, 1, CHANCE_COLOR, "4 4");
    double[][] points = thin(cal.probPred(), cal.probTrue());
    f.curve(texts.label(), points, COLORS[0], false);
    StringBuilder markers = new StringBuilder("<g class=\"markers\" fill=\"" + COLORS[0] + "\">\n");
    for (int i = 0; i < points[0].length; i++) {
      markers
          .append("<circle class=\"marker\" cx=\"")
          .append(num(f.px(points[0][i])))
          .append("\" cy=\"")
          .append(num(f.py(points[1][i])))
          .append("\" r=\"3\"/>\n");
    }
    f.raw(markers.append("</g>\n").toString());
    f.legend(
        Corner.UPPER_LEFT,
        List.of(
            new Entry(texts.legend(), COLORS[0], null),
            new Entry("Perfectly calibrated", CHANCE_COLOR, "4 4"),
            new Entry("Rows per bin (tallest: " + tallest + ")", "#c7c7c7", "bar")));
    return f.end();
  }

  private static String confusionMatrix(Scored scored, String title) {
    List<String> classes = scored.classes();
    int k = classes.size();
    long[][] cm = scored.rows() == 0 ? new long[k][k] : scored.confusionMatrix();
    boolean rotate = false;
    for (String c : classes) {
      rotate |= c.codePointCount(0, c.length()) * 6.5 > (MATRIX.right() - MATRIX.left()) / k;
    }
    double[] at = new double[k];
    String[] labels = new String[k];
    for (int c = 0; c < k; c++) {
      at[c] = c + 0.5;
      labels[c] = shorten(classes.get(c), rotate ? 10 : 14);
    }
    Axis x = new Axis(0, k, at, labels, "Predicted label", false, rotate);
    Axis y = new Axis(k, 0, at, labels, "True label", false, false);
    Frame f =
        new Frame(
            "Confusion matrix",
            title,
            join(title, "shaded by share of the true class"),
            MATRIX,
            x,
            y);
    double cell = (MATRIX.right() - MATRIX.left()) / Math.max(k, 1);
    double font = Math.min(12, cell / 3);
    StringBuilder out = new StringBuilder("<g class=\"matrix\" text-anchor=\"middle\">\n");
    for (int t = 0; t < k; t++) {
      long row = 0;
      for (long v : cm[t]) {
        row += v;
      }
      for (int p = 0; p < k; p++) {
        double share = row == 0 ? 0 : (double) cm[t][p] / row;
        out.append("<g class=\"cell\" data-true=\"")
            .append(esc(classes.get(t)))
            .append("\" data-predicted=\"")
            .append(esc(classes.get(p)))
            .append("\" data-count=\"")
            .append(cm[t][p])
            .append("\" data-share=\"")
            .append(String.format(Locale.ROOT, "%.4f", share))
            .append("\"><rect x=\"")
            .append(num(f.px(p)))
            .append("\" y=\"")
            .append(num(f.py(t)))
            .append("\" width=\"")
            .append(num(cell))
            .append("\" height=\"")
            .append(num(cell))
            .append("\" fill=\"")
            .append(shade(share))
            .append("\" stroke=\"#fff\"/>");
        if (font >= 6) {
          out.append("<text x=\"")
              .append(num(f.px(p + 0.5)))
              .append("\" y=\"")
              .append(num(f.py(t + 0.5) + font / 3))
              .append("\" font-size=\"")
              .append(num(font))
              .append("\" fill=\"")
              .append(share > 0.5 ? "#fff" : "#000")
              .append("\">")
              .append(cm[t][p])
              .append("</text>");
        }
        out.append("</g>\n");
      }
    }
    f.raw(out.append("</g>\n").toString());
    return f.end();
  }

  /** White to matplotlib's {@code Blues} dark end ({@code #08306b}), linearly. */
  private static String shade(double share) {
    int r = (int) Math.round(255 + (0x08 - 255) * share);
    int g = (int) Math.round(255 + (0x30 - 255) * share);
    int b = (int) Math.round(255 + (0x6b - 255) * share);
    return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
  }

  // ---------------------------------------------------------------------------------------------
  // Regression

  private static void regression(Scored scored, String title, Map<String, String> plots) {
    int n = scored.rows();
    int[] rows = scatterRows(n);
    String subtitle =
        join(
            title,
            rows.length < n
                ? String.format(Locale.ROOT, "%,d of %,d rows", rows.length, n)
                : String.format(Locale.ROOT, "%,d rows", n));
    double[] predicted = new double[rows.length];
    double[] actual = new double[rows.length];
    double[] residual = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      predicted[i] = scored.estimates()[rows[i]];
      actual[i] = scored.targets()[rows[i]];
      residual[i] = actual[i] - predicted[i];
    }

    double[] px = range(predicted, Double.NaN);
    double[] ry = range(residual, 0.0);
    Frame residuals =
        new Frame(
            "Residuals",
            title,
            subtitle,
            CURVES,
            Axis.numeric(px[0], px[1], "Predicted value"),
            Axis.numeric(ry[0], ry[1], "Residual (actual − predicted)"));
    residuals.line("reference", residuals.x.lo(), 0, residuals.x.hi(), 0, "#000", "4 4");
    residuals.points(predicted, residual);
    plots.put("residuals.svg", residuals.end());

    // Equal axes covering both, so that y = x is the diagonal.
    double[] both = range(predicted, Double.NaN);
    double[] a = range(actual, Double.NaN);
    double lo = Math.min(both[0], a[0]);
    double hi = Math.max(both[1], a[1]);
    Axis x = Axis.numeric(lo, hi, "Predicted value");
    Axis y = Axis.numeric(lo, hi, "Actual value");
    Frame scatter = new Frame("Predicted vs actual", title, subtitle, CURVES, x, y);
    scatter.line("reference", x.lo(), x.lo(), x.hi(), x.hi(), "#000", "4 4");
    scatter.points(predicted, actual);
    plots.put("predicted-vs-actual.svg", scatter.end());
  }

  /**
   * The rows a scatter draws: all of them, or {@code floor(i * n / MAX_SCATTER_POINTS)} for {@code
   * i < MAX_SCATTER_POINTS}, evenly spaced in the given order.
   */
  static int[] scatterRows(int n) {
    int m = Math.min(n, MAX_SCATTER_POINTS);
    int[] rows = new int[m];
    for (int i = 0; i < m; i++) {
      rows[i] = (int) ((long) i * n / m);
    }
    return rows;
  }

  /** The least and greatest finite value, also over {@code include} unless NaN; [0, 1] if none. */
  private static double[] range(double[] values, double include) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!Double.isNaN(include)) {
      lo = Math.min(lo, include);
      hi = Math.max(hi, include);
    }
    return lo > hi ? new double[] {0, 1} : new double[] {lo, hi};
  }

  // ---------------------------------------------------------------------------------------------
  // Curves

  /**
   * The points of a curve, as {@code [x, y]}: all of them when at most {@link #MAX_CURVE_POINTS},
   * else that many at indices {@code round(i * (n - 1) / (MAX_CURVE_POINTS - 1))}, evenly spaced,
   * the first and the last included.
   */
  static double[][] thin(double[] x, double[] y) {
    int n = x.length;
    if (n <= MAX_CURVE_POINTS) {
      return new double[][] {x, y};
    }
    double[] tx = new double[MAX_CURVE_POINTS];
    double[] ty = new double[MAX_CURVE_POINTS];
    for (int i = 0; i < MAX_CURVE_POINTS; i++) {
      int j = (int) Math.round((double) i * (n - 1) / (MAX_CURVE_POINTS - 1));
      tx[i] = x[j];
      ty[i] = y[j];
    }
    return new double[][] {tx, ty};
  }

  // ---------------------------------------------------------------------------------------------
  // The frame: axes, ticks, titles, legend

  /**
   * A plot area in pixels; data map linearly onto it, {@code x} from {@code left} to {@code right},
   * {@code y} from {@code bottom} (the axis's {@code lo}) to {@code top} (its {@code hi}).
   */
  record Area(double left, double top, double right, double bottom) {

    double px(Axis axis, double v) {
      return left + (v - axis.lo()) / (axis.hi() - axis.lo()) * (right - left);
    }

    double py(Axis axis, double v) {
      return bottom - (v - axis.lo()) / (axis.hi() - axis.lo()) * (bottom - top);
    }

    /** The data value of a horizontal pixel position: the inverse of {@link #px}. */
    double xValue(Axis axis, double px) {
      return axis.lo() + (px - left) / (right - left) * (axis.hi() - axis.lo());
    }

    /** The data value of a vertical pixel position: the inverse of {@link #py}. */
    double yValue(Axis axis, double py) {
      return axis.lo() + (bottom - py) / (bottom - top) * (axis.hi() - axis.lo());
    }
  }

  /**
   * An axis: the data range shown ({@code lo} at the left or bottom, which may exceed {@code hi} to
   * reverse it), the ticks and their labels, the title, whether to draw grid lines at the ticks and
   * whether to turn the tick labels (for long class names).
   */
  record Axis(
      double lo,
      double hi,
      double[] ticks,
      String[] labels,
      String title,
      boolean grid,
      boolean rotate) {

    /** Probabilities and rates: [0, 1] with a small margin, ticks every 0.2. */
    static Axis unit(String title) {
      double[] ticks = {0, 0.2, 0.4, 0.6, 0.8, 1};
      String[] labels = {"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"};
      return new Axis(-0.02, 1.02, ticks, labels, title, true, false);
    }

    /**
     * A data range widened to round ticks (steps of 1, 2, 2.5 or 5 times a power of ten, about five
     * of them), and then by 2% of that each side. A range of one value is first widened around it:
     * by 1 around 0, else by a tenth of the value.
     */
    static Axis numeric(double lo, double hi, String title) {
      if (!(hi - lo > Math.max(Math.abs(lo), Math.abs(hi)) * 1e-12)) {
        double d = lo == 0 ? 1 : Math.abs(lo) / 10;
        lo -= d;
        hi += d;
      }
      if (!Double.isFinite(hi - lo)) {
        return new Axis(
            lo, hi, new double[] {lo, hi}, new String[] {sci(lo), sci(hi)}, title, true, false);
      }
      double raw = (hi - lo) / 5;
      int exponent = (int) Math.floor(Math.log10(raw));
      // A fraction a rounding error above 1, 2, 2.5 or 5 still gets that step.
      double fraction = raw / Math.pow(10, exponent) - 1e-9;
      double nice =
          fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
      double step = nice * Math.pow(10, exponent);
      long first = (long) Math.floor(lo / step + 1e-9);
      long last = (long) Math.ceil(hi / step - 1e-9);
      int count = (int) (last - first + 1);
      int decimals = Math.max(0, -exponent + (nice == 2.5 ? 1 : 0) - (nice == 10 ? 1 : 0));
      boolean scientific = decimals > 6 || Math.max(Math.abs(lo), Math.abs(hi)) >= 1e7;
      double[] ticks = new double[count];
      String[] labels = new String[count];
      for (int i = 0; i < count; i++) {
        ticks[i] = (first + i) * step;
        labels[i] =
            scientific
                ? sci(ticks[i])
                : String.format(Locale.ROOT, "%." + decimals + "f", ticks[i] + 0.0);
      }
      // A margin of 2% each side, as the unit axes, so that no point sits on the frame.
      double margin = (ticks[count - 1] - ticks[0]) * 0.02;
      return new Axis(
          ticks[0] - margin, ticks[count - 1] + margin, ticks, labels, title, true, false);
    }

    private static String sci(double v) {
      return v == 0 ? "0" : String.format(Locale.ROOT, "%.3g", v);
    }
  }

  private enum Corner {
    LOWER_RIGHT,
    LOWER_LEFT,
    UPPER_LEFT
  }

  /** A legend line: its text and a swatch (null for none, dash "bar" for a filled square). */
  private record Entry(String text, String color, String dash) {}

  /** One SVG document being written: the frame first, then the content, then the legend. */
  private static final class Frame {

    private final StringBuilder svg = new StringBuilder(8192);
    private final Area area;
    final Axis x;
    final Axis y;

    Frame(String heading, String title, String subtitle, Area area, Axis x, Axis y) {
      this.area = area;
      this.x = x;
      this.y = y;
      svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
          .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
          .append(WIDTH)
          .append("\" height=\"")
          .append(HEIGHT)
          .append("\" viewBox=\"0 0 ")
          .append(WIDTH)
          .append(' ')
          .append(HEIGHT)
          .append("\" font-family=\"sans-serif\" font-size=\"11\">\n")
          .append("<title>")
          .append(esc(title.isEmpty() ? heading : title + " — " + heading))
          .append("</title>\n")
          .append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n")
          .append("<text class=\"heading\" x=\"")
          .append(WIDTH / 2)
          .append("\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">")
          .append(esc(heading))
          .append("</text>\n");
      if (!subtitle.isEmpty()) {
        svg.append("<text class=\"subtitle\" x=\"")
            .append(WIDTH / 2)
            .append("\" y=\"40\" text-anchor=\"middle\" fill=\"#555\">")
            .append(esc(shorten(subtitle, 80)))
            .append("</text>\n");
      }
      axes();
    }

    double px(double v) {
      return area.px(x, v);
    }

    double py(double v) {
      return area.py(y, v);
    }

    private void axes() {
      double left = area.left();
      double right = area.right();
      double top = area.top();
      double bottom = area.bottom();
      svg.append("<g class=\"axes\">\n");
      svg.append("<g class=\"x-ticks\" text-anchor=\"")
          .append(x.rotate() ? "end" : "middle")
          .append("\">\n");
      for (int i = 0; i < x.ticks().length; i++) {
        double p = px(x.ticks()[i]);
        if (x.grid()) {
          gridLine(p, top, p, bottom);
        }
        tick(p, bottom, p, bottom + 4);
        double ty = bottom + 15;
        svg.append("<text x=\"").append(num(p)).append("\" y=\"").append(num(ty)).append('"');
        if (x.rotate()) {
          svg.append(" transform=\"rotate(-40 ")
              .append(num(p))
              .append(' ')
              .append(num(ty))
              .append(")\"");
        }
        svg.append('>').append(esc(x.labels()[i])).append("</text>\n");
      }
      svg.append("</g>\n<g class=\"y-ticks\" text-anchor=\"end\">\n");
      for (int i = 0; i < y.ticks().length; i++) {
        double p = py(y.ticks()[i]);
        if (y.grid()) {
          gridLine(left, p, right, p);
        }
        tick(left - 4, p, left, p);
        svg.append("<text x=\"")
            .append(num(left - 6))
            .append("\" y=\"")
            .append(num(p + 4))
            .append("\">")
            .append(esc(y.labels()[i]))
            .append("</text>\n");
      }
      svg.append("</g>\n");
      double xTitle = x.rotate() ? HEIGHT - 6 : bottom + 36;
      svg.append("<text class=\"x-title\" x=\"")
          .append(num((left + right) / 2))
          .append("\" y=\"")
          .append(num(xTitle))
          .append("\" text-anchor=\"middle\">")
          .append(esc(x.title()))
          .append("</text>\n");
      double yTitle = 16;
      double middle = (top + bottom) / 2;
      svg.append("<text class=\"y-title\" x=\"")
          .append(num(yTitle))
          .append("\" y=\"")
          .append(num(middle))
          .append("\" text-anchor=\"middle\" transform=\"rotate(-90 ")
          .append(num(yTitle))
          .append(' ')
          .append(num(middle))
          .append(")\">")
          .append(esc(y.title()))
          .append("</text>\n");
      svg.append("<rect class=\"frame\" x=\"")
          .append(num(left))
          .append("\" y=\"")
          .append(num(top))
          .append("\" width=\"")
          .append(num(right - left))
          .append("\" height=\"")
          .append(num(bottom - top))
          .append("\" fill=\"none\" stroke=\"#333\"/>\n");
      svg.append("</g>\n");
    }

    private void gridLine(double x1, double y1, double x2, double y2) {
      segment(null, x1, y1, x2, y2, "#e5e5e5", null);
    }

    private void tick(double x1, double y1, double x2, double y2) {
      segment(null, x1, y1, x2, y2, "#333", null);
    }

    private void segment(
        String cls, double x1, double y1, double x2, double y2, String color, String dash) {
      svg.append("<line");
      if (cls != null) {
        svg.append(" class=\"").append(cls).append('"');
      }
      svg.append(" x1=\"")
          .append(num(x1))
          .append("\" y1=\"")
          .append(num(y1))
          .append("\" x2=\"")
          .append(num(x2))
          .append("\" y2=\"")
          .append(num(y2))
          .append("\" stroke=\"")
          .append(color)
          .append('"');
      if (dash != null) {
        svg.append(" stroke-dasharray=\"").append(dash).append('"');
      }
      svg.append("/>\n");
    }

    /** A straight line between two data points. */
    void line(String cls, double x1, double y1, double x2, double y2, String color, String dash) {
      segment(cls, px(x1), py(y1), px(x2), py(y2), color, dash);
    }

    /**
     * A curve through {@code points} ({@code [x, y]}), or as steps-post (each point's y held until
     * the next point's x, as matplotlib's {@code drawstyle='steps-post'}).
     */
    void curve(String label, double[][] points, String color, boolean stepsPost) {
      double[] xs = points[0];
      double[] ys = points[1];
      svg.append("<polyline class=\"curve\" data-label=\"")
          .append(esc(label))
          .append("\" fill=\"none\" stroke=\"")
          .append(color)
          .append("\" stroke-width=\"2\" points=\"");
      for (int i = 0; i < xs.length; i++) {
        if (i > 0) {
          svg.append(' ');
          if (stepsPost && ys[i] != ys[i - 1] && xs[i] != xs[i - 1]) {
            svg.append(num(px(xs[i]))).append(',').append(num(py(ys[i - 1]))).append(' ');
          }
        }
        svg.append(num(px(xs[i]))).append(',').append(num(py(ys[i])));
      }
      svg.append("\"/>\n");
    }

    /** A scatter of the finite points. */
    void points(double[] xs, double[] ys) {
      svg.append("<g class=\"points\" fill=\"")
          .append(COLORS[0])
          .append("\" fill-opacity=\"0.5\">\n");
      for (int i = 0; i < xs.length; i++) {
        if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
          svg.append("<circle class=\"point\" cx=\"")
              .append(num(px(xs[i])))
              .append("\" cy=\"")
              .append(num(py(ys[i])))
              .append("\" r=\"2\"/>\n");
        }
      }
      svg.append("</g>\n");
    }

    void raw(String markup) {
      svg.append(markup);
    }

    /** A message in the middle of the plot area, on up to two lines. */
    void note(String message) {
      double cx = (area.left() + area.right()) / 2;
      double cy = (area.top() + area.bottom()) / 2;
      String sentence =
          message.isEmpty()
              ? ""
              : message.substring(0, 1).toUpperCase(Locale.ROOT) + message.substring(1);
      List<String> lines = wrap(sentence, 60);
      for (int i = 0; i < lines.size(); i++) {
        svg.append("<text class=\"note\" x=\"")
            .append(num(cx))
            .append("\" y=\"")
            .append(num(cy + i * 15))
            .append("\" text-anchor=\"middle\" fill=\"#a00\">")
            .append(esc(lines.get(i)))
            .append("</text>\n");
      }
    }

    void legend(Corner corner, List<Entry> entries) {
      if (entries.isEmpty()) {
        return;
      }
      List<Entry> shown = new ArrayList<>(entries);
      if (shown.size() > MAX_LEGEND_ENTRIES) {
        int more = shown.size() - (MAX_LEGEND_ENTRIES - 1);
        shown = new ArrayList<>(shown.subList(0, MAX_LEGEND_ENTRIES - 1));
        shown.add(new Entry("… and " + more + " more", null, null));
      }
      int longest = 0;
      for (Entry e : shown) {
        longest = Math.max(longest, Math.min(44, e.text().codePointCount(0, e.text().length())));
      }
      double width = Math.min(area.right() - area.left() - 16, 34 + longest * 6.0);
      double height = 8 + shown.size() * 15;
      double left = corner == Corner.LOWER_RIGHT ? area.right() - 8 - width : area.left() + 8;
      double top = corner == Corner.UPPER_LEFT ? area.top() + 8 : area.bottom() - 8 - height;
      svg.append("<g class=\"legend\">\n<rect x=\"")
          .append(num(left))
          .append("\" y=\"")
          .append(num(top))
          .append("\" width=\"")
          .append(num(width))
          .append("\" height=\"")
          .append(num(height))
          .append("\" fill=\"#fff\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n");
      for (int i = 0; i < shown.size(); i++) {
        Entry e = shown.get(i);
        double line = top + 4 + 15 * i + 7.5;
        if ("bar".equals(e.dash())) {
          svg.append("<rect x=\"")
              .append(num(left + 8))
              .append("\" y=\"")
              .append(num(line - 5))
              .append("\" width=\"18\" height=\"10\" fill=\"")
              .append(e.color())
              .append("\"/>\n");
        } else if (e.color() != null) {
          svg.append("<line x1=\"")
              .append(num(left + 8))
              .append("\" y1=\"")
              .append(num(line))
              .append("\" x2=\"")
              .append(num(left + 26))
              .append("\" y2=\"")
              .append(num(line))
              .append("\" stroke=\"")
              .append(e.color())
              .append("\" stroke-width=\"2\"");
          if (e.dash() != null) {
            svg.append(" stroke-dasharray=\"").append(e.dash()).append('"');
          }
          svg.append("/>\n");
        }
        svg.append("<text x=\"")
            .append(num(left + 30))
            .append("\" y=\"")
            .append(num(line + 4))
            .append('"')
            .append(e.color() == null ? " fill=\"#555\" font-style=\"italic\"" : "")
            .append('>')
            .append(esc(shorten(e.text(), 44)))
            .append("</text>\n");
      }
      svg.append("</g>\n");
    }

    String end() {
      return svg.append("</svg>\n").toString();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Text

  /** A coordinate with at most two decimals, without trailing zeros, locale-independent. */
  static String num(double v) {
    long hundredths = Math.round(v * 100);
    if (hundredths == 0) {
      return "0";
    }
    String sign = hundredths < 0 ? "-" : "";
    long abs = Math.abs(hundredths);
    long whole = abs / 100;
    long fraction = abs % 100;
    if (fraction == 0) {
      return sign + whole;
    }
    if (fraction % 10 == 0) {
      return sign + whole + "." + fraction / 10;
    }
    return sign + whole + "." + (fraction < 10 ? "0" : "") + fraction;
  }

  /** A metric with three decimals, as "0.873". */
  private static String fixed(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String join(String title, String detail) {
    return title.isEmpty() ? detail : title + " · " + detail;
  }

  /**
   * Text for XML content or a double-quoted attribute: {@code & < > " '} escaped, and characters
   * XML 1.0 does not allow (control characters, lone surrogates) replaced by U+FFFD.
   */
  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          boolean allowed =
              c == 0x9
                  || c == 0xA
                  || c == 0xD
                  || (c >= 0x20 && c <= 0xD7FF)
                  || (c >= 0xE000 && c <= 0xFFFD)
                  || c >= 0x10000;
          out.appendCodePoint(allowed ? c : 0xFFFD);
        }
      }
    }
    return out.toString();
  }

  /** At most {@code max} code points, the last an ellipsis when cut. */
  private static String shorten(String text, int max) {
    if (text.codePointCount(0, text.length()) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
  }

  /**
   * Lines of at most about {@code width} characters, broken after a colon or else at a space; at
   * most two.
   */
  private static List<String> wrap(String text, int width) {
    if (text.length() <= width) {
      return List.of(text);
    }
    int colon = text.lastIndexOf(": ", width);
    int cut = colon > 0 ? colon + 1 : text.lastIndexOf(' ', width);
    if (cut <= 0) {
      return List.of(shorten(text, width));
    }
    return List.of(text.substring(0, cut), shorten(text.substring(cut + 1), width));
  }
}
