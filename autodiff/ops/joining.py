"""Manipulation functions that join, split or repeat tensors: concat, stack, unstack,
tile, repeat (and PyTorch's cat, unbind, repeat_interleave, ``x.repeat``).

The engine's primitives take a fixed number of tensor inputs, so ``concat`` of n
tensors is a balanced tree of two-input ``concat`` nodes: ``log2(n)`` copies of the
data, each node's gradient two slices of its cotangent.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from .. import _mode
from .._mode import is_grad_enabled
from .._primitive import Op, primitive
from .._tensor import Tensor
from .datatypes import astype
from .indexing import Take, getitem
from .manipulation import _named, _reshape, expand_dims, one_axis, reshape

__all__ = ["cat", "concat", "concatenate", "repeat", "repeat_interleave", "stack", "tile",
           "unbind", "unstack"]
NOT_METHODS = ("cat", "concat", "concatenate", "stack", "repeat")


def _part(g: Any, axis: int, start: int, stop: int | None) -> Any:
    """``g[..., start:stop, ...]`` along ``axis`` (a backend array or a tensor)."""
    return g[(slice(None),) * axis + (slice(start, stop), Ellipsis)]


_concat: Op = primitive(
    "concat", torch_name=_named("CatBackward0"),
    forward=lambda xp, a, b, axis, split, node=None: xp.concat(
        [a] if b is None else [a, b], axis=axis),
    vjp=(lambda xp, g, _ans, _a, _b, axis, split, node=None: _part(g, axis, 0, split),
         lambda xp, g, _ans, _a, _b, axis, split, node=None: _part(g, axis, split, None)),
    jvp="linear",
)
# Tile's gradient sums the copies: (r0*s0, r1*s1, ...) viewed as (r0, s0, r1, s1, ...).
_tile: Op = primitive(
    "tile", torch_name="Repeat",
    forward=lambda xp, x, reps, shape: xp.tile(x, reps),
    vjp=lambda xp, g, _ans, _x, reps, shape: xp.sum(
        xp.reshape(g, tuple(n for pair in zip(reps, shape, strict=True) for n in pair)),
        axis=tuple(range(0, 2 * len(shape), 2))),
    jvp="linear",
)


def _repeat_vjp(xp: Any, g: Any, _ans: Any, _x: Any, repeats: Any, axis: int,
                shape: tuple[int, ...], index: Take | None) -> Any:
    if isinstance(repeats, int):  # each element's copies are adjacent: sum them
        split = shape[:axis] + (shape[axis], repeats) + shape[axis + 1:]
        return xp.sum(xp.reshape(g, split), axis=axis + 1)
    return xp.prim.index_scatter_add(g, key=index, shape=shape)


# ``index`` (repeats given as a tensor): where each output position along ``axis``
# comes from, for the gradient's scatter. ``repeat`` makes it from the backend arrays:
# a rule on tensors could compute it, but an index key holds a backend array, which a
# rule has no standard way to take from a tensor.
_repeat: Op = primitive(
    "repeat", torch_name="IndexSelect",
    forward=lambda xp, x, repeats, axis, shape, index: xp.repeat(x, repeats, axis=axis),
    vjp=(_repeat_vjp, None),
    jvp=lambda tangents, ans, x, repeats, axis, shape, index: _repeat(
        tangents[0], repeats, axis=axis, shape=shape, index=index),
)


def _repeat_index(x: Tensor, repeats: Tensor, axis: int) -> Take:
    """The ``index`` of ``_repeat``: ``arange(n)`` repeated as ``x`` is along ``axis``."""
    backend, array = x._backend, x._array
    source = backend.xp.arange(x.shape[axis], dtype=backend.dtype("int64"),
                               device=getattr(array, "device", None))
    return Take(axis, backend.xp.repeat(source, repeats._array, axis=0))


def _tensors(op: str, arrays: Any) -> list[Tensor]:
    if isinstance(arrays, Tensor) or not isinstance(arrays, Sequence):
        raise TypeError(f"{op}: expected a sequence of Tensors, got {type(arrays).__name__}")
    tensors = list(arrays)
    if not tensors:
        raise ValueError(f"{op}: expected a non-empty sequence of Tensors")
    for index, item in enumerate(tensors):
        if not isinstance(item, Tensor):
            raise TypeError(f"{op}: expected a sequence of Tensors, got "
                            f"{type(item).__name__} at position {index}")
    return tensors


_RANK = {"bool": 0, "unsigned integer": 1, "signed integer": 1, "real floating": 2,
         "complex floating": 3}


def _promoted(tensors: list[Tensor]) -> list[Tensor]:
    """The tensors in one dtype, promoted as PyTorch does across kinds (an integer
    joined to float32 stays float32); the standard leaves mixed kinds undefined."""
    if len({t.dtype for t in tensors}) == 1:
        return tensors
    top = max(_RANK[t.dtype.kind] for t in tensors)
    leading = [t._array.dtype for t in tensors if _RANK[t.dtype.kind] == top]
    backend = tensors[0]._backend
    name = backend.dtype_name(backend.xp.result_type(*leading))
    return [t if t.dtype.name == name else astype(t, name) for t in tensors]


def _untracked(tensors: list[Tensor]) -> bool:
    """Whether joining these records nothing (no gradient, no forward-mode tangent): then
    one call of the backend's join does it, not a tree of two-input nodes."""
    # (not while autodiff.compile traces: the trace records the op, not a raw join)
    return not _mode.traces.count and not any(t._tangents for t in tensors) and (
        not is_grad_enabled() or not any(t._requires_grad for t in tensors))


