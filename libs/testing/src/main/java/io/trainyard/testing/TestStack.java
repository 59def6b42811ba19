package io.trainyard.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The infrastructure a test runs against: a real Kafka broker, a real S3 API and a real PostgreSQL.
 * Tests only see this interface; which implementation provides it (local processes on this machine,
 * containers where Docker exists) is chosen by {@link TestStacks}.
 */
public interface TestStack {

  /** A short name, used to choose the implementation: {@code local}, {@code testcontainers}. */
  String name();

  /** Makes sure every component runs and answers. Idempotent; safe to call from many tests. */
  void start();

  String kafkaBootstrapServers();

  String s3Endpoint();

  String s3AccessKey();

  String s3SecretKey();

  String bucket();

  String dbHost();

  int dbPort();

  /** The database tests use; never the one a local deployment uses. */
  String dbName();

  String dbUser();

  String dbPassword();

  default String jdbcUrl() {
    return "jdbc:postgresql://" + dbHost() + ":" + dbPort() + "/" + dbName();
  }

  /** The configuration that points a Trainyard service at this stack. */
  default Map<String, String> serviceConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("kafka.bootstrap.servers", kafkaBootstrapServers());
    config.put("trainyard.db.host", dbHost());
    config.put("trainyard.db.port", Integer.toString(dbPort()));
    config.put("trainyard.db.name", dbName());
    config.put("quarkus.datasource.username", dbUser());
    config.put("quarkus.datasource.password", dbPassword());
    config.put("trainyard.s3.endpoint", s3Endpoint());
    config.put("trainyard.s3.access-key", s3AccessKey());
    config.put("trainyard.s3.secret-key", s3SecretKey());
    config.put("trainyard.s3.bucket", bucket());
    return config;
  }
}
