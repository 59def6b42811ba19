package io.trainyard.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.optimizer.Optimizer;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * SGD, Adam and AdamW whose whole state can be read out and put back, so that a run resumed from a
 * checkpoint takes exactly the steps an uninterrupted run takes. DJL's own optimizers keep their
 * moment estimates and step counts in private fields, keyed by parameter ids that are new in every
 * process; this one keys them by the parameter's position in the block.
 *
 * <p>The update of parameter {@code w} with gradient {@code g} at its step {@code t} (from 1), with
 * learning rate {@code lr} and weight decay {@code wd}, as PyTorch defines them:
 *
 * <ul>
 *   <li>{@code sgd}: {@code w -= lr * (g + wd * w)};
 *   <li>{@code adam} (L2 weight decay): {@code g' = g + wd * w}; {@code m = b1 m + (1 - b1) g'};
 *       {@code v = b2 v + (1 - b2) g'^2}; {@code w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t))
 *       + eps)};
 *   <li>{@code adamw} (decoupled): {@code w -= lr * wd * w}, then the Adam step with {@code g}.
 * </ul>
 *
 * with {@code b1 = 0.9}, {@code b2 = 0.999}, {@code eps = 1e-8}. It also sums the squares of every
 * gradient it sees, for the global gradient norm of each step.
 */
public final class ResumableOptimizer extends Optimizer {

  /** The update rules. */
  public enum Kind {
    SGD,
    ADAM,
    ADAMW
  }

  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPSILON = 1e-8f;

  /**
   * The state of the optimizer: per parameter (in block order) its step count and, for Adam and
   * AdamW, its first and second moment estimates.
   *
   * @param steps per parameter, the updates it has had
   * @param first per parameter, the first moment (null for SGD, or before its first update)
   * @param second per parameter, the second moment (null for SGD, or before its first update)
   */
  public record State(int[] steps, float[][] first, float[][] second) {
    public State {
      Objects.requireNonNull(steps, "steps");
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(second, "second");
      if (first.length != steps.length || second.length != steps.length) {
        throw new IllegalArgumentException("one entry per parameter in steps, first and second");
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof State s
          && Arrays.equals(steps, s.steps)
          && Arrays.deepEquals(first, s.first)
          && Arrays.deepEquals(second, s.second);
    }

    @Override
    public int hashCode() {
      return Objects.hash(
          Arrays.hashCode(steps), Arrays.deepHashCode(first), Arrays.deepHashCode(second));
    }

    @Override
    public String toString() {
      return "State[steps=" + Arrays.toString(steps) + "]";
    }
  }

  private static final class Builder extends OptimizerBuilder<Builder> {
    @Override
    protected Builder self() {
      return this;
    }
  }

  private final Kind kind;
  private final DoubleSupplier learningRate;
  private final float weightDecay;
  private final Map<String, Integer> index;
  private final int[] steps;
  private final NDArray[] first;
  private final NDArray[] second;
  private final float[][] pendingFirst;
  private final float[][] pendingSecond;
  private double gradientSquares;
  // the fused path (step(FlatParameters)): the parameters it updates and their flat moments
  private FlatParameters fused;
  private NDArray flatFirst;
  private NDArray flatSecond;
  private boolean usedPerParameter;

  /**
   * @param kind the update rule
   * @param learningRate the learning rate of the current step (read at every update)
   * @param weightDecay the weight decay, {@code >= 0}
   * @param index the position of each parameter (by DJL parameter id) in the block
   */
  private final int frozen;

  public ResumableOptimizer(
      Kind kind, DoubleSupplier learningRate, float weightDecay, Map<String, Integer> index) {
    this(kind, learningRate, weightDecay, index, 0);
  }

