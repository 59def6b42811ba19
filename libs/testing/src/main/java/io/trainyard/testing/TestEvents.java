package io.trainyard.testing;

import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.RecordKeys;
import io.trainyard.contracts.Sources;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.PipelineSpecs;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes CloudEvents the way another system would: binary mode, the envelope in {@code ce_*}
 * headers, the payload as JSON. Tests use it to feed a service, and to deliver the same event again
 * (same {@code ce_id}) to prove that it has one effect.
 */
public final class TestEvents {

  private TestEvents() {}

  /**
   * Sends {@code payload} to {@code topicName} as a root event of {@code source} with id {@code
   * id}, keyed as the catalogue keys {@code topic}; waits for the broker's acknowledgement.
   */
  public static void publish(
      String topicName, Topic topic, String id, String source, String subject, Object payload) {
    Envelope envelope = Envelope.root(topic, id, source, subject);
    byte[] value = Json.writeBytes(payload);
    send(topicName, RecordKeys.keyFor(topic, payload), value, envelope.toHeaders());
  }

  /**
   * Publishes a pipeline spec on this JVM's {@code trainyard.pipelines} as the console does (as
   * revision 1 of the pipeline), so that the service under test learns it.
   *
   * @param specJson the spec as JSON or YAML (parsed and validated by {@link PipelineSpecs})
   * @return the pipeline name
   */
  public static String applySpec(String specJson) {
    PipelineSpec spec = PipelineSpecs.parse(specJson);
    publish(
        TestTopics.of(Topic.PIPELINES),
        Topic.PIPELINES,
        EventIds.of(Topic.PIPELINES, spec.name(), 1),
        Sources.CONSOLE,
        spec.name(),
        spec);
    return spec.name();
  }

  /**
   * A binary-classification spec of a new pipeline named from {@code prefix}, target {@code fraud}
   * (the card-fraud example data), with {@code extraFields} (JSON members, without braces, e.g.
   * {@code "training": {"epochs": 5}}) added; applied with {@link #applySpec}.
   */
  public static String applyCardFraudSpec(String prefix, String extraFields) {
    String name = UniqueNames.of(prefix);
    return applySpec(
        "{\"name\": \""
            + name
            + "\", \"task\": \"binary-classification\", \"target\": \"fraud\""
            + (extraFields == null || extraFields.isBlank() ? "" : ", " + extraFields)
            + "}");
  }

  /** Sends one record with the given headers; waits for the broker's acknowledgement. */
  public static void send(String topicName, String key, byte[] value, Map<String, byte[]> headers) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            TestStacks.current().kafkaBootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>(topicName, key, value);
      headers.forEach((name, bytes) -> record.headers().add(name, bytes));
      producer.send(record).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot publish to " + topicName, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
