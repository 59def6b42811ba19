package io.trainyard.training.runs;

import java.time.Instant;
import java.util.List;

/**
 * The progress of a run as of one read of the database: what {@code GET /api/v1/runs/{id}/progress}
 * answers as JSON, and what each poll of its event stream sees.
 *
 * @param runId the run
 * @param state queued, running, succeeded, failed or cancelled
 * @param epochsMax the maximum number of epochs (null until the first epoch ends)
 * @param epochs the finished epochs (after the epoch the reader asked from), in order
 * @param ended how the run ended; null while it is queued or running
 */
public record RunProgress(
    String runId, String state, Integer epochsMax, List<RunView.EpochView> epochs, End ended) {

  /**
   * How a run ended: the data of the stream's {@code ended} event, the same facts as {@code
   * trainyard.training.ended}.
   *
   * @param runId the run
   * @param pipeline the pipeline
   * @param status succeeded, failed or cancelled
   * @param reason why it ended
   * @param modelVersion the model version a succeeded run produced; null otherwise
   * @param bestEpoch the epoch whose parameters the model kept; null without a model
   * @param endedAt when it ended
   */
  public record End(
      String runId,
      String pipeline,
      String status,
      String reason,
      Integer modelVersion,
      Integer bestEpoch,
      Instant endedAt) {}

  /**
   * The progress of {@code run} with {@code epochs}. The caller reads the run before its epochs: an
   * epoch is committed before the run ends, so a run read as ended has all its epochs in a later
   * read.
   */
  static RunProgress of(Run run, List<RunEpoch> epochs) {
    End end =
        run.isFinished()
            ? new End(
                run.runId,
                run.pipeline,
                run.state,
                run.statusReason,
                Run.SUCCEEDED.equals(run.state) ? run.modelVersion : null,
                Run.SUCCEEDED.equals(run.state) ? run.bestEpoch : null,
                run.endedAt)
            : null;
    return new RunProgress(
        run.runId,
        run.state,
        run.epochsMax,
        epochs.stream().map(RunView.EpochView::of).toList(),
        end);
  }
}
