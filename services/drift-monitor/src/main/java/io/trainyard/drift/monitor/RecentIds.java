package io.trainyard.drift.monitor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the last {@code capacity} events applied, oldest forgotten first: a producer's retry
 * (the same event at a later offset) is skipped without an inbox row per event. Offsets stored with
 * the windows cover redelivery of the same records; this covers re-sends within {@code capacity}
 * events.
 */
final class RecentIds {

  private final Map<String, Boolean> ids;

  RecentIds(int capacity) {
    this.ids =
        new LinkedHashMap<>(capacity * 4 / 3 + 1, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized boolean contains(String id) {
    return ids.containsKey(id);
  }

  synchronized void add(String id) {
    ids.put(id, Boolean.TRUE);
  }
}
