package io.trainyard.platform;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where a service keeps its objects: an S3-compatible endpoint reached through the MinIO client.
 */
@ConfigMapping(prefix = "trainyard.s3")
public interface ObjectStoreSettings {
  /** The S3 endpoint, e.g. {@code http://127.0.0.1:9000}. */
  String endpoint();

  String accessKey();

  String secretKey();

  /** The one bucket Trainyard writes to; its layout is in the architecture. */
  String bucket();

  @WithDefault("us-east-1")
  String region();
}
