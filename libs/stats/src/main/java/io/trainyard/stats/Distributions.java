package io.trainyard.stats;

import java.util.Arrays;

/**
 * The distribution functions the drift tests need, each computed as SciPy 1.10.1 computes it so
 * that p-values agree with a notebook.
 *
 * <ul>
 *   <li>{@link #normalSf}: {@code scipy.stats.norm.sf(z)}, which is {@code scipy.special.ndtr(-z)}:
 *       Cephes' {@code ndtr}, {@code erf} and {@code erfc} (the rational approximations of Cephes
 *       2.2, the ones SciPy ships), relative error below 1e-13 out to {@code z = 37.5}, where the
 *       tail underflows to 0
 *   <li>{@link #chi2Sf}: {@code scipy.stats.chi2.sf(x, df)}, the regularized upper incomplete gamma
 *       function {@code Q(df / 2, x / 2)}: the series for {@code x < a + 1} and Lentz's continued
 *       fraction otherwise (Numerical Recipes, 3rd ed., section 6.2), relative error below 1e-12
 *       for {@code df} 1 to 200 and {@code x} up to 1000
 *   <li>{@link #kstwoSf}: {@code scipy.stats.kstwo.sf(d, n)}, the survival function of the
 *       two-sided one-sample Kolmogorov-Smirnov statistic {@code D_n}, by the algorithm choice of
 *       Simard and L'Ecuyer (2011) that SciPy's {@code _ksstats.py} makes: Ruben-Gambino at the
 *       ends, Durbin's matrix (Marsaglia, Tsang and Wang 2003), Pomeranz's recursion, Pelz-Good's
 *       series, and {@code 2 * smirnov(n, d)} (the one-sided Smirnov distribution, Birnbaum and
 *       Tingey 1951) for large {@code d}. {@link KolmogorovSmirnov} uses it for its asymptotic
 *       p-value, as {@code scipy.stats.ks_2samp} does
 * </ul>
 */
public final class Distributions {

  private static final double SQRT1_2 = Math.sqrt(0.5);

  /** Cephes' {@code MAXLOG}, {@code log(DBL_MAX)}. */
  private static final double MAXLOG = 7.09782712893383996843E2;

  /** Cephes' {@code MINLOG} with denormals, {@code log(2^-1075)}, as SciPy builds Cephes. */
  private static final double MINLOG = -7.451332191019412076235E2;

  private static final double EPS = Math.ulp(1.0);

  private Distributions() {}

  // ---------------------------------------------------------------------------------------------
  // Normal distribution: Cephes ndtr.c

  private static final double[] ERFC_P = {
    2.46196981473530512524E-10,
    5.64189564831068821977E-1,
    7.46321056442269912687E0,
    4.86371970985681366614E1,
    1.96520832956077098242E2,
    5.26445194995477358631E2,
    9.34528527171957607540E2,
    1.02755188689515710272E3,
    5.57535335369399327526E2
  };
  private static final double[] ERFC_Q = {
    1.32281951154744992508E1,
    8.67072140885989742329E1,
    3.54937778887819891062E2,
    9.75708501743205489753E2,
    1.82390916687909736289E3,
    2.24633760818710981792E3,
    1.65666309194161350182E3,
    5.57535340817727675546E2
  };
  private static final double[] ERFC_R = {
    5.64189583547755073984E-1,
    1.27536670759978104416E0,
    5.01905042251180477414E0,
    6.16021097993053585195E0,
    7.40974269950448939160E0,
    2.97886665372100240670E0
  };
  private static final double[] ERFC_S = {
    2.26052863220117276590E0,
    9.39603524938001434673E0,
    1.20489539808096656605E1,
    1.70814450747565897222E1,
    9.60896809063285878198E0,
    3.36907645100081516050E0
  };
  private static final double[] ERF_T = {
    9.60497373987051638749E0,
    9.00260197203842689217E1,
    2.23200534594684319226E3,
    7.00332514112805075473E3,
    5.55923013010394962768E4
  };
  private static final double[] ERF_U = {
    3.35617141647503099647E1,
    5.21357949780152679795E2,
    4.59432382970980127987E3,
    2.26290000613890934246E4,
    4.92673942608635921086E4
  };

