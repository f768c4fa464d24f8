"""Movement ops: views (shape and stride changes over the same memory), indexing, joining and selecting.

A view's forward returns a NumPy view, so the result shares memory and the version counter with its input.
"""

from __future__ import annotations

import operator
import warnings
from typing import Any, Sequence

import numpy as np

from .. import _dtype as D
from .._device import Size
from .._tensor import Tensor, _view_of, _wrap, _wrap_dim
from ..autograd.grad_mode import MODE
from .op import Op

_ndarray = np.ndarray


def flat_args(args: Sequence[Any], fn: str = "view", arg: str = "size") -> tuple[int, ...]:
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(Size([2, 3])); anything but integers is torch's TypeError."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        args = args[0]
    try:
        return tuple(a if type(a) is int else operator.index(a) for a in args)
    except TypeError:
        pos, bad = next((i, a) for i, a in enumerate(args) if not _is_index(a))
        raise TypeError(
            f"{fn}(): argument '{arg}' failed to unpack the object at pos {pos + 1} with error \"type must be tuple "
            f"of ints,but got {type(bad).__name__}\""
        ) from None


def _is_index(a: Any) -> bool:
    try:
        operator.index(a)
    except TypeError:
        return False
    return True


class ViewOp(Op):
    """An op whose output is a view of its input."""

    __slots__ = ()

    @classmethod
    def apply(cls, *ts: Tensor, **config: Any) -> Tensor:
        x = ts[0]
        op = cls(**config) if config else cls()
        res = _view_of(op.forward(x._data), x)
        if MODE.enabled and x._requires_grad:
            op._link(ts, res)
        return res


# ---------------------------------------------------------------- reshaping views
def _infer_shape(shape: tuple[int, ...], numel: int) -> tuple[int, ...]:
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
    if neg:
        rest = 1
        for i, s in enumerate(shape):
            if i != neg[0]:
                rest *= s
        if rest == 0 and numel == 0:
            raise RuntimeError(
                f"cannot reshape tensor of 0 elements into shape {list(shape)} because the unspecified dimension "
                "size -1 can be any value and is ambiguous"
            )
        if rest == 0 or numel % rest:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[: neg[0]] + (numel // rest,) + shape[neg[0] + 1 :]
    else:
        n = 1
        for s in shape:
            n *= s
        if n != numel:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class View(ViewOp):
    __slots__ = ("shape",)

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.flags.c_contiguous:
            return x.reshape(self.shape)  # always a view; np.reshape(copy=False) costs several times more
        try:
            return np.reshape(x, self.shape, copy=False)
        except ValueError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one dimension spans "
                "across two contiguous subspaces). Use .reshape(...) instead."
            ) from None

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad.reshape(self._meta[0][0])


class UnsafeView(View):
    __slots__ = ()


def view(x: Tensor, shape: Sequence[Any]) -> Tensor:
    return View.apply(x, shape=_infer_shape(flat_args(shape), x._data.size))


def reshape(x: Tensor, shape: Sequence[Any]) -> Tensor:
    shape = _infer_shape(flat_args(shape, "reshape", "shape"), x._data.size)
    if x._data.flags.c_contiguous:
        return View.apply(x, shape=shape)
    try:
        np.reshape(x._data, shape, copy=False)
    except ValueError:
        from .pointwise import Clone

        return UnsafeView.apply(Clone.apply(x, order="C"), shape=shape)
    return View.apply(x, shape=shape)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    nd = x._data.ndim
    if nd == 0:
        return reshape(x, (1,))
    s, e = _wrap_dim(start_dim, nd), _wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return x
    shape = x.shape
    return reshape(x, (*shape[:s], -1 if x._data.size else int(np.prod(shape[s : e + 1])), *shape[e + 1 :]))


def unflatten(x: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    d = _wrap_dim(dim, x._data.ndim)
    shape = x.shape
    return view(x, ((*shape[:d], *sizes, *shape[d + 1 :]),))


class Transpose(ViewOp):
    __slots__ = ("d0", "d1")

    def __init__(self, d0: int, d1: int) -> None:
        self.d0, self.d1 = d0, d1

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.swapaxes(x, self.d0, self.d1)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad.transpose(self.d0, self.d1)


class T(Transpose):
    __slots__ = ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.swapaxes(x, self.d0, self.d1) if x.ndim else x.view()


def transpose(x: Tensor, d0: int, d1: int) -> Tensor:
    nd = x._data.ndim
    return Transpose.apply(x, d0=_wrap_dim(d0, nd), d1=_wrap_dim(d1, nd))


def t(x: Tensor) -> Tensor:
    nd = x._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return T.apply(x, d0=0, d1=nd - 1 if nd else 0)


_T_WARNED = [False, False]


def warn_T(nd: int) -> None:
    """torch warns (once per process, each) that x.T on a tensor that is not 2-D is deprecated."""
    if _T_WARNED[nd == 0]:
        return
    _T_WARNED[nd == 0] = True
    warnings.warn(
        "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases." if nd == 0 else
        "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will "
        "throw an error in a future release. Consider `x.mT` to transpose batches of matrices or `x.permute(*torch."
        "arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.",
        UserWarning,
        stacklevel=3,
    )  # fmt: skip


class Permute(ViewOp):
    __slots__ = ("dims",)

    def __init__(self, dims: tuple[int, ...]) -> None:
        self.dims = dims

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.transpose(x, self.dims)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad.permute(*np.argsort(self.dims).tolist())  # the inverse permutation


def permute(x: Tensor, dims: tuple[int, ...]) -> Tensor:
    nd = x._data.ndim
    if len(dims) != nd:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired "
            f"ordering of dimensions i.e. input.dim() = {nd} is not equal to len(dims) = {len(dims)}"
        )
    dims = tuple(_wrap_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(x, dims=dims)


class Squeeze(ViewOp):
    __slots__ = ("shape",)

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.reshape(x, self.shape, copy=False)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad.reshape(self._meta[0][0])


class Squeeze1(Squeeze):
    __slots__ = ()
    node_name = "SqueezeBackward1"


class Squeeze2(Squeeze):
    __slots__ = ()
    node_name = "SqueezeBackward2"


class Squeeze4(Squeeze):
    __slots__ = ()
    node_name = "SqueezeBackward4"


def squeeze(x: Tensor, dim: Any = None) -> Tensor:
    shape, nd = x._data.shape, x._data.ndim
    if dim is None:
        return Squeeze.apply(x, shape=tuple(s for s in shape if s != 1))
    dims = {_wrap_dim(d, nd) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))}
    new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return (Squeeze2 if isinstance(dim, (tuple, list)) else Squeeze1).apply(x, shape=new)


