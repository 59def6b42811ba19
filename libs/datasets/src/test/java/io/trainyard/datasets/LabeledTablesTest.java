package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabeledTablesTest {

  @TempDir Path dir;

  private Path parquet(String name, String select) throws Exception {
    Path file = dir.resolve(name);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet)");
    }
    return file;
  }

  @Test
  void theParentsRowsAndTheNewLabelsMakeOneTableWithTheirSources() throws Exception {
    Path train =
        parquet(
            "train.parquet",
            "SELECT * FROM (VALUES (0::BIGINT, 1.5::DOUBLE, 'a', 1::BIGINT),"
                + " (1, 2.5, 'b', 0)) AS t(row_id, x, tag, y)");
    Path test =
        parquet(
            "test.parquet",
            "SELECT 2::BIGINT AS row_id, 3.5::DOUBLE AS x, 'c' AS tag, 1::BIGINT AS y");
    Path unlabeled =
        parquet(
            "unlabeled.parquet",
            "SELECT * FROM (VALUES (3::BIGINT, 4.5::DOUBLE, 'd', NULL::DOUBLE),"
                + " (4, 5.5, 'e', NULL), (5, 6.5, 'f', NULL)) AS t(row_id, x, tag, y)");
    Path out = dir.resolve("labeled.parquet");

    Map<String, Long> sources =
        LabeledTables.write(
            List.of(train, test),
            unlabeled,
            "y",
            Map.of(
                3L, new LabeledTables.Label("1", "consensus"),
                4L, new LabeledTables.Label("0", "human")),
            out);

    assertThat(sources)
        .containsExactly(
            Map.entry("consensus", 1L), Map.entry("human", 1L), Map.entry("original", 3L));
    List<Map<String, Object>> table = ParquetTables.readRowsUnordered(out);
    assertThat(table)
        .extracting(r -> r.get("x") + " " + r.get("y") + " " + r.get("label_source"))
        .containsExactlyInAnyOrder(
            "1.5 1 original",
            "2.5 0 original",
            "3.5 1 original",
            "4.5 1 consensus",
            "5.5 0 human",
            "6.5 null null");
    assertThat(table.get(0)).doesNotContainKey("row_id").containsKey("tag");
    // the target keeps the parent's integer type
    assertThat(table)
        .filteredOn(r -> "human".equals(r.get("label_source")))
        .extracting(r -> r.get("y"))
        .containsExactly(0L);
  }

  @Test
  void aLabelThatDoesNotFitTheTargetsTypeIsAnError() throws Exception {
    Path train = parquet("train.parquet", "SELECT 0::BIGINT AS row_id, 1::BIGINT AS y");
    Path unlabeled = parquet("unlabeled.parquet", "SELECT 1::BIGINT AS row_id, NULL::BIGINT AS y");
    assertThatThrownBy(
            () ->
                LabeledTables.write(
                    List.of(train),
                    unlabeled,
                    "y",
                    Map.of(1L, new LabeledTables.Label("spam", "human")),
                    dir.resolve("out.parquet")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot write the labeled table");
  }
}
