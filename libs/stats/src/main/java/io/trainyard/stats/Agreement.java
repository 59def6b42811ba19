package io.trainyard.stats;

/**
 * Inter-annotator agreement of nominal labels, each statistic as its published definition or
 * reference implementation computes it, so that the labeling service's figures can be checked
 * against a notebook.
 *
 * <p>The ratings are a matrix {@code ratings[item][rater]}: every row has one entry per rater (at
 * least 2), each a category in {@code [0, categories)} or {@link #MISSING} when that rater did not
 * rate that item. {@code n_ik} below is the number of raters who put item {@code i} in category
 * {@code k}, and {@code r_i = Σ_k n_ik} the number of ratings of item {@code i}.
 *
 * <ul>
 *   <li>{@link #percentAgreement}: the mean share of agreeing rater pairs per item (irrCAC's {@code
 *       pa.coeff.raw})
 *   <li>{@link #cohenKappa}: {@code sklearn.metrics.cohen_kappa_score(a, b)} on the items both
 *       raters rated
 *   <li>{@link #fleissKappa}: Fleiss (1971), as {@code
 *       statsmodels.stats.inter_rater.fleiss_kappa(table, method='fleiss')}
 *   <li>{@link #krippendorffAlphaNominal}: Krippendorff (2011), "Computing Krippendorff's
 *       Alpha-Reliability", nominal data with missing values
 *   <li>{@link #gwetAc1}: Gwet (2008) and Gwet (2014), Handbook of Inter-Rater Reliability, 4th
 *       ed., chapter 2, as irrCAC's {@code gwet.ac1.raw}
 *   <li>{@link #majority}: the consensus label of an item by majority vote
 *   <li>{@link #annotatorAgreement}: how often one annotator agrees with the others
 * </ul>
 *
 * <p>Arguments are checked: {@code null} or empty matrices, rows of different lengths, fewer than 2
 * raters, and values that are neither a category nor {@link #MISSING} throw {@link
 * IllegalArgumentException}; so does a statistic that is undefined on the data (no item with 2
 * ratings, chance agreement of 1), with the reason.
 */
public final class Agreement {

  /** The entry of a rater who did not rate an item. */
  public static final int MISSING = -1;

  private Agreement() {}

  /**
   * The consensus of an item's ratings.
   *
   * @param label the winning category
   * @param tied whether two or more categories share the top count (also when {@code preferred}
   *     broke the tie)
   * @param votes how many ratings the winning category has
   * @param ratings how many ratings the item has (missing ones not counted)
   */
  public record Vote(int label, boolean tied, int votes, int ratings) {}

  /**
   * The observed agreement among multiple raters: over the items with {@code r_i ≥ 2}, the mean of
   * {@code Σ_k n_ik (n_ik - 1) / (r_i (r_i - 1))}, the share of agreeing pairs of the item's
   * ratings. Items with fewer than 2 ratings are left out. This is irrCAC's {@code
   * pa.coeff.raw(ratings)} (Gwet 2014, chapter 2), and Fleiss' (1971) {@code P̄} when every item
   * has the same number of ratings.
   *
   * @throws IllegalArgumentException on invalid arguments, or when no item has 2 ratings
   */
  public static double percentAgreement(int[][] ratings, int categories) {
    return observedAgreement(counts(ratings, categories), "percent agreement");
  }

