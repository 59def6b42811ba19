package io.trainyard.evaluation.models;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.events.ModelEvaluated;
import io.trainyard.contracts.events.ModelEvaluated.GateResult;
import io.trainyard.contracts.events.ModelTrained;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.datasets.DatasetProfile;
import io.trainyard.evaluation.gating.Gates;
import io.trainyard.evaluation.gating.Sliced;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model card (Mitchell et al., 2019) for one evaluated version, as Markdown and as HTML from the
 * same sections: intended use, data, training, metrics with intervals, slices and fairness,
 * challenge sets, latency and size, gates, and limitations.
 */
final class ModelCard {

  private ModelCard() {}

  /** One section: a heading, paragraphs, and an optional table (header row first). */
  record Section(String heading, List<String> paragraphs, List<List<String>> table) {}

  /** What the card is made of. */
  record Facts(
      PipelineSpec spec,
      ModelTrained trained,
      Map<String, Double> metrics,
      Map<String, ModelEvaluated.Interval> intervals,
      Sliced sliced,
      List<ModelEvaluated.ChallengeSetMetrics> challengeSets,
      List<GateResult> gates,
      boolean passed,
      long testRows,
      JsonNode datasetMetadata,
      DatasetProfile profile,
      Ranked ranked,
      Map<String, String> undefined) {}

  /** The most profile rows the card lists; the profile itself has every column. */
  static final int PROFILE_COLUMNS = 30;

  static final String LIMITATIONS = "Limitations";

  static final String HUMAN_REVIEW = "Human review";

  static final String NOT_REVIEWED = "Human-review figures are not recorded for this version.";

  static String title(String pipeline, int version) {
    return "Model card: " + pipeline + " v" + version;
  }

