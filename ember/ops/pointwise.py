"""Elementwise ops: unary math, binary arithmetic with torch's promotion, comparisons, where, casts, in-place forms."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import MODE
from .op import Op

_FROM_NP = D.FROM_NP
_ndarray = np.ndarray
_SCALAR_TYPES = (int, float, bool, complex, np.generic)
_pybool = type(True)


# ---------------------------------------------------------------- binary arithmetic
class Binary(Op):
    """Elementwise op of two operands; the engine reduces broadcast gradients."""

    __slots__ = ()
    save_inputs = True
    int_to_float = False  # true division: integer operands give the default float dtype

    def needs(self, i: int) -> bool:
        return self.next_functions[i][0] is not None


class Add(Binary):
    __slots__ = ()
    save_inputs = False
    forward = staticmethod(np.add)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        return grad, grad


class Sub(Binary):
    __slots__ = ()
    save_inputs = False

    @staticmethod
    def forward(a: np.ndarray, b: Any) -> np.ndarray:
        if a.dtype == np.bool_ and (getattr(b, "dtype", None) == np.bool_ or type(b) is _pybool):
            raise RuntimeError(
                "Subtraction, the `-` operator, with two bool tensors is not supported. "
                "Use the `^` or `logical_xor()` operator instead."
            )
        return np.subtract(a, b)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        return grad, (-grad if self.needs(1) else None)


class Mul(Binary):
    __slots__ = ()
    forward = staticmethod(np.multiply)

    def _uses_input(self, i: int, nf: tuple) -> bool:
        return nf[1 - i][0] is not None  # a is read only for b's gradient, and b only for a's

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        a, b = self.inputs
        return (grad * b if self.needs(0) else None), (grad * a if self.needs(1) else None)


class Div(Binary):
    __slots__ = ()
    int_to_float = True
    forward = staticmethod(np.true_divide)

    def _uses_input(self, i: int, nf: tuple) -> bool:
        return i == 1 or nf[1][0] is not None

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        a, b = self.inputs
        ga = grad / b if self.needs(0) else None
        gb = -grad * a / (b * b) if self.needs(1) else None
        return ga, gb


class FloorDivide(Binary):
    __slots__ = ()
    differentiable = False

    @staticmethod
    def forward(a: np.ndarray, b: Any) -> np.ndarray:
        if a.dtype.kind in "iu" and np.any(np.asarray(b) == 0):
            raise RuntimeError("ZeroDivisionError")
        return np.floor_divide(a, b)


class DivTrunc(Binary):
    __slots__ = ()
    node_name = "DivBackward2"
    differentiable = False

    @staticmethod
    def forward(a: np.ndarray, b: Any) -> np.ndarray:
        if a.dtype.kind in "iu":
            if np.any(np.asarray(b) == 0):
                raise RuntimeError("ZeroDivisionError")
            q = np.floor_divide(a, b)
            return q + ((np.remainder(a, b) != 0) & ((a < 0) != (np.asarray(b) < 0)))
        return np.trunc(np.true_divide(a, b))


class Remainder(Binary):
    __slots__ = ()
    save_inputs = True

    @staticmethod
    def forward(a: np.ndarray, b: Any) -> np.ndarray:
        if a.dtype.kind in "iu" and np.any(np.asarray(b) == 0):
            raise RuntimeError("ZeroDivisionError")
        return np.remainder(a, b)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        a, b = self.inputs
        return grad, (-grad * (a / b).floor() if self.needs(1) else None)


DIV_MODES = {"floor": FloorDivide, "trunc": DivTrunc}


class Maximum(Binary):
    __slots__ = ()
    forward = staticmethod(np.maximum)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        a, b = self.inputs
        half = where(a == b, grad / 2, grad)
        return where(a < b, 0.0, half), where(a > b, 0.0, half)


class Minimum(Binary):
    __slots__ = ()
    forward = staticmethod(np.minimum)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        a, b = self.inputs
        half = where(a == b, grad / 2, grad)
        return where(a > b, 0.0, half), where(a < b, 0.0, half)


class _Bitwise(Binary):
    __slots__ = ()
    differentiable = False

    @classmethod
    def check(cls, a: np.ndarray) -> None:
        if a.dtype.kind not in "biu":
            raise RuntimeError(f'"{cls.kernel}_cpu" not implemented for \'{_FROM_NP[a.dtype]._storage}\'')


class BitwiseAnd(_Bitwise):
    __slots__ = ()
    kernel = "bitwise_and"

    @staticmethod
    def forward(a: np.ndarray, b: Any) -> np.ndarray:
        BitwiseAnd.check(a)
        return np.bitwise_and(a, b)


class BitwiseOr(_Bitwise):
    __slots__ = ()
    kernel = "bitwise_or"

    @staticmethod
    def forward(a: np.ndarray, b: Any) -> np.ndarray:
        BitwiseOr.check(a)
        return np.bitwise_or(a, b)


class BitwiseXor(_Bitwise):
    __slots__ = ()
    kernel = "bitwise_xor"

    @staticmethod
    def forward(a: np.ndarray, b: Any) -> np.ndarray:
        BitwiseXor.check(a)
        return np.bitwise_xor(a, b)


class PowTensorScalar(Op):
    """x ** c for a Python number c."""

    __slots__ = ("c",)
    node_name = "PowBackward0"
    save_inputs = True

    def __init__(self, c: Any) -> None:
        self.c = c

    def forward(self, x: np.ndarray) -> np.ndarray:
        return _power(x, self.c)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        c = self.c
        if c == 0:
            return grad * 0.0
        return grad * (c * self.inputs[0].pow(c - 1))


class Pow(Binary):
    """x ** y for two tensors."""

    __slots__ = ()
    node_name = "PowBackward1"
    save_inputs = True
    save_output = True

    @staticmethod
    def forward(a: np.ndarray, b: Any) -> np.ndarray:
        return _power(a, b)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        x, e = self.inputs
        gx = where(e == 0.0, 0.0, grad * (e * x.pow(e - 1))) if self.needs(0) else None
        ge = where((x == 0.0) & (e >= 0), 0.0, grad * (out * x.log())) if self.needs(1) else None
        return gx, ge


class PowScalarTensor(Op):
    """c ** x for a Python number c."""

    __slots__ = ("c",)
    node_name = "PowBackward2"
    save_inputs = True
    save_output = True

    def __init__(self, c: Any) -> None:
        self.c = c

    def forward(self, x: np.ndarray) -> np.ndarray:
        return _power(self.c, x)

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        c = self.c
        if c == 0:
            return where(self.inputs[0] >= 0, 0.0, grad * (out * float("-inf")))
        return grad * (out * float(np.log(complex(c)).real if c < 0 else np.log(c)))


def _power(a: Any, b: Any) -> np.ndarray:
    ad, bd = np.asarray(a), np.asarray(b)
    if ad.dtype.kind in "iu" and bd.dtype.kind in "iu" and np.any(bd < 0):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return np.power(a, b)


# ---------------------------------------------------------------- promotion and the binary entry point
def _np_of(x: Any) -> tuple[D.dtype, int]:
    """(dtype, tier) of an operand: tier 0 dimensioned tensor, 1 zero-dim tensor, 2 Python scalar."""
    if isinstance(x, Tensor):
        return _FROM_NP[x._data.dtype], (x._data.ndim == 0)
    return D.scalar_dtype(x), 2


def result_dtype(cls: type[Binary], a: Any, b: Any) -> D.dtype:
    da, za = _np_of(a)
    db, zb = _np_of(b)
    rt = D.result_type_pair(da, za, db, zb)
    if cls.int_to_float and rt._cat < 2:
        rt = D.get_default_dtype()
    return rt


def _as_array(x: Any, rt: D.dtype) -> Any:
    """x converted for computing in dtype rt: arrays are cast, Python scalars stay weak unless they would overflow."""
    if isinstance(x, Tensor):
        d = x._data
        return d if d.dtype is rt.np else d.astype(rt.np)
    if isinstance(x, np.generic):
        return np.asarray(x, dtype=rt.np)
    if type(x) is int and rt._cat == 1:
        info = np.iinfo(rt.np)
        if not info.min <= x <= info.max:
            return np.asarray(x).astype(rt.np)  # torch wraps an out-of-range integer scalar
    return x


def as_operand(x: Any, like: Tensor) -> Tensor:
    """A Tensor for x (itself if it already is one), for the ops that need two tensors."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, _SCALAR_TYPES):
        return _wrap(np.asarray(x, dtype=D.scalar_dtype(x).np))
    from .._creation import tensor

    return tensor(x)


