"""torch.* functions composed from other ops (torch/functional.py and torch's composite-implicit kernels): isin,
vander, trapezoid, cumulative_trapezoid, unravel_index, gradient. Their graphs are the graphs of the ops they
are made of, as in torch."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import _dtype as D
from ._tensor import Tensor, _wrap
from .ops import movement as _mv
from .ops import nn as _nn


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each element of `elements` is in `test_elements` (either may be a scalar). See torch.isin."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin() received an invalid combination of arguments - got ({type(elements).__name__}, "
                        f"{type(test_elements).__name__}), but expected a Tensor for elements or test_elements")
    a = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return _wrap(np.isin(a, b, assume_unique=assume_unique, invert=invert))


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of the 1-D x: columns are powers of x. See torch.vander."""
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dt = x.dtype if x.is_floating_point() or x.is_complex() else D.int64
    from ._creation import ones

    result = ones((x.shape[0], n), dtype=dt)
    if n > 1:
        # the powers x^1 .. x^(n-1) as a running product, written into columns 1.., as torch does (CopySlices)
        result[:, 1:] = x.to(dt)[:, None].expand(x.shape[0], n - 1).cumprod(1)
    return result if increasing else result.flip(1)


def _trapz_dx(y: Tensor, dx: Any, dim: int) -> Tensor:
    if y.shape[dim] == 0:
        return y.sum(dim) if y.is_floating_point() else y.sum(dim).to(D.get_default_dtype())
    return _nn.mul_scalar(y.sum(dim) - (y.select(dim, 0) + y.select(dim, -1)) * 0.5, dx)


def _spacing(x: Tensor, y: Tensor, dim: int) -> Tensor:
    """The widths between sample points, shaped to broadcast against y's trapezoids along dim."""
    d = dim % y.dim() if y.dim() else 0
    if x.dim() == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(
                f"trapezoid: There must be one `x` value for each sample point, but got {x.shape[0]} `x` values and "
                f"{y.shape[d]} `y` values"
            )  # fmt: skip
        return x.diff().view([-1] + [1] * (y.dim() - 1 - d))
    return x.diff(dim=dim)


