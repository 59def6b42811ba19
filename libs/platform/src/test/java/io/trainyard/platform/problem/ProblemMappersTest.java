package io.trainyard.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of problem mapping that need no running service. */
class ProblemMappersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Item(String name, int count) {}

  record Batch(String label, List<Item> items) {}

  enum Color {
    RED,
    GREEN
  }

  private static JsonProcessingException parseError(String body) {
    try {
      JSON.readValue(body, Batch.class);
    } catch (JsonProcessingException e) {
      return e;
    }
    throw new AssertionError("parsed: " + body);
  }

  @Test
  void syntaxErrorsSayWhereWithoutJavaClassNames() {
    Problem problem = ProblemMappers.malformedBody(parseError("{\"label\": "), "/p");
    assertThat(problem.status()).isEqualTo(400);
    assertThat(problem.type()).isEqualTo(Problem.Types.MALFORMED_BODY);
    assertThat(problem.detail()).startsWith("The request body is not valid JSON (line 1");
    assertThat(problem.instance()).isEqualTo("/p");
  }

  @Test
  void aValueOfTheWrongTypeNamesTheFieldAndItsPointer() {
    Problem problem =
        ProblemMappers.malformedBody(
            parseError("{\"items\": [{\"name\": \"a\"}, {\"count\": \"x\"}]}"), "/p");
    assertThat(problem.errors())
        .containsExactly(
            new Problem.FieldError("items[1].count", "/items/1/count", "must be an integer"));
    assertThat(problem.detail()).doesNotContain("java.", "Batch", "Item");
  }

  @Test
  void aBodyOfTheWrongShapeAtTheRootHasAnEmptyPointer() {
    Problem problem = ProblemMappers.malformedBody(parseError("[1, 2]"), "/p");
    assertThat(problem.errors()).hasSize(1);
    assertThat(problem.errors().get(0).field()).isNull();
    assertThat(problem.errors().get(0).pointer()).isEmpty();
    assertThat(problem.errors().get(0).message()).isEqualTo("must be an object");
  }

  @Test
  void typesAreDescribedAsJson() {
    assertThat(ProblemMappers.describe(String.class)).isEqualTo("a string");
    assertThat(ProblemMappers.describe(long.class)).isEqualTo("an integer");
    assertThat(ProblemMappers.describe(Double.class)).isEqualTo("a number");
    assertThat(ProblemMappers.describe(Boolean.class)).isEqualTo("true or false");
    assertThat(ProblemMappers.describe(List.class)).isEqualTo("an array");
    assertThat(ProblemMappers.describe(Color.class)).isEqualTo("one of [RED, GREEN]");
    assertThat(ProblemMappers.describe(Map.class)).isEqualTo("an object");
  }

  @Test
  void problemsSerializeWithoutNullFieldsInRfcOrder() throws Exception {
    String json = Problems.json(JSON, Problem.of(404, "Nothing here: /x.", "/x"));
    assertThat(json)
        .isEqualTo(
            "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
                + "\"detail\":\"Nothing here: /x.\",\"instance\":\"/x\"}");
  }

  @Test
  void aProblemExceptionNeedsAnErrorStatus() {
    assertThatThrownBy(() -> ProblemException.of(302, "moved"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ProblemException.conflict("taken").toProblem("/a"))
        .isEqualTo(new Problem("about:blank", "Conflict", 409, "taken", "/a", null, null));
  }
}