def _check_operand(b: Any, name: str, a: Tensor) -> None:
    if not isinstance(b, _SCALAR_TYPES):
        if isinstance(b, np.ndarray):
            return
        raise TypeError(f"unsupported operand type(s) for {name}: 'Tensor' and '{type(b).__name__}'")


_SYMBOL = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "FloorDivide": "//", "Remainder": "%", "BitwiseAnd": "&",
           "BitwiseOr": "|", "BitwiseXor": "^", "Maximum": "maximum", "Minimum": "minimum"}  # fmt: skip


def binary(cls: type[Binary], a: Tensor, b: Any) -> Tensor:
    """Apply a binary op with torch's type promotion; the fast path is two tensors of one dtype."""
    ad = a._data
    if isinstance(b, Tensor):
        bd = b._data
        if ad.dtype is not bd.dtype or cls.int_to_float:
            rt = result_dtype(cls, a, b)
            ad, bd = _as_array(a, rt), _as_array(b, rt)
        try:
            r = cls.forward(ad, bd)
        except ValueError:
            _broadcast_error(a.shape, b.shape)
        bt = b
    else:
        if isinstance(b, np.ndarray):
            return binary(cls, a, _wrap(b))
        if not isinstance(b, _SCALAR_TYPES):
            if isinstance(b, (list, tuple)):
                return binary(cls, a, as_operand(b, a))
            return NotImplemented
        rt = result_dtype(cls, a, b)
        if rt.np is not ad.dtype:
            ad = ad.astype(rt.np)
        r = cls.forward(ad, _as_array(b, rt))
        bt = None
    if type(r) is not _ndarray:
        r = np.asarray(r)
    res = _wrap(r)
    if MODE.enabled and cls.differentiable and (a._requires_grad or (bt is not None and bt._requires_grad)):
        if bt is None:
            bt = _wrap(np.asarray(b, dtype=rt.np))
        cls()._link((a, bt), res)
    return res


