"""Generator, manual_seed, seed, get/set_rng_state, and the random factories (rand, randn, randint, randperm, normal).

The numbers come from NumPy's PCG64: the same seed gives the same numbers in ember, not the ones torch draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _dtype as D
from ._tensor import Tensor, _wrap

_DEFAULT_SEED = 67280421310721  # torch's default_generator initial seed


class Generator:
    """A source of random numbers with its own state. See torch.Generator."""

    def __init__(self, device: Any = "cpu") -> None:
        self.device = device
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        seed = int(seed)
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64(seed & 0xFFFFFFFFFFFFFFFF))
        return self

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy) & 0xFFFFFFFFFFFFFFFF
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        import pickle

        blob = pickle.dumps((self._seed, self._rng.bit_generator.state))
        return _wrap(np.frombuffer(blob, dtype=np.uint8).copy())

    def set_state(self, state: Tensor) -> Generator:
        import pickle

        if not isinstance(state, Tensor) or state.dtype is not D.uint8:
            raise TypeError("expected a torch.ByteTensor, but got " + type(state).__name__)
        self._seed, st = pickle.loads(state._data.tobytes())
        self._rng = np.random.Generator(np.random.PCG64())
        self._rng.bit_generator.state = st
        return self


default_generator = Generator()


def _rng(generator: Generator | None) -> np.random.Generator:
    return (generator or default_generator)._rng


def manual_seed(seed: int) -> Generator:
    """Seed the default generator. See torch.manual_seed."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    default_generator.set_state(new_state)


def _float_dtype(dtype: Any) -> D.dtype:
    dt = D.get_default_dtype() if dtype is None else D.to_dtype(dtype)
    return dt


def _make(arr: np.ndarray, requires_grad: bool, device: Any) -> Tensor:
    from ._creation import _finish

    return _finish(arr, requires_grad, device)


def rand(*size: Any, generator: Generator | None = None, out: Tensor | None = None, dtype: Any = None,
         layout: Any = None, device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """Uniform samples from [0, 1). See torch.rand."""
    from ._creation import _out, _size

    dt = _float_dtype(dtype)
    if dt._cat != 2:
        raise RuntimeError(f"\"check_uniform_bounds\" not implemented for '{dt._storage}'")
    shape = _size(size)
    arr = _rng(generator).random(shape, dtype=np.float64 if dt is D.float64 else np.float32).astype(dt.np, copy=False)
    return _out(out, _make(arr, requires_grad, device))


def randn(*size: Any, generator: Generator | None = None, out: Tensor | None = None, dtype: Any = None,
          layout: Any = None, device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """Standard normal samples. See torch.randn."""
    from ._creation import _out, _size

    dt = _float_dtype(dtype)
    if dt._cat != 2:
        raise RuntimeError(f"\"normal_kernel_cpu\" not implemented for '{dt._storage}'")
    shape = _size(size)
    arr = _rng(generator).standard_normal(shape, dtype=np.float64 if dt is D.float64 else np.float32)
    return _out(out, _make(arr.astype(dt.np, copy=False), requires_grad, device))


def randint(*args: Any, generator: Generator | None = None, out: Tensor | None = None, dtype: Any = None,
            layout: Any = None, device: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:  # fmt: skip
    """Integers uniform in [low, high). randint(high, size) or randint(low, high, size). See torch.randint."""
    from ._creation import _out, _size

    if "size" in kw:
        args = args + (kw.pop("size"),)
    if "high" in kw:
        args = (kw.pop("low", 0), kw.pop("high")) + args
    if len(args) == 2:
        low, (high, size) = 0, args
    elif len(args) == 3:
        low, high, size = args
    else:
        raise TypeError("randint() received an invalid combination of arguments")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    arr = _rng(generator).integers(low, high, _size((size,)), dtype=np.int64).astype(dt.np)
    return _out(out, _make(arr, requires_grad, device))


def randperm(n: int, *, generator: Generator | None = None, out: Tensor | None = None, dtype: Any = None,
             layout: Any = None, device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """A random permutation of 0 .. n-1. See torch.randperm."""
    from ._creation import _out

    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    return _out(out, _make(_rng(generator).permutation(n).astype(dt.np), requires_grad, device))


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Generator | None = None,
           out: Tensor | None = None, dtype: Any = None, layout: Any = None, device: Any = None,
           requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """Normal samples: normal(mean, std, size) with numbers, or elementwise with tensor mean and/or std."""
    from ._creation import _out, _size

    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            raise TypeError(
                f"normal() received an invalid combination of arguments - got ({type(mean).__name__}, "
                f"{type(std).__name__}), but expected one of:\n"
                " * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
                " * (Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)\n"
                " * (float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
                " * (float mean, float std, tuple of ints size, *, torch.Generator generator = None, Tensor out = None, "
                "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = "
                "False, bool requires_grad = False)\n"
            )
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        dt = _float_dtype(dtype)
        shape = _size((size,))
        arr = (mean + std * _rng(generator).standard_normal(shape)).astype(dt.np)
        return _out(out, _make(arr, requires_grad, device))
    m = mean._data if mt else mean
    s = std._data if st else std
    if np.any(np.asarray(s) < 0):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    ref = mean if mt else std
    shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    arr = (m + s * _rng(generator).standard_normal(shape)).astype(ref._data.dtype)
    return _out(out, _wrap(arr))


def _fill_uniform(t: Tensor, a: float, b: float, generator: Generator | None) -> Tensor:
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    return _fill(t, _rng(generator).uniform(a, b, t._data.shape))


def _fill_normal(t: Tensor, mean: float, std: float, generator: Generator | None) -> Tensor:
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return _fill(t, mean + std * _rng(generator).standard_normal(t._data.shape))


def _fill(t: Tensor, values: np.ndarray) -> Tensor:
    from .autograd.grad_mode import MODE
    from .ops.pointwise import _LEAF_MSG

    if MODE.enabled and t._requires_grad and t.grad_fn is None:
        raise RuntimeError(_LEAF_MSG)
    t._data[...] = values.astype(t._data.dtype, copy=False)
    t._version[0] += 1
    return t


def rand_like(input: Tensor, *, dtype: Any = None, **kw: Any) -> Tensor:
    return rand(*input.shape, dtype=dtype or input.dtype, **kw)


def randn_like(input: Tensor, *, dtype: Any = None, **kw: Any) -> Tensor:
    return randn(*input.shape, dtype=dtype or input.dtype, **kw)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *, dtype: Any = None, **kw: Any) -> Tensor:
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, **kw)
