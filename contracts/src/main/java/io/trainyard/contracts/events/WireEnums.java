package io.trainyard.contracts.events;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Lowercase wire names for enums, with clear errors for unknown values. */
final class WireEnums {

  private WireEnums() {}

  static String wire(Enum<?> value) {
    return value.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  static <E extends Enum<E>> E parse(Class<E> type, String text) {
    for (E value : type.getEnumConstants()) {
      if (wire(value).equals(text)) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        "unknown "
            + type.getSimpleName()
            + " '"
            + text
            + "', expected one of "
            + Arrays.stream(type.getEnumConstants())
                .map(WireEnums::wire)
                .collect(Collectors.joining(", ")));
  }
}
