package io.trainyard.local.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Development tokens: compact JWS (RFC 7515) JWTs signed RS256 with the JDK alone. Claims: {@code
 * iss} ({@value #ISSUER}), {@code sub} and {@code upn} (the subject), {@code groups} (the roles),
 * {@code iat}, {@code exp} and {@code jti}: what the services' MicroProfile JWT verification needs.
 */
public final class DevTokens {
  /** The issuer the services expect ({@code trainyard.auth.issuer}). */
  public static final String ISSUER = "trainyard";

  /** The roles a service knows. */
  public static final List<String> ROLES = List.of("admin", "ops", "annotator", "viewer");

  /** The lifetime of a token when none is asked for. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(8);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private DevTokens() {}

  /**
   * A signed token for {@code subject} with {@code roles}, issued at {@code issuedAt} and valid for
   * {@code ttl} (a negative ttl makes an already expired token, for tests).
   *
   * @throws IllegalArgumentException for an unknown role, no role or a blank subject
   */
  public static String mint(
      PrivateKey key, String subject, List<String> roles, Instant issuedAt, Duration ttl) {
    return mint(key, ISSUER, subject, roles, issuedAt, ttl);
  }

  /** {@link #mint(PrivateKey, String, List, Instant, Duration)} with another issuer. */
  public static String mint(
      PrivateKey key,
      String issuer,
      String subject,
      List<String> roles,
      Instant issuedAt,
      Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(ttl, "ttl");
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("the subject is empty");
    }
    checkRoles(roles);
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "RS256");
    header.put("typ", "JWT");
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", subject);
    claims.put("upn", subject);
    claims.put("groups", List.copyOf(roles));
    claims.put("iat", issuedAt.getEpochSecond());
    claims.put("exp", issuedAt.plus(ttl).getEpochSecond());
    claims.put("jti", UUID.randomUUID().toString());
    try {
      String signingInput =
          B64URL.encodeToString(JSON.writeValueAsBytes(header))
              + "."
              + B64URL.encodeToString(JSON.writeValueAsBytes(claims));
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(key);
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64URL.encodeToString(rs256.sign());
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot sign a token: " + e, e);
    }
  }

  /**
   * @throws IllegalArgumentException unless {@code roles} is a non-empty list of known roles
   */
  public static void checkRoles(List<String> roles) {
    if (roles == null || roles.isEmpty()) {
      throw new IllegalArgumentException("name at least one role: " + String.join(", ", ROLES));
    }
    for (String role : roles) {
      if (!ROLES.contains(role)) {
        throw new IllegalArgumentException(
            "unknown role '" + role + "'; the roles are " + String.join(", ", ROLES));
      }
    }
  }
}
