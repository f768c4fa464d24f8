"""Adagrad. See torch.optim.Adagrad."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor, _wrap
from .adam import _addcdiv_, _real
from .optimizer import (
    Optimizer,
    ParamsT,
    _check_lr,
    _fused_check,
    _get_scalar_dtype,
    _scalar,
    _scalar_tensor,
    _use_grad_for_differentiable,
)

__all__ = ["Adagrad"]


def _full_like(p: Tensor, value: float) -> Tensor:
    init = complex(value, value) if p.is_complex() else value
    return _wrap(np.full_like(p._data, init))


class Adagrad(Optimizer):
    """Adagrad: per-coordinate learning rates from the running sum of squared gradients. See torch.optim.Adagrad.

    >>> w = ember.tensor([1.0], requires_grad=True)
    >>> ember.optim.Adagrad([w]).state[w]["sum"]
    tensor([0.])
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        _fused_check(fused, foreach, differentiable)
        # NOTE: unlike the other optimizers, Adagrad makes its state at construction
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _scalar_tensor(0.0, _get_scalar_dtype(is_fused=group["fused"]))
                state["sum"] = _full_like(p, initial_accumulator_value)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        fused = None
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            fused = group.setdefault("fused", None)
        for s in self.state.values():
            if len(s) != 0 and not isinstance(s["step"], Tensor):
                s["step"] = _scalar_tensor(float(s["step"]), _get_scalar_dtype(is_fused=fused))

    def share_memory(self) -> None:
        """Nothing to do: ember tensors live in ordinary process memory."""

    @_use_grad_for_differentiable
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One Adagrad step over every parameter that has a .grad; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lr_decay, eps = _scalar(group["lr"]), group["lr_decay"], group["eps"]
            weight_decay, maximize = group["weight_decay"], group["maximize"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_tensor(0.0, _get_scalar_dtype(is_fused=group["fused"]))
                    state["sum"] = _full_like(p, self.defaults["initial_accumulator_value"])
                step_t = state["step"]
                step_t._data += 1
                step_t._version[0] += 1
                step = float(step_t._data)
                g = self._grad(p, maximize, weight_decay)
                clr = lr / (1 + (step - 1) * lr_decay)
                g, pd, s = _real(g), _real(p._data), _real(state["sum"]._data)
                t = self._tmp(s)
                np.multiply(g, g, out=t)  # state_sum.addcmul_(grad, grad, value=1)
                np.add(s, t, out=s)
                np.sqrt(s, out=t)
                np.add(t, eps, out=t)
                _addcdiv_(self, pd, g, t, -clr)
                p._version[0] += 1
        return loss
