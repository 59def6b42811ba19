package io.trainyard.contracts.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The outcome of one drift window. */
public enum DriftDecision {
  DRIFT,
  STABLE;

  /** The value on the wire, lowercase. */
  @JsonValue
  public String wire() {
    return WireEnums.wire(this);
  }

  /** Parses the wire value. */
  @JsonCreator
  public static DriftDecision fromWire(String text) {
    return WireEnums.parse(DriftDecision.class, text);
  }

  @Override
  public String toString() {
    return wire();
  }
}
