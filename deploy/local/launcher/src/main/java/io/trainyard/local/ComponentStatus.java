package io.trainyard.local;

import java.util.OptionalLong;

/**
 * The state of one component of the local stack, as {@code ./trainyard status} shows it.
 *
 * @param name {@code kafka}, {@code s3}, {@code postgresql} or a service name
 * @param pid the process this stack started, if it runs; empty otherwise
 * @param external whether the port answers but this stack did not start the process behind it
 * @param port the port the component answers on
 * @param health whether it answers as it should
 * @param detail a short explanation (an address, a reason, a log file), never null
 */
public record ComponentStatus(
    String name, OptionalLong pid, boolean external, int port, Health health, String detail) {

  /** How a component is doing. */
  public enum Health {
    /** Running and answering its health check. */
    UP,
    /** Running (the process lives or the port answers) but failing its health check. */
    DOWN,
    /** Neither a live process nor anything on its port. */
    NOT_RUNNING;

    /** {@code UP}, {@code DOWN}, {@code not running}. */
    public String label() {
      return this == NOT_RUNNING ? "not running" : name();
    }
  }

  public ComponentStatus {
    pid = pid == null ? OptionalLong.empty() : pid;
    detail = detail == null ? "" : detail;
  }

  /** Whether something runs: a live process or an answering port. */
  public boolean running() {
    return health != Health.NOT_RUNNING;
  }

  /** The pid as shown in the status table: a number, {@code external} or {@code -}. */
  public String pidLabel() {
    if (pid.isPresent()) {
      return Long.toString(pid.getAsLong());
    }
    return external ? "external" : "-";
  }
}
