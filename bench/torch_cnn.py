#!/usr/bin/python3
"""PyTorch baseline for netcanvas-bench: the same CNN, loss, optimizer and data shapes.

CNN conv3x3x32-ReLU-maxpool2-conv3x3x64-ReLU-maxpool2-dense128-ReLU-dense10 on 28x28x1 images,
softmax cross-entropy, SGD with momentum 0.9, on synthetic Fashion-MNIST-shaped data, shuffled
mini-batches gathered from the data each step like the NetCanvas trainer does. Prints one line:
"samples/s=N" (the median of the timed runs).
Exits with status 3 when torch cannot be imported, so the caller can report it unavailable.
"""

import argparse
import statistics
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--samples", type=int, default=4096, help="samples per timed run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1024, help="samples trained before timing")
    args = parser.parse_args()

    try:
        import torch
        from torch import nn
    except Exception as error:  # ImportError, or a broken installation
        print(f"torch unavailable: {error}", file=sys.stderr)
        return 3

    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set by an earlier parallel call
    torch.manual_seed(1)

    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 5 * 5, 128), nn.ReLU(),
        nn.Linear(128, 10),
    )
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    n = max(args.samples, args.warmup)
    x = torch.rand(n, 1, 28, 28)
    y = torch.randint(0, 10, (n,))

    def train(samples: int) -> int:
        done = 0
        order = torch.randperm(n)
        position = 0
        while done < samples:
            if position + args.batch > n:
                order = torch.randperm(n)
                position = 0
            index = order[position:position + args.batch]
            position += args.batch
            xb, yb = x[index], y[index]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            done += args.batch
        return done

    model.train()
    train(args.warmup)
    rates = []
    for _ in range(args.runs):
        start = time.perf_counter()
        done = train(args.samples)
        rates.append(done / (time.perf_counter() - start))
    print(f"samples/s={statistics.median(rates):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
