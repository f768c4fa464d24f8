"""Parameter, Buffer and their uninitialized (lazy) forms. See torch.nn.parameter."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap

__all__ = [
    "Buffer",
    "Parameter",
    "UninitializedBuffer",
    "UninitializedParameter",
    "UninitializedTensorMixin",
    "is_lazy",
]

_new = object.__new__


def _make_subclass(cls: type, data: Tensor, requires_grad: bool) -> Tensor:
    """A `cls` instance sharing `data`'s array and version counter, as a fresh leaf (torch's Tensor._make_subclass)."""
    t = _new(cls)
    t._data = data._data
    t.grad_fn = None
    t.grad = None
    t._version = data._version
    t._base = None
    if requires_grad and data._data.dtype.kind not in "fc":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    t._requires_grad = bool(requires_grad)
    return t


class Parameter(Tensor):
    """A Tensor that a Module registers as a parameter when assigned as an attribute. See torch.nn.Parameter.

    >>> Parameter(ember.ones(2))
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    """

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:  # noqa: PYI034
        if data is None:
            data = _wrap(np.empty((0,), D.get_default_dtype().np))
        elif not isinstance(data, Tensor):
            data.detach()  # raises torch's AttributeError ("'list' object has no attribute 'detach'")
        return _make_subclass(cls, data, requires_grad)  # type: ignore[return-value]

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass

    def __deepcopy__(self, memo: dict) -> Parameter:
        # NOTE: as torch, a deep copy keeps data and requires_grad only: not .grad, not extra attributes
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(_wrap(self._data.copy(order="K")), self._requires_grad)  # clone keeps the strides
        memo[id(self)] = result
        return result

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, proto: int) -> tuple:
        # NOTE: torch's argument lists (torch._utils._rebuild_parameter[_with_state]), so checkpoints map one to one
        data = _wrap(self._data.copy())
        if not self.__dict__:
            return (_rebuild_parameter, (data, self._requires_grad, OrderedDict()))
        return (_rebuild_parameter_with_state, (data, self._requires_grad, OrderedDict(), dict(self.__dict__)))


def _rebuild_parameter(data: Tensor, requires_grad: bool, backward_hooks: Any) -> Parameter:
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data: Tensor, requires_grad: bool, backward_hooks: Any, state: dict) -> Parameter:
    p = Parameter(data, requires_grad)
    p.__dict__.update(state)
    return p


class _BufferMeta(type):
    # Buffer(t) returns a plain Tensor marked `_is_buffer`; isinstance(x, Buffer) checks the mark, as in torch
    def __instancecheck__(cls, instance: Any) -> bool:
        if cls is Buffer and isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False):
            return True
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Marks a Tensor to be registered as a buffer when assigned to a Module attribute. See torch.nn.Buffer."""

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Tensor:  # type: ignore[misc]
        if data is None:
            data = _wrap(np.empty((0,), D.get_default_dtype().np))
        t = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t


_UNINIT_SHAPE_MSG = (
    "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in `load_state_dict` "
    "when trying to load an uninitialized parameter into an initialized one. Call `forward` to initialize the "
    "parameters before accessing their attributes."
)


class UninitializedTensorMixin:
    """A parameter or buffer whose shape is not known yet; `materialize(shape)` turns it into the real thing."""

    cls_to_become: type

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give the tensor its shape (uninitialized values) and change its class to `cls_to_become`."""
        from .._creation import empty

        if dtype is None:
            dtype = Tensor._dtype_of(self._data.dtype)  # type: ignore[attr-defined]
        self._data = empty(shape, dtype=dtype)._data  # type: ignore[attr-defined]
        self.__class__ = self.cls_to_become

    @property
    def shape(self) -> Any:
        raise RuntimeError(_UNINIT_SHAPE_MSG)

    def share_memory_(self) -> Any:
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. Call `forward` to initialize the parameters "
            "before calling `module.share_memory()`."
        )

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        return f"<{self.__class__.__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, proto: int) -> tuple:
        return (self.__class__, (self.requires_grad,))  # type: ignore[attr-defined]


def is_lazy(param: Any) -> bool:
    """Whether `param` is an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter of a Lazy module before its first forward. See torch.nn.UninitializedParameter."""

    cls_to_become = Parameter
    __slots__ = ()

    def __new__(cls, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> UninitializedParameter:  # noqa: PYI034
        dt = dtype if dtype is not None else D.get_default_dtype()
        return _make_subclass(cls, _wrap(np.empty((0,), dt.np)), requires_grad)  # type: ignore[return-value]

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        pass

    def __deepcopy__(self, memo: dict) -> UninitializedParameter:
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self._requires_grad, None, Tensor._dtype_of(self._data.dtype))
        memo[id(self)] = result
        return result


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer of a Lazy module before its first forward. See torch.nn.UninitializedBuffer."""

    cls_to_become = Tensor
    __slots__ = ()

    def __new__(cls, requires_grad: bool = False, device: Any = None, dtype: Any = None,  # noqa: PYI034
                persistent: bool = True) -> UninitializedBuffer:  # fmt: skip
        dt = dtype if dtype is not None else D.get_default_dtype()
        ret = _make_subclass(cls, _wrap(np.empty((0,), dt.np)), requires_grad)
        ret.persistent = persistent
        ret._is_buffer = True
        return ret  # type: ignore[return-value]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass
