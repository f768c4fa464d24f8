"""Movement ops: views (shape and stride changes over the same memory), indexing, joining and selecting.

A view's forward returns a NumPy view, so the result shares memory and the version counter with its input.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .. import _dtype as D
from .._device import Size
from .._tensor import Tensor, _view_of, _wrap, _wrap_dim
from ..autograd.grad_mode import MODE
from .op import Op

_ndarray = np.ndarray


def flat_args(args: Sequence[Any]) -> tuple[int, ...]:
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(Size([2, 3]))."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        args = args[0]
    return tuple(int(a) for a in args)


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
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    if neg:
        rest = 1
        for i, s in enumerate(shape):
            if i != neg[0]:
                rest *= s
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
    shape = _infer_shape(flat_args(shape), x._data.size)
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


def transpose(x: Tensor, d0: int, d1: int) -> Tensor:
    nd = x._data.ndim
    return Transpose.apply(x, d0=_wrap_dim(d0, nd), d1=_wrap_dim(d1, nd))


def t(x: Tensor) -> Tensor:
    nd = x._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return T.apply(x, d0=0, d1=nd - 1 if nd else 0)


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
        return np.expand_dims(x, self.dim)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad.squeeze(self.dim)


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    return Unsqueeze.apply(x, dim=_wrap_dim(dim, x._data.ndim + 1))


class Expand(ViewOp):
    __slots__ = ("shape",)

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(x, self.shape)

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
    d = _wrap_dim(dim, x._data.ndim)
    size = x._data.shape[d]
    start = int(start)
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return Slice.apply(x, index=(slice(None),) * d + (slice(start, start + length),))


def unbind(x: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    d = _wrap_dim(dim, x._data.ndim)
    return tuple(select(x, d, i) for i in range(x._data.shape[d]))


def split(x: Tensor, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:
    d = _wrap_dim(dim, x._data.ndim)
    size = x._data.shape[d]
    if isinstance(split_size, int):
        sizes = [split_size] * (size // split_size) + ([size % split_size] if size % split_size else [])
        if not sizes:
            sizes = [0]
    else:
        sizes = list(split_size)
        if sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension "
                f"{d}), but got split_sizes={sizes}"
            )
    out, start = [], 0
    for s in sizes:
        out.append(narrow(x, d, start, s))
        start += s
    return tuple(out)


def chunk(x: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    size = x._data.shape[_wrap_dim(dim, x._data.ndim)]
    return split(x, max(-(-size // chunks), 1), dim)


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


def _convert_index(x: Tensor, index: Any) -> tuple[list, bool]:
    """torch index -> list of NumPy index items, checking bounds; and whether any item is advanced."""
    if not isinstance(index, tuple):
        index = (index,)
    items: list = []
    advanced = False
    for it in index:
        if isinstance(it, Tensor):
            a = it._data
            if a.dtype.kind not in "biu":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if a.dtype == np.uint8:
                a = a.astype(bool)
            if a.ndim == 0 and a.dtype != np.bool_:
                items.append(int(a))
                continue
            items.append(a)
            advanced = True
        elif isinstance(it, (list, np.ndarray)):
            a = np.asarray(it)
            if a.dtype.kind == "f" or a.dtype.kind == "O":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            items.append(a)
            advanced = True
        elif isinstance(it, bool):
            items.append(np.asarray(it))
            advanced = True
        elif it is None or it is Ellipsis or isinstance(it, slice):
            items.append(it)
        elif isinstance(it, (int, np.integer)):
            items.append(int(it))
        else:
            try:
                items.append(it.__index__())
            except AttributeError:
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
                    f"(got {type(it).__name__})"
                ) from None
    _check_bounds(x, items)
    return items, advanced


def _check_bounds(x: Tensor, items: list) -> None:
    shape = x._data.shape
    used = sum(1 if not (i is None or i is Ellipsis) else 0 for i in items)
    used += sum(i.ndim - 1 for i in items if isinstance(i, np.ndarray) and i.dtype == np.bool_ and i.ndim > 0)
    if used > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    d = 0
    for k, it in enumerate(items):
        if it is Ellipsis:
            d = len(shape) - sum(
                (i.ndim if isinstance(i, np.ndarray) and i.dtype == np.bool_ else 1)
                for i in items[k + 1 :]
                if i is not None and i is not Ellipsis
            )
            continue
        if it is None:
            continue
        if isinstance(it, int):
            if not -shape[d] <= it < shape[d]:
                raise IndexError(f"index {it} is out of bounds for dimension {d} with size {shape[d]}")
        elif isinstance(it, np.ndarray):
            if it.dtype == np.bool_:
                nd = max(it.ndim, 1) if it.ndim else 0
                for j in range(it.ndim):
                    if it.shape[j] != shape[d + j]:
                        raise IndexError(
                            f"The shape of the mask {list(it.shape)} at index {j} does not match the shape of the "
                            f"indexed tensor {list(shape)} at index {d + j}"
                        )
                d += nd
                continue
            if it.size and (it.max() >= shape[d] or it.min() < -shape[d]):
                bad = int(it.max()) if it.max() >= shape[d] else int(it.min())
                raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {shape[d]}")
        d += 1


def getitem(x: Tensor, index: Any) -> Tensor:
    if type(index) is int and x._data.ndim:  # the most common case first
        size = x._data.shape[0]
        if not -size <= index < size:
            raise IndexError(f"index {index} is out of bounds for dimension 0 with size {size}")
        if not (MODE.enabled and x._requires_grad):
            return _view_of(x._data[index, ...], x)
        return Select.apply(x, index=(index,))
    if x._data.ndim == 0 and not (index is None or index is Ellipsis or isinstance(index, (Tensor, tuple))):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                         "C++ to convert a 0-dim tensor to a number")  # fmt: skip
    items, advanced = _convert_index(x, index)
    if not (MODE.enabled and x._requires_grad):
        if advanced:
            r = x._data[tuple(items)]
            return _wrap(r if type(r) is _ndarray else np.asarray(r))
        if Ellipsis not in items:
            items.append(Ellipsis)  # an all-int index then gives a 0-d view, not a NumPy scalar
        return _view_of(x._data[tuple(items)], x)
    # record the graph as torch does: one node per basic step, then one for the advanced part
    if advanced:
        return Index.apply(x, index=tuple(items))
    return _basic_steps(x, items)


def _basic_steps(x: Tensor, items: list) -> Tensor:
    nd = x._data.ndim
    n_real = sum(1 for i in items if i is not None and i is not Ellipsis)
    expanded: list = []
    for it in items:
        if it is Ellipsis:
            expanded.extend([slice(None)] * (nd - n_real))
        else:
            expanded.append(it)
    d, out = 0, x
    for it in expanded:
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


def setitem(x: Tensor, index: Any, value: Any) -> None:
    from .pointwise import _check_inplace, _graph_alias, _LEAF_MSG, _rebase, as_operand, copy_

    items, advanced = _convert_index(x, index)
    v = value if isinstance(value, Tensor) else None
    if not (MODE.enabled and (x._requires_grad or (v is not None and v._requires_grad))):
        vd = v._data if v is not None else value
        if v is not None:
            _check_inplace(x, v.dtype) if False else None
        try:
            x._data[tuple(items)] = vd
        except ValueError as e:
            target = np.shape(x._data[tuple(items)])
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {list(np.shape(vd))} cannot be broadcast to indexing result "
                f"of shape {list(target)}"
            ) from e
        x._version[0] += 1
        return
    if x.grad_fn is None and x._requires_grad:
        raise RuntimeError(_LEAF_MSG)
    v = as_operand(value, x)
    if advanced:
        _rebase(x, IndexPut.apply(_graph_alias(x), v.to(x.dtype), index=tuple(items)))
        return
    copy_(getitem(x, index), v)


# ---------------------------------------------------------------- in-place through a view: CopySlices
def _geometry(view: Tensor, base: Tensor) -> tuple[int, tuple, tuple]:
    vd, bd = view._data, base._data
    off = vd.__array_interface__["data"][0] - bd.__array_interface__["data"][0]
    return off, vd.shape, vd.strides


def _strided_into(buf: np.ndarray, geom: tuple) -> np.ndarray:
    off, shape, strides = geom
    flat = buf.ravel(order="K")
    return np.ndarray(shape, dtype=buf.dtype, buffer=flat, offset=off, strides=strides)


class CopySlices(Op):
    """The base's node after an in-place op wrote through one of its views."""

    __slots__ = ("geom", "fn")
    node_name = "CopySlices"

    def __init__(self, geom: tuple, fn: Op) -> None:
        self.geom, self.fn = geom, fn

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        result = np.array(grad._data, order="K", copy=True)
        region = _strided_into(result, self.geom)
        g_view = _wrap(region.copy())
        fn = self.fn
        fn._check_versions()
        gs = fn.backward(g_view, fn._output())
        if type(gs) is not tuple:
            gs = (gs,)
        g0 = gs[0]
        region[...] = 0 if g0 is None else np.broadcast_to(g0._data, region.shape)
        return (_wrap(result),) + tuple(gs[1:])

    def _release(self) -> None:
        super()._release()
        self.fn._release()


