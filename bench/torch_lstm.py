#!/usr/bin/python3
"""PyTorch baseline for netcanvas-bench: nn.LSTM (32 input features, hidden 128, batch_first) over
sequences of 50 steps, its last hidden state into Linear(128, 10). Options and output: see
torch_baseline.py."""

import sys

from torch_baseline import run


def build(torch, nn, n):
    class LastState(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(32, 128, batch_first=True)
            self.out = nn.Linear(128, 10)

        def forward(self, x):
            _, (h, _) = self.lstm(x)
            return self.out(h[-1])

    return LastState(), torch.rand(n, 50, 32), torch.randint(0, 10, (n,))


if __name__ == "__main__":
    sys.exit(run(__doc__, build, default_samples=1024, default_warmup=256))
