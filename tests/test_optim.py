"""ember.optim against torch.optim: trajectories, state_dict layout, load round trips, param groups, hooks, errors."""

from __future__ import annotations

import copy
import importlib
import pickle
import warnings
from typing import Any

import numpy as np
import pytest
from helpers import assert_same, check_error, torch

import ember

SHAPES = [(4, 3), (3,), (2, 2, 2)]
STEPS = 20
TOL = {np.float32: {"atol": 1e-5, "rtol": 1e-4}, np.float64: {"atol": 1e-12, "rtol": 1e-10}}

# every optimizer, over a grid of its options (lr chosen so that the parameters move visibly in 20 steps)
CASES: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.1, "maximize": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.05, "foreach": False}),
    ("Adam", {}),
    ("Adam", {"lr": 0.1}),
    ("Adam", {"lr": 0.1, "betas": (0.5, 0.9), "eps": 1e-3}),
    ("Adam", {"lr": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.1, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", {"lr": 0.1, "maximize": True, "amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.1, "foreach": False, "fused": False}),
    ("Adam", {"lr": 0.1, "fused": True}),
    ("AdamW", {"lr": 0.1}),
    ("AdamW", {"lr": 0.1, "weight_decay": 0.5, "amsgrad": True}),
    ("AdamW", {"lr": 0.1, "maximize": True}),
    ("Adamax", {"lr": 0.1}),
    ("Adamax", {"lr": 0.1, "betas": (0.8, 0.99), "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.1}),
    ("NAdam", {"lr": 0.1, "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 0.1, "maximize": True}),
    ("RAdam", {"lr": 0.1}),
    ("RAdam", {"lr": 0.1, "betas": (0.9, 0.9)}),
    ("RAdam", {"lr": 0.1, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.3, "eps": 1e-6}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.5}),
    ("Adadelta", {"lr": 1.0, "weight_decay": 0.1, "eps": 1e-4, "maximize": True}),
    ("ASGD", {"lr": 0.1}),
    ("ASGD", {"lr": 0.1, "t0": 5}),
    ("ASGD", {"lr": 0.1, "lambd": 0.1, "alpha": 0.5, "t0": 3, "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.1, "t0": 5, "maximize": True}),
    ("Rprop", {"lr": 0.1}),
    ("Rprop", {"lr": 0.1, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.05)}),
    ("Rprop", {"lr": 0.1, "maximize": True}),
]


def _id(case: tuple[str, dict[str, Any]]) -> str:
    name, kw = case
    return name + "(" + ",".join(f"{k}={v}" for k, v in kw.items()) + ")"


def init_arrays(dtype: Any = np.float32, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, s).astype(dtype) for s in SHAPES]


def set_grads(lib: Any, params: list[Any], k: int) -> None:
    """The same deterministic, parameter-dependent gradient in both libraries; the last parameter skips every
    third step (its grad is None), starting at step 0 so that its state is created late."""
    for i, p in enumerate(params):
        if i == len(params) - 1 and k % 3 == 0:
            p.grad = None
            continue
        a = p.detach().numpy().astype(np.float64)
        g = np.sin(1.7 * a + 0.3 * k) + 0.1 * a
        p.grad = lib.tensor(g.astype(p.detach().numpy().dtype))


def make(lib: Any, name: str, kw: dict[str, Any], arrays: list[np.ndarray]) -> tuple[list[Any], Any]:
    params = [lib.tensor(a.copy(), requires_grad=True) for a in arrays]
    return params, getattr(lib.optim, name)(params, **kw)


def assert_params(e_params: list[Any], t_params: list[Any], step: int, tol: dict[str, float]) -> None:
    for i, (e, t) in enumerate(zip(e_params, t_params)):
        assert_same(e.detach(), t.detach(), what=f"param {i} after step {step}", **tol)


def assert_value_same(e: Any, t: Any, what: str, tol: dict[str, float]) -> None:
    """One state_dict entry: tensors by dtype/shape/values, containers element-wise, the rest by type and value."""
    if isinstance(t, torch.Tensor):
        assert_same(e, t, what=what, **tol)
    elif isinstance(t, (list, tuple)):
        assert type(e) is type(t) and len(e) == len(t), f"{what}: {e!r} != {t!r}"
        for i, (a, b) in enumerate(zip(e, t)):
            assert_value_same(a, b, f"{what}[{i}]", tol)
    elif isinstance(t, float):
        assert type(e) is float, f"{what}: {type(e).__name__} != float"
        np.testing.assert_allclose(e, t, err_msg=what, **tol)
    else:
        assert type(e) is type(t) and e == t, f"{what}: {e!r} != {t!r}"


def assert_state_dict_same(e_sd: dict, t_sd: dict, tol: dict[str, float]) -> None:
    assert list(e_sd) == list(t_sd)
    assert list(e_sd["state"]) == list(t_sd["state"]), "state keys (parameter ids)"
    for k, ts in t_sd["state"].items():
        es = e_sd["state"][k]
        assert list(es) == list(ts), f"state[{k}] keys"
        for key in ts:
            assert_value_same(es[key], ts[key], f"state[{k}][{key!r}]", tol)
    assert len(e_sd["param_groups"]) == len(t_sd["param_groups"])
    for i, (eg, tg) in enumerate(zip(e_sd["param_groups"], t_sd["param_groups"])):
        assert list(eg) == list(tg), f"param_groups[{i}] keys"
        for key in tg:
            assert_value_same(eg[key], tg[key], f"param_groups[{i}][{key!r}]", tol)


def to_ember(x: Any) -> Any:
    """A torch state_dict (or any part of it) with every tensor replaced by an ember tensor of the same dtype."""
    if isinstance(x, torch.Tensor):
        return ember.tensor(x.detach().numpy().copy())
    if isinstance(x, dict):
        return {k: to_ember(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(to_ember(v) for v in x)
    return x


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_trajectory_and_state_dict(case: tuple[str, dict[str, Any]]) -> None:
    name, kw = case
    tol = TOL[np.float32]
    arrays = init_arrays()
    e_params, e_opt = make(ember, name, kw, arrays)
    t_params, t_opt = make(torch, name, kw, arrays)
    assert_state_dict_same(e_opt.state_dict(), t_opt.state_dict(), tol)  # before any step (Adagrad has state)
    for k in range(STEPS):
        set_grads(torch, t_params, k)
        set_grads(ember, e_params, k)
        assert t_opt.step() is None and e_opt.step() is None
        assert_params(e_params, t_params, k, tol)
    assert_state_dict_same(e_opt.state_dict(), t_opt.state_dict(), tol)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c[0] in ("SGD", "Adam", "RMSprop", "NAdam", "ASGD", "Rprop")][::2], ids=_id
)
def test_float64(case: tuple[str, dict[str, Any]]) -> None:
    name, kw = case
    tol = TOL[np.float64]
    arrays = init_arrays(np.float64)
    e_params, e_opt = make(ember, name, kw, arrays)
    t_params, t_opt = make(torch, name, kw, arrays)
    for k in range(STEPS):
        set_grads(torch, t_params, k)
        set_grads(ember, e_params, k)
        t_opt.step()
        e_opt.step()
        assert_params(e_params, t_params, k, tol)
    assert_state_dict_same(e_opt.state_dict(), t_opt.state_dict(), tol)


@pytest.mark.parametrize("name", ["Adam", "Adagrad", "NAdam", "ASGD"])
def test_default_dtype_float64_steps(name: str) -> None:
    """With float64 as the default dtype, `step` (and the other scalar state) is float64 too."""
    prev = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    ember.set_default_dtype(ember.float64)
    try:
        arrays = init_arrays(np.float32)
        e_params, e_opt = make(ember, name, {}, arrays)
        t_params, t_opt = make(torch, name, {}, arrays)
        for k in range(3):
            set_grads(torch, t_params, k)
            set_grads(ember, e_params, k)
            t_opt.step()
            e_opt.step()
        assert_state_dict_same(e_opt.state_dict(), t_opt.state_dict(), TOL[np.float32])
    finally:
        torch.set_default_dtype(prev)


ROUND_TRIP = [c for c in CASES if c[1].get("lr") == 0.1 and len(c[1]) <= 2][::2] + [
    ("SGD", {"lr": 0.1, "momentum": 0.9})
]


@pytest.mark.parametrize("case", ROUND_TRIP, ids=_id)
def test_load_state_dict_round_trip(case: tuple[str, dict[str, Any]]) -> None:
    """Save after 10 steps, load into a fresh optimizer over copies of the parameters (ember's own state_dict, and
    torch's converted to ember tensors), continue 10 steps: both follow torch's trajectory."""
    name, kw = case
    tol = TOL[np.float32]
    arrays = init_arrays()
    e_params, e_opt = make(ember, name, kw, arrays)
    t_params, t_opt = make(torch, name, kw, arrays)
    for k in range(10):
        set_grads(torch, t_params, k)
        set_grads(ember, e_params, k)
        t_opt.step()
        e_opt.step()

    now = [p.detach().numpy().copy() for p in t_params]
    # a different lr in the fresh optimizer: load_state_dict must restore the saved one
    fresh_kw = dict(kw, lr=0.5) if name != "LBFGS" else kw
    e2_params, e2_opt = make(ember, name, fresh_kw, [p.detach().numpy().copy() for p in e_params])
    e2_opt.load_state_dict(copy.deepcopy(e_opt.state_dict()))
    e3_params, e3_opt = make(ember, name, fresh_kw, now)
    e3_opt.load_state_dict(to_ember(copy.deepcopy(t_opt.state_dict())))
    assert e2_opt.param_groups[0]["lr"] == kw["lr"]
    assert e2_opt.param_groups[0]["params"][0] is e2_params[0]

    for k in range(10, STEPS):
        for params, lib in ((t_params, torch), (e2_params, ember), (e3_params, ember)):
            set_grads(lib, params, k)
        t_opt.step()
        e2_opt.step()
        e3_opt.step()
        assert_params(e2_params, t_params, k, tol)
        assert_params(e3_params, t_params, k, tol)
    assert_state_dict_same(e2_opt.state_dict(), t_opt.state_dict(), tol)
    assert_state_dict_same(e3_opt.state_dict(), t_opt.state_dict(), tol)


def test_state_dict_is_live_and_load_aliases() -> None:
    """As in torch: state_dict() holds the live state tensors, and load_state_dict takes them over (same dtype)."""
    for lib in (torch, ember):
        p = lib.tensor([1.0, 2.0], requires_grad=True)
        p.grad = lib.tensor([0.5, -0.5])
        opt = lib.optim.Adam([p], lr=0.1)
        opt.step()
        sd = opt.state_dict()
        assert sd["state"][0]["exp_avg"] is opt.state[p]["exp_avg"]
        q = lib.tensor([1.0, 2.0], requires_grad=True)
        opt2 = lib.optim.Adam([q], lr=0.1)
        opt2.load_state_dict(sd)
        assert opt2.state[q]["exp_avg"] is opt.state[p]["exp_avg"]
        assert opt2.param_groups[0] is not sd["param_groups"][0]


def test_load_state_dict_casts_to_param_dtype() -> None:
    """Floating-point state takes the parameter's dtype on load, except `step`."""
    res = []
    for lib in (torch, ember):
        p = lib.tensor([1.0, 2.0], requires_grad=True)
        p.grad = lib.tensor([0.5, -0.5])
        opt = lib.optim.Adam([p], lr=0.1)
        opt.step()
        q = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        opt2 = lib.optim.Adam([q], lr=0.1)
        opt2.load_state_dict(opt.state_dict())
        res.append({k: str(v.dtype) for k, v in opt2.state[q].items()})
    assert res[0] == res[1]


def test_load_state_dict_errors() -> None:
    def groups(lib: Any) -> None:
        a, b = lib.zeros(2, requires_grad=True), lib.zeros(2, requires_grad=True)
        sd = lib.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).state_dict()
        lib.optim.SGD([a, b], lr=0.1).load_state_dict(sd)

    def sizes(lib: Any) -> None:
        a, b = lib.zeros(2, requires_grad=True), lib.zeros(2, requires_grad=True)
        sd = lib.optim.SGD([a], lr=0.1).state_dict()
        lib.optim.SGD([a, b], lr=0.1).load_state_dict(sd)

    check_error(groups, "same")
    check_error(sizes, "same")


def run_groups(lib: Any, name: str, arrays: list[np.ndarray]) -> tuple[list[Any], Any]:
    params = [lib.tensor(a.copy(), requires_grad=True) for a in arrays]
    if name == "SGD":
        groups = [{"params": params[:2], "momentum": 0.9, "nesterov": True}, {"params": [params[2]], "lr": 0.3}]
        opt = lib.optim.SGD(groups, lr=0.1, weight_decay=0.01)
    elif name == "Adam":
        groups = [{"params": [params[0]], "betas": (0.5, 0.7)}, {"params": params[1:], "amsgrad": True, "lr": 0.05}]
        opt = lib.optim.Adam(groups, lr=0.1)
    else:
        groups = [{"params": [params[0]], "centered": True}, {"params": params[1:], "momentum": 0.3}]
        opt = lib.optim.RMSprop(groups, lr=0.01)
    return params, opt


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_param_groups_with_different_options(name: str) -> None:
    tol = TOL[np.float32]
    arrays = init_arrays()
    e_params, e_opt = run_groups(ember, name, arrays)
    t_params, t_opt = run_groups(torch, name, arrays)
    assert repr(e_opt) == repr(t_opt)
    for k in range(STEPS):
        set_grads(torch, t_params, k)
        set_grads(ember, e_params, k)
        t_opt.step()
        e_opt.step()
        assert_params(e_params, t_params, k, tol)
    sd = e_opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [g["params"] for g in t_opt.state_dict()["param_groups"]]
    assert_state_dict_same(sd, t_opt.state_dict(), tol)


def test_add_param_group() -> None:
    tol = TOL[np.float32]
    arrays = init_arrays()
    res = {}
    for lib in (torch, ember):
        params = [lib.tensor(a.copy(), requires_grad=True) for a in arrays]
        opt = lib.optim.SGD(params[:2], lr=0.1, momentum=0.9)
        for k in range(5):
            set_grads(lib, params, k)
            opt.step()
            if k == 2:
                opt.add_param_group({"params": params[2], "lr": 0.01})
        res[lib.__name__] = (params, opt)
    assert_params(res["ember"][0], res["torch"][0], 5, tol)
    assert_state_dict_same(res["ember"][1].state_dict(), res["torch"][1].state_dict(), tol)


def test_named_parameters() -> None:
    """Params given as (name, tensor) pairs: the names are kept in the group and the state_dict."""
    sds = []
    for lib in (torch, ember):
        a, b = lib.ones(2, requires_grad=True), lib.ones(3, requires_grad=True)
        opt = lib.optim.SGD([("a", a), ("b", b)], lr=0.1, momentum=0.5)
        a.grad, b.grad = lib.ones(2), lib.ones(3)
        opt.step()
        sds.append(opt.state_dict())
    assert_state_dict_same(sds[1], sds[0], TOL[np.float32])
    assert sds[1]["param_groups"][0]["param_names"] == ["a", "b"]


def test_zero_grad() -> None:
    for set_to_none in (True, False):
        out = []
        for lib in (torch, ember):
            p = lib.ones(3, requires_grad=True)
            q = lib.ones(2, requires_grad=True)
            (p * 2).sum().backward()
            opt = lib.optim.SGD([p, q], lr=0.1)
            g = p.grad
            opt.zero_grad(set_to_none=set_to_none)
            if set_to_none:
                out.append((p.grad is None, q.grad is None))
            else:
                out.append((p.grad is g, p.grad.tolist(), p.grad.requires_grad, q.grad is None))
        assert out[0] == out[1]
    e = ember.ones(2, requires_grad=True)
    e.grad = ember.ones(2)
    opt = ember.optim.Adam([e])
    opt.zero_grad()  # set_to_none=True is the default
    assert e.grad is None


def test_no_grad_params_are_skipped_and_step_is_not_recorded() -> None:
    def run(lib: Any) -> Any:
        p = lib.ones(3, requires_grad=True)
        opt = lib.optim.SGD([p], lr=0.1, momentum=0.9)
        opt.step()  # no grad: nothing happens, no state
        before = (p.tolist(), len(opt.state))
        p.grad = lib.ones(3)
        opt.step()
        version = p._version if lib is torch else p._version[0]  # ember keeps the counter in a shared list
        return before, p.tolist(), p.grad_fn is None, p.requires_grad, p.is_leaf, version > 0

    assert run(ember) == run(torch)


def make_closure(lib: Any, opt: Any, loss_fn: Any, seen: list[bool] | None = None) -> Any:
    """The usual closure: zero the grads, evaluate, backward, return the loss (noting the grad mode)."""

    def closure() -> Any:
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        if seen is not None:
            seen.append(lib.is_grad_enabled())
        return loss

    return closure


@pytest.mark.parametrize("name", ["SGD", "Adam", "Rprop"])
def test_closure_returns_loss_and_runs_with_grad(name: str) -> None:
    def run(lib: Any) -> tuple[list[float], np.ndarray]:
        w = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        opt = getattr(lib.optim, name)([w], lr=0.1)
        seen: list[bool] = []
        closure = make_closure(lib, opt, lambda: ((w - 3) ** 2).sum(), seen)
        with lib.no_grad():
            out = [opt.step(closure) for _ in range(5)]
        assert seen == [True] * 5
        return [float(x.detach()) for x in out], w.detach().numpy().copy()

    (e_losses, e_w), (t_losses, t_w) = run(ember), run(torch)
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-6)
    np.testing.assert_allclose(e_w, t_w, rtol=1e-6)