  /**
   * Cohen's (1960) unweighted kappa of two raters over the items both rated ({@code a[i]} and
   * {@code b[i]} not {@link #MISSING}): {@code (p_o - p_e) / (1 - p_e)}, computed as {@code
   * sklearn.metrics.cohen_kappa_score(a, b)} does, {@code 1 - Σ_{j≠k} C_jk / Σ_{j≠k} E_jk} with
   * {@code C} the confusion matrix and {@code E_jk = C_j· C_·k / N} its expectation under
   * independence. The categories that neither rater uses change nothing, so the value is
   * scikit-learn's whether its labels are the categories present (its default) or all of them.
   *
   * @param a the first rater's category per item, or {@link #MISSING}
   * @param b the second rater's category per item, or {@link #MISSING}
   * @throws IllegalArgumentException on invalid arguments, when fewer than 2 items were rated by
   *     both, or when kappa is undefined: both raters gave one and the same category to every item
   *     (expected agreement 1, where scikit-learn returns nan)
   */
  public static double cohenKappa(int[] a, int[] b, int categories) {
    checkCategories(categories);
    if (a == null || b == null) {
      throw new IllegalArgumentException("the ratings of both raters must not be null");
    }
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "both raters need one entry per item, but have " + a.length + " and " + b.length);
    }
    long[][] confusion = new long[categories][categories];
    long n = 0;
    for (int i = 0; i < a.length; i++) {
      checkRating(a[i], categories, "a[" + i + "]");
      checkRating(b[i], categories, "b[" + i + "]");
      if (a[i] != MISSING && b[i] != MISSING) {
        confusion[a[i]][b[i]]++;
        n++;
      }
    }
    if (n < 2) {
      throw new IllegalArgumentException(
          "Cohen's kappa needs at least 2 items rated by both raters, got " + n);
    }
    long disagreements = n;
    long chanceAgreements = 0; // N² p_e = Σ_k C_k· C_·k
    for (int k = 0; k < categories; k++) {
      disagreements -= confusion[k][k];
      long row = 0;
      long column = 0;
      for (int j = 0; j < categories; j++) {
        row += confusion[k][j];
        column += confusion[j][k];
      }
      chanceAgreements += row * column;
    }
    // Σ E_jk over j ≠ k is (N² - Σ_k C_k· C_·k) / N: integers up to the division, so exact.
    long expectedDisagreements = n * n - chanceAgreements;
    if (expectedDisagreements == 0) {
      throw new IllegalArgumentException(
          "Cohen's kappa is undefined: both raters gave every item the same category, so the"
              + " expected agreement is 1");
    }
    return 1.0 - (double) (disagreements * n) / expectedDisagreements;
  }

  /**
   * Cohen's kappa of the raters {@code raterA} and {@code raterB} (columns of {@code ratings}) over
   * the items both rated: {@link #cohenKappa(int[], int[], int)} of the two columns.
   *
   * @throws IllegalArgumentException on invalid arguments (also when the raters are out of range or
   *     the same), when fewer than 2 items were rated by both, or when kappa is undefined
   */
  public static double cohenKappa(int[][] ratings, int raterA, int raterB, int categories) {
    checkCategories(categories);
    int raters = checkRatings(ratings, categories);
    checkRater(raterA, raters, "raterA");
    checkRater(raterB, raters, "raterB");
    if (raterA == raterB) {
      throw new IllegalArgumentException("raterA and raterB must differ, but both are " + raterA);
    }
    int[] a = new int[ratings.length];
    int[] b = new int[ratings.length];
    for (int i = 0; i < ratings.length; i++) {
      a[i] = ratings[i][raterA];
      b[i] = ratings[i][raterB];
    }
    return cohenKappa(a, b, categories);
  }

  /**
   * Fleiss' (1971) kappa: {@code (P̄ - P̄_e) / (1 - P̄_e)}, where {@code P̄} is the mean over the
   * items of {@code Σ_k n_ik (n_ik - 1) / (n (n - 1))} and {@code P̄_e = Σ_k p_k²} with {@code p_k}
   * the share of all ratings in category {@code k}; as {@code
   * statsmodels.stats.inter_rater.fleiss_kappa(table, method='fleiss')} with {@code table[i][k] =
   * n_ik}. Every item must have the same number {@code n ≥ 2} of ratings (which raters gave them
   * does not matter).
   *
   * @throws IllegalArgumentException on invalid arguments, when the items' numbers of ratings
   *     differ or are below 2, or when kappa is undefined: every rating is the same category
   */
  public static double fleissKappa(int[][] ratings, int categories) {
    long[][] n = counts(ratings, categories);
    long perItem = total(n[0]);
    if (perItem < 2) {
      throw new IllegalArgumentException(
          "Fleiss' kappa needs at least 2 ratings per item, but item 0 has " + perItem);
    }
    for (int i = 1; i < n.length; i++) {
      if (total(n[i]) != perItem) {
        throw new IllegalArgumentException(
            "Fleiss' kappa needs the same number of ratings on every item, but item 0 has "
                + perItem
                + " and item "
                + i
                + " has "
                + total(n[i]));
      }
    }
    long[] perCategory = new long[categories];
    for (long[] item : n) {
      for (int k = 0; k < categories; k++) {
        perCategory[k] += item[k];
      }
    }
    if (categoriesUsed(perCategory) < 2) {
      throw new IllegalArgumentException(
          "Fleiss' kappa is undefined: every rating is the same category, so the expected"
              + " agreement is 1");
    }
    double observed = observedAgreement(n, "Fleiss' kappa");
    double all = (double) perItem * n.length;
    double expected = 0;
    for (long count : perCategory) {
      double p = count / all;
      expected += p * p;
    }
    return (observed - expected) / (1 - expected);
  }

  /**
   * Krippendorff's alpha for nominal data (Krippendorff 2011, "Computing Krippendorff's
   * Alpha-Reliability", section C: nominal data, any number of observers, missing data). Only the
   * pairable values count, those of items with at least 2 ratings: with {@code m_u} the ratings of
   * such an item, the coincidence matrix is {@code o_ck = Σ_u (number of ordered pairs of ratings
   * (c, k) in u) / (m_u - 1)}, {@code n_c = Σ_k o_ck} and {@code n = Σ_c n_c}, and
   *
   * <pre>alpha = ((n - 1) Σ_c o_cc - Σ_c n_c (n_c - 1)) / (n (n - 1) - Σ_c n_c (n_c - 1))</pre>
   *
   * which is {@code 1 - D_o / D_e} with the nominal difference function. The paper's example (4
   * observers, 12 units, missing values) gives 0.743.
   *
   * @throws IllegalArgumentException on invalid arguments, when no item has 2 ratings, or when
   *     alpha is undefined: every pairable rating is the same category
   */
  public static double krippendorffAlphaNominal(int[][] ratings, int categories) {
    long[][] n = counts(ratings, categories);
    long pairable = 0;
    double agreements = 0; // Σ_c o_cc
    long[] perCategory = new long[categories]; // n_c
    for (long[] item : n) {
      long m = total(item);
      if (m < 2) {
        continue;
      }
      pairable += m;
      long pairs = 0;
      for (int k = 0; k < categories; k++) {
        pairs += item[k] * (item[k] - 1);
        perCategory[k] += item[k];
      }
      agreements += (double) pairs / (m - 1);
    }
    if (pairable == 0) {
      throw new IllegalArgumentException(
          "Krippendorff's alpha is undefined: no item has 2 ratings, so no value is pairable");
    }
    if (categoriesUsed(perCategory) < 2) {
      throw new IllegalArgumentException(
          "Krippendorff's alpha is undefined: every pairable rating is the same category, so the"
              + " expected disagreement is 0");
    }
    long chance = 0; // Σ_c n_c (n_c - 1)
    for (long count : perCategory) {
      chance += count * (count - 1);
    }
    return ((pairable - 1) * agreements - chance) / ((double) pairable * (pairable - 1) - chance);
  }

  /**
   * Gwet's AC1 for multiple raters with missing ratings (Gwet 2008, "Computing inter-rater
   * reliability and its variance in the presence of high agreement"; Gwet 2014, Handbook of
   * Inter-Rater Reliability, 4th ed., chapter 2): {@code (p_a - p_e) / (1 - p_e)}, where
   *
   * <ul>
   *   <li>{@code p_a} is the mean over the items rated at least twice ({@code r_i ≥ 2}) of {@code
   *       Σ_k n_ik (n_ik - 1) / (r_i (r_i - 1))} ({@link #percentAgreement})
   *   <li>{@code π_k} is the mean over the items rated at least once ({@code r_i ≥ 1}) of {@code
   *       n_ik / r_i}; items without a rating are left out
   *   <li>{@code p_e = Σ_k π_k (1 - π_k) / (q - 1)} with {@code q = categories}
   * </ul>
   *
   * This is the variant of the R package irrCAC, {@code gwet.ac1.raw(ratings, categ.labels =
   * 0:(categories - 1))$est$coeff.val} (before its rounding to 5 decimals). Without {@code
   * categ.labels}, irrCAC takes {@code q} to be the number of categories that occur in the ratings:
   * the two agree when every category occurs.
   *
   * @throws IllegalArgumentException on invalid arguments, fewer than 2 categories, or when no item
   *     has 2 ratings
   */
  public static double gwetAc1(int[][] ratings, int categories) {
    long[][] n = counts(ratings, categories);
    if (categories < 2) {
      throw new IllegalArgumentException(
          "Gwet's AC1 needs at least 2 categories, got " + categories);
    }
    double observed = observedAgreement(n, "Gwet's AC1");
    double[] pi = new double[categories];
    int rated = 0;
    for (long[] item : n) {
      long r = total(item);
      if (r >= 1) {
        rated++;
        for (int k = 0; k < categories; k++) {
          pi[k] += (double) item[k] / r;
        }
      }
    }
    double expected = 0;
    for (int k = 0; k < categories; k++) {
      double p = pi[k] / rated;
      expected += p * (1 - p);
    }
    expected /= categories - 1; // at most 1 / q: never 1
    return (observed - expected) / (1 - expected);
  }

  /**
   * The majority vote among an item's ratings (the {@link #MISSING} ones left out): the category
   * with the most votes. On a tie, {@code preferred} wins if it is among the tied categories (say
   * an expert's label), else the lowest tied category.
   *
   * @param itemRatings one item's ratings, each a category or {@link #MISSING}
   * @param preferred the category that wins a tie it is part of, or {@link #MISSING} for none
   * @throws IllegalArgumentException on invalid arguments, or when the item has no rating
   */
  public static Vote majority(int[] itemRatings, int categories, int preferred) {
    checkCategories(categories);
    if (itemRatings == null) {
      throw new IllegalArgumentException("itemRatings must not be null");
    }
    checkRating(preferred, categories, "preferred");
    int[] votes = new int[categories];
    int ratings = 0;
    for (int j = 0; j < itemRatings.length; j++) {
      checkRating(itemRatings[j], categories, "itemRatings[" + j + "]");
      if (itemRatings[j] != MISSING) {
        votes[itemRatings[j]]++;
        ratings++;
      }
    }
    if (ratings == 0) {
      throw new IllegalArgumentException("a majority vote needs at least one rating, got none");
    }
    int label = 0;
    int atTop = 0;
    for (int k = 0; k < categories; k++) {
      if (votes[k] > votes[label]) {
        label = k;
        atTop = 1;
      } else if (votes[k] == votes[label]) {
        atTop++;
      }
    }
    if (preferred != MISSING && votes[preferred] == votes[label]) {
      label = preferred;
    }
    return new Vote(label, atTop > 1, votes[label], ratings);
  }

  /**
   * How often {@code rater} agrees with the other raters: over the items {@code rater} rated, the
   * share of the pairs (this rater's rating, another rater's rating of the same item) that are the
   * same category. Pairs are pooled over the items (an item rated by 4 others weighs 4 pairs), so
   * this is the rater's observed agreement with the others. Items no other rater rated do not
   * count.
   *
   * @param ratings {@code ratings[item][rater]}, each a category ({@code ≥ 0}) or {@link #MISSING}
   * @throws IllegalArgumentException on invalid arguments, or when no item that {@code rater} rated
   *     has another rating
   */
  public static double annotatorAgreement(int[][] ratings, int rater) {
    int raters = checkRatings(ratings, Integer.MAX_VALUE);
    checkRater(rater, raters, "rater");
    long agreeing = 0;
    long pairs = 0;
    for (int[] item : ratings) {
      if (item[rater] == MISSING) {
        continue;
      }
      for (int j = 0; j < raters; j++) {
        if (j != rater && item[j] != MISSING) {
          pairs++;
          agreeing += item[j] == item[rater] ? 1 : 0;
        }
      }
    }
    if (pairs == 0) {
      throw new IllegalArgumentException(
          "rater " + rater + " shares no rated item with another rater: agreement is undefined");
    }
    return (double) agreeing / pairs;
  }

  /** The mean over the items with 2 or more ratings of the share of agreeing pairs. */
  private static double observedAgreement(long[][] n, String statistic) {
    double sum = 0;
    int items = 0;
    for (long[] item : n) {
      long r = total(item);
      if (r >= 2) {
        long pairs = 0;
        for (long count : item) {
          pairs += count * (count - 1);
        }
        sum += (double) pairs / (r * (r - 1));
        items++;
      }
    }
    if (items == 0) {
      throw new IllegalArgumentException(statistic + " is undefined: no item has 2 ratings");
    }
    return sum / items;
  }

  /** {@code n[i][k]}: how many raters put item {@code i} in category {@code k}. */
  private static long[][] counts(int[][] ratings, int categories) {
    checkCategories(categories);
    checkRatings(ratings, categories);
    long[][] n = new long[ratings.length][categories];
    for (int i = 0; i < ratings.length; i++) {
      for (int rating : ratings[i]) {
        if (rating != MISSING) {
          n[i][rating]++;
        }
      }
    }
    return n;
  }

  private static long total(long[] counts) {
    long sum = 0;
    for (long count : counts) {
      sum += count;
    }
    return sum;
  }

  private static int categoriesUsed(long[] perCategory) {
    int used = 0;
    for (long count : perCategory) {
      used += count > 0 ? 1 : 0;
    }
    return used;
  }

  /** Checks the matrix and its values (below {@code categories}); the number of raters. */
  private static int checkRatings(int[][] ratings, int categories) {
    if (ratings == null) {
      throw new IllegalArgumentException("ratings must not be null");
    }
    if (ratings.length == 0) {
      throw new IllegalArgumentException("ratings has no item");
    }
    for (int i = 0; i < ratings.length; i++) {
      if (ratings[i] == null) {
        throw new IllegalArgumentException("ratings[" + i + "] is null");
      }
      if (ratings[i].length != ratings[0].length) {
        throw new IllegalArgumentException(
            "every item needs one entry per rater, but item 0 has "
                + ratings[0].length
                + " and item "
                + i
                + " has "
                + ratings[i].length);
      }
      for (int j = 0; j < ratings[i].length; j++) {
        checkRating(ratings[i][j], categories, "ratings[" + i + "][" + j + "]");
      }
    }
    if (ratings[0].length < 2) {
      throw new IllegalArgumentException(
          "agreement needs at least 2 raters (columns), got " + ratings[0].length);
    }
    return ratings[0].length;
  }

  private static void checkRating(int rating, int categories, String what) {
    if (rating != MISSING && (rating < 0 || rating >= categories)) {
      throw new IllegalArgumentException(
          what
              + " is "
              + rating
              + (categories == Integer.MAX_VALUE
                  ? ": neither a category (>= 0) nor MISSING (-1)"
                  : ": neither a category in [0, " + categories + ") nor MISSING (-1)"));
    }
  }

  private static void checkCategories(int categories) {
    if (categories < 1) {
      throw new IllegalArgumentException("categories must be at least 1, got " + categories);
    }
  }

  private static void checkRater(int rater, int raters, String what) {
    if (rater < 0 || rater >= raters) {
      throw new IllegalArgumentException(
          what + " is " + rater + ", not a rater in [0, " + raters + ")");
    }
  }
}
