package io.trainyard.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RolesTest {

  @Test
  void adminImpliesEveryRole() {
    assertThat(Roles.implied(Set.of("admin")))
        .containsExactlyInAnyOrder("admin", "ops", "annotator", "viewer");
  }

  @Test
  void opsAndAnnotatorImplyViewerOnly() {
    assertThat(Roles.implied(Set.of("ops"))).containsExactlyInAnyOrder("ops", "viewer");
    assertThat(Roles.implied(Set.of("annotator"))).containsExactlyInAnyOrder("annotator", "viewer");
    assertThat(Roles.implied(Set.of("viewer"))).containsExactly("viewer");
  }

  @Test
  void unknownRolesAreKeptAndImplyNothing() {
    assertThat(Roles.implied(Set.of("auditor"))).containsExactly("auditor");
    assertThat(Roles.implied(Set.of())).isEmpty();
  }
}
