package io.trainyard.evaluation.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.contracts.Json;
import io.trainyard.contracts.events.ModelEvaluated;
import io.trainyard.contracts.events.ModelEvaluated.GateResult;
import io.trainyard.contracts.events.ModelTrained;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.contracts.spec.PipelineSpecs;
import io.trainyard.datasets.DatasetProfile;
import io.trainyard.evaluation.gating.Sliced;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCardTest {

  @Test
  void theCardCoversUseDataTrainingMetricsSlicesChallengeSetsGatesAndLimits() {
    var spec =
        PipelineSpecs.parse(
                "{\"name\": \"fraud\", \"task\": \"binary-classification\", \"target\": \"y\","
                    + " \"description\": \"Flag card payments <for review>\"}")
            .withDefaults();
    var trained =
        new ModelTrained(
            "run-1",
            "fraud",
            3,
            2,
            "s3://trainyard/models/fraud/v3/manifest.json",
            Map.of(),
            Map.of(),
            new ModelTrained.Lineage("abc", null, null, Trigger.DATA, 42L, 12),
            spec.task(),
            List.of("0", "1"),
            new ModelTrained.Compute("cpu", 2, 10.5, 30, 0.0875));
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("roc_auc", 0.91);
    metrics.put("latency_p95_ms", 0.4);
    var sliced =
        new Sliced(
            List.of(
                new ModelEvaluated.SliceMetrics("country", "DE", 120, Map.of("accuracy", 0.9)),
                new ModelEvaluated.SliceMetrics("country", "FR", 5, Map.of())),
            List.of(new ModelEvaluated.Fairness("country", List.of("DE", "FR"), 0.1, null, 0.8)),
            Map.of("region", "slice column 'region' is not in the test split"),
            30);
    var facts =
        new ModelCard.Facts(
            spec,
            trained,
            metrics,
            Map.of(
                "roc_auc",
                new ModelEvaluated.Interval(0.88, 0.94, 0.95, "percentile-bootstrap", 1000)),
            sliced,
            List.of(
                new ModelEvaluated.ChallengeSetMetrics(
                    "hard-cases", 4, 50, Map.of("roc_auc", 0.7))),
            List.of(
                new GateResult(
                    "roc_auc", false, "roc_auc 0.9100 < min 0.9500", 0.91, 0.95, null, null, null)),
            false,
            300,
            Json.readTree(
                "{\"kind\": \"dataset\", \"splits\": {\"train\": 1400, \"test\": 300},"
                    + " \"lineage\": {\"source\": \"upload\", \"contentType\": \"text/csv\","
                    + " \"uploadId\": \"u-1\", \"parentVersion\": 1},"
                    + " \"cleaning\": [{\"step\": \"dedupe\", \"count\": 3},"
                    + " {\"step\": \"fill\", \"column\": \"amount\", \"strategy\": \"median\","
                    + " \"value\": 12.5, \"count\": 7}]}"),
            new DatasetProfile(
                2,
                2000,
                List.of(
                    new DatasetProfile.ColumnProfile(
                        "amount", "number", 1990, 10, 800, 0.5, 990.0, 42.25, 3.0, null, null,
                        null),
                    new DatasetProfile.ColumnProfile(
                        "y",
                        "integer",
                        2000,
                        0,
                        2,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        List.of(
                            new DatasetProfile.TopValue("0", 1900),
                            new DatasetProfile.TopValue("1", 100)))),
                Map.of()),
            new Ranked("session", 10, 40, 38, 2),
            Map.of("best_f1_threshold", "average precision is undefined: no positive sample"));
    var sections = ModelCard.sections(facts);
    assertThat(sections)
        .extracting(ModelCard.Section::heading)
        .containsExactly(
            "Intended use",
            "Data",
            "Training",
            "Metrics",
            "Slices and fairness",
            "Challenge sets",
            "Gates",
            "Limitations");
    String md = ModelCard.markdown("Model card: fraud v3", sections);
    assertThat(md)
        .startsWith("# Model card: fraud v3\n")
        .contains("Flag card payments <for review>")
        .contains("dataset version 2 (content SHA-256 `abc`)")
        .contains("| roc_auc | 0.9100 | [0.8800, 0.9400] |")
        .contains("Provenance: upload (text/csv), upload `u-1`, derived from dataset version 1.\n")
        .contains("Rows per split: train 1400, test 300.")
        .contains("Cleaning applied (step, count): dedupe 3; fill `amount` (median) 7.")
        .contains("| amount | numeric | 0.5 % | 800 | mean 42.2500, range [0.5000, 990.0000] |")
        .contains("| y (target) | numeric | 0.0 % | 2 | most frequent: 0 (1900), 1 (100) |")
        .contains(
            "the test rows form 40 queries by `session`; ndcg_at_k counts the top 10 ranks of the"
                + " 38 queries with at least 2 rows, mrr all of them; 2 rows without a query value"
                + " are left out.")
        .contains(
            "Not computed: best_f1_threshold: average precision is undefined: no positive sample")
        .contains("| energy (Wh) | 0.0875 |")
        .contains("| country=FR | 5 | not judged (below minSliceSize 30) |")
        .contains("demographic parity difference 0.1000, equal opportunity difference undefined")
        .contains("Not sliced: slice column 'region' is not in the test split.")
        .contains("| hard-cases | v4 | 50 | roc_auc 0.7000 |")
        .contains("| roc_auc | no | roc_auc 0.9100 < min 0.9500 |");
    String html = ModelCard.html("Model card: fraud v3", sections);
    assertThat(html)
        .contains("<h2>Challenge sets</h2>")
        .contains("Flag card payments &lt;for review&gt;")
        .doesNotContain("<for review>")
        .contains("<tr><td>roc_auc</td><td>0.9100</td><td>[0.8800, 0.9400]</td></tr>");
  }
}
