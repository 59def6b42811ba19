package io.trainyard.contracts.events;

import io.trainyard.contracts.spec.Task;
import java.util.List;
import java.util.Map;

/**
 * {@code io.trainyard.models.trained.v1} on {@code trainyard.models.trained}: a run produced a
 * model version; one run id yields exactly one.
 *
 * @param runId the run
 * @param pipeline the pipeline name
 * @param modelVersion the model version training allocated
 * @param datasetVersion the dataset version it was trained on
 * @param manifestUri {@code models/{pipeline}/v{n}/manifest.json}
 * @param artifacts optional: artifact URIs by name (parameters, preprocessing, signature)
 * @param metrics training metrics of the kept epoch
 * @param lineage where the model comes from
 * @param task optional: the model's task; absent (events of models trained before it was recorded)
 *     means binary-classification
 * @param classes optional, classification only: the class labels in the order of the model's
 *     outputs — binary {@code [negative, positive]}, multiclass the sorted distinct labels of the
 *     train split
 * @param compute optional: the compute the run used
 * @param candidates optional: with model selection ({@code training.candidates}), every candidate
 *     trained in the run with its figures; the selected one is this model
 */
public record ModelTrained(
    String runId,
    String pipeline,
    int modelVersion,
    int datasetVersion,
    String manifestUri,
    Map<String, String> artifacts,
    Map<String, Double> metrics,
    Lineage lineage,
    Task task,
    List<String> classes,
    Compute compute,
    List<Candidate> candidates)
    implements PipelineEvent {

  public ModelTrained {
    Copies.required(runId, "runId");
    Copies.required(pipeline, "pipeline");
    Copies.required(manifestUri, "manifestUri");
    artifacts = Copies.map(artifacts);
    metrics = Copies.map(Copies.required(metrics, "metrics"));
    Copies.required(lineage, "lineage");
    classes = Copies.list(classes);
    candidates = Copies.list(candidates);
    if (task == Task.REGRESSION && classes != null && !classes.isEmpty()) {
      throw new IllegalArgumentException("a regression model has no classes: " + classes);
    }
  }

  /** A model of a run without model selection. */
  public ModelTrained(
      String runId,
      String pipeline,
      int modelVersion,
      int datasetVersion,
      String manifestUri,
      Map<String, String> artifacts,
      Map<String, Double> metrics,
      Lineage lineage,
      Task task,
      List<String> classes,
      Compute compute) {
    this(
        runId,
        pipeline,
        modelVersion,
        datasetVersion,
        manifestUri,
        artifacts,
        metrics,
        lineage,
        task,
        classes,
        compute,
        null);
  }

  /** A model whose compute is not recorded. */
  public ModelTrained(
      String runId,
      String pipeline,
      int modelVersion,
      int datasetVersion,
      String manifestUri,
      Map<String, String> artifacts,
      Map<String, Double> metrics,
      Lineage lineage,
      Task task,
      List<String> classes) {
    this(
        runId,
        pipeline,
        modelVersion,
        datasetVersion,
        manifestUri,
        artifacts,
        metrics,
        lineage,
        task,
        classes,
        null,
        null);
  }

  /** A model whose task is not recorded (binary-classification). */
  public ModelTrained(
      String runId,
      String pipeline,
      int modelVersion,
      int datasetVersion,
      String manifestUri,
      Map<String, String> artifacts,
      Map<String, Double> metrics,
      Lineage lineage) {
    this(
        runId,
        pipeline,
        modelVersion,
        datasetVersion,
        manifestUri,
        artifacts,
        metrics,
        lineage,
        null,
        null,
        null,
        null);
  }

  /**
   * One candidate of a model selection, or one trial of a hyper-parameter search.
   *
   * @param index its index in {@code training.candidates}, or the trial's number (from 0)
   * @param type mlp, linear, cnn or xgboost
   * @param hidden optional: an mlp or cnn's hidden layer widths
   * @param bestEpoch optional: the epoch (boosting round) kept
   * @param epochsRun the epochs (boosting rounds) that ran
   * @param stopReason optional: why its training stopped
   * @param metrics its validation figures at its best epoch
   * @param selected whether it is the model announced
   * @param params optional, a search's trial: the values it tried, by setting name
   */
  public record Candidate(
      int index,
      String type,
      List<Integer> hidden,
      Integer bestEpoch,
      int epochsRun,
      String stopReason,
      Map<String, Double> metrics,
      boolean selected,
      Map<String, Object> params) {
    public Candidate {
      Copies.required(type, "type");
      hidden = Copies.list(hidden);
      metrics = Copies.map(Copies.required(metrics, "metrics"));
      params = Copies.map(params);
    }

    /** A candidate of a model selection (no search parameters). */
    public Candidate(
        int index,
        String type,
        List<Integer> hidden,
        Integer bestEpoch,
        int epochsRun,
        String stopReason,
        Map<String, Double> metrics,
        boolean selected) {
      this(index, type, hidden, bestEpoch, epochsRun, stopReason, metrics, selected, null);
    }
  }

  /** The task: {@link #task()}, or binary-classification when the event does not say. */
  public Task taskOrBinary() {
    return task == null ? Task.BINARY_CLASSIFICATION : task;
  }

  /**
   * Lineage of a model.
   *
   * @param datasetContentHash contentHash of the dataset version
   * @param specHash optional: content hash of the pipeline spec the run used
   * @param parentModel optional: the model version the run retrained
   * @param trigger optional: the trigger of the training request
   * @param seed optional: the training seed
   * @param epochs optional: epochs actually run
   * @param codeVersion optional: the training service and its version, e.g. {@code
   *     trainyard-training 0.1.0}
   * @param device optional: the device the model was trained on, as DJL names it ({@code cpu()},
   *     {@code gpu(0)})
   */
  public record Lineage(
      String datasetContentHash,
      String specHash,
      Integer parentModel,
      Trigger trigger,
      Long seed,
      Integer epochs,
      String codeVersion,
      String device) {

    public Lineage {
      Copies.required(datasetContentHash, "datasetContentHash");
    }

    /** Without the code version and device (as recorded before they were). */
    public Lineage(
        String datasetContentHash,
        String specHash,
        Integer parentModel,
        Trigger trigger,
        Long seed,
        Integer epochs) {
      this(datasetContentHash, specHash, parentModel, trigger, seed, epochs, null, null);
    }
  }

  /**
   * The compute a run used.
   *
   * @param device the device, as in {@link Lineage#device()}
   * @param threads the PyTorch intra-op threads on a CPU; null on a GPU
   * @param deviceSeconds seconds the device trained, summed over the run's attempts (an epoch
   *     redone after a crash counts twice)
   * @param powerWatts the power figure the estimate uses (the training service's {@code
   *     trainyard.training.power-watts})
   * @param energyWh the energy estimate: {@code deviceSeconds * powerWatts / 3600}
   */
  public record Compute(
      String device, Integer threads, double deviceSeconds, double powerWatts, double energyWh) {

    public Compute {
      Copies.required(device, "device");
    }
  }
}
