"""Reductions: sum, mean, var/std, min/max (whole tensor and along a dim), amax/amin, argmax/argmin, norm, histc."""

from __future__ import annotations

import builtins
from collections import namedtuple
from typing import Any

import numpy as np

from .. import _dtype as D
from .._tensor import _NO_DIM, Tensor, _wrap, _wrap_dim
from ..autograd.grad_mode import MODE
from .op import Op

_ndarray = np.ndarray
_F16 = np.dtype(np.float16)  # NOTE: torch accumulates half-precision reductions in float32, then rounds once


def _dims(x: Tensor, dim: Any) -> tuple[int, ...] | None:
    """Normalise dim (None, int, or a sequence) to a sorted tuple, or None for all dims."""
    if dim is None:
        return None
    nd = x._data.ndim
    if isinstance(dim, (int, np.integer)):
        d = _wrap_dim(int(dim), nd)  # a zero-dim tensor accepts dims 0 and -1
        return (d,) if nd else ()
    ds = tuple(sorted(_wrap_dim(int(d), nd) for d in dim))
    if not nd:
        return ()
    if len(set(ds)) != len(ds):
        raise RuntimeError(f"dim {ds[0]} appears multiple times in the list of dims")
    return ds


ALL = _NO_DIM  # the default of sum/mean's dim: no dim given at all, recorded differently from dim=None


def _reduce_dims(x: Tensor, dim: Any) -> tuple[int, ...] | None:
    """dims for sum/mean/var/std/norm: None, ALL and an empty list mean every dim."""
    if dim is None or dim is ALL or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    return _dims(x, dim)


def _keep_shape(shape: tuple[int, ...], dims: tuple[int, ...] | None) -> tuple[int, ...]:
    if dims is None:
        return tuple(1 for _ in shape)
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _arr(r: Any) -> np.ndarray:
    return r if type(r) is _ndarray else np.asarray(r)


def _unreduce(grad: Tensor, shape: tuple[int, ...], dims: tuple[int, ...] | None, keepdim: bool) -> Tensor:
    """Bring a reduced gradient back to the input's shape (a broadcast view, no copy)."""
    if not MODE.enabled:  # plain backward: no graph to record, so skip the view ops' bookkeeping
        g = grad._data if keepdim else grad._data.reshape(_keep_shape(shape, dims))
        return _wrap(np.broadcast_to(g, shape))
    if not keepdim:
        grad = grad.reshape(_keep_shape(shape, dims))
    return grad.expand(*shape)


class Reduction(Op):
    __slots__ = ("dims", "keepdim")

    def __init__(self, dims: tuple[int, ...] | None, keepdim: bool) -> None:
        self.dims, self.keepdim = dims, keepdim


class Sum(Reduction):
    __slots__ = ("dtype",)
    node_name = "SumBackward1"

    def __init__(self, dims: tuple[int, ...] | None, keepdim: bool, dtype: Any = None) -> None:
        super().__init__(dims, keepdim)
        self.dtype = dtype

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.dtype == _F16 and self.dtype is None:
            return _arr(np.sum(x, axis=self.dims, keepdims=self.keepdim, dtype=np.float32)).astype(_F16)
        return _arr(np.sum(x, axis=self.dims, keepdims=self.keepdim, dtype=self.dtype))

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return _unreduce(grad, self._meta[0][0], self.dims, self.keepdim)


class SumAll(Op):
    """sum() of every element: no configuration, the hot path of every loss."""

    __slots__ = ()
    node_name = "SumBackward0"

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        if x.dtype.kind in "biu":
            return np.add.reduce(x, axis=None, dtype=np.int64)
        if x.dtype == _F16:
            return np.asarray(np.add.reduce(x, axis=None, dtype=np.float32), dtype=_F16)
        return np.add.reduce(x, axis=None)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        shape = self._meta[0][0]
        if not MODE.enabled:  # a fresh array, which AccumulateGrad can keep without copying
            return _wrap(np.full(shape, grad._data, dtype=grad._data.dtype))
        return grad.expand(*shape) if shape else grad


