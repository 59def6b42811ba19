package io.trainyard.datasets;

import java.nio.file.Path;

/**
 * One Parquet split written by {@link CsvSplitter}.
 *
 * @param name {@code "train"}, {@code "validation"}, {@code "test"} or {@code "unlabeled"}
 * @param file the Parquet file
 * @param rows the number of rows in it (may be 0 for a split whose ratio is 0)
 */
public record SplitFile(String name, Path file, long rows) {}
