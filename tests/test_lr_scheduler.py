"""ember.optim.lr_scheduler (and swa_utils.SWALR) against torch: lr sequences, momentum cycling, state_dict round
trips, warnings, chaining, errors."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pytest
from helpers import check_error, torch

import ember

N_STEPS = 35


def make_opt(lib: Any, kind: str = "sgd") -> Any:
    """Two param groups with different lrs; SGD with momentum, or Adam (for beta1 cycling)."""
    a, b = lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)
    if kind == "adam":
        return lib.optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1)
    return lib.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1, momentum=0.9)


def _lambda(e: int) -> float:
    return 0.95**e


class Mul:
    """A callable object (not a function): its __dict__ goes into the state_dict."""

    def __init__(self, factor: float) -> None:
        self.factor = factor

    def __call__(self, e: int) -> float:
        return self.factor if e % 4 else 1.0


def seq(lib: Any, opt: Any) -> Any:
    S = lib.optim.lr_scheduler
    s1 = S.LinearLR(opt, start_factor=0.1, total_iters=5)
    s2 = S.CosineAnnealingLR(opt, T_max=12, eta_min=0.001)
    s3 = S.StepLR(opt, step_size=4, gamma=0.5)
    return S.SequentialLR(opt, [s1, s2, s3], milestones=[5, 17])


def chained(lib: Any, opt: Any) -> Any:
    S = lib.optim.lr_scheduler
    return S.ChainedScheduler([S.ConstantLR(opt, factor=0.5, total_iters=6), S.ExponentialLR(opt, gamma=0.93)])


def chained_in_seq(lib: Any, opt: Any) -> Any:
    S = lib.optim.lr_scheduler
    c = S.ChainedScheduler([S.ConstantLR(opt, factor=0.5, total_iters=3), S.MultiStepLR(opt, [2, 9], gamma=0.5)])
    return S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.2, total_iters=4), c], milestones=[6])


def seq_in_chained(lib: Any, opt: Any) -> Any:
    S = lib.optim.lr_scheduler
    s = S.SequentialLR(
        opt, [S.ConstantLR(opt, factor=0.5, total_iters=3), S.MultiStepLR(opt, [2, 9], gamma=0.5)], milestones=[4]
    )
    return S.ChainedScheduler([s, S.ExponentialLR(opt, gamma=0.97)])


def cyclic_fn(x: float) -> float:
    return 1 / (1.0 + x)


# (id, optimizer kind, constructor(lib, opt))
SCHEDULERS: list[tuple[str, str, Callable[[Any, Any], Any]]] = [
    ("LambdaLR", "sgd", lambda lib, o: lib.optim.lr_scheduler.LambdaLR(o, _lambda)),
    ("LambdaLR-list", "sgd", lambda lib, o: lib.optim.lr_scheduler.LambdaLR(o, [_lambda, Mul(0.5)])),
    ("MultiplicativeLR", "sgd", lambda lib, o: lib.optim.lr_scheduler.MultiplicativeLR(o, Mul(0.9))),
    ("StepLR", "sgd", lambda lib, o: lib.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.3)),
    ("MultiStepLR", "sgd", lambda lib, o: lib.optim.lr_scheduler.MultiStepLR(o, [3, 10, 10, 25], gamma=0.5)),
    ("ConstantLR", "sgd", lambda lib, o: lib.optim.lr_scheduler.ConstantLR(o, factor=0.25, total_iters=8)),
    (
        "LinearLR",
        "sgd",
        lambda lib, o: lib.optim.lr_scheduler.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=20),
    ),
    ("ExponentialLR", "sgd", lambda lib, o: lib.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)),
    ("PolynomialLR", "sgd", lambda lib, o: lib.optim.lr_scheduler.PolynomialLR(o, total_iters=20, power=2.0)),
    ("CosineAnnealingLR", "sgd", lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.01)),
    (
        "CosineAnnealingWarmRestarts",
        "sgd",
        lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2, eta_min=0.001),
    ),
    (
        "CosineAnnealingWarmRestarts-1",
        "sgd",
        lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=6),
    ),
    ("CyclicLR", "sgd", lambda lib, o: lib.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=4)),
    (
        "CyclicLR-triangular2",
        "sgd",
        lambda lib, o: lib.optim.lr_scheduler.CyclicLR(
            o, [0.01, 0.02], [0.1, 0.3], step_size_up=3, step_size_down=5, mode="triangular2"
        ),
    ),
    (
        "CyclicLR-exp_range-adam",
        "adam",
        lambda lib, o: lib.optim.lr_scheduler.CyclicLR(
            o, 0.01, 0.1, step_size_up=5, mode="exp_range", gamma=0.9, base_momentum=0.7, max_momentum=0.95
        ),
    ),
    (
        "CyclicLR-scale_fn",
        "sgd",
        lambda lib, o: lib.optim.lr_scheduler.CyclicLR(
            o, 0.01, 0.1, step_size_up=4, scale_fn=cyclic_fn, scale_mode="iterations", cycle_momentum=False
        ),
    ),
    ("OneCycleLR", "sgd", lambda lib, o: lib.optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=N_STEPS + 1)),
    (
        "OneCycleLR-linear-3phase-adam",
        "adam",
        lambda lib, o: lib.optim.lr_scheduler.OneCycleLR(
            o, max_lr=[0.5, 1.0], epochs=4, steps_per_epoch=9, anneal_strategy="linear", three_phase=True
        ),
    ),
    (
        "OneCycleLR-no-momentum",
        "sgd",
        lambda lib, o: lib.optim.lr_scheduler.OneCycleLR(
            o, max_lr=0.3, total_steps=40, pct_start=0.25, cycle_momentum=False, div_factor=10.0, final_div_factor=100.0
        ),
    ),
    ("SequentialLR", "sgd", seq),
    ("ChainedScheduler", "sgd", chained),
    ("Sequential-in-Chained", "sgd", seq_in_chained),
    ("SWALR-cos", "sgd", lambda lib, o: lib.optim.swa_utils.SWALR(o, swa_lr=0.02, anneal_epochs=7)),
    (
        "SWALR-linear",
        "sgd",
        lambda lib, o: lib.optim.swa_utils.SWALR(o, swa_lr=[0.02, 0.5], anneal_epochs=5, anneal_strategy="linear"),
    ),
    ("SWALR-0", "sgd", lambda lib, o: lib.optim.swa_utils.SWALR(o, swa_lr=0.02, anneal_epochs=0)),
]


def groups_view(opt: Any) -> list[dict[str, Any]]:
    """The param groups without the tensors."""
    return [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]


def plain(sd: Any) -> Any:
    """A scheduler state_dict with the sub-states compared as plain data."""
    if isinstance(sd, dict):
        return {k: plain(v) for k, v in sd.items()}
    if isinstance(sd, (list, tuple)):
        return type(sd)(plain(v) for v in sd)
    return sd


def run(lib: Any, kind: str, ctor: Callable[[Any, Any], Any], steps: int = N_STEPS) -> tuple[list, list, Any, Any]:
    opt = make_opt(lib, kind)
    sched = ctor(lib, opt)
    lrs, groups = [sched.get_last_lr()], [groups_view(opt)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the right order of calls gives no warning
        for _ in range(steps):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
            groups.append(groups_view(opt))
    return lrs, groups, sched, opt


@pytest.mark.parametrize("case", SCHEDULERS, ids=[c[0] for c in SCHEDULERS])
def test_lr_sequence_and_state_dict(case: tuple[str, str, Callable]) -> None:
    _, kind, ctor = case
    e_lrs, e_groups, e_s, _ = run(ember, kind, ctor)
    t_lrs, t_groups, t_s, _ = run(torch, kind, ctor)
    assert e_lrs == t_lrs
    assert e_groups == t_groups  # lr, initial_lr, momentum / betas, max_lr, swa_lr ...
    e_sd, t_sd = e_s.state_dict(), t_s.state_dict()
    assert list(e_sd) == list(t_sd)
    assert plain(e_sd) == plain(t_sd)


@pytest.mark.parametrize("case", SCHEDULERS, ids=[c[0] for c in SCHEDULERS])
def test_state_dict_round_trip(case: tuple[str, str, Callable]) -> None:
    """Save optimizer and scheduler at step 12, restore both into fresh objects, continue: torch's sequence."""
    _, kind, ctor = case
    t_lrs, _, _, _ = run(torch, kind, ctor)
    _, _, e_s, e_opt = run(ember, kind, ctor, steps=12)
    sched_sd, opt_sd = copy.deepcopy(e_s.state_dict()), copy.deepcopy(e_opt.state_dict())
    opt2 = make_opt(ember, kind)
    s2 = ctor(ember, opt2)
    s2.load_state_dict(sched_sd)
    opt2.load_state_dict(opt_sd)  # after the scheduler, as torch's docs say
    lrs = [s2.get_last_lr()]
    for _ in range(12, N_STEPS):
        opt2.step()
        s2.step()
        lrs.append(s2.get_last_lr())
    assert lrs == t_lrs[12:]