def _broadcast_error(sa: tuple, sb: tuple) -> None:
    na, nb = len(sa), len(sb)
    for i in range(1, max(na, nb) + 1):
        x = sa[-i] if i <= na else 1
        y = sb[-i] if i <= nb else 1
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension "
                f"{max(na, nb) - i}"
            )
    raise RuntimeError(f"operands could not be broadcast together: {list(sa)} and {list(sb)}")


def scaled(other: Any, alpha: Any) -> Any:
    """other * alpha for the `alpha=` keyword of add/sub, without recording a second node for scalars."""
    if isinstance(other, Tensor):
        return other * alpha
    return other * alpha


def add(input: Tensor, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:
    """input + alpha * other. See torch.add."""
    if not isinstance(input, Tensor):
        input, other = as_operand(input, other), other
    r = binary(Add, input, other if alpha == 1 else scaled(other, alpha))
    return r if out is None else _write_out(out, r)


def sub(input: Tensor, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:
    """input - alpha * other. See torch.sub."""
    if not isinstance(input, Tensor):
        input = as_operand(input, other)
    r = binary(Sub, input, other if alpha == 1 else scaled(other, alpha))
    return r if out is None else _write_out(out, r)


def div(input: Tensor, other: Any, *, rounding_mode: str | None = None, out: Tensor | None = None) -> Tensor:
    """input / other, optionally rounded ('trunc' or 'floor'). See torch.div."""
    if not isinstance(input, Tensor):
        input = as_operand(input, other)
    if rounding_mode is None:
        r = binary(Div, input, other)
    elif rounding_mode in DIV_MODES:
        r = binary(DIV_MODES[rounding_mode], input, other)
    else:
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
        )
    return r if out is None else _write_out(out, r)


class Rsub(Op):
    """c - x for a Python number c: one input, as torch records it."""

    __slots__ = ("c",)
    node_name = "RsubBackward1"

    def __init__(self, c: Any) -> None:
        self.c = c

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.subtract(self.c, x)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return -grad


def rsub(x: Tensor, other: Any) -> Tensor:
    if isinstance(other, Tensor):
        return binary(Sub, other, x)
    if isinstance(other, np.ndarray):
        return binary(Sub, _wrap(other), x)
    if not isinstance(other, _SCALAR_TYPES):
        return NotImplemented
    rt = result_dtype(Sub, x, other)
    if x.dtype is D.bool and type(other) is _pybool:
        Sub.forward(x._data, other)
    return Rsub.apply(x if x.dtype is rt else _cast(x, rt), c=_as_array(other, rt))


def rdiv(x: Tensor, other: Any) -> Tensor:
    if isinstance(other, (Tensor, np.ndarray)):
        return binary(Div, as_operand(other, x) if isinstance(other, np.ndarray) else other, x)
    if not isinstance(other, _SCALAR_TYPES):
        return NotImplemented
    if x.dtype._cat < 2:
        x = _cast(x, D.get_default_dtype() if D.scalar_dtype(other)._cat < 3 else D.complex64)
    return binary(Mul, Reciprocal.apply(x), other)


def pow(input: Any, exponent: Any, *, out: Tensor | None = None) -> Tensor:
    """input ** exponent. See torch.pow."""
    if not isinstance(input, Tensor):
        r = rpow(exponent, input)
    elif isinstance(exponent, Tensor):
        r = binary(Pow, input, exponent)
    elif isinstance(exponent, np.ndarray):
        r = binary(Pow, input, _wrap(exponent))
    elif isinstance(exponent, _SCALAR_TYPES):
        rt = result_dtype(Mul, input, exponent)
        r = PowTensorScalar.apply(input if input.dtype is rt else _cast(input, rt), c=_as_array(exponent, rt))
    else:
        return NotImplemented
    return r if out is None else _write_out(out, r)


def rpow(x: Tensor, base: Any) -> Tensor:
    if isinstance(base, (Tensor, np.ndarray)):
        return binary(Pow, as_operand(base, x), x)
    if not isinstance(base, _SCALAR_TYPES):
        return NotImplemented
    rt = result_dtype(Mul, x, base)
    return PowScalarTensor.apply(x if x.dtype is rt else _cast(x, rt), c=_as_array(base, rt))


# ---------------------------------------------------------------- unary math
class Unary(Op):
    __slots__ = ()


class Neg(Unary):
    __slots__ = ()
    forward = staticmethod(np.negative)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return -grad


def neg(x: Tensor) -> Tensor:
    if x._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use "
            "the `~` or `logical_not()` operator instead."
        )
    return Neg.apply(x)


