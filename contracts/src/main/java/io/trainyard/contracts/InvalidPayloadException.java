package io.trainyard.contracts;

import java.util.List;

/** A payload does not match its schema. */
public class InvalidPayloadException extends IllegalArgumentException {

  private final String ceType;
  private final List<String> reasons;

  public InvalidPayloadException(String ceType, List<String> reasons) {
    super("invalid " + ceType + " payload: " + String.join("; ", reasons));
    this.ceType = ceType;
    this.reasons = List.copyOf(reasons);
  }

  /** The CloudEvent type whose schema the payload failed. */
  public String ceType() {
    return ceType;
  }

  /** Readable reasons, each naming the JSON path of the offending value. */
  public List<String> reasons() {
    return reasons;
  }
}
