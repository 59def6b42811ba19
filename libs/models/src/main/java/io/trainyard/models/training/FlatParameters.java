package io.trainyard.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Objects;

/**
 * A block's parameters laid out in one flat tensor, so that an optimizer can update all of them
 * with a few operations on whole vectors ({@link ResumableOptimizer#step(FlatParameters)}) instead
 * of a dozen operations per parameter.
 *
 * <p>{@link #bind} copies the parameters' values, in block order, into one 1-D float tensor and
 * makes every {@link Parameter}'s array a view of its part of it: a leaf tensor that requires a
 * gradient and shares the flat tensor's storage. The block computes with those views as before,
 * each view gets its own gradient in the backward pass, and an in-place update of the flat tensor
 * is an update of every parameter. DJL has no public way to give an initialised {@link Parameter}
 * another array, so {@code bind} sets its private field; a forward pass must then go through a
 * {@link ai.djl.training.ParameterStore} created after the binding (the trainer's own store
 * remembers the arrays it saw before).
 *
 * <p>PyTorch accumulates a gradient into the same tensor from one backward pass to the next (its
 * engine runs a backward pass without {@code create_graph} in no-grad mode, and then adds to an
 * existing gradient in place), and this class zeroes them in place: the flattened views of the
 * gradients taken after the first backward pass stay valid for the whole training. {@code
 * ResumableOptimizerTest} checks the fused update against the per-parameter one over several real
 * backward passes.
 */
final class FlatParameters implements AutoCloseable {

  private final NDArray values;
  private final NDArray[] arrays;
  private final long[] offsets;
  private final int frozen;
  private final NDArray trainable;
  private NDArray[] gradients;

  private FlatParameters(NDArray values, NDArray[] arrays, long[] offsets, int frozen) {
    this.values = values;
    this.arrays = arrays;
    this.offsets = offsets;
    this.frozen = frozen;
    this.trainable =
        frozen == 0 ? values : values.get("{}:{}", offsets[frozen], offsets[arrays.length]);
    NDScope.unregister(values, trainable);
    NDScope.unregister(arrays);
  }

  /**
   * Lays {@code parameters} (initialised, float32) out in one flat tensor on the first one's
   * manager and rebinds each to its view.
   *
   * @param frozen the parameters at positions below this are not trained
   */
  static FlatParameters bind(List<Parameter> parameters, int frozen) {
    Objects.requireNonNull(parameters, "parameters");
    int n = parameters.size();
    if (n == 0 || frozen < 0 || frozen >= n) {
      throw new IllegalArgumentException(n + " parameters, " + frozen + " frozen");
    }
    long[] offsets = new long[n + 1];
    Shape[] shapes = new Shape[n];
    for (int i = 0; i < n; i++) {
      NDArray array = parameters.get(i).getArray();
      if (array.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException(
            "parameter " + parameters.get(i).getName() + " is " + array.getDataType());
      }
      shapes[i] = array.getShape();
      offsets[i + 1] = offsets[i] + shapes[i].size();
    }
    if (offsets[n] > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(offsets[n] + " parameter values");
    }
    float[] all = new float[(int) offsets[n]];
    for (int i = 0; i < n; i++) {
      float[] v = parameters.get(i).getArray().toFloatArray();
      System.arraycopy(v, 0, all, (int) offsets[i], v.length);
    }
    NDManager manager = parameters.get(0).getArray().getManager();
    NDArray values = manager.create(all);
    long[] cuts = new long[n - 1];
    System.arraycopy(offsets, 1, cuts, 0, n - 1);
    NDArray[] arrays = new NDArray[n];
    try (NDList parts = n == 1 ? new NDList(values.get("0:")) : values.split(cuts)) {
      for (int i = 0; i < n; i++) {
        Parameter parameter = parameters.get(i);
        try (NDArray shaped = parts.get(i).reshape(shapes[i])) {
          // a leaf that shares the flat storage: detached from the views it was cut with
          NDArray leaf = shaped.stopGradient();
          leaf.setRequiresGradient(true);
          leaf.setName(parameter.getName());
          arrays[i] = leaf;
        }
        NDArray old = parameter.getArray();
        setArray(parameter, arrays[i]);
        old.close();
      }
    }
    return new FlatParameters(values, arrays, offsets, frozen);
  }

  private static void setArray(Parameter parameter, NDArray array) {
    try {
      Field field = Parameter.class.getDeclaredField("array");
      field.setAccessible(true);
      field.set(parameter, array);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot rebind DJL parameter " + parameter.getName() + " to the flat tensor", e);
    }
  }

  /** The number of parameters. */
  int size() {
    return arrays.length;
  }

  /** The parameters below this position are frozen. */
  int frozen() {
    return frozen;
  }

  /** Where parameter {@code i} starts in the flat tensor; {@code offset(size())} is the total. */
  long offset(int i) {
    return offsets[i];
  }

  /** Every parameter's values, in block order. */
  NDArray values() {
    return values;
  }

  /** The trainable part of {@link #values()}: the parameters from {@link #frozen()} on. */
  NDArray trainableValues() {
    return trainable;
  }

  /** The parameter arrays (views of {@link #values()}, leaves with gradients). */
  NDArray array(int i) {
    return arrays[i];
  }

  /**
   * The gradient of parameter {@code i}, flattened: a view that stays valid as PyTorch accumulates
   * into it and {@link #zeroGradients()} clears it. Only after a backward pass: before the first
   * one PyTorch has no gradient tensor yet (DJL would hand out zeros unrelated to it).
   */
  NDArray gradient(int i) {
    bindGradients();
    return gradients[i];
  }

  private void bindGradients() {
    if (gradients != null) {
      return;
    }
    NDArray[] flat = new NDArray[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      try (NDArray g = arrays[i].getGradient()) {
        flat[i] = g.reshape(-1);
      }
      // kept for the whole training, even when first asked for inside an NDScope
      NDScope.unregister(flat[i]);
    }
    gradients = flat;
  }

  /**
   * The gradients of the trainable parameters in one new flat vector (a copy), aligned with {@link
   * #trainableValues()}. Only after a backward pass, as {@link #gradient(int)}.
   */
  NDArray trainableGradient() {
    bindGradients();
    if (arrays.length - frozen == 1) {
      return gradients[frozen].duplicate();
    }
    NDList parts = new NDList(arrays.length - frozen);
    for (int i = frozen; i < arrays.length; i++) {
      parts.add(gradients[i]);
    }
    return NDArrays.concat(parts);
  }

  /** Clears every gradient in place (PyTorch accumulates them); none before they are bound. */
  void zeroGradients() {
    if (gradients == null) {
      return;
    }
    for (NDArray g : gradients) {
      g.muli(0);
    }
  }

  @Override
  public void close() {
    if (gradients != null) {
      for (NDArray g : gradients) {
        g.close();
      }
    }
    if (trainable != values) {
      trainable.close();
    }
  }
}
