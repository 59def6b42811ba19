package io.trainyard.console.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTableTest {
  private final RouteTable table =
      new RouteTable(
          Set.of("console", "ingestion", "labeling", "training", "evaluation", "drift-monitor"));

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "POST, /api/v1/pipelines/card-fraud/datasets, ingestion",
    "GET, /api/v1/pipelines/card-fraud/datasets/3, ingestion",
    "GET, /api/v1/pipelines/card-fraud/labeling/projects, labeling",
    "POST, /api/v1/labeling/tasks/7/answers, labeling",
    "GET, /api/v1/pipelines/card-fraud/runs, training",
    "GET, /api/v1/runs/run-1, training",
    "GET, /api/v1/pipelines/card-fraud/models, evaluation",
    "GET, /api/v1/pipelines/card-fraud/models/champion, evaluation",
    "GET, /api/v1/pipelines/card-fraud/aliases/champion, evaluation",
    "GET, /api/v1/pipelines/card-fraud/aliases/champion/history, evaluation",
    "GET, /api/v1/pipelines/card-fraud/drift, drift-monitor",
    "POST, /api/v1/pipelines/card-fraud/retrain, drift-monitor",
    "GET, /api/v1/services/ingestion, ingestion",
    "GET, /api/v1/services/drift-monitor, drift-monitor",
  })
  void routesEachPathToItsOwner(String method, String path, String owner) {
    assertThat(table.ownerOf(method, path)).contains(owner);
  }

  @ParameterizedTest(name = "{0} {1} is not proxied")
  @CsvSource({
    // the console's own: specs and the command endpoints
    "PUT, /api/v1/pipelines/card-fraud",
    "GET, /api/v1/pipelines",
    "POST, /api/v1/pipelines/card-fraud/runs",
    "POST, /api/v1/runs/run-1/cancel",
    "POST, /api/v1/pipelines/card-fraud/aliases/champion",
    // only POST retrains
    "GET, /api/v1/pipelines/card-fraud/retrain",
    // unknown
    "GET, /api/v1/services/nope",
    "DELETE, /api/v1/services/ingestion",
    "GET, /api/v1/pipelines/card-fraud/datasetsx",
    "GET, /api/v1/elsewhere",
  })
  void leavesOtherPathsAlone(String method, String path) {
    assertThat(table.ownerOf(method, path)).isEqualTo(Optional.empty());
  }
}