PLATEAU = [
    {},
    {"mode": "max", "factor": 0.5, "patience": 2},
    {"threshold_mode": "abs", "threshold": 0.05, "patience": 1, "cooldown": 2},
    {"mode": "max", "threshold_mode": "abs", "threshold": 0.1, "patience": 0, "min_lr": [0.02, 0.001], "eps": 1e-3},
    {"patience": 1, "min_lr": 0.004, "factor": 0.3},
]


@pytest.mark.parametrize("kw", PLATEAU, ids=[str(k) for k in PLATEAU])
def test_reduce_lr_on_plateau(kw: dict[str, Any]) -> None:
    metrics = [
        1.0,
        0.9,
        0.9,
        0.905,
        0.899,
        0.95,
        0.95,
        0.8,
        0.8,
        0.8,
        0.8,
        0.81,
        0.7,
        0.7,
        0.7,
        0.7,
        0.71,
        0.72,
        0.69,
        0.69,
        0.69,
        0.69,
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
        0.6,
        0.6,
        0.4,
        0.4,
        0.4,
        0.4,
        0.4,
        0.4,
    ]
    out = []
    for lib in (torch, ember):
        opt = make_opt(lib)
        s = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
        lrs = [s.get_last_lr()]
        for i, m in enumerate(metrics):
            opt.step()
            s.step(lib.tensor(m) if i % 2 else m)
            lrs.append(s.get_last_lr())
        sd = s.state_dict()
        out.append((lrs, sd, [s.best, s.num_bad_epochs, s.cooldown_counter, s.in_cooldown]))
    assert out[1][0] == out[0][0]
    assert list(out[1][1]) == list(out[0][1]) and out[1][1] == out[0][1]
    assert out[1][2] == out[0][2]


