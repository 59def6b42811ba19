package io.trainyard.platform.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The safety net for errors that are not exceptions: a resource that returns, say, {@code
 * Response.status(404).build()} still answers with a problem. Responses that carry a body are left
 * as they are.
 */
public class ProblemResponseFilter {
  private static final MediaType PROBLEM = MediaType.valueOf(Problem.MEDIA_TYPE);

  private final ObjectMapper mapper;

  public ProblemResponseFilter(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @ServerResponseFilter
  public void fillEmptyErrors(ContainerRequestContext request, ContainerResponseContext response) {
    int status = response.getStatus();
    if (status < 400 || response.hasEntity() || "HEAD".equals(request.getMethod())) {
      return;
    }
    String path = request.getUriInfo().getRequestUri().getRawPath();
    Problem problem =
        Problem.of(
            status, Problem.title(status) + ": " + request.getMethod() + " " + path + ".", path);
    response.setEntity(Problems.json(mapper, problem), null, PROBLEM);
  }
}
