"""PyTorch's ``unique(x, dim=d)``: the distinct slices of ``x`` along ``d``.

The standard's ``unique_*`` functions flatten, so the slices are compared here: each
slice becomes one row, the rows are sorted lexicographically by stable argsorts from the
last column to the first (the standard has no lexsort), and a row starts a new group
where it differs from the one before. Not differentiable (as in PyTorch).
"""

from __future__ import annotations

from typing import Any

from .._primitive import Op, primitive
from .._tensor import Tensor

__all__ = ["unique_dim"]


def _unique_rows(xp: Any, x: Any, dim: int) -> tuple[Any, Any, Any]:
    """(values, inverse, counts) of the slices of ``x`` along ``dim``."""
    moved = xp.moveaxis(x, dim, 0)
    n = moved.shape[0]
    index = xp.int64
    if n == 0:
        empty = xp.zeros((0,), dtype=index)
        return x, empty, empty
    rows = xp.reshape(moved, (n, -1))
    # sort keys: booleans cannot be sorted by the standard, small ints can
    keys = xp.astype(rows, xp.int8) if rows.dtype == xp.bool else rows
    perm = xp.arange(n, dtype=index)
    for j in reversed(range(rows.shape[1])):
        order = xp.argsort(xp.take(keys[:, j], perm), stable=True)
        perm = xp.take(perm, order)
    ordered = xp.take(rows, perm, axis=0)
    starts_new = xp.concat([xp.ones((1,), dtype=xp.bool),
                            xp.any(ordered[1:, ...] != ordered[:-1, ...], axis=1)])
    group = xp.cumulative_sum(xp.astype(starts_new, index)) - 1
    starts = xp.nonzero(starts_new)[0]
    values = xp.take(ordered, starts, axis=0)
    values = xp.moveaxis(xp.reshape(values, (starts.shape[0], *moved.shape[1:])), 0, dim)
    # perm maps sorted position -> row; its argsort maps row -> sorted position
    inverse = xp.take(group, xp.argsort(perm))
    bounds = xp.concat([xp.astype(starts, index), xp.asarray([n], dtype=index)])
    counts = bounds[1:] - bounds[:-1]
    return values, inverse, counts


def _forward(xp: Any, x: Any, dim: int, field: int, memo: dict[str, Any]) -> Any:
    if "result" not in memo:
        memo["result"] = _unique_rows(xp, x, dim)
    return memo["result"][field]


_unique_dim: Op = primitive("unique_dim", forward=_forward, namespace="autodiff.ops.unique_dim")


def unique_dim(x: Tensor, dim: int, return_inverse: bool = False,
               return_counts: bool = False) -> Any:
    """The sorted distinct slices of ``x`` along ``dim``, with the index of each
    slice's group and the group sizes when asked (a tuple then, in that order).

    >>> import autodiff as ad
    >>> ad.unique(ad.tensor([[1, 2], [0, 5], [1, 2]]), dim=0, return_counts=True)
    (tensor([[0, 5],
            [1, 2]]), tensor([1, 2]))
    """
    if x.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if not -x.ndim <= dim < x.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-x.ndim}, {x.ndim - 1}], but got {dim})")
    dim %= x.ndim
    if x.shape[dim] != 0 and any(size == 0 for i, size in enumerate(x.shape) if i != dim):
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so "
                           "unique cannot be applied")
    memo: dict[str, Any] = {}
    wanted = [0] + [1] * return_inverse + [2] * return_counts
    parts = [_unique_dim(x, dim=dim, field=field, memo=memo) for field in wanted]
    return parts[0] if len(parts) == 1 else tuple(parts)
