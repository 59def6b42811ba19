"""The Python counterpart of XgboostBenchmark: boosts the same kind of table (rows of N
standard-normal features, a linear label plus noise, 80 % for training) with the xgboost package
(Debian: python3-xgboost), binary:logistic, hist, max_depth 6, eta 0.3, evaluating the validation
split every round as a Trainyard run does. Prints the time to build the matrices and to boost.

    /usr/bin/python3 benchmarks/xgboost_train.py [--rows 1000000] [--features 30] [--rounds 100]
        [--max-depth 6] [--threads 1]
"""
import argparse
import resource
import time

import numpy as np
import xgboost as xgb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--max-depth", type=int, default=6)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    x = rng.standard_normal((args.rows, args.features)).astype(np.float32)
    w = np.array([(j % 3) - 1 for j in range(args.features)], dtype=np.float32)
    y = ((x @ w + rng.standard_normal(args.rows)) > 0).astype(np.float32)
    train = round(args.rows * 0.8)
    started = time.perf_counter()
    dtrain = xgb.DMatrix(x[:train], label=y[:train], nthread=args.threads)
    dval = xgb.DMatrix(x[train:], label=y[train:], nthread=args.threads)
    built = time.perf_counter()
    params = {
        "objective": "binary:logistic",
        "eval_metric": "logloss",
        "tree_method": "hist",
        "max_depth": args.max_depth,
        "eta": 0.3,
        "nthread": args.threads,
        "seed": args.seed,
    }
    booster = xgb.train(
        params, dtrain, args.rounds, evals=[(dtrain, "train"), (dval, "val")], verbose_eval=False
    )
    boosted = time.perf_counter()
    margin = booster.predict(dval, output_margin=True)
    accuracy = float(((margin > 0) == (y[train:] > 0.5)).mean())
    print(
        f"xgboost {xgb.__version__}: {args.rows} rows x {args.features} features, {args.rounds} rounds,"
        f" max_depth {args.max_depth}, {args.threads} thread(s)"
    )
    print(
        f"matrices {built - started:.2f} s; boosting with train and validation evaluation"
        f" {boosted - built:.2f} s ({(boosted - built) / args.rounds:.3f} s/round);"
        f" val accuracy {accuracy:.4f}"
    )
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
