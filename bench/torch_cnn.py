#!/usr/bin/python3
"""PyTorch baseline for netcanvas-bench: CNN conv3x3x32-ReLU-maxpool2-conv3x3x64-ReLU-maxpool2-
dense128-ReLU-dense10 on synthetic 28x28x1 images. Options and output: see torch_baseline.py."""

import sys

from torch_baseline import run


def build(torch, nn, n):
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 5 * 5, 128), nn.ReLU(),
        nn.Linear(128, 10),
    )
    return model, torch.rand(n, 1, 28, 28), torch.randint(0, 10, (n,))


if __name__ == "__main__":
    sys.exit(run(__doc__, build, default_samples=4096, default_warmup=1024))
