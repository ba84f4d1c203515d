"""Gradient mode: whether operations record a graph. Local to each thread."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"]

F = TypeVar("F", bound=Callable[..., Any])


class _Departures:
    """How many threads are not in the default modes (grad recording on, no
    forward-mode level open). While none is, every op skips reading the thread-local
    state, which costs several times a plain attribute; a thread that ends while
    departed only leaves ops on the slower, still correct, path."""

    __slots__ = ("count", "_lock")

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def update(self, was_default: bool, is_default: bool) -> None:
        if was_default != is_default:
            with self._lock:
                self.count += -1 if is_default else 1


departures = _Departures()


class _GradState(threading.local):
    # the class attributes are each new thread's defaults
    _enabled = True
    _forward_levels: tuple[int, ...] = ()

    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        was_default = self._enabled and not self._forward_levels
        self._enabled = value
        departures.update(was_default, value and not self._forward_levels)

    @property
    def forward_levels(self) -> tuple[int, ...]:
        """The open forward-mode (dual) levels, innermost last; see _forward.py."""
        return self._forward_levels

    @forward_levels.setter
    def forward_levels(self, value: tuple[int, ...]) -> None:
        was_default = self._enabled and not self._forward_levels
        self._forward_levels = value
        departures.update(was_default, self._enabled and not value)


state = _GradState()


class _AnomalyState:
    """Anomaly detection (``autograd.detect_anomaly``): process-wide, as in PyTorch.
    Slots rather than class attributes: every op reads ``enabled``, and Python reads
    a class attribute through an instance the slow way."""

    __slots__ = ("enabled", "check_nan")

    def __init__(self) -> None:
        self.enabled = False
        self.check_nan = True


anomaly = _AnomalyState()


class _TracingState(threading.local):
    """The recorder of ``autodiff.compile`` while this thread traces a call, else None.
    An op reads it only on the departed path (a trace counts itself as a departure),
    so ops outside a trace never pay for it; local to the thread, so that another
    thread's ops never enter a trace."""

    active: Any = None


tracing = _TracingState()


class _Traces:
    """How many threads are tracing: the hooks of ``autodiff.compile`` read this plain
    counter first, and the thread-local ``tracing`` only while some trace runs."""

    __slots__ = ("count", "_lock")

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def change(self, by: int) -> None:
        with self._lock:
            self.count += by


traces = _Traces()


def from_data(array: Any) -> Any:
    """``array`` as made from Python data (a literal, a shape's zeros), not computed from
    any tensor: ``autodiff.compile``'s trace may record it as a constant of the step.
    A tensor wrapped around an array the trace was not told of (computed from other
    tensors' arrays outside the recorded ops) ends the trace where an op reads it."""
    if traces.count:
        tracer = tracing.active
        if tracer is not None:
            tracer.constants[id(array)] = array
    return array


def is_grad_enabled() -> bool:
    """True when operations record a graph for backward.

    >>> import autodiff as ad
    >>> ad.is_grad_enabled()
    True
    """
    return state.enabled


class _GradModeContext:
    """Base of the grad-mode switches: a context manager and a decorator."""

    _target: bool

    def __enter__(self) -> None:
        self._previous = state.enabled
        state.enabled = self._target

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        state.enabled = self._previous

    def __call__(self, fn: F) -> F:
        target = self._target

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous = state.enabled
            state.enabled = target
            try:
                return fn(*args, **kwargs)
            finally:
                state.enabled = previous

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):
    """Context manager and decorator that stops graph recording.

    >>> import autodiff as ad
    >>> x = ad.ones(2, requires_grad=True)
    >>> with ad.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    _target = False


class enable_grad(_GradModeContext):
    """Context manager and decorator that turns graph recording back on.

    >>> import autodiff as ad
    >>> with ad.no_grad(), ad.enable_grad():
    ...     ad.is_grad_enabled()
    True
    """

    _target = True


class set_grad_enabled(_GradModeContext):
    """Set grad mode: takes effect at once when called, and is restored when used as a
    context manager or decorator.

    >>> import autodiff as ad
    >>> with ad.set_grad_enabled(False):
    ...     ad.is_grad_enabled()
    False
    >>> ad.is_grad_enabled()
    True
    """

    def __init__(self, mode: bool) -> None:
        self._target = bool(mode)
        self._previous = state.enabled
        state.enabled = self._target

    def __enter__(self) -> None:
        pass  # already switched by __init__

    def __call__(self, fn: F) -> F:
        state.enabled = self._previous  # decorating must not switch the mode now
        return super().__call__(fn)
