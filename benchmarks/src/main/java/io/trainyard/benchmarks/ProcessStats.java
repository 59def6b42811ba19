package io.trainyard.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the main-class benchmarks report about their own process, and their option parsing. */
final class ProcessStats {

  private ProcessStats() {}

  /**
   * The process's peak resident set size in MB ({@code VmHWM} of {@code /proc/self/status}), or -1
   * where there is no {@code /proc} (not Linux).
   */
  static double peakRssMb() {
    return statusMb("VmHWM:");
  }

  /** The process's current resident set size in MB ({@code VmRSS}), or -1. */
  static double rssMb() {
    return statusMb("VmRSS:");
  }

  private static double statusMb(String field) {
    long kb = statusKb(Path.of("/proc/self/status"), field);
    return kb == 0 ? -1 : kb / 1024.0; // 0: no /proc (not Linux)
  }

  /**
   * Samples a child process's peak resident set size ({@code VmHWM} of {@code /proc/<pid>/status})
   * every 100 ms, so that it is known even when the child dies.
   */
  static final class PeakSampler {
    private final java.util.concurrent.atomic.AtomicLong peakKb =
        new java.util.concurrent.atomic.AtomicLong();
    private final Thread thread;

    private PeakSampler(Process process) {
      Path status = Path.of("/proc", Long.toString(process.pid()), "status");
      thread =
          new Thread(
              () -> {
                while (process.isAlive()) {
                  peakKb.accumulateAndGet(statusKb(status, "VmHWM:"), Math::max);
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "rss-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    /** Stops sampling; the peak seen, in MB. */
    double stopMb() {
      thread.interrupt();
      return peakKb.get() / 1024.0;
    }
  }

  /** Starts sampling {@code process}'s peak RSS. */
  static PeakSampler samplePeak(Process process) {
    return new PeakSampler(process);
  }

  private static long statusKb(Path status, String field) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process has ended
    }
    return 0;
  }

  /** {@code --name value} pairs; the names in {@code flags} take no value (they become "true"). */
  static Map<String, String> options(String[] args, List<String> flags) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      String name = args[i].substring(2);
      if (flags.contains(name)) {
        options.put(name, "true");
      } else if (i + 1 < args.length) {
        options.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("option --" + name + " needs a value");
      }
    }
    return options;
  }

  /** The load averages of the machine (the first three fields of {@code /proc/loadavg}). */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }
}
