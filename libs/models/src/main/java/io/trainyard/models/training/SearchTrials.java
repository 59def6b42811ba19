package io.trainyard.models.training;

import io.trainyard.contracts.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The trials of a hyper-parameter search ({@code training.search}): the training settings, each
 * with one combination of values from the search space.
 *
 * <p>The grid is the cartesian product of the named settings' values, in this order of settings:
 * learningRate, batchSize, weightDecay, dropout, hidden, maxDepth, eta (the last varying fastest).
 * {@code grid} gives every combination, at most {@value #MAX_TRIALS}; {@code random} gives {@code
 * trials} combinations drawn without replacement (a partial Fisher–Yates shuffle of the grid's
 * indices with a {@link Random} seeded by {@code training.seed}), in the order drawn, or the whole
 * grid when it is no larger.
 */
public final class SearchTrials {

  /** The most trials a search may have. */
  public static final int MAX_TRIALS = 64;

  private SearchTrials() {}

  /**
   * One trial.
   *
   * @param index from 0, in the order the trials run
   * @param params the values this trial sets, by setting name, in the grid's order of settings
   * @param training the settings the trial trains with (no search, no candidates)
   */
  public record Trial(int index, Map<String, Object> params, PipelineSpec.Training training) {}

  /**
   * The trials of {@code training.search()}.
   *
   * @param training the spec's training section with defaults, with a search
   * @throws IllegalArgumentException for an empty space, a setting that does not apply to the model
   *     type, an unknown method, or a grid of more than {@value #MAX_TRIALS}
   */
  public static List<Trial> of(PipelineSpec.Training training) {
    PipelineSpec.Search search = Objects.requireNonNull(training.search(), "search");
    PipelineSpec.Space space = Objects.requireNonNull(search.space(), "search.space");
    boolean trees = PipelineSpec.Model.XGBOOST.equals(training.model().type());
    Map<String, List<?>> axes = new LinkedHashMap<>();
    put(axes, "learningRate", space.learningRate());
    put(axes, "batchSize", space.batchSize());
    put(axes, "weightDecay", space.weightDecay());
    put(axes, "dropout", space.dropout());
    put(axes, "hidden", space.hidden());
    put(axes, "maxDepth", space.maxDepth());
    put(axes, "eta", space.eta());
    if (axes.isEmpty()) {
      throw new IllegalArgumentException("training.search.space names no setting to search");
    }
    for (String name : axes.keySet()) {
      boolean treeSetting = name.equals("maxDepth") || name.equals("eta");
      boolean networkSetting =
          name.equals("learningRate")
              || name.equals("batchSize")
              || name.equals("weightDecay")
              || name.equals("dropout")
              || name.equals("hidden");
      if (trees ? networkSetting : treeSetting) {
        throw new IllegalArgumentException(
            "training.search.space."
                + name
                + " does not apply to a "
                + training.model().type()
                + " model");
      }
    }
    long size = 1;
    for (List<?> values : axes.values()) {
      size *= values.size();
    }
    List<Long> chosen = new ArrayList<>();
    switch (search.method()) {
      case "grid" -> {
        if (size > MAX_TRIALS) {
          throw new IllegalArgumentException(
              "training.search: the grid has "
                  + size
                  + " combinations, more than "
                  + MAX_TRIALS
                  + "; use method random with trials");
        }
        for (long i = 0; i < size; i++) {
          chosen.add(i);
        }
      }
      case "random" -> {
        if (size > 1_000_000) {
          throw new IllegalArgumentException(
              "training.search: the grid has " + size + " combinations; name fewer values");
        }
        int n = (int) Math.min(size, search.trials());
        long[] indices = new long[(int) size];
        for (int i = 0; i < indices.length; i++) {
          indices[i] = i;
        }
        Random random = new Random(training.seed());
        for (int i = 0; i < n; i++) {
          int j = i + random.nextInt(indices.length - i);
          long swap = indices[i];
          indices[i] = indices[j];
          indices[j] = swap;
          chosen.add(indices[i]);
        }
      }
      default ->
          throw new IllegalArgumentException(
              "unsupported training.search.method: " + search.method() + " (grid or random)");
    }
    List<Trial> trials = new ArrayList<>();
    List<String> names = new ArrayList<>(axes.keySet());
    for (long combination : chosen) {
      Map<String, Object> params = new LinkedHashMap<>();
      long rest = combination;
      for (int a = names.size() - 1; a >= 0; a--) {
        List<?> values = axes.get(names.get(a));
        params.put(names.get(a), values.get((int) (rest % values.size())));
        rest /= values.size();
      }
      Map<String, Object> ordered = new LinkedHashMap<>();
      for (String name : names) {
        ordered.put(name, params.get(name));
      }
      trials.add(new Trial(trials.size(), ordered, apply(training, ordered)));
    }
    return List.copyOf(trials);
  }

  private static void put(Map<String, List<?>> axes, String name, List<?> values) {
    if (values != null) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException("training.search.space." + name + " is empty");
      }
      axes.put(name, List.copyOf(values));
    }
  }

  @SuppressWarnings("unchecked")
  private static PipelineSpec.Training apply(
      PipelineSpec.Training training, Map<String, Object> params) {
    PipelineSpec.Model model = training.model();
    PipelineSpec.Trees trees = model.trees();
    if (trees != null && (params.containsKey("maxDepth") || params.containsKey("eta"))) {
      trees =
          new PipelineSpec.Trees(
              (Integer) params.getOrDefault("maxDepth", trees.maxDepth()),
              ((Number) params.getOrDefault("eta", trees.eta())).doubleValue(),
              trees.subsample(),
              trees.colsampleBytree(),
              trees.minChildWeight(),
              trees.lambda());
    }
    PipelineSpec.Model trialModel =
        new PipelineSpec.Model(
            model.type(),
            (List<Integer>) params.getOrDefault("hidden", model.hidden()),
            ((Number) params.getOrDefault("dropout", model.dropout())).doubleValue(),
            trees,
            model.image(),
            model.text(),
            model.backbone());
    return training.withTrial(
        trialModel,
        ((Number) params.getOrDefault("learningRate", training.learningRate())).doubleValue(),
        (Integer) params.getOrDefault("batchSize", training.batchSize()),
        ((Number) params.getOrDefault("weightDecay", training.weightDecay())).doubleValue());
  }
}
