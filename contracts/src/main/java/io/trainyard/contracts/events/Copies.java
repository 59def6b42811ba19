package io.trainyard.contracts.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Defensive, order-preserving, unmodifiable copies; {@code null} stays {@code null}. */
final class Copies {

  private Copies() {}

  static <K, V> Map<K, V> map(Map<K, V> map) {
    return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  static <T> List<T> list(List<T> list) {
    if (list == null) {
      return null;
    }
    list.forEach(item -> Objects.requireNonNull(item, "list element"));
    return Collections.unmodifiableList(new ArrayList<>(list));
  }

  static <T> T required(T value, String name) {
    return Objects.requireNonNull(value, () -> name + " is required");
  }
}
