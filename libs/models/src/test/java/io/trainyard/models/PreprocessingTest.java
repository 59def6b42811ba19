package io.trainyard.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PreprocessingTest {
  private static final double NAN = Double.NaN;

  // Columns: a (one NaN, odd count), b (constant), c (all NaN), d (two NaN, even count).
  private static final double[][] TRAIN = {
    {1, 5, NAN, 1}, {2, 5, NAN, 3}, {NAN, 5, NAN, NAN}, {4, 5, NAN, NAN},
  };

  @Test
  void fitsMedianFillThenPopulationStandardisation() {
    Preprocessing pre = Preprocessing.fit(List.of("a", "b", "c", "d"), TRAIN);

    // numpy: np.nanmedian; then x filled, x.mean(), x.std() (ddof=0), std 0 -> 1.
    assertThat(pre.fill()).containsExactly(2.0, 5.0, 0.0, 2.0);
    assertThat(pre.mean()).containsExactly(new double[] {2.25, 5.0, 0.0, 2.0}, within(1e-12));
    assertThat(pre.scale())
        .containsExactly(new double[] {Math.sqrt(1.1875), 1.0, 1.0, Math.sqrt(0.5)}, within(1e-12));
  }

  @Test
  void appliesFillAndScalingToNewArrays() {
    Preprocessing pre = Preprocessing.fit(List.of("a", "b", "c", "d"), TRAIN);
    double[][] raw = {{NAN, 7, 3, NAN}, {4.25, 5, NAN, 2.7071067811865476}};

    double[][] x = pre.apply(raw);

    double sa = Math.sqrt(1.1875);
    // Then the missing indicators of a, c and d (b had no missing training value).
    assertThat(pre.outputNames())
        .containsExactly("a", "b", "c", "d", "missing(a)", "missing(c)", "missing(d)");
    assertThat(x[0]).containsExactly(new double[] {-0.25 / sa, 2, 3, 0, 1, 0, 1}, within(1e-12));
    assertThat(x[1]).containsExactly(new double[] {2 / sa, 0, 0, 1, 0, 1, 0}, within(1e-12));
    assertThat(raw[0][0]).isNaN(); // the input is not modified
  }

  @Test
  void trainingRowsBecomeZeroMeanUnitVariance() {
    double[][] train = new double[100][2];
    for (int i = 0; i < 100; i++) {
      train[i][0] = i * 0.37 - 4;
      train[i][1] = i % 7 == 0 ? NAN : Math.sin(i) * 10;
    }
    Preprocessing pre = Preprocessing.fit(List.of("x", "y"), train);
    double[][] x = pre.apply(train);
    for (int j = 0; j < 2; j++) {
      double sum = 0;
      double squares = 0;
      for (double[] row : x) {
        sum += row[j];
        squares += row[j] * row[j];
      }
      assertThat(sum / 100).isCloseTo(0, within(1e-12));
      assertThat(squares / 100).isCloseTo(1, within(1e-12));
    }
  }

  @Test
  void rejectsRowsOfTheWrongWidth() {
    Preprocessing pre = Preprocessing.fit(List.of("a", "b", "c", "d"), TRAIN);
    assertThatThrownBy(() -> pre.apply(new double[][] {{1, 2, 3}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 0 has 3 values");
  }

  // scikit-learn 1.2.1 (Debian's python3-sklearn) on the same rows:
  //   ColumnTransformer([
  //     ("num", Pipeline([SimpleImputer(strategy="median"), StandardScaler()]), ["a", "b"]),
  //     ("missing", MissingIndicator(features="missing-only", error_on_new=False), ["a", "b"]),
  //     ("cat", OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=M),
  //      ["kind", "flag"])]).fit(train)
  private static final double[][] TRAIN_X = {{1, 2}, {NAN, 2}, {3, 5}, {10, 1}, {4, 0}, {NAN, 7}};
  private static final String[][] TRAIN_TEXT = {
    {"x", "true"}, {"y", "false"}, {null, "false"}, {"x", "true"}, {"z", "false"}, {"x", "true"}
  };
  private static final double[][] SCORE_X = {{NAN, 1}, {2, NAN}};
  private static final String[][] SCORE_TEXT = {{"w", "true"}, {null, "false"}};

  @Test
  void categoricalAndMissingIndicatorsMatchScikitLearnWithInfrequentCategories() {
    Preprocessing pre =
        Preprocessing.fit(
            List.of("a", "b"), TRAIN_X, List.of("kind", "flag"), TRAIN_TEXT, /* max */ 3);
    // kind: x (3), y, z, missing (1 each): the two rarest in category order (y, z) are infrequent.
    assertThat(pre.outputNames())
        .containsExactly(
            "a",
            "b",
            "missing(a)",
            "kind=x",
            "kind=<missing>",
            "kind=<infrequent>",
            "flag=false",
            "flag=true");
    assertThat(pre.width()).isEqualTo(8);
    assertThat(pre.inputs()).containsExactly("a", "b", "kind", "flag");
    assertRows(
        pre.apply(TRAIN_X, TRAIN_TEXT),
        new double[][] {
          {-1.1395442734177277, -0.3458572319330374, 0, 1, 0, 0, 0, 1},
          {-0.23990405756162697, -0.3458572319330374, 1, 0, 0, 1, 1, 0},
          {-0.4198321007328471, 0.899228803025897, 0, 0, 1, 0, 1, 0},
          {2.099160503664235, -0.7608859102526822, 0, 1, 0, 0, 0, 1},
          {-0.05997601439040683, -1.175914588572327, 0, 0, 0, 1, 1, 0},
          {-0.23990405756162697, 1.7292861596651865, 1, 1, 0, 0, 0, 1}
        });
    // An unseen value ("w") goes to the infrequent column; b had no missing training value, so
    // its missing value is filled and gets no indicator.
    assertRows(
        pre.apply(SCORE_X, SCORE_TEXT),
        new double[][] {
          {-0.23990405756162697, -0.7608859102526822, 1, 0, 0, 1, 0, 1},
          {-0.7796881870752874, -0.3458572319330374, 0, 0, 1, 0, 1, 0}
        });
  }

  @Test
  void withoutAnInfrequentColumnAnUnseenValueEncodesAsZeros() {
    Preprocessing pre =
        Preprocessing.fit(
            List.of("a", "b"),
            TRAIN_X,
            List.of("kind", "flag"),
            TRAIN_TEXT,
            Preprocessing.MAX_CATEGORIES);
    assertThat(pre.outputNames())
        .containsExactly(
            "a",
            "b",
            "missing(a)",
            "kind=x",
            "kind=y",
            "kind=z",
            "kind=<missing>",
            "flag=false",
            "flag=true");
    assertRows(
        pre.apply(SCORE_X, SCORE_TEXT),
        new double[][] {
          {-0.23990405756162697, -0.7608859102526822, 1, 0, 0, 0, 0, 0, 1},
          {-0.7796881870752874, -0.3458572319330374, 0, 0, 0, 0, 1, 1, 0}
        });
  }

  @Test
  void categoricalPreprocessingSurvivesJsonAndRefusesTheWrongShape() throws Exception {
    Preprocessing pre =
        Preprocessing.fit(List.of("a", "b"), TRAIN_X, List.of("kind", "flag"), TRAIN_TEXT, 3);
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    Preprocessing back = json.readValue(json.writeValueAsBytes(pre), Preprocessing.class);
    assertThat(back).isEqualTo(pre);
    assertThat(back.apply(SCORE_X, SCORE_TEXT)).isDeepEqualTo(pre.apply(SCORE_X, SCORE_TEXT));
    // A bundle written before indicators and categorical features existed reads as numeric only.
    Preprocessing old =
        json.readValue(
            "{\"features\":[\"a\"],\"fill\":[1.0],\"mean\":[2.0],\"scale\":[4.0]}",
            Preprocessing.class);
    assertThat(old.width()).isEqualTo(1);
    assertThat(old.apply(new double[][] {{NAN}})[0]).containsExactly(-0.25);
    assertThatThrownBy(() -> pre.apply(SCORE_X))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 categorical features");
    assertThatThrownBy(() -> pre.apply(SCORE_X, new String[][] {{"x"}, {"y"}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected one per categorical feature (2)");
  }

  private static void assertRows(double[][] actual, double[][] expected) {
    assertThat(actual).hasDimensions(expected.length, expected[0].length);
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        assertThat(actual[i][j])
            .as("row %d column %d", i, j)
            .isCloseTo(expected[i][j], within(1e-12));
      }
    }
  }

  @Test
  void textIsTokenizedAsCountVectorizersDefaultPattern() {
    // Python: re.findall(r"(?u)\b\w\w+\b", text.lower()), CountVectorizer's default tokens.
    assertThat(
            Preprocessing.Tokens.tokenize("The cat's HAT \u2014 na\u00efve Caf\u00e9, a b 42 x_y!"))
        .containsExactly("the", "cat", "hat", "na\u00efve", "caf\u00e9", "42", "x_y");
    assertThat(Preprocessing.Tokens.tokenize(null)).isEmpty();
    assertThat(Preprocessing.Tokens.tokenize("a . b")).isEmpty();
  }

  @Test
  void aTextFeatureKeepsTheMostFrequentTokensAndEncodesTheirIds() {
    List<String> categorical = List.of("kind", "review");
    String[][] train = {
      {"a", "good good movie"},
      {"b", "bad movie, bad plot"},
      {"a", "good plot twist"},
      {"b", null},
    };
    double[][] x = {{1}, {2}, {3}, {4}};
    Preprocessing pre =
        Preprocessing.fit(
            List.of("n"),
            x,
            categorical,
            train,
            Preprocessing.MAX_CATEGORIES,
            new Preprocessing.TextColumn("review", 3, 4));
    // counts: good 3, bad 2, movie 2, plot 2, twist 1: the 3 most frequent, ties by text order
    Preprocessing.Categorical review = pre.categorical().get(1);
    assertThat(review.tokens().vocabulary()).containsExactly("bad", "good", "movie");
    assertThat(pre.categoricalFeatures()).containsExactly("kind", "review");
    assertThat(pre.width()).isEqualTo(1 + 2 + 4);
    assertThat(pre.tokensAt()).isEqualTo(3);
    assertThat(pre.textFeature()).isSameAs(review);
    assertThat(pre.outputNames())
        .containsExactly("n", "kind=a", "kind=b", "review#1", "review#2", "review#3", "review#4");
    double[][] out =
        pre.apply(
            new double[][] {{1}, {1}, {1}},
            new String[][] {
              {"a", "Good movie? BAD movie, unknown words, good good"}, {"a", null}, {"c", "plot"}
            });
    // ids = vocabulary position + 1; unknown tokens skipped; the first 4 known; 0-padded
    assertThat(java.util.Arrays.copyOfRange(out[0], 3, 7)).containsExactly(2, 3, 1, 3);
    assertThat(java.util.Arrays.copyOfRange(out[1], 3, 7)).containsExactly(0, 0, 0, 0);
    assertThat(java.util.Arrays.copyOfRange(out[2], 3, 7)).containsExactly(0, 0, 0, 0);
    assertThatThrownBy(
            () ->
                Preprocessing.fit(
                    List.of("n"),
                    x,
                    categorical,
                    train,
                    Preprocessing.MAX_CATEGORIES,
                    new Preprocessing.TextColumn("title", 3, 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "the text column title is not a text feature of the dataset: those are [kind,"
                + " review]");
  }
}