def test_reduce_lr_on_plateau_round_trip() -> None:
    metrics = [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
    out = []
    for lib in (torch, ember):
        opt = make_opt(lib)
        s = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1)
        for m in metrics[:5]:
            s.step(m)
        opt2 = make_opt(lib)
        s2 = lib.optim.lr_scheduler.ReduceLROnPlateau(opt2, patience=1)
        s2.load_state_dict(copy.deepcopy(s.state_dict()))
        opt2.load_state_dict(copy.deepcopy(opt.state_dict()))
        for m in metrics[5:]:
            s2.step(m)
        out.append(s2.get_last_lr())
    assert out[0] == out[1]


def test_reduce_lr_on_plateau_new_group() -> None:
    def fn(lib: Any) -> None:
        opt = make_opt(lib)
        s = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=[0.0, 0.0])
        opt.add_param_group({"params": [lib.zeros(1, requires_grad=True)]})
        s.step(1.0)
        s.step(2.0)

    check_error(fn, "same")


def capture(fn: Callable[[], Any]) -> list[tuple[str, str]]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [(x.category.__name__, str(x.message)) for x in w]


def test_warning_scheduler_step_before_optimizer_step() -> None:
    out = []
    for lib in (torch, ember):
        opt = make_opt(lib)
        s = lib.optim.lr_scheduler.StepLR(opt, 2)
        first = capture(s.step)
        second = capture(s.step)  # only the first step() checks
        out.append((first, second, s.get_last_lr()))
    assert out[0] == out[1]
    assert len(out[1][0]) == 1 and "Detected call of `lr_scheduler.step()` before `optimizer.step()`" in out[1][0][0][1]