  /**
   * The standard normal survival function {@code P(Z > z)}, {@code scipy.stats.norm.sf(z)}: Cephes'
   * {@code ndtr(-z)}, which is {@code erfc(z / √2) / 2} for {@code z ≥ 1}, so the upper tail keeps
   * its relative precision (about 1e-14) until it underflows to 0 beyond {@code z ≈ 37.5}. {@code
   * NaN} gives {@code NaN}.
   */
  public static double normalSf(double z) {
    return ndtr(-z);
  }

  /** Cephes' {@code ndtr(a)}, the standard normal CDF. */
  static double ndtr(double a) {
    if (Double.isNaN(a)) {
      return Double.NaN;
    }
    double x = a * SQRT1_2;
    double z = Math.abs(x);
    if (z < SQRT1_2) {
      return 0.5 + 0.5 * erf(x);
    }
    double y = 0.5 * erfc(z);
    return x > 0 ? 1.0 - y : y;
  }

  /** Cephes' {@code erfc(a)}. */
  static double erfc(double a) {
    if (Double.isNaN(a)) {
      return Double.NaN;
    }
    double x = Math.abs(a);
    if (x < 1.0) {
      return 1.0 - erf(a);
    }
    double z = -a * a;
    if (z < -MAXLOG) {
      return a < 0 ? 2.0 : 0.0;
    }
    z = Math.exp(z);
    double p;
    double q;
    if (x < 8.0) {
      p = polevl(x, ERFC_P);
      q = p1evl(x, ERFC_Q);
    } else {
      p = polevl(x, ERFC_R);
      q = p1evl(x, ERFC_S);
    }
    double y = (z * p) / q;
    if (a < 0) {
      y = 2.0 - y;
    }
    if (y != 0.0) {
      return y;
    }
    return a < 0 ? 2.0 : 0.0;
  }

