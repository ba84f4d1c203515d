"""PyTorch's ``index_select``, ``index_add``, ``index_copy``, ``index_fill``,
``index_put``, ``index_reduce``, ``masked_fill``, ``masked_select``, ``masked_scatter``
and ``put``: composites of the indexing primitives that write as ``gather_scatter.py``
explains (accumulate, overwrite with the last writer winning, or reduce by target).
"""

from __future__ import annotations

import math
from typing import Any

from .._tensor import Tensor
from ._helpers import derived
from ._scatter_reduce import reduce_into
from .creation import full
from .datatypes import astype
from .elementwise import where
from .gather_scatter import (
    _accumulate,
    _dim,
    _in_range,
    _index,
    _linear,
    _overwrite,
    _restore,
    _strides,
    _values,
)
from .indexing import Take, _getitem
from .manipulation import broadcast_to, reshape

__all__ = ["index_add", "index_copy", "index_fill", "index_put", "index_reduce",
           "index_select", "masked_fill", "masked_scatter", "masked_select", "put"]


# -- index_* : a 1-D index along one axis -------------------------------------------------
def _vector_index(op: str, x: Tensor, dim: int, index: Any) -> tuple[int, Any]:
    dim = _dim(op, dim, x.ndim)
    idx = _index(op, index, x)
    if idx.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector")
    idx = derived(x._backend.xp.reshape, idx, (-1,))
    extent = x.shape[dim] if x.ndim else 1
    return dim, derived(_in_range, op, x._backend.xp, idx, extent, dim)


def _spread_index(x: Tensor, dim: int, idx: Any, source: Tensor, op: str) -> Any:
    """The 1-D ``idx`` broadcast over ``source``'s shape along ``dim``."""
    xp = x._backend.xp
    want = tuple(x.shape[:dim]) + (idx.shape[0],) + tuple(x.shape[dim + 1:])
    if tuple(source.shape) != want and not (x.ndim == 0 and source.numel() == idx.shape[0]):
        have = source.shape[dim] if source.ndim > dim else 1
        if op == "index_add" and have != idx.shape[0]:
            raise RuntimeError(f"index_add_(): Number of indices ({idx.shape[0]}) should be "
                               f"equal to source.size(dim): ({have}), for dim: {dim}")
        raise RuntimeError(f"{op}(): source of shape {tuple(source.shape)} does not match "
                           f"the expected shape {want} (self's with index's length along "
                           f"dim {dim})")
    shape = want if x.ndim else (idx.shape[0],)
    lead = tuple(idx.shape[0] if k == dim else 1 for k in range(len(shape)))
    return derived(_spread, xp, idx, lead, shape)


