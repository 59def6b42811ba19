package io.trainyard.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;

/** JSON comparisons for tests: numbers by value (1 == 1.0 == 1L), null properties ignored. */
public final class JsonAssertions {

  private static final Comparator<JsonNode> NUMERIC =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
        }
        return a.equals(b) ? 0 : 1;
      };

  private JsonAssertions() {}

  public static boolean sameJson(JsonNode expected, JsonNode actual) {
    return Json.withoutNulls(expected).equals(NUMERIC, Json.withoutNulls(actual));
  }

  public static void assertSameJson(JsonNode actual, JsonNode expected) {
    assertThat(sameJson(expected, actual))
        .as("expected%n  %s%nbut was%n  %s", Json.canonical(expected), Json.canonical(actual))
        .isTrue();
  }
}
