"""Small shared helpers of the op modules (argument normalisation)."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from .. import _mode
from .._device import device_of as device_of
from .._dtypes import get_default_dtype
from .._tensor import Tensor


def normalize_axes(op: str, axis: Any, ndim: int) -> tuple[int, ...] | None:
    """Axis argument as a sorted tuple of non-negative ints (None stays None)."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    if ndim == 0:  # PyTorch lets a 0-d tensor be reduced over dim 0 or -1: a no-op
        if any(operator.index(item) not in (0, -1) for item in axes):
            raise IndexError(f"{op}: axis {axis!r} is out of range for a 0-d tensor "
                             "(expected to be in range of [-1, 0])")
        return None
    result = []
    for item in axes:
        try:
            index = operator.index(item)
        except TypeError:
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}") from None
        if not -ndim <= index < ndim:
            raise IndexError(
                f"{op}: axis {index} is out of range for a tensor of {ndim} dimensions "
                f"(expected to be in range of [{-ndim}, {ndim - 1}])"
            )
        result.append(index % ndim)
    if len(set(result)) != len(result):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return tuple(sorted(result))


def pick(op: str, spec_name: str, spec_value: Any, torch_name: str, torch_value: Any,
         default: Any) -> Any:
    """One value from an Array API keyword and its PyTorch alias (``axis``/``dim``)."""
    if spec_value is not None and torch_value is not None:
        raise TypeError(f"{op}: got both {spec_name}= and its alias {torch_name}=; pass one")
    if spec_value is not None:
        return spec_value
    return default if torch_value is None else torch_value


def shape_from(op: str, sizes: Sequence[Any]) -> tuple[int, ...]:
    """A shape from ``f(2, 3)``, ``f((2, 3))`` or ``f([2, 3])`` style arguments."""
    if len(sizes) == 1 and not isinstance(sizes[0], int):
        sizes = tuple(sizes[0])
    try:
        shape = tuple(operator.index(size) for size in sizes)
    except TypeError:
        raise TypeError(f"{op}: expected a shape of ints, got {tuple(sizes)!r}") from None
    if any(size < 0 for size in shape):
        raise ValueError(f"{op}: negative dimension in shape {shape}")
    return shape


def default_float_name(xp: Any) -> Any:
    """The backend dtype that Python floats become (the default float dtype)."""
    return getattr(xp, get_default_dtype().name)


def raise_if(failed: Tensor, error: type[BaseException], message: str) -> None:
    """Raise ``error(message)`` where the 0-d bool tensor ``failed`` is true: a check of
    the data, such as an index out of range. While ``autodiff.compile`` traces, the check
    is recorded and made again by each replay, where reading the data would end the
    trace.

    >>> import autodiff as ad
    >>> raise_if(ad.tensor([1, 5]).max() >= 4, IndexError, "index out of range in self")
    Traceback (most recent call last):
    IndexError: index out of range in self
    """
    tracer = _mode.tracing.active if _mode.traces.count else None
    if tracer is not None:
        tracer.check(failed, error, message)
    if bool(failed._host()):
        raise error(message)


def derived(fn: Any, *args: Any) -> Any:
    """``fn(*args)``, tensors among ``args`` passed as their arrays: an op's own
    computation on arrays that depends on a tensor's values (the linear positions of an
    index, with its range check). While ``autodiff.compile`` traces, the call is
    recorded, so that each replay computes it afresh from the new values, where a
    result kept from the trace would be stale.

    >>> import autodiff as ad
    >>> derived(lambda array, k: array.shape[0] * k, ad.tensor([1, 2]), 3)
    6
    """
    values = [arg._array if isinstance(arg, Tensor) else arg for arg in args]
    result = fn(*values)
    tracer = _mode.tracing.active if _mode.traces.count else None
    if tracer is not None:
        tracer.derived(fn, args, result)
    return result
