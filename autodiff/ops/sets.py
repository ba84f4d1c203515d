"""Set functions (Array API chapter "Set Functions"): unique_all, unique_counts,
unique_inverse, unique_values, and PyTorch's ``unique``.

None is differentiable (as in PyTorch). Each returns the standard's named tuple; every
field is one run of a primitive, and the fields of one call share one computation.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .._primitive import Op, primitive
from .._tensor import Tensor

__all__ = ["unique", "unique_all", "unique_counts", "unique_inverse", "unique_values"]


class UniqueAllResult(NamedTuple):
    values: Tensor
    indices: Tensor
    inverse_indices: Tensor
    counts: Tensor


class UniqueCountsResult(NamedTuple):
    values: Tensor
    counts: Tensor


class UniqueInverseResult(NamedTuple):
    values: Tensor
    inverse_indices: Tensor


def _field(function: str) -> Any:
    """The forward of one field of ``xp.<function>(x)``; ``memo`` (a dict the caller
    makes per call) keeps the result for the other fields."""
    def forward(xp: Any, x: Any, field: str, memo: dict[str, Any]) -> Any:
        if "result" not in memo:
            memo["result"] = getattr(xp, function)(x)
        return getattr(memo["result"], field)

    return forward


_unique_all: Op = primitive("unique_all", forward=_field("unique_all"))
_unique_counts: Op = primitive("unique_counts", forward=_field("unique_counts"))
_unique_inverse: Op = primitive("unique_inverse", forward=_field("unique_inverse"))
_unique_values: Op = primitive("unique_values", forward=lambda xp, x: xp.unique_values(x))


def _fields(op: Op, x: Tensor, names: tuple[str, ...]) -> list[Tensor]:
    memo: dict[str, Any] = {}
    return [op(x, field=name, memo=memo) for name in names]


def unique_all(x: Tensor, /) -> UniqueAllResult:
    """The sorted distinct values of ``x``, the flat index of each one's first
    occurrence, the index of each element's value among them (x's shape) and the counts.

    >>> import autodiff as ad
    >>> ad.unique_all(ad.tensor([3, 1, 3, 2])).counts
    tensor([1, 1, 2])
    """
    return UniqueAllResult(*_fields(_unique_all, x, UniqueAllResult._fields))


def unique_counts(x: Tensor, /) -> UniqueCountsResult:
    """The sorted distinct values of ``x`` and how often each occurs.

    >>> import autodiff as ad
    >>> ad.unique_counts(ad.tensor([3, 1, 3, 2]))
    UniqueCountsResult(values=tensor([1, 2, 3]), counts=tensor([1, 1, 2]))
    """
    return UniqueCountsResult(*_fields(_unique_counts, x, UniqueCountsResult._fields))


def unique_inverse(x: Tensor, /) -> UniqueInverseResult:
    """The sorted distinct values of ``x`` and, for each element, the index of its value
    among them (a tensor of x's shape: ``values[inverse_indices]`` rebuilds ``x``).

    >>> import autodiff as ad
    >>> ad.unique_inverse(ad.tensor([3, 1, 3, 2])).inverse_indices
    tensor([2, 0, 2, 1])
    """
    return UniqueInverseResult(*_fields(_unique_inverse, x, UniqueInverseResult._fields))


def unique_values(x: Tensor, /) -> Tensor:
    """The sorted distinct values of ``x`` (every NaN counts as distinct).

    >>> import autodiff as ad
    >>> ad.unique_values(ad.tensor([3, 1, 3, 2]))
    tensor([1, 2, 3])
    """
    return _unique_values(x)


def unique(x: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: int | None = None) -> Any:
    """PyTorch's ``unique``: the sorted distinct values, with the inverse indices and
    the counts when asked (a tuple then, in that order).

    >>> import autodiff as ad
    >>> ad.unique(ad.tensor([3, 1, 3]), return_counts=True)
    (tensor([1, 3]), tensor([1, 2]))
    """
    if dim is not None:
        from .unique_dim import unique_dim

        return unique_dim(x, dim, return_inverse, return_counts)
    if not (return_inverse or return_counts):
        return unique_values(x)
    result = unique_all(x)
    parts = [result.values]
    if return_inverse:
        parts.append(result.inverse_indices)
    if return_counts:
        parts.append(result.counts)
    return tuple(parts)
