"""torch.special's own primitives: entr, xlog1py, i0, i1, ndtri, log_ndtr (the rest reuse ops from pointwise)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from .pointwise import Binary, Erfc, _FloatUnary, _half_in_float, erfinv_np, where

_SQRT2 = float(np.sqrt(2.0))
_SQRT_2PI = float(np.sqrt(2.0 * np.pi))
_LOG_SQRT_2PI = float(0.5 * np.log(2.0 * np.pi))


class SpecialEntr(_FloatUnary):
    """-x log x; 0 at 0 and -inf below."""

    __slots__ = ()
    save_inputs = True

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        def f(a: np.ndarray) -> np.ndarray:
            r = -a * np.log(np.where(a > 0, a, 1))
            return np.where(a < 0, -np.inf, np.where(a == 0, 0, r)).astype(a.dtype)

        return _half_in_float(f, x)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        x = self.inputs[0]
        return grad * -(x.log() + 1)


class SpecialXlog1Py(Binary):
    """x * log1p(y), 0 where x == 0 (unless y is NaN)."""

    __slots__ = ()
    int_to_float = True

    @staticmethod
    def forward(a: Any, b: Any) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.multiply(a, np.log1p(b))
        return np.where((np.asarray(a) == 0) & ~np.isnan(b), r.dtype.type(0), r)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        a, b = self.inputs
        ga = grad * b.log1p() if self.needs(0) else None
        gb = grad * a / (b + 1) if self.needs(1) else None
        return ga, gb


def _bessel_np(x: np.ndarray, order: int) -> np.ndarray:
    """I0 or I1 in float64: the power series (positive terms) for |x| <= 30, the asymptotic expansion beyond."""
    a = np.abs(x.astype(np.float64))
    out = np.empty_like(a)
    near = a <= 30.0
    s = a[near]
    if s.size:
        q = s * s / 4.0
        term = np.ones_like(s) if order == 0 else s / 2.0
        total = term.copy()
        for k in range(1, 90):
            term = term * q / (k * (k + order))
            total += term
        out[near] = total
    s = a[~near]
    if s.size:
        mu = 4.0 * order * order
        term = np.ones_like(s)
        total = term.copy()
        for k in range(1, 20):
            term = term * -(mu - (2 * k - 1) ** 2) / (k * 8.0 * s)
            total += term
        with np.errstate(over="ignore", invalid="ignore"):
            out[~near] = np.exp(s) / np.sqrt(2 * np.pi * s) * total
    if order == 1:
        out = np.copysign(out, x)
    return out


def _bessel(x: np.ndarray, order: int) -> np.ndarray:
    return _bessel_np(x, order).astype(x.dtype, copy=False)


class I0(_FloatUnary):
    __slots__ = ()
    save_inputs = True

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        return _bessel(x, 0)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad * SpecialI1.apply(self.inputs[0])


class SpecialI1(_FloatUnary):
    __slots__ = ()
    save_inputs = True
    save_output = True

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        return _bessel(x, 1)

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        # NOTE: I1'(x) = I0(x) - I1(x)/x, whose limit at 0 is 1/2
        x = self.inputs[0]
        zero = x == 0
        safe = where(zero, x.new_ones(()), x)
        return grad * where(zero, x.new_full((), 0.5), I0.apply(x) - out / safe)


class SpecialNdtri(_FloatUnary):
    """The inverse of the standard normal CDF: sqrt(2) erfinv(2p - 1)."""

    __slots__ = ()
    save_output = True

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        return _half_in_float(lambda p: (_SQRT2 * erfinv_np(2 * p.astype(np.float64) - 1)).astype(p.dtype), x)

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        return grad * ((out * out) * 0.5).exp() * _SQRT_2PI


def _log_ndtr_np(x: np.ndarray) -> np.ndarray:
    a = x.astype(np.float64)
    with np.errstate(divide="ignore"):
        r = np.log(0.5 * Erfc.forward(-a / _SQRT2))
    far = a < -30.0  # NOTE: erfc underflows: log Phi(x) ~ -x^2/2 - log(-x) - log sqrt(2 pi) + log(1 - 1/x^2 + 3/x^4)
    s = a[far]
    if s.size:
        r[far] = -s * s / 2 - np.log(-s) - _LOG_SQRT_2PI + np.log1p(-1 / s**2 + 3 / s**4 - 15 / s**6)
    return r.astype(x.dtype, copy=False)


class SpecialLogNdtr(_FloatUnary):
    __slots__ = ()
    save_inputs = True
    save_output = True

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        return _half_in_float(_log_ndtr_np, x)

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        x = self.inputs[0]
        return grad * ((x * x) * -0.5 - out).exp() / _SQRT_2PI
