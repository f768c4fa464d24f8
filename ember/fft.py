"""torch.fft: discrete Fourier transforms through numpy.fft, in torch's dtypes (float32 in, complex64 out).

NOTE: the transforms return tensors without a graph: ember's engine does not carry gradients through complex
tensors yet, so FftR2C/FftC2C/FftC2R backward nodes are not recorded. fftshift/ifftshift are rolls and do record.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import _dtype as D
from ._tensor import Tensor

__all__ = ["fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "ifft", "ifft2", "ifftn", "ifftshift", "ihfft",
           "irfft", "irfftn", "rfft", "rfftfreq", "rfftn"]  # fmt: skip

_NORMS = (None, "backward", "ortho", "forward")


def _prep(x: Tensor, norm: str | None) -> np.ndarray:
    if norm not in _NORMS:
        raise ValueError(f'Invalid normalization mode: "{norm}"')
    a = x.detach().numpy()
    if a.dtype.kind not in "fc":
        a = a.astype(D.get_default_dtype().np)
    return a


def _complex_of(a: np.ndarray) -> np.dtype:
    return np.dtype(np.complex128 if a.dtype in (np.float64, np.complex128) else np.complex64)


def _real_of(a: np.ndarray) -> np.dtype:
    return np.dtype(np.float64 if a.dtype in (np.float64, np.complex128) else np.float32)


def _wrap(r: np.ndarray, dt: np.dtype) -> Tensor:
    from . import tensor

    return tensor(np.ascontiguousarray(r.astype(dt, copy=False)))


def _one(fn: Any, real_out: bool) -> Any:
    def f(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None) -> Tensor:
        a = _prep(input, norm)
        r = fn(a, n=n, axis=dim, norm=norm)
        return _wrap(r, _real_of(a) if real_out else _complex_of(a))

    f.__name__ = fn.__name__
    f.__doc__ = f"See torch.fft.{fn.__name__}."
    return f


def _many(fn: Any, real_out: bool, default_dim: Any = None) -> Any:
    def f(input: Tensor, s: Sequence[int] | None = None, dim: Any = default_dim, norm: str | None = None) -> Tensor:
        a = _prep(input, norm)
        axes = None if dim is None else ((dim,) if isinstance(dim, int) else tuple(dim))
        if axes is None and s is not None:
            axes = tuple(range(-len(s), 0))  # torch: s alone means the last len(s) dims (NumPy 2 wants them named)
        r = fn(a, s=None if s is None else tuple(s), axes=axes, norm=norm)
        return _wrap(r, _real_of(a) if real_out else _complex_of(a))

    f.__name__ = fn.__name__
    f.__doc__ = f"See torch.fft.{fn.__name__}."
    return f


fft = _one(np.fft.fft, False)
ifft = _one(np.fft.ifft, False)
rfft = _one(np.fft.rfft, False)
irfft = _one(np.fft.irfft, True)
hfft = _one(np.fft.hfft, True)
ihfft = _one(np.fft.ihfft, False)
fft2 = _many(np.fft.fft2, False, (-2, -1))
ifft2 = _many(np.fft.ifft2, False, (-2, -1))
fftn = _many(np.fft.fftn, False)
ifftn = _many(np.fft.ifftn, False)
rfftn = _many(np.fft.rfftn, False)
irfftn = _many(np.fft.irfftn, True)


def _freq(values: np.ndarray, dtype: Any, requires_grad: bool) -> Tensor:
    from . import tensor

    dt = D.get_default_dtype() if dtype is None else dtype
    return tensor(values, dtype=dt, requires_grad=requires_grad)


def fftfreq(n: int, d: float = 1.0, *, dtype: Any = None, layout: Any = None, device: Any = None,
            requires_grad: bool = False, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """The sample frequencies of an n-point fft. See torch.fft.fftfreq."""
    return _freq(np.fft.fftfreq(n, d), dtype, requires_grad)


def rfftfreq(n: int, d: float = 1.0, *, dtype: Any = None, layout: Any = None, device: Any = None,
             requires_grad: bool = False, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """The sample frequencies of an n-point rfft. See torch.fft.rfftfreq."""
    return _freq(np.fft.rfftfreq(n, d), dtype, requires_grad)


def _shift(input: Tensor, dim: Any, sign: int) -> Tensor:
    from . import roll

    dims = tuple(range(input.dim())) if dim is None else ((dim,) if isinstance(dim, int) else tuple(dim))
    shifts = tuple(sign * (input.shape[d] // 2) for d in dims)
    return roll(input, shifts, dims)


def fftshift(input: Tensor, dim: Any = None) -> Tensor:
    """Move the zero frequency to the centre. See torch.fft.fftshift."""
    return _shift(input, dim, 1)


def ifftshift(input: Tensor, dim: Any = None) -> Tensor:
    """The inverse of fftshift. See torch.fft.ifftshift."""
    return _shift(input, dim, -1)
