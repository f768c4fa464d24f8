"""torch.special and torch.fft against torch: values, dtypes, shapes, grad_fn names, gradients."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import check, torch

import ember

S1 = [(3, 4)]
UNARY = [
    ("expit", {}), ("erf", {}), ("erfc", {}), ("expm1", {}), ("exp2", {}), ("sinc", {}), ("i0", {}), ("i1", {}),
    ("ndtr", {}), ("log_ndtr", {}), ("round", dict(grad=False)),
    ("logit", dict(low=0.05, high=0.95)), ("erfinv", dict(low=-0.9, high=0.9)),
    ("ndtri", dict(low=0.02, high=0.98, atol=1e-5)), ("entr", dict(low=0.05, high=3.0)),
    ("log1p", dict(low=-0.5, high=3.0)),
]  # fmt: skip


@pytest.mark.parametrize("name,kw", UNARY, ids=[u[0] for u in UNARY])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_special_unary(name, kw, dtype):
    check(lambda x: getattr(x.__class__.__module__.startswith("torch") and torch.special or ember.special, name)(x),
          S1, dtype=dtype, **kw)  # fmt: skip


def _lib(x):
    return torch if isinstance(x, torch.Tensor) else ember


def test_special_binary_and_reductions():
    check(lambda a, b: _lib(a).special.xlogy(a, b), [(3, 4), (3, 4)], low=0.1, high=2.0)
    check(lambda a, b: _lib(a).special.xlog1py(a, b), [(3, 4), (4,)], low=0.1, high=2.0)
    check(lambda a: _lib(a).special.softmax(a, 1), S1)
    check(lambda a: _lib(a).special.log_softmax(a, 0), S1)
    check(lambda a: _lib(a).special.logsumexp(a, 1, keepdim=True), S1)


def test_special_edges():
    x = np.array([-1.0, 0.0, 0.5, np.nan, 80.0, 100.0, -40.0, -1e3, 700.0], dtype=np.float64)
    for name in ["entr", "i0", "i1", "log_ndtr", "ndtr", "expit"]:
        for dt in (np.float32, np.float64):
            e = getattr(ember.special, name)(ember.tensor(x.astype(dt))).numpy()
            t = getattr(torch.special, name)(torch.tensor(x.astype(dt))).numpy()
            np.testing.assert_allclose(e, t, rtol=2e-6 if dt == np.float32 else 1e-12, err_msg=name)
    check(lambda a: _lib(a).special.i0(a), inputs=[np.arange(-3, 4)], grad=False)
    check(lambda a: _lib(a).special.round(a, decimals=1), S1)
    ps = np.array([0.0, 1.0, 1e-6, 0.999], dtype=np.float64)
    np.testing.assert_allclose(ember.special.ndtri(ember.tensor(ps)).numpy(),
                               torch.special.ndtri(torch.tensor(ps)).numpy(), rtol=1e-9)  # fmt: skip


FFT1 = ["fft", "ifft", "rfft", "ihfft"]


@pytest.mark.parametrize("name", FFT1)
@pytest.mark.parametrize("norm", [None, "backward", "ortho", "forward"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fft_real_in(name, norm, dtype):
    check(lambda x: _rc(getattr(_lib(x).fft, name)(x, norm=norm)), [(3, 6)], dtype=dtype, grad=False, atol=1e-5,
          check_grad_fn=False)  # fmt: skip
    check(lambda x: _rc(getattr(_lib(x).fft, name)(x, n=4, dim=0, norm=norm)), [(3, 5)], dtype=dtype, grad=False,
          atol=1e-5, check_grad_fn=False)  # fmt: skip


def _rc(r):
    return r.resolve_conj() if isinstance(r, torch.Tensor) else r


def _complex(shape, dtype="complex64", seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


@pytest.mark.parametrize("name", ["fft", "ifft", "irfft", "hfft"])
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_fft_complex_in(name, dtype):
    for kw in ({}, {"n": 7}, {"norm": "ortho", "dim": 0}, {"norm": "forward"}):
        check(lambda x: _rc(getattr(_lib(x).fft, name)(x, **kw)), inputs=[_complex((4, 5), dtype)], grad=False,
              atol=1e-4, rtol=1e-4, check_grad_fn=False)  # fmt: skip


@pytest.mark.parametrize("name", ["fft2", "ifft2", "fftn", "ifftn", "rfftn", "irfftn"])
def test_fft_nd(name):
    x = _complex((2, 4, 6)) if name == "irfftn" else np.random.default_rng(1).standard_normal((2, 4, 6)).astype("f4")
    for kw in ({}, {"s": (3, 8)}, {"dim": (0, 2), "norm": "ortho"}, {"s": (5,), "dim": 1, "norm": "forward"}):
        if name.endswith("2") and kw.get("dim") == 1:
            continue
        check(lambda a: _rc(getattr(_lib(a).fft, name)(a, **kw)), inputs=[x], grad=False, atol=1e-4, rtol=1e-4,
              check_grad_fn=False)  # fmt: skip


def test_fft_int_input_and_freqs_and_shift():
    check(lambda a: _lib(a).fft.fft(a), inputs=[np.arange(6)], grad=False, atol=1e-5, check_grad_fn=False)
    for n, d in ((5, 1.0), (8, 0.25)):
        for f in ("fftfreq", "rfftfreq"):
            for kw in ({}, {"dtype": "float64"}):
                k = {"dtype": getattr(ember, kw["dtype"])} if kw else {}
                kt = {"dtype": getattr(torch, kw["dtype"])} if kw else {}
                e, t = getattr(ember.fft, f)(n, d, **k), getattr(torch.fft, f)(n, d, **kt)
                assert str(e.dtype) == str(t.dtype)
                np.testing.assert_allclose(e.numpy(), t.numpy())
    check(lambda a: _lib(a).fft.fftshift(a), [(3, 5)])
    check(lambda a: _lib(a).fft.ifftshift(a, dim=1), [(3, 5)])
    check(lambda a: _lib(a).fft.fftshift(a, dim=(0,)), [(4, 5)])
