package io.trainyard.platform.auth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The roles of Trainyard, carried in a token's {@code groups} claim. Endpoints declare the role
 * they need with {@code @RolesAllowed(Roles.OPS)}; a role implies others (see {@link #implied}).
 */
public final class Roles {
  /** Everything. */
  public static final String ADMIN = "admin";

  /** Apply specs, upload datasets, start and cancel runs, promote and roll back, retrain. */
  public static final String OPS = "ops";

  /** Label (an annotator a project marks as expert also adjudicates). */
  public static final String ANNOTATOR = "annotator";

  /** Read. */
  public static final String VIEWER = "viewer";

  /** Every role, most powerful first. */
  public static final List<String> ALL = List.of(ADMIN, OPS, ANNOTATOR, VIEWER);

  private Roles() {}

  /**
   * The roles a set of granted roles amounts to: {@code admin} implies every role; {@code ops} and
   * {@code annotator} imply {@code viewer} (whoever may act may read). Unknown roles are kept.
   */
  public static Set<String> implied(Set<String> granted) {
    Set<String> roles = new LinkedHashSet<>(granted);
    if (granted.contains(ADMIN)) {
      roles.addAll(ALL);
    }
    if (granted.contains(OPS) || granted.contains(ANNOTATOR)) {
      roles.add(VIEWER);
    }
    return roles;
  }
}
