"""Shared driver of the PyTorch baselines of netcanvas-bench (torch_mlp.py, torch_cnn.py, ...).

Each baseline script describes only its model and data; this module parses the common options,
trains with softmax cross-entropy and SGD momentum 0.9 on shuffled mini-batches gathered from
the data each step like the NetCanvas trainer does, and prints one line
"samples/s=MEDIAN best=BEST rates=R1,R2,..." (samples per second of each timed run). Exits with status 3 when torch cannot be imported, so the caller can
report it unavailable.
"""

import argparse
import statistics
import sys
import time


def run(description, build, default_samples, default_warmup):
    """build(torch, nn, n) -> (model, x, y) with n samples of inputs x and class labels y."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--samples", type=int, default=default_samples,
                        help="samples per timed run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=default_warmup,
                        help="samples trained before timing")
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

    n = max(args.samples, args.warmup)
    model, x, y = build(torch, nn, n)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def train(samples):
        done = 0
        order = torch.randperm(n)
        position = 0
        while done < samples:
            if position + args.batch > n:
                order = torch.randperm(n)
                position = 0
            index = order[position:position + args.batch]
            position += args.batch
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[index]), y[index])
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
    print(f"samples/s={statistics.median(rates):.0f} best={max(rates):.0f} "
          f"rates={','.join(f'{r:.1f}' for r in rates)}")
    return 0
