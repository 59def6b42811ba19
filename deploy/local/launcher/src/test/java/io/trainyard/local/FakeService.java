package io.trainyard.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;

/**
 * Stands in for a packaged service in LocalStackIT: binds {@code QUARKUS_HTTP_HOST:
 * QUARKUS_HTTP_PORT} after a second, answers 200 on {@code /q/health/ready}, and shows its
 * environment and JVM arguments on {@code /env}. A file named {@code fail} in its working directory
 * makes it exit at once, as a service with a broken configuration would.
 */
public final class FakeService {

  private FakeService() {}

  public static void main(String[] args) throws Exception {
    if (Files.exists(Path.of("fail"))) {
      System.out.println("FakeService: refusing to start (a file named 'fail' is here)");
      System.exit(3);
    }
    Thread.sleep(1000);
    String host = System.getenv("QUARKUS_HTTP_HOST");
    int port = Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"));
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 50);
    server.createContext(
        "/q/health/ready", exchange -> reply(exchange, 200, "{\"status\":\"UP\"}"));
    server.createContext(
        "/env",
        exchange -> {
          StringBuilder body = new StringBuilder();
          new TreeMap<>(System.getenv())
              .forEach((k, v) -> body.append(k).append('=').append(v).append('\n'));
          for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            body.append("jvm ").append(arg).append('\n');
          }
          body.append("cwd ").append(Path.of("").toAbsolutePath()).append('\n');
          reply(exchange, 200, body.toString());
        });
    server.start();
    System.out.println("FakeService: listening on " + host + ":" + port);
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
