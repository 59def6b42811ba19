#!/usr/bin/env python3
"""The pandas reference of IngestBenchmark (issue 6): the ingestion of one CSV done with pandas.

read_csv -> validation (missing cells, NaN/inf, constant columns, duplicates, class balance,
target leakage) -> drop duplicates -> deterministic stratified hash split -> profile (the whole
table and each split: count, missing, distinct, min, max, mean, std, quantiles p1..p99, a 10-bin
histogram, the top-10 values of text and low-cardinality integer columns) -> write each split as
CSV and the profile and validation report as JSON into --out.

The splits are written as CSV, not Parquet: Debian ships no Parquet engine for pandas (apt-cache
search parquet finds neither pyarrow nor fastparquet), so CSV is what python3-pandas can write.

Prints one JSON object on stdout: the time of each phase (seconds), the row counts, and the CPU
time (import included) and peak RSS of this process (getrusage). Run by IngestBenchmark as a child
process on the same file; it can be run alone:

    /usr/bin/python3 benchmarks/pandas/ingest_pandas.py --csv /tmp/ingest-1m.csv --out /tmp/out \
        --exclude country,channel,device,plan
"""

import argparse
import json
import os
import resource
import sys
import time

T_START = time.perf_counter()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
BINS = 10
TOP_K = 10
TOP_MAX_INTEGER_DISTINCT = 20
RATIOS = (0.7, 0.15, 0.15)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--csv", required=True)
    p.add_argument("--target", default="label")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--exclude", default="", help="comma-separated columns that are not features")
    args = p.parse_args()
    exclude = [c for c in args.exclude.split(",") if c]
    os.makedirs(args.out, exist_ok=True)

    times = {"import": time.perf_counter() - T_START}
    t = time.perf_counter()

    # -- read: type inference over the whole file (pandas' default, like the splitter's).
    df = pd.read_csv(args.csv, low_memory=False)
    times["read"] = lap(t)
    t = time.perf_counter()
    input_rows = len(df)

    # -- validation (on the table as read; duplicates are dropped after it).
    target = args.target
    features = [c for c in df.columns if c != target and c not in exclude]
    numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
    anomalies = []
    nulls = df.isna().sum()
    for c in features:
        if nulls[c] > 0:
            anomalies.append(("missing_values", c, float(nulls[c]) / input_rows))
    floats = [c for c in numeric if pd.api.types.is_float_dtype(df[c])]
    if floats:
        infs = np.isinf(df[floats].to_numpy()).sum(axis=0)
        for c, n in zip(floats, infs):
            if n > 0:
                anomalies.append(("nan_or_inf", c, int(n)))
    distinct = df.nunique(dropna=True)
    for c in features:
        if distinct[c] <= 1:
            anomalies.append(("constant_column", c, None))
    duplicated = df.duplicated(keep="first")
    n_duplicates = int(duplicated.sum())
    if n_duplicates:
        anomalies.append(("duplicate_rows", None, n_duplicates))
    labeled = df[target].notna()
    classes = df.loc[labeled, target].value_counts()
    shares = classes / classes.sum()
    anomalies.append(
        ("class_imbalance" if shares.min() < 0.05 else "class_balance", target, float(shares.min()))
    )
    # target leakage: a feature equal to the target on every labeled row, or a two-valued feature
    # each of whose values goes with one class only (a perfect separation).
    y = df.loc[labeled, target]
    for c in features:
        x = df.loc[labeled, c]
        if c in numeric and x.notna().all() and (x == y).all():
            anomalies.append(("target_leakage", c, "equals the target"))
        elif distinct[c] == 2 and len(classes) == 2:
            per_value = pd.crosstab(x, y)
            if ((per_value > 0).sum(axis=1) == 1).all():
                anomalies.append(("target_leakage", c, "separates the classes"))
    times["validate"] = lap(t)
    t = time.perf_counter()

    # -- de-duplication (keep the first).
    if n_duplicates:
        df = df[~duplicated.to_numpy()]
    df = df.reset_index(drop=True)
    times["dedupe"] = lap(t)
    t = time.perf_counter()

    # -- split: a seeded hash of each row's content, rows ordered by (hash, position) per class,
    # the first round(n * 0.7) to train, the next round(n * 0.15) to validation, the rest to test.
    key = f"{args.seed:016d}"[-16:]
    h = pd.util.hash_pandas_object(df, index=False, hash_key=key).to_numpy()
    assignment = np.full(len(df), -1, dtype=np.int8)
    y_all = df[target].to_numpy()
    for cls in classes.index:
        rows = np.flatnonzero(y_all == cls)
        order = rows[np.argsort(h[rows], kind="stable")]
        n = len(order)
        n_train = int(np.floor(n * RATIOS[0] + 0.5))
        n_val = min(int(np.floor(n * RATIOS[1] + 0.5)), n - n_train)
        assignment[order[:n_train]] = 0
        assignment[order[n_train : n_train + n_val]] = 1
        assignment[order[n_train + n_val :]] = 2
    splits = {
        name: df[assignment == i] for i, name in enumerate(["train", "validation", "test"])
    }
    if (assignment < 0).any():
        splits["unlabeled"] = df[assignment < 0]
    times["split"] = lap(t)
    t = time.perf_counter()

    # -- profile: the whole table, then each split.
    profile = {"rows": len(df), "columns": profile_table(df), "splits": {}}
    for name, part in splits.items():
        profile["splits"][name] = {"rows": len(part), "columns": profile_table(part)}
    times["profile"] = lap(t)
    t = time.perf_counter()

    # -- write: each split as CSV (no Parquet engine on Debian), the profile and the report.
    out_bytes = 0
    for name, part in splits.items():
        path = os.path.join(args.out, name + ".csv")
        part.to_csv(path, index=False)
        out_bytes += os.path.getsize(path)
    with open(os.path.join(args.out, "profile.json"), "w") as f:
        json.dump(profile, f, default=float)
    with open(os.path.join(args.out, "validation.json"), "w") as f:
        json.dump([list(a) for a in anomalies], f, default=str)
    times["write"] = lap(t)

    times["total"] = time.perf_counter() - T_START - times["import"]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "pandas": pd.__version__,
                "numpy": np.__version__,
                "rows": input_rows,
                "columns": len(df.columns),
                "duplicates": n_duplicates,
                "splits": {name: len(part) for name, part in splits.items()},
                "anomalies": len(anomalies),
                "outBytes": out_bytes,
                "seconds": times,
                "cpuSeconds": usage.ru_utime + usage.ru_stime,
                "peakRssMb": usage.ru_maxrss / 1024.0,
            }
        )
    )