class Unsqueeze(ViewOp):
    __slots__ = ("dim",)

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: np.ndarray) -> np.ndarray:
        d = self.dim
        if x.flags.c_contiguous:  # a row-major reshape gives the new dim torch's stride
            return x.reshape(x.shape[:d] + (1,) + x.shape[d:])
        r = np.expand_dims(x, d)
        # NOTE: torch gives the new dim the stride size*stride of the dim it lands before (1 at the end); NumPy
        # picks another, which only shows in stride()
        st = x.strides
        want = st[d] * x.shape[d] if d < x.ndim else x.itemsize
        return r if r.strides[d] == want or not x.size else _restride(r, st[:d] + (want,) + st[d:])

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad.squeeze(self.dim)


def _restride(r: np.ndarray, strides: tuple[int, ...], shape: tuple[int, ...] | None = None,
              writeable: bool = True) -> np.ndarray:  # fmt: skip
    """A view of r's memory with the given strides; its .base is a DummyArray around r (_storage._root sees
    through it)."""
    return np.lib.stride_tricks.as_strided(r, r.shape if shape is None else shape, strides, writeable=writeable)


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    return Unsqueeze.apply(x, dim=_wrap_dim(dim, x._data.ndim + 1))


class Expand(ViewOp):
    __slots__ = ("shape",)

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x: np.ndarray) -> np.ndarray:
        shape = self.shape
        if shape == x.shape:
            return x.view()
        # torch's strides: 0 for new and for broadcast dims, the old stride elsewhere (NumPy zeroes size-1 dims too)
        lead = len(shape) - x.ndim
        st = (0,) * lead + tuple(0 if n != s else d for n, s, d in zip(shape[lead:], x.shape, x.strides))
        overlapping = any(d == 0 and n > 1 for n, d in zip(shape, st))
        return _restride(x, st, shape=shape, writeable=x.flags.writeable and not overlapping)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad  # the engine sums it back to the input's shape


def expand(x: Tensor, sizes: tuple[int, ...]) -> Tensor:
    shape, nd = x._data.shape, x._data.ndim
    if len(sizes) < nd:
        raise RuntimeError(
            f"expand({x.type()}{{{list(shape)}}}, size={list(sizes)}): the number of sizes provided ({len(sizes)}) "
            f"must be greater or equal to the number of dimensions in the tensor ({nd})"
        )
    lead = len(sizes) - nd
    new = list(sizes)
    for i, s in enumerate(shape):
        want = sizes[lead + i]
        if want == -1:
            new[lead + i] = s
        elif s != want and s != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({s}) at non-singleton "
                f"dimension {lead + i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}"
            )
    for i in range(lead):
        if sizes[i] < 0:
            raise RuntimeError(
                f"The expanded size of the tensor ({sizes[i]}) isn't allowed in a leading, non-existing dimension {i}"
            )
    return Expand.apply(x, shape=tuple(new))


# ---------------------------------------------------------------- selecting views
class Embed(Op):
    """Place a gradient into zeros of the input's shape at a basic index: the backward of select and slice."""

    __slots__ = ("index", "shape")
    node_name = "SliceBackwardBackward0"

    def __init__(self, index: tuple, shape: tuple[int, ...]) -> None:
        self.index, self.shape = index, shape

    def forward(self, g: np.ndarray) -> np.ndarray:
        out = np.zeros(self.shape, dtype=g.dtype)
        out[self.index] = g
        return out

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return _BasicIndex.apply(grad, index=self.index)


class _BasicIndex(ViewOp):
    """A view by a NumPy basic index (ints and slices over leading dims)."""

    __slots__ = ("index",)
    node_name = "SliceBackward0"

    def __init__(self, index: tuple) -> None:
        self.index = index

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x[self.index + (Ellipsis,)]  # NOTE: the Ellipsis keeps an all-int index a 0-d view, not a scalar

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return Embed.apply(grad, index=self.index, shape=self._meta[0][0])


class Select(_BasicIndex):
    __slots__ = ()
    node_name = "SelectBackward0"


class Slice(_BasicIndex):
    __slots__ = ()
    node_name = "SliceBackward0"


def select(x: Tensor, dim: int, index: int) -> Tensor:
    nd = x._data.ndim
    if nd == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, nd)
    size = x._data.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(x.shape)} at dimension {d}")
    return Select.apply(x, index=(slice(None),) * d + (index + size if index < 0 else index,))