def _spread(xp: Any, idx: Any, lead: tuple[int, ...], shape: tuple[int, ...]) -> Any:
    return xp.broadcast_to(xp.reshape(idx, lead), shape)


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of ``input`` at ``index`` along ``dim``.

    >>> import autodiff as ad
    >>> ad.index_select(ad.tensor([[1, 2], [3, 4]]), 0, ad.tensor([1, 1]))
    tensor([[3, 4],
            [3, 4]])
    """
    dim, idx = _vector_index("index_select", input, dim, index)
    if input.ndim == 0:
        return reshape(_getitem(reshape(input, 1), key=Take(0, idx, "IndexSelectBackward0"),
                                shape=(1,)), ())  # 0-d stays 0-d, as PyTorch
    return _getitem(input, key=Take(dim, idx, "IndexSelectBackward0"), shape=input.shape)


def _index_write(op: str, x: Tensor, dim: int, index: Any, source: Tensor) -> Any:
    dim, idx = _vector_index(op, x, dim, index)
    if not isinstance(source, Tensor):
        raise TypeError(f"{op}(): expected source as a Tensor, got {type(source).__name__}")
    spread = _spread_index(x, dim, idx, source, op)
    shape = tuple(x.shape) if x.ndim else (1,)
    return dim, spread, derived(_linear, x._backend.xp, shape, dim, spread)


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *,
              alpha: Any = 1) -> Tensor:
    """``input`` with ``alpha * source`` added at ``index`` along ``dim``.

    >>> import autodiff as ad
    >>> ad.ones(3, 2).index_add(0, ad.tensor([0, 0]), ad.ones(2, 2), alpha=2)
    tensor([[5., 5.],
            [1., 1.],
            [1., 1.]])
    """
    _, _, targets = _index_write("index_add", input, dim, index, source)
    return _accumulate(input, targets, source, alpha)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """``input`` with the slices of ``source`` copied to ``index`` along ``dim``.

    >>> import autodiff as ad
    >>> ad.zeros(3).index_copy(0, ad.tensor([2, 0]), ad.tensor([1.0, 2.0]))
    tensor([2., 0., 1.])
    """
    _, _, targets = _index_write("index_copy", input, dim, index, source)
    return _overwrite(input, targets, source)


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """``input`` with ``value`` (a number or a 0-d tensor) at ``index`` along ``dim``.

    >>> import autodiff as ad
    >>> ad.zeros(2, 3).index_fill(1, ad.tensor([1]), -1.0)
    tensor([[ 0., -1.,  0.],
            [ 0., -1.,  0.]])
    """
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but "
                           f"got tensor with {value.ndim} dimension(s).")
    dim, idx = _vector_index("index_fill", input, dim, index)
    shape = tuple(input.shape[:dim]) + (idx.shape[0],) + tuple(input.shape[dim + 1:])
    source = _values("index_fill", input, None, value, shape if input.ndim else idx.shape)
    _, _, targets = _index_write("index_fill", input, dim, index, source)
    return _overwrite(input, targets, source)


def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                 include_self: bool = True) -> Tensor:
    """``source``'s slices reduced into ``input`` at ``index`` along ``dim`` with
    ``reduce`` one of ``"prod"``, ``"mean"``, ``"amax"``, ``"amin"``.

    >>> import autodiff as ad
    >>> ad.ones(3).index_reduce(0, ad.tensor([1, 1]), ad.tensor([2.0, 3.0]), "prod")
    tensor([1., 6., 1.])
    """
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax "
                           f"or amin but got {reduce}.")
    dim, spread, targets = _index_write("index_reduce", input, dim, index, source)
    x = reshape(input, 1) if input.ndim == 0 else input
    out = reduce_into(x, targets, reshape(source, spread.shape), reduce, include_self)
    return _restore(out, input)


def index_put(input: Tensor, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
    """``input`` with ``values`` at ``input[indices]`` (a tuple of integer or bool
    tensors), added when ``accumulate``; out of place.

    >>> import autodiff as ad
    >>> x = ad.zeros(2, 2)
    >>> x.index_put((ad.tensor([0, 0]), ad.tensor([1, 1])), ad.tensor(1.0), accumulate=True)
    tensor([[0., 2.],
            [0., 0.]])
    """
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put(): indices must be a tuple of tensors")
    xp = input._backend.xp
    parts: list[Any] = []
    for part in indices:
        if isinstance(part, Tensor) and part.dtype.name == "bool":
            # a mask's positions: how many its values decide (not recorded by compile)
            parts.extend(xp.nonzero(part._array))
        elif isinstance(part, Tensor) and part.dtype.kind in ("signed integer",
                                                              "unsigned integer"):
            parts.append(part)
        else:
            raise IndexError("tensors used as indices must be long, int, byte or bool "
                             "tensors")
    if len(parts) > input.ndim:
        raise IndexError(f"too many indices for tensor of dimension {input.ndim} (got "
                         f"{len(parts)})")
    # the positions are computed from the indices' values: one recorded call
    target = derived(_put_targets, xp, tuple(input.shape), *parts)
    if not isinstance(values, Tensor):
        values = full((), values, dtype=input.dtype, backend=input.backend)
    values = broadcast_to(values, tuple(target.shape))
    if accumulate:
        return _accumulate(input, target, values)
    return _overwrite(input, target, values)


def _put_targets(xp: Any, shape: tuple[int, ...], *parts: Any) -> Any:
    """The linear positions in ``shape`` that the index arrays ``parts`` (broadcast
    together, negatives from the end, checked) select, with the trailing axes they
    leave whole, in order."""
    arrays = [xp.astype(part, xp.int64) for part in parts]
    arrays = list(xp.broadcast_arrays(*arrays)) if arrays else arrays
    lead = tuple(arrays[0].shape) if arrays else ()
    rest = shape[len(arrays):]
    strides = _strides(shape)
    target = xp.zeros(lead, dtype=xp.int64)
    for k, part in enumerate(arrays):
        part = _in_range("index_put", xp, part, shape[k], k, negative=True)
        target = target + part * strides[k]
    if rest:
        target = xp.reshape(target, lead + (1,) * len(rest)) + xp.reshape(
            xp.reshape(xp.arange(math.prod(rest), dtype=xp.int64), rest),
            (1,) * len(lead) + rest)
    return target


def _flat_targets(xp: Any, index: Any, numel: int) -> Any:
    """``put``'s flat positions: ``index`` checked, negatives from the end."""
    return _in_range("put", xp, xp.reshape(index, (-1,)), numel, 0, negative=True)


