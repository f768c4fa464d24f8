"""ember.cuda: there is no GPU backend, so nothing is available; calls that need a GPU raise torch's error."""

from __future__ import annotations


def is_available() -> bool:
    """False: ember computes on the CPU only."""
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def _lazy_init() -> None:
    raise AssertionError("Torch not compiled with CUDA enabled")


def current_device() -> int:
    _lazy_init()
    return 0


def set_device(device: object) -> None:
    _lazy_init()


def get_device_name(device: object = None) -> str:
    _lazy_init()
    return ""


def synchronize(device: object = None) -> None:
    _lazy_init()


def manual_seed(seed: int) -> None:
    pass  # torch silently ignores this when CUDA is not available


def manual_seed_all(seed: int) -> None:
    pass


def empty_cache() -> None:
    pass
