"""The PyTorch eager counterpart of TrainingBenchmark --features N: the same MLP (N-64-32-1, ReLU,
dropout 0.1, one logit), sigmoid binary cross-entropy, Adam (learning rate 0.001, L2 weight decay
0.0001), mini-batches of 256 drawn from a shuffled order each epoch, on rows * 0.8 training rows
of N standard-normal features with a linear label. Prints the training pass's samples per second
per epoch (forward, loss, backward, step; no validation), the same rows over the CPU time of the
training thread in that pass (time.thread_time: with one thread all the work runs on it, a rate that
other processes disturb far less than the wall-clock one), and the means over epochs 2..E.

    /usr/bin/python3 benchmarks/pytorch_mlp.py [--rows 1000000] [--features 30] [--epochs 4]
        [--batch-size 256] [--threads 1]

Needs numpy and torch (Debian: python3-torch).
"""
import argparse
import os
import time

import numpy as np
import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train_rows = round(args.rows * 0.8)
    x = rng.standard_normal((train_rows, args.features)).astype(np.float32)
    w = np.array([(j % 3) - 1 for j in range(args.features)], dtype=np.float32)
    y = ((x @ w + rng.standard_normal(train_rows)) > 0).astype(np.float32).reshape(-1, 1)
    x_t, y_t = torch.from_numpy(x), torch.from_numpy(y)

    net = torch.nn.Sequential(
        torch.nn.Linear(args.features, 64), torch.nn.ReLU(), torch.nn.Dropout(0.1),
        torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Dropout(0.1),
        torch.nn.Linear(32, 1))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.001, weight_decay=0.0001)
    print(f"pytorch {torch.__version__}, threads {torch.get_num_threads()}, {train_rows} train rows"
          f" x {args.features}, batch {args.batch_size}, load average {os.getloadavg()[0]:.2f}")
    rates = []
    cpu_rates = []
    for epoch in range(1, args.epochs + 1):
        net.train()
        order = torch.from_numpy(rng.permutation(train_rows))
        start = time.perf_counter()
        cpu_start = time.thread_time()
        for s in range(0, train_rows, args.batch_size):
            idx = order[s:s + args.batch_size]
            optimizer.zero_grad()
            loss = loss_fn(net(x_t[idx]), y_t[idx])
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        cpu_seconds = time.thread_time() - cpu_start
        rates.append(train_rows / seconds)
        cpu_rates.append(train_rows / cpu_seconds)
        print(f"epoch {epoch}: {rates[-1]:.0f} samples/s ({seconds:.2f} s), {cpu_rates[-1]:.0f} samples"
              f" per CPU second of the training thread ({cpu_seconds:.2f} s), loss {loss.item():.4f}")
    later = rates[1:] or rates
    later_cpu = cpu_rates[1:] or cpu_rates
    print(f"mean over epochs 2..{len(rates)}: {sum(later) / len(later):.0f} samples/s,"
          f" {sum(later_cpu) / len(later_cpu):.0f} samples per CPU second of the training thread;"
          f" load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
