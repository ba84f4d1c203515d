"""Small shared helpers of the op modules (argument normalisation)."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from .._dtypes import get_default_dtype


def normalize_axes(op: str, axis: Any, ndim: int) -> tuple[int, ...] | None:
    """Axis argument as a sorted tuple of non-negative ints (None stays None)."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    result = []
    for item in axes:
        try:
            index = operator.index(item)
        except TypeError:
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}") from None
        if not -ndim <= index < max(ndim, 1):
            raise IndexError(
                f"{op}: axis {index} is out of range for a tensor of {ndim} dimensions "
                f"(expected to be in range of [{-max(ndim, 1)}, {max(ndim, 1) - 1}])"
            )
        result.append(index % ndim if ndim else 0)
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
