package io.trainyard.local;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Detached processes, pid files and ports. Every process the stack starts carries two marker system
 * properties on its command line, {@code -Dtrainyard.component=<name>} and {@code
 * -Dtrainyard.home=<home>}, so that a pid file is trusted only while its pid still runs that
 * component of that home, and a lost pid file can be recovered from the process table.
 */
final class Processes {

  static final String COMPONENT_MARKER = "-Dtrainyard.component=";
  static final String HOME_MARKER = "-Dtrainyard.home=";

  private Processes() {}

  /** The {@code java} of the running JVM, so children run on the same JDK. */
  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The marker arguments that identify {@code component} of the stack at {@code home}. */
  static List<String> markers(String component, Path home) {
    return List.of(COMPONENT_MARKER + component, HOME_MARKER + home);
  }

  /** Whether something accepts TCP connections on {@code host:port}. */
  static boolean portOpen(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code setsid}, when this machine has it. */
  static Optional<Path> setsid() {
    return onPath("setsid");
  }

  /** An executable on the PATH (or in the usual system directories). */
  static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    List<String> dirs = new ArrayList<>();
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
    for (String dir : dirs) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Optional.of(Path.of(dir, program));
      }
    }
    return Optional.empty();
  }

  /**
   * Starts {@code command} so that it outlives this JVM: in its own session (setsid) when possible,
   * stdin from /dev/null, stdout and stderr appended to {@code log}. Returns the handle of the
   * started program (not of setsid, should it have forked).
   */
  static ProcessHandle spawnDetached(
      String component,
      Path home,
      List<String> command,
      Path workDir,
      Map<String, String> environment,
      Path log)
      throws IOException {
    List<String> full = new ArrayList<>();
    setsid().ifPresent(p -> full.add(p.toString()));
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    // setsid execs in place unless the caller leads its process group; then it forks and the
    // program runs under another pid. Find it by its markers.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      ProcessHandle handle = process.toHandle();
      if (handle.isAlive() && isOurs(handle, component, home)) {
        return handle;
      }
      Optional<ProcessHandle> found = findByMarkers(component, home);
      if (found.isPresent()) {
        return found.get();
      }
      if (System.nanoTime() > deadline) {
        if (handle.isAlive()) {
          return handle;
        }
        throw new IOException(
            component + " exited at once (exit code " + process.exitValue() + "); see " + log);
      }
      sleep(Duration.ofMillis(20));
    }
  }

  /** Whether the process runs {@code component} of the stack at {@code home}. */
  static boolean isOurs(ProcessHandle handle, String component, Path home) {
    Optional<String> commandLine = commandLine(handle);
    if (commandLine.isEmpty()) {
      return false;
    }
    String line = commandLine.get();
    return line.contains(COMPONENT_MARKER + component + " ")
        && line.contains(HOME_MARKER + home + " ");
  }

  /** The command line of a process, read from /proc where the JDK's view is partial. */
  static Optional<String> commandLine(ProcessHandle handle) {
    Path proc = Path.of("/proc", Long.toString(handle.pid()), "cmdline");
    try {
      byte[] bytes = Files.readAllBytes(proc);
      if (bytes.length > 0) {
        return Optional.of(new String(bytes, StandardCharsets.UTF_8).replace('\0', ' '));
      }
    } catch (IOException | SecurityException e) {
      // not Linux, or the process is gone: fall back to the JDK
    }
    return handle.info().commandLine().map(line -> line + " ");
  }

  /** A live process of {@code component} of the stack at {@code home}, found by its markers. */
  static Optional<ProcessHandle> findByMarkers(String component, Path home) {
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .filter(ProcessHandle::isAlive)
        .filter(p -> isOurs(p, component, home))
        .findFirst();
  }

  static void writePid(Path pidFile, long pid) throws IOException {
    Files.createDirectories(pidFile.getParent());
    Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
    Files.writeString(tmp, pid + "\n");
    Files.move(tmp, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static Optional<Long> readPid(Path pidFile) {
    try {
      return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Sends SIGTERM, waits up to {@code grace}, then SIGKILL. Returns true if the process is gone.
   */
  static boolean terminate(ProcessHandle handle, Duration grace) {
    if (!handle.isAlive()) {
      return true;
    }
    handle.destroy();
    if (awaitExit(handle, grace)) {
      return true;
    }
    handle.destroyForcibly();
    return awaitExit(handle, Duration.ofSeconds(10));
  }

  static boolean awaitExit(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return !handle.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !handle.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !handle.isAlive();
    }
  }

  /** Keeps the previous log as {@code <name>.log.1}, so a start begins a fresh log. */
  static void rotate(Path log) throws IOException {
    Files.createDirectories(log.getParent());
    if (Files.exists(log) && Files.size(log) > 0) {
      Files.move(
          log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The last {@code lines} lines of a log, for error messages. */
  static String tail(Path log, int lines) {
    if (!Files.isRegularFile(log)) {
      return "";
    }
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length();
      int chunk = (int) Math.min(length, 64 * 1024);
      byte[] bytes = new byte[chunk];
      file.seek(length - chunk);
      file.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      String[] all = text.split("\r?\n");
      int from = Math.max(0, all.length - lines);
      StringBuilder out = new StringBuilder();
      for (int i = from; i < all.length; i++) {
        out.append("    ").append(all[i]).append('\n');
      }
      return out.toString();
    } catch (IOException e) {
      return "";
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