def _acc_dtype(x: Tensor, dtype: Any) -> Any:
    if dtype is not None:
        return D.to_dtype(dtype).np
    return np.int64 if x._data.dtype.kind in "biu" else None


def sum(x: Tensor, dim: Any = ALL, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Sum of elements, over all dims or the given ones. See torch.sum."""
    dims = _reduce_dims(x, dim)
    if dtype is not None:
        dtype = D.to_dtype(dtype)
        if dtype._cat < 2 and x._requires_grad and MODE.enabled:
            raise RuntimeError(f"Autograd not support dtype: {dtype._storage}")
        if dtype is not x.dtype:
            from .pointwise import _cast

            x = _cast(x, dtype)
    if dim is ALL and not keepdim:
        r = SumAll.apply(x)
        return r if dtype is None or r._data.dtype == dtype.np else _wrap(r._data.astype(dtype.np))  # integer dtype=
    return Sum.apply(x, dims=dims, keepdim=keepdim, dtype=_acc_dtype(x, dtype))


class Mean(Reduction):
    __slots__ = ()
    node_name = "MeanBackward1"

    def forward(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            if x.size == 0:  # np.mean warns "Mean of empty slice"; torch quietly gives nan
                return _arr(np.sum(x, axis=self.dims, keepdims=self.keepdim) / x.dtype.type(0))
            if x.dtype == _F16:
                return _arr(np.mean(x, axis=self.dims, keepdims=self.keepdim, dtype=np.float32)).astype(_F16)
            return _arr(np.mean(x, axis=self.dims, keepdims=self.keepdim, dtype=x.dtype))

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        shape = self._meta[0][0]
        n = int(np.prod(shape)) if self.dims is None else int(np.prod([shape[d] for d in self.dims]))
        return _unreduce(grad, shape, self.dims, self.keepdim) / n


class MeanAll(Mean):
    __slots__ = ()
    node_name = "MeanBackward0"


def mean(x: Tensor, dim: Any = ALL, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Mean of elements. See torch.mean."""
    if dtype is not None:
        from .pointwise import _cast

        dtype = D.to_dtype(dtype)
        if dtype._cat < 2:
            raise RuntimeError(
                "mean(): could not infer output dtype. Optional dtype must be either a floating point or complex "
                f"dtype. Got: {dtype._storage}"
            )
        x = _cast(x, dtype)
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
            f"Got: {x.dtype._storage}"
        )
    dims = _reduce_dims(x, dim)
    if dim is ALL and not keepdim:
        return MeanAll.apply(x, dims=None, keepdim=False)
    return Mean.apply(x, dims=dims, keepdim=keepdim)


class Var(Reduction):
    __slots__ = ("correction",)
    save_inputs = True

    def __init__(self, dims: tuple[int, ...] | None, keepdim: bool, correction: float) -> None:
        super().__init__(dims, keepdim)
        self.correction = correction

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.dtype == _F16:
            return Var.forward(self, x.astype(np.float32)).astype(_F16)
        n = _count(x.shape, self.dims)
        with np.errstate(invalid="ignore", divide="ignore"):
            m = np.sum(x, axis=self.dims, keepdims=True) / x.dtype.type(n) if n else np.sum(x, self.dims, keepdims=True)
            d = x - m
            ss = np.sum((d * np.conj(d)).real if x.dtype.kind == "c" else d * d, axis=self.dims, keepdims=self.keepdim)
            return _arr(ss / builtins.max(n - self.correction, 0))

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        x = self.inputs[0]
        n = _count(x.shape, self.dims)
        g = _unreduce(grad, x.shape, self.dims, self.keepdim)
        return g * (2.0 / (n - self.correction)) * (x - x.mean(self.dims, keepdim=True))


