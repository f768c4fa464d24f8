"""Losses and activations on 0-dim tensors (the tutorials' `loss_function(x * w + b, y)` with scalars)."""

import pytest
from helpers import check

LOSSES = ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
          "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss"]  # fmt: skip


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_on_zero_dim(name, reduction):
    def fn(p, t):
        import ember

        lib = ember if isinstance(p, ember.Tensor) else __import__("torch")
        f = getattr(lib.nn.functional, name)
        if name == "binary_cross_entropy":
            return f(p.sigmoid(), t.sigmoid(), reduction=reduction)
        return f(p, t, reduction=reduction)

    check(fn, [(), ()], low=0.1, high=0.9)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "gelu", "silu", "softplus", "elu", "leaky_relu"])
def test_activation_on_zero_dim(name):
    def fn(x):
        import ember

        lib = ember if isinstance(x, ember.Tensor) else __import__("torch")
        return getattr(lib.nn.functional, name)(x)

    check(fn, [()])
