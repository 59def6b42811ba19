package io.trainyard.platform;

import io.minio.MinioClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Produces the one MinIO client a service uses to reach object storage. */
@ApplicationScoped
public class ObjectStoreClientProducer {

  @Produces
  @ApplicationScoped
  MinioClient minioClient(ObjectStoreSettings settings) {
    return MinioClient.builder()
        .endpoint(settings.endpoint())
        .credentials(settings.accessKey(), settings.secretKey())
        .region(settings.region())
        .build();
  }
}
