package io.trainyard.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Catalogue;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Schemas;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.InferenceObserved;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every consumed event costs before a service does any work with it: schema validation and
 * conversion to its record, and the id derivation of the event it produces. Measured on the
 * highest-rate payload, {@code trainyard.inference.observed}. Run: {@code java -jar
 * benchmarks/target/benchmarks.jar ConsumedEventBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConsumedEventBenchmark {

  private byte[] payload;
  private JsonNode tree;

  @Setup
  public void setUp() throws IOException {
    try (InputStream in =
        ConsumedEventBenchmark.class.getResourceAsStream(
            Topic.INFERENCE_OBSERVED.exampleResource())) {
      payload = in.readAllBytes();
    }
    tree = Json.readTree(payload);
  }

  @Benchmark
  public List<String> validateOnly() {
    return Schemas.validate(Topic.INFERENCE_OBSERVED, tree);
  }

  @Benchmark
  public InferenceObserved parseValidateConvert() {
    return Catalogue.read(Topic.INFERENCE_OBSERVED, payload, InferenceObserved.class);
  }

  @Benchmark
  public String deriveEventId() {
    return EventIds.of(Topic.DRIFT_DETECTED, "card-fraud", 3, 1234);
  }
}
