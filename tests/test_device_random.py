"""Devices, dtype moves and random numbers against torch: device objects, CPU-only errors for CUDA, to()/casts,
and the random factories' shapes, dtypes, ranges, statistics and seeding (the numbers themselves differ)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import same, torch

import ember

# ---------------------------------------------------------------------------------------------- device
DEVICES = ["cpu", "cuda", "cuda:1", "cpu:0", "meta", "mps", "xla:2"]


@pytest.mark.parametrize("name", DEVICES)
def test_device_object(name):
    def f(lib):
        d = lib.device(name)
        return repr(d), str(d), d.type, d.index, d == lib.device(name), hash(d) == hash(lib.device(name))

    same(f)


@pytest.mark.parametrize(
    "args",
    [("cuda", 1), ("cpu", 0), ("gpu",), ("cpu:x",), ("cuda:-1",), ("cuda:1", 2), (0,), ("",), ("cpu", "0"),
     (None,), (1.5,)],
    ids=str,
)  # fmt: skip
def test_device_constructor_forms(args):
    same(lambda lib: lib.device(*args))


def test_device_equality():
    def f(lib):
        c = lib.device("cpu")
        return (c == lib.device("cpu"), c == lib.device("cpu", 0), c == "cpu", c != lib.device("cuda"),
                c == lib.device(c), {c: 1}.get(lib.device("cpu")), lib.ones(2).device == c,
                str(lib.ones(2).device), lib.device("cuda", 0) == lib.device("cuda:0"))  # fmt: skip

    same(f)


@pytest.mark.parametrize("dev", ["cpu", "cpu_obj", "none"])
def test_device_cpu_everywhere(dev):
    def f(lib):
        d = {"cpu": "cpu", "cpu_obj": lib.device("cpu"), "none": None}[dev]
        ts = [lib.zeros(2, device=d), lib.ones(2, device=d), lib.empty(2, device=d), lib.full((2,), 1.0, device=d),
              lib.arange(3, device=d), lib.linspace(0, 1, 3, device=d), lib.eye(2, device=d),
              lib.tensor([1.0], device=d), lib.rand(2, device=d), lib.randn(2, device=d),
              lib.randint(0, 3, (2,), device=d), lib.randperm(3, device=d), lib.zeros_like(lib.ones(2), device=d),
              lib.ones(2).new_zeros(2, device=d), lib.as_tensor([1, 2], device=d), lib.ones(2).to(d)]  # fmt: skip
        return [(repr(t.device), t.is_cuda, t.get_device()) for t in ts]

    same(f)


CUDA_CALLS = {
    "to_str": lambda lib: lib.ones(2).to("cuda"),
    "to_kw": lambda lib: lib.ones(2).to(device="cuda"),
    "to_device": lambda lib: lib.ones(2).to(lib.device("cuda")),
    "to_index": lambda lib: lib.ones(2).to("cuda:0"),
    "to_int": lambda lib: lib.ones(2).to(1),
    "cuda": lambda lib: lib.ones(2).cuda(),
    "cuda_0": lambda lib: lib.ones(2).cuda(0),
    "zeros": lambda lib: lib.zeros(2, device="cuda"),
    "tensor": lambda lib: lib.tensor([1.0], device="cuda"),
    "randn": lambda lib: lib.randn(2, device="cuda"),
    "arange": lambda lib: lib.arange(3, device="cuda"),
    "zeros_like": lambda lib: lib.zeros_like(lib.ones(2), device="cuda"),
    "new_ones": lambda lib: lib.ones(2).new_ones(2, device="cuda"),
    "mps": lambda lib: lib.ones(2).to("mps"),
    "unknown": lambda lib: lib.ones(2).to("xyz"),
    "device_int": lambda lib: lib.device(0),
    "pin_memory": lambda lib: lib.ones(2).pin_memory(),
}


@pytest.mark.parametrize("name", CUDA_CALLS)
def test_cuda_calls_fail_like_cpu_only_torch(name):
    same(CUDA_CALLS[name])


def test_cuda_module():
    same(lambda lib: (lib.cuda.is_available(), lib.cuda.device_count(), lib.ones(1).is_cuda))


# ---------------------------------------------------------------------------------------------- to() and casts
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "complex64",
          "complex128"]  # fmt: skip
SRC = np.array([-2.7, -1.0, -0.5, 0.0, 0.5, 1.5, 2.0, 3.9], dtype=np.float64)


def _src(lib, dt):
    x = lib.tensor(SRC)
    if dt == "uint8":
        x = x.abs()
    return x.to(getattr(lib, dt))


@pytest.mark.parametrize("src", DTYPES)
@pytest.mark.parametrize("dst", DTYPES)
def test_to_dtype_all_pairs(src, dst):
    # NOTE: torch warns once per process when a cast drops imaginary parts, so warnings are not compared here
    same(lambda lib: _src(lib, src).to(getattr(lib, dst)), atol=1e-3, rtol=1e-3, warnings=False)


@pytest.mark.parametrize(
    "method", ["float", "double", "half", "long", "int", "short", "char", "byte", "bool", "cfloat", "cdouble"]
)
@pytest.mark.parametrize("src", ["float32", "int64", "bool", "float64"])
def test_cast_methods(method, src):
    same(lambda lib: getattr(_src(lib, src), method)(), atol=1e-3)


def test_to_returns_self_when_nothing_changes():
    def f(lib):
        x = lib.ones(2)
        return (x.to(lib.float32) is x, x.to("cpu") is x, x.to(x) is x, x.to(lib.float32, copy=True) is x,
                x.float() is x, x.to(dtype=lib.float32, device="cpu") is x, x.to() is x, x.cpu() is x,
                x.to(non_blocking=True) is x, x.type(lib.float32) is x, x.type_as(x) is x)  # fmt: skip

    same(f)


TO_FORMS = {
    "cpu_double": lambda lib, x: x.to("cpu", lib.double),
    "device_obj_dtype": lambda lib, x: x.to(lib.device("cpu"), lib.int32),
    "kw": lambda lib, x: x.to(dtype=lib.int32, device="cpu"),
    "other": lambda lib, x: x.to(lib.ones(1, dtype=lib.int8)),
    "other_copy": lambda lib, x: x.to(lib.ones(1, dtype=lib.int8), copy=True),
    "copy": lambda lib, x: x.to(copy=True),
    "copy_same_dtype": lambda lib, x: x.to(lib.float32, copy=True),
    "two_dtypes": lambda lib, x: x.to(lib.float64, lib.float32),
    "two_devices": lambda lib, x: x.to("cpu", "cpu"),
    "bad_type": lambda lib, x: x.to([1]),
    "bad_kw": lambda lib, x: x.to(dtype="float32"),
    "type_str": lambda lib, x: x.type("torch.IntTensor"),
    "type_bad": lambda lib, x: x.type("torch.FooTensor"),
    "type_as": lambda lib, x: x.type_as(lib.ones(1, dtype=lib.int16)),
}


@pytest.mark.parametrize("name", TO_FORMS)
def test_to_forms(name):
    same(lambda lib: TO_FORMS[name](lib, lib.tensor([1.5, -2.0])))


def test_to_copy_does_not_share():
    for lib in (ember, torch):
        x = lib.ones(3)
        for y in (x.to(copy=True), x.to(lib.float32, copy=True), x.to("cpu", copy=True), x.clone()):
            y[0] = 5
            assert x[0].item() == 1
        z = x.to(lib.float64)
        z[1] = 7
        assert x[1].item() == 1


def test_to_keeps_grad():
    def f(lib):
        x = lib.ones(2, requires_grad=True)
        y = x.to(lib.float64)
        z = x.to(lib.float32)
        w = x.to(copy=True)
        return (y.requires_grad, y.grad_fn.name(), z is x, w.grad_fn.name(), x.to(lib.int64).requires_grad,
                x.detach().to(lib.float64).requires_grad)  # fmt: skip

    same(f)


# ---------------------------------------------------------------------------------------------- random: seeding
def _identical(a, b):
    """Two ember tensors hold the same numbers (ember against itself: torch draws other numbers)."""
    assert a.dtype is b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a.numpy(), b.numpy())


FACTORIES = {
    "rand": lambda lib, g=None: lib.rand(3, 4, generator=g),
    "randn": lambda lib, g=None: lib.randn(3, 4, generator=g),
    "randint": lambda lib, g=None: lib.randint(0, 10, (3, 4), generator=g),
    "randperm": lambda lib, g=None: lib.randperm(12, generator=g),
    "normal": lambda lib, g=None: lib.normal(0.0, 1.0, (3, 4), generator=g),
    "normal_tensor": lambda lib, g=None: lib.normal(lib.zeros(3, 4), lib.ones(3, 4), generator=g),
    "uniform_": lambda lib, g=None: lib.empty(3, 4).uniform_(-1, 1, generator=g),
    "normal_": lambda lib, g=None: lib.empty(3, 4).normal_(2, 3, generator=g),
}


@pytest.mark.parametrize("name", FACTORIES)
def test_manual_seed_reproducible(name):
    fn = FACTORIES[name]
    ember.manual_seed(123)
    a = fn(ember)
    ember.manual_seed(123)
    b = fn(ember)
    ember.manual_seed(124)
    c = fn(ember)
    _identical(a, b)
    assert not np.array_equal(a.numpy(), c.numpy()), "different seeds gave the same numbers"
    d = fn(ember)
    assert not np.array_equal(c.numpy(), d.numpy()), "the stream did not advance"


@pytest.mark.parametrize("name", FACTORIES)
def test_generator_argument(name):
    fn = FACTORIES[name]
    g1, g2 = ember.Generator().manual_seed(7), ember.Generator().manual_seed(7)
    ember.manual_seed(0)
    a = fn(ember, g1)
    ember.rand(5)  # the default generator is not used by a call with generator=
    b = fn(ember, g2)
    _identical(a, b)
    ember.manual_seed(0)
    ember.manual_seed(0)
    s0 = ember.get_rng_state()
    fn(ember, g1)
    assert np.array_equal(ember.get_rng_state().numpy(), s0.numpy()), "generator= touched the default generator"


def test_generator_object():
    def f(lib):
        g = lib.Generator()
        r = g.manual_seed(5)
        return (r is g, g.initial_seed(), repr(g.device), isinstance(lib.default_generator, lib.Generator),
                lib.manual_seed(3) is lib.default_generator, lib.initial_seed(), g.get_state().dtype,
                g.get_state().dim(), lib.Generator("cpu").device)  # fmt: skip

    same(f)
    same(lambda lib: lib.Generator("cuda"))
    same(lambda lib: lib.manual_seed(2**64))
    same(lambda lib: lib.manual_seed(-1).initial_seed())
    same(lambda lib: lib.manual_seed(1.5).initial_seed())


def test_rng_state_round_trip():
    ember.manual_seed(99)
    ember.randn(10)
    state = ember.get_rng_state()
    a = (ember.randn(5), ember.rand(3), ember.randint(0, 100, (4,)), ember.randperm(6))
    ember.set_rng_state(state)
    b = (ember.randn(5), ember.rand(3), ember.randint(0, 100, (4,)), ember.randperm(6))
    for x, y in zip(a, b):
        _identical(x, y)
    g = ember.Generator().manual_seed(3)
    st = g.get_state()
    x = ember.randn(4, generator=g)
    g.set_state(st)
    _identical(ember.randn(4, generator=g), x)


def test_rng_state_errors():
    same(lambda lib: lib.set_rng_state(lib.zeros(3)))
    same(lambda lib: lib.set_rng_state([1, 2]))
    same(lambda lib: lib.Generator().set_state(lib.zeros(3, dtype=lib.float32)))


def test_seed():
    s1 = ember.seed()
    assert isinstance(s1, int) and ember.initial_seed() == s1
    ts = torch.seed()
    assert isinstance(ts, int)
    torch.manual_seed(0)


# ---------------------------------------------------------------------------------------------- random: shapes, dtypes
SHAPED = {
    "rand_varargs": lambda lib: lib.rand(2, 3),
    "rand_tuple": lambda lib: lib.rand((2, 3)),
    "rand_size": lambda lib: lib.rand(lib.Size([4])),
    "rand_scalar": lambda lib: lib.rand(()),
    "rand_empty": lambda lib: lib.rand(0, 3),
    "rand_double": lambda lib: lib.rand(2, dtype=lib.float64),
    "rand_half": lambda lib: lib.rand(2, dtype=lib.float16),
    "rand_complex": lambda lib: lib.rand(2, dtype=lib.complex64),
    "rand_grad": lambda lib: lib.rand(2, requires_grad=True),
    "rand_size_kw": lambda lib: lib.rand(size=(2, 2)),
    "randn_varargs": lambda lib: lib.randn(2, 3),
    "randn_list": lambda lib: lib.randn([2, 3]),
    "randn_double": lambda lib: lib.randn(2, dtype=lib.float64),
    "randn_complex": lambda lib: lib.randn(2, dtype=lib.complex128),
    "randint_high": lambda lib: lib.randint(5, (3,)),
    "randint_low_high": lambda lib: lib.randint(2, 5, (3, 2)),
    "randint_kw": lambda lib: lib.randint(low=1, high=3, size=(3,)),
    "randint_high_kw": lambda lib: lib.randint(3, size=(2,)),
    "randint_dtype": lambda lib: lib.randint(0, 5, (3,), dtype=lib.int8),
    "randint_float": lambda lib: lib.randint(0, 5, (3,), dtype=lib.float32),
    "randint_bool": lambda lib: lib.randint(0, 2, (3,), dtype=lib.bool),
    "randint_scalar": lambda lib: lib.randint(5, ()),
    "randint_neg": lambda lib: lib.randint(-5, -2, (4,)),
    "randperm": lambda lib: lib.randperm(5),
    "randperm_0": lambda lib: lib.randperm(0),
    "randperm_float": lambda lib: lib.randperm(4, dtype=lib.float32),
    "randperm_int32": lambda lib: lib.randperm(4, dtype=lib.int32),
    "normal_float": lambda lib: lib.normal(2.0, 3.0, (2, 3)),
    "normal_int_args": lambda lib: lib.normal(0, 1, (2,)),
    "normal_tensor_mean": lambda lib: lib.normal(lib.zeros(3), 1.0),
    "normal_tensor_std": lambda lib: lib.normal(0.0, lib.ones(2, 2)),
    "normal_both": lambda lib: lib.normal(lib.zeros(2, 1), lib.ones(3)),
    "normal_double": lambda lib: lib.normal(lib.zeros(2, dtype=lib.float64), lib.ones(2)),
    "normal_dtype": lambda lib: lib.normal(0.0, 1.0, (2,), dtype=lib.float64),
    "uniform_": lambda lib: lib.zeros(2, 3).uniform_(),
    "uniform_double": lambda lib: lib.zeros(2, dtype=lib.float64).uniform_(1, 2),
    "normal_half": lambda lib: lib.zeros(2, dtype=lib.float16).normal_(),
    "uniform_complex": lambda lib: lib.zeros(2, dtype=lib.complex64).uniform_(),
    "rand_like": lambda lib: lib.rand_like(lib.ones(2, 3, dtype=lib.float64)),
    "randn_like": lambda lib: lib.randn_like(lib.ones(3)),
    "randint_like": lambda lib: lib.randint_like(lib.ones(3, dtype=lib.int32), 4),
}


@pytest.mark.parametrize("name", SHAPED)
def test_random_shapes_and_dtypes(name):
    def f(lib):
        r = SHAPED[name](lib)
        return r.shape, r.dtype, r.requires_grad, r.is_contiguous(), r.device

    same(f)


RANDOM_ERRORS = {
    "rand_int": lambda lib: lib.rand(2, dtype=lib.int64),
    "randn_bool": lambda lib: lib.randn(2, dtype=lib.bool),
    "rand_noargs": lambda lib: lib.rand(),
    "rand_neg": lambda lib: lib.rand(-1),
    "randn_float_size": lambda lib: lib.randn(2.5),
    "randint_empty_range": lambda lib: lib.randint(3, 3, (2,)),
    "randint_reversed": lambda lib: lib.randint(5, 2, (2,)),
    "randint_no_size": lambda lib: lib.randint(5),
    "randint_float_high": lambda lib: lib.randint(0, 2.5, (3,)),
    "randint_bool_range": lambda lib: lib.randint(0, 3, (3,), dtype=lib.bool),
    "randint_uint8_low": lambda lib: lib.randint(-1, 3, (3,), dtype=lib.uint8),
    "randint_uint8_high": lambda lib: lib.randint(0, 300, (3,), dtype=lib.uint8),
    "randint_int8_high": lambda lib: lib.randint(0, 200, (3,), dtype=lib.int8),
    "randperm_neg": lambda lib: lib.randperm(-1),
    "randperm_float": lambda lib: lib.randperm(2.5),
    "randperm_bool": lambda lib: lib.randperm(3, dtype=lib.bool),
    "randperm_uint8_big": lambda lib: lib.randperm(300, dtype=lib.uint8),
    "normal_neg_std": lambda lib: lib.normal(0.0, -1.0, (2,)),
    "normal_no_size": lambda lib: lib.normal(0.0, 1.0),
    "normal_tensor_neg_std": lambda lib: lib.normal(lib.zeros(2), -1.0),
    "normal_int_mean": lambda lib: lib.normal(lib.zeros(2, dtype=lib.int64), 1.0),
    "normal_shape": lambda lib: lib.normal(lib.zeros(2), lib.ones(3)),
    "normal__neg": lambda lib: lib.zeros(3).normal_(0, -1),
    "normal__int": lambda lib: lib.zeros(3, dtype=lib.int64).normal_(),
    "uniform__int": lambda lib: lib.zeros(3, dtype=lib.int64).uniform_(),
    "uniform__reversed": lambda lib: lib.zeros(3).uniform_(2, 1),
    "uniform__leaf": lambda lib: lib.zeros(3, requires_grad=True).uniform_(),
    "normal__leaf": lambda lib: lib.zeros(3, requires_grad=True).normal_(),
    "randint_like_bool": lambda lib: lib.randint_like(lib.ones(2, dtype=lib.bool), 5),
    "rand_like_int": lambda lib: lib.rand_like(lib.ones(2, dtype=lib.int64)),
}


@pytest.mark.parametrize("name", RANDOM_ERRORS)
def test_random_errors(name):
    same(RANDOM_ERRORS[name])


@pytest.mark.parametrize("name", ["randint_empty_range", "randint_bool_range", "randint_uint8_low", "randperm_neg",
                                  "normal_neg_std", "uniform__reversed", "rand_int", "randperm_bool"])  # fmt: skip
def test_random_error_messages(name):
    same(RANDOM_ERRORS[name], message=True)


def test_random_inplace_fills_under_no_grad_and_views():
    def f(lib):
        x = lib.zeros(4, 4, requires_grad=True)
        with lib.no_grad():
            x.uniform_(-1, 1)
            x[0].normal_()
        y = lib.zeros(3, 4)
        y[:, 1].uniform_(5, 6)
        return x.requires_grad, x.is_leaf, (y[:, 1] >= 5).all(), (y[:, 0] == 0).all(), (y[:, 2:] == 0).all()

    same(f)


# ---------------------------------------------------------------------------------------------- random: statistics
N = 100_000


def _stats(t):
    a = t.double().numpy() if t.dtype.is_floating_point else t.numpy().astype(np.float64)
    return a.mean(), a.std(), a.min(), a.max()


def test_rand_statistics():
    ember.manual_seed(0)
    for dt in (ember.float32, ember.float64, ember.float16):
        m, s, lo, hi = _stats(ember.rand(N, dtype=dt))
        assert abs(m - 0.5) < 0.01 and abs(s - (1 / 12) ** 0.5) < 0.01
        assert lo >= 0 and hi < 1 or dt is ember.float16 and hi <= 1


def test_randn_statistics():
    ember.manual_seed(0)
    for dt in (ember.float32, ember.float64):
        m, s, _, _ = _stats(ember.randn(N, dtype=dt))
        assert abs(m) < 0.02 and abs(s - 1) < 0.02
    c = ember.randn(N, dtype=ember.complex64).numpy()
    tc = torch.randn(N, dtype=torch.complex64).numpy()
    for part in (np.real, np.imag):  # torch: variance 1/2 in each part
        assert abs(part(c).std() - part(tc).std()) < 0.02 and abs(part(c).mean()) < 0.02


@pytest.mark.parametrize("low,high", [(0, 10), (-5, 5), (3, 4), (0, 2)])
def test_randint_statistics(low, high):
    ember.manual_seed(1)
    a = ember.randint(low, high, (N,)).numpy()
    assert a.min() == low and a.max() == high - 1
    assert abs(a.mean() - (low + high - 1) / 2) < 0.05 * max(1, high - low)
    counts = np.bincount(a - low, minlength=high - low)
    assert counts.min() > 0.9 * N / (high - low)


def test_randperm_is_a_permutation():
    for n in (0, 1, 7, 1000):
        p = ember.randperm(n).numpy()
        assert np.array_equal(np.sort(p), np.arange(n))
    ember.manual_seed(2)
    firsts = np.array([ember.randperm(5)[0].item() for _ in range(2000)])
    assert np.bincount(firsts, minlength=5).min() > 300


def test_normal_statistics():
    ember.manual_seed(3)
    m, s, _, _ = _stats(ember.normal(2.0, 3.0, (N,)))
    assert abs(m - 2) < 0.05 and abs(s - 3) < 0.05
    mean = ember.tensor([-10.0, 0.0, 10.0]).repeat(N // 3)
    std = ember.tensor([0.5, 1.0, 2.0]).repeat(N // 3)
    r = ember.normal(mean, std).numpy().reshape(-1, 3)
    np.testing.assert_allclose(r.mean(0), [-10, 0, 10], atol=0.05)
    np.testing.assert_allclose(r.std(0), [0.5, 1.0, 2.0], rtol=0.03)


def test_inplace_fill_statistics():
    ember.manual_seed(4)
    u = ember.empty(N).uniform_(-2, 6).numpy()
    assert u.min() >= -2 and u.max() < 6 and abs(u.mean() - 2) < 0.05
    n = ember.empty(N, dtype=ember.float64).normal_(5, 0.5).numpy()
    assert abs(n.mean() - 5) < 0.01 and abs(n.std() - 0.5) < 0.01


def test_rand_values_differ_between_calls_and_elements():
    ember.manual_seed(5)
    a, b = ember.rand(100), ember.rand(100)
    assert len(np.unique(a.numpy())) == 100
    assert not np.array_equal(a.numpy(), b.numpy())
