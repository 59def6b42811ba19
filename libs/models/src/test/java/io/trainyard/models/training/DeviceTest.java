package io.trainyard.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** The training device switch ({@code trainyard.training.device}). */
class DeviceTest {

  @Test
  void autoTakesTheFirstGpuWhenThereIsOneAndTheCpuOtherwise() {
    assertThat(MlpTrainer.device(null, 0)).isEqualTo(Device.cpu());
    assertThat(MlpTrainer.device("auto", 0)).isEqualTo(Device.cpu());
    assertThat(MlpTrainer.device(" AUTO ", 2)).isEqualTo(Device.gpu(0));
    assertThat(MlpTrainer.device("cpu", 2)).isEqualTo(Device.cpu());
    assertThat(MlpTrainer.device("gpu", 1)).isEqualTo(Device.gpu(0));
    assertThat(MlpTrainer.device("gpu:1", 2)).isEqualTo(Device.gpu(1));
  }

  @Test
  void aGpuThatLibtorchDoesNotSeeOrAnUnknownSettingIsRefused() {
    assertThatThrownBy(() -> MlpTrainer.device("gpu", 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("trainyard.training.device=gpu but libtorch sees 0 GPU(s)");
    assertThatThrownBy(() -> MlpTrainer.device("gpu:2", 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("libtorch sees 2 GPU(s)");
    assertThatThrownBy(() -> MlpTrainer.device("tpu", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be auto, cpu, gpu or gpu:N, not tpu");
  }

  @Test
  void thisMachineTrainsOnTheCpu() {
    // No CUDA libtorch here: the default resolves to the CPU, which runs record as cpu().
    assertThat(MlpTrainer.device()).isEqualTo(Device.cpu());
  }
}
