#!/usr/bin/python3
"""PyTorch baseline for netcanvas-bench: MLP 784-256-128-10 (ReLU) on synthetic
Fashion-MNIST-shaped data. Options and output: see torch_baseline.py."""

import sys

from torch_baseline import run


def build(torch, nn, n):
    model = nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(),
        nn.Linear(256, 128), nn.ReLU(),
        nn.Linear(128, 10),
    )
    return model, torch.rand(n, 784), torch.randint(0, 10, (n,))


if __name__ == "__main__":
    sys.exit(run(__doc__, build, default_samples=16384, default_warmup=2048))
