package io.trainyard.console.proxy;

import io.trainyard.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Forwards a request to the service that owns its path and streams the answer back. Bodies are
 * streamed both ways, so a dataset upload through the console is never held in memory. The caller's
 * {@code Authorization} header is passed on: the owner decides who may do what.
 *
 * <p>The answer is passed on as it arrives, not only when a buffer fills: whatever the owner sent
 * is flushed to the caller as soon as no more is waiting ({@link #relay}), so a server-sent event
 * stream such as {@code GET /api/v1/runs/{id}/progress} reaches the caller event by event. The
 * forwarding worker thread is blocked (not busy) while it waits for the owner. When the caller goes
 * away, the proxy notices when the owner next sends something and closes the upstream connection,
 * which ends the owner's stream: for a progress stream, within one keep-alive interval (15 s).
 */
@ApplicationScoped
public class ApiProxy {
  private static final Logger LOG = Logger.getLogger(ApiProxy.class);

  /** Hop-by-hop headers and those the HTTP client sets itself are never copied. */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "expect",
          "http2-settings");

  private final Upstreams upstreams;
  private final RouteTable routes;
  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  public ApiProxy(Upstreams upstreams) {
    this.upstreams = upstreams;
    this.routes = new RouteTable(upstreams.services());
  }

  /** The owner of {@code method path}, if the console forwards it. */
  public Optional<String> ownerOf(String method, String path) {
    return routes.ownerOf(method, path);
  }

  /**
   * Forwards the request to {@code owner}.
   *
   * @param callerGone whether the caller's connection has closed (checked as the answer is relayed)
   * @throws ProblemException 502 when the owner does not answer
   */
  public Response forward(
      String owner,
      String method,
      UriInfo uri,
      HttpHeaders headers,
      InputStream body,
      BooleanSupplier callerGone) {
    URI target = upstreams.baseOf(owner).resolve(relative(uri.getRequestUri()));
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofInputStream(() -> body);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target).method(method, publisher).timeout(Duration.ofMinutes(10));
    for (Map.Entry<String, List<String>> header : headers.getRequestHeaders().entrySet()) {
      if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        header.getValue().forEach(value -> request.header(header.getKey(), value));
      }
    }
    request.header("X-Forwarded-Host", uri.getRequestUri().getAuthority());
    request.header("X-Forwarded-Proto", uri.getRequestUri().getScheme());
    HttpResponse<InputStream> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      LOG.warnf("%s %s: %s does not answer (%s)", method, target, owner, e.toString());
      throw unavailable(owner, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(owner, e);
    }
    Response.ResponseBuilder answer = Response.status(response.statusCode());
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(value -> answer.header(name, value));
              }
            });
    InputStream upstream = response.body();
    return answer.entity((StreamingOutput) out -> relay(upstream, out, callerGone)).build();
  }

  /**
   * Copies {@code upstream} to {@code out}, flushing whenever nothing more is waiting upstream, so
   * a stream reaches the caller as it is produced while a large body still goes out in full
   * buffers. The upstream is closed at the end, when writing fails, or when the caller has gone: a
   * write to a closed connection does not always fail, so {@code callerGone} is asked after every
   * read.
   */
  static void relay(InputStream upstream, OutputStream out, BooleanSupplier callerGone)
      throws IOException {
    try (InputStream in = upstream) {
      byte[] buffer = new byte[16 * 1024];
      int read;
      while ((read = in.read(buffer)) != -1) {
        if (callerGone.getAsBoolean()) {
          LOG.debug("the caller has gone: closing the upstream answer");
          return;
        }
        out.write(buffer, 0, read);
        if (in.available() == 0) {
          out.flush();
        }
      }
    }
  }

  /** The request's path and query, relative, so it resolves against the upstream base. */
  private static String relative(URI requestUri) {
    String path = requestUri.getRawPath();
    String query = requestUri.getRawQuery();
    return (path.startsWith("/") ? path.substring(1) : path) + (query == null ? "" : "?" + query);
  }

  private static ProblemException unavailable(String owner, Exception cause) {
    return new ProblemException(
        502,
        "urn:trainyard:problem:upstream-unavailable",
        "Service unavailable",
        owner + " is not reachable: " + cause);
  }
}