def narrow(x: Tensor, dim: int, start: Any, length: int) -> Tensor:
    if x._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, x._data.ndim)
    size = x._data.shape[d]
    start, length = operator.index(start), operator.index(length)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return Slice.apply(x, index=(slice(None),) * d + (slice(start, start + length),))


class _MultiView(Op):
    """A function that returns several views of its input (unbind, split, chunk): one node for all of them, as
    torch records it; output i of the node is the i-th view."""

    __slots__ = ("_n_outputs", "dim", "sizes")

    @classmethod
    def run(cls, x: Tensor, parts: list[np.ndarray], dim: int, sizes: list[int]) -> tuple[Tensor, ...]:
        outs = tuple(_view_of(p, x) for p in parts)
        if outs and MODE.enabled and x._requires_grad:
            op = cls.__new__(cls)
            op._n_outputs, op.dim, op.sizes = len(outs), dim, sizes
            op._link((x,), outs[0])
            for i, o in enumerate(outs[1:], 1):
                o.grad_fn, o._requires_grad, o._output_nr = op, True, i
        return outs

    def _grads(self, grads: Any) -> list[Tensor]:
        """The incoming gradients, zeros for outputs that got none."""
        if self._n_outputs == 1:
            grads = [grads]
        shape, dt = self._meta[0]
        outs = []
        for g, n in zip(grads, self.sizes):
            if g is None:
                part = list(shape)
                if type(self) is Unbind:
                    del part[self.dim]
                else:
                    part[self.dim] = n
                g = _wrap(np.zeros(part, dt))
            outs.append(g)
        return outs


class Unbind(_MultiView):
    __slots__ = ()

    def backward(self, grads: Any, out: Tensor | None) -> Tensor:
        return stack(self._grads(grads), self.dim)


class Split(_MultiView):
    __slots__ = ()

    def backward(self, grads: Any, out: Tensor | None) -> Tensor:
        return cat(self._grads(grads), self.dim)


class SplitWithSizes(Split):
    __slots__ = ()
    node_name = "SplitWithSizesBackward0"


def _dim_of(x: Tensor, dim: int) -> int:
    if x._data.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, x._data.ndim)


