"""Reductions (Array API "Statistical Functions"): sum and mean.

``mean`` is a primitive rather than ``sum / n`` so that it is one pass and its
node is PyTorch's ``MeanBackward0``.
"""

from __future__ import annotations

import math
from typing import Any

from .._primitive import primitive
from .._tensor import Tensor
from ._helpers import normalize_axes, pick
from .manipulation import restore_axes

__all__ = ["all", "any", "mean", "sum"]


def _numbered(stem: str) -> Any:
    return lambda x, axis, keepdims, **_: f"{stem}Backward{0 if axis is None else 1}"


_sum = primitive(
    "sum", torch_name=_numbered("Sum"),
    forward=lambda xp, x, axis, keepdims: xp.sum(x, axis=axis, keepdims=keepdims),
    vjp=lambda xp, g, _ans, _x, axis, keepdims: restore_axes(xp, g, axis, keepdims),
    jvp="linear",
)
_mean = primitive(
    "mean", torch_name=_numbered("Mean"),
    forward=lambda xp, x, axis, keepdims, count: xp.mean(x, axis=axis, keepdims=keepdims),
    vjp=lambda xp, g, _ans, _x, axis, keepdims, count: restore_axes(
        xp, g, axis, keepdims) / count,
    jvp="linear",
)


def sum(
    x: Tensor, /, axis: Any = None, *, dtype: Any = None, keepdims: bool | None = None,
    dim: Any = None, keepdim: bool | None = None,
) -> Tensor:
    """Sum over ``axis`` (all axes by default); ``dim``/``keepdim`` are PyTorch aliases.

    >>> import autodiff as ad
    >>> ad.sum(ad.ones(2, 3), axis=0)
    tensor([2., 2., 2.])
    """
    axes = normalize_axes("sum", pick("sum", "axis", axis, "dim", dim, None), x.ndim)
    keep = bool(pick("sum", "keepdims", keepdims, "keepdim", keepdim, False))
    if dtype is not None:
        x = x.astype(dtype)
    elif x.dtype.kind in ("bool", "signed integer"):
        x = x.astype("int64")  # PyTorch sums bools and small ints as int64
    total = _sum(x, axis=axes, keepdims=keep)
    if dtype is not None and total.dtype != x.dtype:  # numpy widens small unsigned sums
        total = total.astype(x.dtype, copy=False)
    return total


def mean(
    x: Tensor, /, axis: Any = None, *, keepdims: bool | None = None, dim: Any = None,
    keepdim: bool | None = None, dtype: Any = None,
) -> Tensor:
    """Arithmetic mean over ``axis`` (all axes by default).

    >>> import autodiff as ad
    >>> ad.mean(ad.tensor([1.0, 2.0, 6.0]))
    tensor(3.)
    """
    axes = normalize_axes("mean", pick("mean", "axis", axis, "dim", dim, None), x.ndim)
    keep = bool(pick("mean", "keepdims", keepdims, "keepdim", keepdim, False))
    if dtype is not None:
        x = x.astype(dtype)
    if not x.dtype.is_differentiable:
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {x.dtype.name}"
        )
    shape = x.shape
    count = math.prod(shape) if axes is None else math.prod(shape[axis] for axis in axes)
    return _mean(x, axis=axes, keepdims=keep, count=count)


_all = primitive(
    "all", forward=lambda xp, x, axis, keepdims: xp.all(x, axis=axis, keepdims=keepdims))
_any = primitive(
    "any", forward=lambda xp, x, axis, keepdims: xp.any(x, axis=axis, keepdims=keepdims))


def all(
    x: Tensor, /, *, axis: Any = None, keepdims: bool = False, dim: Any = None,
    keepdim: bool | None = None,
) -> Tensor:
    """True where every element along ``axis`` is true (a bool tensor, no gradient).

    >>> import autodiff as ad
    >>> ad.all(ad.tensor([1.0, 2.0]) > 0)
    tensor(True)
    """
    return _truth_reduction(_all, x, axis, keepdims, dim, keepdim)


def any(
    x: Tensor, /, *, axis: Any = None, keepdims: bool = False, dim: Any = None,
    keepdim: bool | None = None,
) -> Tensor:
    """True where some element along ``axis`` is true (a bool tensor, no gradient).

    >>> import autodiff as ad
    >>> ad.any(ad.tensor([0.0, 2.0]) > 1)
    tensor(True)
    """
    return _truth_reduction(_any, x, axis, keepdims, dim, keepdim)


def _truth_reduction(op: Any, x: Tensor, axis: Any, keepdims: bool, dim: Any,
                     keepdim: bool | None) -> Tensor:
    name = op.__name__
    axes = normalize_axes(name, pick(name, "axis", axis, "dim", dim, None), x.ndim)
    keep = pick(name, "keepdims", keepdims or None, "keepdim", keepdim, False)
    return op(x, axis=axes, keepdims=bool(keep))
