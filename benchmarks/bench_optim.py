"""optimizer.step() alone, ember and torch side by side on the same parameter shapes: the ratio is what matters.

    python benchmarks/bench_optim.py

1. Adam on an MLP 784-512-256-10's parameters (target: at most 1.5x torch)
2. SGD with momentum on the tutorial TwoLayerNet's parameters, 1000-100-10 (target: at most 1.0x torch)
3. the other optimizers on the MLP's parameters, for reference
"""

from __future__ import annotations

import timeit
from typing import Any

import numpy as np

import ember

try:
    import torch
except ImportError:  # the benchmark still reports ember's own figures
    torch = None

MLP = [(512, 784), (512,), (256, 512), (256,), (10, 256), (10,)]
TWO_LAYER = [(100, 1000), (100,), (10, 100), (10,)]


def step_us(lib: Any, shapes: list[tuple[int, ...]], name: str, kw: dict[str, Any], number: int) -> float:
    """Best time of one optimizer.step() in microseconds, gradients fixed, after a few warm-up steps."""
    rng = np.random.default_rng(0)
    params = [lib.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True) for s in shapes]
    for p in params:
        p.grad = lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32))
    opt = getattr(lib.optim, name)(params, **kw)
    for _ in range(5):
        opt.step()
    return min(timeit.repeat(opt.step, number=number, repeat=5)) / number * 1e6


def row(label: str, shapes: list[tuple[int, ...]], name: str, kw: dict[str, Any], number: int) -> None:
    e = step_us(ember, shapes, name, kw, number)
    if torch is None:
        print(f"{label:44s} ember {e:9.1f} us")
        return
    t = step_us(torch, shapes, name, kw, number)
    print(f"{label:44s} ember {e:9.1f} us   torch {t:9.1f} us   ratio {e / t:5.2f}x")


def main() -> None:
    threads = torch.get_num_threads() if torch is not None else None
    print(f"numpy {np.__version__}; torch {torch.__version__ if torch else 'not installed'} (threads {threads})")
    row("Adam, MLP 784-512-256-10", MLP, "Adam", {"lr": 1e-3}, 100)
    row("SGD momentum=0.5, TwoLayerNet 1000-100-10", TWO_LAYER, "SGD", {"lr": 1e-4, "momentum": 0.5}, 2000)
    for name, kw in [("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-4}),
                     ("AdamW", {}), ("Adam", {"amsgrad": True}), ("NAdam", {}), ("RAdam", {}), ("Adamax", {}),
                     ("RMSprop", {}), ("Adagrad", {}), ("Adadelta", {}), ("ASGD", {}), ("Rprop", {})]:  # fmt: skip
        row(f"{name} {kw if kw else ''}, MLP"[:44], MLP, name, kw, 30)


if __name__ == "__main__":
    main()
