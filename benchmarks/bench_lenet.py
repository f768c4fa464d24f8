"""LeNet-5 training step, ember and torch side by side in one run: the ratio is what matters.

    python benchmarks/bench_lenet.py

A batch of 64 1x28x28 images through Conv2d(1,6,5), ReLU, MaxPool2d(2), Conv2d(6,16,5), ReLU, MaxPool2d(2),
Flatten, Linear 256->120->84->10, CrossEntropyLoss, SGD: forward, backward and step (target: at most 3x torch).
The forward and backward of the layers alone are timed too, to show where the time goes.
"""

from __future__ import annotations

import sys
import timeit

import numpy as np

import ember

try:
    import torch
except ImportError:  # the benchmark still reports ember's own figures
    torch = None


def best_ms(fn, number: int, repeat: int = 7) -> float:
    fn()  # warm up (optimizer state is created on the first step)
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e3


def lenet(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )  # fmt: skip


def data(lib):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((64, 1, 28, 28)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, 64))
    return x, y


def train_step(lib):
    lib.manual_seed(0)
    model = lenet(lib)
    loss_fn = lib.nn.CrossEntropyLoss()
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = data(lib)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    return step


def layer(lib, make, shape, backward):
    lib.manual_seed(0)
    mod = make(lib)
    x = lib.tensor(np.random.default_rng(0).standard_normal(shape).astype(np.float32), requires_grad=True)
    if not backward:
        def fwd():
            with lib.no_grad():
                mod(x)

        return fwd
    g = lib.ones(tuple(mod(x).shape))

    def fwd_bwd():
        mod(x).backward(g)

    return fwd_bwd


LAYERS = [
    ("Conv2d(1,6,5) on 64x1x28x28", lambda m: m.nn.Conv2d(1, 6, 5), (64, 1, 28, 28)),
    ("Conv2d(6,16,5) on 64x6x12x12", lambda m: m.nn.Conv2d(6, 16, 5), (64, 6, 12, 12)),
    ("MaxPool2d(2) on 64x6x24x24", lambda m: m.nn.MaxPool2d(2), (64, 6, 24, 24)),
]


def row(name: str, e: float, t: float | None) -> None:
    if t is None:
        print(f"{name:48s} ember {e:8.3f} ms")
    else:
        print(f"{name:48s} ember {e:8.3f} ms   torch {t:8.3f} ms   ratio {e / t:5.2f}x")


def main() -> None:
    threads = torch.get_num_threads() if torch is not None else None
    print(f"numpy {np.__version__}; torch {torch.__version__ if torch else 'not installed'} (threads {threads})")
    e = best_ms(train_step(ember), 20)
    row("LeNet-5 training step, batch 64 (SGD)", e, best_ms(train_step(torch), 20) if torch else None)
    for name, make, shape in LAYERS:
        for backward in (False, True):
            label = f"{name} {'fwd+bwd' if backward else 'fwd'}"
            e = best_ms(layer(ember, make, shape, backward), 20)
            row(label, e, best_ms(layer(torch, make, shape, backward), 20) if torch else None)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
