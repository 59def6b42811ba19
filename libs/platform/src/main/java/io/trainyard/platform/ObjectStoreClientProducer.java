package io.trainyard.platform;

import io.minio.MinioClient;
import io.trainyard.objectstore.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * Produces the one MinIO client a service uses to reach object storage, and the {@link ObjectStore}
 * (staged writes, manifests, verified reads) that services use on top of it.
 */
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

  @Produces
  @ApplicationScoped
  ObjectStore objectStore(MinioClient client, ObjectStoreSettings settings) {
    return new ObjectStore(client, settings.bucket());
  }
}
