package io.trainyard.contracts.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Schemas;
import io.trainyard.contracts.Topic;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Parses, validates, prints and hashes {@link PipelineSpec}s.
 *
 * <p>A spec is valid when it matches the normative JSON Schema {@code
 * /schemas/io.trainyard.pipelines.v1.schema.json} and the rules the schema cannot express (see
 * {@link #rules(PipelineSpec)}). Every reason names the JSON path, e.g. {@code $.training.epochs:
 * must be >= 1}.
 */
public final class PipelineSpecs {

  /** Tolerance of the split-sums-to-1 rule. */
  public static final double SPLIT_TOLERANCE = 1e-6;

  private PipelineSpecs() {}

  /**
   * Parses a spec from JSON or YAML text (JSON when it starts with a brace) and validates it.
   * Duplicate keys are rejected. The returned spec is as written; read it through {@link
   * PipelineSpec#withDefaults()}.
   *
   * @throws SpecValidationException with every reason the spec is not valid
   */
  public static PipelineSpec parse(String text) {
    Objects.requireNonNull(text, "text");
    boolean json = text.stripLeading().startsWith("{");
    JsonNode node;
    try {
      node = json ? Json.strictJsonMapper().readTree(text) : Json.yamlMapper().readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new SpecValidationException(
          List.of(
              "$: not valid "
                  + (json ? "JSON" : "YAML")
                  + (at == null
                      ? ""
                      : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                  + ": "
                  + e.getOriginalMessage()));
    }
    return parse(node);
  }

  /**
   * Validates a spec tree and converts it.
   *
   * @throws SpecValidationException with every reason the spec is not valid
   */
  public static PipelineSpec parse(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      throw new SpecValidationException(List.of("$: the spec is empty"));
    }
    if (!node.isObject()) {
      throw new SpecValidationException(
          List.of("$: must be an object, not " + node.getNodeType().name().toLowerCase()));
    }
    List<String> reasons = Schemas.validate(Topic.PIPELINES, node);
    if (!reasons.isEmpty()) {
      throw new SpecValidationException(reasons);
    }
    PipelineSpec spec;
    try {
      spec = Json.mapper().treeToValue(node, PipelineSpec.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new SpecValidationException(List.of("$: " + e.getMessage()));
    }
    reasons = rules(spec);
    if (!reasons.isEmpty()) {
      throw new SpecValidationException(reasons);
    }
    return spec;
  }

  /** Every reason a spec tree is not valid (schema, then the extra rules); empty when valid. */
  public static List<String> validate(JsonNode node) {
    try {
      parse(node);
      return List.of();
    } catch (SpecValidationException e) {
      return e.reasons();
    }
  }

  /**
   * Validates a spec built in code (schema and rules).
   *
   * @throws SpecValidationException with every reason it is not valid
   */
  public static PipelineSpec requireValid(PipelineSpec spec) {
    parse(toTree(spec));
    return spec;
  }

  /**
   * The rules JSON Schema cannot express:
   *
   * <ul>
   *   <li>the split ratios are all given and sum to 1 (within {@value #SPLIT_TOLERANCE});
   *   <li>{@code positiveClass} is only given for binary-classification;
   *   <li>{@code features.exclude} and {@code evaluation.slices} do not contain the target;
   *   <li>{@code evaluation.ranking} is for binary-classification or regression, and its query
   *       column is not the target;
   *   <li>labeling rules have unique names, and each condition's value fits its operator;
   *   <li>a gate's {@code min} is not greater than its {@code max}.
   * </ul>
   *
   * @return readable reasons; empty when the spec follows them
   */
  public static List<String> rules(PipelineSpec spec) {
    List<String> reasons = new ArrayList<>();
    PipelineSpec.Ingestion ingestion = spec.ingestion();
    if (ingestion != null && ingestion.split() != null) {
      PipelineSpec.Split split = ingestion.split();
      if (split.train() == null || split.validation() == null || split.test() == null) {
        reasons.add("$.ingestion.split: give train, validation and test");
      } else {
        double sum = split.train() + split.validation() + split.test();
        if (Math.abs(sum - 1.0) > SPLIT_TOLERANCE) {
          reasons.add(
              "$.ingestion.split: train + validation + test must sum to 1, not "
                  + round(sum)
                  + " ("
                  + split.train()
                  + " + "
                  + split.validation()
                  + " + "
                  + split.test()
                  + ")");
        }
      }
    }
    if (ingestion != null && spec.target().equals(ingestion.groupBy())) {
      reasons.add("$.ingestion.groupBy: must not be the target '" + spec.target() + "'");
    }
    if (ingestion != null && ingestion.columns() != null) {
      Set<String> declared = new HashSet<>();
      for (int i = 0; i < ingestion.columns().size(); i++) {
        PipelineSpec.ColumnSpec column = ingestion.columns().get(i);
        if (column.min() != null && column.max() != null && column.min() > column.max()) {
          reasons.add(
              "$.ingestion.columns["
                  + i
                  + "]: min "
                  + column.min()
                  + " is greater than max "
                  + column.max());
        }
        if (!declared.add(column.name())) {
          reasons.add("$.ingestion.columns[" + i + "]: '" + column.name() + "' is declared twice");
        }
      }
    }
    if (spec.positiveClass() != null && spec.task() != Task.BINARY_CLASSIFICATION) {
      reasons.add(
          "$.positiveClass: only allowed for binary-classification, not for " + spec.task());
    }
    if (spec.features() != null
        && spec.features().exclude() != null
        && spec.features().exclude().contains(spec.target())) {
      reasons.add("$.features.exclude: must not contain the target '" + spec.target() + "'");
    }
    if (spec.labeling() != null && spec.labeling().rules() != null) {
      reasons.addAll(ruleReasons(spec.labeling().rules()));
    }
    PipelineSpec.Evaluation evaluation = spec.evaluation();
    if (evaluation != null) {
      if (evaluation.slices() != null && evaluation.slices().contains(spec.target())) {
        reasons.add("$.evaluation.slices: must not contain the target '" + spec.target() + "'");
      }
      if (evaluation.ranking() != null) {
        if (spec.task() == Task.MULTICLASS_CLASSIFICATION) {
          reasons.add(
              "$.evaluation.ranking: needs binary-classification (relevance 1 for the positive"
                  + " class) or regression (relevance the target), not "
                  + spec.task().wire());
        }
        if (spec.target().equals(evaluation.ranking().query())) {
          reasons.add("$.evaluation.ranking.query: must not be the target '" + spec.target() + "'");
        }
      }
      if (evaluation.gates() != null) {
        for (int i = 0; i < evaluation.gates().size(); i++) {
          PipelineSpec.Gate gate = evaluation.gates().get(i);
          if (gate.min() == null
              && gate.max() == null
              && gate.notWorseThanChampionBy() == null
              && gate.change() == null) {
            reasons.add(
                "$.evaluation.gates["
                    + i
                    + "]: needs at least one of min, max, notWorseThanChampionBy, change");
          }
          if (gate.slice() != null && gate.challengeSet() != null) {
            reasons.add(
                "$.evaluation.gates["
                    + i
                    + "]: slice and challengeSet cannot be combined (a gate judges a slice of the"
                    + " test split, or a challenge set)");
          }
          if (gate.change() != null
              && (gate.change().absolute() == null) == (gate.change().relative() == null)) {
            reasons.add(
                "$.evaluation.gates[" + i + "].change: needs exactly one of absolute, relative");
          }
          if (gate.min() != null && gate.max() != null && gate.min() > gate.max()) {
            reasons.add(
                "$.evaluation.gates["
                    + i
                    + "]: min "
                    + gate.min()
                    + " is greater than max "
                    + gate.max());
          }
        }
      }
    }
    return List.copyOf(reasons);
  }

  /**
   * Why labeling rules are not valid (names unique, each condition's value fitting its operator),
   * each reason with its JSON path under {@code $.labeling.rules}; empty when they are.
   */
  public static List<String> ruleReasons(List<PipelineSpec.Rule> rules) {
    List<String> reasons = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < rules.size(); i++) {
      PipelineSpec.Rule rule = rules.get(i);
      String at = "$.labeling.rules[" + i + "]";
      if (!names.add(rule.name())) {
        reasons.add(at + ".name: '" + rule.name() + "' is used by an earlier rule");
      }
      for (int j = 0; j < rule.when().size(); j++) {
        PipelineSpec.Condition c = rule.when().get(j);
        String where = at + ".when[" + j + "]";
        Object v = c.value();
        String problem =
            switch (c.op()) {
              case "is_null", "not_null" -> v == null ? null : "takes no value";
              case "lt", "le", "gt", "ge" -> v instanceof Number ? null : "needs a number";
              case "in", "not_in" -> v instanceof List<?> ? null : "needs a list";
              case "contains" -> v instanceof String ? null : "needs a text";
              case "matches" -> regexProblem(v);
              default -> v == null ? "needs a value" : null;
            };
        if (problem != null) {
          reasons.add(where + ": " + c.op() + " " + problem);
        }
      }
    }
    return reasons;
  }

  private static String regexProblem(Object value) {
    if (!(value instanceof String regex)) {
      return "needs a regular expression";
    }
    try {
      java.util.regex.Pattern.compile(regex);
      return null;
    } catch (java.util.regex.PatternSyntaxException e) {
      return "needs a valid regular expression: " + e.getDescription();
    }
  }

  /** The spec as a JSON tree ({@code null} fields left out). */
  public static JsonNode toTree(PipelineSpec spec) {
    return Json.toTree(spec);
  }

  /** The spec as compact JSON, the payload on {@code trainyard.pipelines}. */
  public static String toJson(PipelineSpec spec) {
    return Json.write(spec);
  }

  /** The spec as YAML. */
  public static String toYaml(PipelineSpec spec) {
    try {
      return Json.yamlMapper().writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The canonical JSON of the spec: keys sorted, no whitespace, {@code null} fields left out.
   * Formatting, key order, comments, JSON versus YAML and number spelling (0.70 versus 0.7) do not
   * change it.
   */
  public static String canonicalJson(PipelineSpec spec) {
    return Json.canonical(toTree(spec));
  }

  /**
   * SHA-256 (64 lowercase hex digits) of {@link #canonicalJson(PipelineSpec)}: re-applying an
   * unchanged spec gives the same hash. It hashes the spec as written: spelling out a default value
   * changes the hash.
   */
  public static String contentHash(PipelineSpec spec) {
    return Json.canonicalHash(toTree(spec));
  }

  /** The card-fraud example spec of the architecture ({@code /examples/card-fraud.yaml}). */
  public static PipelineSpec example() {
    return parse(Json.readResource(Topic.PIPELINES.exampleResource()));
  }

  private static String round(double value) {
    return String.valueOf(Math.round(value * 1e9) / 1e9);
  }
}