def lap(t):
    return time.perf_counter() - t


def profile_table(df):
    columns = {}
    for c in df.columns:
        s = df[c]
        numeric = pd.api.types.is_numeric_dtype(s)
        if numeric and pd.api.types.is_float_dtype(s):
            s = s.replace([np.inf, -np.inf], np.nan)  # infinities count as missing
        values = s.dropna()
        col = {
            "count": int(len(values)),
            "missing": int(len(s) - len(values)),
            "distinct": int(values.nunique()),
        }
        if numeric and len(values):
            x = values.to_numpy(dtype=np.float64)
            lo, hi = float(x.min()), float(x.max())
            col["min"], col["max"], col["mean"] = lo, hi, float(x.mean())
            col["std"] = float(x.std(ddof=1)) if len(x) > 1 else None
            col["quantiles"] = dict(
                zip([f"p{round(q * 100)}" for q in QUANTILES], np.quantile(x, QUANTILES).tolist())
            )
            if lo == hi:
                col["histogram"] = {"edges": [lo, hi], "counts": [len(x)]}
            else:
                counts, edges = np.histogram(x, bins=BINS, range=(lo, hi))
                col["histogram"] = {"edges": edges.tolist(), "counts": counts.tolist()}
        integer = numeric and pd.api.types.is_integer_dtype(s)
        if not numeric or (integer and col["distinct"] <= TOP_MAX_INTEGER_DISTINCT):
            top = values.value_counts().head(TOP_K)
            col["top"] = [[str(v), int(n)] for v, n in top.items()]
        columns[c] = col
    return columns


if __name__ == "__main__":
    sys.exit(main())
