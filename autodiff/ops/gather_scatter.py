"""PyTorch's gather and scatter family: ``gather``, ``scatter`` (``reduce=``),
``scatter_add`` and ``scatter_reduce``, and the helpers of ``index_ops.py``
(``index_*``, ``masked_*``, ``put``), which write the same way.

All are composites of the indexing primitives (``getitem`` with a ``Take`` key and its
transpose ``index_scatter_add``), so their gradients are gathers and scatters and they
run on every backend: the standard has ``take`` but no scatter and no fancy
``__setitem__``, and the backend's ``scatter_add`` fills that gap. The index
arithmetic runs on plain arrays of the backend (it has no gradient). Every write is
expressed with *linear* targets, positions in the flattened input:

* an accumulating write is ``x + scatter_add(values)``;
* an overwrite is ``where(written, scatter_add(values of the last writers), x)``: of
  several writes to one position the last one wins (numpy's and PyTorch's CPU order),
  and only it receives a gradient;
* ``scatter_reduce``/``index_reduce`` reduce by target in memory linear in the
  writes (``_scatter_reduce.py``): exact at zeros for ``prod``, ties sharing the
  gradient evenly for ``amax``/``amin``, as PyTorch's.
"""

from __future__ import annotations

import math
from typing import Any

from .._tensor import Tensor
from ._helpers import derived
from ._scatter_reduce import reduce_into
from .creation import full
from .datatypes import astype
from .elementwise import multiply, where
from .indexing import Take, _getitem, _scatter_add, getitem
from .manipulation import broadcast_to, reshape

__all__ = ["gather", "scatter", "scatter_add", "scatter_reduce"]

_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def _wrap(x: Tensor, array: Any) -> Tensor:
    return Tensor._wrap(array, x._backend)


def _dim(op: str, dim: int, ndim: int) -> int:
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of "
                         f"[{-size}, {size - 1}], but got {dim})")
    return dim % size