# -- masks and flat positions ------------------------------------------------------------
def _bool_mask(op: str, mask: Any) -> Tensor:
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}(): expected mask as a bool Tensor, got {type(mask).__name__}")
    if mask.dtype.name != "bool":
        raise RuntimeError(f"{op}: expected BoolTensor for mask")
    return mask


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``input`` with ``value`` (a number or a 0-d tensor) where ``mask`` is True.

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 2.0, 3.0])
    >>> x.masked_fill(x > 1.5, 0.0)
    tensor([1., 0., 0.])
    """
    if isinstance(mask, Tensor) and mask.dtype.name != "bool":
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with "
                           f"dtype {mask.dtype.name}")
    mask = _bool_mask("masked_fill", mask)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, "
                               f"but got tensor with {value.ndim} dimension(s).")
        value = astype(value, input.dtype)
    return where(mask, value, input)


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor (both broadcast).

    >>> import autodiff as ad
    >>> x = ad.tensor([[1.0, -2.0], [-3.0, 4.0]])
    >>> ad.masked_select(x, x > 0)
    tensor([1., 4.])
    """
    mask = _bool_mask("masked_select", mask)
    shape = input._backend.xp.broadcast_shapes(tuple(input.shape), tuple(mask.shape)) \
        if hasattr(input._backend.xp, "broadcast_shapes") else None
    if shape is None:
        shape = tuple(input._backend.xp.broadcast_arrays(input._array, mask._array)[0].shape)
    flat_mask = reshape(broadcast_to(mask, shape), -1)
    positions = input._backend.xp.nonzero(flat_mask._array)[0]
    flat = reshape(broadcast_to(input, shape), -1)
    return _getitem(flat, key=Take(0, positions, "MaskedSelectBackward0"),
                    shape=(flat.numel(),))


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """``input`` with the first elements of ``source``, in order, where ``mask`` is True.

    >>> import autodiff as ad
    >>> x = ad.zeros(4)
    >>> x.masked_scatter(ad.tensor([True, False, True, False]), ad.tensor([5.0, 6.0, 7.0]))
    tensor([5., 0., 6., 0.])
    """
    mask = _bool_mask("masked_scatter", mask)
    if not isinstance(source, Tensor):
        raise TypeError(f"masked_scatter(): expected source as a Tensor, got "
                        f"{type(source).__name__}")
    xp = input._backend.xp
    # out of place, PyTorch broadcasts input and mask together (the in-place method's
    # result must keep input's shape, which the in-place wrapper checks)
    shape = tuple(xp.broadcast_arrays(input._array, mask._array)[0].shape)
    if shape != tuple(input.shape):
        input = broadcast_to(input, shape) * 1  # a fresh tensor, not a broadcast view
    mask = broadcast_to(mask, shape)
    # which element of source each position takes, in a shape the mask's values do not
    # decide: one recorded call, so that a replay follows a new mask
    taken = derived(_taken, xp, mask, source.numel())
    flat = reshape(source, -1)
    if not source.numel():  # no True in the mask (checked): any value will do
        flat = full((1,), 0, dtype=source.dtype, backend=source.backend)
    values = _getitem(flat, key=Take(0, taken, "MaskedScatterBackward0"),
                      shape=tuple(flat.shape))
    if values.dtype != input.dtype:
        values = astype(values, input.dtype)
    return where(mask, reshape(values, shape), input)


def _taken(xp: Any, mask: Any, count: int) -> Any:
    """For each position of the flat ``mask``, the element of a ``count``-long source
    it takes where True (the running count of Trues), 0 where False."""
    flat = xp.reshape(mask, (-1,))
    taken = xp.cumulative_sum(xp.astype(flat, xp.int64)) - 1
    if flat.shape[0] and bool(xp.any(taken >= count)):
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return xp.where(flat, taken, xp.zeros_like(taken))


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """``input`` with ``source`` written at the flat positions ``index`` (negatives from
    the end), added when ``accumulate``.

    >>> import autodiff as ad
    >>> ad.zeros(2, 2).put(ad.tensor([3, -4]), ad.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 1.]])
    """
    idx = _index("put", index, input)
    if not isinstance(source, Tensor) or source.numel() != idx.size:
        raise RuntimeError(f"put_(): Expected source and index to have the same number of "
                           f"elements, but got source.numel() = "
                           f"{getattr(source, 'numel', lambda: 0)()}, "
                           f"index.numel() = {idx.size}")
    targets = derived(_flat_targets, input._backend.xp, idx, input.numel())
    if accumulate:
        return _accumulate(input, targets, source)
    return _overwrite(input, targets, source)