class Abs(Unary):
    __slots__ = ()
    save_inputs = True
    forward = staticmethod(np.abs)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad * self.inputs[0].sign()


class Sign(Unary):
    __slots__ = ()
    save_inputs = False
    forward = staticmethod(np.sign)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad * 0.0


class _FloatUnary(Unary):
    """A unary op whose integer inputs compute in the default float dtype, as torch's."""

    __slots__ = ()

    @classmethod
    def apply(cls, *ts: Tensor, **config: Any) -> Tensor:
        x = ts[0]
        if x._data.dtype.kind not in "fc":
            x = _cast(x, D.get_default_dtype())
        return super().apply(x, **config)


class Exp(_FloatUnary):
    __slots__ = ()
    save_output = True
    forward = staticmethod(np.exp)

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        return grad * out  # e**x is its own derivative, so reuse the output


class Log(_FloatUnary):
    __slots__ = ()
    save_inputs = True

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad / self.inputs[0]


class Sqrt(_FloatUnary):
    __slots__ = ()
    save_output = True

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return np.sqrt(x)

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        return grad / (2 * out)


class Reciprocal(_FloatUnary):
    __slots__ = ()
    save_output = True

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.reciprocal(x)

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        return -grad * (out * out)


class Relu(Unary):
    __slots__ = ()
    save_output = True

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        return np.maximum(x, x.dtype.type(0))

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        return where(out > 0, grad, 0.0)


