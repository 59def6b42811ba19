package io.trainyard.platform.problem;

import java.util.List;
import java.util.Objects;

/**
 * Thrown by service code to answer with a specific problem: its own status, type, title, detail and
 * field errors. The platform turns it into an {@code application/problem+json} response whose
 * {@code instance} is the request path.
 *
 * <pre>{@code
 * throw ProblemException.notFound("No pipeline named " + name);
 * throw new ProblemException(409, "urn:trainyard:problem:version-conflict", "Version conflict",
 *     "Version 3 of card-fraud already exists");
 * }</pre>
 */
public class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;
  private final String title;
  private final transient List<Problem.FieldError> errors;

  /** A problem of its own type. */
  public ProblemException(int status, String type, String title, String detail) {
    this(status, type, title, detail, null);
  }

  /** A problem of its own type, with field errors. */
  public ProblemException(
      int status, String type, String title, String detail, List<Problem.FieldError> errors) {
    super(detail);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a problem has a 4xx or 5xx status, not " + status);
    }
    this.status = status;
    this.type = Objects.requireNonNull(type, "type");
    this.title = Objects.requireNonNull(title, "title");
    this.errors = errors == null ? null : List.copyOf(errors);
  }

  /** A problem that the status says all about ({@code about:blank}, title = status phrase). */
  public static ProblemException of(int status, String detail) {
    return new ProblemException(status, Problem.Types.ABOUT_BLANK, Problem.title(status), detail);
  }

  /** 400. */
  public static ProblemException badRequest(String detail) {
    return of(400, detail);
  }

  /** 404. */
  public static ProblemException notFound(String detail) {
    return of(404, detail);
  }

  /** 409. */
  public static ProblemException conflict(String detail) {
    return of(409, detail);
  }

  /** 400 of type {@value Problem.Types#VALIDATION} with one entry per invalid field. */
  public static ProblemException validation(String detail, List<Problem.FieldError> errors) {
    return new ProblemException(
        400, Problem.Types.VALIDATION, "Invalid request", detail, List.copyOf(errors));
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public List<Problem.FieldError> errors() {
    return errors;
  }

  /** The problem this exception stands for, answering the request at {@code instance}. */
  public Problem toProblem(String instance) {
    return new Problem(type, title, status, getMessage(), instance, null, errors);
  }
}