def trapezoid(y: Tensor, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The trapezoidal rule along dim, with sample points x or a constant spacing dx. See torch.trapezoid."""
    if x is not None and dx is not None:
        raise TypeError("trapezoid() received an invalid combination of arguments - got both x and dx")
    if isinstance(x, Tensor):
        if y.shape[dim] == 0:
            return y.sum(dim)
        h = _spacing(x, y, dim)
        n = y.shape[dim]
        return _nn.div_scalar(((y.narrow(dim, 0, n - 1) + y.narrow(dim, 1, n - 1)) * h).sum(dim), 2)
    if x is not None:
        raise TypeError(f"trapezoid() received an invalid combination of arguments - got (Tensor, "
                        f"{type(x).__name__}): x must be a Tensor (a constant spacing is dx=)")  # fmt: skip
    return _trapz_dx(y, 1 if dx is None else dx, dim)


def trapz(y: Tensor, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """Alias of trapezoid. See torch.trapz."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The running trapezoidal integral along dim (one element shorter). See torch.cumulative_trapezoid."""
    if x is not None and dx is not None:
        raise TypeError("cumulative_trapezoid() received an invalid combination of arguments - got both x and dx")
    n = y.shape[dim]
    if n == 0:
        return y.narrow(dim, 0, 0)
    pairs = y.narrow(dim, 0, n - 1) + y.narrow(dim, 1, n - 1)
    if isinstance(x, Tensor):
        return _nn.div_scalar((pairs * _spacing(x, y, dim)).cumsum(dim), 2)
    if x is not None:
        raise TypeError(f"cumulative_trapezoid() received an invalid combination of arguments - got (Tensor, "
                        f"{type(x).__name__}): x must be a Tensor (a constant spacing is dx=)")  # fmt: skip
    h = 1 if dx is None else dx
    return _nn.mul_scalar(pairs, h / 2).cumsum(dim)


def unravel_index(indices: Any, shape: Any) -> tuple[Tensor, ...]:
    """Flat indices to coordinate tensors for `shape`. See torch.unravel_index."""
    if not isinstance(indices, Tensor):
        raise AttributeError(f"'{type(indices).__name__}' object has no attribute 'is_complex'")
    if indices.is_complex() or indices.is_floating_point() or indices.dtype is D.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got " + str(tuple(shape)))
    size = int(np.prod(shape))
    a = indices._data.astype(np.int64) % size if size else indices._data.astype(np.int64)
    return tuple(_wrap(c) for c in np.unravel_index(a, shape)) if shape else ()


def _edge(y: Tensor, dim: int, h: Any, first: bool, edge_order: int) -> Tensor:
    n = y.shape[dim]
    if first:
        a, b, c = (y.narrow(dim, i, 1) for i in range(3)) if edge_order == 2 else (y.narrow(dim, 0, 1),
                                                                                      y.narrow(dim, 1, 1), None)
    else:
        a, b, c = (y.narrow(dim, n - 1 - i, 1) for i in range(3)) if edge_order == 2 else (
            y.narrow(dim, n - 1, 1), y.narrow(dim, n - 2, 1), None)
    sign = 1 if first else -1
    if edge_order == 1:
        return (b - a) / (h * sign)
    return (a * -3 + b * 4 - c) / (h * 2 * sign)


def _gradient_uniform(y: Tensor, dim: int, h: Any, edge_order: int) -> Tensor:
    n = y.shape[dim]
    inner = (y.narrow(dim, 2, n - 2) - y.narrow(dim, 0, n - 2)) / (h * 2)
    return _mv.cat([_edge(y, dim, h, True, edge_order), inner, _edge(y, dim, h, False, edge_order)], dim)


def _gradient_coords(y: Tensor, dim: int, x: Tensor, edge_order: int) -> Tensor:
    n = y.shape[dim]
    shape = [1] * y.dim()
    shape[dim] = -1
    d = x.diff().view(shape)
    d1, d2 = d.narrow(dim, 0, n - 2), d.narrow(dim, 1, n - 2)
    a = -d2 / (d1 * (d1 + d2))
    b = (d2 - d1) / (d1 * d2)
    c = d1 / (d2 * (d1 + d2))
    inner = a * y.narrow(dim, 0, n - 2) + b * y.narrow(dim, 1, n - 2) + c * y.narrow(dim, 2, n - 2)
    if edge_order == 1:
        first = (y.narrow(dim, 1, 1) - y.narrow(dim, 0, 1)) / d.narrow(dim, 0, 1)
        last = (y.narrow(dim, n - 1, 1) - y.narrow(dim, n - 2, 1)) / d.narrow(dim, n - 2, 1)
    else:
        h1, h2 = d.narrow(dim, 0, 1), d.narrow(dim, 1, 1)
        first = (y.narrow(dim, 0, 1) * (-(2 * h1 + h2) / (h1 * (h1 + h2))) + y.narrow(dim, 1, 1) * ((h1 + h2) / (h1 * h2))
                 - y.narrow(dim, 2, 1) * (h1 / (h2 * (h1 + h2))))  # fmt: skip
        g1, g2 = d.narrow(dim, n - 2, 1), d.narrow(dim, n - 3, 1)
        last = (y.narrow(dim, n - 1, 1) * ((2 * g1 + g2) / (g1 * (g1 + g2))) - y.narrow(dim, n - 2, 1)
                * ((g1 + g2) / (g1 * g2)) + y.narrow(dim, n - 3, 1) * (g1 / (g2 * (g1 + g2))))  # fmt: skip
    return _mv.cat([first, inner, last], dim)


def gradient(input: Tensor, *, spacing: Any = 1, dim: Any = None, edge_order: int = 1) -> tuple[Tensor, ...]:
    """Central differences in the interior and one-sided ones at the edges, per dim. See torch.gradient."""
    dims = list(range(input.dim())) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    dims = [d % input.dim() for d in dims]
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError(
                "torch.gradient expected each dimension size to be at least edge_order+1"
            )
    if not isinstance(spacing, (list, tuple)):
        sp: Sequence[Any] = [spacing] * len(dims)
    else:
        sp = list(spacing)
        if len(sp) == 1 and len(dims) > 1 and not isinstance(sp[0], Tensor):
            sp = sp * len(dims)
        if len(sp) != len(dims) and dim is None:
            raise RuntimeError(
                f"torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to "
                f"'self.dim() = {input.dim()}', since dim argument was not given, but got a list of length {len(sp)}"
            )
        if len(sp) != len(dims):
            raise RuntimeError(
                f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim arguments to "
                f"have the same length, but got a spacing argument of length {len(sp)} and a dim argument of length "
                f"{len(dims)}."
            )
    y = input if input.is_floating_point() or input.is_complex() else input.to(D.get_default_dtype())
    out = []
    for d, h in zip(dims, sp):
        if isinstance(h, Tensor):
            out.append(_gradient_coords(y, d, h, edge_order))
        else:
            out.append(_gradient_uniform(y, d, h, edge_order))
    return tuple(out)
