package io.trainyard.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {
  private static final String SHA_A = Json.sha256Hex("a".getBytes(StandardCharsets.UTF_8));
  private static final String SHA_B = Json.sha256Hex("b".getBytes(StandardCharsets.UTF_8));

  private static Manifest manifest(String prefix, Map<String, ?> metadata, Manifest.Entry... e) {
    return new Manifest(
        1, prefix, Instant.parse("2026-03-01T12:00:00Z"), List.of(e), Json.toTree(metadata));
  }

  private static Manifest.Entry entry(String prefix, String name, String sha) {
    return new Manifest.Entry(name, prefix + name, 1, sha, "text/plain");
  }

  @Test
  void roundTripsThroughTheDocumentedSchema() {
    String p = "datasets/card-fraud/v3/";
    Manifest m = manifest(p, Map.of("rows", 2), entry(p, "b.txt", SHA_B), entry(p, "a.txt", SHA_A));
    JsonNode json = Json.readTree(m.toJson());
    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly("formatVersion", "prefix", "committedAt", "objects", "metadata");
    assertThat(json.path("committedAt").asText()).isEqualTo("2026-03-01T12:00:00Z");
    assertThat(json.path("objects").get(0).fieldNames())
        .toIterable()
        .containsExactly("name", "key", "size", "sha256", "contentType");
    assertThat(json.path("objects").get(0).path("name").asText()).isEqualTo("a.txt");
    Manifest back = Manifest.fromJson(m.toJson());
    assertThat(back).isEqualTo(m);
    assertThat(back.sameContentAs(m)).isTrue();
  }

  @Test
  void contentHashIgnoresPrefixTimeAndMetadata() {
    Manifest a = manifest("x/v1/", Map.of("k", 1), entry("x/v1/", "a.txt", SHA_A));
    Manifest b = manifest("x/v2/", Map.of(), entry("x/v2/", "a.txt", SHA_A));
    Manifest c = manifest("x/v1/", Map.of("k", 1), entry("x/v1/", "a.txt", SHA_B));
    assertThat(a.contentHash()).isEqualTo(b.contentHash()).matches("[0-9a-f]{64}");
    assertThat(a.contentHash()).isNotEqualTo(c.contentHash());
    assertThat(a.sameContentAs(c)).isFalse();
    assertThat(a.sameContentAs(manifest("x/v1/", Map.of("k", 2), entry("x/v1/", "a.txt", SHA_A))))
        .isFalse();
  }

  @Test
  void refusesManifestsThatPointOutsideTheirPrefix() {
    assertThatThrownBy(
            () -> manifest("x/v1/", Map.of(), new Manifest.Entry("a", "y/v1/a", 1, SHA_A, "t/p")))
        .hasMessageContaining("has key y/v1/a");
    assertThatThrownBy(
            () ->
                manifest(
                    "x/v1/", Map.of(), new Manifest.Entry("../a", "x/v1/../a", 1, SHA_A, "t/p")))
        .hasMessageContaining("'..'");
    String json =
        new String(
                manifest("x/v1/", Map.of(), entry("x/v1/", "a", SHA_A)).toJson(),
                StandardCharsets.UTF_8)
            .replace("\"formatVersion\" : 1", "\"formatVersion\" : 2");
    assertThatThrownBy(() -> Manifest.fromJson(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("formatVersion 2");
  }
}
