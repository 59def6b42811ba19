package io.trainyard.training.runs;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.List;
import org.jboss.resteasy.reactive.ResponseHeader;
import org.jboss.resteasy.reactive.RestSseElementType;

/**
 * {@code /api/v1/pipelines/{name}/runs}, {@code /api/v1/runs/{id}} and {@code
 * /api/v1/runs/{id}/progress}: runs, state, losses and their progress as it happens.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {

  /** The header an {@code EventSource} sends when it reconnects: the last event id it saw. */
  static final String LAST_EVENT_ID = "Last-Event-ID";

  private final RunStore runs;
  private final ProgressStream progress;

  public RunsResource(RunStore runs, ProgressStream progress) {
    this.runs = runs;
    this.progress = progress;
  }

  /** The runs of a pipeline, oldest first; empty when it has none. */
  @GET
  @Path("pipelines/{name}/runs")
  @RolesAllowed(Roles.VIEWER)
  public List<RunView> list(@PathParam("name") String name) {
    return runs.list(name);
  }

  /** One run, with its per-epoch losses. */
  @GET
  @Path("runs/{id}")
  @RolesAllowed(Roles.VIEWER)
  public RunView get(@PathParam("id") String id) {
    return runs.find(id).orElseThrow(() -> notFound(id));
  }

  /**
   * The run's progress now, as JSON: its state, every finished epoch and, once it has ended, how
   * ({@code ended}, null before). The event stream below sends the same, as it happens.
   */
  @GET
  @Path("runs/{id}/progress")
  @RolesAllowed(Roles.VIEWER)
  public RunProgress progress(@PathParam("id") String id) {
    return runs.progress(id, 0).orElseThrow(() -> notFound(id));
  }

  /**
   * The run's progress as server-sent events (see {@link ProgressStream}): a {@code progress} event
   * per epoch ({@code id:} the epoch number), replaying the epochs already done, then each new one
   * as it is recorded, by whichever replica trains the run; then an {@code ended} event ({@code id:
   * ended}) and the end of the stream. A run that has already ended gets its epochs and {@code
   * ended} at once.
   *
   * <p>{@code Last-Event-ID: n} (what an {@code EventSource} sends when it reconnects) sends only
   * the epochs after {@code n}; {@code Last-Event-ID: ended} answers 204 No Content for an ended
   * run, which tells an {@code EventSource} to stop reconnecting. An unknown run is a 404 problem
   * and a malformed {@code Last-Event-ID} a 400 problem, both before the stream starts.
   */
  @GET
  @Path("runs/{id}/progress")
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @RestSseElementType(MediaType.APPLICATION_JSON)
  @ResponseHeader(name = HttpHeaders.CACHE_CONTROL, value = "no-cache")
  @ResponseHeader(name = "X-Accel-Buffering", value = "no")
  @Blocking
  public Multi<OutboundSseEvent> progressEvents(
      @PathParam("id") String id,
      @HeaderParam(LAST_EVENT_ID) String lastEventId,
      @Context Sse sse) {
    RunProgress now = runs.progress(id, Integer.MAX_VALUE).orElseThrow(() -> notFound(id));
    int after = 0;
    if (lastEventId != null && !lastEventId.isBlank()) {
      String last = lastEventId.strip();
      if (ProgressStream.ENDED.equals(last)) {
        if (now.ended() != null) {
          // The client saw the end: nothing more will come.
          throw new WebApplicationException(Response.noContent().build());
        }
      } else {
        after = epochOf(last);
      }
    }
    return progress.events(id, after, sse);
  }

  private static int epochOf(String lastEventId) {
    try {
      int epoch = Integer.parseInt(lastEventId);
      if (epoch >= 0) {
        return epoch;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ProblemException.badRequest(
        LAST_EVENT_ID
            + " must be an epoch number or '"
            + ProgressStream.ENDED
            + "' (an id this stream sent), not '"
            + lastEventId
            + "'");
  }

  private static ProblemException notFound(String id) {
    return ProblemException.notFound("No run with id " + id);
  }
}
