package io.trainyard.contracts;

/**
 * CloudEvent {@code source} values of Trainyard's services: {@code /trainyard/<service>}. One value
 * per service, not per replica, so that {@code source} + {@code id} identifies an event whichever
 * replica (re-)sends it.
 */
public final class Sources {

  public static final String CONSOLE = of("console");
  public static final String INGESTION = of("ingestion");
  public static final String LABELING = of("labeling");
  public static final String TRAINING = of("training");
  public static final String EVALUATION = of("evaluation");
  public static final String DRIFT_MONITOR = of("drift-monitor");

  private Sources() {}

  /** The source of a Trainyard service, e.g. {@code /trainyard/ingestion}. */
  public static String of(String service) {
    return "/trainyard/" + service;
  }
}
