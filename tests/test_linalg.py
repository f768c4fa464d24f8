"""Issue 3, linear algebra: products, matrix structure, einsum and torch.linalg, each against torch."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import check, check_error, same, torch

import ember


def spd(n: int, seed: int = 0, batch: tuple = ()) -> np.ndarray:
    a = np.random.default_rng(seed).standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def well(n: int, seed: int = 0, batch: tuple = ()) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(batch + (n, n)) + 3 * np.eye(n)


# ---------------------------------------------------------------- products
@pytest.mark.parametrize(
    "fn, shapes",
    [
        (lambda lib, a, b: lib.vdot(a, b), [(4,), (4,)]),
        (lambda lib, a, b: a.vdot(b), [(4,), (4,)]),
        (lambda lib, a, b: lib.outer(a, b), [(3,), (4,)]),
        (lambda lib, c, m, v: lib.addmv(c, m, v), [(3,), (3, 4), (4,)]),
        (lambda lib, c, m, v: c.addmv(m, v, beta=0.5, alpha=2), [(1,), (3, 4), (4,)]),
        (lambda lib, c, a, b: lib.addr(c, a, b, alpha=1.5), [(3, 4), (3,), (4,)]),
        (lambda lib, c, a, b: c.addr(a, b, beta=2), [(4,), (3,), (4,)]),
        (lambda lib, c, a, b: lib.addbmm(c, a, b), [(3, 5), (2, 3, 4), (2, 4, 5)]),
        (lambda lib, c, a, b: c.addbmm(a, b, beta=0.5, alpha=-1), [(5,), (2, 3, 4), (2, 4, 5)]),
        (lambda lib, c, a, b: lib.baddbmm(c, a, b), [(2, 3, 5), (2, 3, 4), (2, 4, 5)]),
        (lambda lib, c, a, b: c.baddbmm(a, b, beta=2, alpha=0.5), [(3, 1), (2, 3, 4), (2, 4, 5)]),
        (lambda lib, c, m, v: (c * 1).addmv_(m, v, alpha=2), [(3,), (3, 4), (4,)]),
        (lambda lib, c, a, b: (c * 1).addr_(a, b, beta=0.5), [(3, 4), (3,), (4,)]),
        (lambda lib, c, a, b: (c * 1).addbmm_(a, b), [(3, 5), (2, 3, 4), (2, 4, 5)]),
        (lambda lib, c, a, b: (c * 1).baddbmm_(a, b, alpha=0.5), [(2, 3, 5), (2, 3, 4), (2, 4, 5)]),
        (lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]), [(2, 3), (3, 4), (4, 2)]),
        (lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]), [(3,), (3, 4), (4,)]),
        (lambda lib, a, b: lib.tensordot(a, b, 1), [(2, 3), (3, 4)]),
        (lambda lib, a, b: lib.tensordot(a, b, dims=([1, 0], [0, 2])), [(2, 3, 4), (3, 5, 2)]),
        (lambda lib, a, b: lib.tensordot(a, b, 0), [(2,), (3,)]),
        (lambda lib, a, b: lib.kron(a, b), [(2, 3), (3, 2)]),
        (lambda lib, a, b: a.kron(b), [(2,), (2, 3)]),
        (lambda lib, a, b: lib.linalg.cross(a, b), [(4, 3), (4, 3)]),
        (lambda lib, a, b: lib.cross(a, b, dim=0), [(3, 2), (3, 2)]),
        (lambda lib, a, b: a.cross(b, 1), [(2, 3), (1, 3)]),
    ],
)
def test_products(fn, shapes):
    check(lambda *xs: fn(torch if isinstance(xs[0], torch.Tensor) else ember, *xs), shapes, atol=1e-5)


def test_chain_matmul_warns_as_torch():
    x = np.random.default_rng(0).standard_normal((3, 3)).astype("float32")
    same(lambda lib: lib.chain_matmul(lib.tensor(x), lib.tensor(x), lib.tensor(x)), atol=1e-5)


# ---------------------------------------------------------------- matrix structure
@pytest.mark.parametrize(
    "fn, shapes",
    [
        (lambda x: x.trace(), [(3, 4)]),
        (lambda x: x.diag(), [(4,)]),
        (lambda x: x.diag(1), [(3,)]),
        (lambda x: x.diag(-1), [(3, 4)]),
        (lambda x: x.diag(), [(4, 3)]),
        (lambda x: x.diag_embed(), [(2, 3)]),
        (lambda x: x.diag_embed(1, 0, 2), [(2, 3)]),
        (lambda x: x.diag_embed(-1, -1, 0), [(2, 3)]),
        (lambda x: x.diagflat(), [(2, 2)]),
        (lambda x: x.diagflat(-2), [(3,)]),
        (lambda x: x.diagonal(), [(3, 4)]),
        (lambda x: x.diagonal(1), [(3, 4)]),
        (lambda x: x.diagonal(-1, 2, 0), [(3, 4, 5)]),
        (lambda x: x.diagonal(5), [(3, 4)]),
        (lambda x: x.tril(), [(3, 4)]),
        (lambda x: x.tril(-1), [(2, 3, 4)]),
        (lambda x: x.triu(1), [(3, 4)]),
        (lambda x: (x * 1).tril_(1), [(3, 4)]),
        (lambda x: (x * 1).triu_(), [(3, 4)]),
    ],
)
def test_structure(fn, shapes):
    check(fn, shapes)


def test_structure_function_forms():
    check(lambda x: ember.trace(x) if isinstance(x, ember.Tensor) else torch.trace(x), [(3, 3)])
    for name in ("diag", "diag_embed", "diagflat", "diagonal", "tril", "triu"):
        check(lambda x, n=name: getattr(ember if isinstance(x, ember.Tensor) else torch, n)(x), [(3, 3)])


def test_diagonal_is_a_view():
    for lib in (torch, ember):
        x = lib.zeros(3, 4)
        x.diagonal(1).fill_(1.0)
        assert x.sum().item() == 3.0
        assert x.diagonal()._base is x


def test_diagonal_double_backward():
    for lib in (torch, ember):
        x = lib.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
        (g,) = lib.autograd.grad((x.diagonal(1) ** 2).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        if lib is torch:
            expected = gg.numpy()
        else:
            np.testing.assert_allclose(gg.numpy(), expected)


def test_tril_inplace_on_leaf_data():
    same(lambda lib: lib.ones(3, 3).tril_(-1))


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.ones(3).trace(),
        lambda lib: lib.ones(2, 2, 2).diag(),
        lambda lib: lib.ones(3).tril(),
        lambda lib: lib.ones(3, 3).diagonal(0, 1, 1),
        lambda lib: lib.vdot(lib.ones(3), lib.ones(4)),
        lambda lib: lib.linalg.cross(lib.ones(4), lib.ones(4)),
        lambda lib: lib.addmv(lib.ones(3), lib.ones(3, 4), lib.ones(3)),
        lambda lib: lib.baddbmm(lib.ones(2, 3, 3), lib.ones(2, 3, 4), lib.ones(3, 4, 3)),
        lambda lib: lib.tensordot(lib.ones(2, 3), lib.ones(2, 3), 1),
        lambda lib: lib.einsum("ij,jk->ik", lib.ones(2, 3)),
        lambda lib: lib.linalg.inv(lib.ones(2, 3)),
        lambda lib: lib.linalg.det(lib.ones(3)),
    ],
)
def test_errors(call):
    check_error(call)


# ---------------------------------------------------------------- einsum
def graph(t):
    """Every node name of t's graph, depth first through next_functions (the graph's whole shape, in order)."""
    out, stack, seen = [], [t.grad_fn], set()
    while stack:
        f = stack.pop()
        if f is None or id(f) in seen:
            continue
        seen.add(id(f))
        out.append(f.name().replace("torch::autograd::", ""))
        stack.extend(nf for nf, _ in reversed(f.next_functions))
    return out


EINSUMS = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("i,j->ij", [(2,), (3,)]),
    ("i,i->", [(3,), (3,)]),
    ("i,i", [(3,), (3,)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (2, 3, 4)]),
    ("...ij,jk", [(5, 2, 3), (3, 4)]),
    ("...j,jk->...k", [(2, 4, 3), (3, 5)]),
    ("b...,b...->b", [(2, 3, 4), (2, 3, 4)]),
    ("iij,jk->ik", [(3, 3, 2), (2, 4)]),
    ("ijk,ik,k->ji", [(2, 3, 4), (2, 4), (4,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("Ab,bC->CA", [(2, 3), (3, 4)]),
    (" i j , j k -> i k ", [(2, 3), (3, 4)]),
    ("ij,kj->ik", [(2, 1), (4, 3)]),
    ("ij,j->i", [(3, 4), (1,)]),
    ("...,...->...", [(2, 3), (3,)]),
    ("i...->...", [(2, 3, 4)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ("ij,jk->ki", [(2, 3), (3, 4)]),
    ("aij,jk->kia", [(5, 2, 3), (3, 4)]),
    ("aij,jk->iak", [(5, 2, 3), (3, 4)]),
    ("j,ij->i", [(3,), (2, 3)]),
    ("bij,bjk->bki", [(5, 2, 3), (5, 3, 4)]),
]


@pytest.mark.parametrize("eq, shapes", EINSUMS)
def test_einsum(eq, shapes):
    check(lambda *xs: _lib(xs[0]).einsum(eq, *xs), shapes, atol=1e-5)


@pytest.mark.parametrize("eq, shapes", EINSUMS)
def test_einsum_graph_is_torchs(eq, shapes):
    """ember contracts as torch does (permute, diagonal, unsqueeze, sum, bmm, view), so the graphs are the same."""
    xs = [np.random.default_rng(0).standard_normal(s).astype("float32") for s in shapes]
    t = torch.einsum(eq, *[torch.tensor(x, requires_grad=True) for x in xs])
    e = ember.einsum(eq, *[ember.tensor(x, requires_grad=True) for x in xs])
    assert graph(e) == graph(t)


def test_einsum_list_and_sublist_forms_and_double_backward():
    check(lambda a, b: _lib(a).einsum("ij,jk->ik", [a, b]), [(2, 3), (3, 4)], atol=1e-5)
    check(lambda a, b: _lib(a).einsum(a, [0, 1], b, [1, 2], [0, 2]), [(2, 3), (3, 4)], atol=1e-5)
    check(lambda a, b: _lib(a).einsum(a, [0, 1], b, [1, 2]), [(2, 3), (3, 4)], atol=1e-5)
    check(lambda a: _lib(a).einsum(a, [Ellipsis, 0], [0, Ellipsis]), [(2, 3, 4)])
    check(lambda a, b: _lib(a).einsum(a, [30, 1], b, [1, 51]), [(2, 3), (3, 4)], atol=1e-5)
    check(lambda a, b: _lib(a).einsum(a, [Ellipsis, 0], b, [0, 1], [Ellipsis, 1]), [(2, 3), (3, 4)], atol=1e-5)
    a = ember.tensor(np.random.default_rng(0).standard_normal((3, 3)), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda x: ember.einsum("ij,jk,kk->i", x, x, x), (a,))
    b, c = (ember.tensor(np.random.default_rng(1).standard_normal(s), requires_grad=True) for s in ((3, 3, 2), (2, 4)))
    assert ember.autograd.gradcheck(lambda x, y: ember.einsum("iij,jk->ik", x, y), (b, c))
    check(lambda a, b: _lib(a).einsum("i,j->ij", a, b.double()), [(2,), (3,)])  # no contraction: types promote


@pytest.mark.parametrize(
    "call",
    [
        lambda L: L.einsum("ij,jk->ik", L.ones(2, 3)),
        lambda L: L.einsum("ij->ik", L.ones(2, 3)),
        lambda L: L.einsum("ij->ii", L.ones(2, 3)),
        lambda L: L.einsum("ij", L.ones(2, 3), L.ones(2)),
        lambda L: L.einsum("i1", L.ones(2, 3)),
        lambda L: L.einsum("ij->i1", L.ones(2, 3)),
        lambda L: L.einsum("ijk", L.ones(2, 3)),
        lambda L: L.einsum("ij...", L.ones(2)),
        lambda L: L.einsum("i..j", L.ones(2, 3)),
        lambda L: L.einsum("...i...", L.ones(2, 3)),
        lambda L: L.einsum("ij->...j...", L.ones(2, 3)),
        lambda L: L.einsum("ii", L.ones(2, 3)),
        lambda L: L.einsum("i,i", L.ones(2), L.ones(3)),
        lambda L: L.einsum("...,...", L.ones(2), L.ones(3)),
        lambda L: L.einsum("ij,jk", L.ones(2, 3), L.ones(3, 4, dtype=L.float64)),
        lambda L: L.einsum("ij"),
        lambda L: L.einsum(L.ones(2), [0], L.ones(2), [60]),
    ],
)
def test_einsum_errors(call):
    check_error(call, "same")


# ---------------------------------------------------------------- torch.linalg
def _lib(x):
    return torch if isinstance(x, torch.Tensor) else ember


@pytest.mark.parametrize(
    "fn, make",
    [
        (lambda a: _lib(a).linalg.inv(a), lambda: [well(3)]),
        (lambda a: _lib(a).inverse(a), lambda: [well(3, 1, (2,))]),
        (lambda a: _lib(a).linalg.det(a), lambda: [well(3)]),
        (lambda a: _lib(a).det(a), lambda: [well(3, 2, (2,))]),
        (lambda a: _lib(a).logdet(a), lambda: [spd(3)]),
        (lambda a: _lib(a).linalg.slogdet(a)[1], lambda: [well(3, 3, (2,))]),
        (lambda a, b: _lib(a).linalg.solve(a, b), lambda: [well(3), np.ones((3, 2))]),
        (lambda a, b: _lib(a).linalg.solve(a, b), lambda: [well(3, 4, (2,)), np.arange(6.0).reshape(2, 3)]),
        (lambda a, b: _lib(a).linalg.solve(a, b), lambda: [well(3, 5), np.arange(3.0)]),
        (lambda a: _lib(a).linalg.cholesky(a), lambda: [spd(3)]),
        (lambda a: _lib(a).linalg.cholesky(a, upper=True), lambda: [spd(3, 1, (2,))]),
        (lambda a: _lib(a).linalg.vector_norm(a), lambda: [well(3)]),
        (lambda a: _lib(a).linalg.vector_norm(a, 1, dim=0), lambda: [well(3)]),
        (lambda a: _lib(a).linalg.vector_norm(a, 3, dim=(0, 1), keepdim=True), lambda: [well(3)]),
        (lambda a: _lib(a).linalg.vector_norm(a, float("inf"), dim=1), lambda: [well(3)]),
        (lambda a: _lib(a).linalg.vector_norm(a, 0.5, dim=-1), lambda: [well(3)]),
        (lambda a: _lib(a).linalg.norm(a), lambda: [well(3)]),
        (lambda a: _lib(a).linalg.norm(a[0]), lambda: [well(3)]),
        (lambda a: _lib(a).linalg.matrix_norm(a), lambda: [well(3, 1, (2,))]),
        (lambda a: _lib(a).linalg.norm(a, "fro"), lambda: [well(3)]),
        (lambda a: _lib(a).linalg.matrix_power(a, 3), lambda: [well(3)]),
        (lambda a: _lib(a).linalg.matrix_power(a, -2), lambda: [well(3)]),
    ],
)
def test_linalg_differentiable(fn, make):
    check(fn, inputs=make(), atol=1e-8, rtol=1e-7)


@pytest.mark.parametrize("ord", [1, -1, float("inf"), -float("inf")])
def test_matrix_norm_orders(ord):
    check(lambda a: _lib(a).linalg.matrix_norm(a, ord), inputs=[well(3, 7)], atol=1e-8)
    check(lambda a: _lib(a).linalg.matrix_norm(a, ord, dim=(2, 0), keepdim=True), inputs=[well(3, 7, (2,))], atol=1e-8)
    check(lambda a: _lib(a).linalg.matrix_norm(a, ord, dim=(0, 2)), inputs=[well(3, 7, (2,))], atol=1e-8)


@pytest.mark.parametrize("ord", ["nuc", 2, -2])
def test_matrix_norm_svd_orders(ord):
    check(lambda a: _lib(a).linalg.matrix_norm(a, ord), inputs=[well(3, 7)], atol=1e-8)


@pytest.mark.parametrize(
    "fn",
    [
        lambda a: _lib(a).linalg.matrix_rank(a),
        lambda a: _lib(a).linalg.cond(a),
        lambda a: _lib(a).linalg.slogdet(a)[0],
    ],
)
def test_linalg_forward(fn):
    check(fn, inputs=[well(3, 9)], atol=1e-8, grad=False, check_grad_fn=False)


def test_decompositions_reconstruct():
    a = ember.tensor(well(3, 2))
    u, s, vh = ember.linalg.svd(a)
    np.testing.assert_allclose((u * s @ vh).numpy(), a.numpy(), atol=1e-10)
    q, r = ember.linalg.qr(a)
    np.testing.assert_allclose((q @ r).numpy(), a.numpy(), atol=1e-10)
    w, v = ember.linalg.eigh(a + a.mT)
    np.testing.assert_allclose((v * w @ v.mT).numpy(), (a + a.mT).numpy(), atol=1e-10)


def test_cholesky_deprecated_alias():
    same(lambda lib: lib.cholesky(lib.tensor(spd(3))), atol=1e-8)


@pytest.mark.parametrize(
    "fn",
    [
        lambda a: a.det(),
        lambda a: a.inverse(),
        lambda a: a.slogdet()[1],
        lambda a: a.logdet(),
        lambda a: a.cholesky(),
    ],
)
def test_linalg_methods(fn):
    check(fn, inputs=[spd(3, 4)], atol=1e-8, rtol=1e-7)


@pytest.mark.parametrize(
    "fn, shape",
    [
        (lambda a: _lib(a).linalg.svdvals(a), (3, 3)),
        (lambda a: _lib(a).linalg.svdvals(a), (2, 4, 3)),
        (lambda a: _lib(a).linalg.eigvalsh(a + a.mT), (3, 3)),
        (lambda a: _lib(a).linalg.eigvalsh(a + a.mT, UPLO="U"), (2, 3, 3)),
        # the factors' signs are arbitrary: compare what does not depend on them
        (lambda a: (lambda w, v: (w, (v * w.sin()) @ v.mT))(*_lib(a).linalg.eigh(a + a.mT)), (3, 3)),  # noqa: PLC3002
        (lambda a: (lambda u, s, vh: (s, u @ vh))(*_lib(a).linalg.svd(a, full_matrices=False)), (4, 3)),  # noqa: PLC3002
        (lambda a: (lambda u, s, vh: (s, u @ vh[..., :2, :]))(*_lib(a).linalg.svd(a)), (2, 3)),  # noqa: PLC3002
    ],
)
def test_spectral_gradients(fn, shape):
    check(fn, inputs=[np.random.default_rng(11).standard_normal(shape)], atol=1e-8, rtol=1e-7)


@pytest.mark.parametrize(
    "fn, shape",
    [
        (lambda a: _lib(a).linalg.pinv(a), (3, 3)),
        (lambda a: _lib(a).linalg.pinv(a), (2, 4)),
        (lambda a: _lib(a).linalg.pinv(a), (2, 4, 3)),
        (lambda a: _lib(a).linalg.pinv(a + a.mT, hermitian=True), (3, 3)),
        (lambda a: _lib(a).linalg.matrix_exp(a), (3, 3)),
        (lambda a: _lib(a).linalg.matrix_exp(a * 3), (2, 3, 3)),
    ],
)
def test_pinv_matrix_exp(fn, shape):
    check(fn, inputs=[np.random.default_rng(12).standard_normal(shape)], atol=1e-10, rtol=1e-8)


@pytest.mark.parametrize(
    "fn, shapes",
    [
        (lambda a: tuple(_lib(a).linalg.qr(a)), [(3, 3)]),
        (lambda a: tuple(_lib(a).linalg.qr(a)), [(2, 5, 3)]),
        (lambda a: tuple(_lib(a).linalg.qr(a, mode="complete")), [(3, 3)]),
        (lambda a, b: _lib(a).linalg.lstsq(a, b).solution, [(4, 3), (4, 2)]),
        (lambda a, b: _lib(a).linalg.lstsq(a, b).solution, [(3, 3), (3,)]),
        (lambda a, b: _lib(a).linalg.lstsq(a, b).rank, [(2, 4, 3), (2, 4, 2)]),
    ],
)
def test_qr_lstsq(fn, shapes):
    rng = np.random.default_rng(13)
    check(fn, inputs=[rng.standard_normal(s) for s in shapes], atol=1e-10, rtol=1e-8)


def test_eig_forward():
    a = well(3, 14)
    for fn in (lambda lib: lib.linalg.eigvals(lib.tensor(a)).abs().sort().values,
               lambda lib: lib.linalg.eig(lib.tensor(a, dtype=lib.float32)).eigenvalues.dtype):  # fmt: skip
        same(fn, atol=1e-6)
