"""Anomaly detection: find the forward op behind a NaN gradient or a failing backward.

While it is on, every recorded op keeps the stack of the call that created it; a
backward function returning NaN raises an error naming the node and that call, and any
other error raised in backward gets the same trace as a note.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from .._mode import anomaly

__all__ = ["detect_anomaly", "is_anomaly_check_nan_enabled", "is_anomaly_enabled",
           "set_detect_anomaly"]

F = TypeVar("F", bound=Callable[..., Any])


def is_anomaly_enabled() -> bool:
    """True while anomaly detection is on."""
    return anomaly.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """True when anomaly detection also checks backward results for NaN."""
    return anomaly.check_nan


class set_detect_anomaly:
    """Turn anomaly detection on or off (at once, and restored on leaving a ``with``).

    >>> import autodiff as ad
    >>> with ad.autograd.set_detect_anomaly(True):
    ...     ad.autograd.is_anomaly_enabled()
    True
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._previous = (anomaly.enabled, anomaly.check_nan)
        anomaly.enabled, anomaly.check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        anomaly.enabled, anomaly.check_nan = self._previous


class detect_anomaly:
    """Context manager and decorator that turns anomaly detection on.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0], requires_grad=True)
    >>> with ad.autograd.detect_anomaly():
    ...     y = ad.sqrt(x) * 0.0     # the gradient at 0 is inf * 0 = nan
    ...     y.sum().backward()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output. ...
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> None:
        self._previous = (anomaly.enabled, anomaly.check_nan)
        anomaly.enabled, anomaly.check_nan = True, self.check_nan

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        anomaly.enabled, anomaly.check_nan = self._previous

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]
