package io.trainyard.contracts.spec;

import static io.trainyard.contracts.JsonAssertions.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.JsonAssertions;
import io.trainyard.contracts.Schemas;
import io.trainyard.contracts.Topic;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PipelineSpecsTest {

  private static final String MINIMAL =
      """
      name: card-fraud
      task: binary-classification
      target: is_fraud
      """;

  private static String resource(String name) {
    try (InputStream in = PipelineSpecsTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> reasons(String text) {
    try {
      PipelineSpecs.parse(text);
    } catch (SpecValidationException e) {
      assertThat(e.getMessage()).startsWith("invalid pipeline spec: ");
      return e.reasons();
    }
    throw new AssertionError("expected the spec to be rejected:\n" + text);
  }

  // --- the example ---------------------------------------------------------------------------

  @Test
  void yamlAndJsonOfTheSameSpecGiveEqualRecordsAndHashes() {
    PipelineSpec fromYaml = PipelineSpecs.parse(resource("/examples/card-fraud.yaml"));
    PipelineSpec fromJson =
        PipelineSpecs.parse(resource("/examples/io.trainyard.pipelines.v1.json"));
    assertThat(fromYaml).isEqualTo(fromJson);
    assertThat(PipelineSpecs.contentHash(fromYaml)).isEqualTo(PipelineSpecs.contentHash(fromJson));
    assertThat(PipelineSpecs.canonicalJson(fromYaml))
        .isEqualTo(PipelineSpecs.canonicalJson(fromJson));
    assertThat(PipelineSpecs.example()).isEqualTo(fromJson);
  }

  @Test
  void theExampleHoldsEveryFieldOfTheArchitecture() {
    PipelineSpec spec = PipelineSpecs.example();
    assertThat(spec.name()).isEqualTo("card-fraud");
    assertThat(spec.description()).isEqualTo("flag card transactions for manual review");
    assertThat(spec.task()).isEqualTo(Task.BINARY_CLASSIFICATION);
    assertThat(spec.target()).isEqualTo("is_fraud");
    assertThat(spec.positiveClass()).isEqualTo(1);
    assertThat(spec.features().exclude()).containsExactly("transaction_id");
    assertThat(spec.ingestion().split()).isEqualTo(new PipelineSpec.Split(0.7, 0.15, 0.15));
    assertThat(spec.ingestion().stratify()).isTrue();
    assertThat(spec.ingestion().seed()).isEqualTo(42L);
    assertThat(spec.ingestion().dedupe()).isTrue();
    assertThat(spec.ingestion().missing())
        .isEqualTo(new PipelineSpec.Missing("keep", "__missing__", null));
    assertThat(spec.labeling().annotatorsPerItem()).isEqualTo(2);
    assertThat(spec.labeling().minAgreement())
        .isEqualTo(new PipelineSpec.MinAgreement("krippendorff_alpha", 0.67));
    PipelineSpec.Training training = spec.training();
    assertThat(training.model()).isEqualTo(new PipelineSpec.Model("mlp", List.of(64, 32), 0.1));
    assertThat(training.epochs()).isEqualTo(50);
    assertThat(training.batchSize()).isEqualTo(128);
    assertThat(training.optimizer()).isEqualTo("adamw");
    assertThat(training.learningRate()).isEqualTo(0.001);
    assertThat(training.weightDecay()).isEqualTo(0.0001);
    assertThat(training.schedule()).isEqualTo("cosine");
    assertThat(training.earlyStopping())
        .isEqualTo(new PipelineSpec.EarlyStopping(null, "val_loss", 5, null));
    assertThat(training.seed()).isEqualTo(42L);
    assertThat(training.auto()).isTrue();
    assertThat(spec.evaluation().primaryMetric()).isEqualTo("roc_auc");
    assertThat(spec.evaluation().gates())
        .containsExactly(
            new PipelineSpec.Gate("roc_auc", 0.9, null, null),
            new PipelineSpec.Gate("roc_auc", null, null, 0.005));
    assertThat(spec.evaluation().slices()).containsExactly("customer_segment");
    assertThat(spec.monitoring().window().events()).isEqualTo(1000);
    assertThat(spec.monitoring().driftShare()).isEqualTo(0.5);
    assertThat(spec.monitoring().retrain())
        .isEqualTo(new PipelineSpec.Retrain(2, Duration.ofHours(1), "0 3 * * 0"));
  }

  @Test
  void printsAndReparsesToTheSameSpec() {
    PipelineSpec spec = PipelineSpecs.example();
    assertThat(PipelineSpecs.parse(PipelineSpecs.toJson(spec))).isEqualTo(spec);
    assertThat(PipelineSpecs.parse(PipelineSpecs.toYaml(spec))).isEqualTo(spec);
    assertSameJson(
        Json.readTree(PipelineSpecs.toJson(spec)),
        Json.readResource(Topic.PIPELINES.exampleResource()));
    assertThat(PipelineSpecs.toJson(spec)).contains("\"cooldown\":\"PT1H\"");
  }

  // --- content hash --------------------------------------------------------------------------

  @Test
  void contentHashIgnoresFormattingButNotContent() {
    String reordered =
        """
        {"target": "is_fraud", "training": {"epochs": 50, "learningRate": 1.0E-3},
         "task": "binary-classification", "name": "card-fraud",
         "ingestion": {"split": {"test": 0.15, "validation": 0.150, "train": 0.70}}}
        """;
    String same =
        """
        # same content, YAML, other order and number spelling
        name: card-fraud
        task: binary-classification
        target: is_fraud
        ingestion:
          split: {train: 0.7, validation: 0.15, test: 0.15}
        training: {learningRate: 0.001, epochs: 50}
        """;
    String changed = same.replace("epochs: 50", "epochs: 51");
    String hash = PipelineSpecs.contentHash(PipelineSpecs.parse(reordered));
    assertThat(hash).matches("[0-9a-f]{64}");
    assertThat(PipelineSpecs.contentHash(PipelineSpecs.parse(same))).isEqualTo(hash);
    assertThat(PipelineSpecs.contentHash(PipelineSpecs.parse(changed))).isNotEqualTo(hash);
    assertThat(PipelineSpecs.canonicalJson(PipelineSpecs.parse(same)))
        .isEqualTo(
            "{\"ingestion\":{\"split\":{\"test\":0.15,\"train\":0.7,\"validation\":0.15}},"
                + "\"name\":\"card-fraud\",\"target\":\"is_fraud\",\"task\":\"binary-classification\","
                + "\"training\":{\"epochs\":50,\"learningRate\":0.001}}");
    assertThat(hash)
        .isEqualTo(
            Json.sha256Hex(
                PipelineSpecs.canonicalJson(PipelineSpecs.parse(same))
                    .getBytes(StandardCharsets.UTF_8)));
  }

  // --- rejection -----------------------------------------------------------------------------

  @Test
  void missingTargetIsRejected() {
    assertThat(reasons("name: card-fraud\ntask: regression\n"))
        .containsExactly("$.target: is required");
  }

  @Test
  void badTaskIsRejected() {
    assertThat(reasons(MINIMAL.replace("binary-classification", "clustering")))
        .containsExactly(
            "$.task: must be one of [\"binary-classification\", \"multiclass-classification\","
                + " \"regression\"]");
  }

  @Test
  void negativeEpochsAreRejected() {
    assertThat(reasons(MINIMAL + "training: {epochs: -3}\n"))
        .containsExactly("$.training.epochs: must be >= 1");
  }

  @Test
  void splitMustSumToOne() {
    assertThat(reasons(MINIMAL + "ingestion: {split: {train: 0.7, validation: 0.1, test: 0.1}}\n"))
        .containsExactly(
            "$.ingestion.split: train + validation + test must sum to 1, not 0.9 (0.7 + 0.1 +"
                + " 0.1)");
    assertThat(reasons(MINIMAL + "ingestion: {split: {train: 0.8}}\n"))
        .containsExactly(
            "$.ingestion.split.test: is required", "$.ingestion.split.validation: is required");
    // Floating-point sums within the tolerance are fine.
    PipelineSpecs.parse(MINIMAL + "ingestion: {split: {train: 0.6, validation: 0.3, test: 0.1}}\n");
  }

  @Test
  void badNamesAreRejected() {
    for (String name :
        List.of("Card-Fraud", "card_fraud", "-card", "card-", "card fraud", "a".repeat(64))) {
      assertThat(reasons(MINIMAL.replace("name: card-fraud", "name: \"" + name + "\"")))
          .as(name)
          .singleElement()
          .asString()
          .startsWith("$.name: '" + name.substring(0, Math.min(name.length(), 57)))
          .contains("does not match the pattern ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
    }
    for (String name : List.of("a", "7", "card-fraud-2", "a".repeat(63))) {
      // Quoted: in YAML an unquoted 7 is a number, and a name must be a string.
      assertThat(PipelineSpecs.parse(MINIMAL.replace("card-fraud", "\"" + name + "\"")).name())
          .isEqualTo(name);
    }
  }

  @Test
  void aGateMayDemandAChangeAgainstTheChampion() {
    PipelineSpec spec =
        PipelineSpecs.parse(
            MINIMAL
                + "\nevaluation: {gates: [{metric: rmse, change: {relative: 0.02}},"
                + " {metric: roc_auc, change: {absolute: -0.01, direction: higher-is-better}}]}\n");
    assertThat(spec.evaluation().gates())
        .containsExactly(
            new PipelineSpec.Gate(
                "rmse", null, null, null, new PipelineSpec.Change(null, 0.02, null)),
            new PipelineSpec.Gate(
                "roc_auc",
                null,
                null,
                null,
                new PipelineSpec.Change(-0.01, null, PipelineSpec.Change.HIGHER)));
    assertThat(
            reasons(
                MINIMAL
                    + "\nevaluation: {gates: [{metric: rmse, change: {absolute: 1, relative:"
                    + " 1}}]}\n"))
        .contains("$.evaluation.gates[0].change: needs exactly one of absolute, relative");
    assertThat(
            reasons(
                MINIMAL
                    + "\nevaluation: {gates: [{metric: rmse, change: {absolute: 1, direction:"
                    + " up}}]}\n"))
        .anyMatch(r -> r.startsWith("$.evaluation.gates[0].change.direction"));
    assertThat(
            PipelineSpecs.parse(
                    MINIMAL
                        + "\nevaluation: {gates: [{metric: f1, slice: country, min: 0.5},"
                        + " {metric: f1, challengeSet: hard-cases, min: 0.5}]}\n")
                .evaluation()
                .gates())
        .extracting(PipelineSpec.Gate::slice, PipelineSpec.Gate::challengeSet)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("country", null),
            org.assertj.core.groups.Tuple.tuple(null, "hard-cases"));
    assertThat(
            reasons(
                MINIMAL
                    + "\nevaluation: {gates: [{metric: f1, slice: country, challengeSet: hard-cases,"
                    + " min: 0.5}]}\n"))
        .containsExactly(
            "$.evaluation.gates[0]: slice and challengeSet cannot be combined (a gate judges a"
                + " slice of the test split, or a challenge set)");
    assertThat(PipelineSpecs.parse(MINIMAL).withDefaults().evaluation().minSliceSize())
        .isEqualTo(30);
  }

  @Test
  void monitoringSetsATestAndThresholdPerFeatureAndACorrection() {
    PipelineSpec spec =
        PipelineSpecs.parse(
                """
                name: drifty
                task: binary-classification
                target: y
                monitoring:
                  correction: fdr_bh
                  features: {amount: {test: psi, threshold: 0.2}, hour: {test: ks}}
                  retrain: {maxConcurrent: 2, freshData: true}
                """)
            .withDefaults();
    assertThat(spec.monitoring().correction()).isEqualTo(PipelineSpec.Monitoring.FDR_BH);
    assertThat(spec.monitoring().featureTest("amount"))
        .contains(new PipelineSpec.FeatureTest("psi", 0.2));
    assertThat(spec.monitoring().featureTest("hour"))
        .contains(new PipelineSpec.FeatureTest("ks", null));
    assertThat(spec.monitoring().featureTest("y")).isEmpty();
    assertThat(spec.monitoring().retrain().maxConcurrent()).isEqualTo(2);
    assertThat(spec.monitoring().retrain().freshData()).isTrue();

    String bad =
        """
        name: drifty
        task: binary-classification
        target: y
        monitoring:
          correction: holm
          features: {amount: {test: anderson, threshold: 0}}
          retrain: {maxConcurrent: 0}
        """;
    assertThat(reasons(bad))
        .containsExactlyInAnyOrder(
            "$.monitoring.correction: must be one of [\"none\", \"bonferroni\", \"fdr_bh\"]",
            "$.monitoring.features.amount.test: must be one of [\"ks\", \"chisquare\", \"z\","
                + " \"wasserstein\", \"jensenshannon\", \"psi\"]",
            "$.monitoring.features.amount.threshold: must be > 0",
            "$.monitoring.retrain.maxConcurrent: must be >= 1");
  }

  @Test
  void everySchemaProblemIsReportedAtOnce() {
    String spec =
        """
        name: Card_Fraud
        task: clustering
        training: {epochs: -1, learningRate: 0, model: {dropout: high}}
        evaluation: {gates: [{metric: roc_auc}]}
        monitoring: {driftShare: 1.5, retrain: {cooldown: P1W, schedule: "0 3 *"}}
        """;
    assertThat(reasons(spec))
        .containsExactlyInAnyOrder(
            "$.evaluation.gates[0]: needs at least one of min, max, notWorseThanChampionBy, change",
            "$.monitoring.driftShare: must be <= 1",
            "$.monitoring.retrain.cooldown: 'P1W' does not match the pattern"
                + " ^P(?!$)([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+(\\.[0-9]+)?S)?)?$",
            "$.monitoring.retrain.schedule: '0 3 *' does not match the pattern ^\\S+( \\S+){4}$",
            "$.name: 'Card_Fraud' does not match the pattern ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
            "$.target: is required",
            "$.task: must be one of [\"binary-classification\", \"multiclass-classification\","
                + " \"regression\"]",
            "$.training.epochs: must be >= 1",
            "$.training.learningRate: must be > 0",
            "$.training.model.dropout: must be number, not string");
  }

  @Test
  void rulesBeyondTheSchemaAreChecked() {
    assertThat(
            reasons(MINIMAL.replace("binary-classification", "regression") + "positiveClass: 1\n"))
        .containsExactly(
            "$.positiveClass: only allowed for binary-classification, not for regression");
    assertThat(reasons(MINIMAL + "features: {exclude: [id, is_fraud]}\n"))
        .containsExactly("$.features.exclude: must not contain the target 'is_fraud'");
    assertThat(reasons(MINIMAL + "evaluation: {gates: [{metric: roc_auc, min: 0.9, max: 0.8}]}\n"))
        .containsExactly("$.evaluation.gates[0]: min 0.9 is greater than max 0.8");
    assertThat(reasons(MINIMAL + "evaluation: {slices: [is_fraud]}\n"))
        .containsExactly("$.evaluation.slices: must not contain the target 'is_fraud'");
    assertThat(reasons(MINIMAL + "evaluation: {ranking: {query: is_fraud}}\n"))
        .containsExactly("$.evaluation.ranking.query: must not be the target 'is_fraud'");
    assertThat(
            reasons(
                MINIMAL.replace("binary-classification", "multiclass-classification")
                    + "evaluation: {ranking: {query: session}}\n"))
        .containsExactly(
            "$.evaluation.ranking: needs binary-classification (relevance 1 for the positive"
                + " class) or regression (relevance the target), not multiclass-classification");
    assertThat(
            reasons(
                MINIMAL
                    + "labeling:\n  rules:\n"
                    + "  - {name: big, label: 1, when: [{column: amount, op: gt, value: 500}]}\n"
                    + "  - {name: big, label: 0, when: [{column: amount, op: lt, value: low}]}\n"
                    + "  - {name: c, label: 0, when: [{column: note, op: matches, value: '(x'},"
                    + " {column: note, op: is_null, value: 1}, {column: tag, op: in, value: a},"
                    + " {column: tag, op: eq}]}\n"))
        .containsExactly(
            "$.labeling.rules[1].name: 'big' is used by an earlier rule",
            "$.labeling.rules[1].when[0]: lt needs a number",
            "$.labeling.rules[2].when[0]: matches needs a valid regular expression: Unclosed group",
            "$.labeling.rules[2].when[1]: is_null takes no value",
            "$.labeling.rules[2].when[2]: in needs a list",
            "$.labeling.rules[2].when[3]: eq needs a value");
    PipelineSpec.Rule rule =
        PipelineSpecs.parse(
                MINIMAL
                    + "labeling: {rules: [{name: r, label: 1, when: [{column: amount, op: in,"
                    + " value: [1, 2]}]}]}\n")
            .labeling()
            .rules()
            .get(0);
    assertThat(rule.when().get(0).value()).isEqualTo(List.of(1, 2));
    assertThat(reasons(MINIMAL + "evaluation: {ranking: {k: 5}}\n"))
        .containsExactly("$.evaluation.ranking.query: is required");
    assertThat(
            PipelineSpecs.parse(MINIMAL + "evaluation: {ranking: {query: session}}\n")
                .withDefaults()
                .evaluation()
                .ranking())
        .isEqualTo(new PipelineSpec.Ranking("session", 10));
  }

  @Test
  void malformedTextAndDuplicateKeysAreRejected() {
    assertThat(reasons("name: [unclosed\n"))
        .singleElement()
        .asString()
        .startsWith("$: not valid YAML at line");
    assertThat(reasons("{\"name\": \"a\",}"))
        .singleElement()
        .asString()
        .startsWith("$: not valid JSON at line 1");
    assertThat(reasons(MINIMAL + "target: other\n"))
        .singleElement()
        .asString()
        .contains("Duplicate field 'target'");
    assertThat(reasons("{\"name\":\"a\",\"name\":\"b\",\"task\":\"regression\",\"target\":\"y\"}"))
        .singleElement()
        .asString()
        .contains("Duplicate field 'name'");
    assertThat(reasons("")).containsExactly("$: the spec is empty");
    assertThat(reasons("- a\n- b\n")).containsExactly("$: must be an object, not array");
  }

  @Test
  void unknownFieldsAreAcceptedForAdditiveChanges() {
    PipelineSpec spec = PipelineSpecs.parse(MINIMAL + "futureField: {x: 1}\n");
    assertThat(spec).isEqualTo(PipelineSpecs.parse(MINIMAL));
  }

  @Test
  void specsBuiltInCodeAreValidatedToo() {
    assertThat(PipelineSpecs.requireValid(PipelineSpec.of("churn", Task.REGRESSION, "y")).name())
        .isEqualTo("churn");
    assertThatThrownBy(
            () -> PipelineSpecs.requireValid(PipelineSpec.of("Churn", Task.REGRESSION, "y")))
        .isInstanceOf(SpecValidationException.class)
        .satisfies(
            e ->
                assertThat(((SpecValidationException) e).reasons())
                    .singleElement()
                    .asString()
                    .startsWith("$.name: 'Churn'"));
    assertThat(PipelineSpecs.validate(Json.readTree("{\"name\":\"x\",\"task\":\"regression\"}")))
        .containsExactly("$.target: is required");
  }

  // --- defaults ------------------------------------------------------------------------------

  @Test
  void defaultsAreApplied() {
    PipelineSpec spec = PipelineSpecs.parse(MINIMAL).withDefaults();
    assertThat(spec.description()).isEmpty();
    assertThat(spec.positiveClassIfSet()).isEmpty();
    assertThat(spec.features().exclude()).isEmpty();
    assertThat(spec.ingestion().split()).isEqualTo(new PipelineSpec.Split(0.7, 0.15, 0.15));
    assertThat(spec.ingestion().stratify()).isTrue();
    assertThat(spec.ingestion().seed()).isEqualTo(42L);
    assertThat(spec.ingestion().dedupe()).isTrue();
    assertThat(spec.ingestion().missing()).isEqualTo(new PipelineSpec.Missing("keep", "keep", 0.0));
    assertThat(spec.ingestion().groupByIfSet()).isEmpty();
    assertThat(spec.ingestion().columns()).isEmpty();
    assertThat(spec.ingestion().allowBreakingChanges()).isFalse();
    assertThat(spec.ingestion().categories()).isEqualTo(new PipelineSpec.Categories(true, false));
    assertThat(spec.labeling())
        .isEqualTo(
            new PipelineSpec.Labeling(
                2,
                new PipelineSpec.MinAgreement("krippendorff_alpha", 0.667),
                "",
                0.1,
                List.of(),
                "least-confidence",
                null,
                null));
    assertThat(spec.training())
        .isEqualTo(
            new PipelineSpec.Training(
                new PipelineSpec.Model("mlp", List.of(64, 32), 0.1),
                50,
                128,
                "adamw",
                0.001,
                0.0001,
                "cosine",
                new PipelineSpec.EarlyStopping(true, "val_loss", 5, 0.0),
                42L,
                true,
                null,
                null,
                false,
                0,
                null,
                null));
    assertThat(spec.evaluation())
        .isEqualTo(
            new PipelineSpec.Evaluation(
                "roc_auc",
                List.of(new PipelineSpec.Gate("roc_auc", null, null, 0.0)),
                List.of(),
                30,
                null));
    assertThat(spec.monitoring())
        .isEqualTo(
            new PipelineSpec.Monitoring(
                new PipelineSpec.Window(1000),
                0.5,
                new PipelineSpec.Retrain(2, Duration.ofHours(1), null, 1, false),
                "none",
                java.util.Map.of()));
    assertThat(spec.monitoring().retrain().scheduleIfSet()).isEmpty();
    assertThat(spec.monitoring().featureTest("amount")).isEmpty();
    assertThat(spec.withDefaults()).isEqualTo(spec);
  }

  @Test
  void taskDependentDefaults() {
    PipelineSpec multiclass =
        PipelineSpec.of("digits", Task.MULTICLASS_CLASSIFICATION, "digit").withDefaults();
    assertThat(multiclass.evaluation().primaryMetric()).isEqualTo("accuracy");
    assertThat(multiclass.evaluation().gates())
        .containsExactly(new PipelineSpec.Gate("accuracy", null, null, 0.0));
    assertThat(multiclass.ingestion().stratify()).isTrue();

    PipelineSpec regression = PipelineSpec.of("prices", Task.REGRESSION, "price").withDefaults();
    assertThat(regression.evaluation().primaryMetric()).isEqualTo("rmse");
    assertThat(regression.ingestion().stratify()).isFalse();

    PipelineSpec custom =
        PipelineSpecs.parse(MINIMAL + "evaluation: {primaryMetric: pr_auc}\n").withDefaults();
    assertThat(custom.evaluation().gates())
        .containsExactly(new PipelineSpec.Gate("pr_auc", null, null, 0.0));
  }

  @Test
  void givenValuesWinOverDefaults() {
    PipelineSpec spec = PipelineSpecs.example().withDefaults();
    assertThat(spec.labeling().minAgreement().value()).isEqualTo(0.67);
    assertThat(spec.evaluation().gates()).hasSize(2);
    assertThat(spec.training().earlyStopping())
        .isEqualTo(new PipelineSpec.EarlyStopping(true, "val_loss", 5, 0.0));
    assertThat(spec.positiveClassIfSet()).contains(1);
    assertThat(spec.monitoring().retrain().scheduleIfSet()).contains("0 3 * * 0");
  }

  /** Every default the schema documents is the one the code applies, and the other way round. */
  @Test
  void schemaDefaultsMatchTheCode() {
    JsonNode schema = Schemas.schemaJson(Topic.PIPELINES);
    JsonNode defaulted = Json.toTree(PipelineSpecs.parse(MINIMAL).withDefaults());
    List<String> documented = new ArrayList<>();
    collectDefaults(schema, schema, "", documented, defaulted);
    assertThat(documented).hasSizeGreaterThan(25);
    // The tree settings are defaulted for an xgboost model only.
    JsonNode xgboost =
        Json.toTree(
            PipelineSpecs.parse(MINIMAL + "training:\n  model: {type: xgboost}\n").withDefaults());
    JsonNode treeSchema = schema.at("/$defs/model/properties/trees");
    List<String> trees = new ArrayList<>();
    collectDefaults(schema, treeSchema, "training.model.trees", trees, xgboost);
    assertThat(trees)
        .containsExactlyInAnyOrder(
            "training.model.trees.maxDepth",
            "training.model.trees.eta",
            "training.model.trees.subsample",
            "training.model.trees.colsampleBytree",
            "training.model.trees.minChildWeight",
            "training.model.trees.lambda");
    // The image settings are defaulted for a cnn model only.
    JsonNode cnn =
        Json.toTree(
            PipelineSpecs.parse(
                    MINIMAL + "training:\n  model: {type: cnn, image: {height: 8, width: 8}}\n")
                .withDefaults());
    List<String> image = new ArrayList<>();
    collectDefaults(
        schema, schema.at("/$defs/model/properties/image"), "training.model.image", image, cnn);
    assertThat(image)
        .containsExactlyInAnyOrder(
            "training.model.image.channels",
            "training.model.image.filters",
            "training.model.image.kernel");

    // The text settings are defaulted when there is a text column.
    JsonNode text =
        Json.toTree(
            PipelineSpecs.parse(MINIMAL + "training:\n  model: {text: {column: review}}\n")
                .withDefaults());
    List<String> textDefaults = new ArrayList<>();
    collectDefaults(
        schema,
        schema.at("/$defs/model/properties/text"),
        "training.model.text",
        textDefaults,
        text);
    assertThat(textDefaults)
        .containsExactlyInAnyOrder(
            "training.model.text.vocabulary",
            "training.model.text.maxTokens",
            "training.model.text.dimension");

    // The other way: every property of the schema is set after withDefaults(), except these.
    Set<String> mayStayUnset =
        Set.of(
            "positiveClass",
            "monitoring.retrain.schedule",
            "ingestion.groupBy",
            // the training service's trainyard.training.deadline applies
            "training.deadline",
            "training.gradientClip",
            "training.classWeight",
            "training.augmentation",
            "training.augmentation.noise",
            "training.augmentation.mixup",
            "training.candidates",
            "training.search",
            "training.search.method",
            "training.search.trials",
            "training.search.medianStopping",
            "training.search.minEpochs",
            "training.search.space",
            "training.search.space.learningRate",
            "training.search.space.batchSize",
            "training.search.space.weightDecay",
            "training.search.space.dropout",
            "training.search.space.hidden",
            "training.search.space.maxDepth",
            "training.search.space.eta",
            "labeling.pseudoLabelThreshold",
            "labeling.budget",
            // xgboost only
            "training.model.trees",
            "training.model.trees.maxDepth",
            "training.model.trees.eta",
            "training.model.trees.subsample",
            "training.model.trees.colsampleBytree",
            "training.model.trees.minChildWeight",
            "training.model.trees.lambda",
            // cnn only
            "training.model.image",
            "training.model.image.height",
            "training.model.image.width",
            "training.model.image.channels",
            "training.model.image.filters",
            "training.model.image.kernel",
            // text models only
            "training.model.text",
            "training.model.text.column",
            "training.model.text.vocabulary",
            "training.model.text.maxTokens",
            "training.model.text.dimension",
            "training.model.backbone",
            "training.model.backbone.uri",
            // ranking only
            "evaluation.ranking",
            "evaluation.ranking.query",
            "evaluation.ranking.k");
    List<String> unset = new ArrayList<>();
    collectUnset(schema, schema, "", defaulted, unset);
    assertThat(unset).containsExactlyInAnyOrderElementsOf(mayStayUnset);

    // The ranking default is applied to a spec that ranks.
    JsonNode ranks =
        Json.toTree(
            PipelineSpecs.parse(MINIMAL + "evaluation: {ranking: {query: session}}\n")
                .withDefaults());
    List<String> ranking = new ArrayList<>();
    collectDefaults(
        schema,
        schema.at("/properties/evaluation/properties/ranking"),
        "evaluation.ranking",
        ranking,
        ranks);
    assertThat(ranking).containsExactly("evaluation.ranking.k");

    // Defaults that depend on the task are described, not given as 'default'.
    for (String path :
        List.of("ingestion.stratify", "evaluation.primaryMetric", "evaluation.gates")) {
      JsonNode property = at(schema, path);
      assertThat(property.has("default")).as(path).isFalse();
      assertThat(property.path("description").asText()).as(path).contains("Default");
    }
  }

  /** A property's schema, with a local {@code $ref} ({@code #/$defs/name}) resolved. */
  private static JsonNode resolve(JsonNode root, JsonNode node) {
    String ref = node.path("$ref").asText("");
    return ref.startsWith("#/") ? root.at(ref.substring(1)) : node;
  }

  private static void collectDefaults(
      JsonNode root, JsonNode schema, String path, List<String> documented, JsonNode defaulted) {
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      String child = path.isEmpty() ? property.getKey() : path + "." + property.getKey();
      JsonNode node = resolve(root, property.getValue());
      if (node.has("default")) {
        JsonNode actual = valueAt(defaulted, child);
        if (actual.isMissingNode()
            && (child.startsWith("training.model.trees.")
                || child.startsWith("training.model.image.")
                || child.startsWith("training.model.text.")
                || child.startsWith("training.search.")
                || child.startsWith("evaluation.ranking."))) {
          continue; // an xgboost, cnn, search or ranking setting: checked on a spec that has one
        }
        assertThat(JsonAssertions.sameJson(node.get("default"), actual))
            .as("default of %s: schema says %s, code gives %s", child, node.get("default"), actual)
            .isTrue();
        documented.add(child);
      }
      collectDefaults(root, node, child, documented, defaulted);
    }
  }

  private static void collectUnset(
      JsonNode root, JsonNode schema, String path, JsonNode defaulted, List<String> unset) {
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      String child = path.isEmpty() ? property.getKey() : path + "." + property.getKey();
      if (valueAt(defaulted, child).isMissingNode()) {
        unset.add(child);
      }
      collectUnset(root, resolve(root, property.getValue()), child, defaulted, unset);
    }
  }

  private static JsonNode valueAt(JsonNode tree, String path) {
    return tree.at("/" + path.replace('.', '/'));
  }

  private static JsonNode at(JsonNode schema, String path) {
    JsonNode node = schema;
    for (String part : path.split("\\.")) {
      node = node.path("properties").path(part);
    }
    return node;
  }

  @Test
  void candidatesAndTreesAreReadWithDefaults() {
    PipelineSpec spec =
        PipelineSpecs.parse(
                MINIMAL
                    + "training:\n"
                    + "  candidates:\n"
                    + "    - {type: linear}\n"
                    + "    - {type: xgboost, trees: {maxDepth: 3, eta: 0.1}}\n")
            .withDefaults();
    List<PipelineSpec.Model> candidates = spec.training().candidates();
    assertThat(candidates).hasSize(2);
    assertThat(candidates.get(0))
        .isEqualTo(new PipelineSpec.Model("linear", List.of(64, 32), 0.1, null));
    assertThat(candidates.get(1).trees())
        .isEqualTo(new PipelineSpec.Trees(3, 0.1, 1.0, 1.0, 1.0, 1.0));
    assertThat(spec.training().withModel(candidates.get(1)).model().type()).isEqualTo("xgboost");
    assertThat(spec.training().withModel(candidates.get(1)).candidates()).isNull();
    // no candidates: none after defaults either
    assertThat(PipelineSpecs.parse(MINIMAL).withDefaults().training().candidates()).isNull();

    assertThatThrownBy(
            () -> PipelineSpecs.parse(MINIMAL + "training:\n  candidates:\n    - {type: forest}\n"))
        .hasMessageContaining("training.candidates[0].type");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    MINIMAL + "training:\n  model: {type: xgboost, trees: {eta: 0}}\n"))
        .hasMessageContaining("training.model.trees.eta");
  }

  @Test
  void aSearchIsReadWithDefaults() {
    PipelineSpec.Search search =
        PipelineSpecs.parse(
                MINIMAL + "training:\n  search:\n    space: {learningRate: [0.01, 0.001]}\n")
            .withDefaults()
            .training()
            .search();
    assertThat(search)
        .isEqualTo(
            new PipelineSpec.Search(
                "grid",
                8,
                true,
                2,
                new PipelineSpec.Space(List.of(0.01, 0.001), null, null, null, null, null, null)));
    assertThatThrownBy(() -> PipelineSpecs.parse(MINIMAL + "training:\n  search: {}\n"))
        .hasMessageContaining("training.search");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    MINIMAL
                        + "training:\n  search:\n    method: bayes\n"
                        + "    space: {eta: [0.1]}\n"))
        .hasMessageContaining("training.search.method");
  }

  @Test
  void aCnnIsReadWithImageDefaultsAndNeedsItsImage() {
    PipelineSpec.Model model =
        PipelineSpecs.parse(
                MINIMAL
                    + "training:\n  model: {type: cnn, hidden: [32], image: {height: 8, width:"
                    + " 8}}\n")
            .withDefaults()
            .training()
            .model();
    assertThat(model.image()).isEqualTo(new PipelineSpec.Image(8, 8, 1, List.of(16, 32), 3));
    assertThat(model.hidden()).containsExactly(32);
    assertThatThrownBy(() -> PipelineSpecs.parse(MINIMAL + "training:\n  model: {type: cnn}\n"))
        .hasMessageContaining("image");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    MINIMAL + "training:\n  model: {type: cnn, image: {height: 8}}\n"))
        .hasMessageContaining("width");
  }

  @Test
  void metricDirection() {
    assertThat(Metrics.lowerIsBetter("val_loss")).isTrue();
    assertThat(Metrics.lowerIsBetter("log_loss")).isTrue();
    assertThat(Metrics.lowerIsBetter("rmse")).isTrue();
    assertThat(Metrics.lowerIsBetter("roc_auc")).isFalse();
    assertThat(Metrics.lowerIsBetter("accuracy")).isFalse();
    assertThat(Metrics.lowerIsBetter("val_rmse")).isTrue();
    assertThat(Metrics.lowerIsBetter("val_mae")).isTrue();
    assertThat(Metrics.lowerIsBetter("val_r2")).isFalse();
    assertThat(Metrics.lowerIsBetter("val_accuracy")).isFalse();
  }

  @Test
  void declaredColumnsAndGroupsAreChecked() {
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    MINIMAL
                        + "ingestion:\n  groupBy: is_fraud\n  columns:\n"
                        + "    - {name: age, type: integer, min: 10, max: 5}\n"
                        + "    - {name: age}\n"))
        .hasMessageContaining("$.ingestion.groupBy: must not be the target 'is_fraud'")
        .hasMessageContaining("$.ingestion.columns[0]: min 10.0 is greater than max 5.0")
        .hasMessageContaining("$.ingestion.columns[1]: 'age' is declared twice");
    PipelineSpec ok =
        PipelineSpecs.parse(
            MINIMAL
                + "ingestion:\n"
                + "  groupBy: user\n"
                + "  columns:\n"
                + "    - {name: country, type: categorical, nullable: false, categories: [de,"
                + " fr]}\n");
    assertThat(ok.ingestion().columns())
        .containsExactly(
            new PipelineSpec.ColumnSpec(
                "country", "categorical", false, null, null, List.of("de", "fr")));
    assertThat(ok.ingestion().groupByIfSet()).contains("user");
  }
}