def _index(op: str, index: Any, x: Tensor, *, int32: bool = True) -> Any:
    """``index`` as a backend array of int64, checked for type and backend."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): expected index as an integer Tensor, got "
                        f"{type(index).__name__}")
    if index._backend is not x._backend:
        raise ValueError(f"{op}(): index is on backend {index.backend!r} but the tensor is "
                         f"on backend {x.backend!r}")
    # PyTorch checks the dtype only of an index with elements
    empty = index.numel() == 0 and index.dtype.kind in ("signed integer", "unsigned integer")
    if index.dtype.name != "int64" and not (int32 and index.dtype.name == "int32") \
            and not empty:
        wanted = "int32 or int64" if int32 else "int64"
        raise RuntimeError(f"{op}(): Expected dtype {wanted} for index")
    # the index's values reach the op's own arithmetic on arrays from here: each step
    # is ``derived`` (recorded where autodiff.compile traces, so a replay redoes it)
    return derived(_as_int64, x._backend.xp, index)


def _as_int64(xp: Any, index: Any) -> Any:
    return xp.astype(index, xp.int64)


def _in_range(op: str, xp: Any, index: Any, extent: int, dim: int,
              negative: bool = False) -> Any:
    """Raise PyTorch's error for an index outside the axis (each op has its own);
    negatives count from the end where ``negative`` (index_put, put)."""
    low = -extent if negative else 0
    bad = xp.logical_or(index < low, index >= extent)
    if index.size and bool(xp.any(bad)):
        # the first bad index, found without a mask (whose size a lazy array knows
        # only once computed)
        where_bad = xp.argmax(xp.astype(xp.reshape(bad, (-1,)), xp.int8))
        first = int(xp.reshape(index, (-1,))[int(where_bad)])
        if op == "put":
            raise IndexError(f"out of range: tried to access index {first} on a tensor of "
                             f"{extent} elements.")
        if op.startswith("index_"):  # index_select, index_add, ... (not index_put)
            raise IndexError(f"{op}(): index out of range in self")
        error = IndexError if op == "index_put" else RuntimeError
        raise error(f"index {first} is out of bounds for dimension {dim} with size {extent}")
    if negative:
        index = xp.where(index < 0, index + extent, index)
    return index


def _strides(shape: tuple[int, ...]) -> list[int]:
    return [math.prod(shape[k + 1:]) for k in range(len(shape))]


def _linear(xp: Any, shape: tuple[int, ...], dim: int, index: Any) -> Any:
    """Positions in the flattened ``shape`` of ``index`` along ``dim`` and of the
    position itself on every other axis (``index`` has ``shape``'s rank)."""
    strides = _strides(shape)
    target = index * strides[dim]
    for k, extent in enumerate(index.shape):
        if k != dim:
            ramp = xp.arange(extent, dtype=xp.int64) * strides[k]
            target = target + xp.reshape(ramp, tuple(extent if i == k else 1
                                                     for i in range(index.ndim)))
    return target


def _last_writers(xp: Any, targets: Any) -> Any:
    """Which entries of the 1-D ``targets`` are the last to name their position."""
    if targets.shape[0] == 0:
        return xp.astype(targets, xp.bool)
    order = xp.argsort(targets, stable=True)
    ranked = xp.take(targets, order)
    last = xp.concat([ranked[:-1] != ranked[1:], xp.asarray([True])])
    return xp.take(last, xp.argsort(order))


def _overwrite(x: Tensor, targets: Any, values: Tensor) -> Tensor:
    """``x`` with ``values`` written at the linear ``targets`` (same shape)."""
    flat, written, last = derived(_writers, x._backend, targets, x.numel())
    if values.dtype != x.dtype:
        values = astype(values, x.dtype)
    last = _wrap(x, last)
    kept = where(last, reshape(values, -1), 0)
    placed = reshape(_scatter_add(kept, key=Take(0, flat), shape=(x.numel(),)), x.shape)
    return where(reshape(_wrap(x, written), tuple(x.shape)), placed, x)


def _writers(backend: Any, targets: Any, n: int) -> tuple[Any, Any, Any]:
    """The linear ``targets`` flat, which of ``n`` positions they write, and which of
    them is the last to write its position."""
    xp = backend.xp
    flat = xp.reshape(targets, (-1,))
    ones = xp.ones(flat.shape, dtype=xp.int64)
    written = backend.scatter_add(xp.zeros((n,), dtype=xp.int64), flat, ones) > 0
    return flat, written, _last_writers(xp, flat)


def _accumulate(x: Tensor, targets: Any, values: Tensor, alpha: Any = 1) -> Tensor:
    xp, n = x._backend.xp, x.numel()
    if values.dtype != x.dtype:
        values = astype(values, x.dtype)
    values = reshape(values, -1)
    if alpha != 1:
        values = multiply(values, alpha)
    placed = _scatter_add(values, key=Take(0, derived(xp.reshape, targets, (-1,))),
                          shape=(n,))
    return x + reshape(placed, x.shape)


def _restore(out: Tensor, input: Tensor) -> Tensor:
    """A 0-d input was worked on as a vector: its result goes back to 0-d."""
    return reshape(out, ()) if input.ndim == 0 else out


def _check_shapes(op: str, x: Tensor, index: Any, dim: int, src: Tensor | None) -> None:
    if index.ndim != max(x.ndim, 1) and index.size:
        raise RuntimeError(f"Index tensor must have the same number of dimensions as "
                           f"{'input' if op == 'gather' else 'self'} tensor")
    if not index.size:
        return  # PyTorch checks no shapes for an empty index
    for k, extent in enumerate(index.shape):
        if k != dim and extent > (x.shape[k] if x.ndim else 1):
            raise RuntimeError(f"Size does not match at dimension {k} expected index "
                               f"{list(index.shape)} to be no larger than self "
                               f"{list(x.shape)} apart from dimension {dim}")
        if src is not None and extent > (src.shape[k] if src.ndim else 1):
            raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than "
                               f"src {list(src.shape)} apart from dimension {dim}")


def _prefix(t: Tensor, shape: tuple[int, ...]) -> Tensor:
    """The leading block of ``t`` of ``shape`` (a scatter reads only that much src)."""
    if t.ndim == 0:
        return reshape(t, shape)
    if tuple(t.shape) == shape:
        return t
    return getitem(t, tuple(slice(0, extent) for extent in shape))


def _prepare(op: str, x: Tensor, dim: int, index: Any, src: Any
             ) -> tuple[Tensor, int, Any, Tensor | None]:
    dim = _dim(op, dim, x.ndim)
    idx = _index(op, index, x)
    squeeze = x.ndim == 0
    if squeeze:
        x = reshape(x, 1)
        idx = derived(x._backend.xp.reshape, idx, (-1,))
        src = reshape(src, -1) if isinstance(src, Tensor) else src
    src_t = src if isinstance(src, Tensor) else None
    _check_shapes(op, x, idx, dim, src_t)
    idx = derived(_in_range, op, x._backend.xp, idx, x.shape[dim], dim)
    return x, dim, idx, src_t


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """Values of ``input`` at ``index`` along ``dim``: ``out[i][j] = input[index[i][j]][j]``
    for ``dim=0``; the gradient scatters back (repeats add up).

    >>> import autodiff as ad
    >>> x = ad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> y = ad.gather(x, 1, ad.tensor([[0, 0], [1, 0]]))
    >>> y.sum().backward(); y, x.grad
    (tensor([[1., 1.],
            [4., 3.]], grad_fn=<GatherBackward0>), tensor([[2., 0.],
            [1., 1.]]))
    """
    shape = tuple(input.shape)
    x, dim, idx, _ = _prepare("gather", input, dim, index, None)
    if not idx.size:  # nothing gathered; still a function of input, so its grad is 0
        return reshape(reshape(x, -1)[:0], tuple(index.shape))
    targets = derived(_linear, x._backend.xp, tuple(x.shape), dim, idx)
    out = _getitem(reshape(x, -1), key=Take(0, targets, "GatherBackward0"),
                   shape=(x.numel(),))
    # a 0-d input was read as one element: the result takes the index's shape
    return reshape(out, tuple(index.shape)) if not shape else out


