package io.trainyard.objectstore;

import io.minio.BucketExistsArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import io.trainyard.testing.TestStack;
import io.trainyard.testing.TestStacks;
import io.trainyard.testing.UniqueNames;
import java.util.ArrayList;
import java.util.List;

/** The real S3 server of the test stack, seen directly through the MinIO client. */
final class TestS3 {
  private TestS3() {}

  static TestStack stack() {
    return TestStacks.current();
  }

  static MinioClient client() {
    TestStack stack = stack();
    return client(stack.s3Endpoint(), stack.s3AccessKey(), stack.s3SecretKey());
  }

  static MinioClient client(String endpoint, String accessKey, String secretKey) {
    return MinioClient.builder()
        .endpoint(endpoint)
        .credentials(accessKey, secretKey)
        .region("us-east-1")
        .build();
  }

  static MinioAsyncClient asyncClient() {
    TestStack stack = stack();
    return MinioAsyncClient.builder()
        .endpoint(stack.s3Endpoint())
        .credentials(stack.s3AccessKey(), stack.s3SecretKey())
        .region("us-east-1")
        .build();
  }

  static String bucket() {
    return stack().bucket();
  }

  static void ensureBucket(MinioClient client) throws Exception {
    if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket()).build())) {
      client.makeBucket(MakeBucketArgs.builder().bucket(bucket()).build());
    }
  }

  /** A fresh root prefix for one test class; nothing else writes under it. */
  static Prefix uniqueRoot(String what) {
    return Prefix.of("test-objectstore/" + UniqueNames.of(what) + "/");
  }

  /** Every key under {@code prefix}, listed directly. */
  static List<String> keysUnder(MinioClient client, String prefix) throws Exception {
    List<String> keys = new ArrayList<>();
    for (Result<Item> r :
        client.listObjects(
            ListObjectsArgs.builder().bucket(bucket()).prefix(prefix).recursive(true).build())) {
      keys.add(r.get().objectName());
    }
    return keys;
  }

  static void deleteUnder(MinioClient client, String prefix) throws Exception {
    List<DeleteObject> objects = new ArrayList<>();
    for (String key : keysUnder(client, prefix)) {
      objects.add(new DeleteObject(key));
    }
    if (!objects.isEmpty()) {
      for (Result<DeleteError> r :
          client.removeObjects(
              RemoveObjectsArgs.builder().bucket(bucket()).objects(objects).build())) {
        r.get();
      }
    }
  }
}