def test_warning_optimizer_step_overridden() -> None:
    out = []
    for lib in (torch, ember):
        opt = make_opt(lib)
        s = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        opt.step = lambda closure=None: None  # replaced after the scheduler wrapped it
        out.append(capture(s.step))
    assert out[0] == out[1] and len(out[1]) == 1


def test_no_warning_in_right_order_and_one_wrap() -> None:
    for lib in (torch, ember):
        opt = make_opt(lib)
        s1 = lib.optim.lr_scheduler.StepLR(opt, 2)
        s2 = lib.optim.lr_scheduler.ExponentialLR(opt, 0.9)
        step = opt.step
        assert getattr(step, "_wrapped_by_lr_sched", False)
        opt.step()
        assert capture(s1.step) == [] and capture(s2.step) == []
        assert opt._opt_called is True


def test_get_lr_outside_step_warns() -> None:
    out = []
    for lib in (torch, ember):
        s = lib.optim.lr_scheduler.StepLR(make_opt(lib), 2)
        out.append(capture(s.get_lr))
    assert out[0] == out[1] and len(out[1]) == 1


CLOSED_FORM = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [2, 5, 5], "gamma": 0.5}),
    ("ConstantLR", {"factor": 0.5, "total_iters": 4}),
    ("LinearLR", {"start_factor": 0.2, "total_iters": 6}),
    ("ExponentialLR", {"gamma": 0.8}),
    ("PolynomialLR", {"total_iters": 6, "power": 1.5}),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.001}),
    ("LambdaLR", {"lr_lambda": _lambda}),
    ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2}),
]


@pytest.mark.parametrize("case", CLOSED_FORM, ids=[c[0] for c in CLOSED_FORM])
def test_epoch_argument(case: tuple[str, dict[str, Any]]) -> None:
    """step(epoch) warns that it is deprecated and uses the closed form where there is one."""
    name, kw = case
    epochs = [1, 2, 5, 3, 9, 0, 4, 12, 7.5] if name == "CosineAnnealingWarmRestarts" else [1, 2, 5, 3, 9, 0, 4, 12]
    out = []
    for lib in (torch, ember):
        opt = make_opt(lib)
        s = getattr(lib.optim.lr_scheduler, name)(opt, **kw)
        opt.step()
        lrs, ws = [], []
        for e in epochs:
            ws.append(capture(partial(s.step, e)))
            lrs.append(s.get_last_lr())
        out.append((lrs, ws, s.last_epoch))
    assert out[0] == out[1]


def test_warm_restarts_fractional_epochs() -> None:
    out = []
    for lib in (torch, ember):
        opt = make_opt(lib)
        s = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=3, eta_min=0.01)
        lrs = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in range(6):
                for i in range(4):
                    s.step(epoch + i / 4)
                    lrs.append((s.get_last_lr(), s.T_cur, s.T_i))
        out.append(lrs)
    assert out[0] == out[1]


def test_resume_with_last_epoch() -> None:
    out = []
    for lib in (torch, ember):
        opt = make_opt(lib)
        for g in opt.param_groups:
            g["initial_lr"] = g["lr"]
        s = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, last_epoch=4)
        lrs = [s.get_last_lr()]
        for _ in range(5):
            opt.step()
            s.step()
            lrs.append(s.get_last_lr())
        out.append(lrs)
    assert out[0] == out[1]
    check_error(lambda lib: lib.optim.lr_scheduler.StepLR(make_opt(lib), 3, last_epoch=2), "same")


def test_onecycle_too_many_steps() -> None:
    def fn(lib: Any) -> None:
        opt = make_opt(lib)
        s = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=3)
        for _ in range(4):
            opt.step()
            s.step()

    check_error(fn, "same")


def test_tensor_lr() -> None:
    """A tensor lr is filled in place by the scheduler; get_last_lr() holds clones."""
    out = []
    for lib in (torch, ember):
        w = lib.zeros(2, requires_grad=True)
        lr = lib.tensor(0.1)
        opt = lib.optim.SGD([w], lr=lr)
        s = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        for _ in range(3):
            w.grad = lib.ones(2)
            opt.step()
            s.step()
        last = s.get_last_lr()[0]
        out.append((float(lr), float(last), last is lr, opt.param_groups[0]["lr"] is lr, w.tolist()))
    np.testing.assert_allclose(out[1][0:2], out[0][0:2], rtol=1e-6)
    assert out[1][2:4] == out[0][2:4]
    np.testing.assert_allclose(out[1][4], out[0][4], rtol=1e-6)