@pytest.mark.parametrize(
    "name",
    ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Adagrad", "Adadelta", "ASGD", "Rprop", "LBFGS"],
)
def test_repr(name: str) -> None:
    def fn(lib: Any) -> str:
        a, b = lib.zeros(2, requires_grad=True), lib.zeros(2, requires_grad=True)
        if name == "LBFGS":
            return repr(lib.optim.LBFGS([a, b]))
        return repr(getattr(lib.optim, name)([{"params": [a]}, {"params": [b], "lr": 0.5}]))

    assert fn(ember) == fn(torch)


def test_defaults_and_group_keys() -> None:
    for name in [
        "SGD",
        "Adam",
        "AdamW",
        "Adamax",
        "NAdam",
        "RAdam",
        "RMSprop",
        "Adagrad",
        "Adadelta",
        "ASGD",
        "Rprop",
        "LBFGS",
    ]:
        e = getattr(ember.optim, name)([ember.zeros(1, requires_grad=True)]).defaults
        t = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)]).defaults
        assert e == t and list(e) == list(t), name


INVALID = [
    ("SGD", {"lr": -1}),
    ("SGD", {"lr": 0.1, "momentum": -0.5}),
    ("SGD", {"lr": 0.1, "weight_decay": -1e-3}),
    ("SGD", {"lr": 0.1, "nesterov": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True}),
    ("Adam", {"lr": -0.01}),
    ("Adam", {"eps": -1.0}),
    ("Adam", {"betas": (1.0, 0.999)}),
    ("Adam", {"betas": (0.9, -0.1)}),
    ("Adam", {"weight_decay": -1}),
    ("Adam", {"betas": (0.9, 1)}),
    ("AdamW", {"betas": (-0.5, 0.999)}),
    ("Adamax", {"betas": (0.9, 1.5)}),
    ("Adamax", {"eps": -1.0}),
    ("NAdam", {"momentum_decay": -0.1}),
    ("NAdam", {"weight_decay": -0.1}),
    ("RAdam", {"betas": (2.0, 0.9)}),
    ("RMSprop", {"alpha": -0.5}),
    ("RMSprop", {"momentum": -0.5}),
    ("RMSprop", {"eps": -1e-8}),
    ("Adagrad", {"lr_decay": -0.5}),
    ("Adagrad", {"initial_accumulator_value": -1.0}),
    ("Adagrad", {"eps": -1.0}),
    ("Adadelta", {"rho": 1.5}),
    ("Adadelta", {"lr": -2.0}),
    ("ASGD", {"weight_decay": -0.5}),
    ("Rprop", {"etas": (1.5, 2.0)}),
    ("Rprop", {"etas": (0.5, 0.9)}),
    ("LBFGS", {"lr": -1.0}),
    ("Adam", {"fused": True, "foreach": True}),
    ("SGD", {"fused": True, "foreach": True}),
]


