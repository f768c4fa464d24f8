"""The core's three speed targets, ember and torch side by side in one run: the ratio is what matters.

    python benchmarks/bench_core.py

1. a + b on 10-element float32 tensors (target: at most 2.0 us per op)
2. (a * b).sum().backward() with a.requires_grad (target: faster than torch)
3. a 2048x2048 float32 matmul (target: within 10% of NumPy's own @)
"""

from __future__ import annotations

import timeit

import numpy as np

import ember

try:
    import torch
except ImportError:  # the benchmark still reports ember's own figures
    torch = None


def best_us(stmt, number: int, repeat: int = 7) -> float:
    """Best time per call in microseconds (the minimum over repeats is the least noisy estimate)."""
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number * 1e6


def row(name: str, e: float, t: float | None, ref_name: str = "torch") -> None:
    if t is None:
        print(f"{name:44s} ember {e:10.2f} us")
    else:
        print(f"{name:44s} ember {e:10.2f} us   {ref_name} {t:10.2f} us   ratio {e / t:5.2f}x")


def main() -> None:
    torch_threads = None
    if torch is not None:
        torch_threads = torch.get_num_threads()
    print(f"numpy {np.__version__}; torch {torch.__version__ if torch else 'not installed'} (threads {torch_threads})")

    x = np.random.default_rng(0).standard_normal(10).astype(np.float32)
    ea, eb = ember.tensor(x), ember.tensor(x)
    na, nb = x.copy(), x.copy()
    e = best_us(lambda: ea + eb, 20000)
    t = None
    if torch is not None:
        ta, tb = torch.tensor(x), torch.tensor(x)
        t = best_us(lambda: ta + tb, 20000)
    row("a + b, 10 float32", e, t)
    row("a + b, 10 float32 (NumPy itself)", best_us(lambda: na + nb, 20000), None)

    ea = ember.tensor(x, requires_grad=True)

    def e_step() -> None:
        (ea * eb).sum().backward()

    e = best_us(e_step, 2000)
    t = None
    if torch is not None:
        ta = torch.tensor(x, requires_grad=True)

        def t_step() -> None:
            (ta * tb).sum().backward()

        t = best_us(t_step, 2000)
    row("(a * b).sum().backward(), 10 float32", e, t)

    m = np.random.default_rng(1).standard_normal((2048, 2048)).astype(np.float32)
    em1, em2 = ember.tensor(m), ember.tensor(m.T.copy())
    e = best_us(lambda: em1 @ em2, 3, repeat=5)
    n = best_us(lambda: m @ m, 3, repeat=5)
    row("2048x2048 float32 matmul", e, n, "numpy")
    if torch is not None:
        tm1, tm2 = torch.tensor(m), torch.tensor(m.T.copy())
        row("2048x2048 float32 matmul", e, best_us(lambda: tm1 @ tm2, 3, repeat=5))


if __name__ == "__main__":
    main()
