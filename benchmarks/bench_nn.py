"""Training-step speed of issue 4's models, ember and torch side by side in one run.

    python benchmarks/bench_nn.py

1. tutorial 001's TwoLayerNet: N=64, 1000 -> 100 -> 10, clamp(min=0), MSELoss(sum), SGD momentum 0.5
   (target: no slower than torch)
2. an MLP 784-512-256-10 with ReLU, CrossEntropyLoss and Adam, batch 128 (target: at most 1.5x torch)
"""

from __future__ import annotations

import sys
import timeit

import numpy as np

import ember

try:
    import torch
except ImportError:
    torch = None


def best_ms(fn, number: int, repeat: int = 5) -> float:
    fn()  # warm up (optimizer state is created on the first step)
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e3


def two_layer_net(lib):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((64, 1000)).astype(np.float32))
    y = lib.tensor(rng.standard_normal((64, 10)).astype(np.float32))

    class TwoLayerNet(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear1 = lib.nn.Linear(1000, 100)
            self.linear2 = lib.nn.Linear(100, 10)

        def forward(self, x):
            return self.linear2(self.linear1(x).clamp(min=0))

    model = TwoLayerNet()
    loss_fn = lib.nn.MSELoss(reduction="sum")
    opt = lib.optim.SGD(model.parameters(), lr=1e-4, momentum=0.5)

    def step():
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def mlp_adam(lib):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((128, 784)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, 128))
    nn = lib.nn
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    loss_fn = nn.CrossEntropyLoss()
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def main() -> None:
    print(f"numpy {np.__version__}; torch {torch.__version__ if torch else 'not installed'}")
    for name, make, number in (("TwoLayerNet step (SGD momentum)", two_layer_net, 200),
                               ("MLP 784-512-256-10 step (Adam)", mlp_adam, 50)):  # fmt: skip
        e = best_ms(make(ember), number)
        if torch is None:
            print(f"{name:36s} ember {e:8.3f} ms")
            continue
        t = best_ms(make(torch), number)
        print(f"{name:36s} ember {e:8.3f} ms   torch {t:8.3f} ms   ratio {e / t:5.2f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
