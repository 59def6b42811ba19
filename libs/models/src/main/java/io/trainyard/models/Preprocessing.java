package io.trainyard.models;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The preprocessing a model was trained with, fitted on the training split only and applied
 * unchanged to every row the model scores. It is scikit-learn's
 *
 * <pre>{@code
 * ColumnTransformer([
 *     ("num", Pipeline([SimpleImputer(strategy="median"), StandardScaler()]), numeric),
 *     ("missing", MissingIndicator(features="missing-only"), numeric),
 *     ("cat", OneHotEncoder(handle_unknown="infrequent_if_exist",
 *                           max_categories=MAX_CATEGORIES), categorical)])
 * }</pre>
 *
 * <p>Output columns, in this order ({@link #outputNames()}):
 *
 * <ol>
 *   <li>each numeric feature: a missing value ({@code NaN}) is filled with the training median of
 *       the feature, then standardised as {@code StandardScaler} does, {@code (x - mean) / scale};
 *   <li>a 0/1 missing indicator for each numeric feature that had a missing value in the training
 *       split ({@link #indicators()});
 *   <li>each categorical feature one-hot encoded ({@link Categorical}): one column per category
 *       seen in training, a missing value ({@code null}) being a category of its own, with the
 *       rarest categories beyond {@link #MAX_CATEGORIES} grouped into one "infrequent" column that
 *       also takes categories never seen in training; without it an unseen value encodes as all
 *       zeros.
 * </ol>
 *
 * @param features the numeric feature names, in column order of the numeric input
 * @param fill per numeric feature, the value that replaces {@code NaN}: the median of the
 *     non-missing training values (0 when every value is missing)
 * @param mean per numeric feature, the mean of the filled training values
 * @param scale per numeric feature, the population standard deviation (ddof 0) of the filled
 *     training values, or 1 when that is 0 (a constant feature)
 * @param indicators per numeric feature, whether it had missing training values and so has a
 *     missing-indicator column; {@code null} (a bundle written before indicators existed) reads as
 *     none
 * @param categorical the categorical features, in column order of the text input; {@code null}
 *     reads as none
 */
public record Preprocessing(
    List<String> features,
    double[] fill,
    double[] mean,
    double[] scale,
    boolean[] indicators,
    List<Categorical> categorical) {

  /**
   * The most output columns a categorical feature gets, its infrequent column included ({@code
   * OneHotEncoder}'s {@code max_categories}).
   */
  public static final int MAX_CATEGORIES = 32;

  /** The output-name suffix of a categorical feature's missing-value column. */
  public static final String MISSING = "<missing>";

  /** The output-name suffix of a categorical feature's infrequent column. */
  public static final String INFREQUENT = "<infrequent>";

  /**
   * How one categorical feature is one-hot encoded.
   *
   * @param name the feature
   * @param categories the frequent non-missing values seen in training, sorted by {@link
   *     String#compareTo}; one output column each, in this order
   * @param missingColumn whether a missing value has a column of its own, after the categories (it
   *     had one in training and was frequent)
   * @param infrequent whether there is an infrequent column, last: it takes the values grouped as
   *     infrequent, values never seen in training, and a missing value without a column of its own
   * @param tokens for a free-text feature of a text model, instead of the one-hot encoding: its
   *     vocabulary, and the feature's output columns are token ids ({@link Tokens}); {@code null}
   *     for a one-hot feature (and left out of the JSON)
   */
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record Categorical(
      String name,
      List<String> categories,
      boolean missingColumn,
      boolean infrequent,
      Tokens tokens) {

    public Categorical {
      Objects.requireNonNull(name, "name");
      categories = List.copyOf(Objects.requireNonNull(categories, "categories"));
      if (new java.util.HashSet<>(categories).size() != categories.size()) {
        throw new IllegalArgumentException("categories of " + name + " repeat: " + categories);
      }
      if (tokens != null && (!categories.isEmpty() || missingColumn || infrequent)) {
        throw new IllegalArgumentException(
            "a text feature (" + name + ") has token ids, not one-hot columns");
      }
    }

    /** A one-hot encoded feature. */
    public Categorical(
        String name, List<String> categories, boolean missingColumn, boolean infrequent) {
      this(name, categories, missingColumn, infrequent, null);
    }

    /** The number of output columns. */
    public int width() {
      if (tokens != null) {
        return tokens.maxTokens();
      }
      return categories.size() + (missingColumn ? 1 : 0) + (infrequent ? 1 : 0);
    }

    /**
     * The output column (0-based, within this feature's block) a value sets to 1, or -1 when it
     * sets none (an unseen value or a missing value without a column, and no infrequent column).
     */
    public int column(String value) {
      if (value == null) {
        if (missingColumn) {
          return categories.size();
        }
      } else {
        int at = indexOf(value);
        if (at >= 0) {
          return at;
        }
      }
      return infrequent ? width() - 1 : -1;
    }

    private int indexOf(String value) {
      // Sorted: binary search by String order.
      int at = java.util.Collections.binarySearch(categories, value);
      return at >= 0 ? at : -1;
    }

    /**
     * Fits the encoding of one column as {@code OneHotEncoder(handle_unknown=
     * "infrequent_if_exist", max_categories=maxCategories)} does: the categories are the distinct
     * values sorted, a missing value last; when there are more than {@code maxCategories}, the
     * {@code maxCategories - 1} most frequent stay and the rest become infrequent, ties going to
     * infrequent in category order (a stable ascending sort by count, as scikit-learn does).
     */
    static Categorical fit(String name, String[][] rows, int column, int maxCategories) {
      java.util.TreeMap<String, Integer> counts = new java.util.TreeMap<>();
      int missing = 0;
      for (String[] row : rows) {
        String v = row[column];
        if (v == null) {
          missing++;
        } else {
          counts.merge(v, 1, Integer::sum);
        }
      }
      List<String> all = new java.util.ArrayList<>(counts.keySet());
      List<Integer> count = new java.util.ArrayList<>(counts.values());
      if (missing > 0) {
        all.add(null);
        count.add(missing);
      }
      int n = all.size();
      if (n <= maxCategories) {
        return new Categorical(name, counts.keySet().stream().toList(), missing > 0, false);
      }
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      // Stable ascending by count: the first n - (max - 1) are the infrequent ones.
      java.util.Arrays.sort(order, java.util.Comparator.comparingInt(count::get));
      boolean[] rare = new boolean[n];
      for (int i = 0; i < n - (maxCategories - 1); i++) {
        rare[order[i]] = true;
      }
      List<String> kept = new java.util.ArrayList<>();
      boolean missingKept = false;
      for (int i = 0; i < n; i++) {
        if (!rare[i]) {
          if (all.get(i) == null) {
            missingKept = true;
          } else {
            kept.add(all.get(i));
          }
        }
      }
      return new Categorical(name, kept, missingKept, true);
    }
  }

  /** Numeric features only (no indicators, no categorical features). */
  /**
   * The tokens of a free-text feature, as scikit-learn's {@code CountVectorizer(lowercase=True,
   * token_pattern=r"(?u)\b\w\w+\b", max_features=vocabulary)} finds them: the text lowercased
   * ({@link java.util.Locale#ROOT}), its tokens the runs of two or more word characters (Unicode
   * letters, digits, marks and connector punctuation such as {@code _}); the vocabulary the {@code
   * vocabulary} tokens that occur most often in the training rows (ties to the earlier token in
   * {@link String#compareTo} order), sorted. A row's output columns are the ids of its first {@code
   * maxTokens} tokens that are in the vocabulary, in text order — a token's id is its position in
   * the vocabulary plus 1 — then 0 for every column left (padding; a missing value is no tokens).
   *
   * @param vocabulary the known tokens, sorted, at most the spec's vocabulary size
   * @param maxTokens the token columns of a row
   */
  public record Tokens(List<String> vocabulary, int maxTokens) {

    private static final java.util.regex.Pattern TOKEN =
        java.util.regex.Pattern.compile(
            "\\b\\w\\w+\\b", java.util.regex.Pattern.UNICODE_CHARACTER_CLASS);

    public Tokens {
      vocabulary = List.copyOf(Objects.requireNonNull(vocabulary, "vocabulary"));
      if (maxTokens < 1) {
        throw new IllegalArgumentException("maxTokens must be at least 1: " + maxTokens);
      }
      for (int i = 1; i < vocabulary.size(); i++) {
        if (vocabulary.get(i - 1).compareTo(vocabulary.get(i)) >= 0) {
          throw new IllegalArgumentException("the vocabulary must be sorted and distinct");
        }
      }
    }

    /** The tokens of a text, in order ({@code null} has none). */
    public static List<String> tokenize(String text) {
      if (text == null) {
        return List.of();
      }
      List<String> tokens = new java.util.ArrayList<>();
      java.util.regex.Matcher m = TOKEN.matcher(text.toLowerCase(java.util.Locale.ROOT));
      while (m.find()) {
        tokens.add(m.group());
      }
      return tokens;
    }

    /** Fits the vocabulary on the training rows' texts. */
    static Tokens fit(String[][] rows, int column, int vocabularySize, int maxTokens) {
      if (vocabularySize < 1) {
        throw new IllegalArgumentException("the vocabulary size must be at least 1");
      }
      java.util.Map<String, Integer> counts = new java.util.HashMap<>();
      for (String[] row : rows) {
        for (String token : tokenize(row[column])) {
          counts.merge(token, 1, Integer::sum);
        }
      }
      List<String> kept =
          counts.entrySet().stream()
              .sorted(
                  java.util.Map.Entry.<String, Integer>comparingByValue()
                      .reversed()
                      .thenComparing(java.util.Map.Entry.comparingByKey()))
              .limit(vocabularySize)
              .map(java.util.Map.Entry::getKey)
              .sorted()
              .toList();
      return new Tokens(kept, maxTokens);
    }

    /** Writes a text's token ids into {@code out[at .. at + maxTokens)} (left zero for padding). */
    void encode(String text, double[] out, int at) {
      int n = 0;
      for (String token : tokenize(text)) {
        if (n == maxTokens) {
          return;
        }
        int id = java.util.Collections.binarySearch(vocabulary, token);
        if (id >= 0) {
          out[at + n++] = id + 1;
        }
      }
    }
  }

  public Preprocessing(List<String> features, double[] fill, double[] mean, double[] scale) {
    this(features, fill, mean, scale, null, null);
  }

  public Preprocessing {
    features = List.copyOf(Objects.requireNonNull(features, "features"));
    fill = Objects.requireNonNull(fill, "fill").clone();
    mean = Objects.requireNonNull(mean, "mean").clone();
    scale = Objects.requireNonNull(scale, "scale").clone();
    int n = features.size();
    indicators = indicators == null ? new boolean[n] : indicators.clone();
    categorical = categorical == null ? List.of() : List.copyOf(categorical);
    if (fill.length != n || mean.length != n || scale.length != n || indicators.length != n) {
      throw new IllegalArgumentException(
          "fill, mean, scale and indicators must have one value per numeric feature ("
              + n
              + "), got "
              + fill.length
              + ", "
              + mean.length
              + ", "
              + scale.length
              + " and "
              + indicators.length);
    }
    for (int j = 0; j < n; j++) {
      if (!Double.isFinite(fill[j]) || !Double.isFinite(mean[j]) || !Double.isFinite(scale[j])) {
        throw new IllegalArgumentException("non-finite preprocessing of " + features.get(j));
      }
      if (scale[j] == 0) {
        throw new IllegalArgumentException("scale of " + features.get(j) + " is 0");
      }
    }
    java.util.Set<String> names = new java.util.HashSet<>(features);
    for (Categorical c : categorical) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException("feature " + c.name() + " appears twice");
      }
    }
    if (n + categorical.size() == 0) {
      throw new IllegalArgumentException("no features");
    }
  }

  /** The categorical feature names, in column order of the text input. */
  public List<String> categoricalFeatures() {
    return categorical.stream().map(Categorical::name).toList();
  }

  /** Every input feature: the numeric ones, then the categorical ones. */
  public List<String> inputs() {
    List<String> all = new java.util.ArrayList<>(features);
    all.addAll(categoricalFeatures());
    return List.copyOf(all);
  }

  /** The number of output columns: what the model's first layer takes. */
  public int width() {
    int w = features.size();
    for (boolean b : indicators) {
      w += b ? 1 : 0;
    }
    for (Categorical c : categorical) {
      w += c.width();
    }
    return w;
  }

  /** The free-text feature's encoding (a text model's), or {@code null} when there is none. */
  public Categorical textFeature() {
    for (Categorical c : categorical) {
      if (c.tokens() != null) {
        return c;
      }
    }
    return null;
  }

  /** The first output column of the free-text feature's token ids, or -1 when there is none. */
  public int tokensAt() {
    int at = features.size();
    for (boolean b : indicators) {
      at += b ? 1 : 0;
    }
    for (Categorical c : categorical) {
      if (c.tokens() != null) {
        return at;
      }
      at += c.width();
    }
    return -1;
  }

  /**
   * The output column names: {@code x} for a numeric feature, {@code missing(x)} for its indicator,
   * {@code c=value}, {@code c=<missing>} and {@code c=<infrequent>} for one-hot columns.
   */
  public List<String> outputNames() {
    List<String> names = new java.util.ArrayList<>(features);
    for (int j = 0; j < features.size(); j++) {
      if (indicators[j]) {
        names.add("missing(" + features.get(j) + ")");
      }
    }
    for (Categorical c : categorical) {
      if (c.tokens() != null) {
        for (int t = 1; t <= c.tokens().maxTokens(); t++) {
          names.add(c.name() + "#" + t);
        }
        continue;
      }
      for (String v : c.categories()) {
        names.add(c.name() + "=" + v);
      }
      if (c.missingColumn()) {
        names.add(c.name() + "=" + MISSING);
      }
      if (c.infrequent()) {
        names.add(c.name() + "=" + INFREQUENT);
      }
    }
    return List.copyOf(names);
  }

  /**
   * Fits the preprocessing on the training rows.
   *
   * @param features the feature names, one per column
   * @param trainX the training rows, {@code NaN} where a value is missing; not modified
   */
  public static Preprocessing fit(List<String> features, double[][] trainX) {
    return fit(features, trainX, List.of(), null, MAX_CATEGORIES);
  }

  /**
   * Fits the preprocessing on the training rows, numeric and categorical.
   *
   * @param features the numeric feature names, one per column of {@code trainX}
   * @param trainX the numeric training rows, {@code NaN} where a value is missing; not modified
   * @param categorical the categorical feature names, one per column of {@code trainText}
   * @param trainText the categorical training rows, {@code null} where a value is missing; may be
   *     {@code null} when there is no categorical feature
   * @param maxCategories the most output columns of one categorical feature (at least 2)
   */
  public static Preprocessing fit(
      List<String> features,
      double[][] trainX,
      List<String> categorical,
      String[][] trainText,
      int maxCategories) {
    return fit(features, trainX, categorical, trainText, maxCategories, null);
  }

  /**
   * The vocabulary of a text model's free-text feature.
   *
   * @param column the feature (one of the categorical ones)
   * @param size the most tokens kept
   * @param maxTokens the token columns of a row
   */
  public record TextColumn(String column, int size, int maxTokens) {}

  /**
   * As {@link #fit(List, double[][], List, String[][], int)}, with {@code text}'s feature encoded
   * as token ids ({@link Tokens}) instead of one-hot; {@code text} may be {@code null}.
   *
   * @throws IllegalArgumentException when {@code text} names no categorical feature
   */
  public static Preprocessing fit(
      List<String> features,
      double[][] trainX,
      List<String> categorical,
      String[][] trainText,
      int maxCategories,
      TextColumn textColumn) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(trainX, "trainX");
    Objects.requireNonNull(categorical, "categorical");
    if (maxCategories < 2) {
      throw new IllegalArgumentException("maxCategories must be at least 2: " + maxCategories);
    }
    String[][] text = textRows(trainText, trainX.length, categorical.size());
    List<Categorical> encodings = new java.util.ArrayList<>();
    if (textColumn != null && !categorical.contains(textColumn.column())) {
      throw new IllegalArgumentException(
          "the text column "
              + textColumn.column()
              + " is not a text feature of the dataset"
              + (categorical.isEmpty() ? " (it has none)" : ": those are " + categorical));
    }
    for (int k = 0; k < categorical.size(); k++) {
      encodings.add(
          textColumn != null && categorical.get(k).equals(textColumn.column())
              ? new Categorical(
                  categorical.get(k),
                  List.of(),
                  false,
                  false,
                  Tokens.fit(text, k, textColumn.size(), textColumn.maxTokens()))
              : Categorical.fit(categorical.get(k), text, k, maxCategories));
    }
    int n = features.size();
    checkWidth(trainX, n);
    int rows = trainX.length;
    double[] fill = new double[n];
    double[] mean = new double[n];
    double[] scale = new double[n];
    double[] column = new double[rows];
    boolean[] indicators = new boolean[n];
    for (int j = 0; j < n; j++) {
      int present = 0;
      for (double[] row : trainX) {
        if (!Double.isNaN(row[j])) {
          column[present++] = row[j];
        }
      }
      indicators[j] = present < rows;
      fill[j] = median(column, present);
      if (rows == 0) {
        mean[j] = 0;
        scale[j] = 1;
        continue;
      }
      double sum = 0;
      for (double[] row : trainX) {
        sum += Double.isNaN(row[j]) ? fill[j] : row[j];
      }
      double m = sum / rows;
      double squares = 0;
      for (double[] row : trainX) {
        double d = (Double.isNaN(row[j]) ? fill[j] : row[j]) - m;
        squares += d * d;
      }
      double std = Math.sqrt(squares / rows);
      mean[j] = m;
      // As scikit-learn: a standard deviation that is 0 up to rounding means a constant feature.
      scale[j] = std <= 10 * Math.ulp(1.0) * Math.max(1.0, Math.abs(m)) ? 1.0 : std;
    }
    return new Preprocessing(features, fill, mean, scale, indicators, encodings);
  }

  /**
   * Encodes numeric rows of a model without categorical features; returns new arrays, {@code raw}
   * is not modified.
   *
   * @throws IllegalArgumentException when a row does not have one value per feature, or the model
   *     has categorical features
   */
  public double[][] apply(double[][] raw) {
    return apply(raw, null);
  }

  /**
   * Encodes rows: fills, standardises, adds the missing indicators and one-hot encodes; returns new
   * arrays, the inputs are not modified.
   *
   * @param raw one value per numeric feature ({@link #features()}), {@code NaN} where missing
   * @param text one value per categorical feature ({@link #categoricalFeatures()}), {@code null}
   *     where missing; may be {@code null} when there are no categorical features
   * @throws IllegalArgumentException when a row does not have one value per feature
   */
  public double[][] apply(double[][] raw, String[][] text) {
    Objects.requireNonNull(raw, "raw");
    int n = features.size();
    checkWidth(raw, n);
    String[][] cats = textRows(text, raw.length, categorical.size());
    int width = width();
    double[][] out = new double[raw.length][];
    for (int i = 0; i < raw.length; i++) {
      double[] row = raw[i];
      double[] x = new double[width];
      for (int j = 0; j < n; j++) {
        double v = Double.isNaN(row[j]) ? fill[j] : row[j];
        x[j] = (v - mean[j]) / scale[j];
      }
      int at = n;
      for (int j = 0; j < n; j++) {
        if (indicators[j]) {
          x[at++] = Double.isNaN(row[j]) ? 1 : 0;
        }
      }
      for (int k = 0; k < categorical.size(); k++) {
        Categorical c = categorical.get(k);
        if (c.tokens() != null) {
          c.tokens().encode(cats[i][k], x, at);
        } else {
          int hot = c.column(cats[i][k]);
          if (hot >= 0) {
            x[at + hot] = 1;
          }
        }
        at += c.width();
      }
      out[i] = x;
    }
    return out;
  }

  /**
   * {@code text}, checked to have {@code rows} rows of {@code width} values ({@code null}: none).
   */
  private static String[][] textRows(String[][] text, int rows, int width) {
    if (text == null) {
      if (width > 0) {
        throw new IllegalArgumentException(
            "the model has " + width + " categorical features, but no text values were given");
      }
      return new String[rows][0];
    }
    if (text.length != rows) {
      throw new IllegalArgumentException(
          "text has " + text.length + " rows, the numeric values " + rows);
    }
    for (int i = 0; i < text.length; i++) {
      if (text[i] == null || text[i].length != width) {
        throw new IllegalArgumentException(
            "row "
                + i
                + " has "
                + (text[i] == null ? "no" : String.valueOf(text[i].length))
                + " text values, expected one per categorical feature ("
                + width
                + ")");
      }
    }
    return text;
  }

  @Override
  public double[] fill() {
    return fill.clone();
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] scale() {
    return scale.clone();
  }

  @Override
  public boolean[] indicators() {
    return indicators.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Preprocessing p
        && features.equals(p.features)
        && Arrays.equals(fill, p.fill)
        && Arrays.equals(mean, p.mean)
        && Arrays.equals(scale, p.scale)
        && Arrays.equals(indicators, p.indicators)
        && categorical.equals(p.categorical);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        features,
        Arrays.hashCode(fill),
        Arrays.hashCode(mean),
        Arrays.hashCode(scale),
        Arrays.hashCode(indicators),
        categorical);
  }

  @Override
  public String toString() {
    return "Preprocessing[features="
        + features
        + ", fill="
        + Arrays.toString(fill)
        + ", mean="
        + Arrays.toString(mean)
        + ", scale="
        + Arrays.toString(scale)
        + ", indicators="
        + Arrays.toString(indicators)
        + ", categorical="
        + categorical
        + "]";
  }

  private static double median(double[] values, int count) {
    if (count == 0) {
      return 0;
    }
    double[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    int mid = count / 2;
    return count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static void checkWidth(double[][] rows, int n) {
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != n) {
        throw new IllegalArgumentException(
            "row "
                + i
                + " has "
                + (rows[i] == null ? "no" : String.valueOf(rows[i].length))
                + " values, expected one per feature ("
                + n
                + ")");
      }
    }
  }
}
