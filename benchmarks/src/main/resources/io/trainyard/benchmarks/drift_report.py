#!/usr/bin/env python3
"""The SciPy side of DriftReportBenchmark (issue 10): a drift report of one window against a
reference, the way an Evidently-style report computes it, on the raw samples of every feature.

Per feature, from the raw reference and window values (nothing is reused between features or runs):

- the reference's ``numpy.histogram(ref, bins=10)`` (10 equal-width bins from min to max, their
  edges), and the counts of both samples on the 12 shared bins: below the first edge, the 10
  histogram bins (``numpy.histogram(values, bins=edges)``, the last one closed), above the last
  edge;
- ``scipy.stats.ks_2samp(ref, cur)`` (method 'auto': asymptotic p-value for samples over 10,000);
- ``scipy.stats.wasserstein_distance(ref, cur) / max(numpy.std(ref), 0.001)`` (Evidently's
  normed Wasserstein distance);
- the PSI on the shared-bin proportions, each floored at 1e-4 (``Psi.psi`` of libs/stats; Evidently
  only replaces zeros by 1e-4), and ``scipy.spatial.distance.jensenshannon`` of the two count
  vectors.

The samples are raw little-endian float64 files, column-major (one feature after the other), as the
benchmark writes them. The loop over all features is timed ``--runs`` times; the last line is
``RESULT {json}`` with the timings and the per-feature values.

Run alone: ``/usr/bin/python3 drift_report.py --reference ref.f64 --window win.f64 --features 100``.
"""

import argparse
import json
import os
import resource
import time

_t0 = time.perf_counter()
import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy import stats  # noqa: E402
from scipy.spatial import distance  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _t0

PSI_FLOOR = 1e-4
MIN_NORM = 0.001
PARTS = ("bins", "ks", "wasserstein", "psi_js")


def shared_counts(values, edges, inner):
    """Counts on the 12 shared bins: below edges[0], the histogram's bins, above edges[-1]."""
    below = np.count_nonzero(values < edges[0])
    above = np.count_nonzero(values > edges[-1])
    return np.concatenate(([below], inner, [above]))


def psi(ref_counts, cur_counts):
    r = np.maximum(ref_counts / ref_counts.sum(), PSI_FLOOR)
    c = np.maximum(cur_counts / cur_counts.sum(), PSI_FLOOR)
    return float(np.sum((r - c) * np.log(r / c)))


def report(ref, cur, clock):
    """The four tests of one feature; adds the time of each part to ``clock``."""
    t = time.perf_counter()
    ref_inner, edges = np.histogram(ref, bins=10)
    ref_counts = shared_counts(ref, edges, ref_inner)
    cur_inner, _ = np.histogram(cur, bins=edges)
    cur_counts = shared_counts(cur, edges, cur_inner)
    t1 = time.perf_counter()
    clock["bins"] += t1 - t

    ks = stats.ks_2samp(ref, cur)
    t2 = time.perf_counter()
    clock["ks"] += t2 - t1

    wasserstein = stats.wasserstein_distance(ref, cur) / max(float(np.std(ref)), MIN_NORM)
    t3 = time.perf_counter()
    clock["wasserstein"] += t3 - t2

    p = psi(ref_counts, cur_counts)
    js = float(distance.jensenshannon(ref_counts, cur_counts))
    clock["psi_js"] += time.perf_counter() - t3
    return {
        "ks": float(ks.statistic),
        "ksP": float(ks.pvalue),
        "wasserstein": float(wasserstein),
        "psi": p,
        "js": js,
        "counts": [int(c) for c in cur_counts],
        "referenceCounts": [int(c) for c in ref_counts],
    }


def peak_rss_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reference", required=True, help="reference samples, float64 LE")
    parser.add_argument("--window", required=True, help="window samples, float64 LE")
    parser.add_argument("--features", type=int, required=True)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    t = time.perf_counter()
    ref = np.fromfile(args.reference, dtype="<f8").reshape(args.features, -1)
    cur = np.fromfile(args.window, dtype="<f8").reshape(args.features, -1)
    load_seconds = time.perf_counter() - t
    print(
        "SciPy %s, numpy %s: import %.2f s; read %d x %d reference and %d x %d window values in"
        " %.2f s" % (
            scipy.__version__,
            np.__version__,
            IMPORT_SECONDS,
            ref.shape[1],
            args.features,
            cur.shape[1],
            args.features,
            load_seconds,
        ),
        flush=True,
    )

    runs = []
    results = None
    for run in range(1, args.runs + 1):
        clock = dict.fromkeys(PARTS, 0.0)
        load_start = os.getloadavg()[0]
        w0 = time.perf_counter()
        c0 = time.process_time()
        results = [report(ref[f], cur[f], clock) for f in range(args.features)]
        seconds = time.perf_counter() - w0
        cpu = time.process_time() - c0
        load_end = os.getloadavg()[0]
        print(
            "run %d: %.2f s (CPU %.2f s); bins %.2f s, ks_2samp %.2f s, wasserstein %.2f s,"
            " psi + jensenshannon %.3f s; peak RSS %.0f MB; load average %.2f -> %.2f"
            % (
                run,
                seconds,
                cpu,
                clock["bins"],
                clock["ks"],
                clock["wasserstein"],
                clock["psi_js"],
                peak_rss_mb(),
                load_start,
                load_end,
            ),
            flush=True,
        )
        runs.append(
            {
                "run": run,
                "seconds": seconds,
                "cpu": cpu,
                "parts": clock,
                "loadStart": load_start,
                "loadEnd": load_end,
            }
        )
    print(
        "RESULT "
        + json.dumps(
            {
                "scipy": scipy.__version__,
                "numpy": np.__version__,
                "importSeconds": IMPORT_SECONDS,
                "loadSeconds": load_seconds,
                "referenceRows": int(ref.shape[1]),
                "windowRows": int(cur.shape[1]),
                "runs": runs,
                "features": results,
                "peakRssMb": peak_rss_mb(),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
