package io.trainyard.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyRulesTest {

  /** Hostile object names and the reason each must be refused with. */
  static Stream<Arguments> hostileNames() {
    return Stream.of(
        Arguments.of("../escape.bin", "'..' segment"),
        Arguments.of("a/../../b", "'..' segment"),
        Arguments.of("..", "'..' segment"),
        Arguments.of("./a", "'.' segment"),
        Arguments.of("/etc/passwd", "absolute path"),
        Arguments.of("a\\b", "backslash"),
        Arguments.of("..\\..\\windows\\win.ini", "backslash"),
        Arguments.of("a//b", "empty segment"),
        Arguments.of("dir/", "empty segment"),
        Arguments.of("", "empty"),
        Arguments.of("%2e%2e/x", "'%'"),
        Arguments.of("%2E%2E%2Fetc", "'%'"),
        Arguments.of("a%00b", "'%'"),
        Arguments.of("nul\u0000byte", "control character U+0000"),
        Arguments.of("line\nbreak", "control character U+000A"),
        Arguments.of("c1\u0085next", "control character U+0085"),
        Arguments.of("\u202Egnp.exe", "format character U+202E"),
        Arguments.of("zero\u200Bwidth", "format character U+200B"),
        Arguments.of("bom\uFEFF", "format character U+FEFF"),
        Arguments.of("\uFF0E\uFF0E/x", "normalizes (NFKC)"),
        Arguments.of("a\uFF0Fb", "normalizes (NFKC)"),
        Arguments.of("\u2024\u2024/x", "normalizes (NFKC)"),
        Arguments.of("a\u2215b", "looks like"),
        Arguments.of("e\u0301.csv", "NFC"),
        Arguments.of("bad\uD800surrogate", "unpaired surrogate"),
        Arguments.of("sep\u2028x", "separator"),
        Arguments.of(" padded", "whitespace"),
        Arguments.of("dir/trailing ", "whitespace"),
        Arguments.of("x".repeat(1025), "at most 1024"),
        Arguments.of("\u00e9".repeat(600), "at most 1024"));
  }

  @ParameterizedTest
  @MethodSource("hostileNames")
  void prefixRefusesHostileNames(String name, String reason) {
    Prefix prefix = Prefix.of("datasets/card-fraud/v3/");
    assertThatThrownBy(() -> prefix.resolve(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("object name")
        .hasMessageContaining("is refused")
        .hasMessageContaining(reason);
  }

  @ParameterizedTest
  @MethodSource("hostileNames")
  void objectKeysAndPrefixesRefuseThemToo(String name, String reason) {
    assertThatThrownBy(() -> ObjectKey.of(name)).isInstanceOf(IllegalArgumentException.class);
    if (!name.equals("dir/")) { // a prefix may end with '/'
      assertThatThrownBy(() -> Prefix.of(name)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void refusedValuesAreShownEscaped() {
    assertThatThrownBy(() -> ObjectKey.of("a\nb"))
        .hasMessage(
            "object key \"a\\u000Ab\" is refused: it contains the control character U+000A");
  }

  @Test
  void plainNamesResolveUnderTheirPrefix() {
    Prefix prefix = Prefix.of("datasets/card-fraud/v3");
    assertThat(prefix.value()).isEqualTo("datasets/card-fraud/v3/");
    assertThat(prefix.resolve("train.parquet").value())
        .isEqualTo("datasets/card-fraud/v3/train.parquet");
    assertThat(prefix.resolve("plots/roc curve (1).png").value())
        .isEqualTo("datasets/card-fraud/v3/plots/roc curve (1).png");
    assertThat(prefix.resolve("données-é.csv").value()).endsWith("données-é.csv");
    assertThat(prefix.resolve("a..b").value()).endsWith("/a..b");
    assertThat(prefix.manifestKey().value()).isEqualTo("datasets/card-fraud/v3/manifest.json");
    assertThat(prefix.relativize(prefix.resolve("plots/x.png"))).isEqualTo("plots/x.png");
    assertThat(prefix.lastSegment()).isEqualTo("v3");
  }

  @Test
  void keysAtTheLimitAreAccepted() {
    Prefix prefix = Prefix.of("p/");
    String name = "x".repeat(1024 - 2);
    assertThat(prefix.resolve(name).value()).hasSize(1024);
    assertThatThrownBy(() -> prefix.resolve(name + "x")).hasMessageContaining("at most 1024");
  }

  @Test
  void stagingAreaIsReserved() {
    assertThatThrownBy(() -> ObjectKey.of("_staging/abc/objects/x"))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> Prefix.of("_staging/abc/")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> Prefix.of("datasets/manifest.json/")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> Prefix.of("/")).hasMessageContaining("empty");
  }

  @Test
  void layoutBuildsTheArchitecturePrefixes() {
    assertThat(Layout.dataset("card-fraud", 3).value()).isEqualTo("datasets/card-fraud/v3/");
    assertThat(Layout.datasets("card-fraud").value()).isEqualTo("datasets/card-fraud/");
    assertThat(Layout.model("card-fraud", 12).value()).isEqualTo("models/card-fraud/v12/");
    assertThat(Layout.evaluation("card-fraud", 2).value()).isEqualTo("evaluations/card-fraud/v2/");
    assertThat(Layout.labeling("card-fraud", "card-fraud-v3").value())
        .isEqualTo("labeling/card-fraud/card-fraud-v3/");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Layout.labeling("card-fraud", "../x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Layout.checkpoint("run-7f3a.b_c", 4).value())
        .isEqualTo("runs/run-7f3a.b_c/checkpoints/epoch-4/");
    assertThat(Layout.raw("card-fraud", "upload-1").value()).isEqualTo("raw/card-fraud/upload-1/");
    assertThat(Layout.versionOf(Layout.model("x", 42))).isEqualTo(42);
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../x", "Card-Fraud", "-x", "x-", "a/b", "a b", "", "é"})
  void layoutRefusesHostilePipelineNames(String pipeline) {
    assertThatThrownBy(() -> Layout.dataset(pipeline, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("pipeline name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", ".hidden", "a/b", "a\\b", "run%2f", ""})
  void layoutRefusesHostileIds(String id) {
    assertThatThrownBy(() -> Layout.checkpoint(id, 1)).hasMessageStartingWith("run id");
    assertThatThrownBy(() -> Layout.raw("p", id)).hasMessageStartingWith("upload id");
  }

  @Test
  void layoutRefusesBadNumbers() {
    assertThatThrownBy(() -> Layout.dataset("p", 0)).hasMessageContaining("version");
    assertThatThrownBy(() -> Layout.checkpoint("r", -1)).hasMessageContaining("epoch");
  }

  @Test
  void naturalOrderPutsV2BeforeV10() {
    List<String> values = new ArrayList<>(List.of("p/v10/", "p/v2/", "p/v1/", "p/v100/", "p/v9/"));
    values.sort(NaturalOrder::compare);
    assertThat(values).containsExactly("p/v1/", "p/v2/", "p/v9/", "p/v10/", "p/v100/");
  }
}