def unbind(x: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    d = _dim_of(x, dim)
    m = np.moveaxis(x._data, d, 0) if d else x._data
    n = x._data.shape[d]
    return Unbind.run(x, [m[i, ...] for i in range(n)], d, [1] * n)


def _split_parts(x: Tensor, d: int, sizes: list[int]) -> list[np.ndarray]:
    parts, start, lead = [], 0, (slice(None),) * d
    for n in sizes:
        parts.append(x._data[lead + (slice(start, start + n),)])
        start += n
    return parts


def split(x: Tensor, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:
    if x._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, x._data.ndim)
    size = x._data.shape[d]
    if isinstance(split_size, (int, np.integer)):
        split_size = int(split_size)
        if split_size < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={split_size}")
        if split_size == 0 and size != 0:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
            )
        n = max(-(-size // split_size), 1) if split_size else 1
        sizes = [split_size] * n
        sizes[-1] = split_size - (split_size * n - size)
        return Split.run(x, _split_parts(x, d, sizes), d, sizes)
    return split_with_sizes(x, split_size, d)


def split_with_sizes(x: Tensor, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:
    if x._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, x._data.ndim)
    size = x._data.shape[d]
    sizes = [operator.index(s) for s in split_sizes]
    if any(s < 0 for s in sizes):
        raise RuntimeError(
            f"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={sizes}"
        )
    if sum(sizes) != size:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension "
            f"{d}), but got split_sizes={sizes}"
        )
    return SplitWithSizes.run(x, _split_parts(x, d, sizes), d, sizes)


def chunk(x: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    if x._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _wrap_dim(dim, x._data.ndim)
    size = x._data.shape[d]
    split_size = -(-size // chunks)
    if split_size == 0 and size == 0:
        return split_with_sizes(x, [0] * chunks, d)  # NOTE: split(0) would lose the number of chunks
    return split(x, split_size, d)


# ---------------------------------------------------------------- indexing
class Index(Op):
    """x[advanced index]: a copy; the backward adds the gradient back at the indexed places."""

    __slots__ = ("index",)
    save_inputs = False

    def __init__(self, index: tuple) -> None:
        self.index = index

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x[self.index]

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return IndexPutAccumulate.apply(grad, index=self.index, shape=self._meta[0][0])


class IndexPutAccumulate(Op):
    __slots__ = ("index", "shape")
    node_name = "IndexPutBackward0"

    def __init__(self, index: tuple, shape: tuple[int, ...]) -> None:
        self.index, self.shape = index, shape

    def forward(self, g: np.ndarray) -> np.ndarray:
        out = np.zeros(self.shape, dtype=g.dtype)
        np.add.at(out, self.index, g)
        return out

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return Index.apply(grad, index=self.index)


_BAD_INDEX = "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices"
_SEQ_WARN = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in pytorch 2.9; use "
    "x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as tensor index, x[torch.tensor(seq)], "
    "which will result either in an error or a different result"
)


def _as_tuple(index: Any) -> tuple:
    """torch's (NumPy's old) rule: a short list holding a sequence, slice, None or ... is a tuple of indices."""
    if type(index) is tuple:
        return index
    if isinstance(index, list) and len(index) < 32:
        for it in index:
            if isinstance(it, (Tensor, list, tuple, slice, str, np.ndarray)) or it is None or it is Ellipsis:
                warnings.warn(_SEQ_WARN, UserWarning, stacklevel=4)
                return tuple(index)
    return (index,)


def _seq_index(it: Any) -> np.ndarray:
    """A list (or ndarray) used as an index: a bool or uint8 mask, else int64 (floats are truncated, as torch)."""
    a = np.asarray(it)
    if a.dtype.kind == "b" or a.dtype == np.uint8 and isinstance(it, np.ndarray):
        return a
    if a.dtype.kind in "iuf":
        return a.astype(np.int64)
    from .._creation import tensor

    return tensor(it)._data.astype(np.int64)  # raises torch's error for anything else


def _uint8_mask(a: np.ndarray) -> np.ndarray:
    warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
                  UserWarning, stacklevel=5)  # fmt: skip
    return a.astype(bool)


def _convert_index(x: Tensor, index: Any) -> tuple[list, bool]:
    """torch index -> list of NumPy index items (no Ellipsis left), checking bounds; and whether any item is
    advanced (an index array)."""
    if isinstance(index, str):
        warnings.warn(_SEQ_WARN, UserWarning, stacklevel=3)
        raise TypeError("new(): invalid data type 'str'")
    index = _as_tuple(index)
    items: list = []
    advanced = False
    used = n_ell = 0  # dims the index uses; how many Ellipsis
    for it in index:
        if isinstance(it, Tensor):
            a = it._data
            if a.dtype.kind not in "biu":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if a.dtype == np.uint8:
                a = _uint8_mask(a)
            if a.ndim == 0 and a.dtype != np.bool_:
                items.append(int(a))
                used += 1
                continue
            items.append(a)
            used += a.ndim if a.dtype == np.bool_ else 1
            advanced = True
        elif isinstance(it, slice):
            if it.step is not None and operator.index(it.step) <= 0:
                raise ValueError("slice step cannot be zero" if operator.index(it.step) == 0 else
                                 "step must be greater than zero")  # fmt: skip
            items.append(it)
            used += 1
        elif it is None:
            items.append(it)
        elif it is Ellipsis:
            items.append(it)
            n_ell += 1
        elif isinstance(it, bool):
            items.append(np.asarray(it))
            advanced = True
        elif isinstance(it, (int, np.integer)):
            items.append(int(it))
            used += 1
        elif isinstance(it, (list, tuple, np.ndarray)):
            a = _seq_index(it)
            if a.dtype == np.uint8:
                a = _uint8_mask(a)
            items.append(a)
            used += a.ndim if a.dtype == np.bool_ else 1
            advanced = True
        elif isinstance(it, str):
            raise TypeError("new(): invalid data type 'str'")
        elif isinstance(it, float):
            raise IndexError(f"{_BAD_INDEX} (got float)")
        else:
            try:
                items.append(operator.index(it))
            except TypeError:
                raise IndexError(f"{_BAD_INDEX} (got {type(it).__name__})") from None
            used += 1
    return _expand_ellipsis(x, items, used, n_ell), advanced


def _consumes(it: Any) -> int:
    """How many dims of the indexed tensor an index item uses."""
    if it is None or it is Ellipsis:
        return 0
    if isinstance(it, np.ndarray) and it.dtype == np.bool_:
        return it.ndim
    return 1


def _expand_ellipsis(x: Tensor, items: list, used: int, n_ell: int) -> list:
    shape = x._data.shape
    nd = len(shape)
    if used > nd:
        if nd == 0 and any(isinstance(i, slice) for i in items):
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    if n_ell:
        # NOTE: torch lets every ... skip the unindexed dims (so x[..., 0, ...] is x[:, :, 0] for 3-D x)
        fill = [slice(None)] * (nd - used)
        out: list = []
        for it in items:
            out.extend(fill) if it is Ellipsis else out.append(it)
        if n_ell > 1:
            while sum(_consumes(i) for i in out) > nd and isinstance(out[-1], slice) and out[-1] == slice(None):
                out.pop()
        items = out
    d = 0
    for it in items:
        if it is None:
            continue
        if isinstance(it, int):
            if not -shape[d] <= it < shape[d]:
                raise IndexError(f"index {it} is out of bounds for dimension {d} with size {shape[d]}")
        elif isinstance(it, np.ndarray):
            if it.dtype == np.bool_:
                for j in range(it.ndim):
                    if it.shape[j] != shape[d + j]:
                        raise IndexError(
                            f"The shape of the mask {list(it.shape)} at index {j} does not match the shape of the "
                            f"indexed tensor {list(shape)} at index {d + j}"
                        )
                d += it.ndim
                continue
            if it.size and (it.max() >= shape[d] or it.min() < -shape[d]):
                bad = int(it.max()) if it.max() >= shape[d] else int(it.min())
                raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {shape[d]}")
        d += 1
    return items


def _basic_layout(a: np.ndarray, items: list) -> tuple[tuple[int, ...], int]:
    """torch's strides and byte offset for a[items] (basic items only): a None dim gets size * stride of the dim
    it lands before, as unsqueeze gives it (NumPy gives 0); an empty slice still moves the offset to its start."""
    shape, st, d, off = list(a.shape), list(a.strides), 0, 0
    for it in items:
        if it is None:
            st.insert(d, shape[d] * st[d] if d < len(shape) else a.itemsize)
            shape.insert(d, 1)
            d += 1
        elif isinstance(it, int):
            off += (it + shape[d] if it < 0 else it) * st[d]
            del shape[d], st[d]
        else:
            start, stop, step = it.indices(shape[d])
            off += start * st[d]
            shape[d] = len(range(start, stop, step))
            st[d] *= step
            d += 1
    return tuple(st), off


def _empty_view(a: np.ndarray, shape: tuple[int, ...], strides: tuple[int, ...], off: int) -> np.ndarray:
    """An empty view at torch's offset into a's memory (NumPy puts an empty slice at the start of its input)."""
    from .._storage import _flat, _root

    flat = _flat(_root(a))
    start = a.__array_interface__["data"][0] - flat.__array_interface__["data"][0] + off
    if flat.base is None and flat is not _root(a) or not 0 <= start <= flat.nbytes:
        return np.empty(shape, a.dtype)
    return np.ndarray(shape, a.dtype, buffer=flat, offset=start, strides=strides)


def getitem(x: Tensor, index: Any) -> Tensor:
    if type(index) is int and x._data.ndim:  # the most common case first
        size = x._data.shape[0]
        if not -size <= index < size:
            raise IndexError(f"index {index} is out of bounds for dimension 0 with size {size}")
        if not (MODE.enabled and x._requires_grad):
            return _view_of(x._data[index, ...], x)
        return Select.apply(x, index=(index,))
    if x._data.ndim == 0 and isinstance(index, (int, np.integer)) and not isinstance(index, bool):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                         "C++ to convert a 0-dim tensor to a number")  # fmt: skip
    items, advanced = _convert_index(x, index)
    if not (MODE.enabled and x._requires_grad):
        if advanced:
            r = x._data[tuple(items)]
            if type(r) is not _ndarray:
                r = np.asarray(r)
            return _wrap(r if r.flags.c_contiguous else np.ascontiguousarray(r))
        r = x._data[tuple(items) + (Ellipsis,)]  # NOTE: the Ellipsis keeps an all-int index a 0-d view
        if None in items or not r.size:
            st, off = _basic_layout(x._data, items)
            if not r.size:
                r = _empty_view(x._data, r.shape, st, off)
            elif st != r.strides:
                # the size-1 dims of None: a reshape of the view without them often has torch's strides already
                r2 = x._data[tuple(i for i in items if i is not None) + (Ellipsis,)].reshape(r.shape)
                r = r2 if r2.strides == st and r2.base is not None else _restride(r, st, writeable=r.flags.writeable)
        return _view_of(r, x)
    # record the graph as torch does: one node per basic step, then one for the advanced part
    if advanced:
        return Index.apply(x, index=tuple(items))
    return _basic_steps(x, items)


