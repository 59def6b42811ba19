package io.trainyard.console;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a service behind the console, used only to see what the proxy forwards. (The real
 * services are reached through the console in system-tests' LauncherIT.)
 */
final class FakeUpstream implements AutoCloseable {
  record Seen(String method, String pathAndQuery, String authorization, String body) {}

  final List<Seen> seen = new CopyOnWriteArrayList<>();

  /**
   * Per run id, what holds back the rest of its event stream after the first event ({@link
   * #streamProgress}); counted down by the test.
   */
  final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();

  /** Per run id of a {@code leave-} stream: completed when a write to the console failed. */
  final Map<String, CompletableFuture<String>> callerGone = new ConcurrentHashMap<>();

  private final HttpServer server;
  // Streams block their handler thread: each exchange gets a thread of its own.
  private final ExecutorService threads = Executors.newCachedThreadPool();

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
    server.createContext("/api/v1/runs/", this::streamProgress);
    server.setExecutor(threads);
    server.start();
  }

  /**
   * {@code GET /api/v1/runs/{id}/progress} as training answers it, in steps a test controls: the
   * first event at once, the rest only once the test counts down {@code holds.get(id)}. A run id
   * starting with {@code leave-} instead sends a keep-alive comment every 100 ms after the first
   * event until a write fails (the console closed the connection), for at most 30 s.
   */
  private void streamProgress(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
    String[] segments = exchange.getRequestURI().getPath().split("/");
    String runId = segments[4];
    seen.add(
        new Seen(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            exchange.getRequestHeaders().getFirst("Authorization"),
            ""));
    CountDownLatch hold = holds.computeIfAbsent(runId, id -> new CountDownLatch(1));
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.getResponseHeaders().add("X-Upstream", "fake");
    exchange.sendResponseHeaders(200, 0); // chunked
    OutputStream out = exchange.getResponseBody();
    try {
      write(out, ": run " + runId + " running\n\nid: 1\nevent: progress\ndata: {\"epoch\":1}\n\n");
      if (runId.startsWith("leave-")) {
        CompletableFuture<String> gone =
            callerGone.computeIfAbsent(runId, id -> new CompletableFuture<>());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
          while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            write(out, ":keep-alive\n\n");
          }
        } catch (IOException e) {
          gone.complete(e.toString());
        }
        return;
      }
      if (hold.await(30, TimeUnit.SECONDS)) {
        write(out, "id: 2\nevent: progress\ndata: {\"epoch\":2}\n\n");
        write(out, "id: ended\nevent: ended\ndata: {\"status\":\"succeeded\"}\n\n");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      exchange.close();
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
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
    threads.shutdownNow();
  }
}
