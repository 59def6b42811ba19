package io.trainyard.platform.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 7807 (RFC 9457) problem: the body of every error response a Trainyard service sends, as
 * {@value #MEDIA_TYPE}.
 *
 * @param type a URI naming the kind of problem; {@value Types#ABOUT_BLANK} when the HTTP status
 *     says it all (the title is then the status phrase)
 * @param title a short summary of the kind of problem, the same for every occurrence
 * @param status the HTTP status code
 * @param detail what went wrong this time, for a human
 * @param instance the path of the request that failed
 * @param errorId for 500s only: the id under which the server logged the failure
 * @param errors for validation problems: one entry per invalid field
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "title", "status", "detail", "instance", "errorId", "errors"})
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    String errorId,
    List<FieldError> errors) {

  /** The media type of problem responses. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** The problem types Trainyard itself uses. Services may define their own URNs alike. */
  public static final class Types {
    /** No more specific type than the HTTP status (RFC 7807 section 4.2). */
    public static final String ABOUT_BLANK = "about:blank";

    /** A request field or parameter broke a constraint; see {@code errors}. */
    public static final String VALIDATION = "urn:trainyard:problem:validation";

    /** The request body is not JSON, or not JSON of the expected shape; see {@code errors}. */
    public static final String MALFORMED_BODY = "urn:trainyard:problem:malformed-body";

    /** An argument the server was given is invalid. */
    public static final String INVALID_ARGUMENT = "urn:trainyard:problem:invalid-argument";

    /** The server failed; the detail is generic and {@code errorId} names the log entry. */
    public static final String INTERNAL_ERROR = "urn:trainyard:problem:internal-error";

    private Types() {}
  }

  /**
   * One invalid field of a request.
   *
   * @param field the field's path in the body ({@code items[0].name}), or the name of the query,
   *     path or header parameter
   * @param pointer the JSON Pointer (RFC 6901) of the field in the request body, e.g. {@code
   *     /items/0/name}; absent for parameters
   * @param message what is wrong with it
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"field", "pointer", "message"})
  public record FieldError(String field, String pointer, String message) {
    public FieldError {
      Objects.requireNonNull(message, "message");
    }
  }

  public Problem {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    errors = errors == null ? null : List.copyOf(errors);
  }

  /** A problem of type {@value Types#ABOUT_BLANK} whose title is the status phrase. */
  public static Problem of(int status, String detail, String instance) {
    return new Problem(Types.ABOUT_BLANK, title(status), status, detail, instance, null, null);
  }

  /** This problem for another request path. */
  public Problem withInstance(String instance) {
    return new Problem(type, title, status, detail, instance, errorId, errors);
  }

  /** The reason phrase of an HTTP status, e.g. {@code Not Found}; {@code HTTP 499} if unknown. */
  public static String title(int status) {
    Response.Status known = Response.Status.fromStatusCode(status);
    if (known != null) {
      return known.getReasonPhrase();
    }
    return switch (status) {
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      default -> "HTTP " + status;
    };
  }
}