  static List<Section> sections(Facts f) {
    List<Section> sections = new ArrayList<>();
    String description = f.spec().description();
    sections.add(
        new Section(
            "Intended use",
            List.of(
                description == null || description.isBlank()
                    ? "The pipeline's spec gives no description of the intended use."
                    : description,
                "Task: " + f.spec().task().wire() + "; target: `" + f.spec().target() + "`."),
            List.of()));
    ModelTrained t = f.trained();
    List<String> data = new ArrayList<>();
    data.add(
        "Trained on dataset version "
            + t.datasetVersion()
            + " (content SHA-256 `"
            + t.lineage().datasetContentHash()
            + "`), evaluated on its test split of "
            + f.testRows()
            + " rows.");
    if (t.lineage().trigger() != null) {
      data.add("Training was triggered by: " + t.lineage().trigger().wire() + ".");
    }
    data.addAll(provenance(f.datasetMetadata()));
    if (f.profile() != null) {
      data.add("The version's profile (all " + f.profile().rows() + " rows), by column:");
    }
    sections.add(new Section("Data", data, profile(f.profile(), f.spec().target())));
    List<List<String>> training = new ArrayList<>();
    training.add(List.of("setting", "value"));
    training.add(List.of("run", t.runId()));
    if (f.spec().training() != null && f.spec().training().model() != null) {
      training.add(List.of("model type", String.valueOf(f.spec().training().model().type())));
    }
    if (t.lineage().epochs() != null) {
      training.add(List.of("epochs", String.valueOf(t.lineage().epochs())));
    }
    if (t.lineage().seed() != null) {
      training.add(List.of("seed", String.valueOf(t.lineage().seed())));
    }
    if (t.lineage().parentModel() != null) {
      training.add(List.of("warm-started from", "v" + t.lineage().parentModel()));
    }
    if (t.compute() != null) {
      training.add(List.of("device", t.compute().device()));
      training.add(List.of("device seconds", Gates.fmt(t.compute().deviceSeconds())));
      training.add(List.of("energy (Wh)", Gates.fmt(t.compute().energyWh())));
    }
    sections.add(
        new Section(
            "Training",
            List.of("The spec's training settings: `" + Json.write(f.spec().training()) + "`."),
            training));
    List<List<String>> metrics = new ArrayList<>();
    metrics.add(List.of("metric", "value", "95 % interval"));
    f.metrics()
        .forEach(
            (name, value) -> {
              ModelEvaluated.Interval i = f.intervals().get(name);
              metrics.add(
                  List.of(
                      name,
                      Gates.fmt(value),
                      i == null
                          ? ""
                          : "[" + Gates.fmt(i.low()) + ", " + Gates.fmt(i.high()) + "]"));
            });
    List<String> aboutMetrics = new ArrayList<>();
    aboutMetrics.add(
        "On the test split, with scikit-learn's definitions; intervals by the percentile"
            + " bootstrap. latency_p50_ms, latency_p95_ms are single-row scoring times on"
            + " the evaluation machine; model_size_bytes is the stored bundle.");
    Ranked r = f.ranked();
    if (r != null) {
      aboutMetrics.add(
          "Ranking: the test rows form "
              + r.queries()
              + " queries by `"
              + r.query()
              + "`; ndcg_at_k counts the top "
              + r.k()
              + " ranks of the "
              + r.judged()
              + " queries with at least 2 rows, mrr all of them"
              + (r.rowsWithoutQuery() > 0
                  ? "; " + r.rowsWithoutQuery() + " rows without a query value are left out."
                  : "."));
    }
    f.undefined().forEach((name, why) -> aboutMetrics.add("Not computed: " + name + ": " + why));
    sections.add(new Section("Metrics", aboutMetrics, metrics));
    List<List<String>> slices = new ArrayList<>();
    slices.add(List.of("slice", "rows", "metrics"));
    for (ModelEvaluated.SliceMetrics s : f.sliced().slices()) {
      slices.add(
          List.of(
              s.feature() + "=" + s.value(),
              String.valueOf(s.rows()),
              s.metrics().isEmpty()
                  ? "not judged (below minSliceSize " + f.sliced().minSliceSize() + ")"
                  : brief(s.metrics())));
    }
    List<String> fairness = new ArrayList<>();
    for (ModelEvaluated.Fairness fair : f.sliced().fairness()) {
      fairness.add(
          "Across `"
              + fair.feature()
              + "` "
              + fair.groups()
              + ": demographic parity difference "
              + Gates.fmt(fair.demographicParityDifference())
              + ", equal opportunity difference "
              + (fair.equalOpportunityDifference() == null
                  ? "undefined"
                  : Gates.fmt(fair.equalOpportunityDifference()))
              + ", disparate impact ratio "
              + (fair.disparateImpactRatio() == null
                  ? "undefined"
                  : Gates.fmt(fair.disparateImpactRatio()))
              + ".");
    }
    f.sliced().missing().values().forEach(reason -> fairness.add("Not sliced: " + reason + "."));
    if (slices.size() > 1 || !fairness.isEmpty()) {
      sections.add(
          new Section("Slices and fairness", fairness, slices.size() > 1 ? slices : List.of()));
    }
    if (!f.challengeSets().isEmpty()) {
      List<List<String>> sets = new ArrayList<>();
      sets.add(List.of("challenge set", "dataset version", "rows", "metrics"));
      for (ModelEvaluated.ChallengeSetMetrics set : f.challengeSets()) {
        sets.add(
            List.of(
                set.name(),
                "v" + set.datasetVersion(),
                String.valueOf(set.rows()),
                set.metrics().isEmpty() ? "not scored" : brief(set.metrics())));
      }
      sections.add(new Section("Challenge sets", List.of(), sets));
    }
    List<List<String>> gates = new ArrayList<>();
    gates.add(List.of("gate", "passed", "reason"));
    for (GateResult g : f.gates()) {
      String target =
          g.slice() != null
              ? " [" + g.slice() + "]"
              : g.challengeSet() != null ? " [" + g.challengeSet() + "]" : "";
      gates.add(List.of(g.metric() + target, g.passed() ? "yes" : "no", g.reason()));
    }
    sections.add(
        new Section(
            "Gates",
            List.of(f.passed() ? "Every gate passed." : "At least one gate failed."),
            gates));
    List<String> limitations = new ArrayList<>();
    limitations.add(
        "The figures describe this dataset version's test split; data that drifts from it (see"
            + " the drift monitor) may be scored worse.");
    limitations.add(
        "Slices below minSliceSize and slice columns missing from the data are not judged.");
    limitations.add(NOT_REVIEWED);
    sections.add(new Section(LIMITATIONS, limitations, List.of()));
    return sections;
  }

