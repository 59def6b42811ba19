package io.trainyard.platform.problem;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.trainyard.platform.specs.SpecsUnavailableException;
import io.trainyard.platform.specs.UnknownPipelineException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every exception a REST endpoint can end with into an RFC 7807 problem ({@code
 * application/problem+json}): the WebApplicationException family (404, 405, 406, 415, 400, ...),
 * malformed JSON bodies, Bean Validation failures, {@link IllegalArgumentException}, {@link
 * ProblemException}, authentication and authorization failures (401, 403), and anything else (500
 * with an {@code errorId} and no stack trace). These mappers replace Quarkus REST's built-in ones
 * for the same exceptions.
 */
public class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  /** The default message of a WebApplicationException: {@code HTTP 404 Not Found}. */
  private static final Pattern DEFAULT_WAE_MESSAGE = Pattern.compile("HTTP \\d{3}( .*)?");

  static final String BEARER_CHALLENGE = "Bearer realm=\"trainyard\"";
  static final String INVALID_TOKEN_CHALLENGE =
      "Bearer realm=\"trainyard\", error=\"invalid_token\"";

  private final ObjectMapper mapper;

  public ProblemMappers(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @ServerExceptionMapper
  public Response problem(ProblemException e, HttpServerRequest request) {
    return Problems.response(mapper, e.toProblem(request.path()));
  }

  /** A pipeline with no spec: 404, with what to do. */
  @ServerExceptionMapper
  public Response unknownPipeline(UnknownPipelineException e, HttpServerRequest request) {
    return problem(ProblemException.notFound(e.getMessage()), request);
  }

  /** Whether the pipeline has a spec is not known yet: 503, try again. */
  @ServerExceptionMapper
  public Response specsUnavailable(SpecsUnavailableException e, HttpServerRequest request) {
    return problem(ProblemException.of(503, e.getMessage()), request);
  }

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e, HttpServerRequest request) {
    Response original = e.getResponse();
    int status = original == null ? 500 : original.getStatus();
    if (status < 400) {
      return original; // redirects and the like are not errors
    }
    String path = request.path();
    Problem problem;
    if (status == 400 && e.getCause() instanceof JsonProcessingException cause) {
      problem = malformedBody(cause, path);
    } else if (status >= 500) {
      problem = Problems.internalError(e, request.method().name(), path, status);
    } else {
      problem = Problem.of(status, detail(e, status, request), path);
    }
    Response.ResponseBuilder response = Problems.builder(mapper, problem);
    if (original != null) {
      // Keep what the status needs: Allow on 405, WWW-Authenticate on 401, Retry-After, ...
      for (Map.Entry<String, List<Object>> header : original.getHeaders().entrySet()) {
        String name = header.getKey();
        if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)
            && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
          for (Object value : header.getValue()) {
            response.header(name, value);
          }
        }
      }
    }
    return response.build();
  }

  @ServerExceptionMapper
  public Response mismatchedInput(MismatchedInputException e, HttpServerRequest request) {
    return Problems.response(mapper, malformedBody(e, request.path()));
  }

  @ServerExceptionMapper
  public Response constraintViolation(ConstraintViolationException e, HttpServerRequest request) {
    String path = request.path();
    List<ConstraintViolation<?>> violations = new ArrayList<>(e.getConstraintViolations());
    if (violations.stream().anyMatch(ProblemMappers::isReturnValue)) {
      // The server produced an invalid response: our bug, not the client's.
      return Problems.response(mapper, Problems.internalError(e, request.method().name(), path));
    }
    List<Problem.FieldError> errors = new ArrayList<>();
    for (ConstraintViolation<?> violation : violations) {
      errors.add(fieldError(violation));
    }
    errors.sort(
        Comparator.comparing((Problem.FieldError f) -> f.field() == null ? "" : f.field())
            .thenComparing(Problem.FieldError::message));
    String detail =
        errors.size() == 1
            ? "1 field of the request is invalid."
            : errors.size() + " fields of the request are invalid.";
    return Problems.response(mapper, Problems.validation(detail, errors, path));
  }

  @ServerExceptionMapper
  public Response illegalArgument(IllegalArgumentException e, HttpServerRequest request) {
    String detail =
        e.getMessage() == null ? "An argument of the request is invalid." : e.getMessage();
    return Problems.response(
        mapper,
        new Problem(
            Problem.Types.INVALID_ARGUMENT,
            "Invalid argument",
            400,
            detail,
            request.path(),
            null,
            null));
  }

  @ServerExceptionMapper
  public Response unauthorized(UnauthorizedException e, HttpServerRequest request) {
    return unauthenticated(request, BEARER_CHALLENGE, missingTokenDetail(request));
  }

  @ServerExceptionMapper
  public Response authenticationFailed(AuthenticationFailedException e, HttpServerRequest request) {
    LOG.debugf(e, "%s %s: authentication failed", request.method(), request.path());
    if (request.getHeader(HttpHeaders.AUTHORIZATION) == null) {
      return unauthenticated(request, BEARER_CHALLENGE, missingTokenDetail(request));
    }
    return unauthenticated(
        request,
        INVALID_TOKEN_CHALLENGE,
        "The bearer token was rejected: it is malformed, expired, not yet valid, not issued by"
            + " trainyard or not signed by a key this service trusts.");
  }

  @ServerExceptionMapper
  public Response forbidden(
      ForbiddenException e, HttpServerRequest request, ResourceInfo resourceInfo) {
    List<String> needed = rolesAllowed(resourceInfo);
    String detail =
        needed.isEmpty()
            ? "Your roles do not allow " + request.method() + " " + request.path() + "."
            : "Your roles do not allow "
                + request.method()
                + " "
                + request.path()
                + "; it needs one of: "
                + String.join(", ", needed)
                + ".";
    return Problems.response(mapper, Problem.of(403, detail, request.path()));
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable e, HttpServerRequest request) {
    return Problems.response(
        mapper, Problems.internalError(e, request.method().name(), request.path()));
  }

  private Response unauthenticated(HttpServerRequest request, String challenge, String detail) {
    return Problems.builder(mapper, Problem.of(401, detail, request.path()))
        .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
        .build();
  }

  private static String missingTokenDetail(HttpServerRequest request) {
    return request.method()
        + " "
        + request.path()
        + " needs a bearer token (Authorization: Bearer <JWT>). Locally: ./trainyard token --role"
        + " <role>.";
  }

  private static String detail(WebApplicationException e, int status, HttpServerRequest request) {
    String message = e.getMessage();
    if (message != null && !message.isBlank() && !DEFAULT_WAE_MESSAGE.matcher(message).matches()) {
      return message;
    }
    String what = request.method() + " " + request.path();
    return switch (status) {
      case 400 -> "The request is invalid.";
      case 404 -> "Nothing here: " + request.path() + ".";
      case 405 -> "Method " + request.method() + " is not allowed on " + request.path() + ".";
      case 406 ->
          "None of the media types in Accept ("
              + String.valueOf(request.getHeader(HttpHeaders.ACCEPT))
              + ") can be produced by "
              + what
              + ".";
      case 415 ->
          "Content-Type "
              + String.valueOf(request.getHeader(HttpHeaders.CONTENT_TYPE))
              + " is not supported by "
              + what
              + ".";
      default -> Problem.title(status) + ": " + what + ".";
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Malformed bodies

  /** A 400 for a body that is not JSON, or not JSON of the expected shape. */
  static Problem malformedBody(JsonProcessingException e, String path) {
    if (e instanceof ValueInstantiationException vie
        && vie.getCause() instanceof IllegalArgumentException iae
        && iae.getMessage() != null) {
      // A record's constructor refused a value: its message is meant for the caller.
      return malformed(
          "The request body is invalid: " + iae.getMessage(),
          List.of(fieldError(vie, "is invalid: " + iae.getMessage())),
          path);
    }
    if (e instanceof MismatchedInputException mie) {
      String message;
      if (mie instanceof UnrecognizedPropertyException) {
        message = "is not a known field";
      } else if (mie instanceof InvalidNullException) {
        message = "must not be null";
      } else {
        message = "must be " + describe(mie.getTargetType());
      }
      Problem.FieldError error = fieldError(mie, message);
      String where = error.field() == null ? "The request body" : "Field " + error.field();
      return malformed(
          "The request body does not have the expected shape: " + where + " " + message + ".",
          List.of(error),
          path);
    }
    JsonLocation location = e.getLocation();
    String at =
        location == null || location.getLineNr() < 0
            ? ""
            : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    return malformed(
        "The request body is not valid JSON" + at + ": " + e.getOriginalMessage(), null, path);
  }

  private static Problem malformed(String detail, List<Problem.FieldError> errors, String path) {
    return new Problem(
        Problem.Types.MALFORMED_BODY, "Malformed request body", 400, detail, path, null, errors);
  }

  private static Problem.FieldError fieldError(JsonMappingException e, String message) {
    StringBuilder field = new StringBuilder();
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (field.length() > 0) {
          field.append('.');
        }
        field.append(ref.getFieldName());
        pointer.append('/').append(ref.getFieldName().replace("~", "~0").replace("/", "~1"));
      } else if (ref.getIndex() >= 0) {
        field.append('[').append(ref.getIndex()).append(']');
        pointer.append('/').append(ref.getIndex());
      }
    }
    return new Problem.FieldError(
        field.length() == 0 ? null : field.toString(), pointer.toString(), message);
  }

  /** How a JSON value of {@code type} looks, for messages: {@code an integer}. */
  static String describe(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == String.class || type == char.class || type == Character.class) {
      return "a string";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == int.class
        || type == long.class
        || type == short.class
        || type == byte.class
        || type == Integer.class
        || type == Long.class
        || type == Short.class
        || type == Byte.class
        || type == BigInteger.class) {
      return "an integer";
    }
    if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.toString(type.getEnumConstants());
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Temporal.class.isAssignableFrom(type)) {
      return "an ISO 8601 date or time";
    }
    if (type == UUID.class) {
      return "a UUID";
    }
    return "an object";
  }

  // ---------------------------------------------------------------------------------------------
  // Bean Validation

  private static boolean isReturnValue(ConstraintViolation<?> violation) {
    for (Path.Node node : violation.getPropertyPath()) {
      if (node.getKind() == ElementKind.RETURN_VALUE) {
        return true;
      }
    }
    return false;
  }

  /**
   * The field of a violation: {@code create.body.items[0].name} becomes field {@code
   * items[0].name}, pointer {@code /items/0/name}; a violated query or path parameter {@code
   * list.size} becomes field {@code size}, without pointer.
   */
  static Problem.FieldError fieldError(ConstraintViolation<?> violation) {
    List<Path.Node> nodes = new ArrayList<>();
    violation.getPropertyPath().forEach(nodes::add);
    int start = 0;
    if (!nodes.isEmpty()
        && (nodes.get(0).getKind() == ElementKind.METHOD
            || nodes.get(0).getKind() == ElementKind.CONSTRUCTOR)) {
      start = 1;
    }
    boolean parameter = false;
    if (nodes.size() > start && nodes.get(start).getKind() == ElementKind.PARAMETER) {
      if (nodes.size() == start + 1) {
        parameter = true; // the parameter itself: a query, path or header parameter (or the body)
      } else {
        start++; // a field inside the body
      }
    }
    StringBuilder field = new StringBuilder();
    StringBuilder pointer = new StringBuilder();
    for (Path.Node node : nodes.subList(start, nodes.size())) {
      if (node.getIndex() != null) {
        field.append('[').append(node.getIndex()).append(']');
        pointer.append('/').append(node.getIndex());
      } else if (node.getKey() != null) {
        field.append('[').append(node.getKey()).append(']');
        pointer.append('/').append(escape(String.valueOf(node.getKey())));
      }
      if (node.getName() != null && node.getKind() != ElementKind.CONTAINER_ELEMENT) {
        if (field.length() > 0) {
          field.append('.');
        }
        field.append(node.getName());
        pointer.append('/').append(escape(node.getName()));
      }
    }
    String name = field.length() == 0 ? null : field.toString();
    return new Problem.FieldError(
        name, parameter || name == null ? null : pointer.toString(), violation.getMessage());
  }

  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  // ---------------------------------------------------------------------------------------------
  // Security

  private static List<String> rolesAllowed(ResourceInfo resourceInfo) {
    try {
      Method method = resourceInfo == null ? null : resourceInfo.getResourceMethod();
      if (method == null) {
        return List.of();
      }
      RolesAllowed roles = method.getAnnotation(RolesAllowed.class);
      if (roles == null) {
        roles = resourceInfo.getResourceClass().getAnnotation(RolesAllowed.class);
      }
      return roles == null ? List.of() : List.of(roles.value());
    } catch (RuntimeException e) {
      return List.of();
    }
  }
}
