package io.trainyard.objectstore;

import java.util.regex.Pattern;

/**
 * The bucket layout of the architecture ("Storage layout"), as checked prefixes:
 *
 * <pre>
 * incoming/...                             drop zone (bucket notifications start ingestion)
 * raw/{pipeline}/{upload-id}/              the original upload, kept for provenance
 * datasets/{pipeline}/v{n}/                a dataset version: splits, profile.json, manifest.json
 * runs/{run-id}/checkpoints/epoch-{k}/     a training checkpoint
 * runs/{run-id}/checkpoints/candidate-{i}/epoch-{k}/   one of candidate i of a model selection
 * models/{pipeline}/v{n}/                  a model version
 * evaluations/{pipeline}/v{n}/             an evaluation of model version n
 * labeling/{pipeline}/{project}/           a labeling project's table for ingestion
 * _staging/{write-id}/...                  staged writes (this library's; never read directly)
 * </pre>
 *
 * <p>Pipeline names, run ids and upload ids are checked against the patterns of {@code
 * io.trainyard.common.v1.schema.json}; versions are at least 1 and epochs at least 0.
 */
public final class Layout {
  private static final Pattern PIPELINE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public static final Prefix INCOMING = Prefix.trusted("incoming/");
  public static final Prefix RAW = Prefix.trusted("raw/");
  public static final Prefix DATASETS = Prefix.trusted("datasets/");
  public static final Prefix RUNS = Prefix.trusted("runs/");
  public static final Prefix MODELS = Prefix.trusted("models/");
  public static final Prefix EVALUATIONS = Prefix.trusted("evaluations/");
  public static final Prefix LABELING = Prefix.trusted("labeling/");

  private Layout() {}

  /** {@code labeling/{pipeline}/{project}/}: what a labeling project hands to ingestion. */
  public static Prefix labeling(String pipeline, String project) {
    if (!ID.matcher(project).matches()) {
      throw new IllegalArgumentException("project '" + project + "' is not a valid id");
    }
    return LABELING.child(pipeline(pipeline)).child(project);
  }

  /** {@code datasets/{pipeline}/}: the parent of a pipeline's dataset versions. */
  public static Prefix datasets(String pipeline) {
    return DATASETS.child(pipeline(pipeline));
  }

  /** {@code datasets/{pipeline}/v{n}/}. */
  public static Prefix dataset(String pipeline, int version) {
    return datasets(pipeline).child("v" + version(version));
  }

  /** {@code models/{pipeline}/}: the parent of a pipeline's model versions. */
  public static Prefix models(String pipeline) {
    return MODELS.child(pipeline(pipeline));
  }

  /** {@code models/{pipeline}/v{n}/}. */
  public static Prefix model(String pipeline, int version) {
    return models(pipeline).child("v" + version(version));
  }

  /** {@code evaluations/{pipeline}/}: the parent of a pipeline's evaluations. */
  public static Prefix evaluations(String pipeline) {
    return EVALUATIONS.child(pipeline(pipeline));
  }

  /** {@code evaluations/{pipeline}/v{n}/}: the evaluation of model version {@code n}. */
  public static Prefix evaluation(String pipeline, int version) {
    return evaluations(pipeline).child("v" + version(version));
  }

  /** {@code runs/{run-id}/checkpoints/}: the parent of a run's checkpoints. */
  public static Prefix checkpoints(String runId) {
    return RUNS.child(id(runId, "run id")).child("checkpoints");
  }

  /**
   * {@code runs/{run-id}/checkpoints/candidate-{i}/}: the parent of the checkpoints of candidate
   * {@code i} of a model selection.
   */
  public static Prefix checkpoints(String runId, int candidate) {
    if (candidate < 0) {
      throw new IllegalArgumentException("candidate must be 0 or more, not " + candidate);
    }
    return checkpoints(runId).child("candidate-" + candidate);
  }

  /** {@code runs/{run-id}/checkpoints/epoch-{k}/}. */
  public static Prefix checkpoint(String runId, int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be 0 or more, not " + epoch);
    }
    return checkpoints(runId).child("epoch-" + epoch);
  }

  /** {@code raw/{pipeline}/}: the parent of a pipeline's raw uploads. */
  public static Prefix raws(String pipeline) {
    return RAW.child(pipeline(pipeline));
  }

  /** {@code raw/{pipeline}/{upload-id}/}. */
  public static Prefix raw(String pipeline, String uploadId) {
    return raws(pipeline).child(id(uploadId, "upload id"));
  }

  /**
   * The version number of a {@code .../v{n}/} prefix, e.g. 3 for {@code datasets/x/v3/}.
   *
   * @throws IllegalArgumentException if the last segment is not {@code v{n}}
   */
  public static int versionOf(Prefix prefix) {
    String last = prefix.lastSegment();
    if (last.matches("v[1-9][0-9]{0,9}")) {
      long n = Long.parseLong(last.substring(1));
      if (n <= Integer.MAX_VALUE) {
        return (int) n;
      }
    }
    throw new IllegalArgumentException(prefix + " does not end with a version segment v{n}");
  }

  private static String pipeline(String pipeline) {
    if (pipeline == null || !PIPELINE.matcher(pipeline).matches()) {
      throw new IllegalArgumentException(
          "pipeline name "
              + (pipeline == null ? "null" : Keys.quoted(pipeline))
              + " is refused: use 1 to 63 lowercase letters, digits and dashes, starting and"
              + " ending with a letter or digit");
    }
    return pipeline;
  }

  private static int version(int version) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be 1 or more, not " + version);
    }
    return version;
  }

  private static String id(String id, String what) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          what
              + " "
              + (id == null ? "null" : Keys.quoted(id))
              + " is refused: use 1 to 128 letters, digits, dots, underscores or dashes,"
              + " starting with a letter or digit");
    }
    return id;
  }
}
