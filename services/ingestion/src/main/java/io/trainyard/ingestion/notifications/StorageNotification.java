package io.trainyard.ingestion.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A bucket notification as MinIO publishes it to a Kafka target: the S3 event format, one JSON
 * object with a {@code Records} array.
 *
 * <pre>{@code
 * {"EventName": "s3:ObjectCreated:Put", "Key": "trainyard/incoming/card-fraud/tx.csv",
 *  "Records": [{"eventName": "s3:ObjectCreated:Put",
 *               "s3": {"bucket": {"name": "trainyard"},
 *                      "object": {"key": "incoming%2Fcard-fraud%2Ftx.csv", "size": 123}}}]}
 * }</pre>
 *
 * <p>Only what ingestion needs is read and checked: each record's {@code eventName}, {@code
 * s3.bucket.name} and {@code s3.object.key} (URL-encoded in S3 events: decoded here, {@code +} as a
 * space). Other members are ignored.
 *
 * @param records the records, in order
 */
public record StorageNotification(List<Entry> records) {

  /** The event names of created objects start with this. */
  public static final String OBJECT_CREATED = "s3:ObjectCreated:";

  public StorageNotification {
    records = List.copyOf(records);
  }

  /**
   * One record: what happened to which object.
   *
   * @param eventName e.g. {@code s3:ObjectCreated:Put}
   * @param bucket the bucket's name
   * @param key the object's key, decoded
   */
  public record Entry(String eventName, String bucket, String key) {

    /** Whether the record tells of a created object (put, post, copy, multipart upload). */
    public boolean created() {
      return eventName.startsWith(OBJECT_CREATED);
    }
  }

  /**
   * Reads a notification from a record value.
   *
   * @throws InvalidNotificationException when it is not JSON or not in the S3 event format; the
   *     message names the member, e.g. {@code $.Records[0].s3.object.key: must be a string}
   */
  public static StorageNotification parse(byte[] value) throws InvalidNotificationException {
    if (value == null) {
      throw new InvalidNotificationException("the record has no value");
    }
    JsonNode tree;
    try {
      tree = Json.readTree(value);
    } catch (RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      throw new InvalidNotificationException(
          message.startsWith("not valid JSON") ? message : "not valid JSON: " + message, e);
    }
    if (tree == null || !tree.isObject()) {
      throw new InvalidNotificationException("$: must be an object with a Records array");
    }
    JsonNode records = tree.get("Records");
    if (records == null || !records.isArray()) {
      throw new InvalidNotificationException("$.Records: must be an array");
    }
    if (records.isEmpty()) {
      throw new InvalidNotificationException("$.Records: must not be empty");
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      String at = "$.Records[" + i + "]";
      JsonNode record = records.get(i);
      if (!record.isObject()) {
        throw new InvalidNotificationException(at + ": must be an object");
      }
      String eventName = text(record, at, "eventName");
      String bucket = text(record, at, "s3", "bucket", "name");
      String encodedKey = text(record, at, "s3", "object", "key");
      String key;
      try {
        key = URLDecoder.decode(encodedKey, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new InvalidNotificationException(
            at + ".s3.object.key: not URL-encoded: " + e.getMessage(), e);
      }
      if (bucket.isEmpty() || key.isEmpty()) {
        throw new InvalidNotificationException(
            at + ": s3.bucket.name and s3.object.key must not be empty");
      }
      entries.add(new Entry(eventName, bucket, key));
    }
    return new StorageNotification(entries);
  }

  private static String text(JsonNode record, String at, String... path)
      throws InvalidNotificationException {
    JsonNode node = record;
    StringBuilder where = new StringBuilder(at);
    for (String name : path) {
      where.append('.').append(name);
      node = node.isObject() ? node.get(name) : null;
      if (node == null) {
        throw new InvalidNotificationException(where + ": is missing");
      }
    }
    if (!node.isTextual()) {
      throw new InvalidNotificationException(where + ": must be a string");
    }
    return node.asText();
  }
}
