package io.trainyard.models.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.PipelineSpecs;
import org.junit.jupiter.api.Test;

/**
 * The settings text in a checkpoint's fingerprint: a spec that sets none of the settings added
 * later keeps the text (so the fingerprint) it had before they existed, and its checkpoints stay
 * resumable across the upgrade.
 */
class SettingsTextTest {

  private static PipelineSpec.Training training(String section) {
    return PipelineSpecs.parse(
            "{\"name\": \"f\", \"task\": \"binary-classification\", \"target\": \"y\""
                + (section.isEmpty() ? "" : ", \"training\": " + section)
                + "}")
        .withDefaults()
        .training();
  }

  @Test
  void aSpecWithoutLaterSettingsKeepsItsText() {
    assertThat(MlpTrainer.settingsText(training("")))
        .isEqualTo(
            "Training[model=Model[type=mlp, hidden=[64, 32], dropout=0.1], epochs=50,"
                + " batchSize=128, optimizer=adamw, learningRate=0.001, weightDecay=1.0E-4,"
                + " schedule=cosine, earlyStopping=EarlyStopping[enabled=true, metric=val_loss,"
                + " patience=5, minDelta=0.0], seed=42, auto=true]");
    // the deadline does not change what is trained
    assertThat(MlpTrainer.settingsText(training("{\"deadline\": \"PT2H\"}")))
        .isEqualTo(MlpTrainer.settingsText(training("")));
  }

  @Test
  void aSetSettingChangesTheText() {
    assertThat(MlpTrainer.settingsText(training("{\"gradientClip\": 1.0}")))
        .contains("gradientClip=1.0")
        .isNotEqualTo(MlpTrainer.settingsText(training("")));
  }
}
