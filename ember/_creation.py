"""Factories: tensor, as_tensor, from_numpy, zeros, ones, full, empty, eye, arange, range, linspace, *_like,
and the legacy constructors (Tensor(2, 3), FloatTensor([...]) ...)."""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any, Sequence

import numpy as np

from . import _dtype as D
from ._device import Size, check_device
from ._tensor import Tensor, _wrap

_SCALARS = (int, float, bool, complex)


def _size(size: Sequence[Any]) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, np.integer)):
            raise TypeError(
                f"zeros(): argument 'size' (position 1) must be tuple of ints, but found element of type "
                f"{type(s).__name__} at pos {len(out)}"
            )
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(int(s))
    return tuple(out)


def _finish(arr: np.ndarray, requires_grad: bool, device: Any) -> Tensor:
    check_device(device)
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer(data: Any) -> np.ndarray:
    """Python data -> ndarray with torch's dtype inference (floats -> default dtype, ints -> int64)."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, np.ndarray):
        return data
    if isinstance(data, np.generic):
        return np.asarray(data)
    if isinstance(data, (list, tuple)):
        _check_ragged(data)
    try:
        arr = np.array(data)
    except (ValueError, TypeError) as e:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}") from e
    if arr.dtype == np.float64:
        return arr.astype(D.get_default_dtype().np)
    if arr.dtype == np.complex128:
        return arr.astype(D.complex128.np if D.get_default_dtype() is D.float64 else D.complex64.np)
    if arr.dtype.kind in "iu" and arr.dtype != np.int64:
        return arr.astype(np.int64)
    if arr.dtype.kind in "OUS":
        bad = type(data).__name__ if not isinstance(data, (list, tuple)) else _first_leaf_type(data)
        if arr.dtype.kind in "US":
            raise TypeError(f"new(): invalid data type '{bad}'")
        raise TypeError(f"Could not infer dtype of {bad}")
    return arr


def _first_leaf_type(data: Any) -> str:
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return type(data).__name__


def _check_ragged(data: Sequence[Any], dim: int = 0) -> None:
    """torch's error for nested sequences of unequal lengths."""
    if not data or not isinstance(data[0], (list, tuple)):
        return
    n = len(data[0])
    for item in data:
        if not isinstance(item, (list, tuple)) or len(item) != n:
            got = len(item) if isinstance(item, (list, tuple)) else type(item).__name__
            raise ValueError(f"expected sequence of length {n} at dim {dim + 1} (got {got})")
    for item in data:
        _check_ragged(item, dim + 1)


