package io.trainyard.training.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.datasets.NumericTable;
import io.trainyard.models.training.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a run derives its target from the splits' labels: plain JUnit, no stack. */
class RunTargetsTest {

  private static NumericTable table(String... labels) {
    long[] ids = new long[labels.length];
    double[][] x = new double[labels.length][1];
    return new NumericTable(ids, List.of("f"), x, labels);
  }

  private static PipelineSpec spec(Task task) {
    return PipelineSpec.of("p", task, "y");
  }

  @Test
  void multiclassClassesAreTheSortedTrainLabelsNumericWhenAllAreNumbers() {
    Target target =
        RunExecutor.target(
            spec(Task.MULTICLASS_CLASSIFICATION), "y", table("10", "2", "3", "2"), table("3"));
    assertThat(target).isEqualTo(Target.multiclass(List.of("2", "3", "10")));
    assertThat(RunExecutor.classIndices(new String[] {"10", "2", "3"}, target.classes()))
        .containsExactly(2, 0, 1);
    assertThat(
            RunExecutor.target(
                    spec(Task.MULTICLASS_CLASSIFICATION), "y", table("b", "c", "a"), table("a"))
                .classes())
        .containsExactly("a", "b", "c");
  }

  @Test
  void aClassSeenOnlyInValidationFailsTheRun() {
    assertThatThrownBy(
            () ->
                RunExecutor.target(
                    spec(Task.MULTICLASS_CLASSIFICATION),
                    "y",
                    table("a", "b", "c"),
                    table("a", "d", "e", "d")))
        .isInstanceOf(RunExecutor.RunFailure.class)
        .hasMessage(
            "the validation split has target values the train split lacks: [d, e] (the model's"
                + " classes are the train split's [a, b, c]); a class seen only in validation"
                + " cannot be learned: add rows of it so that the train split holds some, or"
                + " remove it");
  }

  @Test
  void multiclassNeedsTwoTrainClasses() {
    assertThatThrownBy(
            () ->
                RunExecutor.target(
                    spec(Task.MULTICLASS_CLASSIFICATION), "y", table("a", "a"), table("a")))
        .isInstanceOf(RunExecutor.RunFailure.class)
        .hasMessageContaining("at least 2 target values in the train split, 'y' has [a]");
  }

  @Test
  void binaryKeepsItsPositiveClassRule() {
    assertThat(
            RunExecutor.target(spec(Task.BINARY_CLASSIFICATION), "y", table("0", "1"), table("1")))
        .isEqualTo(Target.binary("0", "1"));
    assertThatThrownBy(
            () ->
                RunExecutor.target(
                    spec(Task.BINARY_CLASSIFICATION), "y", table("0", "1", "2"), table("1")))
        .isInstanceOf(RunExecutor.RunFailure.class)
        .hasMessageContaining("exactly 2 target values");
  }

  @Test
  void regressionNeedsANumericTarget() {
    assertThat(RunExecutor.target(spec(Task.REGRESSION), "y", table("1"), table("2")))
        .isEqualTo(Target.regression());
    assertThat(RunExecutor.values(new String[] {"1", "-2.5", "3000000"}, "price", "train"))
        .containsExactly(1, -2.5, 3_000_000);
    assertThatThrownBy(() -> RunExecutor.values(new String[] {"1", "true"}, "price", "validation"))
        .isInstanceOf(RunExecutor.RunFailure.class)
        .hasMessage(
            "regression needs a numeric target, but 'price' has the value 'true' in the"
                + " validation split");
  }
}
