package io.trainyard.local.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class DevTokensTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** Verifies an RS256 compact JWS with the JDK and returns its claims. */
  public static JsonNode verify(String token, PublicKey key) throws Exception {
    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initVerify(key);
    rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(rs256.verify(Base64.getUrlDecoder().decode(parts[2])))
        .as("signature verifies with the public key")
        .isTrue();
    JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
    assertThat(header.get("alg").asText()).isEqualTo("RS256");
    assertThat(header.get("typ").asText()).isEqualTo("JWT");
    return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
  }

  @Test
  void aTokenIsSignedRs256AndCarriesIssuerSubjectRolesAndExpiry() throws Exception {
    KeyPair keys = DevKeys.loadOrCreate(dir);
    Instant now = Instant.parse("2030-01-02T03:04:05Z");

    String token =
        DevTokens.mint(
            keys.getPrivate(), "alice", List.of("ops", "annotator"), now, Duration.ofHours(8));

    // Verified with the public key as the services read it: the PEM file.
    JsonNode claims = verify(token, DevKeys.readPublicKey(DevKeys.publicKeyFile(dir)));
    assertThat(claims.get("iss").asText()).isEqualTo("trainyard");
    assertThat(claims.get("sub").asText()).isEqualTo("alice");
    assertThat(claims.get("upn").asText()).isEqualTo("alice");
    assertThat(claims.get("groups"))
        .extracting(JsonNode::asText)
        .containsExactly("ops", "annotator");
    assertThat(claims.get("iat").asLong()).isEqualTo(now.getEpochSecond());
    assertThat(claims.get("exp").asLong()).isEqualTo(now.getEpochSecond() + 8 * 3600);
    assertThat(claims.get("jti").asText()).isNotBlank();
    // base64url without padding, as JWS requires
    assertThat(token).doesNotContain("=", "+", "/");
  }

  @Test
  void aTokenSignedByAnotherKeyDoesNotVerify() throws Exception {
    KeyPair keys = DevKeys.loadOrCreate(dir);
    KeyPair other = DevKeys.loadOrCreate(dir.resolve("other"));
    String token =
        DevTokens.mint(
            other.getPrivate(), "bob", List.of("viewer"), Instant.now(), Duration.ofMinutes(5));
    String[] parts = token.split("\\.");
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initVerify(keys.getPublic());
    rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(rs256.verify(Base64.getUrlDecoder().decode(parts[2]))).isFalse();
  }

  @Test
  void theKeyIsGeneratedOnceWithAPrivateFileOnlyItsOwnerReads() throws Exception {
    KeyPair first = DevKeys.loadOrCreate(dir);
    KeyPair second = DevKeys.loadOrCreate(dir);

    assertThat(second.getPublic()).isEqualTo(first.getPublic());
    assertThat(second.getPrivate()).isEqualTo(first.getPrivate());
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(DevKeys.privateKeyFile(dir))))
        .isEqualTo("rw-------");
    assertThat(Files.readString(DevKeys.privateKeyFile(dir)))
        .startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readString(DevKeys.publicKeyFile(dir)))
        .startsWith("-----BEGIN PUBLIC KEY-----");
    assertThat(DevKeys.readPublicKey(DevKeys.publicKeyFile(dir))).isEqualTo(first.getPublic());
  }

  @Test
  void aLostPublicKeyIsWrittenAgainFromThePrivateKey() throws Exception {
    KeyPair first = DevKeys.loadOrCreate(dir);
    Files.delete(DevKeys.publicKeyFile(dir));
    KeyPair again = DevKeys.loadOrCreate(dir);
    assertThat(again.getPublic()).isEqualTo(first.getPublic());
    assertThat(DevKeys.readPublicKey(DevKeys.publicKeyFile(dir))).isEqualTo(first.getPublic());
  }

  @Test
  void unknownOrMissingRolesAndBlankSubjectsAreRefused() {
    KeyPair keys = DevKeys.loadOrCreate(dir);
    assertThatThrownBy(
            () ->
                DevTokens.mint(
                    keys.getPrivate(), "a", List.of("root"), Instant.now(), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown role 'root'")
        .hasMessageContaining("admin, ops, annotator, viewer");
    assertThatThrownBy(
            () ->
                DevTokens.mint(
                    keys.getPrivate(), "a", List.of(), Instant.now(), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                DevTokens.mint(
                    keys.getPrivate(), " ", List.of("ops"), Instant.now(), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