class AsStrided(ViewOp):
    __slots__ = ("geom", "base_shape")
    node_name = "AsStridedBackward0"

    def __init__(self, geom: tuple, base_shape: tuple) -> None:
        self.geom, self.base_shape = geom, base_shape

    def forward(self, b: np.ndarray) -> np.ndarray:
        return _strided_into(b, self.geom)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        buf = np.zeros(self.base_shape, dtype=grad._data.dtype)
        _strided_into(buf, self.geom)[...] = grad._data
        return _wrap(buf)


def copy_slices(view: Tensor, result: Tensor) -> Tensor:
    """view.op_(...) where view's base is in the graph: write result into the view, rebase the base onto
    CopySlices(base's old node, the op), and make the view an AsStrided view of the new base."""
    base = view._base
    geom = _geometry(view, base)
    np.copyto(view._data, np.broadcast_to(result._data, view.shape), casting="unsafe")
    view._version[0] += 1
    fn = result.grad_fn
    if fn is None:
        return view
    cs = CopySlices(geom, fn)
    cs.next_functions = ((base._grad_node(), 0),) + fn.next_functions[1:]
    cs._meta = (((base._data.shape, base._data.dtype),) + fn._meta[1:])
    cs._freed = False
    cs._pre_hooks = cs._post_hooks = None
    cs._versions = ()
    base.grad_fn, base._requires_grad = cs, True
    if fn.save_output:
        fn._out = view._data.copy()
        fn._versions = tuple(v for v in fn._versions if v[2] != -1)
    av = AsStrided(geom, base._data.shape)
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
        return np.concatenate(xs, axis=self.dim)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        outs, start = [], 0
        for (shape, _), (nf, _) in zip(self._meta, self.next_functions):
            n = shape[self.dim] if len(shape) > self.dim else 0
            outs.append(narrow(grad, self.dim, start, n) if nf is not None and len(shape) else None)
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
    if len(tensors) == 0:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"cat(): argument 'tensors' (position 1) must be tuple of Tensors, not {type(tensors).__name__}")
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
    r = Cat.apply(*_promote_all(ts), dim=d)
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
        raise RuntimeError("index_select(): Expected dtype int32/int64 for index")
    idx = idx.reshape(-1)
    size = x._data.shape[d] if x._data.ndim else 1
    if idx.size and (idx.max() >= size or idx.min() < -size):
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
        raise RuntimeError("gather(): Expected dtype int64 for index")
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