def _basic_steps(x: Tensor, items: list) -> Tensor:
    d, out = 0, x
    for it in items:
        if it is None:
            out = Unsqueeze.apply(out, dim=d)
            d += 1
        elif isinstance(it, int):
            size = out._data.shape[d]
            out = Select.apply(out, index=(slice(None),) * d + (it + size if it < 0 else it,))
        else:
            if it != slice(None):
                out = Slice.apply(out, index=(slice(None),) * d + (it,))
            d += 1
    if out is x:
        out = Alias.apply(x)
    return out


class Alias(ViewOp):
    __slots__ = ()

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        return x.view()

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad


class IndexPut(Op):
    """x[advanced index] = v, out of place: the gradient of x is zero at the written places."""

    __slots__ = ("index",)

    def __init__(self, index: tuple) -> None:
        self.index = index

    def forward(self, x: np.ndarray, v: np.ndarray) -> np.ndarray:
        out = x.copy()
        out[self.index] = v
        return out

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        gx = IndexFill.apply(grad, index=self.index) if self.next_functions[0][0] is not None else None
        gv = Index.apply(grad, index=self.index) if self.next_functions[1][0] is not None else None
        return gx, gv


class IndexFill(Op):
    __slots__ = ("index",)

    def __init__(self, index: tuple) -> None:
        self.index = index

    def forward(self, g: np.ndarray) -> np.ndarray:
        out = g.copy()
        out[self.index] = 0
        return out

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return IndexFill.apply(grad, index=self.index)


# the C++ type names in torch's "value cannot be converted" error
_CONVERT_NAME = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
                 "float16": "double", "float32": "float", "float64": "double"}  # fmt: skip
_OVERLAP_MSG = ("unsupported operation: more than one element of the written-to tensor refers to a single memory "
                "location. Please clone() the tensor before performing the operation.")  # fmt: skip


def _scalar_value(x: Tensor, value: Any) -> Any:
    """A Python number to write into x: torch converts it to x's dtype, refusing values that do not fit."""
    dt = x.dtype
    if dt is D.bool:
        return bool(value)
    if isinstance(value, complex) and dt._cat < 3 and value.imag != 0:
        raise RuntimeError(f"value cannot be converted to type {_CONVERT_NAME[dt.name]} without overflow")
    if dt._cat == 1:
        info = np.iinfo(dt.np)
        v = value.real if isinstance(value, complex) else value
        bad = not (abs(v) <= info.max if info.min == 0 and isinstance(v, (int, np.integer)) else info.min <= v <= info.max)
        if bad:
            raise RuntimeError(f"value cannot be converted to type {_CONVERT_NAME[dt.name]} without overflow")
    return value


def _strip_ones(a: np.ndarray) -> np.ndarray:
    """torch drops a value's leading size-1 dims before broadcasting it into x[index]."""
    k = 0
    while k < a.ndim and a.shape[k] == 1:
        k += 1
    return a.reshape(a.shape[k:]) if k else a