class Sigmoid(_FloatUnary):
    __slots__ = ()
    save_output = True

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        # NOTE: exp(-x) overflows for very negative x; that gives 1/inf = 0, the right limit
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-x))

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        return grad * (out * (1 - out))


class Tanh(_FloatUnary):
    __slots__ = ()
    save_output = True
    forward = staticmethod(np.tanh)

    def backward(self, grad: Tensor, out: Tensor) -> Tensor:
        return grad * (1 - out * out)


class Clamp(Unary):
    """clamp with Python-number bounds (either may be None)."""

    __slots__ = ("lo", "hi")
    node_name = "ClampBackward1"
    save_inputs = True

    def __init__(self, lo: Any, hi: Any) -> None:
        self.lo, self.hi = lo, hi

    def forward(self, x: np.ndarray) -> np.ndarray:
        return _clip(x, self.lo, self.hi)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        x = self.inputs[0]
        keep = x == x  # NaN positions pass no gradient, as torch's
        if self.lo is not None:
            keep = keep & (x >= self.lo)
        if self.hi is not None:
            keep = keep & (x <= self.hi)
        return where(keep, grad, 0.0)


def _clip(x: np.ndarray, lo: Any, hi: Any) -> np.ndarray:
    if lo is not None and hi is not None:
        return np.minimum(np.maximum(x, lo), hi)  # torch: min(max(x, lo), hi), so lo > hi gives hi
    if lo is not None:
        return np.maximum(x, lo)
    return np.minimum(x, hi)


def clamp(x: Tensor, min: Any = None, max: Any = None, *, out: Tensor | None = None) -> Tensor:
    """Limit every element to [min, max]. See torch.clamp."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        r = x
        if min is not None:
            r = maximum(r, as_operand(min, x))
        if max is not None:
            r = minimum(r, as_operand(max, x))
    else:
        rt = x.dtype
        for v in (min, max):
            if v is not None:
                rt = result_dtype(Add, _wrap(np.empty(0, rt.np)), v)
        r = Clamp.apply(x if rt is x.dtype else _cast(x, rt), lo=min, hi=max)
    return r if out is None else _write_out(out, r)


def clamp_(x: Tensor, min: Any = None, max: Any = None) -> Tensor:
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if _needs_graph(x, min, max):
        return _rebase(x, clamp(x, min, max))
    _check_inplace(x, result_dtype(Add, x, min if min is not None else max))
    np.copyto(x._data, _clip(x._data, min, max), casting="unsafe")
    x._version[0] += 1
    return x


def maximum(a: Tensor, b: Tensor, *, out: Tensor | None = None) -> Tensor:
    r = binary(Maximum, a, b)
    return r if out is None else _write_out(out, r)


def minimum(a: Tensor, b: Tensor, *, out: Tensor | None = None) -> Tensor:
    r = binary(Minimum, a, b)
    return r if out is None else _write_out(out, r)


def bitwise_not(x: Tensor) -> Tensor:
    if x._data.dtype == np.bool_:
        return _wrap(np.logical_not(x._data))
    _Bitwise.kernel = "bitwise_not"
    _Bitwise.check(x._data)
    return _wrap(np.invert(x._data))


# ---------------------------------------------------------------- copies and casts
class ToCopy(Unary):
    __slots__ = ("dtype",)

    def __init__(self, dtype: D.dtype) -> None:
        self.dtype = dtype

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.dtype.kind == "c" and self.dtype._cat < 3:
            return x.real.astype(self.dtype.np)  # torch drops the imaginary part (with a warning)
        if x.dtype.kind == "f" and self.dtype._cat == 1:
            with np.errstate(invalid="ignore"):
                return x.astype(self.dtype.np)
        return x.astype(self.dtype.np)

    @classmethod
    def apply(cls, *ts: Tensor, **config: Any) -> Tensor:
        r = super().apply(*ts, **config)
        if r.grad_fn is not None and config["dtype"]._cat < 2:
            r.grad_fn, r._requires_grad = None, False  # integer results leave the graph
        return r

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad  # the engine casts it back to the input's dtype


def _cast(x: Tensor, dt: D.dtype) -> Tensor:
    return ToCopy.apply(x, dtype=dt)


class Clone(Unary):
    """A copy: torch's preserve_format keeps a dense layout (a transposed tensor stays transposed)."""

    __slots__ = ("order",)

    def __init__(self, order: str = "K") -> None:
        self.order = order

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.array(x, order=self.order, copy=True)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad


