package io.trainyard.platform.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Writes problems as {@code application/problem+json}; one place for every error path. */
public final class Problems {
  private static final Logger LOG = Logger.getLogger(Problems.class);

  /** What a 500 says: nothing about the cause, everything about how to find it in the logs. */
  static final String INTERNAL_DETAIL =
      "The server failed to handle the request. Quote the errorId when you report it.";

  private Problems() {}

  /** The problem as JSON text. */
  public static String json(ObjectMapper mapper, Problem problem) {
    try {
      return mapper.writeValueAsString(problem);
    } catch (JsonProcessingException e) {
      // A record of strings and ints always serializes; keep a valid body regardless.
      return "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500}";
    }
  }

  /** A JAX-RS response carrying {@code problem}. */
  public static Response response(ObjectMapper mapper, Problem problem) {
    return builder(mapper, problem).build();
  }

  /** A JAX-RS response carrying {@code problem}, to add headers to. */
  public static Response.ResponseBuilder builder(ObjectMapper mapper, Problem problem) {
    return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(json(mapper, problem));
  }

  /**
   * A 500 for an unexpected failure: logs it (with its stack trace) under a new error id, and
   * answers with that id and a generic detail, never the exception's message.
   */
  public static Problem internalError(Throwable failure, String method, String path) {
    return internalError(failure, method, path, 500);
  }

  static Problem internalError(Throwable failure, String method, String path, int status) {
    String errorId = UUID.randomUUID().toString();
    LOG.errorf(failure, "errorId %s: %s %s failed with %s", errorId, method, path, failure);
    return new Problem(
        Problem.Types.INTERNAL_ERROR,
        Problem.title(status),
        status,
        INTERNAL_DETAIL,
        path,
        errorId,
        null);
  }

  /** A 400 for a request that broke constraints, one {@code errors} entry per field. */
  public static Problem validation(String detail, List<Problem.FieldError> errors, String path) {
    return new Problem(
        Problem.Types.VALIDATION, "Invalid request", 400, detail, path, null, errors);
  }
}