def _set_value(x: Tensor, index: Any, advanced: bool, value: Any) -> Any:
    """The array (or number) to assign into x[index], with torch's checks on it."""
    if not isinstance(value, Tensor):
        if isinstance(value, (bool, int, float, complex, np.number, np.bool_)):
            return _scalar_value(x, value.item() if isinstance(value, np.generic) else value)
        name = "numpy.ndarray" if isinstance(value, np.ndarray) else type(value).__name__
        raise TypeError(f"can't assign a {name} to a torch.{x.dtype._storage}Tensor")
    vd = value._data
    if advanced:
        mask_fill = isinstance(index, Tensor) and index._data.dtype == np.bool_ and vd.ndim == 0
        if not mask_fill and vd.dtype != x._data.dtype:
            raise RuntimeError(
                f"Index put requires the source and destination dtypes match, got {x.dtype._storage} for the "
                f"destination and {value.dtype._storage} for the source."
            )
    return _strip_ones(vd) if vd.ndim else vd


def setitem(x: Tensor, index: Any, value: Any) -> None:
    from .pointwise import _LEAF_MSG, _VIEW_LEAF_MSG, _graph_alias, _rebase, as_operand, copy_

    if isinstance(value, (list, tuple, np.ndarray, str)) or value is None:
        _set_value(x, index, False, value)  # torch's TypeError
    if isinstance(index, Tensor) and index._data.dtype == np.uint8 and (
            not isinstance(value, Tensor) or value._data.ndim == 0):  # fmt: skip
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype unsigned char")
    if type(index) is bool:  # x[True] = v writes into x.unsqueeze(0); x[False] = v writes nothing
        items, advanced = [None], False
        if not index:
            _set_value(x, index, False, value)
            return
    else:
        items, advanced = _convert_index(x, index)
    v = value if isinstance(value, Tensor) else None
    if not (MODE.enabled and (x._requires_grad or (v is not None and v._requires_grad))):
        vd = _set_value(x, index, advanced, value)
        if not advanced and isinstance(vd, np.ndarray):
            target = x._data[tuple(items) + (Ellipsis,)]
            if vd.shape != target.shape:
                expand(_wrap(vd), target.shape)  # raises torch's error when vd does not broadcast
        try:
            x._data[tuple(items)] = vd
        except ValueError as e:
            if not x._data.flags.writeable:
                raise RuntimeError(_OVERLAP_MSG) from None
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {list(np.shape(vd))} cannot be broadcast to indexing result "
                f"of shape {list(np.shape(x._data[tuple(items)]))}"
            ) from e
        x._version[0] += 1
        return
    if x.grad_fn is None and x._requires_grad:  # x[i] = v writes through a view of x; x[idx] = v into x itself
        raise RuntimeError(_LEAF_MSG if advanced else _VIEW_LEAF_MSG)
    _set_value(x, index, advanced, value)
    v = as_operand(value, x)
    if advanced:
        # as torch: the ints, slices and Nones make a view of x first, the index arrays then write into it
        basic, adv = _split_mixed(items)
        target = x if basic is None else _basic_steps(x, basic)
        _rebase(target, IndexPut.apply(_graph_alias(target), v.to(x.dtype), index=adv))
        return
    copy_(_basic_steps(x, items), v)


def _split_mixed(items: list) -> tuple[list | None, tuple]:
    """A mixed index -> (its basic part, with full slices where the arrays were; the arrays, placed in the dims of
    the basic view). (None, items) when there is no basic part to take first."""
    basic: list = []
    adv: list = []
    trivial = True
    for it in items:
        if isinstance(it, np.ndarray):
            if it.ndim == 0:
                return None, tuple(items)
            basic.extend([slice(None)] * (it.ndim if it.dtype == np.bool_ else 1))
            adv.append(it)
        elif isinstance(it, int):
            basic.append(it)
            trivial = False
        elif it is None:
            basic.append(None)
            adv.append(slice(None))
            trivial = False
        else:
            basic.append(it)
            adv.append(slice(None))
            trivial = trivial and it == slice(None)
    return (None, tuple(items)) if trivial else (basic, tuple(adv))