# ---------------------------------------------------------------- comparisons and where
def compare(ufunc: np.ufunc, a: Tensor, b: Any) -> Tensor:
    if isinstance(b, Tensor):
        ad, bd = a._data, b._data
        if ad.dtype is not bd.dtype:
            rt = result_dtype(Add, a, b)
            ad, bd = _as_array(a, rt), _as_array(b, rt)
        try:
            r = ufunc(ad, bd)
        except ValueError:
            _broadcast_error(a.shape, b.shape)
    elif isinstance(b, _SCALAR_TYPES):
        rt = result_dtype(Add, a, b)
        r = ufunc(_as_array(a, rt), _as_array(b, rt))
    elif isinstance(b, (np.ndarray, list, tuple)):
        return compare(ufunc, a, as_operand(np.asarray(b) if not isinstance(b, np.ndarray) else _wrap(b), a)
                       if not isinstance(b, np.ndarray) else _wrap(b))  # fmt: skip
    else:
        if ufunc is np.equal:
            return False  # type: ignore[return-value]
        if ufunc is np.not_equal:
            return True  # type: ignore[return-value]
        return NotImplemented
    return _wrap(r if type(r) is _ndarray else np.asarray(r))


class Where(Op):
    """where(cond, a, b); the condition is no graph input (torch records only a and b)."""

    __slots__ = ("cond",)

    def __init__(self, cond: np.ndarray) -> None:
        self.cond = cond

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(self.cond, a, b)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        cond = _wrap(self.cond)
        zero = grad.new_zeros(())
        n0, n1 = self.next_functions[0][0] is not None, self.next_functions[1][0] is not None
        return (where(cond, grad, zero) if n0 else None), (where(cond, zero, grad) if n1 else None)


def where(condition: Tensor, input: Any = None, other: Any = None, *, out: Tensor | None = None) -> Any:
    """Elements of input where condition holds, else of other. See torch.where."""
    if input is None and other is None:
        from .movement import nonzero

        return nonzero(condition, as_tuple=True)
    if condition._data.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{condition.dtype._storage}")  # fmt: skip
    like = input if isinstance(input, Tensor) else other if isinstance(other, Tensor) else None
    if like is None:
        rt = D.result_type_pair(D.scalar_dtype(input), 2, D.scalar_dtype(other), 2)
    else:
        rt = D.result_type_pair(*_np_of(input), *_np_of(other))
    a = _cast(input, rt) if isinstance(input, Tensor) and input.dtype is not rt else \
        input if isinstance(input, Tensor) else _wrap(np.asarray(input, dtype=rt.np))  # fmt: skip
    b = _cast(other, rt) if isinstance(other, Tensor) and other.dtype is not rt else \
        other if isinstance(other, Tensor) else _wrap(np.asarray(other, dtype=rt.np))  # fmt: skip
    try:
        np.broadcast_shapes(condition._data.shape, a._data.shape, b._data.shape)
    except ValueError:
        _broadcast_error(condition.shape, a.shape if a.shape != condition.shape else b.shape)
    r = Where.apply(a, b, cond=condition._data)
    return r if out is None else _write_out(out, r)


