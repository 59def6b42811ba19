package io.trainyard.drift.monitor;

import io.trainyard.contracts.Json;
import io.trainyard.contracts.events.DriftDetected;
import io.trainyard.contracts.events.DriftDetected.FeatureDrift;
import io.trainyard.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Drift alerts: one per drifted window, raised when the window is tested (silenced when a silence
 * of the pipeline covers its drifted features), acknowledged by ops.
 */
@ApplicationScoped
public class DriftAlerts {

  private static final Logger LOG = Logger.getLogger(DriftAlerts.class);

  static final int MAX_TEXT = io.trainyard.contracts.Commands.MAX_REASON;

  /**
   * An alert as the API shows it.
   *
   * @param state open, acknowledged or silenced
   */
  public record AlertView(
      long id,
      int modelVersion,
      int windowIndex,
      double driftShare,
      List<String> features,
      Instant raisedAt,
      String state,
      Long silencedBy,
      Instant acknowledgedAt,
      String acknowledgedBy,
      String note) {

    static AlertView of(DriftAlert a) {
      return new AlertView(
          a.id,
          a.modelVersion,
          a.windowIndex,
          a.driftShare,
          a.features(),
          a.raisedAt,
          a.state(),
          a.silencedBy,
          a.acknowledgedAt,
          a.acknowledgedBy,
          a.note);
    }
  }

  /** A silence as the API shows it; {@code features} null for all. */
  public record SilenceView(
      long id,
      List<String> features,
      Instant until,
      String reason,
      String createdBy,
      Instant createdAt) {

    static SilenceView of(DriftSilence s) {
      return new SilenceView(s.id, s.features(), s.until, s.reason, s.createdBy, s.createdAt);
    }
  }

  /** The body of {@code POST .../drift/silences}: until a time or for a duration. */
  public record SilenceRequest(
      Instant until, Duration duration, List<String> features, String reason) {}

  /** The body of {@code POST .../drift/alerts/{id}/acknowledge}; may be absent. */
  public record AcknowledgeRequest(String note) {}

  /** Raises the alert of a drifted window, in the window's transaction. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void raise(DriftDetected window, Instant at) {
    List<String> drifted =
        window.features().stream()
            .filter(FeatureDrift::drifted)
            .map(FeatureDrift::feature)
            .toList();
    DriftAlert alert = new DriftAlert();
    alert.pipeline = window.pipeline();
    alert.modelVersion = window.modelVersion();
    alert.windowIndex = (int) window.window().index();
    alert.driftShare = window.driftShare();
    alert.featuresJson = Json.write(drifted);
    alert.raisedAt = at;
    Optional<DriftSilence> silence = DriftSilence.covering(window.pipeline(), drifted, at);
    alert.silencedBy = silence.map(s -> s.id).orElse(null);
    alert.persist();
    LOG.infof(
        "%s v%d window %d: drift alert %d %s",
        window.pipeline(),
        window.modelVersion(),
        window.window().index(),
        alert.id,
        silence
            .map(s -> "raised silenced (silence " + s.id + ": " + s.reason + ")")
            .orElse("raised"));
  }

  @Transactional
  public List<AlertView> alerts(String pipeline, String state) {
    if (state != null && !List.of("open", "acknowledged", "silenced").contains(state)) {
      throw ProblemException.badRequest("state is open, acknowledged or silenced, not " + state);
    }
    return DriftAlert.ofPipeline(pipeline).stream()
        .filter(a -> state == null || state.equals(a.state()))
        .map(AlertView::of)
        .toList();
  }

  /** Acknowledges an alert (again: its first acknowledgement stands). */
  @Transactional
  public AlertView acknowledge(String pipeline, long id, String note, String by) {
    if (note != null && note.length() > MAX_TEXT) {
      throw ProblemException.badRequest("note is at most " + MAX_TEXT + " characters");
    }
    DriftAlert alert =
        DriftAlert.<DriftAlert>findByIdOptional(id)
            .filter(a -> a.pipeline.equals(pipeline))
            .orElseThrow(
                () -> ProblemException.notFound("No drift alert " + id + " of '" + pipeline + "'"));
    if (alert.acknowledgedAt == null) {
      alert.acknowledgedAt = Instant.now();
      alert.acknowledgedBy = by;
      alert.note = note;
      LOG.infof("%s: drift alert %d acknowledged by %s", pipeline, id, by);
    }
    return AlertView.of(alert);
  }

  /** Silences the pipeline's alerts (of some features, or all) until a time. */
  @Transactional
  public SilenceView silence(String pipeline, SilenceRequest request, String by) {
    if (request == null || request.reason() == null || request.reason().isBlank()) {
      throw ProblemException.badRequest("reason is required: why the alerts are silenced");
    }
    if (request.reason().length() > MAX_TEXT) {
      throw ProblemException.badRequest("reason is at most " + MAX_TEXT + " characters");
    }
    if ((request.until() == null) == (request.duration() == null)) {
      throw ProblemException.badRequest(
          "give until (an RFC 3339 time) or duration (ISO-8601, e.g. PT4H), one of them");
    }
    Instant now = Instant.now();
    Instant until = request.until() != null ? request.until() : now.plus(request.duration());
    if (!until.isAfter(now)) {
      throw ProblemException.badRequest("the silence must end in the future, not at " + until);
    }
    if (request.features() != null && request.features().isEmpty()) {
      throw ProblemException.badRequest("features, when given, names at least one feature");
    }
    DriftSilence silence = new DriftSilence();
    silence.pipeline = pipeline;
    silence.featuresJson = request.features() == null ? null : Json.write(request.features());
    silence.until = until;
    silence.reason = request.reason();
    silence.createdBy = by;
    silence.createdAt = now;
    silence.persist();
    LOG.infof("%s: drift alerts silenced until %s by %s: %s", pipeline, until, by, silence.reason);
    return SilenceView.of(silence);
  }

  @Transactional
  public List<SilenceView> silences(String pipeline) {
    return DriftSilence.active(pipeline, Instant.now()).stream().map(SilenceView::of).toList();
  }
}
