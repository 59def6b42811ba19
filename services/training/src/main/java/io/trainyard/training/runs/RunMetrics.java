package io.trainyard.training.runs;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * {@code trainyard.training.runs{state=queued|running}}: the training backlog, which autoscaling
 * reads instead of Kafka lag (ADR 0005). Counted from the run table at each scrape.
 */
@ApplicationScoped
public class RunMetrics {

  private final AgroalDataSource dataSource;
  private final MeterRegistry registry;

  public RunMetrics(AgroalDataSource dataSource, MeterRegistry registry) {
    this.dataSource = dataSource;
    this.registry = registry;
  }

  void register(@Observes StartupEvent event) {
    for (String state : new String[] {Run.QUEUED, Run.RUNNING}) {
      Gauge.builder("trainyard.training.runs", this, metrics -> metrics.count(state))
          .tag("state", state)
          .description("training runs in this state")
          .register(registry);
    }
  }

  double count(String state) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement("select count(*) from run where state = ?")) {
      query.setString(1, state);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      return Double.NaN;
    }
  }
}