# ---------------------------------------------------------------- in-place forms
_LEAF_MSG = "a leaf Variable that requires grad is being used in an in-place operation."


def _can_cast(src: D.dtype, dst: D.dtype) -> bool:
    """torch.can_cast: no complex -> real, no float -> integer, no non-bool -> bool."""
    return not (src._cat > dst._cat and (src._cat >= 2 or dst is D.bool))


def _check_inplace(x: Tensor, rt: D.dtype) -> None:
    if not _can_cast(rt, x.dtype):
        raise RuntimeError(f"result type {rt._storage} can't be cast to the desired output type {x.dtype._storage}")


def _needs_graph(x: Tensor, *others: Any) -> bool:
    if not MODE.enabled:
        return False
    return x._requires_grad or any(isinstance(o, Tensor) and o._requires_grad for o in others)


def _rebase(x: Tensor, result: Tensor) -> Tensor:
    """Make `x` hold `result` in place: its data is overwritten and its grad_fn becomes result's."""
    if x.grad_fn is None and x._requires_grad:
        raise RuntimeError(_LEAF_MSG)
    _check_inplace(x, result.dtype)
    if x._base is not None and (x._base._requires_grad or result._requires_grad):
        from .movement import copy_slices

        return copy_slices(x, result)
    if result.shape != x.shape:
        np.broadcast_to(result._data, x.shape)  # raises when it does not fit
        result = result.expand(*x.shape)
    np.copyto(x._data, result._data, casting="unsafe")
    x._version[0] += 1
    if result._requires_grad:
        x.grad_fn = result.grad_fn
        x._requires_grad = True
        fn = x.grad_fn
        if fn is not None and fn.save_output:  # the op's output now lives in x: track x's version from here
            fn._versions = tuple(v for v in fn._versions if v[2] != -1) + ((x._version, x._version[0], -1),)
            fn._out = x._data
    return x


def _graph_alias(x: Tensor) -> Tensor:
    """The value of x before an in-place op, as a graph input: same data, same grad_fn, same version counter."""
    from .._tensor import _view_of

    a = _view_of(x._data, x)
    a._base = x._base
    a.grad_fn, a._requires_grad = x.grad_fn, x._requires_grad
    return a


def inplace(cls: type[Binary], x: Tensor, other: Any) -> Tensor:
    """x op= other: NumPy's out= writes through every view; under autograd the node is rebased onto x."""
    if _needs_graph(x, other):
        if x.grad_fn is None and x._requires_grad:
            raise RuntimeError(_LEAF_MSG)
        return _rebase(x, binary(cls, _graph_alias(x), other))
    xd = x._data
    if isinstance(other, Tensor):
        od = other._data
        if od.dtype is not xd.dtype or cls.int_to_float:
            rt = result_dtype(cls, x, other)
            _check_inplace(x, rt)
            od = _as_array(other, rt)
            if rt.np is not xd.dtype:
                cls.forward(xd.astype(rt.np), od)  # checks the op is defined for rt
                np.copyto(xd, cls.forward(xd.astype(rt.np), od), casting="unsafe")
                x._version[0] += 1
                return x
    elif isinstance(other, _SCALAR_TYPES):
        rt = result_dtype(cls, x, other)
        _check_inplace(x, rt)
        od = _as_array(other, rt)
        if rt.np is not xd.dtype:
            np.copyto(xd, cls.forward(xd.astype(rt.np), od), casting="unsafe")
            x._version[0] += 1
            return x
    elif isinstance(other, np.ndarray):
        return inplace(cls, x, _wrap(other))
    else:
        return NotImplemented
    if isinstance(cls.forward, np.ufunc):
        try:
            cls.forward(xd, od, out=xd)
        except ValueError:
            _broadcast_error(x.shape, np.shape(od))
    else:
        r = cls.forward(xd, od)
        if np.shape(r) != xd.shape:
            _broadcast_error(x.shape, np.shape(od))
        np.copyto(xd, r, casting="unsafe")
    x._version[0] += 1
    return x