class Std(Var):
    __slots__ = ()
    save_output = True

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.dtype == _F16:
            return np.sqrt(Var.forward(self, x.astype(np.float32))).astype(_F16)
        return np.sqrt(super().forward(x))

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        x = self.inputs[0]
        n = _count(x.shape, self.dims)
        g = _unreduce(grad / out, x.shape, self.dims, self.keepdim)
        return g * (1.0 / (n - self.correction)) * (x - x.mean(self.dims, keepdim=True))


def _count(shape: tuple[int, ...], dims: tuple[int, ...] | None) -> int:
    if dims is None:
        return int(np.prod(shape))
    return int(np.prod([shape[d] for d in dims]))


def _correction(unbiased: Any, correction: Any) -> float:
    if correction is not None:
        return float(correction)
    return 0.0 if unbiased is False else 1.0


def var(x: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> Tensor:
    """Variance, with Bessel's correction by default. See torch.var."""
    if isinstance(dim, bool):  # var(unbiased) positional form
        dim, unbiased = None, dim
    _float_only(x, "var")
    dims, c = _reduce_dims(x, dim), _correction(unbiased, correction)
    _check_dof(x, dims, c, "var")
    return Var.apply(x, dims=dims, keepdim=keepdim, correction=c)


def std(x: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> Tensor:
    """Standard deviation, with Bessel's correction by default. See torch.std."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    _float_only(x, "std")
    dims, c = _reduce_dims(x, dim), _correction(unbiased, correction)
    _check_dof(x, dims, c, "std")
    return Std.apply(x, dims=dims, keepdim=keepdim, correction=c)


def _float_only(x: Tensor, name: str) -> None:
    if x._data.dtype.kind not in "fc":
        raise RuntimeError("std and var only support floating point and complex dtypes")


def _check_dof(x: Tensor, dims: tuple[int, ...] | None, correction: float, name: str) -> None:
    if _count(x._data.shape, dims) - correction <= 0:
        import warnings

        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor "
            "(input numel divided by output numel).",
            UserWarning,
            stacklevel=3,
        )


# ---------------------------------------------------------------- min / max
class MaxAll(Op):
    """max() of the whole tensor: the gradient is shared evenly among the elements equal to the max."""

    __slots__ = ()
    node_name = "MaxBackward1"
    save_inputs = True
    save_output = True
    forward = staticmethod(np.max)

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        mask = self.inputs[0] == out
        return mask * (grad / mask.sum())


class MinAll(MaxAll):
    __slots__ = ()
    node_name = "MinBackward1"
    forward = staticmethod(np.min)


class MaxDim(Op):
    """Values of max along a dim; the gradient goes to the position of each max (the returned index)."""

    __slots__ = ("dim", "keepdim", "indices")
    node_name = "MaxBackward0"
    _pick = staticmethod(np.argmax)

    def __init__(self, dim: int, keepdim: bool) -> None:
        self.dim, self.keepdim = dim, keepdim

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.ndim == 0:
            self.indices = np.zeros((), np.int64)
            return x.copy()
        idx = self._pick(x, axis=self.dim, keepdims=True)
        if x.dtype.kind in "fc":  # NaN wins, as in torch
            nan = np.isnan(x)
            if nan.any():
                has = nan.any(axis=self.dim, keepdims=True)
                idx = np.where(has, np.argmax(nan, axis=self.dim, keepdims=True), idx)
        self.indices = idx
        vals = np.take_along_axis(x, idx, axis=self.dim)
        return vals if self.keepdim else np.squeeze(vals, self.dim)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        from .movement import ScatterAdd

        shape = self._meta[0][0]
        if not shape:
            return grad
        g = grad if self.keepdim else grad.unsqueeze(self.dim)
        return ScatterAdd.apply(g, dim=self.dim, index=self.indices, shape=shape)


class MinDim(MaxDim):
    __slots__ = ()
    node_name = "MinBackward0"
    _pick = staticmethod(np.argmin)


_MinMax = namedtuple("_MinMax", ["values", "indices"])


class return_types:  # noqa: N801 - torch.return_types
    class max(_MinMax):  # noqa: N801
        __slots__ = ()

        def __repr__(self) -> str:
            return f"torch.return_types.max(\nvalues={self.values!r},\nindices={self.indices!r})"

    class min(_MinMax):  # noqa: N801
        __slots__ = ()

        def __repr__(self) -> str:
            return f"torch.return_types.min(\nvalues={self.values!r},\nindices={self.indices!r})"


def _minmax(x: Tensor, dim: Any, keepdim: bool, name: str, all_op: type[Op], dim_op: type[MaxDim]) -> Any:
    if isinstance(dim, Tensor):
        from .pointwise import maximum, minimum

        return (maximum if name == "max" else minimum)(x, dim)
    if dim is None:
        if x._data.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim "
                "with the 'dim' argument."
            )
        return all_op.apply(x)
    d = _wrap_dim(dim, x._data.ndim)
    if x._data.ndim and x._data.shape[d] == 0:
        raise IndexError(
            f"{name}(): Expected reduction dim {d} to have non-zero size."
        )
    op = dim_op(d, keepdim)
    from .._tensor import Tensor as _T  # noqa: F401
    from ..autograd.grad_mode import MODE

    vals = _wrap(op.forward(x._data))
    if MODE.enabled and x._requires_grad:
        op._link((x,), vals)
    idx = op.indices if keepdim or not x._data.ndim else np.squeeze(op.indices, d)
    return getattr(return_types, name)(vals, _wrap(idx.astype(np.int64)))


def max(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """The largest element, or (values, indices) along dim. See torch.max."""
    return _minmax(x, dim, keepdim, "max", MaxAll, MaxDim)


def min(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """The smallest element, or (values, indices) along dim. See torch.min."""
    return _minmax(x, dim, keepdim, "min", MinAll, MinDim)


class Amax(Reduction):
    __slots__ = ()
    save_inputs = True
    save_output = True

    def forward(self, x: np.ndarray) -> np.ndarray:
        return _arr(np.max(x, axis=self.dims, keepdims=self.keepdim))

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        x = self.inputs[0]
        o = out if self.keepdim else out.reshape(_keep_shape(x.shape, self.dims))
        mask = x == o
        g = grad if self.keepdim else grad.reshape(_keep_shape(x.shape, self.dims))
        return mask * (g / mask.sum(self.dims, keepdim=True))


class Amin(Amax):
    __slots__ = ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        return _arr(np.min(x, axis=self.dims, keepdims=self.keepdim))


def _nonempty_dims(x: Tensor, dims: tuple[int, ...] | None, name: str) -> None:
    """torch refuses to reduce an empty dim (or everything of an empty tensor) where there is no identity."""
    if x._data.size:
        return
    if dims is None:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with "
            "the 'dim' argument."
        )
    for d in dims:
        if x._data.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def amax(x: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The largest elements over dim (all dims by default); ties share the gradient. See torch.amax."""
    dims = _reduce_dims(x, dim)
    _nonempty_dims(x, dims, "amax")
    return Amax.apply(x, dims=dims, keepdim=keepdim)


def amin(x: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The smallest elements over dim (all dims by default). See torch.amin."""
    dims = _reduce_dims(x, dim)
    _nonempty_dims(x, dims, "amin")
    return Amin.apply(x, dims=dims, keepdim=keepdim)


def _arg(fn: Any, x: Tensor, dim: Any, keepdim: bool, name: str) -> Tensor:
    if dim is None:
        if x._data.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        r = fn(x._data.reshape(-1))
        r = np.asarray(r, dtype=np.int64)
        return _wrap(r.reshape((1,) * x._data.ndim) if keepdim else r)
    d = _wrap_dim(dim, x._data.ndim)
    if x._data.ndim == 0:
        return _wrap(np.zeros((), np.int64))
    _nonempty_dims(x, (d,), name)
    return _wrap(_arr(fn(x._data, axis=d, keepdims=keepdim)).astype(np.int64))


def argmax(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the largest element (over the flattened tensor when dim is None). See torch.argmax."""
    return _arg(np.argmax, x, dim, keepdim, "argmax")


def argmin(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the smallest element. See torch.argmin."""
    return _arg(np.argmin, x, dim, keepdim, "argmin")


# ---------------------------------------------------------------- norms
class VectorNorm(Reduction):
    __slots__ = ("ord",)
    node_name = "LinalgVectorNormBackward0"
    save_inputs = True
    save_output = True

    def __init__(self, dims: tuple[int, ...] | None, keepdim: bool, ord: float) -> None:
        super().__init__(dims, keepdim)
        self.ord = ord

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.dtype == _F16:
            return self.forward(x.astype(np.float32)).astype(_F16)
        a = np.abs(x)
        p = self.ord
        kw = dict(axis=self.dims, keepdims=self.keepdim)
        if p == 2:
            r = np.sqrt(np.sum(a * a, **kw))
        elif p == np.inf:
            r = np.max(a, **kw) if a.size else np.zeros(_keep_shape(a.shape, self.dims), a.dtype)
        elif p == -np.inf:
            r = np.min(a, **kw)
        elif p == 0:
            r = np.sum(a != 0, **kw).astype(a.dtype)
        elif p == 1:
            r = np.sum(a, **kw)
        else:
            r = np.sum(a**p, **kw) ** (1.0 / p)
        return _arr(r).astype(a.dtype, copy=False)

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        x = self.inputs[0]
        p = self.ord
        shape = x.shape
        g = grad if self.keepdim else grad.reshape(_keep_shape(shape, self.dims))
        o = out if self.keepdim else out.reshape(_keep_shape(shape, self.dims))
        if p == 0:
            return x * 0.0
        if p == 1:
            return g * x.sign()
        if p == 2:
            return g * x / o.masked_fill(o == 0, float("inf"))
        if p in (np.inf, -np.inf):
            mask = x.abs() == o
            return g * x.sign() * mask / mask.sum(self.dims, keepdim=True)
        return g * x * x.abs().pow(p - 2) / o.pow(p - 1).masked_fill(o == 0, float("inf"))


def norm(x: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """The vector p-norm over all elements or over dim ('fro' is the 2-norm). See torch.norm."""
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {x.dtype._storage}"
        )
    if dtype is not None:
        from .pointwise import _cast

        x = _cast(x, D.to_dtype(dtype))
    if p == "fro" or p is None:
        p = 2
    elif p == "nuc":
        raise NotImplementedError("nuclear norm arrives with ember.linalg")
    return VectorNorm.apply(x, dims=_reduce_dims(x, dim), keepdim=keepdim, ord=float(p))


def all_any(fn: Any, x: Tensor, dim: Any, keepdim: bool) -> Tensor:
    dims = _dims(x, dim)
    r = _arr(fn(x._data, axis=dims, keepdims=keepdim))
    return _wrap(r.astype(np.uint8) if x._data.dtype == np.uint8 else r)


def histc(x: Tensor, bins: int = 100, min: Any = 0, max: Any = 0, *, out: Tensor | None = None) -> Tensor:
    """Histogram of the elements in `bins` equal-width bins between min and max. See torch.histc."""
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if x._data.dtype.kind not in "f":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{x.dtype._storage}'")
    a = x._data.reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    inside = a[(a >= lo) & (a <= hi)]
    # NOTE: torch bins by (x - lo) * bins / (hi - lo), the last edge falling into the last bin
    idx = ((inside.astype(np.float64) - lo) * bins / (hi - lo)).astype(np.int64)
    idx = np.minimum(idx, bins - 1)
    r = _wrap(np.bincount(idx, minlength=bins).astype(x._data.dtype))
    if out is not None:
        from .pointwise import _write_out

        return _write_out(out, r)
    return r
