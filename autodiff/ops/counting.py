"""PyTorch's counting and locating ops: ``unique_consecutive``, ``argwhere``,
``bucketize``, ``histc`` and ``bincount``. All but ``bincount``'s weights have no
gradient; they compute on the backend's arrays through the standard namespace, and
count with the backend's scatter-add.
"""

from __future__ import annotations

import math
from typing import Any

from .. import _mode
from .._tensor import Tensor
from ._helpers import derived
from .complex import real
from .creation import full
from .datatypes import astype
from .gather_scatter import _dim
from .indexing import Take, _scatter_add
from .searching import searchsorted

__all__ = ["argwhere", "bincount", "bucketize", "histc", "unique_consecutive"]
NOT_METHODS = ("bucketize",)  # torch.bucketize has no Tensor method


_TORCH_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                "uint8": "Byte", "bool": "Bool"}


def _wrap(x: Tensor, array: Any) -> Tensor:
    return Tensor._wrap(array, x._backend)


def unique_consecutive(input: Tensor, return_inverse: bool = False,
                       return_counts: bool = False, dim: int | None = None) -> Any:
    """``input`` with runs of equal consecutive elements (or slices along ``dim``)
    collapsed to one; optionally where each element went and each run's length.

    >>> import autodiff as ad
    >>> ad.unique_consecutive(ad.tensor([1, 1, 2, 2, 3, 1]), return_counts=True)
    (tensor([1, 2, 3, 1]), tensor([2, 2, 1, 1]))
    """
    x = input.detach()
    xp = x._backend.xp
    if dim is None:
        flat = xp.reshape(x._array, (-1,))
        rows = xp.reshape(flat, (flat.shape[0], 1))
    else:
        dim = _dim("unique_consecutive", dim, x.ndim)
        flat = xp.moveaxis(x._array, dim, 0)
        # an explicit width: -1 cannot be inferred when there are no slices
        width = math.prod(flat.shape[1:])
        rows = xp.reshape(flat, (flat.shape[0], width))
    extent = rows.shape[0]
    if extent == 0:
        starts = xp.zeros((0,), dtype=xp.bool)
    else:
        starts = xp.concat([xp.ones((1,), dtype=xp.bool),
                            xp.any(rows[1:, ...] != rows[:-1, ...], axis=1)])
    positions = xp.nonzero(starts)[0]
    if dim is None:
        out = _wrap(x, xp.take(flat, positions))
    else:
        out = _wrap(x, xp.take(x._array, positions, axis=dim))
    results = [out]
    if return_inverse:
        inverse = xp.cumulative_sum(xp.astype(starts, xp.int64)) - 1
        results.append(_wrap(x, xp.reshape(inverse, tuple(x.shape)) if dim is None
                             else inverse))
    if return_counts:
        edges = xp.concat([positions, xp.asarray([extent], dtype=positions.dtype)])
        results.append(_wrap(x, xp.astype(edges[1:] - edges[:-1], xp.int64)))
    return results[0] if len(results) == 1 else tuple(results)


def argwhere(input: Tensor) -> Tensor:
    """The indices of the non-zero elements, one row each: shape ``(N, input.ndim)``.

    >>> import autodiff as ad
    >>> ad.argwhere(ad.tensor([[0, 1], [2, 0]]))
    tensor([[0, 1],
            [1, 0]])
    """
    xp = input._backend.xp
    if input.ndim == 0:
        count = int(bool(input.item()))
        return _wrap(input, xp.zeros((count, 0), dtype=xp.int64))
    parts = xp.nonzero(input._array)
    return _wrap(input, xp.astype(xp.stack(parts, axis=1), xp.int64))


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """The index of the bucket of each element: ``boundaries[i-1] < x <= boundaries[i]``
    (``right=True``: ``boundaries[i-1] <= x < boundaries[i]``).

    >>> import autodiff as ad
    >>> ad.bucketize(ad.tensor([1.0, 5.0, 9.0]), ad.tensor([1.0, 5.0, 7.0]))
    tensor([0, 1, 3])
    """
    if not isinstance(boundaries, Tensor) or boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{getattr(boundaries, 'ndim', 0)})")
    values = input if isinstance(input, Tensor) else full(
        (), input, dtype=boundaries.dtype, backend=boundaries.backend)
    out = searchsorted(boundaries, values, side="right" if right else "left")
    return astype(out, "int32" if out_int32 else "int64", copy=False)


