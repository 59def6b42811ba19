package io.trainyard.platform.specs;

import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.eventing.quarkus.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Keeps {@link PipelineCatalog} from {@code trainyard.pipelines}. A service that needs specs turns
 * it on with the build property {@code trainyard.specs.consume=true} and declares the channel
 * {@value #CHANNEL} (see docs/service-guide.md).
 */
@ApplicationScoped
@IfBuildProperty(name = "trainyard.specs.consume", stringValue = "true")
public class PipelinesListener {

  public static final String CHANNEL = "pipelines";

  private final EventConsumer events;
  private final PipelineCatalog catalog;
  private final SpecsProgress progress;

  public PipelinesListener(EventConsumer events, PipelineCatalog catalog, SpecsProgress progress) {
    this.events = events;
    this.catalog = catalog;
    this.progress = progress;
  }

  @Incoming(CHANNEL)
  @Blocking(ordered = true)
  CompletionStage<Void> onPipeline(Message<byte[]> message) {
    return events
        .handle(message, Topic.PIPELINES, PipelineSpec.class, catalog::apply)
        .thenRun(
            () ->
                message
                    .getMetadata(IncomingKafkaRecordMetadata.class)
                    .ifPresent(m -> progress.processed(m.getPartition(), m.getOffset())));
  }
}
