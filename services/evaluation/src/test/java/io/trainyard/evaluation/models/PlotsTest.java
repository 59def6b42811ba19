package io.trainyard.evaluation.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.stats.Curves;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class PlotsTest {

  private static final String SVG = "http://www.w3.org/2000/svg";

  /** A class label that needs escaping in text and in attributes. */
  private static final String NASTY = "a<b&\"c\"";

  /** Balanced classes with tied scores (as BinaryMetricsTest): roc_auc_score 0.68. */
  private static final String[] ACTUAL = {
    "no", "no", NASTY, NASTY, "no", NASTY, "no", NASTY, NASTY, "no"
  };

  private static final double[] SCORES = {0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9, 0.35, 0.6};

  private static final int[] Y = {0, 0, 1, 1, 0, 1, 0, 1, 1, 0};

  static Scored binary(String[] actual, double[] scores, List<String> classes) {
    String[] predicted = new String[scores.length];
    for (int i = 0; i < scores.length; i++) {
      predicted[i] = scores[i] >= 0.5 ? classes.get(1) : classes.get(0);
    }
    return Scored.binary(new long[scores.length], actual, predicted, scores, classes);
  }

  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    DocumentBuilder builder = factory.newDocumentBuilder();
    Document doc = builder.parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    Element root = doc.getDocumentElement();
    assertThat(root.getNamespaceURI()).isEqualTo(SVG);
    assertThat(root.getLocalName()).isEqualTo("svg");
    assertThat(root.getAttribute("viewBox")).isEqualTo("0 0 480 400");
    assertThat(doc.getElementsByTagNameNS(SVG, "title").getLength()).isPositive();
    assertThat(svg).doesNotContain("NaN").doesNotContain("Infinity");
    return doc;
  }

  static List<Element> withClass(Document doc, String tag, String cls) {
    NodeList nodes = doc.getElementsByTagNameNS(SVG, tag);
    List<Element> found = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (e.getAttribute("class").equals(cls)) {
        found.add(e);
      }
    }
    return found;
  }

  /** The data points of a polyline on a [0, 1] x [0, 1] plot, as {@code [x, y]} per vertex. */
  static List<double[]> unitPoints(Element polyline) {
    Plots.Axis unit = Plots.Axis.unit("");
    List<double[]> points = new ArrayList<>();
    for (String pair : polyline.getAttribute("points").trim().split(" ")) {
      String[] xy = pair.split(",");
      points.add(
          new double[] {
            Plots.CURVES.xValue(unit, Double.parseDouble(xy[0])),
            Plots.CURVES.yValue(unit, Double.parseDouble(xy[1]))
          });
    }
    return points;
  }

  static String text(Document doc) {
    return doc.getDocumentElement().getTextContent();
  }

  @Test
  void binaryPlotsAreWellFormedAndTheRocCurveIsCurvesRoc() throws Exception {
    Scored scored = binary(ACTUAL, SCORES, List.of("no", NASTY));
    Map<String, String> plots = Plots.of(scored, "churn v3 <candidate>");

    assertThat(plots)
        .containsOnlyKeys(
            "roc.svg", "precision-recall.svg", "calibration.svg", "confusion-matrix.svg");
    assertThat(plots.keySet())
        .containsExactly(
            "roc.svg", "precision-recall.svg", "calibration.svg", "confusion-matrix.svg");
    for (String svg : plots.values()) {
      parse(svg);
      assertThat(svg).contains("churn v3 &lt;candidate&gt;");
    }

    Document roc = parse(plots.get("roc.svg"));
    List<Element> curves = withClass(roc, "polyline", "curve");
    assertThat(curves).hasSize(1);
    assertThat(curves.get(0).getAttribute("data-label")).isEqualTo(NASTY);
    Curves.Curve expected = Curves.roc(Y, SCORES);
    List<double[]> drawn = unitPoints(curves.get(0));
    assertThat(drawn).hasSize(expected.size());
    for (int i = 0; i < drawn.size(); i++) {
      assertThat(drawn.get(i)[0]).isCloseTo(expected.x()[i], within(1e-4));
      assertThat(drawn.get(i)[1]).isCloseTo(expected.y()[i], within(1e-4));
    }
    assertThat(withClass(roc, "line", "chance")).hasSize(1);
    assertThat(text(roc)).contains("AUC = 0.680").contains("Chance level (AUC = 0.5)");

    // Steps-post from (recall 1, precision 0.5) to (recall 0, precision 1); chance at 5 / 10.
    Document pr = parse(plots.get("precision-recall.svg"));
    List<double[]> steps = unitPoints(withClass(pr, "polyline", "curve").get(0));
    Curves.Curve prCurve = Curves.precisionRecall(Y, SCORES);
    assertThat(steps.get(0)[0]).isCloseTo(1.0, within(1e-4));
    assertThat(steps.get(0)[1]).isCloseTo(0.5, within(1e-4));
    assertThat(steps.get(steps.size() - 1)[0]).isCloseTo(0.0, within(1e-4));
    assertThat(steps.get(steps.size() - 1)[1]).isCloseTo(1.0, within(1e-4));
    assertThat(steps.size()).isGreaterThan(prCurve.size());
    for (int i = 1; i < steps.size(); i++) {
      // Every segment of a step curve is horizontal or vertical.
      boolean horizontal = Math.abs(steps.get(i)[1] - steps.get(i - 1)[1]) < 1e-4;
      boolean vertical = Math.abs(steps.get(i)[0] - steps.get(i - 1)[0]) < 1e-4;
      assertThat(horizontal || vertical).as("segment %d", i).isTrue();
    }
    Element chance = withClass(pr, "line", "chance").get(0);
    assertThat(
            Plots.CURVES.yValue(Plots.Axis.unit(""), Double.parseDouble(chance.getAttribute("y1"))))
        .isCloseTo(0.5, within(1e-4));
    // average_precision_score(y, s) -> 0.75 (scikit-learn 1.2.1)
    assertThat(text(pr)).contains("AP = 0.750").contains("Chance level (AP = 0.500)");

    Document calibration = parse(plots.get("calibration.svg"));
    Curves.Calibration cal = Curves.calibration(Y, SCORES, 10);
    List<Element> bars = withClass(calibration, "rect", "bar");
    assertThat(bars).hasSize(cal.size());
    for (int j = 0; j < bars.size(); j++) {
      assertThat(bars.get(j).getAttribute("data-bin")).isEqualTo(String.valueOf(cal.bins()[j]));
      assertThat(bars.get(j).getAttribute("data-count")).isEqualTo(String.valueOf(cal.counts()[j]));
    }
    assertThat(unitPoints(withClass(calibration, "polyline", "curve").get(0))).hasSize(cal.size());
    assertThat(withClass(calibration, "circle", "marker")).hasSize(cal.size());

    assertCellsMatch(parse(plots.get("confusion-matrix.svg")), scored);
  }

  private static void assertCellsMatch(Document doc, Scored scored) {
    long[][] cm = scored.confusionMatrix();
    List<String> classes = scored.classes();
    List<Element> cells = withClass(doc, "g", "cell");
    assertThat(cells).hasSize(classes.size() * classes.size());
    for (Element cell : cells) {
      int t = classes.indexOf(cell.getAttribute("data-true"));
      int p = classes.indexOf(cell.getAttribute("data-predicted"));
      assertThat(t).isNotNegative();
      assertThat(p).isNotNegative();
      assertThat(Long.parseLong(cell.getAttribute("data-count"))).isEqualTo(cm[t][p]);
    }
  }

  @Test
  void classLabelsAreEscapedInTextAndAttributes() throws Exception {
    Scored scored = binary(ACTUAL, SCORES, List.of("no", NASTY));
    String svg = Plots.of(scored, "t").get("confusion-matrix.svg");
    assertThat(svg).contains("data-true=\"a&lt;b&amp;&quot;c&quot;\"").contains(">a&lt;b&amp;");
    assertThat(svg).doesNotContain(NASTY);
    Document doc = parse(svg);
    assertThat(text(doc)).contains(NASTY);
    // The confusion matrix of ACTUAL against predictions at >= 0.5: [[4, 1], [3, 2]].
    assertThat(scored.confusionMatrix()).isDeepEqualTo(new long[][] {{4, 1}, {3, 2}});
    Element cell = withClass(doc, "g", "cell").get(1);
    assertThat(cell.getAttribute("data-true")).isEqualTo("no");
    assertThat(cell.getAttribute("data-predicted")).isEqualTo(NASTY);
    assertThat(cell.getAttribute("data-count")).isEqualTo("1");
    assertThat(cell.getAttribute("data-share")).isEqualTo("0.2000");
  }

  @Test
  void controlCharactersAreReplacedSoTheDocumentStaysXml() throws Exception {
    Scored scored = binary(ACTUAL, SCORES, List.of("no", NASTY));
    for (String svg : Plots.of(scored, "bell\u0007 and \uD800 lone").values()) {
      assertThat(text(parse(svg))).doesNotContain("\u0007");
    }
  }

  @Test
  void multiclassHasOneCurvePerClassInTheTestSplitAndNotesTheOthers() throws Exception {
    // Model classes a, b, c; c never occurs in the test split, d occurs but the model never saw it.
    String[] actual = {"a", "a", "b", "b", "d", "a", "b", "d"};
    String[] predicted = {"a", "b", "b", "b", "a", "a", "c", "b"};
    double[][] p = {
      {0.7, 0.2, 0.1}, {0.3, 0.6, 0.1}, {0.2, 0.7, 0.1}, {0.1, 0.8, 0.1},
      {0.5, 0.4, 0.1}, {0.6, 0.2, 0.2}, {0.2, 0.3, 0.5}, {0.3, 0.6, 0.1}
    };
    Scored scored =
        Scored.multiclass(new long[actual.length], actual, predicted, p, List.of("a", "b", "c"));
    assertThat(scored.classes()).containsExactly("a", "b", "c", "d");
    Map<String, String> plots = Plots.of(scored, "iris");
    assertThat(plots.keySet())
        .containsExactly(
            "roc.svg", "precision-recall.svg", "calibration.svg", "confusion-matrix.svg");

    for (String name : List.of("roc.svg", "precision-recall.svg")) {
      Document doc = parse(plots.get(name));
      assertThat(withClass(doc, "polyline", "curve"))
          .extracting(e -> e.getAttribute("data-label"))
          .containsExactly("a", "b", "d");
      assertThat(text(doc)).contains("c: not in the test split");
    }
    Document roc = parse(plots.get("roc.svg"));
    // Class a against the rest is Curves.roc of the one-vs-rest labels and column 0.
    int[] isA = {1, 1, 0, 0, 0, 1, 0, 0};
    double[] pa = {0.7, 0.3, 0.2, 0.1, 0.5, 0.6, 0.2, 0.3};
    Curves.Curve expected = Curves.roc(isA, pa);
    List<double[]> drawn = unitPoints(withClass(roc, "polyline", "curve").get(0));
    assertThat(drawn).hasSize(expected.size());
    for (int i = 0; i < drawn.size(); i++) {
      assertThat(drawn.get(i)[0]).isCloseTo(expected.x()[i], within(1e-4));
      assertThat(drawn.get(i)[1]).isCloseTo(expected.y()[i], within(1e-4));
    }
    // roc_auc_score(isA, pa): positives 0.7, 0.3, 0.6 against 0.2, 0.1, 0.5, 0.2, 0.3 -> 13.5 / 15.
    assertThat(text(roc)).contains("a (AUC = 0.900)");

    // Top label: the largest probability per row, correct when its class is the true one
    // (the unseen d is never the top label): rows 0, 2, 3, 5 correct.
    Document calibration = parse(plots.get("calibration.svg"));
    int[] correct = {1, 0, 1, 1, 0, 1, 0, 0};
    double[] confidence = {0.7, 0.6, 0.7, 0.8, 0.5, 0.6, 0.5, 0.6};
    Curves.Calibration cal = Curves.calibration(correct, confidence, 10);
    List<double[]> points = unitPoints(withClass(calibration, "polyline", "curve").get(0));
    assertThat(points).hasSize(cal.size());
    for (int j = 0; j < cal.size(); j++) {
      assertThat(points.get(j)[0]).isCloseTo(cal.probPred()[j], within(1e-4));
      assertThat(points.get(j)[1]).isCloseTo(cal.probTrue()[j], within(1e-4));
    }
    assertThat(withClass(calibration, "rect", "bar"))
        .extracting(e -> Long.parseLong(e.getAttribute("data-count")))
        .containsExactly(2L, 3L, 2L, 1L);

    assertCellsMatch(parse(plots.get("confusion-matrix.svg")), scored);
  }

  @Test
  void longCurvesAreThinnedToAThousandPointsKeepingTheEnds() throws Exception {
    int n = 5000;
    String[] actual = new String[n];
    double[] scores = new double[n];
    int[] y = new int[n];
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < n; i++) {
      y[i] = random.nextInt(3) == 0 ? 1 : 0;
      actual[i] = y[i] == 1 ? "yes" : "no";
      scores[i] = (double) i / n;
    }
    assertThat(Curves.roc(y, scores).size()).isGreaterThan(1000);
    Document roc = parse(Plots.of(binary(actual, scores, List.of("no", "yes")), "").get("roc.svg"));
    List<double[]> drawn = unitPoints(withClass(roc, "polyline", "curve").get(0));
    assertThat(drawn).hasSize(Plots.MAX_CURVE_POINTS);
    assertThat(drawn.get(0)).containsExactly(new double[] {0, 0}, within(1e-4));
    assertThat(drawn.get(drawn.size() - 1)).containsExactly(new double[] {1, 1}, within(1e-4));
  }

  @Test
  void oneClassInTheTestSplitLeavesANoteInsteadOfARocCurve() throws Exception {
    String[] actual = {"no", "no", "no"};
    Map<String, String> plots =
        Plots.of(binary(actual, new double[] {0.1, 0.7, 0.3}, List.of("no", "yes")), null);
    Document roc = parse(plots.get("roc.svg"));
    assertThat(withClass(roc, "polyline", "curve")).isEmpty();
    assertThat(withClass(roc, "text", "note")).isNotEmpty();
    assertThat(text(roc)).contains("only one class");
    Document pr = parse(plots.get("precision-recall.svg"));
    assertThat(text(pr)).contains("no positive sample");
    parse(plots.get("calibration.svg"));
    parse(plots.get("confusion-matrix.svg"));
  }

  static Scored regression(int n, java.util.function.IntToDoubleFunction target) {
    double[] targets = new double[n];
    double[] estimates = new double[n];
    String[] actual = new String[n];
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      targets[i] = target.applyAsDouble(i);
      estimates[i] = targets[i] * 0.9 + 1;
      actual[i] = Double.toString(targets[i]);
      ids[i] = i;
    }
    return Scored.regression(ids, actual, targets, estimates);
  }

  @Test
  void regressionScattersAreCappedAtTwoThousandEvenlySpacedRows() throws Exception {
    Map<String, String> plots = Plots.of(regression(5000, i -> i * 0.5), "house prices");
    assertThat(plots.keySet()).containsExactly("residuals.svg", "predicted-vs-actual.svg");
    for (String svg : plots.values()) {
      Document doc = parse(svg);
      assertThat(withClass(doc, "circle", "point")).hasSize(Plots.MAX_SCATTER_POINTS);
      assertThat(withClass(doc, "text", "subtitle").get(0).getTextContent())
          .isEqualTo("house prices · 2,000 of 5,000 rows");
      assertThat(withClass(doc, "line", "reference")).hasSize(1);
    }
    int[] rows = Plots.scatterRows(5000);
    assertThat(rows).hasSize(2000).startsWith(0, 2, 5, 7, 10).endsWith(4997);
    assertThat(Plots.scatterRows(7)).containsExactly(0, 1, 2, 3, 4, 5, 6);

    Document small = parse(Plots.of(regression(10, i -> i), "").get("residuals.svg"));
    assertThat(withClass(small, "circle", "point")).hasSize(10);
    assertThat(withClass(small, "text", "subtitle").get(0).getTextContent()).isEqualTo("10 rows");
  }

  @Test
  void constantRegressionTargetsGiveFiniteAxes() throws Exception {
    for (double value : new double[] {0.0, 3.0, -1e9}) {
      double[] same = {value, value, value};
      Scored scored = Scored.regression(new long[3], new String[3], same, same.clone());
      for (String svg : Plots.of(scored, "flat").values()) {
        Document doc = parse(svg);
        assertThat(withClass(doc, "circle", "point")).hasSize(3);
        NodeList texts = doc.getElementsByTagNameNS(SVG, "text");
        assertThat(texts.getLength()).isGreaterThan(6);
      }
    }
  }

  @Test
  void niceTicksAndCompactLocaleFreeNumbers() {
    Plots.Axis axis = Plots.Axis.numeric(0.13, 9.7, "x");
    assertThat(axis.ticks()).containsExactly(0, 2, 4, 6, 8, 10);
    assertThat(axis.labels()).containsExactly("0", "2", "4", "6", "8", "10");
    // A step of 2.5 times a power of ten gets one more decimal.
    Plots.Axis fine = Plots.Axis.numeric(-0.3, 0.9, "x");
    assertThat(fine.labels())
        .containsExactly("-0.50", "-0.25", "0.00", "0.25", "0.50", "0.75", "1.00");
    assertThat(Plots.Axis.numeric(-0.3, 0.7, "x").labels())
        .containsExactly("-0.4", "-0.2", "0.0", "0.2", "0.4", "0.6", "0.8");
    Plots.Axis flat = Plots.Axis.numeric(5, 5, "x");
    assertThat(flat.lo()).isLessThan(5);
    assertThat(flat.hi()).isGreaterThan(5);
    assertThat(Plots.num(12.345)).isEqualTo("12.35");
    assertThat(Plots.num(-0.001)).isEqualTo("0");
    assertThat(Plots.num(3.10)).isEqualTo("3.1");
    assertThat(Plots.num(-7)).isEqualTo("-7");

    Locale before = Locale.getDefault();
    try {
      Scored scored = binary(ACTUAL, SCORES, List.of("no", NASTY));
      Map<String, String> root = Plots.of(scored, "t");
      Locale.setDefault(Locale.GERMANY);
      assertThat(Plots.of(scored, "t")).isEqualTo(root);
      Scored values = regression(50, i -> i * 1234.5);
      Map<String, String> german = Plots.of(values, "t");
      Locale.setDefault(Locale.ROOT);
      assertThat(Plots.of(values, "t")).isEqualTo(german);
    } finally {
      Locale.setDefault(before);
    }
  }
}
