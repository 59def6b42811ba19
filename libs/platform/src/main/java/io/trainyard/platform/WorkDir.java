package io.trainyard.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A temporary directory for one unit of work (an upload, a run, an evaluation), deleted with
 * everything in it when closed:
 *
 * <pre>{@code
 * try (WorkDir work = WorkDir.create("trainyard-run-")) {
 *   Path file = store.download(manifest, "train.parquet", work.path());
 * }
 * }</pre>
 */
public final class WorkDir implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WorkDir.class);

  private final Path path;

  private WorkDir(Path path) {
    this.path = path;
  }

  /** A new directory under {@code java.io.tmpdir} whose name starts with {@code prefix}. */
  public static WorkDir create(String prefix) {
    try {
      return new WorkDir(Files.createTempDirectory(prefix));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
  }

  public Path path() {
    return path;
  }

  /** {@code path().resolve(name)}. */
  public Path resolve(String name) {
    return path.resolve(name);
  }

  /** Deletes the directory and its content; what cannot be deleted is logged and left. */
  @Override
  public void close() {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  LOG.debugf("cannot delete %s: %s", p, e.getMessage());
                }
              });
    } catch (IOException e) {
      LOG.debugf("cannot clean %s: %s", path, e.getMessage());
    }
  }
}
