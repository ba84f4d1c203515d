"""Small shared helpers of the op modules (argument normalisation)."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from .._device import device_of as device_of
from .._dtypes import get_default_dtype


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