def _values(op: str, x: Tensor, src: Any, value: Any, shape: tuple[int, ...]) -> Tensor:
    if src is not None and value is not None:
        raise TypeError(f"{op}(): pass src or value, not both")
    if isinstance(src, Tensor):
        if src.dtype != x.dtype:
            raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype")
        return _prefix(src, shape)
    fill = src if value is None else value
    if fill is None:
        raise TypeError(f"{op}(): expected src (a Tensor) or value (a number)")
    if isinstance(fill, Tensor):
        return broadcast_to(astype(fill, x.dtype), shape)
    return full(shape, fill, dtype=x.dtype, device=x.device, backend=x.backend)


def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
            reduce: str | None = None) -> Tensor:
    """``input`` with ``src`` (a tensor, or a number ``value``) written at ``index``
    along ``dim``; ``reduce='add'`` or ``'multiply'`` combines instead of overwriting.
    Of repeated indices the last write wins and gets the gradient.

    >>> import autodiff as ad
    >>> ad.zeros(2, 3).scatter(1, ad.tensor([[2], [0]]), ad.tensor([[5.0], [7.0]]))
    tensor([[0., 0., 5.],
            [7., 0., 0.]])
    """
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce}")
    x, dim, idx, _ = _prepare("scatter", input, dim, index,
                              src if isinstance(src, Tensor) else None)
    values = _values("scatter", x, src, value, tuple(idx.shape))
    if reduce == "add":
        out = scatter_add(x, dim, _wrap(x, idx), values)
    elif reduce == "multiply":
        out = scatter_reduce(x, dim, _wrap(x, idx), values, "prod")
    else:
        out = _overwrite(x, derived(_linear, x._backend.xp, tuple(x.shape), dim, idx), values)
    return _restore(out, input)


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """``input`` with ``src`` added at ``index`` along ``dim`` (repeats accumulate).

    >>> import autodiff as ad
    >>> ad.zeros(3).scatter_add(0, ad.tensor([0, 2, 0]), ad.tensor([1.0, 2.0, 3.0]))
    tensor([4., 0., 2.])
    """
    x, dim, idx, src_t = _prepare("scatter_add", input, dim, index, src)
    if src_t is None:
        raise TypeError(f"scatter_add(): expected src as a Tensor, got {type(src).__name__}")
    if src_t.dtype != x.dtype:
        raise RuntimeError("scatter_add(): Expected self.dtype to be equal to src.dtype")
    targets = derived(_linear, x._backend.xp, tuple(x.shape), dim, idx)
    out = _accumulate(x, targets, _prefix(src_t, tuple(idx.shape)))
    return _restore(out, input)


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """``src`` reduced into ``input`` at ``index`` along ``dim`` with ``reduce`` one of
    ``"sum"``, ``"prod"``, ``"mean"``, ``"amax"``, ``"amin"``; ``include_self=False``
    leaves the old values out of each written position.

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 2.0, 3.0])
    >>> x.scatter_reduce(0, ad.tensor([0, 0, 2]), ad.tensor([5.0, 4.0, 9.0]), "amax")
    tensor([5., 2., 9.])
    >>> x.scatter_reduce(0, ad.tensor([0, 0]), ad.tensor([5.0, 4.0]), "mean",
    ...                  include_self=False)
    tensor([4.5000, 2.0000, 3.0000])
    """
    if reduce not in _REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, "
                           f"got {reduce}")
    x, dim, idx, src_t = _prepare("scatter_reduce", input, dim, index, src)
    if src_t is None:
        raise TypeError(f"scatter_reduce(): expected src as a Tensor, got "
                        f"{type(src).__name__}")
    if src_t.dtype != x.dtype:
        raise RuntimeError("scatter_reduce(): Expected self.dtype to be equal to src.dtype")
    targets = derived(_linear, x._backend.xp, tuple(x.shape), dim, idx)
    out = reduce_into(x, targets, _prefix(src_t, tuple(idx.shape)), reduce, include_self)
    return _restore(out, input)