  /**
   * @param frozen the parameters at positions below this are not updated (their gradients are
   *     cleared): frozen layers of a warm start
   */
  public ResumableOptimizer(
      Kind kind,
      DoubleSupplier learningRate,
      float weightDecay,
      Map<String, Integer> index,
      int frozen) {
    super(new Builder());
    this.frozen = frozen;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.learningRate = Objects.requireNonNull(learningRate, "learningRate");
    this.weightDecay = weightDecay;
    this.index = Map.copyOf(index);
    int n = index.size();
    this.steps = new int[n];
    this.first = new NDArray[n];
    this.second = new NDArray[n];
    this.pendingFirst = new float[n][];
    this.pendingSecond = new float[n][];
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    Integer at = index.get(parameterId);
    if (at == null) {
      throw new IllegalStateException("unknown parameter " + parameterId);
    }
    int i = at;
    if (fused != null) {
      throw new IllegalStateException("this optimizer already updates the flat parameters");
    }
    usedPerParameter = true;
    if (i < frozen) {
      try (NDArray real = weight.getGradient()) {
        real.muli(0);
      }
      return;
    }
    int t = ++steps[i];
    float rate = (float) learningRate.getAsDouble();
    try (NDScope scope = new NDScope()) {
      step(i, t, rate, weight, grad);
    } finally {
      // PyTorch accumulates gradients: clear them for the next batch (DJL's own updates do too).
      // The gradient handed in is a copy; the parameter's own gradient is cleared.
      try (NDArray real = weight.getGradient()) {
        real.muli(0);
      }
    }
  }

  private void step(int i, int t, float rate, NDArray weight, NDArray grad) {
    gradientSquares += grad.square().sum().getFloat();
    if (kind != Kind.SGD && first[i] == null) {
      first[i] = moment(weight, pendingFirst[i]);
      second[i] = moment(weight, pendingSecond[i]);
      pendingFirst[i] = null;
      pendingSecond[i] = null;
    }
    apply(weight, grad, first[i], second[i], t, rate);
  }

  /**
   * The update rule on {@code weight} (one parameter, or every trainable parameter flattened into
   * one vector: the operations are element-wise, so both give the same values to the last bit),
   * with moments {@code m} and {@code v} (null for SGD) updated in place.
   */
  private void apply(NDArray weight, NDArray grad, NDArray m, NDArray v, int t, float rate) {
    if (kind == Kind.SGD) {
      NDArray g = weightDecay > 0 ? grad.add(weight.mul(weightDecay)) : grad;
      weight.subi(g.mul(rate));
      return;
    }
    if (kind == Kind.ADAMW && weightDecay > 0) {
      weight.subi(weight.mul(rate * weightDecay));
    }
    NDArray g = kind == Kind.ADAM && weightDecay > 0 ? grad.add(weight.mul(weightDecay)) : grad;
    m.muli(BETA1).addi(g.mul(1 - BETA1));
    v.muli(BETA2).addi(g.square().muli(1 - BETA2));
    float correction1 = (float) (1 - Math.pow(BETA1, t));
    float correction2 = (float) (1 - Math.pow(BETA2, t));
    NDArray step = m.div(correction1).divi(v.div(correction2).sqrt().addi(EPSILON));
    weight.subi(step.muli(rate));
  }

