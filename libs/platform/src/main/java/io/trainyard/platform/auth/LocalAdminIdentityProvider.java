package io.trainyard.platform.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Turns a {@link LocalAdminAuthenticationRequest} into the identity {@value #PRINCIPAL} with the
 * role {@code admin} (which implies every other role); refuses it while auth is on.
 */
@ApplicationScoped
public class LocalAdminIdentityProvider
    implements IdentityProvider<LocalAdminAuthenticationRequest> {

  /** The name every request carries while auth is off. */
  public static final String PRINCIPAL = "local-admin";

  private final boolean authEnabled;

  public LocalAdminIdentityProvider(
      @ConfigProperty(name = AuthStartupCheck.ENABLED, defaultValue = "true") boolean authEnabled) {
    this.authEnabled = authEnabled;
  }

  @Override
  public Class<LocalAdminAuthenticationRequest> getRequestType() {
    return LocalAdminAuthenticationRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      LocalAdminAuthenticationRequest request, AuthenticationRequestContext context) {
    if (authEnabled) {
      return Uni.createFrom()
          .failure(new AuthenticationFailedException("the local admin exists only with auth off"));
    }
    return Uni.createFrom()
        .item(
            QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(PRINCIPAL))
                .addRoles(Roles.implied(java.util.Set.of(Roles.ADMIN)))
                .build());
  }
}
