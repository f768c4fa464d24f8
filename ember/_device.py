"""torch.device and torch.Size."""

from __future__ import annotations


class device:
    """A device: 'cpu' is the only one ember computes on; 'cuda' can be named but not used."""

    __slots__ = ("type", "index")

    def __init__(self, type: str | device | int, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int):
            self.type, self.index = "cuda", type
            return
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({builtins_type(type).__name__})")
        name, _, idx = type.partition(":")
        if name not in _KNOWN:
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, "
                f"lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: {type}"
            )
        if idx:
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index was passed explicitly: " + type)
            index = int(idx)
        self.type, self.index = name, index

    def __repr__(self) -> str:
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self) -> tuple:
        return (device, (self.type, self.index))


builtins_type = type
_KNOWN = {"cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
          "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone"}  # fmt: skip
CPU = device("cpu")


def check_device(d: object) -> None:
    """Raise what a CPU-only torch raises for a device it was not built for."""
    if d is None or d is CPU:
        return
    dev = d if isinstance(d, device) else device(d)
    if dev.type == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    if dev.type != "cpu":
        raise RuntimeError(f"Could not run on device '{dev}': ember only computes on the CPU")


class Size(tuple):
    """The shape of a tensor: a tuple that prints as torch.Size([...]).

    >>> ember.zeros(2, 3).shape
    torch.Size([2, 3])
    """

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):  # type: ignore[override]
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):  # type: ignore[override]
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):  # type: ignore[misc]
        return Size(tuple(other) + tuple(self))

    def __reduce__(self) -> tuple:
        return (Size, (tuple(self),))
