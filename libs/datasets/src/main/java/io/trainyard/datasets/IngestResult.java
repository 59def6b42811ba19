package io.trainyard.datasets;

import java.util.List;

/**
 * What {@link CsvSplitter#split} found and wrote: the facts the ingestion service publishes in its
 * {@code datasets.ingested} event and stores as dataset metadata.
 *
 * @param schema the input columns in file order with their logical types ({@code row_id} is not
 *     listed)
 * @param features the feature columns in file order: every column but the target and the excluded
 * @param target the target column
 * @param splits train, validation and test, in that order, then {@value CsvSplitter#UNLABELED} (the
 *     rows without a target value) only when there are such rows
 * @param inputRows the data rows in the file (header not counted), labeled or not
 * @param duplicatesDropped exact duplicate rows dropped before splitting (0 unless dedupe)
 * @param targetValues the distinct target values of the labeled rows as {@linkplain
 *     DatasetLabels#canonical canonical text}, in {@link DatasetLabels} order (numeric when all
 *     values are numbers, else text)
 * @param cleaning the transformations applied, in order, with their counts
 */
public record IngestResult(
    List<Column> schema,
    List<String> features,
    String target,
    List<SplitFile> splits,
    long inputRows,
    long duplicatesDropped,
    List<String> targetValues,
    List<CleaningStep> cleaning) {

  public IngestResult {
    schema = List.copyOf(schema);
    features = List.copyOf(features);
    splits = List.copyOf(splits);
    targetValues = List.copyOf(targetValues);
    cleaning = cleaning == null ? List.of() : List.copyOf(cleaning);
  }

  /** The rows of the {@value CsvSplitter#UNLABELED} split; 0 when there is none. */
  public long unlabeledRows() {
    return splits.stream()
        .filter(s -> s.name().equals(CsvSplitter.UNLABELED))
        .mapToLong(SplitFile::rows)
        .sum();
  }
}