def _join(tensors: list[Tensor], axis: int, node: str) -> Tensor:
    tensors = _promoted(tensors)
    if len(tensors) > 2 and _untracked(tensors):
        backend = tensors[0]._backend
        return Tensor._wrap(backend.xp.concat([t._array for t in tensors], axis=axis), backend)
    if len(tensors) == 1:
        only = tensors[0]
        return _concat(only, None, axis=axis, split=only.shape[axis], node=node)
    while len(tensors) > 1:
        pairs = []
        for index in range(0, len(tensors) - 1, 2):
            a, b = tensors[index], tensors[index + 1]
            pairs.append(_concat(a, b, axis=axis, split=a.shape[axis], node=node))
        if len(tensors) % 2:
            pairs.append(tensors[-1])
        tensors = pairs
    return tensors[0]


def concat(arrays: Any, _dim: int | None = None, /, *, axis: int | None = 0,
           dim: int | None = None) -> Tensor:
    """Join tensors along an existing axis (flattened first when ``axis=None``);
    PyTorch's positional ``cat(tensors, dim)`` works too.

    >>> import autodiff as ad
    >>> ad.concat([ad.zeros(2), ad.ones(1)])
    tensor([0., 0., 1.])
    """
    tensors = _tensors("concat", arrays)
    dim = _dim if dim is None else dim
    if dim is not None:
        axis = dim
    if axis is None:
        tensors = [reshape(t, -1) for t in tensors]
        axis = 0
    if any(t.ndim > 1 for t in tensors):
        # PyTorch's legacy rule: an empty 1-D tensor (shape (0,)) joins anything
        kept = [t for t in tensors if tuple(t.shape) != (0,)]
        tensors = kept or tensors
    first = tensors[0]
    if first.ndim == 0:
        raise ValueError("concat: zero-dimensional tensors cannot be concatenated; use "
                         "stack, or axis=None")
    axis = one_axis("concat", axis, first.ndim)
    for index, other in enumerate(tensors[1:], 1):
        if other.ndim != first.ndim or any(
                a != b for i, (a, b) in enumerate(zip(first.shape, other.shape, strict=True))
                if i != axis):
            raise ValueError(f"concat: expected shapes that match except along axis {axis}, "
                             f"got {first.shape} at position 0 and {other.shape} at "
                             f"position {index}")
    return _join(tensors, axis, "CatBackward0")


def stack(arrays: Any, _dim: int | None = None, /, *, axis: int = 0,
          dim: int | None = None) -> Tensor:
    """Join tensors of one shape along a new axis (``stack(tensors, dim)`` works too).

    >>> import autodiff as ad
    >>> ad.stack([ad.zeros(2), ad.ones(2)], axis=1)
    tensor([[0., 1.],
            [0., 1.]])
    """
    tensors = _tensors("stack", arrays)
    dim = _dim if dim is None else dim
    if dim is not None:
        axis = dim
    shape = tensors[0].shape
    for index, other in enumerate(tensors[1:], 1):
        if other.shape != shape:
            raise ValueError(f"stack: expected tensors of one shape, got {shape} at position "
                             f"0 and {other.shape} at position {index}")
    axis = one_axis("stack", axis, len(shape) + 1)
    if len(tensors) > 1 and _untracked(tensors):
        tensors = _promoted(tensors)
        backend = tensors[0]._backend
        return Tensor._wrap(backend.xp.stack([t._array for t in tensors], axis=axis), backend)
    return _join([expand_dims(t, axis=axis) for t in tensors], axis, "StackBackward0")


def unstack(x: Tensor, _dim: int | None = None, /, *, axis: int = 0,
            dim: int | None = None) -> tuple[Tensor, ...]:
    """Split ``x`` along ``axis`` into a tuple of tensors (PyTorch's ``unbind``, whose
    positional ``unbind(x, dim)`` works too).

    >>> import autodiff as ad
    >>> ad.unstack(ad.arange(4).reshape(2, 2), axis=1)
    (tensor([0, 2]), tensor([1, 3]))
    """
    dim = _dim if dim is None else dim
    axis = one_axis("unstack", axis if dim is None else dim, x.ndim)
    return tuple(getitem(x, (slice(None),) * axis + (i,)) for i in range(x.shape[axis]))


