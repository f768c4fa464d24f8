"""Matrix products: dot, mv, mm, bmm and matmul's broadcasting cases, as torch records them."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from .op import Op


def _same_dtype(a: Tensor, b: Tensor, name: str) -> None:
    if a._data.dtype != b._data.dtype:
        if name == "dot":
            raise RuntimeError(
                f"dot : expected both vectors to have same dtype, but found {a.dtype._storage} and {b.dtype._storage}"
            )
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype.name.replace('float32', 'float')} != "
            f"{b.dtype.name.replace('float32', 'float')}"
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
    (bs, n, k), (bs2, k2, m) = a._data.shape, b._data.shape
    if bs2 != bs or k2 != k:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{bs}, {k}] but got: [{bs2}, {k2}]."
        )
    _same_dtype(a, b, "bmm")
    return Bmm.apply(a, b)


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
    # batched, as torch folds it: into one mm when the right side is a matrix or vector, else one bmm
    if db <= 2 and da >= 3:
        batch = a._data.shape[:-1]
        k = a._data.shape[-1]
        if k != b._data.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({int(np.prod(batch))}x{k} and "
                f"{b._data.shape[0]}x{b._data.shape[-1]})" if db == 2 else
                f"size mismatch, got input ({int(np.prod(batch))}), mat ({int(np.prod(batch))}x{k}), "
                f"vec ({b._data.shape[0]})"
            )  # fmt: skip
        flat = a.reshape(-1, k)
        r = mm(flat, b) if db == 2 else mv(flat, b)
        return UnsafeView.apply(r, shape=batch + b._data.shape[1:])
    if da == 1:
        return Squeeze4.apply(matmul(a.unsqueeze(0), b), shape=b._data.shape[:-2] + b._data.shape[-1:])
    if db == 1:
        return Squeeze4.apply(matmul(a, b.unsqueeze(-1)), shape=a._data.shape[:-1])
    k, k2 = a._data.shape[-1], b._data.shape[-2]
    if k != k2:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{int(np.prod(a._data.shape[:-2]))}, {k}] but got: [{int(np.prod(b._data.shape[:-2]))}, {k2}]."
            if db > 2 else
            f"mat1 and mat2 shapes cannot be multiplied ({int(np.prod(a._data.shape[:-1]))}x{k} and {k2}x"
            f"{b._data.shape[-1]})"
        )  # fmt: skip
    try:
        np.broadcast_shapes(a._data.shape[:-2], b._data.shape[:-2])
    except ValueError:
        from .pointwise import _broadcast_error

        _broadcast_error(a.shape[:-2], b.shape[:-2])
    _same_dtype(a, b, "mm")
    batch = np.broadcast_shapes(a._data.shape[:-2], b._data.shape[:-2])
    n, m = a._data.shape[-2], b._data.shape[-1]
    a3 = a.expand(*batch, n, k).reshape(-1, n, k)
    b3 = b.expand(*batch, k, m).reshape(-1, k, m)
    return UnsafeView.apply(bmm(a3, b3), shape=tuple(batch) + (n, m))
