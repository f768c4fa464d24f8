"""Run an optimizer's elementwise update over flat NumPy arrays in cache-sized pieces.

A kernel is `kernel(arrays, temps, *scalars)`: `arrays` are equal-length 1-D slices (the parameter and state it
updates in place, then the gradient it reads) and `temps` are scratch arrays of the same length. Every piece gets
the same arithmetic, so the result does not depend on the split.

NOTE: helper threads (NumPy releases the GIL inside its loops) were measured on a 2-core machine and gave no
reliable gain: the GIL hand-offs between the many short ufunc calls cost about what the second core saves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Kernel = Callable[..., None]

CHUNK = 1 << 16  # elements per piece: about 5% faster than whole 400k-element arrays (pieces stay in L2)


class _Temps(threading.local):
    """Per-thread scratch: one CHUNK-sized array per (dtype, slot), reused across calls."""

    def __init__(self) -> None:
        self.bufs: dict[tuple[np.dtype, int], np.ndarray] = {}

    def get(self, dtype: np.dtype, n: int, count: int) -> list[np.ndarray]:
        out = []
        for slot in range(count):
            buf = self.bufs.get((dtype, slot))
            if buf is None or buf.size < n:
                buf = self.bufs[(dtype, slot)] = np.empty(max(n, CHUNK), dtype)
            out.append(buf[:n])
        return out


_temps = _Temps()


def run(kernel: Kernel, written: Sequence[np.ndarray], read: Sequence[np.ndarray], ntemp: int, *scalars: Any) -> None:
    """Apply `kernel` to the arrays it writes (parameter and state, updated in place) followed by those it reads."""
    arrays = [*written, *read]
    if not all(a.flags.c_contiguous for a in written):
        # NOTE: a non-C-contiguous parameter (a transposed view, say) is updated whole, in its own shape
        kernel(arrays, [np.empty_like(written[0]) for _ in range(ntemp)], *scalars)
        return
    n = written[0].size
    dtype = written[0].dtype
    flat = [a.reshape(-1) for a in arrays]  # views of the written arrays; a strided gradient is copied once
    if n <= CHUNK:
        kernel(flat, _temps.get(dtype, n, ntemp), *scalars)
        return
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        kernel([a[start:stop] for a in flat], _temps.get(dtype, stop - start, ntemp), *scalars)
