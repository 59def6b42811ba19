package io.trainyard.models;

import java.nio.file.Path;

/**
 * Configures DJL for Trainyard before any DJL class is touched: offline (the CPU libtorch comes
 * from the {@code pytorch-native-cpu} jar, nothing is downloaded), one cache directory shared by
 * every service, and one PyTorch thread (small MLPs train and score faster on one thread than on a
 * contended pool).
 *
 * <p>Only what is not set already is set, so {@code -D} options and environment variables win:
 *
 * <ul>
 *   <li>{@code ai.djl.offline=true};
 *   <li>{@code DJL_CACHE_DIR} (system property) to {@code $TRAINYARD_HOME/djl}, or {@code
 *       ~/.trainyard/djl} without {@code TRAINYARD_HOME}, unless {@code DJL_CACHE_DIR} is set as an
 *       environment variable or system property;
 *   <li>{@code ai.djl.pytorch.num_threads=1} and {@code ai.djl.pytorch.num_interop_threads=1} (read
 *       once, when the PyTorch engine starts).
 * </ul>
 *
 * <p>Idempotent and cheap; {@link ModelBundle} calls it, and so does the trainer.
 */
public final class Djl {
  /** The DJL property that turns downloads off. */
  public static final String OFFLINE = "ai.djl.offline";

  /** DJL's cache directory (environment variable or system property). */
  public static final String CACHE_DIR = "DJL_CACHE_DIR";

  /** PyTorch intra-op threads. */
  public static final String NUM_THREADS = "ai.djl.pytorch.num_threads";

  /** PyTorch inter-op threads. */
  public static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

  private Djl() {}

  /** Sets the DJL defaults described above, leaving everything already set alone. */
  public static synchronized void configure() {
    setIfAbsent(OFFLINE, "true");
    String cacheEnv = System.getenv(CACHE_DIR);
    if ((cacheEnv == null || cacheEnv.isBlank()) && System.getProperty(CACHE_DIR) == null) {
      System.setProperty(CACHE_DIR, defaultCacheDir().toString());
    }
    setIfAbsent(NUM_THREADS, "1");
    setIfAbsent(NUM_INTEROP_THREADS, "1");
  }

  /** {@code $TRAINYARD_HOME/djl}, or {@code ~/.trainyard/djl}. */
  static Path defaultCacheDir() {
    String home = System.getenv("TRAINYARD_HOME");
    Path base =
        home == null || home.isBlank()
            ? Path.of(System.getProperty("user.home"), ".trainyard")
            : Path.of(home);
    return base.resolve("djl").toAbsolutePath();
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
