package io.trainyard.contracts.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why a training run was requested: a new dataset version, newly labeled data, drift, the retrain
 * schedule, or an operator.
 */
public enum Trigger {
  DATA,
  LABELS,
  DRIFT,
  SCHEDULE,
  MANUAL;

  /** The value on the wire, lowercase. */
  @JsonValue
  public String wire() {
    return WireEnums.wire(this);
  }

  /** Parses the wire value. */
  @JsonCreator
  public static Trigger fromWire(String text) {
    return WireEnums.parse(Trigger.class, text);
  }

  @Override
  public String toString() {
    return wire();
  }
}
