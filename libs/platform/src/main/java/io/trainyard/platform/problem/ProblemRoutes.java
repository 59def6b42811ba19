package io.trainyard.platform.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

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
    // Last: only requests that no other route (REST, /q/*) handled reach it.
    router.route().order(Integer.MAX_VALUE).handler(this::notFound);
    // First among failure handlers, so that the HTTP layer answers with problems too.
    router.route().order(Integer.MIN_VALUE).failureHandler(this::failure);
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