def inplace_pow(x: Tensor, e: Any) -> Tensor:
    if _needs_graph(x, e):
        return _rebase(x, pow(_graph_alias(x), e))
    r = pow(x, e)
    _check_inplace(x, r.dtype)
    np.copyto(x._data, r._data, casting="unsafe")
    x._version[0] += 1
    return x


def inplace_unary(cls: type[Op], x: Tensor) -> Tensor:
    if _needs_graph(x):
        return _rebase(x, cls.apply(_graph_alias(x)))
    r = cls.apply(x)
    _check_inplace(x, r.dtype)
    np.copyto(x._data, r._data, casting="unsafe")
    x._version[0] += 1
    return x


class Fill(Op):
    __slots__ = ("value",)
    node_name = "FillBackward2"

    def __init__(self, value: Any) -> None:
        self.value = value

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.full_like(x, self.value)

    def backward(self, grad: Tensor, out: Tensor | None) -> Tensor:
        return grad * 0.0


class Zero(Fill):
    __slots__ = ()
    node_name = "ZeroBackward0"


def fill_(x: Tensor, value: Any) -> Tensor:
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} dimensions."
            )
        value = value.item()
    if _needs_graph(x):
        if x._base is None and x.grad_fn is None and x._requires_grad:
            raise RuntimeError(_LEAF_MSG)
        return _rebase(x, (Zero if value == 0 else Fill).apply(_graph_alias(x), value=value))
    x._data[...] = _as_array(value, x.dtype) if not isinstance(value, complex) or x.is_complex() else value.real
    x._version[0] += 1
    return x


class Copy(Op):
    """x.copy_(src): the gradient goes to src (summed back over broadcasting and cast to its dtype)."""

    __slots__ = ()
    node_name = "CopyBackwards"

    @staticmethod
    def forward(x: np.ndarray, src: np.ndarray) -> np.ndarray:
        return np.broadcast_to(src, x.shape).astype(x.dtype)

    def backward(self, grad: Tensor, out: Tensor | None) -> tuple:
        return None, grad

    def name(self) -> str:
        return "torch::autograd::CopyBackwards"


def copy_(x: Tensor, src: Any) -> Tensor:
    if not isinstance(src, Tensor):
        src = as_operand(src, x)
    try:
        np.broadcast_to(src._data, x.shape)
    except ValueError:
        raise RuntimeError(
            f"output with shape {list(x.shape)} doesn't match the broadcast shape "
            f"{list(np.broadcast_shapes(x.shape, src.shape))}"
        ) from None
    if _needs_graph(x, src):
        if x.grad_fn is None and x._requires_grad and x._base is None:
            raise RuntimeError(_LEAF_MSG)
        r = Copy.apply(_graph_alias(x), src)
        return _rebase(x, r)
    np.copyto(x._data, src._data, casting="unsafe")
    x._version[0] += 1
    return x


def _write_out(out: Tensor, r: Tensor) -> Tensor:
    """Write a result into a user's out= tensor (resizing it when empty or of another shape)."""
    if MODE.enabled and (out._requires_grad or r._requires_grad):
        raise RuntimeError(
            f"{'add'}(): functions with out=... arguments don't support automatic differentiation, but one of the "
            "arguments requires grad."
        )
    _check_inplace(out, r.dtype)
    if out.shape != r.shape:
        out._data = np.empty(r.shape, dtype=out._data.dtype)
    np.copyto(out._data, r._data, casting="unsafe")
    out._version[0] += 1
    return out