  /**
   * Where the dataset version came from, from its manifest metadata: the source, the version it
   * derives from, its splits and the cleaning applied.
   */
  private static List<String> provenance(JsonNode metadata) {
    List<String> lines = new ArrayList<>();
    if (metadata == null) {
      return lines;
    }
    JsonNode lineage = metadata.path("lineage");
    if (lineage.hasNonNull("source")) {
      StringBuilder line = new StringBuilder("Provenance: ").append(lineage.get("source").asText());
      if (lineage.hasNonNull("contentType")) {
        line.append(" (").append(lineage.get("contentType").asText()).append(")");
      }
      if (lineage.hasNonNull("uploadId")) {
        line.append(", upload `").append(lineage.get("uploadId").asText()).append("`");
      }
      if (lineage.hasNonNull("parentVersion")) {
        line.append(", derived from dataset version ").append(lineage.get("parentVersion").asInt());
      }
      if (lineage.hasNonNull("rawUri")) {
        line.append("; the raw input is kept at ").append(lineage.get("rawUri").asText());
      }
      lines.add(line.append(".").toString());
    }
    if (metadata.hasNonNull("challengeSet")) {
      lines.add("It is challenge set `" + metadata.get("challengeSet").asText() + "`.");
    }
    List<String> splits = new ArrayList<>();
    metadata.path("splits").properties().forEach(e -> splits.add(e.getKey() + " " + e.getValue()));
    if (!splits.isEmpty()) {
      lines.add("Rows per split: " + String.join(", ", splits) + ".");
    }
    List<String> cleaning = new ArrayList<>();
    for (JsonNode step : metadata.path("cleaning")) {
      cleaning.add(
          step.path("step").asText()
              + (step.hasNonNull("column") ? " `" + step.get("column").asText() + "`" : "")
              + (step.hasNonNull("strategy") ? " (" + step.get("strategy").asText() + ")" : "")
              + " "
              + step.path("count").asLong());
    }
    if (!cleaning.isEmpty()) {
      lines.add("Cleaning applied (step, count): " + String.join("; ", cleaning) + ".");
    }
    return lines;
  }

  /**
   * The profile summary: one row per column of the whole version (up to {@value #PROFILE_COLUMNS}):
   * its kind, missing share, distinct values, and mean and range or the most frequent values.
   */
  private static List<List<String>> profile(DatasetProfile profile, String target) {
    List<List<String>> rows = new ArrayList<>();
    if (profile == null) {
      return rows;
    }
    rows.add(List.of("column", "kind", "missing", "distinct", "summary"));
    for (DatasetProfile.ColumnProfile c : profile.columns()) {
      if (rows.size() > PROFILE_COLUMNS) {
        rows.add(
            List.of(
                "…",
                "",
                "",
                "",
                (profile.columns().size() - PROFILE_COLUMNS) + " more columns in profile.json"));
        break;
      }
      long rowsOfColumn = c.count() + c.missing();
      String summary;
      if (c.mean() != null) {
        summary =
            "mean "
                + Gates.fmt(c.mean())
                + ", range ["
                + Gates.fmt(c.min())
                + ", "
                + Gates.fmt(c.max())
                + "]";
      } else if (c.top() != null && !c.top().isEmpty()) {
        List<String> top = new ArrayList<>();
        for (DatasetProfile.TopValue v : c.top().subList(0, Math.min(3, c.top().size()))) {
          top.add(v.value() + " (" + v.count() + ")");
        }
        summary = "most frequent: " + String.join(", ", top);
      } else {
        summary = "";
      }
      rows.add(
          List.of(
              c.name() + (c.name().equals(target) ? " (target)" : ""),
              c.kindOrInferred(),
              rowsOfColumn == 0
                  ? ""
                  : String.format(Locale.ROOT, "%.1f %%", 100.0 * c.missing() / rowsOfColumn),
              String.valueOf(c.distinct()),
              summary));
    }
    return rows;
  }

