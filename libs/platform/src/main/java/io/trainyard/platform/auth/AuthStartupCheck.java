package io.trainyard.platform.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Refuses to start a service whose auth configuration is unsafe or unusable, before its HTTP port
 * opens (StartupEvent observers run before Quarkus binds the socket):
 *
 * <ul>
 *   <li>auth off ({@value #ENABLED}{@code =false}) on a host that is not a loopback address;
 *   <li>auth on without a public key to verify tokens with, or with a key file that cannot be read.
 * </ul>
 */
@ApplicationScoped
public class AuthStartupCheck {
  private static final Logger LOG = Logger.getLogger(AuthStartupCheck.class);

  /**
   * The switch: {@code true} (the default) verifies JWT bearer tokens; env TRAINYARD_AUTH_ENABLED.
   */
  public static final String ENABLED = "trainyard.auth.enabled";

  /** The PEM public key tokens are verified with; env TRAINYARD_AUTH_PUBLIC_KEY_LOCATION. */
  public static final String PUBLIC_KEY_LOCATION = "trainyard.auth.public-key-location";

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  void onStart(@Observes @Priority(1) StartupEvent event, Config config) {
    boolean enabled = config.getOptionalValue(ENABLED, Boolean.class).orElse(true);
    String host = config.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
    check(
        enabled,
        host,
        first(
            config,
            "mp.jwt.verify.publickey.location",
            "smallrye.jwt.verify.key.location",
            PUBLIC_KEY_LOCATION),
        first(config, "mp.jwt.verify.publickey", "smallrye.jwt.verify.key"));
    if (enabled) {
      LOG.infof(
          "Authentication is on: JWT bearer tokens (RS256, issuer %s) with roles %s",
          config.getOptionalValue("mp.jwt.verify.issuer", String.class).orElse("(any)"), Roles.ALL);
    } else {
      LOG.warnf(
          "Authentication is OFF (%s=false): every request acts as %s with every role. Listening"
              + " on %s only.",
          ENABLED, LocalAdminIdentityProvider.PRINCIPAL, host);
    }
  }

  private static Optional<String> first(Config config, String... names) {
    for (String name : names) {
      Optional<String> value = config.getOptionalValue(name, String.class);
      if (value.isPresent() && !value.get().isBlank() && !value.get().equals("NONE")) {
        return value;
      }
    }
    return Optional.empty();
  }

  /**
   * Throws {@link IllegalStateException} with what to do when the combination is not allowed.
   *
   * @param enabled {@value #ENABLED}
   * @param host {@code quarkus.http.host}
   * @param keyLocation where the verification key is, if configured
   * @param inlineKey the verification key itself, if configured
   */
  public static void check(
      boolean enabled, String host, Optional<String> keyLocation, Optional<String> inlineKey) {
    if (!enabled) {
      if (!isLoopback(host)) {
        throw new IllegalStateException(
            "Refusing to start: authentication is off ("
                + ENABLED
                + "=false, env TRAINYARD_AUTH_ENABLED) but quarkus.http.host is '"
                + host
                + "', not a loopback address. Without auth a service may only listen on"
                + " 127.0.0.1, ::1 or localhost: set QUARKUS_HTTP_HOST=127.0.0.1, or turn auth on.");
      }
      return;
    }
    if (keyLocation.isEmpty() && inlineKey.isEmpty()) {
      throw new IllegalStateException(
          "Refusing to start: authentication is on ("
              + ENABLED
              + "=true) but no public key to verify tokens with is configured. Set "
              + PUBLIC_KEY_LOCATION
              + " (env TRAINYARD_AUTH_PUBLIC_KEY_LOCATION) to a PEM public key, e.g."
              + " ~/.trainyard/auth/public-key.pem written by ./trainyard; or, on a loopback"
              + " address only, turn auth off with TRAINYARD_AUTH_ENABLED=false.");
    }
    keyLocation.flatMap(AuthStartupCheck::localFile).ifPresent(AuthStartupCheck::requireReadable);
  }

  /** The file a key location names, when it names one on this machine. */
  static Optional<Path> localFile(String location) {
    String value = location.trim();
    if (value.startsWith("file:")) {
      return Optional.of(Path.of(URI.create(value)));
    }
    if (value.startsWith("/")) {
      return Optional.of(Path.of(value));
    }
    return Optional.empty(); // a classpath resource or a URL (a JWKS endpoint, say)
  }

  private static void requireReadable(Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalStateException(
          "Refusing to start: authentication is on but the public key file "
              + file
              + " ("
              + PUBLIC_KEY_LOCATION
              + ") does not exist or cannot be read.");
    }
  }

  /**
   * Whether {@code host} is a loopback address: {@code localhost}, 127.0.0.0/8 or ::1. Host names
   * other than localhost are not resolved and do not count: a name can resolve differently later.
   */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost")) {
      return true;
    }
    if (!IPV4.matcher(h).matches() && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
