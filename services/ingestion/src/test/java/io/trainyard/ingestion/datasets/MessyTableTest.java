package io.trainyard.ingestion.datasets;

import static io.trainyard.ingestion.datasets.DatasetsApiTest.get;
import static io.trainyard.ingestion.datasets.DatasetsApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trainyard.contracts.Json;
import io.trainyard.testing.TestEvents;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real, messy table: the 406 cars of the "Auto MPG" data (src/test/resources/datasets). Missing
 * values, free text, categoricals and a date kept as text ingest, with the profile and validation
 * report that pandas / numpy give for the same file (the expected figures below were computed with
 * pandas 1.5.3: {@code s.mean()}, {@code s.std()}, {@code numpy.quantile}, {@code
 * numpy.histogram(s, bins=10)}, {@code value_counts()}, {@code nunique()}).
 */
@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class MessyTableTest {

  private static String cars() throws Exception {
    try (InputStream in = MessyTableTest.class.getResourceAsStream("/datasets/cars.csv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonNode column(JsonNode columns, String name) {
    for (JsonNode column : columns) {
      if (column.get("name").asText().equals(name)) {
        return column;
      }
    }
    throw new AssertionError("no column " + name + " in " + columns);
  }

  private static List<Double> doubles(JsonNode array) {
    List<Double> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asDouble()));
    return out;
  }

  private static List<Long> longs(JsonNode array) {
    List<Long> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asLong()));
    return out;
  }

  @Test
  void theAutoMpgTableIngestsWithTheProfileAndReportPandasGives() throws Exception {
    String name =
        DatasetsApiTest.awaitSpec(
            TestEvents.applySpec(
                "{\"name\": \""
                    + UniqueNames.of("cars")
                    + "\", \"task\": \"regression\", \"target\": \"Miles_per_Gallon\","
                    + " \"training\": {\"auto\": false}}"));
    Response created = post(name, cars());
    created.then().statusCode(201);
    JsonNode version = Json.readTree(created.asByteArray());
    assertThat(version.get("inputRows").asLong()).isEqualTo(406);
    assertThat(version.get("duplicatesDropped").asLong()).isZero();
    assertThat(version.at("/splits/unlabeled/rows").asLong()).isEqualTo(8);
    long labeled =
        version.at("/splits/train/rows").asLong()
            + version.at("/splits/validation/rows").asLong()
            + version.at("/splits/test/rows").asLong();
    assertThat(labeled).isEqualTo(398);

    JsonNode profile =
        Json.readTree(
            get("/api/v1/pipelines/" + name + "/datasets/1/profile")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray());
    assertThat(profile.get("rows").asLong()).isEqualTo(406);
    JsonNode columns = profile.get("columns");

    JsonNode horsepower = column(columns, "Horsepower");
    assertThat(horsepower.get("type").asText()).isEqualTo("integer"); // whole numbers and blanks
    assertThat(horsepower.get("kind").asText()).isEqualTo("numeric");
    assertThat(horsepower.get("count").asLong()).isEqualTo(400);
    assertThat(horsepower.get("missing").asLong()).isEqualTo(6);
    assertThat(horsepower.get("nullable").asBoolean()).isTrue();
    assertThat(horsepower.get("distinct").asLong()).isEqualTo(93);
    assertThat(horsepower.get("min").asDouble()).isEqualTo(46.0);
    assertThat(horsepower.get("max").asDouble()).isEqualTo(230.0);
    assertThat(horsepower.get("mean").asDouble()).isCloseTo(105.0825, within(1e-9));
    assertThat(horsepower.get("std").asDouble()).isCloseTo(38.76877918310522, within(1e-9));
    JsonNode q = horsepower.get("quantiles");
    assertThat(List.of(q.get("p1"), q.get("p5"), q.get("p25"), q.get("p50"), q.get("p75")))
        .extracting(JsonNode::asDouble)
        .containsExactly(48.0, 60.0, 75.75, 95.0, 130.0);
    assertThat(q.get("p95").asDouble()).isCloseTo(180.0, within(1e-9));
    assertThat(q.get("p99").asDouble()).isCloseTo(220.04999999999995, within(1e-9));
    assertThat(longs(horsepower.at("/histogram/counts")))
        .containsExactly(28L, 95L, 120L, 46L, 19L, 49L, 14L, 16L, 5L, 8L);
    assertThat(doubles(horsepower.at("/histogram/edges")).get(0)).isEqualTo(46.0);

    JsonNode weight = column(columns, "Weight_in_lbs");
    assertThat(weight.get("type").asText()).isEqualTo("integer");
    assertThat(weight.get("mean").asDouble()).isCloseTo(2979.4137931034484, within(1e-9));
    assertThat(weight.get("std").asDouble()).isCloseTo(847.0043282393509, within(1e-9));
    assertThat(weight.at("/quantiles/p50").asDouble()).isCloseTo(2822.5, within(1e-9));
    assertThat(weight.at("/quantiles/p99").asDouble()).isCloseTo(4948.749999999999, within(1e-9));
    assertThat(longs(weight.at("/histogram/counts")))
        .containsExactly(31L, 91L, 59L, 55L, 39L, 40L, 31L, 36L, 18L, 6L);

    JsonNode acceleration = column(columns, "Acceleration");
    assertThat(acceleration.get("mean").asDouble()).isCloseTo(15.519704433497537, within(1e-9));
    assertThat(acceleration.get("std").asDouble()).isCloseTo(2.803358816342545, within(1e-9));
    assertThat(longs(acceleration.at("/histogram/counts")))
        .containsExactly(7L, 18L, 51L, 86L, 93L, 81L, 45L, 14L, 7L, 4L);

    JsonNode mpg = column(columns, "Miles_per_Gallon");
    assertThat(mpg.get("missing").asLong()).isEqualTo(8);
    assertThat(mpg.get("mean").asDouble()).isCloseTo(23.514572864321607, within(1e-9));
    assertThat(mpg.get("std").asDouble()).isCloseTo(7.815984312565782, within(1e-9));

    JsonNode carName = column(columns, "Name");
    assertThat(carName.get("type").asText()).isEqualTo("string");
    assertThat(carName.get("kind").asText()).isEqualTo("text"); // 311 distinct of 406
    assertThat(carName.get("distinct").asLong()).isEqualTo(311);
    assertThat(carName.at("/top/0/value").asText()).isEqualTo("ford pinto");
    assertThat(carName.at("/top/0/count").asLong()).isEqualTo(6);

    JsonNode origin = column(columns, "Origin");
    assertThat(origin.get("kind").asText()).isEqualTo("categorical");
    assertThat(origin.get("categories").toString()).isEqualTo("[\"Europe\",\"Japan\",\"USA\"]");
    Map<String, Long> top = new HashMap<>();
    origin.get("top").forEach(t -> top.put(t.get("value").asText(), t.get("count").asLong()));
    assertThat(top)
        .containsExactlyInAnyOrderEntriesOf(Map.of("USA", 254L, "Japan", 79L, "Europe", 73L));

    JsonNode year = column(columns, "Year");
    assertThat(year.get("type").asText()).isEqualTo("string");
    assertThat(year.get("kind").asText()).isEqualTo("categorical");
    assertThat(year.get("categories")).hasSize(12);
    assertThat(year.at("/top/0/value").asText()).isEqualTo("1982-01-01");
    assertThat(year.at("/top/0/count").asLong()).isEqualTo(61);

    JsonNode cylinders = column(columns, "Cylinders");
    assertThat(cylinders.get("distinct").asLong()).isEqualTo(5);

    JsonNode report =
        Json.readTree(
            get("/api/v1/pipelines/" + name + "/datasets/1/validation")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray());
    assertThat(report.get("passed").asBoolean()).isTrue();
    Map<String, JsonNode> anomalies = new HashMap<>();
    for (JsonNode a : report.get("anomalies")) {
      anomalies.put(a.get("code").asText() + ":" + a.path("column").asText(), a);
      assertThat(a.get("severity").asText()).as(a.toString()).isNotEqualTo("error");
    }
    assertThat(anomalies.get("unlabeled_rows:Miles_per_Gallon").get("value").asDouble())
        .isEqualTo(8);
    assertThat(anomalies.get("missing_values:Horsepower").get("value").asDouble())
        .isCloseTo(6 / 406.0, within(1e-12));
    assertThat(anomalies).doesNotContainKey("missing_values:Name");
  }
}
