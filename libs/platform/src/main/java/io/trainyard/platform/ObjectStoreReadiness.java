package io.trainyard.platform;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the object store answers and the bucket exists. */
@Readiness
@ApplicationScoped
public class ObjectStoreReadiness implements HealthCheck {
  static final String NAME = "object-store";

  private final MinioClient client;
  private final ObjectStoreSettings settings;

  public ObjectStoreReadiness(MinioClient client, ObjectStoreSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  @Override
  public HealthCheckResponse call() {
    var response =
        HealthCheckResponse.named(NAME)
            .withData("endpoint", settings.endpoint())
            .withData("bucket", settings.bucket());
    try {
      boolean exists =
          client.bucketExists(BucketExistsArgs.builder().bucket(settings.bucket()).build());
      return exists
          ? response.up().build()
          : response.down().withData("reason", "bucket does not exist").build();
    } catch (Exception e) {
      return response.down().withData("reason", String.valueOf(e.getMessage())).build();
    }
  }
}
