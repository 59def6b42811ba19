package io.trainyard.eventing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

/** The plain rules, without the stack: failure classes, backoff, trace contexts, producer. */
class FailuresTest {

  @Test
  void transientFailuresAreToldFromTheRest() {
    assertThat(Failures.isTransient(new SQLTransientConnectionException("pool exhausted")))
        .isTrue();
    assertThat(Failures.isTransient(new SQLException("connection refused", "08001"))).isTrue();
    assertThat(Failures.isTransient(new SQLException("could not serialize", "40001"))).isTrue();
    assertThat(Failures.isTransient(new SQLException("lock timeout", "55P03"))).isTrue();
    assertThat(Failures.isTransient(new SQLException("duplicate key", "23505"))).isFalse();
    assertThat(Failures.isTransient(new NotEnoughReplicasException("isr"))).isTrue();
    assertThat(Failures.isTransient(new RecordTooLargeException("big"))).isFalse();
    assertThat(Failures.isTransient(new IllegalStateException(new ConnectException("s3"))))
        .isTrue();
    assertThat(
            Failures.isTransient(new RuntimeException("wrapped", new SQLException("x", "40P01"))))
        .isTrue();
    assertThat(Failures.isTransient(new IllegalArgumentException("bad"))).isFalse();
    assertThat(Failures.isTransient(new TransientEventException("later"))).isTrue();
    // The closest explicit verdict wins over what it wraps.
    assertThat(
            Failures.isTransient(new PoisonEventException("never", new SQLException("x", "08006"))))
        .isFalse();
    assertThat(
            Failures.isTransient(
                new TransientEventException("later", new IllegalArgumentException())))
        .isTrue();
  }

  @Test
  void backoffDoublesUpToItsCap() {
    RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(2));
    assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.backoff(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(policy.backoff(6)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.backoff(60)).isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void generatedTraceContextsAreValidW3cTraceparents() {
    String traceparent = Traceparents.generate();
    assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(Traceparents.isValid(traceparent)).isTrue();
    assertThat(Traceparents.generate()).isNotEqualTo(traceparent);
    assertThat(Traceparents.isValid("00-00000000000000000000000000000000-b7ad6b7169203331-01"))
        .isFalse();
    assertThat(Traceparents.isValid("not-a-trace")).isFalse();
    assertThat(Traceparents.isValid(null)).isFalse();
  }

  @Test
  void theProducerRefusesSettingsThatWeakenDelivery() {
    Map<String, Object> config = EventingProducers.config(Map.of("bootstrap.servers", "x:9092"));
    assertThat(config)
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("max.in.flight.requests.per.connection", "5");
    assertThat(EventingProducers.config(Map.of("bootstrap.servers", "x", "acks", "-1")))
        .containsEntry("acks", "all");
    assertThatThrownBy(
            () -> EventingProducers.config(Map.of("bootstrap.servers", "x", "acks", "1")))
        .hasMessageContaining("acks=all");
    assertThatThrownBy(
            () ->
                EventingProducers.config(
                    Map.of("bootstrap.servers", "x", "enable.idempotence", "false")))
        .hasMessageContaining("enable.idempotence=true");
    assertThatThrownBy(
            () ->
                EventingProducers.config(
                    Map.of(
                        "bootstrap.servers", "x", "max.in.flight.requests.per.connection", "10")))
        .hasMessageContaining("at most 5");
  }
}
