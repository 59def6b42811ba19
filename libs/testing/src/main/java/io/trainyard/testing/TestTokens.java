package io.trainyard.testing;

import io.trainyard.local.auth.DevKeys;
import io.trainyard.local.auth.DevTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Bearer tokens for tests, signed by a test key pair that {@link TrainyardStackResource} makes the
 * service under test trust ({@code trainyard.auth.public-key-location}).
 *
 * <pre>{@code
 * given().header("Authorization", TestTokens.bearer("ops")).post("/api/v1/...")
 * }</pre>
 *
 * <p>The key pair is created once per JVM, in {@code target/trainyard-test-auth} (or a temporary
 * directory), and found again through a system property: Quarkus tests load classes in several
 * class loaders, and every one of them must sign with the key the service verifies with.
 */
public final class TestTokens {
  /** The system property naming the directory of this JVM's test key pair. */
  public static final String KEY_DIR_PROPERTY = "trainyard.test.auth.dir";

  /** The subject of tokens that do not name one. */
  public static final String SUBJECT = "test-user";

  private TestTokens() {}

  /** {@code Bearer <token>} for a token with {@code roles}, valid for an hour. */
  public static String bearer(String... roles) {
    return "Bearer " + token(roles);
  }

  /** A token with {@code roles}, valid for an hour. */
  public static String token(String... roles) {
    return token(SUBJECT, Duration.ofHours(1), roles);
  }

  /** A token for {@code subject}; a negative {@code ttl} gives a token that has expired. */
  public static String token(String subject, Duration ttl, String... roles) {
    return DevTokens.mint(keys().getPrivate(), subject, List.of(roles), Instant.now(), ttl);
  }

  /** A token with {@code roles} that expired ten minutes ago (beyond any clock skew allowance). */
  public static String expired(String... roles) {
    return DevTokens.mint(
        keys().getPrivate(),
        SUBJECT,
        List.of(roles),
        Instant.now().minus(Duration.ofHours(1)),
        Duration.ofMinutes(50));
  }

  /** A well-formed token with {@code roles} signed by a key the service does not trust. */
  public static String signedByAnotherKey(String... roles) {
    KeyPair stranger = DevKeys.loadOrCreate(keyDir().resolve("stranger"));
    return DevTokens.mint(
        stranger.getPrivate(), SUBJECT, List.of(roles), Instant.now(), Duration.ofHours(1));
  }

  /** A token with {@code roles} from another issuer than {@code trainyard}. */
  public static String fromAnotherIssuer(String... roles) {
    return DevTokens.mint(
        keys().getPrivate(),
        "someone-else",
        SUBJECT,
        List.of(roles),
        Instant.now(),
        Duration.ofHours(1));
  }

  /** The PEM public key services under test verify tokens with. */
  public static Path publicKeyFile() {
    Path dir = keyDir();
    DevKeys.loadOrCreate(dir);
    return DevKeys.publicKeyFile(dir);
  }

  private static KeyPair keys() {
    return DevKeys.loadOrCreate(keyDir());
  }

  /** This JVM's key directory, chosen (and recorded in a system property) on first use. */
  static Path keyDir() {
    synchronized (System.getProperties()) {
      String dir = System.getProperty(KEY_DIR_PROPERTY);
      if (dir == null) {
        try {
          Path target = Path.of("target");
          Path chosen =
              Files.isDirectory(target)
                  ? target.resolve("trainyard-test-auth").toAbsolutePath()
                  : Files.createTempDirectory("trainyard-test-auth");
          dir = chosen.toString();
          System.setProperty(KEY_DIR_PROPERTY, dir);
        } catch (IOException e) {
          throw new IllegalStateException("cannot create a directory for the test key: " + e, e);
        }
      }
      return Path.of(dir);
    }
  }
}
