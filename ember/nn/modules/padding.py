"""Constant, zero, reflection, replication and circular padding modules. See torch.nn.modules.padding."""

from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .. import functional as F
from .module import Module
from .utils import _ntuple, _pair, _quadruple

__all__ = [
    "CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
    "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
]  # fmt: skip

_expand = {1: _pair, 2: _quadruple, 3: _ntuple(6)}


class _PadNd(Module):
    """A padding module: `padding` is F.pad's (left, right, top, bottom, front, back), one pair per padded dim."""

    __constants__ = ["padding"]
    mode = "constant"
    _dims = 1

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _expand[self._dims](padding)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _CircularPadNd(_PadNd):
    mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        n = self._dims
        if input.dim() not in (n + 1, n + 2):
            raise ValueError(f"expected {n + 1}D or {n + 2}D input (got {input.dim()}D input)")
        return F.pad(input, self.padding, "circular")


class CircularPad1d(_CircularPadNd):
    """Pad the last dim by wrapping around. See torch.nn.CircularPad1d."""

    _dims = 1


class CircularPad2d(_CircularPadNd):
    """Pad the last 2 dims by wrapping around. See torch.nn.CircularPad2d."""

    _dims = 2


class CircularPad3d(_CircularPadNd):
    """Pad the last 3 dims by wrapping around. See torch.nn.CircularPad3d."""

    _dims = 3


class _ConstantPadNd(_PadNd):
    __constants__ = ["padding", "value"]

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with a constant. See torch.nn.ConstantPad1d."""

    _dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with a constant. See torch.nn.ConstantPad2d."""

    _dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with a constant. See torch.nn.ConstantPad3d."""

    _dims = 3


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim with zeros. See torch.nn.ZeroPad1d."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last 2 dims with zeros. See torch.nn.ZeroPad2d.

    >>> ember.nn.ZeroPad2d(1)
    ZeroPad2d((1, 1, 1, 1))
    """

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pad the last 3 dims with zeros. See torch.nn.ZeroPad3d."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_PadNd):
    """Pad the last dim by reflecting at the border. See torch.nn.ReflectionPad1d."""

    mode, _dims = "reflect", 1


class ReflectionPad2d(_PadNd):
    """Pad the last 2 dims by reflecting at the border. See torch.nn.ReflectionPad2d."""

    mode, _dims = "reflect", 2


class ReflectionPad3d(_PadNd):
    """Pad the last 3 dims by reflecting at the border. See torch.nn.ReflectionPad3d."""

    mode, _dims = "reflect", 3


class ReplicationPad1d(_PadNd):
    """Pad the last dim by repeating the border value. See torch.nn.ReplicationPad1d."""

    mode, _dims = "replicate", 1


class ReplicationPad2d(_PadNd):
    """Pad the last 2 dims by repeating the border values. See torch.nn.ReplicationPad2d."""

    mode, _dims = "replicate", 2


class ReplicationPad3d(_PadNd):
    """Pad the last 3 dims by repeating the border values. See torch.nn.ReplicationPad3d."""

    mode, _dims = "replicate", 3