def tile(x: Tensor, repetitions: Any, /) -> Tensor:
    """Repeat the whole tensor ``repetitions[i]`` times along axis ``i`` (``torch.tile``;
    missing leading repetitions count as 1, extra ones add leading axes).

    >>> import autodiff as ad
    >>> ad.tile(ad.tensor([1, 2]), (2,))
    tensor([1, 2, 1, 2])
    """
    try:
        reps = tuple(operator.index(r) for r in (
            (repetitions,) if isinstance(repetitions, int) else repetitions))
    except TypeError:
        raise TypeError(f"tile: expected repetitions as ints, got {repetitions!r}") from None
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: repetitions must be non-negative, got {reps}")
    reps = (1,) * (x.ndim - len(reps)) + reps
    if len(reps) > x.ndim:
        x = _reshape(x, shape=(1,) * (len(reps) - x.ndim) + x.shape, source=x.shape)
    if not reps:
        return _tile(_reshape(x, shape=(1,), source=()), reps=(1,), shape=(1,)).reshape(())
    return _tile(x, reps=reps, shape=x.shape)


def _torch_repeat(self: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``x.repeat(*sizes)``: numpy's ``tile``, with at least ``x.ndim`` sizes."""
    reps = tuple(sizes[0]) if len(sizes) == 1 and not isinstance(sizes[0], int) else sizes
    if len(reps) < self.ndim:
        raise RuntimeError("repeat: Number of dimensions of repeat dims can not be smaller "
                           f"than number of dimensions of tensor (got {len(reps)} sizes for "
                           f"a tensor of {self.ndim} dimensions)")
    return tile(self, reps)


def repeat(x: Tensor, repeats: Any, /, *, axis: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times along ``axis`` (the flattened tensor by
    default); ``repeats`` is an int or a 1-D integer tensor with one count per element.
    This is numpy's ``repeat`` and PyTorch's ``repeat_interleave``; PyTorch's
    ``x.repeat`` method is ``tile``.

    >>> import autodiff as ad
    >>> ad.repeat(ad.tensor([1, 2]), 2), ad.repeat(ad.tensor([1, 2]), ad.tensor([0, 3]))
    (tensor([1, 1, 2, 2]), tensor([2, 2, 2]))
    """
    if axis is None:
        x, axis = reshape(x, -1), 0
    axis = one_axis("repeat", axis, x.ndim)
    if isinstance(repeats, Tensor):
        if repeats.dtype.kind not in ("signed integer", "unsigned integer"):
            raise TypeError(f"repeat: repeats must be an integer tensor, got "
                            f"{repeats.dtype.name}")
        if repeats.ndim == 0:
            repeats = int(repeats)
        elif repeats.ndim != 1 or repeats.shape[0] not in (1, x.shape[axis]):
            raise ValueError(f"repeat: expected repeats of shape ({x.shape[axis]},), got "
                             f"{repeats.shape}")
        elif bool((repeats < 0).any()):
            raise ValueError("repeat: repeats must be non-negative")
        elif repeats.shape[0] == 1:
            repeats = int(repeats[0])
    if not isinstance(repeats, Tensor):
        repeats = operator.index(repeats)
        if repeats < 0:
            raise ValueError(f"repeat: repeats must be non-negative, got {repeats}")
    index = _repeat_index(x, repeats, axis) if isinstance(repeats, Tensor) else None
    return _repeat(x, repeats, axis=axis, shape=x.shape, index=index)


def repeat_interleave(x: Tensor, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """PyTorch's ``repeat_interleave``: the standard's ``repeat``; with only a 1-D integer
    tensor of counts, each index repeated that many times.

    >>> import autodiff as ad
    >>> ad.repeat_interleave(ad.tensor([[1, 2]]), 2, dim=1)
    tensor([[1, 1, 2, 2]])
    >>> ad.repeat_interleave(ad.tensor([2, 0, 1]))
    tensor([0, 0, 2])
    """
    if repeats is None:
        if x.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        from .creation import arange

        return repeat(arange(x.shape[0], dtype=x.dtype, backend=x._backend), x, axis=0)
    return repeat(x, repeats, axis=dim)


cat = concatenate = concat
unbind = unstack

#: PyTorch's method spellings
METHODS: dict[str, Any] = {
    "repeat": _torch_repeat,
    "tile": lambda self, *dims: tile(self, dims[0] if len(dims) == 1 else dims),
    "unbind": lambda self, dim=0: unstack(self, axis=dim),
}
