"""nn.init against torch.nn.init: deterministic fills value for value, random fills by their statistics on large
tensors (bounds, mean, std measured on torch's own output of the same call), gains, fans, errors, warnings."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import assert_same, check_same_error, torch

import ember

LIBS = (ember, torch)
SHAPE = (300, 400)  # 120k samples: the std of a std estimate is ~0.2%


def run(fn, lib, shape=SHAPE, dtype="float32", requires_grad=True):
    """fn(lib, tensor) on a fresh (parameter-like) tensor; returns the filled values as float64."""
    t = lib.empty(*shape, dtype=getattr(lib, dtype), requires_grad=requires_grad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = fn(lib, t)
    assert r is t, "init functions return their argument"
    assert t.grad_fn is None and t.is_leaf and t.requires_grad == requires_grad
    return t.detach().numpy().astype(np.float64)


def same_stats(fn, shape=SHAPE, rel=0.05, bounded=False, **kw):
    """ember's fill has the distribution of torch's (torch's numbers from the same call, not from a table): the
    same mean, std and quantiles (to `rel` of a std), and when bounded, the same range. Both RNGs are seeded, so
    the check is deterministic."""
    ember.manual_seed(0)
    torch.manual_seed(0)
    e, t = run(fn, ember, shape, **kw), run(fn, torch, shape, **kw)
    spread = t.std()
    assert abs(e.std() - spread) <= 0.4 * rel * spread, f"std {e.std()} vs torch {spread}"
    assert abs(e.mean() - t.mean()) <= 0.4 * rel * spread + 1e-12, f"mean {e.mean()} vs torch {t.mean()}"
    qs = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
    np.testing.assert_allclose(np.quantile(e, qs), np.quantile(t, qs), atol=rel * spread, rtol=0)
    if bounded:
        width = t.max() - t.min()
        assert e.min() >= t.min() - 1e-3 * width and e.max() <= t.max() + 1e-3 * width
        assert e.max() - e.min() > 0.99 * width
    return e, t


# ---------------------------------------------------------------------------------------------- gains and fans
@pytest.mark.parametrize("args", [("linear",), ("conv1d",), ("conv2d",), ("conv3d",), ("conv_transpose1d",),
                                  ("conv_transpose2d",), ("conv_transpose3d",), ("sigmoid",), ("tanh",), ("relu",),
                                  ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu",),
                                  ("leaky_relu", True), ("leaky_relu", "x"), ("gelu",), ("Relu",)])  # fmt: skip
def test_calculate_gain(args):
    try:
        t = torch.nn.init.calculate_gain(*args)
    except ValueError:
        check_same_error(lambda lib: lib.nn.init.calculate_gain(*args))
        return
    e = ember.nn.init.calculate_gain(*args)
    assert type(e) is type(t) and e == t


@pytest.mark.parametrize("shape", [(3, 4), (5, 2, 3), (6, 4, 3, 2), (2, 1, 1, 1, 7)])
def test_fans(shape):
    for mode in ("fan_in", "fan_out"):
        e = ember.nn.init._calculate_correct_fan(ember.empty(*shape), mode)
        assert e == torch.nn.init._calculate_correct_fan(torch.empty(*shape), mode)
    e = ember.nn.init._calculate_fan_in_and_fan_out(ember.empty(*shape))
    assert e == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))


INIT_ERRORS = [
    lambda lib: lib.nn.init._calculate_fan_in_and_fan_out(lib.empty(3)),
    lambda lib: lib.nn.init.xavier_uniform_(lib.empty(3)),
    lambda lib: lib.nn.init.xavier_normal_(lib.empty(())),
    lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(3, 2), mode="fan_avg"),
    lambda lib: lib.nn.init.kaiming_normal_(lib.empty(3, 2), nonlinearity="swish"),
    lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(4)),
    lambda lib: lib.nn.init.eye_(lib.empty(2, 2, 2)),
    lambda lib: lib.nn.init.dirac_(lib.empty(2, 2)),
    lambda lib: lib.nn.init.dirac_(lib.empty(3, 2, 3), groups=2),
    lambda lib: lib.nn.init.orthogonal_(lib.empty(4)),
    lambda lib: lib.nn.init.sparse_(lib.empty(2, 3, 4), 0.5),
    lambda lib: lib.nn.init.uniform_(lib.empty(3), 2.0, 1.0),
    lambda lib: lib.nn.init.normal_(lib.empty(3), 0.0, -1.0),
]


@pytest.mark.parametrize("i", range(len(INIT_ERRORS)))
def test_errors(i):
    check_same_error(INIT_ERRORS[i])


# ---------------------------------------------------------------------------------------------- deterministic fills
@pytest.mark.parametrize("fn", [
    lambda lib, t: lib.nn.init.constant_(t, 0.25),
    lambda lib, t: lib.nn.init.ones_(t),
    lambda lib, t: lib.nn.init.zeros_(t),
    lambda lib, t: lib.nn.init.eye_(t),
], ids=["constant", "ones", "zeros", "eye"])  # fmt: skip
@pytest.mark.parametrize("shape", [(3, 5), (4, 2)])
def test_deterministic_fills(fn, shape):
    assert_same(ember.tensor(run(fn, ember, shape)), torch.tensor(run(fn, torch, shape)))


@pytest.mark.parametrize("shape,groups", [((4, 3, 5), 1), ((6, 2, 3, 3), 2), ((4, 4, 3, 2, 5), 2), ((2, 5, 3), 1)])
def test_dirac(shape, groups):
    fn = lambda lib, t: lib.nn.init.dirac_(t, groups)
    assert_same(ember.tensor(run(fn, ember, shape)), torch.tensor(run(fn, torch, shape)))


def test_constant_keeps_dtype_and_int():
    for lib in LIBS:
        t = lib.zeros(3, dtype=lib.int64)
        lib.nn.init.constant_(t, 7)
        assert t.tolist() == [7, 7, 7] and t.dtype == lib.int64
    e = ember.nn.init.ones_(ember.empty(2, 3, dtype=ember.float64))
    assert_same(e, torch.nn.init.ones_(torch.empty(2, 3, dtype=torch.float64)))


# ---------------------------------------------------------------------------------------------- random fills
RANDOM_INITS = {
    "uniform": lambda lib, t: lib.nn.init.uniform_(t, -0.5, 2.0),
    "uniform_default": lambda lib, t: lib.nn.init.uniform_(t),
    "normal": lambda lib, t: lib.nn.init.normal_(t, 1.0, 0.3),
    "normal_default": lambda lib, t: lib.nn.init.normal_(t),
    "xavier_uniform": lambda lib, t: lib.nn.init.xavier_uniform_(t),
    "xavier_uniform_gain": lambda lib, t: lib.nn.init.xavier_uniform_(t, gain=lib.nn.init.calculate_gain("relu")),
    "xavier_normal": lambda lib, t: lib.nn.init.xavier_normal_(t, gain=2.0),
    "kaiming_uniform": lambda lib, t: lib.nn.init.kaiming_uniform_(t),
    "kaiming_uniform_sqrt5": lambda lib, t: lib.nn.init.kaiming_uniform_(t, a=5**0.5),
    "kaiming_uniform_fan_out": lambda lib, t: lib.nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"),
    "kaiming_normal": lambda lib, t: lib.nn.init.kaiming_normal_(t),
    "kaiming_normal_tanh_out": lambda lib, t: lib.nn.init.kaiming_normal_(t, mode="FAN_OUT", nonlinearity="tanh"),
    "trunc_normal": lambda lib, t: lib.nn.init.trunc_normal_(t),
    "trunc_normal_narrow": lambda lib, t: lib.nn.init.trunc_normal_(t, mean=0.5, std=0.2, a=0.0, b=1.0),
    "trunc_normal_tail": lambda lib, t: lib.nn.init.trunc_normal_(t, mean=0.0, std=1.0, a=2.0, b=3.0),
    "trunc_normal_far": lambda lib, t: lib.nn.init.trunc_normal_(t, mean=5.0, std=1.0, a=-1.0, b=1.0),
}


@pytest.mark.parametrize("name", sorted(RANDOM_INITS))
def test_random_fill_statistics(name):
    same_stats(RANDOM_INITS[name], bounded="uniform" in name)


@pytest.mark.parametrize("shape", [(64, 8, 3, 3), (200, 30, 5)])
@pytest.mark.parametrize("name", ["xavier_uniform", "kaiming_uniform", "kaiming_normal_tanh_out"])
def test_random_fill_statistics_conv_shapes(name, shape):
    same_stats(RANDOM_INITS[name], shape, rel=0.15, bounded="uniform" in name)


def test_uniform_bounds_exact():
    for fn in (RANDOM_INITS["uniform"], RANDOM_INITS["kaiming_uniform_sqrt5"], RANDOM_INITS["xavier_uniform"]):
        e, t = run(fn, ember), run(fn, torch)
        # both lie inside the same interval and nearly fill it
        width = t.max() - t.min()
        assert e.min() >= t.min() - 1e-3 * width and e.max() <= t.max() + 1e-3 * width
        assert e.max() - e.min() > 0.999 * width


def test_trunc_normal_bounds():
    for a, b in ((-2.0, 2.0), (0.0, 1.0), (2.0, 3.0), (-0.01, 0.01)):
        for lib in LIBS:
            v = run(lambda lib, t, a=a, b=b: lib.nn.init.trunc_normal_(t, 0.0, 1.0, a, b), lib, (50, 60))
            assert v.min() >= a and v.max() <= b


def test_trunc_normal_warning():
    def f(lib):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.init.trunc_normal_(lib.empty(10), mean=10.0, std=1.0, a=-1.0, b=1.0)
        return [(x.category.__name__, str(x.message)) for x in w]

    assert f(ember) == f(torch) and len(f(ember)) == 1


@pytest.mark.parametrize("shape", [(20, 20), (10, 30), (30, 10), (6, 3, 2, 2)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal(shape, gain):
    fn = lambda lib, t: lib.nn.init.orthogonal_(t, gain=gain)
    e, t = run(fn, ember, shape).reshape(shape[0], -1), run(fn, torch, shape).reshape(shape[0], -1)
    # rows (or columns, whichever are fewer) are orthogonal with norm `gain`: compare the Gram matrices
    for m in (e, t):
        gram = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
        if m is e:
            e_gram = gram
    np.testing.assert_allclose(e_gram, gram, atol=1e-4 * gain**2)
    assert abs(np.abs(e).mean() - np.abs(t).mean()) < 0.1 * np.abs(t).mean()


def test_orthogonal_empty():
    for lib in LIBS:
        t = lib.empty(0, 3)
        assert lib.nn.init.orthogonal_(t) is t


@pytest.mark.parametrize("sparsity", [0.1, 0.5, 0.93])
def test_sparse(sparsity):
    fn = lambda lib, t: lib.nn.init.sparse_(t, sparsity, std=0.05)
    e, t = run(fn, ember, (40, 300)), run(fn, torch, (40, 300))
    assert np.array_equal((e == 0).sum(0), (t == 0).sum(0))  # the same number of zeros in every column
    ne, nt = e[e != 0], t[t != 0]
    assert abs(ne.std() - nt.std()) < 0.06 * nt.std()


# ---------------------------------------------------------------------------------------------- generator, grad mode
GENERATOR_CALLS = {
    "uniform": lambda lib, t, g: lib.nn.init.uniform_(t, generator=g),
    "normal": lambda lib, t, g: lib.nn.init.normal_(t, generator=g),
    "xavier_uniform": lambda lib, t, g: lib.nn.init.xavier_uniform_(t, generator=g),
    "xavier_normal": lambda lib, t, g: lib.nn.init.xavier_normal_(t, generator=g),
    "kaiming_uniform": lambda lib, t, g: lib.nn.init.kaiming_uniform_(t, generator=g),
    "kaiming_normal": lambda lib, t, g: lib.nn.init.kaiming_normal_(t, generator=g),
    "trunc_normal": lambda lib, t, g: lib.nn.init.trunc_normal_(t, generator=g),
    "trunc_normal_tail": lambda lib, t, g: lib.nn.init.trunc_normal_(t, 0.0, 1.0, 2.0, 3.0, generator=g),
    "orthogonal": lambda lib, t, g: lib.nn.init.orthogonal_(t, generator=g),
    "sparse": lambda lib, t, g: lib.nn.init.sparse_(t, 0.5, generator=g),
}


@pytest.mark.parametrize("name", sorted(GENERATOR_CALLS))
def test_generator_reproducible(name):
    """The same seeded generator gives the same values; another seed other values (so the generator is used)."""
    libs = (ember,) if name == "sparse" else LIBS  # torch's sparse_ draws its permutations from the global RNG
    for lib in libs:
        vals = []
        for seed in (123, 123, 7):
            g = lib.Generator().manual_seed(seed)
            t = lib.empty(6, 5)
            GENERATOR_CALLS[name](lib, t, g)
            vals.append(t.tolist())
        assert vals[0] == vals[1] and vals[0] != vals[2]


def test_init_under_grad_mode_on_parameters():
    for lib in LIBS:
        p = lib.nn.Parameter(lib.empty(3, 4))
        for fn in RANDOM_INITS.values():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fn(lib, p)
        lib.nn.init.orthogonal_(p)
        lib.nn.init.eye_(p)
        lib.nn.init.zeros_(p)
        assert p.grad_fn is None and p.requires_grad and p.is_leaf


def test_zero_element_warning():
    def f(lib):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            t = lib.empty(0, 3)
            lib.nn.init.kaiming_uniform_(t)
            lib.nn.init.kaiming_normal_(t)
        return [(x.category.__name__, str(x.message)) for x in w]

    assert f(ember) == f(torch)


@pytest.mark.parametrize("name", ["uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
                                  "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"])  # fmt: skip
def test_deprecated_aliases(name):
    args = {"constant": (0.5,), "sparse": (0.1,)}.get(name, ())
    shape = (3, 3, 3) if name == "dirac" else (3, 4)

    def f(lib):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            getattr(lib.nn.init, name)(lib.empty(*shape), *args)
        return [(x.category.__name__, str(x.message)) for x in w], getattr(lib.nn.init, name).__name__

    assert f(ember) == f(torch)
