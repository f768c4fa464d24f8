"""Matrix products: dot, mv, mm, bmm and matmul's broadcasting cases, as torch records them."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from .op import Op


def _same_dtype(a: Tensor, b: Tensor, name: str) -> None:
    """torch's dtype check of each product, with its wording (each kernel words it its own way)."""
    if a._data.dtype != b._data.dtype:
        sa, sb = a.dtype._storage, b.dtype._storage
        if name == "dot":
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {sa} and {sb}")
        if name == "mv":
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got {sb}, {sa}, and {sb}")
        if name == "bmm":
            raise RuntimeError(f"expected scalar type {sa} but found {sb}")
        from .pointwise import CPP_NAME

        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {CPP_NAME[a.dtype.name]} != {CPP_NAME[b.dtype.name]}"
        )


class _Product(Op):
    __slots__ = ()
    save_inputs = True
    forward = staticmethod(np.matmul)

    def needs(self, i: int) -> bool:
        return self.next_functions[i][0] is not None


class Dot(_Product):
    __slots__ = ()
    forward = staticmethod(np.dot)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        a, b = self.inputs
        return (grad * b if self.needs(0) else None), (grad * a if self.needs(1) else None)


class Mv(_Product):
    __slots__ = ()

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        a, v = self.inputs
        ga = grad.unsqueeze(1) * v if self.needs(0) else None
        gv = a.t().mv(grad) if self.needs(1) else None
        return ga, gv


class Mm(_Product):
    __slots__ = ()

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        a, b = self.inputs
        return (grad.mm(b.t()) if self.needs(0) else None), (a.t().mm(grad) if self.needs(1) else None)


class Bmm(_Product):
    __slots__ = ()

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        a, b = self.inputs
        ga = grad.bmm(b.transpose(1, 2)) if self.needs(0) else None
        gb = a.transpose(1, 2).bmm(grad) if self.needs(1) else None
        return ga, gb


def dot(a: Tensor, b: Tensor) -> Tensor:
    """Inner product of two 1-D tensors. See torch.dot."""
    if a._data.ndim != 1 or b._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a._data.ndim}D and {b._data.ndim}D tensors")
    if a._data.shape[0] != b._data.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a._data.shape[0]}] and src [{b._data.shape[0]}] to have the "
            f"same number of elements, but got {a._data.shape[0]} and {b._data.shape[0]} elements respectively"
        )
    _same_dtype(a, b, "dot")
    return Dot.apply(a, b)


def mv(a: Tensor, v: Tensor) -> Tensor:
    """Matrix-vector product. See torch.mv."""
    if a._data.ndim != 2 or v._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a._data.ndim}, {v._data.ndim}")
    if a._data.shape[1] != v._data.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a._data.shape[0]}), mat ({a._data.shape[0]}x{a._data.shape[1]}), "
            f"vec ({v._data.shape[0]})"
        )
    _same_dtype(a, v, "mv")
    return Mv.apply(a, v)


def mm(a: Tensor, b: Tensor) -> Tensor:
    """Matrix product of two 2-D tensors. See torch.mm."""
    if a._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    (n, k), (k2, m) = a._data.shape, b._data.shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{m})")
    _same_dtype(a, b, "mm")
    return Mm.apply(a, b)


def bmm(a: Tensor, b: Tensor) -> Tensor:
    """Batched matrix product of two 3-D tensors. See torch.bmm."""
    if a._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    (bs, _, k), (bs2, k2, _) = a._data.shape, b._data.shape
    if bs2 != bs or k2 != k:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{bs}, {k}] but got: [{bs2}, {k2}]."
        )
    _same_dtype(a, b, "bmm")
    return Bmm.apply(a, b)


def outer(a: Tensor, b: Tensor) -> Tensor:
    """Outer product of two 1-D tensors: a column times a row, as torch records it. See torch.outer."""
    for name, t in (("self", a), ("vec2", b)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return a.reshape(a._data.shape[0], 1) * b


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """Matrix product with torch's 1-D, 2-D and batched broadcasting rules. See torch.matmul."""
    if not isinstance(b, Tensor):
        return NotImplemented
    da, db = a._data.ndim, b._data.ndim
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(a, b)
    if da == 2 and db == 1:
        return mv(a, b)
    if da == 2 and db == 2:
        return mm(a, b)
    from .movement import Squeeze4, UnsafeView

    if da == 1 and db == 2:
        return Squeeze4.apply(mm(a.unsqueeze(0), b), shape=(b._data.shape[1],))
    if _should_fold(a, b):
        # fold the batch of the larger operand into the rows of one mm / mv, as torch does
        transpose = db > da
        t1 = b.mT if transpose else a
        t2 = (a.t() if da == 2 else a) if transpose else b
        k = t1._data.shape[-1]
        out_shape = t1._data.shape[:-1]
        folded = t1.reshape(int(np.prod(out_shape)), k)
        if t2._data.ndim == 2:
            out = UnsafeView.apply(mm(folded, t2), shape=out_shape + (t2._data.shape[1],))
            return out.mT.contiguous() if transpose else out
        return UnsafeView.apply(mv(folded, t2), shape=out_shape)
    # batched: broadcast the batch dims, then one bmm
    sa, sb = a._data.shape, b._data.shape
    if da == 3 and db == 3 and sa[0] != sb[0]:
        if sa[0] == 1 and a._requires_grad:
            return matmul(a.squeeze(0), b)
        if sb[0] == 1 and b._requires_grad:
            return matmul(a, b.squeeze(0))
    n = sa[-2] if da > 1 else 1
    m1 = sa[-1]
    m2 = sb[-2] if db > 1 else sb[0]
    p = sb[-1] if db > 1 else 1
    try:
        batch = tuple(np.broadcast_shapes(sa[:-2], sb[:-2]))
    except ValueError:
        from .pointwise import _broadcast_error

        _broadcast_error(a.shape[:-2], b.shape[:-2])
    out_shape = batch + ((n,) if da > 1 else ()) + ((p,) if db > 1 else ())
    nb = int(np.prod(batch))
    a3 = a.expand(*batch, n, m1).reshape(nb, n, m1)
    if db == 1:
        b3 = b.expand(*batch, m2).reshape(nb, m2).unsqueeze(2)
        return UnsafeView.apply(bmm(a3, b3).squeeze(-1), shape=out_shape)
    b3 = b.expand(*batch, m2, p).reshape(nb, m2, p)
    return UnsafeView.apply(bmm(a3, b3), shape=out_shape)


def _should_fold(a: Tensor, b: Tensor) -> bool:
    """torch's rule for folding a batched matmul into one mm/mv (aten/native/LinearAlgebra.cpp should_fold)."""
    a_larger = a._data.ndim >= b._data.ndim
    t1 = a._data if a_larger else np.swapaxes(b._data, -1, -2)
    d2 = b._data.ndim if a_larger else a._data.ndim
    if not (t1.ndim >= 3 and d2 <= 2):
        return False
    if (b if a_larger else a)._requires_grad:
        return True  # the small operand's gradient then comes from one mm instead of a sum over a batch
    if a._data.ndim == 2:
        return False
    if t1.size == 0:
        return True
    st, sh = t1.strides, t1.shape
    return all(st[i] == st[i + 1] * sh[i + 1] for i in range(t1.ndim - 2))
