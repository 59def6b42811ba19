package io.trainyard.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.trainyard.models.Djl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused step of {@link ResumableOptimizer} over {@link FlatParameters} against its
 * per-parameter {@link ResumableOptimizer#update}: the same parameters and moments, bit for bit,
 * after several steps with real backward passes (so the gradients PyTorch accumulates into the
 * flattened views are the ones the fused step reads, and are cleared between steps).
 */
class ResumableOptimizerTest {

  private static final Shape[] SHAPES = {
    new Shape(7, 5), new Shape(7), new Shape(3, 7), new Shape(3), new Shape(1, 3), new Shape(1)
  };
  private static final int STEPS = 6;

  @ParameterizedTest
  @CsvSource({
    "SGD, 0, 0",
    "SGD, 0.01, 0",
    "ADAM, 0, 0",
    "ADAM, 0.01, 0",
    "ADAMW, 0.01, 0",
    "ADAM, 0.01, 2",
    "ADAMW, 0.01, 4"
  })
  void theFusedStepEqualsThePerParameterUpdateBitForBit(
      ResumableOptimizer.Kind kind, float weightDecay, int frozen) {
    Djl.configure();
    Engine engine = Engine.getInstance();
    Random random = new Random(42);
    float[][] initial = new float[SHAPES.length][];
    for (int i = 0; i < SHAPES.length; i++) {
      initial[i] = gaussians(random, (int) SHAPES[i].size());
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < SHAPES.length; i++) {
      index.put("p" + i, i);
    }
    double[] rate = {0.05};

    try (NDManager manager = NDManager.newBaseManager()) {
      // per parameter: separate leaves, DJL's update() one at a time
      NDArray[] separate = new NDArray[SHAPES.length];
      for (int i = 0; i < SHAPES.length; i++) {
        separate[i] = manager.create(initial[i], SHAPES[i]);
        separate[i].setRequiresGradient(true);
      }
      ResumableOptimizer perParameter =
          new ResumableOptimizer(kind, () -> rate[0], weightDecay, index, frozen);

      // fused: the same values bound into one flat tensor
      List<Parameter> parameters = new ArrayList<>();
      for (int i = 0; i < SHAPES.length; i++) {
        Parameter p = Parameter.builder().setName("p" + i).setType(Parameter.Type.WEIGHT).build();
        NDArray a = manager.create(initial[i], SHAPES[i]);
        a.setRequiresGradient(true);
        p.setArray(a);
        parameters.add(p);
      }
      try (FlatParameters flat = FlatParameters.bind(parameters, frozen)) {
        ResumableOptimizer fused =
            new ResumableOptimizer(kind, () -> rate[0], weightDecay, index, frozen);
        for (int i = 0; i < SHAPES.length; i++) {
          assertThat(parameters.get(i).getArray().toFloatArray()).isEqualTo(initial[i]);
        }

        for (int step = 1; step <= STEPS; step++) {
          rate[0] = 0.05 / step;
          float[][] coefficients = new float[SHAPES.length][];
          for (int i = 0; i < SHAPES.length; i++) {
            coefficients[i] = gaussians(random, (int) SHAPES[i].size());
          }
          NDArray[] bound = new NDArray[SHAPES.length];
          for (int i = 0; i < SHAPES.length; i++) {
            bound[i] = parameters.get(i).getArray();
          }
          backward(engine, manager, separate, coefficients, step);
          backward(engine, manager, bound, coefficients, step);

          for (int i = 0; i < SHAPES.length; i++) {
            try (NDArray g = separate[i].getGradient()) {
              perParameter.update("p" + i, separate[i], g);
            }
          }
          fused.step(flat);
          // one float sum over the flat gradient against per-parameter float sums: the same up to
          // float rounding (the norm is reported, it changes no parameter)
          double squares = perParameter.takeGradientSquares();
          assertThat(fused.takeGradientSquares()).isCloseTo(squares, within(1e-6 * squares));

          for (int i = 0; i < SHAPES.length; i++) {
            float[] expected = separate[i].toFloatArray();
            float[] actual = bound[i].toFloatArray();
            assertThat(bitsOf(actual))
                .as("parameter %d after step %d", i, step)
                .isEqualTo(bitsOf(expected));
            if (i < frozen) {
              assertThat(actual).isEqualTo(initial[i]);
            }
            // every gradient is cleared for the next batch (PyTorch accumulates them)
            try (NDArray g = bound[i].getGradient();
                NDArray magnitude = g.abs()) {
              assertThat(magnitude.toFloatArray()).containsOnly(0f);
            }
          }
          ResumableOptimizer.State expectedState = perParameter.state();
          ResumableOptimizer.State actualState = fused.state();
          assertThat(actualState).isEqualTo(expectedState);
        }

        // the flat tensor is the parameters: writing it writes them
        flat.values().muli(0).addi(1);
        assertThat(parameters.get(2).getArray().toFloatArray()).containsOnly(1f);
        assertThatThrownBy(() -> fused.update("p0", separate[0], separate[0]))
            .isInstanceOf(IllegalStateException.class);
      }
    }
  }

  /** A loss whose gradient changes with the parameters and the step: sum(sin(step·p) · c). */
  private static void backward(
      Engine engine, NDManager manager, NDArray[] weights, float[][] coefficients, int step) {
    try (NDManager batch = manager.newSubManager();
        GradientCollector collector = engine.newGradientCollector()) {
      NDArray loss = null;
      for (int i = 0; i < weights.length; i++) {
        NDArray c = batch.create(coefficients[i], weights[i].getShape());
        NDArray term = weights[i].mul(step).sin().mul(c).sum();
        term.attach(batch);
        loss = loss == null ? term : loss.add(term);
      }
      collector.backward(loss);
    }
  }

  private static float[] gaussians(Random random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  private static int[] bitsOf(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToRawIntBits(values[i]);
    }
    return bits;
  }
}
