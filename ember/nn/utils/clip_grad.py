"""Gradient clipping: clip_grad_norm_, clip_grad_value_, get_total_norm. See torch.nn.utils.clip_grad."""

from __future__ import annotations

import types
import warnings
from collections.abc import Iterable

import numpy as np

from ..._tensor import Tensor, _wrap
from ...autograd.grad_mode import no_grad

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]

_tensor_or_tensors = Tensor | Iterable[Tensor]


def _vector_norm(x: np.ndarray, ord: float) -> np.ndarray:
    """torch.linalg.vector_norm of a whole array, in the array's dtype."""
    a = np.abs(x.astype(np.float64, copy=False)) if x.dtype != np.float64 else np.abs(x)
    if ord == float("inf"):
        r = a.max() if a.size else 0.0
    elif ord == float("-inf"):
        r = a.min()
    elif ord == 0:
        r = np.count_nonzero(a)
    elif ord == 1:
        r = a.sum()
    elif ord == 2:
        r = np.sqrt(np.dot(a.ravel(), a.ravel()))
    else:
        r = (a**ord).sum() ** (1.0 / ord)
    out_dt = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
    return np.asarray(r, dtype=out_dt)


def get_total_norm(tensors: _tensor_or_tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:  # fmt: skip
    """The norm of the norms of `tensors` (as if all were concatenated into one vector). See torch.nn.utils."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return _wrap(np.asarray(0.0, np.float32))
    norms = [_vector_norm(t._data, norm_type) for t in tensors]
    first_dt = norms[0].dtype
    stacked = np.stack([n.astype(np.result_type(*[m.dtype for m in norms])) for n in norms])
    total = _vector_norm(stacked, norm_type).astype(first_dt if len({n.dtype for n in norms}) == 1 else stacked.dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    return _wrap(np.asarray(total))


def clip_grads_with_norm_(parameters: _tensor_or_tensors, max_norm: float, total_norm: Tensor,
                          foreach: bool | None = None) -> None:  # fmt: skip
    """Scale the gradients by max_norm / (total_norm + 1e-6) when that is below 1."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if len(grads) == 0:
        return
    with no_grad(), np.errstate(invalid="ignore", over="ignore"):  # a non-finite norm gives nan grads, silently
        clip_coef = max_norm / (total_norm + 1e-6)
        clip_coef_clamped = clip_coef.clamp(max=1.0)
        for g in grads:
            g.mul_(clip_coef_clamped)


def clip_grad_norm_(parameters: _tensor_or_tensors, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:  # fmt: skip
    """Rescale the gradients in place so their total norm is at most max_norm; return the total norm before.

    >>> p = ember.nn.Parameter(ember.ones(4)); p.grad = ember.full((4,), 3.0)
    >>> ember.nn.utils.clip_grad_norm_([p], 1.0)
    tensor(6.)
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and len(parameters) == 0:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=3)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters: _tensor_or_tensors, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:  # fmt: skip
    """Deprecated: use clip_grad_norm_."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)  # fmt: skip
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: _tensor_or_tensors, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient to [-clip_value, clip_value], in place."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    clip_value = float(clip_value)
    with no_grad():
        for p in parameters:
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
