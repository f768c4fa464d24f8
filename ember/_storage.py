"""TypedStorage and UntypedStorage: the flat root buffer a tensor (and all its views) lives in."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import _dtype as D


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """torch's strides for a fresh tensor of this shape (a size-0 dim counts as 1)."""
    st, acc = [], 1
    for s in reversed(shape):
        st.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(st))


def keep_order(a: np.ndarray) -> str:
    """The NumPy order= that copies `a` as torch's preserve_format does: its dense layout (order "K"), but row-major
    when it overlaps itself (an expanded tensor), where NumPy's "K" would put the zero-stride dims innermost."""
    if 0 in a.strides and any(d == 0 and n > 1 for n, d in zip(a.shape, a.strides)):
        return "C"
    return "K"


def _flat(root: np.ndarray) -> np.ndarray:
    """A 1-D view of the memory the owner array `root` spans, in address order."""
    if root.flags.c_contiguous:
        return root.reshape(-1)
    if root.flags.f_contiguous:
        return root.reshape(-1, order="F")
    p = root.transpose(np.argsort(root.strides, kind="stable")[::-1])  # a dense owner in another axis order
    if p.flags.c_contiguous:
        return p.reshape(-1)
    return np.ravel(root, order="K")  # NOTE: not a dense buffer (never made by ember): a copy


def writable(a: np.ndarray) -> np.ndarray:
    """A writable alias of `a`, which may be a read-only expanded view: fill_ and zero_ may write into it."""
    if a.flags.writeable:
        return a
    flat = _flat(_root(a))
    off = a.__array_interface__["data"][0] - flat.__array_interface__["data"][0]
    return np.ndarray(a.shape, a.dtype, buffer=flat, offset=off, strides=a.strides)


def view_geometry(a: np.ndarray) -> tuple[np.ndarray, int, tuple, tuple]:
    """(the array owning a's memory, a's byte offset into it, shape, strides): a view, as plain data."""
    root = _root(a)
    flat = _flat(root)
    if flat.base is None and flat is not root:  # not a dense owner (never made by ember): send a copy instead
        a = np.array(a, order="K")
        return a, 0, a.shape, a.strides
    return root, a.__array_interface__["data"][0] - flat.__array_interface__["data"][0], a.shape, a.strides


class StorageRef:
    """A tensor's storage inside its pickle: copy.copy() keeps the reference (the copy shares memory), while pickling
    writes the bytes once per tensor (as torch: tensors loaded from one pickle do not share memory)."""

    __slots__ = ("root",)

    def __init__(self, root: np.ndarray) -> None:
        self.root = root

    def __reduce__(self) -> tuple:
        return (StorageRef, (self.root,))

    def __reduce_ex__(self, proto: int) -> tuple:
        return (StorageRef, (self.root.copy(order="K"),))  # a fresh array: no pickle memo sharing


def view_of_root(root: Any, offset: int, shape: tuple, strides: tuple) -> np.ndarray:
    """The inverse of view_geometry."""
    if isinstance(root, StorageRef):
        root = root.root
    flat = _flat(root).view(np.uint8)
    return np.ndarray(shape, root.dtype, buffer=flat, offset=offset, strides=strides)


def copy_view(a: np.ndarray, memo: dict | None = None) -> np.ndarray:
    """a, over a copy of its whole storage (shared by every view copied with the same deepcopy memo)."""
    root, off, shape, strides = view_geometry(a)
    key = id(root)
    new_root = memo.get(key) if memo is not None else None
    if new_root is None:
        new_root = root.copy(order="K")
        if memo is not None:
            memo[key] = new_root
    return view_of_root(new_root, off, shape, strides)


def _root(a: np.ndarray) -> np.ndarray:
    """The array that owns the memory a views: the end of its .base chain (through as_strided's DummyArray)."""
    while True:
        b = a.base
        if isinstance(b, np.ndarray):
            a = b
        elif b is not None and isinstance(getattr(b, "base", None), np.ndarray):
            a = b.base
        else:
            return a


class UntypedStorage:
    """The bytes of a tensor's root buffer. See torch.UntypedStorage."""

    def __init__(self, data: np.ndarray) -> None:
        self._bytes = data  # a 1-D uint8 view of the root buffer

    @classmethod
    def _of(cls, t: Any) -> UntypedStorage:
        return cls(_flat(_root(t._data)).view(np.uint8))

    def size(self) -> int:
        return self._bytes.size

    nbytes = size

    def __len__(self) -> int:
        return self._bytes.size

    def __getitem__(self, i: Any) -> Any:
        return int(self._bytes[i]) if isinstance(i, int) else UntypedStorage(self._bytes[i])

    def data_ptr(self) -> int:
        if not self._bytes.size:
            return 0
        return self._bytes.__array_interface__["data"][0]

    def tolist(self) -> list:
        return self._bytes.tolist()

    @property
    def device(self) -> Any:
        from ._device import CPU

        return CPU

    def element_size(self) -> int:
        return 1

    def __repr__(self) -> str:
        body = "\n".join(f" {v}" for v in self._bytes.tolist())
        return (body + "\n" if body else "") + f"[torch.storage.UntypedStorage(device=cpu) of size {self.size()}]"

    __str__ = __repr__


_WARNED = [False]


def _warn_typed() -> None:
    warnings.warn(
        "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only "
        "storage class. This should only matter to you if you are using storages directly.  To access "
        "UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()",
        UserWarning,
        stacklevel=4,
    )


class TypedStorage:
    """A tensor's root buffer seen as elements of its dtype (deprecated in torch, still printed by it)."""

    def __init__(self, data: np.ndarray) -> None:
        self._arr = data  # 1-D view of the root buffer

    @classmethod
    def _of(cls, t: Any) -> TypedStorage:
        if not _WARNED[0]:  # torch warns once per process
            _WARNED[0] = True
            _warn_typed()
        flat = _flat(_root(t._data))
        return cls(flat.view(t._data.dtype) if flat.dtype != t._data.dtype else flat)

    @property
    def dtype(self) -> D.dtype:
        return D.FROM_NP[self._arr.dtype]

    @property
    def device(self) -> Any:
        from ._device import CPU

        return CPU

    def size(self) -> int:
        return self._arr.size

    def __len__(self) -> int:
        return self._arr.size

    def nbytes(self) -> int:
        return self._arr.nbytes

    def element_size(self) -> int:
        return self._arr.itemsize

    def __getitem__(self, i: Any) -> Any:
        return self._arr[i].item() if isinstance(i, int) else TypedStorage(self._arr[i])

    def __setitem__(self, i: Any, v: Any) -> None:
        self._arr[i] = v

    def tolist(self) -> list:
        return self._arr.tolist()

    def data_ptr(self) -> int:
        return self._arr.__array_interface__["data"][0]

    def untyped(self) -> UntypedStorage:
        return UntypedStorage(self._arr.view(np.uint8))

    def _untyped_storage(self) -> UntypedStorage:
        return self.untyped()

    def __repr__(self) -> str:
        from ._tensor_str import _storage_str

        return _storage_str(self._arr, self.dtype)

    __str__ = __repr__
