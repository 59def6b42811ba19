package io.trainyard.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.PipelineSpecs;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchTrialsTest {

  private static PipelineSpec.Training training(String section) {
    return PipelineSpecs.parse(
            "{\"name\": \"s\", \"task\": \"binary-classification\", \"target\": \"y\","
                + " \"training\": "
                + section
                + "}")
        .withDefaults()
        .training();
  }

  @Test
  void aGridIsEveryCombinationTheLastSettingVaryingFastest() {
    List<SearchTrials.Trial> trials =
        SearchTrials.of(
            training(
                "{\"search\": {\"space\": {\"learningRate\": [0.01, 0.001],"
                    + " \"hidden\": [[8], [16, 8], [32]]}}}"));

    assertThat(trials).hasSize(6);
    assertThat(trials.get(0).params())
        .isEqualTo(Map.of("learningRate", 0.01, "hidden", List.of(8)));
    assertThat(trials.get(1).params().get("hidden")).isEqualTo(List.of(16, 8));
    assertThat(trials.get(3).params())
        .isEqualTo(Map.of("learningRate", 0.001, "hidden", List.of(8)));
    PipelineSpec.Training fourth = trials.get(4).training();
    assertThat(fourth.learningRate()).isEqualTo(0.001);
    assertThat(fourth.model().hidden()).containsExactly(16, 8);
    assertThat(fourth.batchSize()).isEqualTo(128); // not searched: the spec's
    assertThat(fourth.search()).isNull();
    assertThat(trials).extracting(SearchTrials.Trial::index).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void randomDrawsDistinctCombinationsFromTheSeed() {
    String section =
        "{\"model\": {\"type\": \"xgboost\"}, \"seed\": %d, \"search\": {\"method\": \"random\","
            + " \"trials\": 5, \"space\": {\"maxDepth\": [2, 3, 4, 5, 6],"
            + " \"eta\": [0.05, 0.1, 0.2, 0.3]}}}";
    List<SearchTrials.Trial> trials = SearchTrials.of(training(String.format(section, 1)));

    assertThat(trials).hasSize(5);
    assertThat(new HashSet<>(trials.stream().map(SearchTrials.Trial::params).toList())).hasSize(5);
    assertThat(trials.get(0).training().model().trees().maxDepth())
        .isEqualTo(trials.get(0).params().get("maxDepth"));
    // the same seed draws the same trials; another seed others
    assertThat(SearchTrials.of(training(String.format(section, 1)))).isEqualTo(trials);
    assertThat(SearchTrials.of(training(String.format(section, 2)))).isNotEqualTo(trials);
  }

  @Test
  void settingsThatDoNotFitAreRefused() {
    assertThatThrownBy(
            () -> SearchTrials.of(training("{\"search\": {\"space\": {\"maxDepth\": [2, 3]}}}")))
        .hasMessage("training.search.space.maxDepth does not apply to a mlp model");
    assertThatThrownBy(
            () ->
                SearchTrials.of(
                    training(
                        "{\"search\": {\"space\": {\"learningRate\": [1, 2, 3, 4, 5, 6, 7, 8],"
                            + " \"batchSize\": [1, 2, 3, 4, 5, 6, 7, 8, 9]}}}")))
        .hasMessageContaining("the grid has 72 combinations, more than 64");
  }
}
