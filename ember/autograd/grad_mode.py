"""no_grad, enable_grad, set_grad_enabled, inference_mode: one process-wide flag that every op reads."""

from __future__ import annotations

import functools
from typing import Any, Callable


class _Mode:
    __slots__ = ("enabled", "inference")

    def __init__(self) -> None:
        self.enabled = True
        self.inference = False


MODE = _Mode()  # ops read MODE.enabled: one attribute load on the hot path


def is_grad_enabled() -> bool:
    """Return True when operations record the graph. See torch.is_grad_enabled."""
    return MODE.enabled


def is_inference_mode_enabled() -> bool:
    return MODE.inference


class _GradContext:
    """Base of the grad-mode context managers; each works as a `with` block and as a decorator."""

    _target: bool = True

    def __enter__(self) -> None:
        self._prev = (MODE.enabled, MODE.inference)
        MODE.enabled = self._target

    def __exit__(self, *exc: object) -> None:
        MODE.enabled, MODE.inference = self._prev

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self) -> _GradContext:
        return self.__class__()


class no_grad(_GradContext):
    """Context manager (and decorator) that stops recording the graph. See torch.no_grad.

    >>> x = ember.ones(2, requires_grad=True)
    >>> with ember.no_grad():
    ...     (x * 2).requires_grad
    False
    """

    _target = False


class enable_grad(_GradContext):
    """Context manager (and decorator) that turns recording back on inside no_grad."""

    _target = True


class set_grad_enabled(_GradContext):
    """Set grad mode to `mode`, as a function call or a context manager. See torch.set_grad_enabled."""

    def __init__(self, mode: bool) -> None:
        self._prev = (MODE.enabled, MODE.inference)
        self._target = bool(mode)
        MODE.enabled = self._target  # takes effect at once, like torch, even without `with`

    def __enter__(self) -> None:
        pass

    def clone(self) -> set_grad_enabled:
        return set_grad_enabled(self._target)


class inference_mode(_GradContext):
    """no_grad, and tensors made inside report is_inference(). See torch.inference_mode."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode

    def __enter__(self) -> None:
        self._prev = (MODE.enabled, MODE.inference)
        if self.mode:
            MODE.enabled, MODE.inference = False, True

    def __call__(self, fn: Callable) -> Callable:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapper
