package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.contracts.spec.Task;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSV several times larger than the Java heap is split, profiled and validated: the rows never
 * pass through the heap (DuckDB holds them, spilling to disk past its memory limit). Runs in a
 * child JVM with {@value #HEAP}, so the test JVM's own heap does not matter.
 */
class LargerThanHeapTest {

  static final String HEAP = "-Xmx32m";
  static final int ROWS = 1_600_000;

  @TempDir Path dir;

  /** The child: split + profile + validate, then print the split sizes. */
  public static void main(String[] args) throws Exception {
    Path csv = Path.of(args[0]);
    IngestResult result =
        CsvSplitter.split(
            csv,
            new SplitConfig(
                "label",
                List.of("id"),
                new SplitRatios(0.7, 0.15, 0.15),
                true,
                42,
                true,
                null,
                new Cleaning(Cleaning.MEDIAN, 0, Cleaning.MODE, true, false)),
            Path.of(args[1]));
    DatasetProfile profile = Profiler.profile(result.splits());
    ValidationReport report = Validator.validate(result, profile, Task.BINARY_CLASSIFICATION);
    StringBuilder out = new StringBuilder("rows");
    for (SplitFile split : result.splits()) {
      out.append(' ').append(split.name()).append('=').append(split.rows());
    }
    out.append(" profiled=").append(profile.rows()).append(" errors=").append(report.errors());
    System.out.println(out);
  }

  @Test
  void aCsvFarLargerThanTheHeapIsIngested() throws Exception {
    Path csv = dir.resolve("large.csv");
    Random random = new Random(11);
    String[] cities = {"berlin", "paris", " rome", "madrid", "oslo"};
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write("id,amount,balance,age,score,city,label\n");
      for (int i = 0; i < ROWS; i++) {
        double amount = random.nextGaussian() * 100 + 500;
        w.write(
            i
                + ","
                + (i % 50 == 0 ? "" : String.format("%.4f", amount))
                + ","
                + String.format("%.3f", random.nextDouble() * 10_000)
                + ","
                + (18 + random.nextInt(70))
                + ","
                + String.format("%.6f", random.nextDouble())
                + ","
                + cities[random.nextInt(cities.length)]
                + ","
                + (amount > 620 ? 1 : 0)
                + "\n");
      }
    }
    long size = Files.size(csv);
    assertThat(size).as("the file is at least twice the child's heap").isGreaterThan(64L << 20);

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(HEAP);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LargerThanHeapTest.class.getName());
    command.add(csv.toString());
    command.add(dir.resolve("out").toString());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    String line = output.lines().filter(l -> l.startsWith("rows ")).findFirst().orElseThrow();
    long total = 0;
    for (String part : line.split(" ")) {
      if (part.startsWith("train=") || part.startsWith("validation=") || part.startsWith("test=")) {
        total += Long.parseLong(part.substring(part.indexOf('=') + 1));
      }
    }
    assertThat(total).isEqualTo(ROWS);
    assertThat(line).contains("profiled=" + ROWS).contains("errors=0");
  }
}