def tensor(data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:  # fmt: skip
    """A new tensor holding a copy of `data`. See torch.tensor.

    >>> ember.tensor([[1.0, 2.0], [3.0, 4.0]])
    tensor([[1., 2.],
            [3., 4.]])
    """
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
        data = [x._data if isinstance(x, Tensor) else x for x in data]
    arr = _infer(data)
    if dtype is not None:
        dt = D.to_dtype(dtype)
        if arr.dtype.kind == "f" and dt._cat == 1:
            with np.errstate(invalid="ignore"):
                arr = arr.astype(dt.np)
        else:
            arr = arr.astype(dt.np)
    else:
        arr = arr.copy()
    return _finish(arr if arr.flags.c_contiguous else np.array(arr, order="C"), requires_grad, device)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """A tensor sharing memory with `data` when it can (an ndarray or tensor of the right dtype). See torch.as_tensor."""
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype is D.to_dtype(dtype) else data.to(D.to_dtype(dtype))
    if isinstance(data, np.ndarray):
        t = from_numpy(data)
        return t if dtype is None else t.to(D.to_dtype(dtype))
    return tensor(data, dtype=dtype)


asarray = as_tensor


def from_numpy(a: np.ndarray) -> Tensor:
    """A tensor that shares memory with the ndarray `a`. See torch.from_numpy."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(a).__name__})")
    if a.dtype not in D.FROM_NP:
        if a.dtype.newbyteorder("=") in D.FROM_NP and not a.dtype.isnative:
            raise ValueError("given numpy array has byte order different from the native byte order. Conversion "
                             "between byte orders is currently not supported.")  # fmt: skip
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{a.dtype.name}. The only supported types are: float64, float32, "
            "float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool."
        )
    return _wrap(a)


def _dtype_or_default(dtype: Any) -> np.dtype:
    return D.get_default_dtype().np if dtype is None else D.to_dtype(dtype).np


def zeros(*size: Any, out: Tensor | None = None, dtype: Any = None, layout: Any = None, device: Any = None,
          requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """A tensor of zeros. See torch.zeros."""
    return _out(out, _finish(np.zeros(_size(size), _dtype_or_default(dtype)), requires_grad, device))


def ones(*size: Any, out: Tensor | None = None, dtype: Any = None, layout: Any = None, device: Any = None,
         requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """A tensor of ones. See torch.ones."""
    return _out(out, _finish(np.ones(_size(size), _dtype_or_default(dtype)), requires_grad, device))


def empty(*size: Any, out: Tensor | None = None, dtype: Any = None, layout: Any = None, device: Any = None,
          requires_grad: bool = False, pin_memory: bool = False, memory_format: Any = None) -> Tensor:  # fmt: skip
    """An uninitialised tensor. See torch.empty."""
    return _out(out, _finish(np.empty(_size(size), _dtype_or_default(dtype)), requires_grad, device))


def _scalar_dt(v: Any) -> D.dtype:
    if isinstance(v, Tensor):
        return v.dtype
    return D.scalar_dtype(v)


def full(size: Any, fill_value: Any, *, out: Tensor | None = None, dtype: Any = None, layout: Any = None,
         device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """A tensor filled with fill_value; its dtype follows the value (int -> int64). See torch.full."""
    dt = D.to_dtype(dtype) if dtype is not None else _scalar_dt(fill_value)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _out(out, _finish(np.full(_size((size,)), fill_value, dt.np), requires_grad, device))


def _out(out: Tensor | None, r: Tensor) -> Tensor:
    if out is None:
        return r
    from .ops.pointwise import _write_out

    return _write_out(out, r)


def eye(n: int, m: int | None = None, *, out: Tensor | None = None, dtype: Any = None, layout: Any = None,
        device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """The identity matrix (n x m). See torch.eye."""
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    return _out(out, _finish(np.eye(n, m, dtype=_dtype_or_default(dtype)), requires_grad, device))


def _num(v: Any) -> Any:
    return v.item() if isinstance(v, Tensor) else v


def arange(start: Any = 0, end: Any = None, step: Any = 1, *, out: Tensor | None = None, dtype: Any = None,
           layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Values from start up to (not including) end, step apart. See torch.arange."""
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dt = D.get_default_dtype() if is_float else D.int64
    else:
        dt = D.to_dtype(dtype)
    n = math.ceil((end - start) / step)
    arr = (start + np.arange(n, dtype=np.float64 if dt._cat >= 2 or isinstance(step, float) else np.int64) * step)
    return _out(out, _finish(arr.astype(dt.np), requires_grad, device))


def range(start: Any = 0, end: Any = None, step: Any = 1, *, out: Tensor | None = None, dtype: Any = None,
          layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:  # noqa: A001  # fmt: skip
    """Values from start to end inclusive (deprecated in torch; use arange). See torch.range."""
    warnings.warn(
        "torch.range is deprecated and will be removed in a future release because its behavior is inconsistent "
        "with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).",
        UserWarning,
        stacklevel=2,
    )
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    n = int(math.floor((end - start) / step)) + 1
    arr = start + np.arange(n, dtype=np.float64) * step
    return _out(out, _finish(arr.astype(dt.np), requires_grad, device))


def linspace(start: Any, end: Any, steps: int, *, out: Tensor | None = None, dtype: Any = None, layout: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """`steps` evenly spaced values from start to end inclusive. See torch.linspace."""
    start, end = _num(start), _num(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    if steps == 1:
        arr = np.array([start], dtype=np.float64)
    else:
        # NOTE: torch fills the first half from start and the second half back from end
        step = (end - start) / (steps - 1)
        i = np.arange(steps, dtype=np.float64)
        half = steps // 2
        arr = np.where(i < half, start + step * i, end - step * (steps - 1 - i))
    if dt._cat == 1:
        arr = np.trunc(arr)
    return _out(out, _finish(arr.astype(dt.np), requires_grad, device))


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
    e = linspace(start, end, steps, dtype=D.float64)._data
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    return _finish((base**e).astype(dt.np), requires_grad, device)


def _like(x: Tensor, dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
    return x._data.shape, (x._data.dtype if dtype is None else D.to_dtype(dtype).np)


def zeros_like(input: Tensor, *, dtype: Any = None, layout: Any = None, device: Any = None,
               requires_grad: bool = False, memory_format: Any = None) -> Tensor:  # fmt: skip
    shape, dt = _like(input, dtype)
    return _finish(np.zeros(shape, dt), requires_grad, device)


def ones_like(input: Tensor, *, dtype: Any = None, layout: Any = None, device: Any = None,
              requires_grad: bool = False, memory_format: Any = None) -> Tensor:  # fmt: skip
    shape, dt = _like(input, dtype)
    return _finish(np.ones(shape, dt), requires_grad, device)


def empty_like(input: Tensor, *, dtype: Any = None, layout: Any = None, device: Any = None,
               requires_grad: bool = False, memory_format: Any = None) -> Tensor:  # fmt: skip
    shape, dt = _like(input, dtype)
    return _finish(np.empty(shape, dt), requires_grad, device)


def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None, layout: Any = None, device: Any = None,
              requires_grad: bool = False, memory_format: Any = None) -> Tensor:  # fmt: skip
    shape, dt = _like(input, dtype)
    return _finish(np.full(shape, fill_value, dt), requires_grad, device)


# ---------------------------------------------------------------- legacy constructors
class _LegacyMeta(type):
    """isinstance(t, ember.FloatTensor) is True for any float32 tensor, as in torch."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls._legacy_dtype

    def __call__(cls, *args: Any, **kwargs: Any) -> Tensor:
        return _legacy_new(Tensor, cls._legacy_dtype, args, kwargs)


def _legacy_new(cls: type, dt: D.dtype, args: tuple, kwargs: dict) -> Tensor:
    """Tensor(2, 3) -> uninitialised 2x3; Tensor([[1, 2]]) / Tensor(ndarray) -> data; Tensor() -> empty."""
    device = kwargs.pop("device", None)
    check_device(device)
    if "size" in kwargs:
        args = (kwargs.pop("size"),)
    if not args:
        arr = np.empty((0,), dt.np)
    elif len(args) == 1 and isinstance(args[0], Tensor):
        if args[0].dtype is not dt:
            raise TypeError(f"expected {dt._storage} (got {args[0].dtype._storage})")
        return args[0] if cls is Tensor else args[0]
    elif len(args) == 1 and isinstance(args[0], Size):
        arr = np.empty(tuple(args[0]), dt.np)
    elif len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray)):
        arr = np.array(_infer(args[0]), dtype=dt.np, order="C")
    elif all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        arr = np.zeros(_size(args), dt.np)
    else:
        raise TypeError(
            f"new(): invalid data type '{type(args[0]).__name__}'"
            if len(args) == 1 else f"new() received an invalid combination of arguments"
        )  # fmt: skip
    t = object.__new__(cls)
    t._data = arr
    t.grad_fn = None
    t._requires_grad = False
    t.grad = None
    t._version = [0]
    t._base = None
    return t


def _legacy(name: str, dt: D.dtype) -> type:
    return _LegacyMeta(name, (), {"_legacy_dtype": dt, "__module__": "torch"})


FloatTensor = _legacy("FloatTensor", D.float32)
DoubleTensor = _legacy("DoubleTensor", D.float64)
HalfTensor = _legacy("HalfTensor", D.float16)
LongTensor = _legacy("LongTensor", D.int64)
IntTensor = _legacy("IntTensor", D.int32)
ShortTensor = _legacy("ShortTensor", D.int16)
CharTensor = _legacy("CharTensor", D.int8)
ByteTensor = _legacy("ByteTensor", D.uint8)
BoolTensor = _legacy("BoolTensor", D.bool)

_ = builtins  # the module shadows range; builtins stays reachable
