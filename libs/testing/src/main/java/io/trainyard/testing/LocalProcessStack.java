package io.trainyard.testing;

import io.trainyard.local.LocalStack;
import io.trainyard.local.StackConfig;

/**
 * The stack of these machines: the Kafka broker and S3 server that {@code ./trainyard up} runs,
 * started from Maven Central jars if they are not running yet, and the local PostgreSQL. Tests use
 * their own database ({@value #TEST_DATABASE}), so they never touch a local deployment's data.
 * Ports and credentials follow the same environment variables as the launcher.
 */
public final class LocalProcessStack implements TestStack {
  public static final String TEST_DATABASE = "trainyard_test";

  private final StackConfig config;

  public LocalProcessStack() {
    this(StackConfig.fromEnvironment().withDatabase(TEST_DATABASE));
  }

  LocalProcessStack(StackConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public void start() {
    new LocalStack(config).ensureInfrastructure();
  }

  @Override
  public String kafkaBootstrapServers() {
    return config.kafkaBootstrapServers();
  }

  @Override
  public String s3Endpoint() {
    return config.s3Endpoint();
  }

  @Override
  public String s3AccessKey() {
    return config.s3AccessKey();
  }

  @Override
  public String s3SecretKey() {
    return config.s3SecretKey();
  }

  @Override
  public String bucket() {
    return config.bucket();
  }

  @Override
  public String dbHost() {
    return config.pgHost();
  }

  @Override
  public int dbPort() {
    return config.pgPort();
  }

  @Override
  public String dbName() {
    return config.database();
  }

  @Override
  public String dbUser() {
    return config.pgUser();
  }

  @Override
  public String dbPassword() {
    return config.pgPassword();
  }
}