ERRORS = [
    lambda lib: lib.optim.lr_scheduler.StepLR("not an optimizer", 3),
    lambda lib: lib.optim.lr_scheduler.LambdaLR(make_opt(lib), [_lambda]),
    lambda lib: lib.optim.lr_scheduler.MultiplicativeLR(make_opt(lib), [_lambda, 3]),
    lambda lib: lib.optim.lr_scheduler.ConstantLR(make_opt(lib), factor=1.5),
    lambda lib: lib.optim.lr_scheduler.LinearLR(make_opt(lib), start_factor=0),
    lambda lib: lib.optim.lr_scheduler.LinearLR(make_opt(lib), end_factor=2),
    lambda lib: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(make_opt(lib), T_0=0),
    lambda lib: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(make_opt(lib), T_0=2, T_mult=1.5),
    lambda lib: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(make_opt(lib), T_0=2, eta_min="x"),
    lambda lib: lib.optim.lr_scheduler.CyclicLR(make_opt(lib), 0.1, 1.0, mode="bogus"),
    lambda lib: lib.optim.lr_scheduler.CyclicLR(make_opt(lib), [0.1], 1.0),
    lambda lib: lib.optim.lr_scheduler.CyclicLR(lib.optim.Adagrad([lib.zeros(1, requires_grad=True)]), 0.1, 1.0),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(make_opt(lib), 1.0),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(make_opt(lib), 1.0, total_steps=-2),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(make_opt(lib), 1.0, epochs=2, steps_per_epoch=0),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(make_opt(lib), 1.0, total_steps=5, pct_start=1),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(make_opt(lib), 1.0, total_steps=5, anneal_strategy="x"),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(make_opt(lib), factor=1.0),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(make_opt(lib), mode="up"),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(make_opt(lib), threshold_mode="x"),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(make_opt(lib), min_lr=[0.1]),
    lambda lib: lib.optim.lr_scheduler.SequentialLR(make_opt(lib), [], []),
    lambda lib: lib.optim.lr_scheduler.ChainedScheduler([]),
    lambda lib: lib.optim.lr_scheduler.SequentialLR(
        o := make_opt(lib), [lib.optim.lr_scheduler.StepLR(o, 2)], milestones=[3]
    ),
    lambda lib: lib.optim.lr_scheduler.SequentialLR(
        make_opt(lib), [lib.optim.lr_scheduler.StepLR(make_opt(lib), 2)], milestones=[]
    ),
    lambda lib: lib.optim.lr_scheduler.ChainedScheduler([lib.optim.lr_scheduler.ReduceLROnPlateau(make_opt(lib))]),
    lambda lib: lib.optim.swa_utils.SWALR(make_opt(lib), 0.1, anneal_strategy="x"),
    lambda lib: lib.optim.swa_utils.SWALR(make_opt(lib), 0.1, anneal_epochs=-1),
    lambda lib: lib.optim.swa_utils.SWALR(make_opt(lib), [0.1]),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i: int) -> None:
    check_error(ERRORS[i], "same")


def test_chained_inside_sequential_fails_at_the_milestone() -> None:
    """torch's SequentialLR restarts the next scheduler with _update_lr(0), which a ChainedScheduler cannot do."""

    def fn(lib: Any) -> None:
        opt = make_opt(lib)
        s = chained_in_seq(lib, opt)
        for _ in range(8):
            opt.step()
            s.step()

    check_error(fn, None)


def test_base_class_and_aliases() -> None:
    S = ember.optim.lr_scheduler
    assert issubclass(S._LRScheduler, S.LRScheduler)
    assert sorted(S.__all__) == sorted(torch.optim.lr_scheduler.__all__)
    assert S.StepLR(make_opt(ember), 1).base_lrs == torch.optim.lr_scheduler.StepLR(make_opt(torch), 1).base_lrs
    with pytest.raises(NotImplementedError):
        S.LRScheduler(make_opt(ember))
