package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CsvScan} gives types only when certain, and then exactly the types of DuckDB's detection
 * over the whole file (what {@link CsvSplitter} used before).
 */
class CsvScanTest {

  @TempDir Path dir;

  private int files;

  private Path file(String text) throws IOException {
    return file(text.getBytes(StandardCharsets.UTF_8));
  }

  private Path file(byte[] bytes) throws IOException {
    Path p = dir.resolve("f" + files++ + ".csv");
    Files.write(p, bytes);
    return p;
  }

  /** The types of DuckDB's detection over the whole file, as CsvSplitter asked for them. */
  private static List<String> detected(Path csv) throws SQLException {
    try (Connection c = DuckDb.open();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "DESCRIBE SELECT * FROM read_csv("
                    + DuckDb.literal(csv)
                    + ", header = true, auto_detect = true, sample_size = -1, delim = ',', quote ="
                    + " '\"', escape = '\"', skip = 0, strict_mode = true, null_padding = false,"
                    + " auto_type_candidates = ['BIGINT', 'DOUBLE', 'VARCHAR'])")) {
      List<String> types = new ArrayList<>();
      while (rs.next()) {
        types.add(rs.getString("column_type"));
      }
      return types;
    }
  }

  private void certain(String text, String... types) throws Exception {
    Path csv = file(text);
    CsvScan.Result result = CsvScan.scan(csv);
    assertThat(result.utf8()).isTrue();
    assertThat(result.types()).as(text).containsExactly(types);
    assertThat(detected(csv)).as(text).containsExactly(types);
  }

  private void uncertain(String text) throws Exception {
    CsvScan.Result result = CsvScan.scan(file(text));
    assertThat(result.utf8()).isTrue();
    assertThat(result.types()).as(text).isNull();
  }

  @Test
  void plainFilesGetTheTypesDuckDbDetects() throws Exception {
    certain("a,b,c,d\n1,2.5,w,0\n-3,0.25,DE,1\n", "BIGINT", "DOUBLE", "VARCHAR", "BIGINT");
    certain("a,b\n1,2.5", "BIGINT", "DOUBLE");
    certain("a,b\r\n1,2\r\n0,-0.5\r\n", "BIGINT", "DOUBLE");
    certain("a,b\n1,\n,2.0\n3,4\n", "BIGINT", "DOUBLE");
    // a text cell makes the column text whatever its other cells
    certain("a,b\nDE,1\nFR,2\n012,3\n+1,4\n", "VARCHAR", "BIGINT");
    certain("a,b\n\"x,y\",1\n\"say \"\"hi\"\"\",2\n", "VARCHAR", "BIGINT");
    certain("a,b\nü,1\nnaïve,2\n", "VARCHAR", "BIGINT");
    certain("a,b\ntrue,1\nfalse,2\n", "VARCHAR", "BIGINT");
    certain("a,b\n1,123456789012345678\n", "BIGINT", "BIGINT");
  }

  @Test
  void anythingElseIsLeftToDuckDb() throws Exception {
    uncertain("a,b\n012,1\n");
    uncertain("a,b\n+1,1\n");
    uncertain("a,b\n1e5,1\n");
    uncertain("a,b\n-0,1\n");
    uncertain("a,b\n1.,1\n");
    uncertain("a,b\n.5,1\n");
    uncertain("a,b\n 1,1\n");
    uncertain("a,b\ninf,1\n");
    uncertain("a,b\nnan,1\n");
    uncertain("a,b\n0x10,1\n");
    uncertain("a,b\n1_000,1\n");
    uncertain("a,b\n1,1234567890123456789\n");
    uncertain("a,b\n\"1\",1\n");
    uncertain("a,b\nDE,1\nIT,2\n"); // letters that could be part of a number
    uncertain("a,b\n,1\n,2\n"); // a column without a value
    uncertain("a,b\n1,2\n3\n"); // ragged
    uncertain("a,b\n1,2\n\n3,4\n"); // an empty line
    uncertain("a,b\n1,2\r3,4\r"); // carriage returns alone
    uncertain("a,b\r\n1,2\n3,4\r\n"); // mixed line breaks
    uncertain("a,b\n#x,1\ny,2\n");
    uncertain("a,b\nx\"y,1\n");
    uncertain("a,b\n\"x,1\n"); // an open quote
    uncertain("a\n1\n2\n"); // one column
    uncertain("a,b\n"); // no data rows
    uncertain("\uFEFFa,b\n1,2\n"); // a byte order mark
  }

  @Test
  void invalidUtf8IsNotAccepted() throws Exception {
    assertThat(
            CsvScan.scan(file(new byte[] {'a', ',', 'b', '\n', (byte) 0xFF, ',', '1', '\n'}))
                .utf8())
        .isFalse();
    // overlong, surrogate, truncated
    assertThat(CsvScan.scan(file(new byte[] {'a', '\n', (byte) 0xC0, (byte) 0x80})).utf8())
        .isFalse();
    assertThat(
            CsvScan.scan(file(new byte[] {'a', '\n', (byte) 0xED, (byte) 0xA0, (byte) 0x80}))
                .utf8())
        .isFalse();
    assertThat(CsvScan.scan(file(new byte[] {'a', '\n', (byte) 0xE2, (byte) 0x82})).utf8())
        .isFalse();
    assertThat(CsvScan.scan(file("a,b\n€,\uD83D\uDE00\n")).utf8()).isTrue();
  }

  @Test
  void characterSplitAcrossReadsIsAccepted() throws Exception {
    // a file longer than the 1 MiB read buffer, with multi-byte characters at every offset
    StringBuilder text = new StringBuilder("a,b\n");
    Random random = new Random(3);
    while (text.length() < 3 << 20) {
      text.append(random.nextInt(1000)).append(".5,x€y").append(random.nextInt(3)).append('\n');
    }
    certain(text.toString(), "DOUBLE", "VARCHAR");
  }
}
