package io.trainyard.platform.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Problems for what never reaches a REST endpoint: a path no route answers (404) and failures of
 * the HTTP layer itself (a body too large, a failing non-REST route, an authentication failure
 * outside JAX-RS).
 */
@ApplicationScoped
public class ProblemRoutes {

  private final ObjectMapper mapper;

  public ProblemRoutes(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  void register(@Observes Router router) {
    // Just before Quarkus's own check of a declared Content-Length (which answers an empty 413).
    bodyLimit()
        .ifPresent(
            limit ->
                router
                    .route()
                    .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
                    .handler(ctx -> bodyLimit(ctx, limit)));
    // Last: only requests that no other route (REST, /q/*) handled reach it.
    router.route().order(Integer.MAX_VALUE).handler(this::notFound);
    // First among failure handlers, so that the HTTP layer answers with problems too.
    router.route().order(Integer.MIN_VALUE).failureHandler(this::failure);
  }

  /** The setting of a service's own body limit, which a streaming endpoint enforces as it reads. */
  public static final String BODY_LIMIT = "trainyard.http.max-body-size";

  /**
   * The body limit: {@value #BODY_LIMIT} when the service sets it (and sets Quarkus's own limit
   * higher, so that a chunked body over it gets a problem from the endpoint, not Quarkus's empty
   * 413), else {@code quarkus.http.limits.max-body-size}.
   */
  public static java.util.Optional<Long> bodyLimit() {
    var config = ConfigProvider.getConfig();
    return config
        .getOptionalValue(BODY_LIMIT, MemorySize.class)
        .or(() -> config.getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class))
        .map(MemorySize::asLongValue);
  }

  /**
   * The 413 problem for a body over the limit: {@code length} bytes declared, or -1 when the limit
   * was passed while reading a body of undeclared length.
   */
  public static ProblemException tooLarge(long length, long limit) {
    return ProblemException.of(
        413,
        (length >= 0 ? "The body of " + length + " bytes" : "The body")
            + " is over this service's limit of "
            + limit
            + " bytes ("
            + (ConfigProvider.getConfig().getOptionalValue(BODY_LIMIT, String.class).isPresent()
                ? BODY_LIMIT
                : "quarkus.http.limits.max-body-size")
            + ").");
  }

  /** A 413 problem for a body whose declared length is over the limit, before it is read. */
  void bodyLimit(RoutingContext ctx, long limit) {
    String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    long length;
    try {
      length = declared == null ? -1 : Long.parseLong(declared.trim());
    } catch (NumberFormatException e) {
      length = -1; // left to the HTTP layer
    }
    if (length <= limit) {
      ctx.next();
      return;
    }
    String path = ctx.request().path();
    ctx.response().headers().set(HttpHeaders.CONNECTION, "close");
    send(ctx, Problem.of(413, tooLarge(length, limit).getMessage(), path), null);
  }

  void notFound(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    String path = ctx.request().path();
    send(ctx, Problem.of(404, "Nothing here: " + path + ".", path), null);
  }

  void failure(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    Throwable failure = ctx.failure();
    String path = ctx.request().path();
    String method = ctx.request().method().name();
    if (failure instanceof UnauthorizedException
        || (failure instanceof AuthenticationFailedException
            && ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null)) {
      send(
          ctx,
          Problem.of(401, method + " " + path + " needs a bearer token.", path),
          ProblemMappers.BEARER_CHALLENGE);
      return;
    }
    if (failure instanceof AuthenticationFailedException) {
      send(
          ctx,
          Problem.of(401, "The bearer token was rejected.", path),
          ProblemMappers.INVALID_TOKEN_CHALLENGE);
      return;
    }
    if (failure instanceof ForbiddenException) {
      send(
          ctx, Problem.of(403, "Your roles do not allow " + method + " " + path + ".", path), null);
      return;
    }
    int status = ctx.statusCode();
    if (failure == null && status >= 400 && status < 500) {
      send(
          ctx,
          Problem.of(status, Problem.title(status) + ": " + method + " " + path + ".", path),
          null);
      return;
    }
    Throwable cause = failure != null ? failure : new IllegalStateException("HTTP " + status);
    send(ctx, Problems.internalError(cause, method, path), null);
  }

  private void send(RoutingContext ctx, Problem problem, String challenge) {
    var response = ctx.response().setStatusCode(problem.status());
    response.headers().set(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
    if (challenge != null) {
      response.headers().set("WWW-Authenticate", challenge);
    }
    response.end(Problems.json(mapper, problem));
  }
}
