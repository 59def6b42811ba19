package io.trainyard.ingestion.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.platform.problem.Problem;
import io.trainyard.platform.problem.Problems;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Answers a {@link DatasetRejectedException} with its problem plus the member {@code validation}:
 * the full validation report (RFC 9457 allows extension members). More specific than the platform's
 * {@code ProblemException} mapper, so it takes precedence for this exception.
 */
public class DatasetRejectedMapper {

  private final ObjectMapper mapper;

  public DatasetRejectedMapper(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @ServerExceptionMapper
  public Response rejected(DatasetRejectedException e, HttpServerRequest request) {
    Problem problem = e.toProblem(request.path());
    try {
      ObjectNode body = mapper.valueToTree(problem);
      body.set("validation", mapper.readTree(e.report().toJson()));
      return Response.status(problem.status())
          .type(Problem.MEDIA_TYPE)
          .entity(mapper.writeValueAsString(body))
          .build();
    } catch (java.io.IOException failure) {
      return Problems.response(mapper, problem); // the errors list still names every error
    }
  }
}
