package io.trainyard.contracts.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a training run ended. */
public enum RunStatus {
  SUCCEEDED,
  FAILED,
  CANCELLED;

  /** The value on the wire, lowercase. */
  @JsonValue
  public String wire() {
    return WireEnums.wire(this);
  }

  /** Parses the wire value. */
  @JsonCreator
  public static RunStatus fromWire(String text) {
    return WireEnums.parse(RunStatus.class, text);
  }

  @Override
  public String toString() {
    return wire();
  }
}
