package io.trainyard.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal server-sent events client for tests: it sends a GET, and when the answer is a {@code
 * text/event-stream} reads it line by line on a thread of its own, per the HTML specification's
 * parsing rules (fields {@code id}, {@code event}, {@code data}; comment lines starting with {@code
 * :}), so a test can wait for each event with a timeout and see the end of the stream.
 *
 * <pre>{@code
 * try (SseClient sse = SseClient.get(uri, Map.of("Authorization", token))) {
 *   SseClient.Event first = sse.nextEvent(Duration.ofSeconds(10)).orElseThrow();
 * }
 * }</pre>
 *
 * <p>Comments are delivered as events of their own ({@link Event#isComment()}). {@link #close()}
 * closes the connection, as a browser leaving the page would.
 */
public final class SseClient implements AutoCloseable {

  /**
   * One dispatched event, or one comment line.
   *
   * @param id the {@code id} field (null when the event had none)
   * @param name the {@code event} field (null when none: a {@code message})
   * @param data the {@code data} lines joined with newlines (null for a comment)
   * @param comment the comment's text, without the colon and one leading space; null for an event
   */
  public record Event(String id, String name, String data, String comment) {
    public boolean isComment() {
      return comment != null;
    }
  }

  private static final Object END = new Object();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final HttpResponse<InputStream> response;
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final Thread reader;

  private SseClient(HttpResponse<InputStream> response) {
    this.response = response;
    if (isEventStream()) {
      reader = new Thread(this::read, "sse-client " + response.uri().getPath());
      reader.setDaemon(true);
      reader.start();
    } else {
      reader = null;
    }
  }

  /** GETs {@code uri} with {@code Accept: text/event-stream} and {@code headers}. */
  public static SseClient get(URI uri, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream");
    headers.forEach(request::header);
    try {
      return new SseClient(CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The answer's status. */
  public int status() {
    return response.statusCode();
  }

  /** The answer's first value of header {@code name}; empty when it has none. */
  public Optional<String> header(String name) {
    return response.headers().firstValue(name);
  }

  /** Whether the answer is {@code text/event-stream}. */
  public boolean isEventStream() {
    return header("Content-Type").map(type -> type.startsWith("text/event-stream")).orElse(false);
  }

  /** The whole body of an answer that is not an event stream (a problem, say). */
  public String body() {
    if (reader != null) {
      throw new IllegalStateException("the answer is an event stream; read it with next()");
    }
    try (InputStream in = response.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The next event or comment; empty at the end of the stream.
   *
   * @throws AssertionError when nothing arrives within {@code timeout}, or reading failed
   */
  public Optional<Event> next(Duration timeout) {
    if (reader == null) {
      throw new IllegalStateException("the answer is not an event stream: " + status());
    }
    Object item;
    try {
      item = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    if (item == null) {
      throw new AssertionError("nothing arrived within " + timeout);
    }
    if (item == END) {
      received.add(END); // the end stays the end
      return Optional.empty();
    }
    if (item instanceof IOException e) {
      received.add(e);
      throw new AssertionError("reading the stream failed: " + e, e);
    }
    return Optional.of((Event) item);
  }

  /** The next event that is not a comment; empty at the end of the stream. */
  public Optional<Event> nextEvent(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      Optional<Event> event = next(left);
      if (event.isEmpty() || !event.get().isComment()) {
        return event;
      }
    }
  }

  /**
   * Every event (not comments) until the end of the stream, which must come within {@code timeout}.
   */
  public List<Event> eventsToEnd(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Event> events = new ArrayList<>();
    while (true) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      Optional<Event> event = nextEvent(left);
      if (event.isEmpty()) {
        return events;
      }
      events.add(event.get());
    }
  }

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      String name = null;
      StringBuilder data = null;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            received.add(new Event(id, name, data.toString(), null));
          }
          // The id persists (the last event id); the name and data are per event.
          name = null;
          data = null;
          continue;
        }
        int colon = line.indexOf(':');
        if (colon == 0) {
          received.add(new Event(null, null, null, stripOneSpace(line.substring(1))));
          continue;
        }
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : stripOneSpace(line.substring(colon + 1));
        switch (field) {
          case "id" -> id = value;
          case "event" -> name = value;
          case "data" ->
              data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          default -> {
            // retry and unknown fields: ignored
          }
        }
      }
      received.add(END);
    } catch (IOException e) {
      received.add(e);
    }
  }

  private static String stripOneSpace(String value) {
    return value.startsWith(" ") ? value.substring(1) : value;
  }

  /** Closes the connection. */
  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException e) {
      // closing anyway
    }
    if (reader != null) {
      reader.interrupt();
    }
  }
}
