package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetLabelsTest {

  @Test
  void canonicalNumbersBooleansAndStrings() {
    assertThat(DatasetLabels.canonical(1)).isEqualTo("1");
    assertThat(DatasetLabels.canonical(1L)).isEqualTo("1");
    assertThat(DatasetLabels.canonical(1.0)).isEqualTo("1");
    assertThat(DatasetLabels.canonical(-0.0)).isEqualTo("0");
    assertThat(DatasetLabels.canonical(2.5)).isEqualTo("2.5");
    assertThat(DatasetLabels.canonical(0.1f)).isEqualTo("0.1");
    assertThat(DatasetLabels.canonical(1e20)).isEqualTo("100000000000000000000");
    assertThat(DatasetLabels.canonical(1e-7)).isEqualTo("0.0000001");
    assertThat(DatasetLabels.canonical(new BigDecimal("3.500"))).isEqualTo("3.5");
    assertThat(DatasetLabels.canonical(new BigDecimal("0.00"))).isEqualTo("0");
    assertThat(DatasetLabels.canonical(new BigInteger("123456789012345678901234")))
        .isEqualTo("123456789012345678901234");
    assertThat(DatasetLabels.canonical(true)).isEqualTo("true");
    assertThat(DatasetLabels.canonical(false)).isEqualTo("false");
    assertThat(DatasetLabels.canonical("1.0")).isEqualTo("1.0");
    assertThat(DatasetLabels.canonical(" fraud ")).isEqualTo(" fraud ");
  }

  @Test
  void canonicalOfJsonValues() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode node =
        json.readTree("{\"i\": 1, \"d\": 1.0, \"f\": 0.25, \"b\": true, \"s\": \"yes\"}");
    assertThat(DatasetLabels.canonical(node.get("i"))).isEqualTo("1");
    assertThat(DatasetLabels.canonical(node.get("d"))).isEqualTo("1");
    assertThat(DatasetLabels.canonical(node.get("f"))).isEqualTo("0.25");
    assertThat(DatasetLabels.canonical(node.get("b"))).isEqualTo("true");
    assertThat(DatasetLabels.canonical(node.get("s"))).isEqualTo("yes");
    // values bound to Object by Jackson (Integer, Double, Boolean, String)
    Object d = json.readValue("1.0", Object.class);
    assertThat(DatasetLabels.canonical(d)).isEqualTo("1");
    assertThatThrownBy(() -> DatasetLabels.canonical(json.readTree("[1]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON number, boolean or string");
  }

  @Test
  void canonicalRejectsNullNonFiniteAndOtherTypes() {
    assertThatThrownBy(() -> DatasetLabels.canonical(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a label value must not be null");
    assertThatThrownBy(() -> DatasetLabels.canonical(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> DatasetLabels.canonical(List.of(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("number, boolean or string");
  }

  @Test
  void positiveClassDefaultsToTheGreaterValue() {
    assertThat(DatasetLabels.positiveClass(List.of("0", "1"), Optional.empty())).isEqualTo("1");
    // numeric order, not string order: "10" > "9"
    assertThat(DatasetLabels.positiveClass(List.of("10", "9"), Optional.empty())).isEqualTo("10");
    assertThat(DatasetLabels.positiveClass(List.of("-1", "1"), Optional.empty())).isEqualTo("1");
    // string order when a value is not a number
    assertThat(DatasetLabels.positiveClass(Set.of("no", "yes"), Optional.empty())).isEqualTo("yes");
    assertThat(DatasetLabels.positiveClass(List.of("false", "true"), Optional.empty()))
        .isEqualTo("true");
    assertThat(DatasetLabels.positiveClass(List.of("10", "9x"), Optional.empty())).isEqualTo("9x");
    // duplicates ignored; a single value is its own positive class
    assertThat(DatasetLabels.positiveClass(List.of("1", "1", "0"), Optional.empty()))
        .isEqualTo("1");
    assertThat(DatasetLabels.positiveClass(List.of("yes"), Optional.empty())).isEqualTo("yes");
  }

  @Test
  void positiveClassFromTheSpecIsCanonicalised() {
    assertThat(DatasetLabels.positiveClass(List.of("0", "1"), Optional.of(0))).isEqualTo("0");
    assertThat(DatasetLabels.positiveClass(List.of("0", "1"), Optional.of(1.0))).isEqualTo("1");
    assertThat(DatasetLabels.positiveClass(List.of("false", "true"), Optional.of(false)))
        .isEqualTo("false");
    assertThat(DatasetLabels.positiveClass(List.of("ham", "spam"), Optional.of("ham")))
        .isEqualTo("ham");
  }

  @Test
  void positiveClassRejectsUnknownSpecValueAndNonBinaryTargets() {
    assertThatThrownBy(() -> DatasetLabels.positiveClass(List.of("0", "1"), Optional.of("fraud")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("positiveClass 'fraud' is not one of the target values [0, 1]");
    assertThatThrownBy(() -> DatasetLabels.positiveClass(List.of("0", "1", "2"), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a binary target has two values, but this one has 3: [0, 1, 2]");
    assertThatThrownBy(() -> DatasetLabels.positiveClass(List.of(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no values");
  }

  @Test
  void sortedUsesNumericOrderOnlyWhenEveryValueIsANumber() {
    assertThat(DatasetLabels.sorted(List.of("10", "9", "2.5", "-1")))
        .containsExactly("-1", "2.5", "9", "10");
    assertThat(DatasetLabels.sorted(List.of("10", "9", "b"))).containsExactly("10", "9", "b");
  }
}