  /**
   * The card's sections with a "Human review" section of these reviews (oldest first) before the
   * limitations, replacing an earlier one, and without the limitation that no review is recorded.
   */
  static List<Section> withReviews(List<Section> sections, List<ReviewView> reviews) {
    List<List<String>> table = new ArrayList<>();
    table.add(
        List.of(
            "review",
            "completed",
            "sampled",
            "reviewed",
            "reviewers",
            "right / wrong",
            "accuracy (95 % Wilson interval)",
            "mean rating"));
    for (ReviewView r : reviews) {
      table.add(
          List.of(
              r.reviewId(),
              r.completedAt() == null ? "" : r.completedAt().toString(),
              String.valueOf(r.sampled()),
              String.valueOf(r.reviewed()),
              String.valueOf(r.reviewers()),
              r.right() == null ? "" : r.right() + " / " + r.wrong(),
              r.accuracy() == null
                  ? ""
                  : Gates.fmt(r.accuracy())
                      + " ["
                      + Gates.fmt(r.accuracyInterval().low())
                      + ", "
                      + Gates.fmt(r.accuracyInterval().high())
                      + "]",
              r.rating() == null
                  ? ""
                  : Gates.fmt(r.rating().mean())
                      + " on "
                      + Gates.fmt(r.rating().min())
                      + " to "
                      + Gates.fmt(r.rating().max())
                      + " ("
                      + r.rating().count()
                      + " ratings)"));
    }
    Section review =
        new Section(
            HUMAN_REVIEW,
            List.of(
                "People reviewed samples of this version's predictions (labeling's review projects,"
                    + " trainyard.models.reviewed). Accuracy here is the share of judged"
                    + " predictions the reviewers marked right, not a test-split metric."),
            table);
    List<Section> out = new ArrayList<>();
    for (Section s : sections) {
      if (s.heading().equals(HUMAN_REVIEW)) {
        continue;
      }
      if (s.heading().equals(LIMITATIONS)) {
        out.add(review);
        out.add(
            new Section(
                LIMITATIONS,
                s.paragraphs().stream().filter(p -> !p.equals(NOT_REVIEWED)).toList(),
                s.table()));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /** The first few metrics of a slice or set, for a table cell. */
  private static String brief(Map<String, Double> metrics) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      if (parts.size() == 4) {
        break;
      }
      parts.add(e.getKey() + " " + Gates.fmt(e.getValue()));
    }
    return String.join(", ", parts);
  }

  static String markdown(String title, List<Section> sections) {
    StringBuilder md = new StringBuilder("# ").append(title).append("\n");
    for (Section s : sections) {
      md.append("\n## ").append(s.heading()).append("\n");
      for (String p : s.paragraphs()) {
        md.append("\n").append(p).append("\n");
      }
      if (!s.table().isEmpty()) {
        md.append("\n");
        for (int r = 0; r < s.table().size(); r++) {
          md.append("| ")
              .append(
                  String.join(
                      " | ", s.table().get(r).stream().map(c -> c.replace("|", "\\|")).toList()))
              .append(" |\n");
          if (r == 0) {
            md.append("|").append("---|".repeat(s.table().get(0).size())).append("\n");
          }
        }
      }
    }
    return md.toString();
  }

  static String html(String title, List<Section> sections) {
    StringBuilder h =
        new StringBuilder(
                "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .append(escape(title))
            .append("</title></head>\n<body>\n<h1>")
            .append(escape(title))
            .append("</h1>\n");
    for (Section s : sections) {
      h.append("<h2>").append(escape(s.heading())).append("</h2>\n");
      for (String p : s.paragraphs()) {
        h.append("<p>").append(escape(p)).append("</p>\n");
      }
      if (!s.table().isEmpty()) {
        h.append("<table>\n");
        for (int r = 0; r < s.table().size(); r++) {
          String cell = r == 0 ? "th" : "td";
          h.append("<tr>");
          for (String c : s.table().get(r)) {
            h.append('<').append(cell).append('>').append(escape(c));
            h.append("</").append(cell).append('>');
          }
          h.append("</tr>\n");
        }
        h.append("</table>\n");
      }
    }
    return h.append("</body></html>\n").toString();
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