# ---------------------------------------------------------------- in-place through a view: CopySlices
def _mem_offsets(a: np.ndarray, start: int = 0) -> np.ndarray:
    """The memory offset (in elements) of every element of a, as an array of a's shape."""
    m = np.full(a.shape, start, dtype=np.int64)
    isz = a.itemsize
    for k, (n, st) in enumerate(zip(a.shape, a.strides)):
        m = m + (np.arange(n, dtype=np.int64) * (st // isz)).reshape((n,) + (1,) * (a.ndim - k - 1))
    return m


def _region(view: Tensor, base: Tensor) -> np.ndarray:
    """For every element of view, its flat (C-order) index in base, whatever base's memory layout."""
    vd, bd = view._data, base._data
    off = (vd.__array_interface__["data"][0] - bd.__array_interface__["data"][0]) // bd.itemsize
    base_mem = _mem_offsets(bd).reshape(-1)
    lo = int(base_mem.min()) if base_mem.size else 0
    lut = np.zeros(int(base_mem.max()) - lo + 1 if base_mem.size else 1, dtype=np.int64)
    lut[base_mem - lo] = np.arange(base_mem.size, dtype=np.int64)
    return lut[_mem_offsets(vd, off) - lo]


class CopySlices(Op):
    """The base's node after an in-place op wrote through one of its views: the op's backward on the view's part
    of the gradient, the rest passed on unchanged. Built from indexing ops, so it is differentiable itself."""

    __slots__ = ("index", "fn")
    node_name = "CopySlices"

    def __init__(self, index: np.ndarray, fn: Op) -> None:
        self.index, self.fn = index, fn

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        shape = grad.shape
        flat = grad.reshape(-1)
        idx = (self.index,)
        fn = self.fn
        fn._check_versions()
        gs = fn.backward(Index.apply(flat, index=idx), fn._output())
        if type(gs) is not tuple:
            gs = (gs,)
        g0 = gs[0]
        result = IndexFill.apply(flat, index=idx)
        if g0 is not None:
            if g0.shape != self.index.shape:
                g0 = g0.expand(*self.index.shape)
            result = result + IndexPutAccumulate.apply(g0, index=idx, shape=(flat._data.size,))
        return (result.reshape(shape),) + tuple(gs[1:])

    def _release(self) -> None:
        super()._release()
        self.fn._release()


class AsStrided(ViewOp):
    """The grad_fn of a view after an in-place op through it: a view of the (rebased) base."""

    __slots__ = ("index", "base_shape")
    node_name = "AsStridedBackward0"

    def __init__(self, index: np.ndarray, base_shape: tuple) -> None:
        self.index, self.base_shape = index, base_shape

    def forward(self, b: np.ndarray) -> np.ndarray:
        return b.reshape(-1)[self.index]

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        n = int(np.prod(self.base_shape))
        return IndexPutAccumulate.apply(grad, index=(self.index,), shape=(n,)).reshape(self.base_shape)


def copy_slices(view: Tensor, result: Tensor) -> Tensor:
    """view.op_(...) where view's base is in the graph: write result into the view, rebase the base onto
    CopySlices(base's old node, the op), and make the view an AsStrided view of the new base."""
    base = view._base
    index = _region(view, base)
    np.copyto(view._data, np.broadcast_to(result._data, view.shape), casting="unsafe")
    view._version[0] += 1
    fn = result.grad_fn
    if fn is None:
        return view
    cs = CopySlices(index, fn)
    cs.next_functions = ((base._grad_node(), base._output_nr),) + fn.next_functions[1:]
    cs._meta = (((base._data.shape, base._data.dtype),) + fn._meta[1:])
    cs._freed = False
    cs._pre_hooks = cs._post_hooks = None
    cs._versions = ()
    base.grad_fn, base._requires_grad = cs, True
    if fn.save_output:
        fn._out = view._data.copy()
        fn._versions = tuple(v for v in fn._versions if v[2] != -1)
    av = AsStrided(index, base._data.shape)
    av.next_functions = ((cs, 0),)
    av._meta = ((base._data.shape, base._data.dtype),)
    av._freed = False
    av._pre_hooks = av._post_hooks = None
    av._versions = ()
    view.grad_fn, view._requires_grad = av, True
    return view


def inplace_view(x: Tensor, v: Tensor) -> Tensor:
    """t_(), squeeze_() ...: x takes the shape and strides of its own view v."""
    x._data = v._data
    if v.grad_fn is not None:
        x.grad_fn = v.grad_fn
    return x


def view_dtype(x: Tensor, dtype: D.dtype) -> Tensor:
    return _view_of(x._data.view(dtype.np), x)


# ---------------------------------------------------------------- joining
class Cat(Op):
    __slots__ = ("dim",)

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        # NOTE: torch still accepts legacy empty 1-D tensors of shape (0,) next to tensors of any shape
        return np.concatenate([x for x in xs if x.shape != (0,)] or xs[:1], axis=self.dim)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        outs, start = [], 0
        legacy = grad._data.ndim != 1
        for (shape, _), (nf, _) in zip(self._meta, self.next_functions):
            if legacy and shape == (0,):
                outs.append(grad.new_zeros((0,)) if nf is not None else None)
                continue
            n = shape[self.dim]
            outs.append(narrow(grad, self.dim, start, n) if nf is not None else None)
            start += n
        return tuple(outs)


def _promote_all(ts: Sequence[Tensor]) -> list[Tensor]:
    from .pointwise import _cast

    dt = ts[0].dtype
    for t_ in ts[1:]:
        dt = D.promote_types(dt, t_.dtype)
    return [t_ if t_.dtype is dt else _cast(t_, dt) for t_ in ts]


def cat(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    """Join tensors along an existing dim. See torch.cat."""
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"cat(): argument 'tensors' (position 1) must be tuple of Tensors, not {type(tensors).__name__}")
    if len(tensors) == 0:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t_ in enumerate(tensors):
        if t_._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    ts = [t_ for t_ in tensors if not (t_._data.ndim == 1 and t_._data.shape[0] == 0)] or list(tensors[:1])
    ref = ts[0]
    d = _wrap_dim(dim, ref._data.ndim)
    for i, t_ in enumerate(ts):
        if t_._data.ndim != ref._data.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref._data.ndim} and {t_._data.ndim}"
            )
        for k in range(ref._data.ndim):
            if k != d and t_._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {ref._data.shape[k]} but got "
                    f"size {t_._data.shape[k]} for tensor number {i} in the list."
                )
    r = Cat.apply(*_promote_all(list(tensors)), dim=d)
    if out is not None:
        from .pointwise import _write_out

        return _write_out(out, r)
    return r


class Stack(Op):
    __slots__ = ("dim",)

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        return np.stack(xs, axis=self.dim)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        return tuple(select(grad, self.dim, i) if nf is not None else None
                     for i, (nf, _) in enumerate(self.next_functions))  # fmt: skip


def stack(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    """Join tensors along a new dim. See torch.stack."""
    if len(tensors) == 0:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape0 = tensors[0].shape
    for i, t_ in enumerate(tensors):
        if t_.shape != shape0:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape0)} at entry 0 and "
                f"{list(t_.shape)} at entry {i}"
            )
    d = _wrap_dim(dim, len(shape0) + 1)
    r = Stack.apply(*_promote_all(tensors), dim=d)
    if out is not None:
        from .pointwise import _write_out

        return _write_out(out, r)
    return r


