package io.trainyard.contracts.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A model alias of a pipeline. */
public enum Alias {
  CHAMPION,
  CHALLENGER;

  /** The value on the wire, lowercase. */
  @JsonValue
  public String wire() {
    return WireEnums.wire(this);
  }

  /** Parses the wire value. */
  @JsonCreator
  public static Alias fromWire(String text) {
    return WireEnums.parse(Alias.class, text);
  }

  @Override
  public String toString() {
    return wire();
  }
}
