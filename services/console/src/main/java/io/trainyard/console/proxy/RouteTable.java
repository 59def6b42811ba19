package io.trainyard.console.proxy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which service owns an {@code /api/v1} path, per the architecture's table of paths and owners. The
 * console answers the pipeline specs and the command endpoints itself; every other path is
 * forwarded to its owner, so users need one URL.
 */
public final class RouteTable {

  private static final Set<String> ALL_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
  private static final String NAME = "[^/]+";

  private record Route(Pattern path, Set<String> methods, String owner) {}

  private static final List<Route> ROUTES =
      List.of(
          route("/api/v1/pipelines/" + NAME + "/datasets(/.*)?", ALL_METHODS, "ingestion"),
          route("/api/v1/pipelines/" + NAME + "/labeling(/.*)?", ALL_METHODS, "labeling"),
          route("/api/v1/labeling(/.*)?", ALL_METHODS, "labeling"),
          route("/api/v1/pipelines/" + NAME + "/runs", READ_METHODS, "training"),
          route("/api/v1/runs(/.*)?", READ_METHODS, "training"),
          route("/api/v1/pipelines/" + NAME + "/models(/.*)?", ALL_METHODS, "evaluation"),
          route("/api/v1/pipelines/" + NAME + "/aliases/.+", READ_METHODS, "evaluation"),
          route("/api/v1/pipelines/" + NAME + "/drift(/.*)?", ALL_METHODS, "drift-monitor"),
          route("/api/v1/pipelines/" + NAME + "/retrain", Set.of("POST"), "drift-monitor"));

  private static final Pattern SERVICE_INFO = Pattern.compile("/api/v1/services/(" + NAME + ")");

  private final Set<String> services;

  /**
   * @param services the services that exist; {@code /api/v1/services/{service}} is routed to the
   *     named one only if it is among them
   */
  public RouteTable(Set<String> services) {
    this.services = Set.copyOf(services);
  }

  private static Route route(String regex, Set<String> methods, String owner) {
    return new Route(Pattern.compile(regex), methods, owner);
  }

  /** The service that owns {@code method path}, or empty if no service does. */
  public Optional<String> ownerOf(String method, String path) {
    String upper = method.toUpperCase(java.util.Locale.ROOT);
    var info = SERVICE_INFO.matcher(path);
    if (info.matches()) {
      return READ_METHODS.contains(upper) && services.contains(info.group(1))
          ? Optional.of(info.group(1))
          : Optional.empty();
    }
    for (Route route : ROUTES) {
      if (route.path().matcher(path).matches() && route.methods().contains(upper)) {
        return Optional.of(route.owner());
      }
    }
    return Optional.empty();
  }
}
