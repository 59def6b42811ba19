package io.trainyard.stats;

/**
 * The outcome of a statistical test.
 *
 * @param statistic the test statistic (the KS distance, the chi-squared sum, the z score)
 * @param pValue the p-value, in [0, 1]; {@code NaN} where the test has none (a chi-squared test
 *     over a single bin, say)
 */
public record TestResult(double statistic, double pValue) {}
