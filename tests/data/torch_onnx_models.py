#!/usr/bin/env python3
"""Writes small PyTorch models exported with torch.onnx.export, for tst_onnx_import.

usage: torch_onnx_models.py OUT_DIR
For each model NAME: OUT_DIR/NAME.onnx, OUT_DIR/NAME.input.csv (one sample per row, images as
H x W x C rows, as NetCanvas takes them) and OUT_DIR/NAME.expected.csv (torch's output, after
the final softmax where the model has one)."""
import os
import sys

import numpy as np
import torch
from torch import nn

torch.manual_seed(7)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 8),
                                  nn.Tanh(), nn.Linear(8, 3), nn.Softmax(dim=1))

    def forward(self, x):
        return self.body(x)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 8, 3, stride=1, padding=1), nn.ReLU(), nn.AvgPool2d(2))
        self.head = nn.Linear(8 * 2 * 2, 4)

    def forward(self, x):
        x = self.features(x)
        return torch.softmax(self.head(torch.flatten(x, 1)), dim=1)


class CnnView(nn.Module):
    """x.view(x.size(0), -1): the Reshape target is computed from Shape in the graph."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 5 * 5, 3)

    def forward(self, x):
        y = torch.relu(self.conv(x))
        return self.fc(y.view(y.size(0), -1))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(2, 6, 3, padding=1)
        self.conv1 = nn.Conv2d(6, 6, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(6)
        self.conv2 = nn.Conv2d(6, 6, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(6, 1)

    def forward(self, x):
        x = torch.relu(self.stem(x))
        y = self.conv2(torch.relu(self.bn1(self.conv1(x))))
        x = torch.relu(x + y)
        return torch.sigmoid(self.fc(torch.flatten(self.pool(x), 1)))


class Recurrent(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(input_size=3, hidden_size=5, batch_first=True)
        self.fc = nn.Linear(5, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out[:, -1, :])


class StackedLstm(nn.Module):
    """Two layers: the second reads the first's whole sequence; the head reads h_n[-1]."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(input_size=3, hidden_size=4, num_layers=2, batch_first=True)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        out, _ = self.rnn(x)
        return torch.softmax(self.fc(out[:, -1]), dim=1)


class GruLastState(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(input_size=3, hidden_size=6, batch_first=True)
        self.fc = nn.Linear(6, 1)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.fc(h[-1])


class TextLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.rnn = nn.LSTM(input_size=4, hidden_size=5, batch_first=True)
        self.fc = nn.Linear(5, 2)

    def forward(self, ids):
        out, _ = self.rnn(self.embed(ids))
        return torch.softmax(self.fc(out[:, -1, :]), dim=1)


class GeluMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.norm = nn.LayerNorm(8)
        self.fc2 = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc2(nn.functional.gelu(self.norm(self.fc1(x))))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    models = {
        "mlp": (Mlp(), (5, 6)),
        "cnn": (Cnn(), (4, 3, 8, 8)),
        "cnn_view": (CnnView(), (3, 2, 5, 5)),
        "residual": (Residual(), (3, 2, 6, 6)),
        "lstm": (Recurrent(nn.LSTM), (4, 7, 3)),
        "gru": (Recurrent(nn.GRU), (4, 7, 3)),
        "rnn": (Recurrent(nn.RNN), (4, 7, 3)),
        "gelu": (GeluMlp(), (5, 4)),
        "lstm2": (StackedLstm(), (4, 6, 3)),
        "gru_hn": (GruLastState(), (4, 5, 3)),
        "text_lstm": (TextLstm(), (4, 6)),
    }
    for name, (model, shape) in models.items():
        # Non-trivial running statistics, so that eval-mode BatchNorm is really exercised.
        model.train()
        with torch.no_grad():
            for _ in range(3):
                if name != "text_lstm":
                    model(torch.randn(*shape) * 2 + 0.5)
        model.eval()
        x = torch.randint(0, 10, shape) if name == "text_lstm" else torch.randn(*shape)
        with torch.no_grad():
            y = model(x)
        torch.onnx.export(model, x, os.path.join(out, name + ".onnx"), input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": {0: "N"}},
                          opset_version=14 if name != "gelu" else 17)
        rows = x.numpy()
        if rows.ndim == 4:
            rows = rows.transpose(0, 2, 3, 1)
        np.savetxt(os.path.join(out, name + ".input.csv"), rows.reshape(shape[0], -1),
                   delimiter=",", fmt="%.9g")
        np.savetxt(os.path.join(out, name + ".expected.csv"), y.numpy().reshape(shape[0], -1),
                   delimiter=",", fmt="%.9g")


if __name__ == "__main__":
    main()
