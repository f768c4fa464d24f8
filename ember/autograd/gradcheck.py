"""gradcheck and gradgradcheck: compare backward's gradients with central finite differences."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._tensor import Tensor, _wrap


class GradcheckError(RuntimeError):
    pass


def _tuple(x: Any) -> tuple:
    """Inputs or outputs as a tuple: a tensor alone, or a list or tuple of them, as torch accepts."""
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _numerical(fn: Callable, inputs: tuple, out_idx: int, eps: float) -> list[np.ndarray]:
    """One Jacobian (input numel x output numel) per differentiable input, by central differences.

    Grad mode stays as it is (as in torch): fn may itself call autograd.grad, as gradgradcheck's does."""
    jacs = []
    for x in inputs:
        if not (isinstance(x, Tensor) and x._requires_grad):
            continue
        flat = x._data  # perturb in place, through the tensor's own (possibly strided) memory
        rows = []
        for idx in np.ndindex(flat.shape):
            orig = flat[idx].copy()
            flat[idx] = orig + eps
            plus = _tuple(fn(*inputs))[out_idx]._data.astype(np.float64).reshape(-1)
            flat[idx] = orig - eps
            minus = _tuple(fn(*inputs))[out_idx]._data.astype(np.float64).reshape(-1)
            flat[idx] = orig
            rows.append((plus - minus) / (2 * eps))
        jacs.append(np.array(rows).reshape(flat.size, -1))
    return jacs


def _analytical(out: Tensor, inputs: tuple) -> list[np.ndarray]:
    from . import grad as autograd_grad

    diff = [x for x in inputs if isinstance(x, Tensor) and x._requires_grad]
    jacs = [np.zeros((x._data.size, out._data.size)) for x in diff]
    for j in range(out._data.size):
        g = np.zeros(out._data.size, dtype=out._data.dtype)
        g[j] = 1
        gs = autograd_grad(out, diff, _wrap(g.reshape(out._data.shape)), retain_graph=True, allow_unused=True)
        for k, gk in enumerate(gs):
            if gk is not None:
                jacs[k][:, j] = gk._data.astype(np.float64).reshape(-1)
    return jacs


def gradcheck(
    func: Callable,
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    fast_mode: bool = False,
    masked: Any = None,
    **kwargs: Any,
) -> bool:
    """Check the gradients of func at inputs against finite differences. See torch.autograd.gradcheck."""
    inputs = _tuple(inputs)
    for x in inputs:
        if isinstance(x, Tensor) and x._requires_grad and x.dtype.name != "float64":
            import warnings

            warnings.warn(f"Input #{inputs.index(x)} requires gradient and is not a double precision floating point.")
    outs = _tuple(func(*inputs))
    for i, out in enumerate(outs):
        if not isinstance(out, Tensor) or not out._requires_grad:
            continue
        num = _numerical(func, inputs, i, eps)
        ana = _analytical(out, inputs)
        for k, (n, a) in enumerate(zip(num, ana)):
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                msg = (f"Jacobian mismatch for output {i} with respect to input {k},\n"
                       f"numerical:{_wrap(n)}\nanalytical:{_wrap(a)}\n")  # fmt: skip
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def gradgradcheck(
    func: Callable,
    inputs: Any,
    grad_outputs: Any = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    **kwargs: Any,
) -> bool:
    """Check second derivatives: gradcheck of the first gradient, built with create_graph=True."""
    from . import grad as autograd_grad

    inputs = _tuple(inputs)
    outs = _tuple(func(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            _wrap(rng.standard_normal(o._data.shape).astype(o._data.dtype)).requires_grad_() for o in outs
        )
    grad_outputs = _tuple(grad_outputs)
    n_in = len(inputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x._requires_grad]

    def first_grads(*args: Any) -> tuple:
        xs, gos = args[:n_in], args[n_in:]
        os = _tuple(func(*xs))
        pairs = [(o, g) for o, g in zip(os, gos) if o._requires_grad]
        gs = autograd_grad([o for o, _ in pairs], [xs[i] for i in diff], [g for _, g in pairs], create_graph=True,
                           allow_unused=True)  # fmt: skip
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_grads, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)  # fmt: skip