@pytest.mark.parametrize("case", INVALID, ids=_id)
def test_invalid_hyperparameters(case: tuple[str, dict[str, Any]]) -> None:
    name, kw = case
    check_error(lambda lib: getattr(lib.optim, name)([lib.zeros(2, requires_grad=True)], **kw), "same")


PARAM_ERRORS = [
    lambda lib: lib.optim.SGD([], lr=0.1),
    lambda lib: lib.optim.SGD(lib.zeros(2, requires_grad=True), lr=0.1),
    lambda lib: lib.optim.SGD([lib.zeros(2, requires_grad=True) * 2], lr=0.1),
    lambda lib: lib.optim.SGD([lib.zeros(2, requires_grad=True), 3], lr=0.1),
    lambda lib: lib.optim.SGD([{"params": {lib.zeros(2, requires_grad=True)}}], lr=0.1),
    lambda lib: lib.optim.SGD([{"params": [p := lib.zeros(2, requires_grad=True)]}, {"params": [p]}], lr=0.1),
    lambda lib: lib.optim.SGD([lib.zeros(2, requires_grad=True)], lr=0.1).add_param_group([]),
    lambda lib: lib.optim.SGD([("a", lib.zeros(2, requires_grad=True)), lib.zeros(2, requires_grad=True)], lr=0.1),
    lambda lib: lib.optim.SGD([("a", lib.zeros(2, requires_grad=True))], lr=0.1).add_param_group(
        {"params": [lib.zeros(1, requires_grad=True)]}
    ),
    lambda lib: lib.optim.LBFGS(
        [{"params": [lib.zeros(1, requires_grad=True)]}, {"params": [lib.zeros(1, requires_grad=True)]}]
    ),
]


