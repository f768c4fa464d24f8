"""bernoulli, multinomial, poisson and the in-place samplers (random_, exponential_, geometric_, log_normal_,
cauchy_, bernoulli_) against torch: shapes, dtypes, errors, seeding, and the statistics of ~100k draws."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import check_same_error, torch

import ember

N = 100_000


def meta(t):
    return str(t.dtype).split(".")[-1], tuple(t.shape)


SHAPE_CASES = {
    "bernoulli": lambda lib: lib.bernoulli(lib.full((3, 4), 0.5)),
    "bernoulli_p": lambda lib: lib.bernoulli(lib.ones(3, dtype=lib.int64), 0.3),
    "bernoulli_pkw": lambda lib: lib.bernoulli(lib.ones(2, 3, dtype=lib.float64), p=0.3),
    "method_bernoulli": lambda lib: lib.full((5,), 0.5).bernoulli(0.2),
    "bernoulli_": lambda lib: lib.ones(3, dtype=lib.int32).bernoulli_(0.2),
    "bernoulli_tensor_p": lambda lib: lib.ones(2, 3).bernoulli_(lib.full((3,), 0.5)),
    "multinomial": lambda lib: lib.multinomial(lib.tensor([1.0, 2, 3]), 2),
    "multinomial_2d": lambda lib: lib.multinomial(lib.ones(4, 5, dtype=lib.float64), 7, True),
    "multinomial_method": lambda lib: lib.ones(4, 5).multinomial(3),
    "poisson": lambda lib: lib.poisson(lib.ones(2, 3, dtype=lib.float64)),
    "random_": lambda lib: lib.ones(3, dtype=lib.int8).random_(),
    "random_to": lambda lib: lib.ones(3).random_(5),
    "random_from_to": lambda lib: lib.ones(3, dtype=lib.int16).random_(-5, 5),
    "random_to_kw": lambda lib: lib.ones(3).random_(to=4),
    "random_none": lambda lib: lib.ones(3).random_(0, None),
    "random_bool": lambda lib: lib.ones(3, dtype=lib.bool).random_(),
    "exponential_": lambda lib: lib.ones(3, dtype=lib.float64).exponential_(),
    "geometric_": lambda lib: lib.ones(3, dtype=lib.int64).geometric_(0.5),
    "log_normal_": lambda lib: lib.ones(3).log_normal_(),
    "cauchy_": lambda lib: lib.ones(3).cauchy_(),
}


@pytest.mark.parametrize("name", SHAPE_CASES)
def test_shapes_dtypes(name):
    assert meta(SHAPE_CASES[name](ember)) == meta(SHAPE_CASES[name](torch))


ERROR_CASES = {
    "bern_int_p_tensor": lambda lib: lib.bernoulli(lib.ones(3, dtype=lib.int64)),
    "bern_p_tensor_range": lambda lib: lib.bernoulli(lib.full((3,), 1.5)),
    "bern_p_float_range": lambda lib: lib.bernoulli(lib.ones(3), 1.5),
    "bern_p_neg": lambda lib: lib.ones(3).bernoulli_(-0.1),
    "bern_inplace_range": lambda lib: lib.ones(3).bernoulli_(lib.full((3,), 1.2)),
    "mn_too_many": lambda lib: lib.multinomial(lib.tensor([1.0, 2, 3]), 4),
    "mn_negative": lambda lib: lib.multinomial(lib.tensor([1.0, -2, 3]), 2),
    "mn_inf": lambda lib: lib.multinomial(lib.tensor([1.0, float("inf"), 3]), 2),
    "mn_nan": lambda lib: lib.multinomial(lib.tensor([1.0, float("nan"), 3]), 2, True),
    "mn_zero_sum": lambda lib: lib.multinomial(lib.zeros(3), 2),
    "mn_int": lambda lib: lib.multinomial(lib.tensor([1, 2, 3]), 2),
    "mn_0d": lambda lib: lib.multinomial(lib.tensor(1.0), 2),
    "mn_3d": lambda lib: lib.multinomial(lib.ones(2, 2, 2), 2),
    "mn_zero_samples": lambda lib: lib.multinomial(lib.tensor([1.0, 2]), 0),
    "poisson_int": lambda lib: lib.poisson(lib.tensor([1, 2])),
    "poisson_neg": lambda lib: lib.poisson(lib.tensor([-1.0, 2])),
    "random_order": lambda lib: lib.ones(3).random_(5, 2),
    "random_zero": lambda lib: lib.ones(3).random_(0),
    "random_uint8_to": lambda lib: lib.ones(3, dtype=lib.uint8).random_(300),
    "random_uint8_from": lambda lib: lib.ones(3, dtype=lib.uint8).random_(-1, 3),
    "random_bool_to": lambda lib: lib.ones(3, dtype=lib.bool).random_(3),
    "random_half_to": lambda lib: lib.ones(3, dtype=lib.float16).random_(70000),
    "exp_zero": lambda lib: lib.ones(3).exponential_(0),
    "exp_int": lambda lib: lib.ones(3, dtype=lib.int32).exponential_(),
    "geo_zero": lambda lib: lib.ones(3).geometric_(0),
    "geo_one": lambda lib: lib.ones(3).geometric_(1),
    "geo_bool": lambda lib: lib.ones(3, dtype=lib.bool).geometric_(0.5),
    "lognormal_std": lambda lib: lib.ones(3).log_normal_(1, 0),
    "lognormal_int": lambda lib: lib.ones(3, dtype=lib.int64).log_normal_(),
    "cauchy_sigma": lambda lib: lib.ones(3).cauchy_(0, -1),
    "cauchy_int": lambda lib: lib.ones(3, dtype=lib.int64).cauchy_(),
    "cauchy_short": lambda lib: lib.ones(3, dtype=lib.int16).cauchy_(),
}


@pytest.mark.parametrize("name", ERROR_CASES)
def test_errors(name):
    check_same_error(ERROR_CASES[name])


def test_type_errors():
    check_same_error(lambda lib: lib.ones(3).geometric_(), same_message=False)
    check_same_error(lambda lib: lib.ones(3).random_(from_=4), same_message=False)


def test_leaf_requires_grad():
    check_same_error(lambda lib: lib.ones(3, requires_grad=True).exponential_())


# ----------------------------------------------------------------------------------------- statistics
def _mv(t):
    a = t.numpy().astype(np.float64)
    return a.mean(), a.var()


def test_bernoulli_stats():
    ember.manual_seed(0)
    m, v = _mv(ember.bernoulli(ember.full((N,), 0.3)))
    assert abs(m - 0.3) < 0.01 and abs(v - 0.21) < 0.01
    m, _ = _mv(ember.zeros(N).bernoulli_(0.8))
    assert abs(m - 0.8) < 0.01
    p = ember.tensor([0.0, 1.0]).repeat(N // 2)
    assert np.array_equal(ember.bernoulli(p).numpy(), p.numpy())


def test_poisson_stats():
    ember.manual_seed(1)
    m, v = _mv(ember.poisson(ember.full((N,), 4.0)))
    assert abs(m - 4) < 0.05 and abs(v - 4) < 0.15


def test_random_stats():
    ember.manual_seed(2)
    a = ember.empty(N, dtype=ember.int64).random_(-3, 7).numpy()
    assert a.min() == -3 and a.max() == 6
    assert abs(a.mean() - 1.5) < 0.05
    b = ember.empty(N, dtype=ember.uint8).random_().numpy()
    assert b.min() == 0 and b.max() == 255
    f = ember.empty(N).random_().numpy()
    assert f.min() >= 0 and f.max() <= 2**24 and np.all(f == np.round(f))
    assert set(ember.empty(1000, dtype=ember.bool).random_().numpy().tolist()) == {False, True}


@pytest.mark.parametrize(
    "fill, mean, var",
    [
        (lambda t: t.exponential_(2.0), 0.5, 0.25),
        (lambda t: t.geometric_(0.25), 4.0, 12.0),
        (lambda t: t.log_normal_(0.0, 0.5), np.exp(0.125), (np.exp(0.25) - 1) * np.exp(0.25)),
    ],
    ids=["exponential", "geometric", "log_normal"],
)
def test_continuous_stats(fill, mean, var):
    ember.manual_seed(3)
    m, v = _mv(fill(ember.empty(N, dtype=ember.float64)))
    assert abs(m - mean) < 0.02 * max(1, mean) and abs(v - var) < 0.05 * max(1, var)


def test_cauchy_stats():
    ember.manual_seed(4)
    a = ember.empty(N, dtype=ember.float64).cauchy_(1.0, 2.0).numpy()
    q1, med, q3 = np.quantile(a, [0.25, 0.5, 0.75])
    assert abs(med - 1) < 0.05 and abs((q3 - q1) - 4) < 0.1  # the quartiles are median +- sigma


def _chi2(counts, probs):
    exp = np.asarray(probs) / np.sum(probs) * np.sum(counts)
    return float(((counts - exp) ** 2 / exp).sum())


def test_multinomial_with_replacement_chi2():
    w = [1.0, 2.0, 3.0, 0.0, 4.0]
    s = ember.multinomial(ember.tensor(w), N, True, generator=ember.Generator().manual_seed(5)).numpy()
    counts = np.bincount(s, minlength=5)
    assert counts[3] == 0
    keep = [0, 1, 2, 4]
    assert _chi2(counts[keep], np.array(w)[keep]) < 16.27  # chi2(3 dof) at p = 0.001


def test_multinomial_rows_chi2():
    w = ember.tensor([[1.0, 1.0, 2.0], [5.0, 0.0, 5.0]])
    ember.manual_seed(6)
    s = ember.multinomial(w, N, replacement=True).numpy()
    assert _chi2(np.bincount(s[0], minlength=3), [1, 1, 2]) < 13.82  # 2 dof
    c = np.bincount(s[1], minlength=3)
    assert c[1] == 0 and _chi2(c[[0, 2]], [1, 1]) < 10.83


def test_multinomial_without_replacement():
    ember.manual_seed(7)
    w = ember.tensor([1.0, 2.0, 3.0, 4.0]).expand(N // 4, 4)
    s = ember.multinomial(w, 4).numpy()
    assert np.all(np.sort(s, -1) == np.arange(4))  # a permutation in each row
    # the first draw follows the weights
    assert _chi2(np.bincount(s[:, 0], minlength=4), [1, 2, 3, 4]) < 16.27
    # zero-weight categories come last, as in torch
    z = ember.multinomial(ember.tensor([1.0, 0, 3]).expand(100, 3), 3).numpy()
    assert np.all(z[:, 2] == 1)
    t = torch.multinomial(torch.tensor([1.0, 0, 3]).expand(100, 3), 3).numpy()
    assert np.all(t[:, 2] == 1)


# ------------------------------------------------------------------------------------------- seeding
SEEDED = {
    "bernoulli": lambda g: ember.bernoulli(ember.full((50,), 0.5), generator=g),
    "bernoulli_": lambda g: ember.empty(50).bernoulli_(0.5, generator=g),
    "multinomial": lambda g: ember.multinomial(ember.ones(10), 5, generator=g),
    "multinomial_r": lambda g: ember.multinomial(ember.ones(10), 50, True, generator=g),
    "poisson": lambda g: ember.poisson(ember.full((50,), 3.0), g),
    "random_": lambda g: ember.empty(50).random_(generator=g),
    "random_to": lambda g: ember.empty(50).random_(3, 90, generator=g),
    "exponential_": lambda g: ember.empty(50).exponential_(generator=g),
    "geometric_": lambda g: ember.empty(50).geometric_(0.3, generator=g),
    "log_normal_": lambda g: ember.empty(50).log_normal_(generator=g),
    "cauchy_": lambda g: ember.empty(50).cauchy_(generator=g),
}


@pytest.mark.parametrize("name", SEEDED)
def test_reproducible(name):
    f = SEEDED[name]
    a = f(ember.Generator().manual_seed(11)).numpy()
    b = f(ember.Generator().manual_seed(11)).numpy()
    assert np.array_equal(a, b)
    ember.manual_seed(11)
    c = f(None).numpy()
    ember.manual_seed(11)
    assert np.array_equal(c, f(None).numpy())
    assert np.array_equal(a, c)  # the default generator seeded alike draws alike
    assert not np.array_equal(f(None).numpy(), c)  # and moves on