  /**
   * One update of every trainable parameter of {@code flat} at once, then clears every gradient
   * (the frozen parameters' too): the arithmetic of {@link #update} on the flattened parameters,
   * gradients and moments, so the parameters and moments come out the same to the last bit ({@code
   * ResumableOptimizerTest}), in about twenty tensor operations per step instead of about twenty
   * per parameter. The sum of gradient squares ({@link #takeGradientSquares()}) is one sum over the
   * flat gradient: it may differ from the per-parameter sums in the last bits. An instance updates
   * either through this method or through {@link #update}, not both. Call it after a backward pass.
   *
   * @param flat the block's parameters, bound with this optimizer's number of frozen parameters
   */
  void step(FlatParameters flat) {
    int n = steps.length;
    if (flat.size() != n || flat.frozen() != frozen) {
      throw new IllegalArgumentException(
          "the flat parameters have "
              + flat.size()
              + " parameters ("
              + flat.frozen()
              + " frozen), the optimizer "
              + n
              + " ("
              + frozen
              + " frozen)");
    }
    if (usedPerParameter) {
      throw new IllegalStateException("this optimizer already updates parameter by parameter");
    }
    for (int i = frozen; i < n; i++) {
      if (steps[i] != steps[frozen]) {
        throw new IllegalStateException(
            "the trainable parameters are at different steps: " + Arrays.toString(steps));
      }
    }
    fused = flat;
    int t = steps[frozen] + 1;
    for (int i = frozen; i < n; i++) {
      steps[i] = t;
    }
    float rate = (float) learningRate.getAsDouble();
    try (NDScope scope = new NDScope()) {
      NDArray weight = flat.trainableValues();
      NDArray grad = flat.trainableGradient();
      gradientSquares += grad.square().sum().getFloat();
      if (kind != Kind.SGD && flatFirst == null) {
        flatFirst = flatMoment(flat, pendingFirst);
        flatSecond = flatMoment(flat, pendingSecond);
        for (int i = frozen; i < n; i++) {
          pendingFirst[i] = null;
          pendingSecond[i] = null;
        }
      }
      apply(weight, grad, flatFirst, flatSecond, t, rate);
    } finally {
      flat.zeroGradients();
    }
  }

  /** The flat moment of the trainable parameters: zeros, or the restored values; out of scope. */
  private NDArray flatMoment(FlatParameters flat, float[][] restored) {
    NDArray weight = flat.trainableValues();
    boolean any = false;
    for (int i = frozen; i < restored.length; i++) {
      any |= restored[i] != null;
    }
    NDArray moment;
    if (!any) {
      moment = weight.zerosLike();
    } else {
      long base = flat.offset(frozen);
      float[] values = new float[(int) (flat.offset(restored.length) - base)];
      for (int i = frozen; i < restored.length; i++) {
        if (restored[i] != null) {
          System.arraycopy(
              restored[i], 0, values, (int) (flat.offset(i) - base), restored[i].length);
        }
      }
      moment = weight.getManager().create(values, weight.getShape());
    }
    NDScope.unregister(moment);
    return moment;
  }

  /** A moment estimate for {@code weight}: zeros, or the restored values; kept out of the scope. */
  private static NDArray moment(NDArray weight, float[] restored) {
    NDArray moment =
        restored == null
            ? weight.zerosLike()
            : weight.getManager().create(restored, weight.getShape());
    NDScope.unregister(moment);
    return moment;
  }

  /** The sum of the squares of every gradient since the last call, and resets it. */
  public double takeGradientSquares() {
    double squares = gradientSquares;
    gradientSquares = 0;
    return squares;
  }

  /** The state now, copied out. */
  public State state() {
    int n = steps.length;
    float[][] m = new float[n][];
    float[][] v = new float[n][];
    for (int i = 0; i < n; i++) {
      m[i] = first[i] != null ? first[i].toFloatArray() : pendingFirst[i];
      v[i] = second[i] != null ? second[i].toFloatArray() : pendingSecond[i];
    }
    if (flatFirst != null) {
      float[] allFirst = flatFirst.toFloatArray();
      float[] allSecond = flatSecond.toFloatArray();
      long base = fused.offset(frozen);
      for (int i = frozen; i < n; i++) {
        int from = (int) (fused.offset(i) - base);
        int to = (int) (fused.offset(i + 1) - base);
        m[i] = Arrays.copyOfRange(allFirst, from, to);
        v[i] = Arrays.copyOfRange(allSecond, from, to);
      }
    }
    return new State(steps.clone(), m, v);
  }

  /** Puts a state back (before the first update of this instance). */
  public void restore(State state) {
    if (state.steps().length != steps.length) {
      throw new IllegalArgumentException(
          "the state has " + state.steps().length + " parameters, the block " + steps.length);
    }
    for (int i = 0; i < steps.length; i++) {
      if (first[i] != null || flatFirst != null) {
        throw new IllegalStateException("restore before the first update");
      }
      steps[i] = state.steps()[i];
      pendingFirst[i] = state.first()[i];
      pendingSecond[i] = state.second()[i];
    }
  }
}