class Repeat(Op):
    """x.repeat(*sizes): x tiled; the gradient sums the tiles back."""

    __slots__ = ("reps",)

    def __init__(self, reps: tuple[int, ...]) -> None:
        self.reps = reps

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.tile(x, self.reps)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        shape = self._meta[0][0]
        lead = len(self.reps) - len(shape)
        full = (1,) * lead + tuple(shape)
        # (r0, s0, r1, s1, ...): summing over every r axis adds the tiles up
        split = [n for r, sz in zip(self.reps, full) for n in (r, sz)]
        g = grad.reshape(split).sum(tuple(range(0, 2 * len(full), 2)))
        return g.reshape(shape)


def repeat(x: Tensor, sizes: tuple[int, ...]) -> Tensor:
    if len(sizes) < x._data.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    lead = len(sizes) - x._data.ndim
    shape = [r * s for r, s in zip(sizes, (1,) * lead + x._data.shape)]
    if any(r < 0 for r in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {shape}")
    return Repeat.apply(x, reps=tuple(sizes))


# ---------------------------------------------------------------- selecting by index tensors
class IndexSelect(Op):
    __slots__ = ("dim", "index")

    def __init__(self, dim: int, index: np.ndarray) -> None:
        self.dim, self.index = dim, index

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.take(x, self.index, axis=self.dim)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        idx = (slice(None),) * self.dim + (self.index,)
        return IndexPutAccumulate.apply(grad, index=idx, shape=self._meta[0][0])


def index_select(x: Tensor, dim: int, index: Tensor) -> Tensor:
    d = _wrap_dim(dim, x._data.ndim)
    idx = index._data
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if idx.dtype.kind not in "iu":
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    idx = idx.reshape(-1)
    size = x._data.shape[d] if x._data.ndim else 1
    if idx.size and (idx.max() >= size or idx.min() < 0):  # NOTE: no negative indices here, unlike x[idx]
        if x._data.ndim > 1 and d == 1:  # torch's kernel for dim 1 words it differently
            bad = int(idx[(idx < 0) | (idx >= size)][0])
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
        raise IndexError("index out of range in self")
    if x._data.ndim == 0:
        return x.clone()
    return IndexSelect.apply(x, dim=d, index=idx)


class MaskedSelect(Op):
    __slots__ = ("mask",)

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(x, self.mask.shape)[self.mask]

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return IndexPutAccumulate.apply(grad, index=(self.mask,), shape=self.mask.shape)


def masked_select(x: Tensor, mask: Tensor) -> Tensor:
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_select: expected BoolTensor for mask")
    try:
        shape = np.broadcast_shapes(x._data.shape, mask._data.shape)
    except ValueError:
        from .pointwise import _broadcast_error

        _broadcast_error(mask.shape, x.shape)
    return MaskedSelect.apply(x, mask=np.broadcast_to(mask._data, shape))


class Gather(Op):
    __slots__ = ("dim", "index")

    def __init__(self, dim: int, index: np.ndarray) -> None:
        self.dim, self.index = dim, index

    def forward(self, x: np.ndarray) -> np.ndarray:
        idx = self.index
        if idx.shape != x.shape:
            x = x[tuple(slice(0, s) if i != self.dim else slice(None) for i, s in enumerate(idx.shape))]
        return np.take_along_axis(x, idx, axis=self.dim)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return ScatterAdd.apply(grad, dim=self.dim, index=self.index, shape=self._meta[0][0])


class ScatterAdd(Op):
    __slots__ = ("dim", "index", "shape")

    def __init__(self, dim: int, index: np.ndarray, shape: tuple) -> None:
        self.dim, self.index, self.shape = dim, index, shape

    def forward(self, g: np.ndarray) -> np.ndarray:
        out = np.zeros(self.shape, dtype=g.dtype)
        grid = list(np.indices(self.index.shape, sparse=True))
        grid[self.dim] = self.index
        np.add.at(out, tuple(grid), g)
        return out

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return Gather.apply(grad, dim=self.dim, index=self.index)


def gather(x: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False, out: Tensor | None = None) -> Tensor:
    """Pick values along dim by index. See torch.gather."""
    nd = x._data.ndim
    d = _wrap_dim(dim, nd)
    idx = index._data
    if idx.dtype != np.int64:
        if idx.dtype != np.int32:
            raise RuntimeError("gather(): Expected dtype int32/int64 for index")
        idx = idx.astype(np.int64)
    if idx.ndim != max(nd, 1) and not (idx.ndim == 0 or nd == 0):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for k in range(idx.ndim):
        if k != d and idx.shape[k] > x._data.shape[k]:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(index.shape)} to be no larger than "
                f"self {list(x.shape)} apart from dimension {d}"
            )
    if idx.size and (idx.max() >= x._data.shape[d] or idx.min() < -x._data.shape[d]):
        bad = int(idx.max()) if idx.max() >= x._data.shape[d] else int(idx.min())
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {x._data.shape[d]}")
    r = Gather.apply(x, dim=d, index=idx)
    if out is not None:
        from .pointwise import _write_out

        return _write_out(out, r)
    return r


def nonzero(x: Tensor, *, as_tuple: bool = False) -> Any:
    nz = np.nonzero(x._data) if x._data.ndim else np.nonzero(x._data.reshape(1))
    if as_tuple:
        return tuple(_wrap(a.astype(np.int64)) for a in nz)
    if x._data.ndim == 0:
        return _wrap(np.zeros((int(bool(x._data)), 0), dtype=np.int64))
    return _wrap(np.stack(nz, axis=1).astype(np.int64) if nz else np.zeros((0, 0), np.int64))
