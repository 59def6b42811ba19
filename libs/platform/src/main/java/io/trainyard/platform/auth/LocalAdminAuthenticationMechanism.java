package io.trainyard.platform.auth;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * With auth off ({@code trainyard.auth.enabled=false}), authenticates every request as the local
 * admin, so that {@code @RolesAllowed} endpoints work unchanged; with auth on it steps aside and
 * the JWT bearer mechanism authenticates. It runs before the JWT mechanism (higher priority).
 *
 * <p>Why a mechanism and not an augmentor: an augmentor only decorates an identity that some
 * mechanism already produced, so granting admin there would mean rewriting the anonymous identity
 * into an authenticated one behind the authentication layer's back. Producing the identity is the
 * job of an authentication mechanism; this one goes through the {@link IdentityProviderManager}
 * like any other, so augmentors and security events see it as a normal login.
 */
@ApplicationScoped
public class LocalAdminAuthenticationMechanism implements HttpAuthenticationMechanism {

  /** Above the JWT mechanism's default (1000). */
  static final int PRIORITY = 2000;

  private final boolean authEnabled;

  public LocalAdminAuthenticationMechanism(
      @ConfigProperty(name = AuthStartupCheck.ENABLED, defaultValue = "true") boolean authEnabled) {
    this.authEnabled = authEnabled;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identityProviderManager) {
    if (authEnabled) {
      return Uni.createFrom().nullItem();
    }
    return identityProviderManager.authenticate(
        HttpSecurityUtils.setRoutingContextAttribute(
            new LocalAdminAuthenticationRequest(), context));
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    return Uni.createFrom().nullItem();
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(LocalAdminAuthenticationRequest.class);
  }

  @Override
  public int getPriority() {
    return PRIORITY;
  }
}