def histc(input: Tensor, bins: int = 100, min: Any = 0, max: Any = 0) -> Tensor:
    """A histogram of ``bins`` equal bins over ``[min, max]`` (the data's range when both
    are 0); elements outside it, and NaNs, are left out. No gradient, as PyTorch's.

    >>> import autodiff as ad
    >>> ad.histc(ad.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
    """
    if bins <= 0:
        raise RuntimeError(f"torch.histc: bins must be > 0, but got {bins} for bin number")
    if input.dtype.kind != "real floating":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for "
                                  f"'{_TORCH_NAMES.get(input.dtype.name, input.dtype.name)}'")
    low, high = float(min), float(max)
    if low > high:
        raise RuntimeError(f"torch.histc: max must be larger than min, but got min {low} "
                           f"max {high}")
    # counted from the input's values: recorded where autodiff.compile traces
    return _wrap(input, derived(_histogram, input._backend, input.detach(), bins, low, high))


def _histogram(backend: Any, data: Any, bins: int, low: float, high: float) -> Any:
    """``histc``'s counts on arrays (the data's range where ``low == high``)."""
    xp = backend.xp
    data = xp.reshape(data, (-1,))
    # no boolean-mask indexing: its result's size is known to a lazy array (dask) only
    # once computed; the elements left out are counted with weight 0 instead
    nan = xp.isnan(data)
    if low == high and data.shape[0] and not bool(xp.all(nan)):
        low = float(xp.min(xp.where(nan, xp.full_like(data, math.inf), data)))
        high = float(xp.max(xp.where(nan, xp.full_like(data, -math.inf), data)))
    if low == high:
        low, high = low - 1, high + 1
    inside = xp.logical_and(data >= low, data <= high)
    kept = xp.where(inside, data, xp.full_like(data, low))  # no NaN cast to an integer
    where = xp.astype(xp.floor((kept - low) * bins / (high - low)), xp.int64)
    where = xp.clip(where, 0, bins - 1)
    zeros = xp.zeros((bins,), dtype=data.dtype)
    return backend.scatter_add(zeros, where, xp.astype(inside, data.dtype))


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How often each non-negative integer occurs in the 1-D ``input`` (the sum of
    ``weights`` at its positions, if given), at least ``minlength`` long. Differentiable
    in ``weights``.

    >>> import autodiff as ad
    >>> ad.bincount(ad.tensor([0, 1, 1, 3]))
    tensor([1, 2, 0, 1])
    """
    xp = input._backend.xp
    integral = input.dtype.kind in ("signed integer", "unsigned integer")
    if input.ndim != 1 or not integral:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != input.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    top = int(xp.max(input._array)) + 1 if input.numel() else 0
    if top > minlength and _mode.traces.count and _mode.tracing.active is not None:
        # the output's length is the data's: a replay could not change it
        _mode.tracing.active.data_read("bincount (its length max(input) + 1 beyond "
                                       "minlength)")
    length = max(top, minlength)
    # the bins, from the input's values: recorded where autodiff.compile traces
    index = derived(_bins, xp, input, length, bool(_mode.traces.count))
    if weights is None:
        return _wrap(input, derived(_count, input._backend, index, length))
    w = weights
    if w.dtype.kind == "complex floating":  # PyTorch counts the real parts, in float64
        w = real(w)
    if w.dtype.kind != "real floating":
        w = astype(w, "float64")
    return _scatter_add(w, key=Take(0, index, "BincountBackward0"), shape=(length,))


def _bins(xp: Any, input: Any, length: int, traced: bool) -> Any:
    """``bincount``'s input as int64 bins, checked: non-negative and, in a compiled step
    (``traced``: eager's length is the data's own, so no pass need check it), within
    the ``length`` its trace had."""
    if input.shape[0] and bool(xp.any(input < 0)):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if traced and input.shape[0] and bool(xp.any(input >= length)):
        raise RuntimeError(f"bincount: a value reached the length {length} this compiled "
                           "step was traced with (its output cannot grow on a replay); "
                           "pass a larger minlength")
    return xp.astype(input, xp.int64)


def _count(backend: Any, index: Any, length: int) -> Any:
    xp = backend.xp
    return backend.scatter_add(xp.zeros((length,), dtype=xp.int64), index,
                               xp.ones(index.shape, dtype=xp.int64))
