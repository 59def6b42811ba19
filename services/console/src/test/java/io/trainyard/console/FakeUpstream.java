package io.trainyard.console;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a service behind the console, used only to see what the proxy forwards. (The real
 * services are reached through the console in system-tests' LauncherIT.)
 */
final class FakeUpstream implements AutoCloseable {
  record Seen(String method, String pathAndQuery, String authorization, String body) {}

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  FakeUpstream() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String query = exchange.getRequestURI().getRawQuery();
          seen.add(
              new Seen(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query),
                  exchange.getRequestHeaders().getFirst("Authorization"),
                  body));
          byte[] answer = ("{\"echo\":" + body.length() + "}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.getResponseHeaders().add("X-Upstream", "fake");
          exchange.sendResponseHeaders(207, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A URL where nothing listens. */
  static String deadUrl() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, String> asIngestion() {
    return Map.of("trainyard.console.upstream.ingestion", url());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
