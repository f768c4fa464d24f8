"""Adam (and, with decoupled_weight_decay, AdamW). See torch.optim.Adam."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from . import _elementwise
from .optimizer import (
    Optimizer,
    ParamsT,
    _capturable_check,
    _check_eps_betas_weight_decay,
    _check_lr,
    _fused_check,
    _get_scalar_dtype,
    _scalar,
    _scalar_tensor,
    _to_scalar,
    _use_grad_for_differentiable,
    _zeros_like,
)

__all__ = ["Adam"]

_mul, _add, _sub, _div, _sqrt = np.multiply, np.add, np.subtract, np.divide, np.sqrt


def _real(a: np.ndarray) -> np.ndarray:
    """A complex array as its interleaved real and imaginary parts (torch.view_as_real, flattened last dim)."""
    return a.view(a.real.dtype) if a.dtype.kind == "c" else a


def _lerp_(opt: Optimizer, m: np.ndarray, g: np.ndarray, weight: float) -> None:
    """m.lerp_(g, weight) with torch's two-branch formula (exact at weight 0 and 1)."""
    t = opt._tmp(m)
    _sub(g, m, out=t)
    w: Any = np.float32(weight) if m.dtype == np.float32 else weight
    if abs(w) < 0.5:
        _mul(t, float(w), out=t)
        _add(m, t, out=m)
    else:
        _mul(t, float(type(w)(1) - w), out=t)
        _sub(g, t, out=m)


def _addcmul_sq_(opt: Optimizer, v: np.ndarray, g: np.ndarray, value: float) -> None:
    """v.addcmul_(g, g, value=value): v + value * g * g."""
    t = opt._tmp(v)
    _mul(g, value, out=t)
    _mul(t, g, out=t)
    _add(v, t, out=v)


def _addcdiv_(opt: Optimizer, p: np.ndarray, num: np.ndarray, den: np.ndarray, value: float) -> None:
    """p.addcdiv_(num, den, value=value): p + value * num / den."""
    t = opt._tmp(p, 1)
    _mul(num, value, out=t)
    _div(t, den, out=t)
    _add(p, t, out=p)


class Adam(Optimizer):
    """Adam: adaptive moment estimation. See torch.optim.Adam.

    >>> w = ember.tensor([1.0], requires_grad=True)
    >>> w.grad = ember.tensor([2.0])
    >>> _ = ember.optim.Adam([w], lr=0.1).step()
    >>> w
    tensor([0.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-3,
        betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
        _check_lr(lr)
        _check_eps_betas_weight_decay(eps, betas, weight_decay)
        if not (
            (isinstance(betas[0], float) and isinstance(betas[1], float))
            or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))
        ):
            raise ValueError("betas must be either both floats or both Tensors")  # noqa: TRY004
        for i in (0, 1):
            if isinstance(betas[i], Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for capturable=False and foreach=True")
                if betas[i].numel() != 1:  # type: ignore[union-attr]
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(map(_to_scalar, betas))  # type: ignore[assignment]
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)
        _fused_check(fused, foreach, differentiable)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            fused = group.setdefault("fused", None)
            for p in group["params"]:
                p_state = self.state.get(p, [])
                if len(p_state) != 0 and not isinstance(p_state["step"], Tensor):
                    p_state["step"] = _scalar_tensor(
                        float(p_state["step"]),
                        _get_scalar_dtype(is_fused=fused if group["capturable"] or group["fused"] else None),
                    )

    @_use_grad_for_differentiable
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One Adam step over every parameter that has a .grad; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            _adam_group(self, group)
        return loss


def _adam_kernel(
    arrays: list[np.ndarray],
    temps: list[np.ndarray],
    maximize: bool,
    weight_decay: float,
    decay: float,
    w: Any,
    b2: float,
    c2: float,
    amsgrad: bool,
    bc2_sqrt: float,
    eps: float,
    neg_step_size: float,
) -> None:
    """torch's single-tensor Adam update of one piece: p, m, v[, max_v] in place, from the gradient g."""
    if amsgrad:
        p, m, v, mx, g = arrays
    else:
        p, m, v, g = arrays
    t, t2 = temps[0], temps[1]
    if decay != 1.0:  # decoupled weight decay (AdamW): param.mul_(1 - lr * weight_decay)
        _mul(p, decay, out=p)
    if maximize:
        g = np.negative(g, out=temps[2])
    if weight_decay != 0:  # L2: grad = grad.add(param, alpha=weight_decay)
        _mul(p, weight_decay, out=t)
        g = _add(g, t, out=temps[2])
    # exp_avg.lerp_(grad, 1 - beta1), in torch's two-branch form
    _sub(g, m, out=t)
    if abs(w) < 0.5:
        _mul(t, float(w), out=t)
        _add(m, t, out=m)
    else:
        _mul(t, float(type(w)(1) - w), out=t)
        _sub(g, t, out=m)
    # exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    _mul(v, b2, out=v)
    _mul(g, c2, out=t)
    _mul(t, g, out=t)
    _add(v, t, out=v)
    if amsgrad:
        np.maximum(mx, v, out=mx)
        v = mx
    # denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps); param.addcdiv_(exp_avg, denom, value=-step_size)
    # NOTE: with bias_correction2_sqrt folded into eps and step_size, as torch's capturable branch does: one pass
    # over the parameter fewer, the same value to within a rounding
    _sqrt(v, out=t)
    _add(t, eps * bc2_sqrt, out=t)
    _mul(m, neg_step_size * bc2_sqrt, out=t2)
    _div(t2, t, out=t2)
    _add(p, t2, out=p)


def _adam_group(opt: Optimizer, group: dict[str, Any]) -> None:
    """torch's single-tensor Adam/AdamW update, on the NumPy arrays in place."""
    beta1, beta2 = (_scalar(b) for b in group["betas"])
    lr, eps, weight_decay = _scalar(group["lr"]), group["eps"], group["weight_decay"]
    amsgrad, maximize, decoupled = group["amsgrad"], group["maximize"], group["decoupled_weight_decay"]
    decay = 1 - lr * weight_decay if weight_decay != 0 and decoupled else 1.0
    l2 = weight_decay if not decoupled else 0
    state_of = opt.state
    for p in group["params"]:
        grad = p.grad
        if grad is None:
            continue
        state = state_of[p]
        if len(state) == 0:
            fused = group["fused"]
            state["step"] = _scalar_tensor(
                0.0, _get_scalar_dtype(is_fused=fused if group["capturable"] or fused else None)
            )
            state["exp_avg"] = _zeros_like(p)
            state["exp_avg_sq"] = _zeros_like(p)
            if amsgrad:
                state["max_exp_avg_sq"] = _zeros_like(p)
        _capturable_check(group["capturable"])

        step_t = state["step"]
        sd = step_t._data
        _add(sd, 1, out=sd)
        step_t._version[0] += 1
        step = float(sd)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step

        pd = _real(p._data)
        w: Any = 1 - beta1
        if pd.dtype == np.float32:
            w = np.float32(w)  # lerp's weight is a float32 scalar for float32 tensors
        written = [pd, _real(state["exp_avg"]._data), _real(state["exp_avg_sq"]._data)]
        if amsgrad:
            written.append(_real(state["max_exp_avg_sq"]._data))
        _elementwise.run(
            _adam_kernel,
            written,
            [_real(grad._data)],
            3,
            maximize,
            l2,
            decay,
            w,
            beta2,
            1 - beta2,
            amsgrad,
            bias_correction2**0.5,
            eps,
            -(lr / bias_correction1),
        )
        p._version[0] += 1
