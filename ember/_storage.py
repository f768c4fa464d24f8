"""TypedStorage and UntypedStorage: the flat root buffer a tensor (and all its views) lives in."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import _dtype as D


def _root(a: np.ndarray) -> np.ndarray:
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


class UntypedStorage:
    """The bytes of a tensor's root buffer. See torch.UntypedStorage."""

    def __init__(self, data: np.ndarray) -> None:
        self._bytes = data  # a 1-D uint8 view of the root buffer

    @classmethod
    def _of(cls, t: Any) -> UntypedStorage:
        root = _root(t._data)
        return cls(root.reshape(-1, order="A").view(np.uint8) if root.flags.forc else root.view(np.uint8))

    def size(self) -> int:
        return self._bytes.size

    nbytes = size

    def __len__(self) -> int:
        return self._bytes.size

    def __getitem__(self, i: Any) -> Any:
        return int(self._bytes[i]) if isinstance(i, int) else UntypedStorage(self._bytes[i])

    def data_ptr(self) -> int:
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


class TypedStorage:
    """A tensor's root buffer seen as elements of its dtype (deprecated in torch, still printed by it)."""

    def __init__(self, data: np.ndarray) -> None:
        self._arr = data  # 1-D view of the root buffer

    @classmethod
    def _of(cls, t: Any) -> TypedStorage:
        warnings.warn(
            "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only "
            "storage class. This should only matter to you if you are using storages directly.  To access "
            "UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()",
            UserWarning,
            stacklevel=3,
        )
        root = _root(t._data)
        flat = root.reshape(-1, order="A") if root.flags.forc else root
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
