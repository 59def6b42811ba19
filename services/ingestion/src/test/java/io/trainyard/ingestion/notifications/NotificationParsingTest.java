package io.trainyard.ingestion.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.eventing.PoisonEventException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The S3 event format and the {@code incoming/<pipeline>/} convention, without the stack. */
class NotificationParsingTest {

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static StorageNotification.Entry entry(String key) {
    return new StorageNotification.Entry("s3:ObjectCreated:Put", "trainyard", key);
  }

  @Test
  void readsMinioRecordsAndDecodesTheirKeys() throws Exception {
    StorageNotification notification =
        StorageNotification.parse(
            bytes(
                """
                {"EventName": "s3:ObjectCreated:Put",
                 "Key": "trainyard/incoming/card-fraud/my file.csv",
                 "Records": [
                   {"eventVersion": "2.0", "eventSource": "minio:s3",
                    "eventName": "s3:ObjectCreated:Put",
                    "s3": {"bucket": {"name": "trainyard"},
                           "object": {"key": "incoming%2Fcard-fraud%2Fmy+file%2B1.csv",
                                      "size": 123, "eTag": "abc"}}},
                   {"eventName": "s3:ObjectRemoved:Delete",
                    "s3": {"bucket": {"name": "trainyard"}, "object": {"key": "incoming%2Fx"}}}
                 ]}
                """));
    assertThat(notification.records())
        .containsExactly(
            new StorageNotification.Entry(
                "s3:ObjectCreated:Put", "trainyard", "incoming/card-fraud/my file+1.csv"),
            new StorageNotification.Entry("s3:ObjectRemoved:Delete", "trainyard", "incoming/x"));
    assertThat(notification.records().get(0).created()).isTrue();
    assertThat(notification.records().get(1).created()).isFalse();
  }

  @Test
  void refusesWhatIsNotAnS3Event() {
    assertThatThrownBy(() -> StorageNotification.parse(bytes("{not json")))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageStartingWith("not valid JSON: ");
    assertThatThrownBy(() -> StorageNotification.parse(null)).hasMessageContaining("no value");
    assertThatThrownBy(() -> StorageNotification.parse(bytes("[1]")))
        .hasMessageContaining("$: must be an object");
    assertThatThrownBy(() -> StorageNotification.parse(bytes("{\"EventName\": \"x\"}")))
        .hasMessage("$.Records: must be an array");
    assertThatThrownBy(() -> StorageNotification.parse(bytes("{\"Records\": []}")))
        .hasMessage("$.Records: must not be empty");
    assertThatThrownBy(
            () ->
                StorageNotification.parse(
                    bytes(
                        "{\"Records\": [{\"eventName\": \"s3:ObjectCreated:Put\", \"s3\":"
                            + " {\"bucket\": {\"name\": \"b\"}, \"object\": {}}}]}")))
        .hasMessage("$.Records[0].s3.object.key: is missing");
    assertThatThrownBy(
            () ->
                StorageNotification.parse(
                    bytes(
                        "{\"Records\": [{\"eventName\": 7, \"s3\":"
                            + " {\"bucket\": {\"name\": \"b\"}, \"object\": {\"key\": \"k\"}}}]}")))
        .hasMessage("$.Records[0].eventName: must be a string");
    assertThatThrownBy(
            () ->
                StorageNotification.parse(
                    bytes(
                        "{\"Records\": [{\"eventName\": \"s3:ObjectCreated:Put\", \"s3\":"
                            + " {\"bucket\": {\"name\": \"b\"}, \"object\": {\"key\": \"a%zz\"}}}]}")))
        .hasMessageStartingWith("$.Records[0].s3.object.key: not URL-encoded");
  }

  @Test
  void onlyObjectsUnderIncomingPipelineAreIngested() {
    assertThat(StorageNotifications.drop(entry("incoming/card-fraud/2024/tx.csv.gz")))
        .contains(
            new StorageNotifications.Drop(
                "card-fraud", "trainyard", "incoming/card-fraud/2024/tx.csv.gz"));
    assertThat(StorageNotifications.drop(entry("datasets/card-fraud/v1/train.parquet"))).isEmpty();
    assertThat(StorageNotifications.drop(entry("exports/incoming/card-fraud/tx.csv"))).isEmpty();
    assertThat(StorageNotifications.drop(entry("incoming/card-fraud/"))).isEmpty();
    assertThatThrownBy(() -> StorageNotifications.drop(entry("incoming/card-fraud/../../x.csv")))
        .isInstanceOf(PoisonEventException.class)
        .hasMessageContaining("'..'");
    assertThatThrownBy(() -> StorageNotifications.drop(entry("incoming//tx.csv")))
        .isInstanceOf(PoisonEventException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> StorageNotifications.drop(entry("incoming/tx.csv")))
        .isInstanceOf(PoisonEventException.class)
        .hasMessageContaining("incoming/<pipeline>/<file>");
  }
}
