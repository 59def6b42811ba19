package io.trainyard.training.runs;

import io.trainyard.models.training.CheckpointStore;
import io.trainyard.models.training.TrainerCheckpoint;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ManifestConflictException;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.StagedWrite;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A run's checkpoints in the object store: {@code runs/{run-id}/checkpoints/epoch-{k}/}, each a
 * staged write committed by its manifest ({@value TrainerCheckpoint#FILE_NAME}), so a checkpoint is
 * whole or absent. The latest committed one is where a run taken over by another worker (or
 * redelivered after a crash) resumes.
 */
final class RunCheckpoints implements CheckpointStore {

  private static final Logger LOG = Logger.getLogger(RunCheckpoints.class);

  private final ObjectStore store;
  private final String runId;
  private final io.trainyard.objectstore.Prefix prefix;
  private final java.util.function.Consumer<TrainerCheckpoint> onResume;

  /**
   * @param onResume told of the checkpoint a run resumes after
   */
  RunCheckpoints(
      ObjectStore store, String runId, java.util.function.Consumer<TrainerCheckpoint> onResume) {
    this(store, runId, Layout.checkpoints(runId), onResume);
  }

  /**
   * The checkpoints of a run under {@code prefix}: {@link Layout#checkpoints(String)}, or {@link
   * Layout#checkpoints(String, int)} for a candidate of a model selection.
   */
  RunCheckpoints(
      ObjectStore store,
      String runId,
      io.trainyard.objectstore.Prefix prefix,
      java.util.function.Consumer<TrainerCheckpoint> onResume) {
    this.store = store;
    this.runId = runId;
    this.prefix = prefix;
    this.onResume = onResume;
  }

  /**
   * Deletes every checkpoint of a run: once it has ended nothing resumes from them. Best effort: a
   * failure is logged with the prefix ({@code runs/{run-id}/checkpoints/}) and the run's end
   * stands.
   */
  static void deleteAll(ObjectStore store, String runId) {
    try {
      int deleted = store.deleteAll(Layout.checkpoints(runId));
      if (deleted > 0) {
        LOG.infof("run %s: deleted its checkpoints (%d objects)", runId, deleted);
      }
    } catch (RuntimeException e) {
      LOG.warnf(
          "run %s: cannot delete its checkpoints under %s: %s",
          runId, Layout.checkpoints(runId).value(), e.toString());
    }
  }

  @Override
  public Optional<TrainerCheckpoint> latest() throws IOException {
    List<Manifest> committed = store.listCommitted(prefix);
    if (committed.isEmpty()) {
      return Optional.empty();
    }
    Manifest manifest = committed.get(committed.size() - 1);
    try (InputStream in = store.open(manifest, TrainerCheckpoint.FILE_NAME)) {
      TrainerCheckpoint checkpoint = TrainerCheckpoint.read(in);
      in.transferTo(java.io.OutputStream.nullOutputStream()); // to the end: verified
      LOG.infof("run %s: resuming after epoch %d", runId, checkpoint.epoch());
      onResume.accept(checkpoint);
      return Optional.of(checkpoint);
    }
  }

  @Override
  public void save(TrainerCheckpoint checkpoint) throws IOException {
    try (StagedWrite staged = store.stage(prefix.child("epoch-" + checkpoint.epoch()))) {
      staged.put(TrainerCheckpoint.FILE_NAME, checkpoint.toBytes(), "application/octet-stream");
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("kind", "checkpoint");
      metadata.put("runId", runId);
      metadata.put("epoch", checkpoint.epoch());
      staged.commit(metadata);
    } catch (ManifestConflictException e) {
      // Another worker checkpointed this epoch of the run: it holds the run now.
      throw new RunExecutor.LeaseLostException(runId);
    }
  }
}