@pytest.mark.parametrize("i", range(len(PARAM_ERRORS)))
def test_param_errors(i: int) -> None:
    check_error(PARAM_ERRORS[i], "same")


def test_duplicate_param_warns() -> None:
    msgs = []
    for lib in (torch, ember):
        p = lib.zeros(2, requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.optim.SGD([p, p], lr=0.1)
        msgs.append([str(x.message) for x in w if issubclass(x.category, UserWarning)])
    assert msgs[0] == msgs[1] and len(msgs[0]) == 1


def test_retain_grad_non_leaf_is_accepted() -> None:
    for lib in (torch, ember):
        x = lib.ones(2, requires_grad=True) * 2
        x.retain_grad()
        assert len(lib.optim.SGD([x], lr=0.1).param_groups[0]["params"]) == 1


def test_capturable_on_cpu_fails_at_step() -> None:
    def fn(lib: Any) -> None:
        p = lib.ones(2, requires_grad=True)
        p.grad = lib.ones(2)
        lib.optim.Adam([p], capturable=True).step()

    check_error(fn, "same")


def test_step_hooks() -> None:
    def run(lib: Any) -> list[Any]:
        log: list[Any] = []
        p = lib.ones(2, requires_grad=True)
        p.grad = lib.ones(2)
        opt = lib.optim.SGD([p], lr=0.1)
        h1 = opt.register_step_pre_hook(lambda o, args, kwargs: log.append(("pre", o is opt, args[1:], kwargs)))
        opt.register_step_post_hook(lambda o, args, kwargs: log.append(("post", o is opt, args[1:], kwargs)))
        g = importlib.import_module(lib.__name__ + ".optim.optimizer").register_optimizer_step_pre_hook(
            lambda o, a, k: log.append(("global", o is opt))
        )
        opt.step()
        h1.remove()
        g.remove()
        opt.step(closure=None)
        return log

    assert run(ember) == run(torch)


def test_pre_hook_replaces_arguments() -> None:
    for lib in (torch, ember):
        w = lib.ones(1, requires_grad=True)
        w.grad = lib.ones(1)
        opt = lib.optim.SGD([w], lr=0.1)
        opt.register_step_pre_hook(lambda o, args, kwargs: ((o,), {"closure": lambda: 42}))
        assert opt.step() == 42


def test_state_dict_hooks() -> None:
    def run(lib: Any) -> Any:
        w = lib.ones(1, requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1)
        calls: list[str] = []
        opt.register_state_dict_pre_hook(lambda o: calls.append("pre"))
        opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
        opt.register_load_state_dict_pre_hook(lambda o, sd: calls.append("lpre"))
        opt.register_load_state_dict_post_hook(lambda o: calls.append("lpost"), prepend=True)
        sd = opt.state_dict()
        opt.load_state_dict(sd)
        return calls, sorted(sd)

    assert run(ember) == run(torch)


def test_pickle_and_deepcopy() -> None:
    """__getstate__ keeps defaults, state and param_groups; a deep copy continues independently."""
    tol = TOL[np.float32]
    arrays = init_arrays()
    e_params, e_opt = make(ember, "Adam", {"lr": 0.1}, arrays)
    t_params, t_opt = make(torch, "Adam", {"lr": 0.1}, arrays)
    for k in range(3):
        set_grads(ember, e_params, k)
        set_grads(torch, t_params, k)
        e_opt.step()
        t_opt.step()
    assert sorted(e_opt.__getstate__()) == sorted(t_opt.__getstate__())
    e_copy, t_copy = copy.deepcopy(e_opt), copy.deepcopy(t_opt)
    e_p2, t_p2 = e_copy.param_groups[0]["params"], t_copy.param_groups[0]["params"]
    for k in range(3, 6):
        set_grads(ember, e_p2, k)
        set_grads(torch, t_p2, k)
        e_copy.step()
        t_copy.step()
    assert_params(e_p2, t_p2, 6, tol)
    assert_params(e_params, t_params, 3, tol)  # the originals did not move
    restored = pickle.loads(pickle.dumps(e_opt))
    assert_state_dict_same(restored.state_dict(), t_opt.state_dict(), tol)


def test_custom_optimizer_subclass() -> None:
    """A user's Optimizer subclass (torch's documented pattern) gets defaults, groups, state and hooks."""

    def define(lib: Any) -> Any:
        class SignSGD(lib.optim.Optimizer):
            def __init__(self, params: Any, lr: float = 0.01) -> None:
                super().__init__(params, {"lr": lr})

            @lib.no_grad()
            def step(self, closure: Any = None) -> Any:
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is not None:
                            self.state[p]["n"] = self.state[p].get("n", 0) + 1
                            p.add_(p.grad.sign(), alpha=-group["lr"])
                return None

        return SignSGD

    def run(lib: Any) -> Any:
        w = lib.tensor([1.0, -1.0, 0.5], requires_grad=True)
        opt = define(lib)([w], lr=0.1)
        calls: list[int] = []
        opt.register_step_post_hook(lambda o, a, k: calls.append(1))
        for _ in range(3):
            w.grad = lib.tensor([1.0, -2.0, 0.0])
            opt.step()
        return w.detach().numpy().tolist(), opt.state_dict()["state"], calls, repr(opt)

    e, t = run(ember), run(torch)
    np.testing.assert_allclose(e[0], t[0], rtol=1e-6)
    assert e[1:] == t[1:]


def test_complex_params() -> None:
    tol = TOL[np.float32]
    rng = np.random.default_rng(3)
    z0 = (rng.standard_normal(4) + 1j * rng.standard_normal(4)).astype(np.complex64)
    for name, kw in [
        ("SGD", {"lr": 0.1, "momentum": 0.9}),
        ("Adam", {"lr": 0.1, "amsgrad": True}),
        ("RMSprop", {}),
        ("Adagrad", {}),
        ("Rprop", {}),
        ("NAdam", {}),
        ("RAdam", {}),
        ("Adamax", {}),
        ("Adadelta", {}),
    ]:
        res = []
        for lib in (torch, ember):
            z = lib.tensor(z0.copy(), requires_grad=True)
            opt = getattr(lib.optim, name)([z], **kw)
            for k in range(5):
                a = z.detach().numpy()
                z.grad = lib.tensor((np.sin(a + k) + 0.1 * a).astype(np.complex64))
                opt.step()
            res.append(z.detach())
        assert_same(res[1], res[0], what=name, **tol)


# ---------------------------------------------------------------------------------------------------- LBFGS
def lbfgs_problem(lib: Any, dtype: Any) -> tuple[Any, Any, Any]:
    rng = np.random.default_rng(7)
    a = rng.standard_normal((8, 5)).astype(dtype)
    b = rng.standard_normal(8).astype(dtype)
    x0 = rng.standard_normal(5).astype(dtype)
    A, B = lib.tensor(a), lib.tensor(b)
    x = lib.tensor(x0, requires_grad=True)
    y = lib.tensor(np.array([0.3, -0.2], dtype=dtype), requires_grad=True)

    def loss_fn() -> Any:
        r = A.matmul(x) - B
        return (r * r).sum() + 0.1 * (x * x * x * x).sum() + ((y - 1) * (y - 1) * (y + 2) * (y + 2)).sum()

    return [x, y], loss_fn, A


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_lbfgs(line_search_fn: Any, dtype: Any) -> None:
    tol = TOL[dtype] if dtype == np.float64 else {"atol": 1e-4, "rtol": 1e-3}
    out = {}
    for lib in (torch, ember):
        params, loss_fn, _ = lbfgs_problem(lib, dtype)
        opt = lib.optim.LBFGS(params, lr=0.8, max_iter=4, history_size=3, line_search_fn=line_search_fn)
        losses, traj, evals = [], [], []
        closure = make_closure(lib, opt, loss_fn)
        for _ in range(5):
            losses.append(float(opt.step(closure).detach()))
            traj.append([p.detach().numpy().copy() for p in params])
            evals.append((opt.state[params[0]]["func_evals"], opt.state[params[0]]["n_iter"]))
        out[lib.__name__] = (losses, traj, evals, sorted(opt.state[params[0]]), params, opt)
    e, t = out["ember"], out["torch"]
    np.testing.assert_allclose(e[0], t[0], **tol)
    for es, ts in zip(e[1], t[1]):
        for a, b in zip(es, ts):
            np.testing.assert_allclose(a, b, **tol)
    # NOTE: near convergence float32 rounding decides how many evaluations the last line searches take
    assert e[2][:3] == t[2][:3] if dtype == np.float32 else e[2] == t[2]
    assert e[3] == t[3]
    if dtype == np.float64:
        es, ts = e[5].state_dict(), t[5].state_dict()
        assert list(es["state"][0]) == list(ts["state"][0])
        for key in ("d", "prev_flat_grad", "old_dirs", "old_stps", "func_evals", "n_iter", "prev_loss"):
            assert_value_same(es["state"][0][key], ts["state"][0][key], key, tol)
        assert_state_dict_same(
            {"state": {}, "param_groups": es["param_groups"]}, {"state": {}, "param_groups": ts["param_groups"]}, tol
        )


def test_lbfgs_converges_and_stops_on_tolerance() -> None:
    out = []
    for lib in (torch, ember):
        params, loss_fn, _ = lbfgs_problem(lib, np.float64)
        opt = lib.optim.LBFGS(params, line_search_fn="strong_wolfe")
        closure = make_closure(lib, opt, loss_fn)
        for _ in range(3):
            opt.step(closure)
        out.append(([p.detach().numpy().copy() for p in params], opt.state[params[0]]["n_iter"]))
    for a, b in zip(out[1][0], out[0][0]):
        np.testing.assert_allclose(a, b, atol=1e-9)
    assert out[1][1] == out[0][1]


def test_lbfgs_requires_closure_and_single_group() -> None:
    check_error(lambda lib: lib.optim.LBFGS([lib.zeros(1, requires_grad=True)]).step(), None)

    def bad_search(lib: Any) -> None:
        w = lib.ones(2, requires_grad=True)
        opt = lib.optim.LBFGS([w], line_search_fn="armijo")

        def closure() -> Any:
            opt.zero_grad()
            loss = (w * w).sum()
            loss.backward()
            return loss

        opt.step(closure)

    check_error(bad_search, "same")


# ---------------------------------------------------------------------------------------------------- speed
@pytest.mark.parametrize(
    "case",
    [("Adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.1, "maximize": True}), ("AdamW", {"lr": 0.1})],
    ids=_id,
)
def test_pieces_give_the_same_update(case: tuple[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    """Large updates run in cache-sized pieces: shrink the piece to 5 elements so that these small parameters are
    split (unevenly) and compare with torch."""
    from ember.optim import _elementwise

    monkeypatch.setattr(_elementwise, "CHUNK", 5)
    name, kw = case
    tol = TOL[np.float32]
    arrays = init_arrays()
    e_params, e_opt = make(ember, name, kw, arrays)
    t_params, t_opt = make(torch, name, kw, arrays)
    for k in range(STEPS):
        set_grads(torch, t_params, k)
        set_grads(ember, e_params, k)
        t_opt.step()
        e_opt.step()
        assert_params(e_params, t_params, k, tol)
    assert_state_dict_same(e_opt.state_dict(), t_opt.state_dict(), tol)


def test_non_contiguous_param_and_grad() -> None:
    """A parameter that is a transposed view, and a strided gradient: updated in place through the view."""
    a = init_arrays()[0]
    out = []
    for lib in (torch, ember):
        base = lib.tensor(a.copy())
        p = base.t().requires_grad_()
        opt = lib.optim.Adam([p], lr=0.1)
        for k in range(5):
            g = np.sin(p.detach().numpy().astype(np.float64) + k).astype(np.float32)
            p.grad = lib.tensor(np.ascontiguousarray(np.stack([g, g], -1)))[..., 0]
            opt.step()
        out.append(p.detach())
    assert_same(out[1], out[0], **TOL[np.float32])


def test_hot_path_does_not_allocate_state_per_step() -> None:
    """The state tensors are updated in place: the same objects (and buffers) from step to step."""
    p = ember.ones(5, requires_grad=True)
    opt = ember.optim.Adam([p], lr=0.1)
    p.grad = ember.ones(5)
    opt.step()
    ids = {k: (id(v), v._data.__array_interface__["data"][0]) for k, v in opt.state[p].items()}
    for _ in range(3):
        opt.step()
    assert ids == {k: (id(v), v._data.__array_interface__["data"][0]) for k, v in opt.state[p].items()}
