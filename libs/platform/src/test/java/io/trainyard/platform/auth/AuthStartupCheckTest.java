package io.trainyard.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthStartupCheckTest {

  @TempDir Path dir;

  @Test
  void loopbackAddressesAreRecognizedWithoutLookingNamesUp() {
    assertThat(AuthStartupCheck.isLoopback("127.0.0.1")).isTrue();
    assertThat(AuthStartupCheck.isLoopback("127.1.2.3")).isTrue();
    assertThat(AuthStartupCheck.isLoopback("::1")).isTrue();
    assertThat(AuthStartupCheck.isLoopback("[::1]")).isTrue();
    assertThat(AuthStartupCheck.isLoopback("localhost")).isTrue();
    assertThat(AuthStartupCheck.isLoopback(" LOCALHOST ")).isTrue();

    assertThat(AuthStartupCheck.isLoopback("0.0.0.0")).isFalse();
    assertThat(AuthStartupCheck.isLoopback("::")).isFalse();
    assertThat(AuthStartupCheck.isLoopback("10.0.0.5")).isFalse();
    assertThat(AuthStartupCheck.isLoopback("192.168.1.10")).isFalse();
    assertThat(AuthStartupCheck.isLoopback("my-host.example")).isFalse();
    assertThat(AuthStartupCheck.isLoopback("localhost.evil.example")).isFalse();
    assertThat(AuthStartupCheck.isLoopback("")).isFalse();
    assertThat(AuthStartupCheck.isLoopback(null)).isFalse();
  }

  @Test
  void authOffOnANonLoopbackHostRefusesToStart() {
    assertThatThrownBy(
            () -> AuthStartupCheck.check(false, "0.0.0.0", Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("authentication is off")
        .hasMessageContaining("'0.0.0.0'")
        .hasMessageContaining("QUARKUS_HTTP_HOST=127.0.0.1");
    assertThatThrownBy(
            () -> AuthStartupCheck.check(false, "10.1.2.3", Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void authOffOnLoopbackStartsWithoutAKey() {
    assertThatCode(
            () -> AuthStartupCheck.check(false, "127.0.0.1", Optional.empty(), Optional.empty()))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> AuthStartupCheck.check(false, "localhost", Optional.empty(), Optional.empty()))
        .doesNotThrowAnyException();
  }

  @Test
  void authOnWithoutAKeyRefusesToStartSayingWhatToSet() {
    assertThatThrownBy(
            () -> AuthStartupCheck.check(true, "0.0.0.0", Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no public key")
        .hasMessageContaining("TRAINYARD_AUTH_PUBLIC_KEY_LOCATION");
  }

  @Test
  void authOnWithAMissingKeyFileRefusesToStart() {
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(
            () ->
                AuthStartupCheck.check(
                    true, "0.0.0.0", Optional.of(missing.toString()), Optional.empty()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(
            () ->
                AuthStartupCheck.check(
                    true, "0.0.0.0", Optional.of(missing.toUri().toString()), Optional.empty()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void authOnWithAKeyStartsOnAnyHost() throws Exception {
    Path key = Files.writeString(dir.resolve("public-key.pem"), "-----BEGIN PUBLIC KEY-----");
    assertThatCode(
            () ->
                AuthStartupCheck.check(
                    true, "0.0.0.0", Optional.of(key.toString()), Optional.empty()))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                AuthStartupCheck.check(
                    true, "0.0.0.0", Optional.of("https://idp.example/jwks"), Optional.empty()))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> AuthStartupCheck.check(true, "0.0.0.0", Optional.empty(), Optional.of("MIIB...")))
        .doesNotThrowAnyException();
  }
}