  /** Cephes' {@code erf(x)}. */
  static double erf(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x < 0.0) {
      return -erf(-x);
    }
    if (x > 1.0) {
      return 1.0 - erfc(x);
    }
    double z = x * x;
    return x * polevl(z, ERF_T) / p1evl(z, ERF_U);
  }

  /** Cephes' {@code polevl}: {@code c[0] x^N + ... + c[N]}. */
  private static double polevl(double x, double[] c) {
    double y = c[0];
    for (int i = 1; i < c.length; i++) {
      y = y * x + c[i];
    }
    return y;
  }

  /** Cephes' {@code p1evl}: {@code x^N + c[0] x^(N-1) + ... + c[N-1]}. */
  private static double p1evl(double x, double[] c) {
    double y = x + c[0];
    for (int i = 1; i < c.length; i++) {
      y = y * x + c[i];
    }
    return y;
  }

  // ---------------------------------------------------------------------------------------------
  // Chi-squared distribution: the regularized upper incomplete gamma function

  /**
   * The chi-squared survival function {@code P(X > x)} with {@code df} degrees of freedom, {@code
   * scipy.stats.chi2.sf(x, df)}: the regularized upper incomplete gamma function {@code Q(df / 2, x
   * / 2)}. {@code x ≤ 0} gives 1, {@code +∞} gives 0 and {@code NaN} gives {@code NaN}.
   *
   * @param df the degrees of freedom, positive (need not be an integer)
   * @throws IllegalArgumentException when {@code df} is not a positive finite number
   */
  public static double chi2Sf(double x, double df) {
    if (!(df > 0) || Double.isInfinite(df)) {
      throw new IllegalArgumentException(
          "the chi-squared degrees of freedom must be a positive number, but are " + df);
    }
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x <= 0) {
      return 1.0;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 0.0;
    }
    return regularizedGammaQ(df / 2, x / 2);
  }

  /**
   * {@code Q(a, x) = Γ(a, x) / Γ(a)} for {@code a, x > 0}: 1 minus the series of {@code P(a, x)}
   * when {@code x < a + 1}, else the continued fraction of {@code Q} (Numerical Recipes, 3rd ed.,
   * {@code gser} and {@code gcf}).
   */
  static double regularizedGammaQ(double a, double x) {
    double logPrefactor = -x + a * Math.log(x) - logGamma(a);
    if (x < a + 1) {
      double ap = a;
      double term = 1.0 / a;
      double sum = term;
      for (int n = 0; n < 100_000; n++) {
        ap += 1;
        term *= x / ap;
        sum += term;
        if (Math.abs(term) < Math.abs(sum) * EPS) {
          break;
        }
      }
      return 1.0 - sum * Math.exp(logPrefactor);
    }
    double tiny = Double.MIN_NORMAL / EPS;
    double b = x + 1 - a;
    double c = 1 / tiny;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < 100_000; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < tiny) {
        d = tiny;
      }
      c = b + an / c;
      if (Math.abs(c) < tiny) {
        c = tiny;
      }
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) <= EPS) {
        break;
      }
    }
    return Math.exp(logPrefactor) * h;
  }

  /**
   * {@code ln Γ(x)} for {@code x > 0}: Stirling's series with seven terms from {@code x ≥ 10}
   * (truncation error below 1e-17), the recurrence {@code Γ(x) = Γ(x + k) / (x (x + 1) ... (x + k -
   * 1))} below; absolute error about 1e-15.
   */
  static double logGamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException("logGamma needs a positive argument, got " + x);
    }
    double shift = 0;
    if (x < 10) {
      double product = 1;
      while (x < 10) {
        product *= x;
        x += 1;
      }
      shift = Math.log(product);
    }
    double r = 1 / x;
    double r2 = r * r;
    double series =
        r
            * (1.0 / 12
                - r2
                    * (1.0 / 360
                        - r2
                            * (1.0 / 1260
                                - r2
                                    * (1.0 / 1680
                                        - r2 * (1.0 / 1188 - r2 * (691.0 / 360360 - r2 / 156))))));
    return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series - shift;
  }

  // ---------------------------------------------------------------------------------------------
  // Kolmogorov-Smirnov: scipy/stats/_ksstats.py (SciPy 1.10.1)

  private static final double E128 = 0x1p128;
  private static final double EM128 = 0x1p-128;
  private static final double LOG_2PI = Math.log(2 * Math.PI);
  private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);
  private static final double PI_SQUARED = Math.PI * Math.PI;
  private static final double PI_FOUR = PI_SQUARED * PI_SQUARED;
  private static final double PI_SIX = PI_FOUR * PI_SQUARED;
  private static final double MIN_LOG_PELZ_GOOD = -708;

  /** The Stirling coefficients {@code B_2j / (2j (2j - 1))}, j = 8 down to 1 (_ksstats.py). */
  private static final double[] STIRLING_COEFFS = {
    -2.955065359477124183e-2,
    6.4102564102564102564e-3,
    -1.9175269175269175269e-3,
    8.4175084175084175084e-4,
    -5.952380952380952381e-4,
    7.9365079365079365079e-4,
    -2.7777777777777777778e-3,
    8.3333333333333333333e-2
  };

  /**
   * The survival function {@code P(D_n ≥ d)} of the two-sided one-sample Kolmogorov-Smirnov
   * statistic {@code D_n = sup |F_n - F|} of {@code n} observations, {@code scipy.stats.kstwo.sf(d,
   * n)} (SciPy 1.10.1, {@code scipy.stats._ksstats.kolmogn(n, d, cdf=False)}): 1 for {@code d ≤ 0.5
   * / n}, 0 for {@code d ≥ 1}, {@code NaN} for {@code NaN}.
   *
   * @throws IllegalArgumentException when {@code n < 1}
   */
  public static double kstwoSf(double d, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("kstwo needs n >= 1, got " + n);
    }
    if (Double.isNaN(d)) {
      return Double.NaN;
    }
    if (d <= 0.5 / n) {
      return 1.0;
    }
    if (d >= 1.0) {
      return 0.0;
    }
    return kolmogn(n, d, false);
  }

  private static double select(double cdfProb, double sfProb, boolean cdf) {
    return clip(cdf ? cdfProb : sfProb);
  }

  private static double clip(double p) {
    return p < 0 ? 0.0 : (p > 1 ? 1.0 : p);
  }

  /** {@code _kolmogn(n, x, cdf)}: the CDF or SF of {@code D_n}, Simard and L'Ecuyer (2011). */
  static double kolmogn(int n, double x, boolean cdf) {
    if (x >= 1.0) {
      return select(1.0, 0.0, cdf);
    }
    if (x <= 0.0) {
      return select(0.0, 1.0, cdf);
    }
    double t = n * x;
    if (t <= 1.0) { // Ruben-Gambino: 1/2n <= x <= 1/n
      if (t <= 0.5) {
        return select(0.0, 1.0, cdf);
      }
      double prob;
      if (n <= 140) {
        prob = 1.0;
        double base = 2 * t - 1;
        for (int i = 1; i <= n; i++) {
          prob *= i * (1.0 / n) * base;
        }
      } else {
        prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
      }
      return select(prob, 1.0 - prob, cdf);
    }
    if (t >= n - 1) { // Ruben-Gambino
      double prob = 2 * Math.pow(1.0 - x, n);
      return select(1 - prob, prob, cdf);
    }
    if (x >= 0.5) { // exact: 2 * smirnov
      double prob = 2 * smirnov(n, x);
      return select(1.0 - prob, prob, cdf);
    }
    double nxSquared = t * x;
    if (n <= 140) {
      if (nxSquared <= 0.754693) {
        double prob = kolmognDurbin(n, x);
        return select(prob, 1.0 - prob, cdf);
      }
      if (nxSquared <= 4) {
        double prob = kolmognPomeranz(n, x);
        return select(prob, 1.0 - prob, cdf);
      }
      double prob = 2 * smirnov(n, x);
      return select(1.0 - prob, prob, cdf);
    }
    if (!cdf) {
      if (nxSquared >= 370.0) {
        return 0.0;
      }
      if (nxSquared >= 2.2) {
        return clip(2 * smirnov(n, x));
      }
    }
    double cdfProb;
    if (nxSquared >= 18.0) {
      cdfProb = 1.0;
    } else if (n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4) {
      cdfProb = kolmognDurbin(n, x);
    } else {
      cdfProb = kolmognPelzGood(n, x);
    }
    return select(cdfProb, 1.0 - cdfProb, cdf);
  }

  /** {@code log(n! / n^n)} by Stirling's series ({@code _log_nfactorial_div_n_pow_n}). */
  private static double logNFactorialDivNPowN(int n) {
    double rn = 1.0 / n;
    double poly = 0;
    for (double c : STIRLING_COEFFS) {
      poly = poly * (rn / n) + c;
    }
    return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
  }

  /**
   * {@code _kolmogn_DMTW}: {@code P(D_n ≤ d)} by Durbin's matrix algorithm as Marsaglia, Tsang and
   * Wang (2003) evaluate it, the {@code k}-th diagonal entry of {@code (n! / n^n) H^n}, clipped to
   * [0, 1].
   */
  static double kolmognDurbin(int n, double d) {
    if (d >= 1.0) {
      return 1.0;
    }
    double nd = n * d;
    if (nd <= 0.5) {
      return 0.0;
    }
    int k = (int) Math.ceil(nd);
    double h = k - nd;
    int m = 2 * k - 1;
    double[] v = new double[m];
    double[] w = new double[m];
    double fac = 1.0;
    for (int j = 1; j <= m; j++) {
      v[j - 1] = 1.0 - Math.pow(h, j);
      w[j - 1] = fac;
      fac /= j;
      v[j - 1] *= fac;
    }
    double tt = Math.pow(Math.max(2 * h - 1.0, 0), m) - 2 * Math.pow(h, m);
    v[m - 1] = (1.0 + tt) * fac;
    double[][] matrix = new double[m][m];
    for (int i = 1; i < m; i++) {
      for (int r = i - 1; r < m; r++) {
        matrix[r][i] = w[r - (i - 1)];
      }
    }
    for (int r = 0; r < m; r++) {
      matrix[r][0] = v[r];
    }
    for (int c = 0; c < m; c++) {
      matrix[m - 1][c] = v[m - 1 - c];
    }
    double[][] power = new double[m][m];
    for (int i = 0; i < m; i++) {
      power[i][i] = 1.0;
    }
    int nn = n;
    int exponent = 0;
    int matrixExponent = 0;
    while (nn > 0) {
      if (nn % 2 == 1) {
        power = multiply(power, matrix);
        exponent += matrixExponent;
      }
      matrix = multiply(matrix, matrix);
      matrixExponent *= 2;
      if (Math.abs(matrix[k - 1][k - 1]) > E128) {
        for (double[] row : matrix) {
          for (int c = 0; c < m; c++) {
            row[c] /= E128;
          }
        }
        matrixExponent += 128;
      }
      nn /= 2;
    }
    double p = power[k - 1][k - 1];
    for (int i = 1; i <= n; i++) {
      p = i * p / n;
      if (Math.abs(p) < EM128) {
        p *= E128;
        exponent -= 128;
      }
    }
    if (exponent != 0) {
      p = Math.scalb(p, exponent);
    }
    return clip(p);
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int m = a.length;
    double[][] c = new double[m][m];
    for (int i = 0; i < m; i++) {
      double[] ci = c[i];
      for (int l = 0; l < m; l++) {
        double ail = a[i][l];
        if (ail == 0) {
          continue;
        }
        double[] bl = b[l];
        for (int j = 0; j < m; j++) {
          ci[j] += ail * bl[j];
        }
      }
    }
    return c;
  }

  /** {@code _pomeranz_compute_j1j2}: the ends of the non-zero stretch of row {@code i}. */
  private static int[] pomeranzJ1J2(int i, int n, int ll, int ceilf, int roundf) {
    int j1;
    int j2;
    if (i == 0) {
      j1 = -ll - ceilf - 1;
      j2 = ll + ceilf - 1;
    } else {
      int ip1div2 = (i + 1) / 2;
      int ip1mod2 = (i + 1) % 2;
      if (ip1mod2 == 0) { // i is odd
        if (ip1div2 == n + 1) {
          j1 = n - ll - ceilf - 1;
          j2 = n + ll + ceilf - 1;
        } else {
          j1 = ip1div2 - 1 - ll - roundf - 1;
          j2 = ip1div2 + ll - 1 + ceilf - 1;
        }
      } else {
        j1 = ip1div2 - 1 - ll - 1;
        j2 = ip1div2 + ll + roundf - 1;
      }
    }
    return new int[] {Math.max(j1 + 2, 0), Math.min(j2, n)};
  }

  /** {@code _kolmogn_Pomeranz}: {@code P(D_n ≤ x)} by Pomeranz's (1974) recursion. */
  static double kolmognPomeranz(int n, double x) {
    double t = n * x;
    int ll = (int) Math.floor(t);
    double f = t - ll;
    double g = Math.min(f, 1.0 - f);
    int ceilf = f > 0 ? 1 : 0;
    int roundf = f > 0.5 ? 1 : 0;
    int npwrs = 2 * (ll + 1);
    double[] gpower = new double[npwrs];
    double[] twogpower = new double[npwrs];
    double[] onem2gpower = new double[npwrs];
    gpower[0] = 1.0;
    twogpower[0] = 1.0;
    onem2gpower[0] = 1.0;
    int exponent = 0;
    double gOverN = g / n;
    double twoGOverN = 2 * g / n;
    double oneMinusTwoGOverN = (1 - 2 * g) / n;
    for (int m = 1; m < npwrs; m++) {
      gpower[m] = gpower[m - 1] * gOverN / m;
      twogpower[m] = twogpower[m - 1] * twoGOverN / m;
      onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / m;
    }
    double[] v0 = new double[npwrs];
    double[] v1 = new double[npwrs];
    v1[0] = 1;
    int v0s = 0;
    int v1s = 0;
    int[] j = pomeranzJ1J2(0, n, ll, ceilf, roundf);
    int j1 = j[0];
    int j2;
    for (int i = 1; i < 2 * n + 2; i++) {
      int k1 = j1;
      double[] swap = v0;
      v0 = v1;
      v1 = swap;
      int swapStart = v0s;
      v0s = v1s;
      v1s = swapStart;
      Arrays.fill(v1, 0.0);
      j = pomeranzJ1J2(i, n, ll, ceilf, roundf);
      j1 = j[0];
      j2 = j[1];
      double[] pwrs = (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 == 1 ? twogpower : onem2gpower);
      int ln2 = j2 - k1 + 1;
      if (ln2 > 0) {
        int from = k1 - v0s;
        int lenA = Math.max(0, Math.min(from + ln2, npwrs) - from);
        int lenB = Math.min(ln2, npwrs);
        int convStart = j1 - k1;
        int convLen = j2 - j1 + 1;
        double max = 0;
        for (int c = 0; c < convLen; c++) {
          int idx = convStart + c; // entry of the full convolution
          double sum = 0;
          int lo = Math.max(0, idx - (lenB - 1));
          int hi = Math.min(idx, lenA - 1);
          for (int a = lo; a <= hi; a++) {
            sum += v0[from + a] * pwrs[idx - a];
          }
          v1[c] = sum;
          max = Math.max(max, sum);
        }
        if (0 < max && max < EM128) {
          for (int c = 0; c < npwrs; c++) {
            v1[c] *= E128;
          }
          exponent -= 128;
        }
        v1s = v0s + j1 - k1;
      }
    }
    double ans = v1[n - v1s];
    for (int m = 1; m <= n; m++) {
      if (Math.abs(ans) > E128) {
        ans *= EM128;
        exponent += 128;
      }
      ans *= m;
    }
    if (exponent != 0) {
      ans = Math.scalb(ans, exponent);
    }
    return clip(ans);
  }

  /**
   * {@code _kolmogn_PelzGood}: the Pelz-Good (1976) approximation of {@code P(D_n ≤ x)}, the
   * Li-Chien/Korolyuk expansion to {@code n^-1.5} transformed for small {@code x}.
   */
  static double kolmognPelzGood(int n, double x) {
    if (x <= 0.0) {
      return 0.0;
    }
    if (x >= 1.0) {
      return 1.0;
    }
    double z = Math.sqrt(n) * x;
    double zsquared = z * z;
    double zthree = zsquared * z;
    double zfour = zsquared * zsquared;
    double zsix = zfour * zsquared;
    double qlog = -PI_SQUARED / 8 / zsquared;
    if (qlog < MIN_LOG_PELZ_GOOD) {
      return 0.0;
    }
    double q = Math.exp(qlog);
    double k1a = -zsquared;
    double k1b = PI_SQUARED / 4;
    double k2a = 6 * zsix + 2 * zfour;
    double k2b = (2 * zfour - 5 * zsquared) * PI_SQUARED / 4;
    double k2c = PI_FOUR * (1 - 2 * zsquared) / 16;
    double k3d = PI_SIX * (5 - 30 * zsquared) / 64;
    double k3c = PI_FOUR * (-60 * zsquared + 212 * zfour) / 16;
    double k3b = PI_SQUARED * (135 * zfour - 96 * zsix) / 4;
    double k3a = -30 * zsix - 90 * Math.pow(z, 8);
    double[] k = new double[4];
    int maxk = (int) Math.ceil(16 * z / Math.PI);
    for (int kk = maxk; kk > 0; kk--) {
      double m = 2 * kk - 1;
      double msquared = m * m;
      double mfour = msquared * msquared;
      double msix = mfour * msquared;
      double qpower = Math.pow(q, 8 * kk);
      double[] coeffs = {
        1.0,
        k1a + k1b * msquared,
        k2a + k2b * msquared + k2c * mfour,
        k3a + k3b * msquared + k3c * mfour + k3d * msix
      };
      for (int i = 0; i < 4; i++) {
        k[i] = k[i] * qpower + coeffs[i];
      }
    }
    double[] divisors = {z, 6 * zfour, 72 * Math.pow(z, 7), 6480 * Math.pow(z, 10)};
    for (int i = 0; i < 4; i++) {
      k[i] = k[i] * q * SQRT_2PI / divisors[i];
    }
    double q2 = Math.exp(-PI_SQUARED / 2 / zsquared);
    double sqrt3z = Math.sqrt(3) * z;
    double k2extra = 0;
    double k3extra = 0;
    for (int kk = maxk; kk > 0; kk--) {
      double ksquared = (double) kk * kk;
      double kspi = Math.PI * kk;
      double qpower = Math.pow(q2, ksquared);
      k2extra += ksquared * qpower;
      k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksquared * qpower;
    }
    k[2] += k2extra * (PI_SQUARED * SQRT_2PI / (-36 * zthree));
    k[3] += k3extra * (PI_SQUARED * SQRT_2PI / (216 * zsix));
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      sum += k[i] / Math.pow(n, i / 2.0);
    }
    return sum;
  }

  // ---------------------------------------------------------------------------------------------
  // One-sided Smirnov distribution: scipy.special.smirnov (Cephes kolmogorov.c)

  /** {@code stirlerr(k) = ln k! - ((k + 1/2) ln k - k + ln √(2π))} for k = 0..15. */
  private static final double[] STIRLERR = {
    0.0,
    0.08106146679532726,
    0.0413406959554093,
    0.02767792568499834,
    0.020790672103765093,
    0.016644691189821193,
    0.013876128823070748,
    0.01189670994589177,
    0.010411265261972096,
    0.009255462182712733,
    0.00833056343336287,
    0.007573675487951841,
    0.00694284010720953,
    0.006408994188004207,
    0.0059513701127588475,
    0.005554733551962801
  };

  /**
   * {@code scipy.special.smirnov(n, x)}: the survival function {@code P(D_n^+ ≥ x)} of the
   * one-sided statistic, by the Birnbaum-Tingey sum {@code x Σ_{v=0}^{⌊n(1-x)⌋} C(n, v) (x +
   * v/n)^(v-1) (1 - x - v/n)^(n-v)} with SciPy's special cases (small {@code x}, an underflowing
   * tail, {@code x ≥ 1 - 1/n}, and its closed-form approximation for {@code n > 10^6}). All terms
   * are positive; each is a binomial probability {@code b(v; n, x + v/n)} divided by {@code x +
   * v/n}, computed by Loader's (2000) saddle-point method, so the sum keeps about 1e-13 relative
   * precision for any {@code n} (SciPy sums in double-double arithmetic).
   */
  static double smirnov(int n, double x) {
    if (Double.isNaN(x) || !(n > 0 && x >= 0.0 && x <= 1.0)) {
      return Double.NaN;
    }
    if (n == 1) {
      return 1 - x;
    }
    if (x == 0.0) {
      return 1.0;
    }
    if (x == 1.0) {
      return 0.0;
    }
    // n x = nxFloor + alpha, exactly (the product's rounding error recovered by an fma).
    double nxHi = (double) n * x;
    double nxLo = Math.fma(n, x, -nxHi);
    double floor = Math.floor(nxHi);
    double alpha = (nxHi - floor) + nxLo;
    if (alpha < 0) {
      floor -= 1;
      alpha += 1;
    }
    if (alpha >= 1) {
      floor += 1;
      alpha -= 1;
    }
    int nxFloor = (int) floor;
    if (nxFloor == 0 || (nxFloor == 1 && alpha == 0)) { // x <= 1/n
      double cdf = x * Math.exp((n - 1) * Math.log1p(x));
      return clip(1 - cdf);
    }
    if (-2.0 * n * x * x < MINLOG) {
      return 0.0;
    }
    if (nxFloor >= n - 1) {
      return clip(Math.exp(n * Math.log1p(-x)));
    }
    if (n > 1_000_000) {
      double logp = -Math.pow(6.0 * n * x + 1, 2) / 18.0 / n;
      if (logp < -Math.log(2)) {
        return clip(Math.exp(logp));
      }
      return clip(1 - (-Math.expm1(logp)));
    }
    int terms = n - nxFloor; // v = 0 .. n - nxFloor - 1, where 1 - x - v/n > 0
    int vmid = n / 2;
    double sum = Math.exp(n * Math.log1p(-x)); // v = 0: x * (1 - x)^n / x
    for (int v = 1; v < terms; v++) {
      double np = (nxFloor + v) + alpha; // n (x + v/n)
      double nq = (n - nxFloor - v) - alpha; // n (1 - x - v/n)
      double term = x * n * binomialPmf(v, n, np, nq) / np;
      sum += term;
      if (term != 0) {
        if (4.0 * (terms - v) * term < EPS * sum && v != terms - 1) {
          break;
        }
      } else if (v > vmid) {
        break;
      }
    }
    return clip(sum);
  }

  /**
   * The binomial probability {@code C(n, k) p^k q^(n-k)} for {@code 0 < k < n}, given {@code np = n
   * p} and {@code nq = n q}: Loader's (2000) {@code dbinom_raw}, {@code exp(stirlerr(n) -
   * stirlerr(k) - stirlerr(n - k) - bd0(k, np) - bd0(n - k, nq)) / √(2π k (1 - k/n))}.
   */
  private static double binomialPmf(int k, int n, double np, double nq) {
    double lc = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, np) - bd0((double) n - k, nq);
    double lf = LOG_2PI + Math.log(k) + Math.log1p(-(double) k / n);
    return Math.exp(lc - 0.5 * lf);
  }

  /**
   * Loader's {@code stirlerr(n)} for integers: the error of Stirling's formula for {@code ln n!}.
   */
  private static double stirlerr(int n) {
    if (n < STIRLERR.length) {
      return STIRLERR[n];
    }
    double s0 = 1.0 / 12;
    double s1 = 1.0 / 360;
    double s2 = 1.0 / 1260;
    double s3 = 1.0 / 1680;
    double s4 = 1.0 / 1188;
    double nn = (double) n * n;
    if (n > 500) {
      return (s0 - s1 / nn) / n;
    }
    if (n > 80) {
      return (s0 - (s1 - s2 / nn) / nn) / n;
    }
    if (n > 35) {
      return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
    }
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
  }

  /** Loader's {@code bd0(x, np) = x ln(x / np) + np - x}, by its series when {@code x ≈ np}. */
  private static double bd0(double x, double np) {
    if (Math.abs(x - np) < 0.1 * (x + np)) {
      double v = (x - np) / (x + np);
      double s = (x - np) * v;
      if (Math.abs(s) < Double.MIN_NORMAL) {
        return s;
      }
      double ej = 2 * x * v;
      v = v * v;
      for (int j = 1; j < 1000; j++) {
        ej *= v;
        double s1 = s + ej / ((j << 1) + 1);
        if (s1 == s) {
          return s1;
        }
        s = s1;
      }
    }
    return x * Math.log(x / np) + np - x;
  }
}
