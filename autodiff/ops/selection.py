"""PyTorch's selection and scan ops: ``topk``, ``kthvalue``, ``median``/``nanmedian``,
``mode``, ``msort``, ``cummax``/``cummin``, ``logcumsumexp``, ``logsumexp``,
``aminmax`` (counting ops are in ``counting.py``).

The ops that pick elements compute *which* ones on plain arrays (a sort, a running
maximum of ranks) and then gather them with ``take_along_axis`` (a ``getitem`` with an
``Along`` key): their gradient goes to the picked element, as PyTorch's does, and runs
on every backend. ``logsumexp`` and ``logcumsumexp`` are composites, stable by
construction (see each).
"""

from __future__ import annotations

import math
import operator
from typing import Any

from .. import return_types
from .._tensor import Tensor
from ._helpers import derived
from .complex import real
from .creation import full
from .datatypes import astype
from .elementwise_math import logaddexp
from .exponential import exp, log
from .gather_scatter import _dim
from .indexing import Along, _getitem, getitem
from .joining import concat
from .manipulation import reshape
from .reductions import sum as sum_
from .sorting import sort
from .statistical import amax, amin

__all__ = ["aminmax", "cummax", "cummin",
           "kthvalue", "logcumsumexp", "logsumexp", "median", "mode", "msort", "nanmedian",
           "topk"]


def _wrap(x: Tensor, array: Any) -> Tensor:
    return Tensor._wrap(array, x._backend)


def _picked(x: Tensor, dim: int, indices: Any, keepdim: bool, node: str) -> tuple[Tensor,
                                                                                 Tensor]:
    """The values of ``x`` at ``indices`` (kept ``dim`` of size 1 or k) and the indices,
    ``dim`` dropped unless ``keepdim``."""
    squeeze = not keepdim and indices.shape[dim] == 1
    values = _getitem(x, key=Along(dim, indices, squeeze=squeeze, node=node), shape=x.shape)
    if squeeze:
        indices = derived(_squeezed, x._backend.xp, indices, dim)
    return values, _wrap(x, indices)


def _squeezed(xp: Any, indices: Any, dim: int) -> Any:
    return xp.squeeze(indices, axis=dim)


def _refuse_complex(op: str, x: Tensor) -> None:
    """PyTorch's refusal of an ordering op on complex input (numpy would order
    lexicographically)."""
    if x.dtype.kind != "complex floating":
        return
    if op == "topk":
        raise RuntimeError("topk does not support complex dtypes on CPU")
    kind = "ComplexDouble" if x.dtype.name == "complex128" else "ComplexFloat"
    raise NotImplementedError(f"\"{op}_cpu\" not implemented for '{kind}'")


def _as_vector(x: Tensor, dim: int | None, op: str) -> tuple[Tensor, int, bool]:
    """``x`` with at least one axis, ``dim`` normalised; whether it was 0-d. Complex
    input is refused (every caller orders its elements)."""
    _refuse_complex(op, x)
    if x.ndim == 0:
        if dim is not None:
            _dim(op, dim, 0)
        return reshape(x, 1), 0, True
    return x, _dim(op, -1 if dim is None else dim, x.ndim), False


def _finish(result: tuple[Tensor, Tensor], scalar: bool, kind: type) -> Any:
    if scalar:
        result = (reshape(result[0], ()), reshape(result[1], ()))
    return kind(*result)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> Any:
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices, in order;
    NaN counts as the largest. The gradient goes to the picked elements.

    >>> import autodiff as ad
    >>> ad.tensor([1.0, 5.0, 3.0, 4.0]).topk(2)
    autodiff.return_types.topk(
    values=tensor([5., 4.]),
    indices=tensor([1, 3]))
    """
    x, dim, scalar = _as_vector(input, dim, "topk")
    if not 0 <= k <= x.shape[dim]:
        raise RuntimeError("selected index k out of range")
    # which elements, from the values: ``derived`` (recorded where autodiff.compile
    # traces, so that a replay selects afresh)
    indices = derived(_first_ranked, x._backend.xp, x, dim, 0, k, largest)
    values = _getitem(x, key=Along(dim, indices, node="TopkBackward0"), shape=x.shape)
    return _finish((values, _wrap(x, indices)), scalar and k == 1, return_types.topk)


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """The ``k``-th smallest element along ``dim`` (from 1) and its index.

    >>> import autodiff as ad
    >>> ad.tensor([[3.0, 1.0, 2.0]]).kthvalue(2, 1)
    autodiff.return_types.kthvalue(
    values=tensor([2.]),
    indices=tensor([2]))
    """
    x, dim, scalar = _as_vector(input, dim, "kthvalue")
    if not 1 <= k <= x.shape[dim]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    indices = derived(_first_ranked, x._backend.xp, x, dim, k - 1, k, False)
    return _finish(_picked(x, dim, indices, keepdim, "KthvalueBackward0"), scalar,
                   return_types.kthvalue)


def _first_ranked(xp: Any, x: Any, dim: int, start: int, stop: int,
                  descending: bool) -> Any:
    """The positions of the elements ranked ``start`` to ``stop`` along ``dim`` (a
    stable sort: the earlier of ties first)."""
    order = xp.argsort(x, axis=dim, descending=descending, stable=True)
    return order[(slice(None),) * dim + (slice(start, stop), Ellipsis)]


def _median(op: str, input: Tensor, dim: int | None, keepdim: bool, skip_nan: bool) -> Any:
    whole = dim is None
    x = reshape(input, -1) if whole else input
    x, axis, scalar = _as_vector(x, 0 if whole else dim, op)
    xp = x._backend.xp
    extent = x.shape[axis]
    if extent == 0:
        if whole:
            return full((), math.nan, dtype=input.dtype, backend=input.backend)
        raise IndexError(f"{op}(): Expected reduction dim {axis} to have non-zero size.")
    indices = derived(_median_indices, xp, x, axis, x.dtype.kind == "real floating",
                      skip_nan)
    node = "NanmedianBackward0" if skip_nan else "MedianBackward0"
    if whole:
        return _getitem(x, key=Along(0, indices, squeeze=True, node=node), shape=x.shape)
    kind = return_types.nanmedian if skip_nan else return_types.median
    return _finish(_picked(x, axis, indices, keepdim, node), scalar, kind)


def _median_indices(xp: Any, x: Any, axis: int, floating: bool, skip_nan: bool) -> Any:
    """The position of each row's (lower) median along ``axis``, kept as an axis of
    size 1: of the numbers where ``skip_nan``, else the first NaN where there is one."""
    extent = x.shape[axis]
    order = xp.argsort(x, axis=axis, stable=True)  # NaNs last
    nans = xp.sum(xp.astype(xp.isnan(x), xp.int64), axis=axis, keepdims=True) \
        if floating else xp.zeros((1,) * x.ndim, dtype=xp.int64)
    if skip_nan:  # the lower median of the numbers; NaN where a row has none
        valid = extent - nans
        pos = xp.where(valid > 0, (valid - 1) // 2, 0)
    else:  # NaN propagates: the first NaN of the sorted row
        pos = xp.where(nans > 0, extent - nans, (extent - 1) // 2)
    pos = xp.broadcast_to(pos, tuple(1 if k == axis else n for k, n in enumerate(x.shape)))
    return xp.take_along_axis(order, pos, axis=axis)


def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """PyTorch's median: the *lower* of the two middle values (not their mean, as
    numpy's); NaN if there is one. Without ``dim`` a 0-d tensor of the flattened input;
    with ``dim``, ``(values, indices)``.

    >>> import autodiff as ad
    >>> x = ad.tensor([[1.0, 4.0, 2.0, 3.0], [0.0, 5.0, 9.0, 7.0]])
    >>> x.median()
    tensor(3.)
    >>> x.median(1)
    autodiff.return_types.median(
    values=tensor([2., 5.]),
    indices=tensor([2, 1]))
    """
    return _median("median", input, dim, keepdim, skip_nan=False)


def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """``median`` ignoring NaNs (NaN only where every value is NaN).

    >>> import autodiff as ad
    >>> ad.tensor([1.0, float("nan"), 3.0, 2.0]).nanmedian()
    tensor(2.)
    """
    return _median("nanmedian", input, dim, keepdim, skip_nan=True)


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> Any:
    """The most frequent value along ``dim`` (the smallest of equally frequent ones) and
    the index of its last occurrence.

    >>> import autodiff as ad
    >>> ad.tensor([3.0, 1.0, 3.0, 1.0, 2.0]).mode()
    autodiff.return_types.mode(
    values=tensor(1.),
    indices=tensor(3))
    """
    x, dim, scalar = _as_vector(input, dim, "mode")
    if x.shape[dim] == 0:
        raise IndexError(f"mode(): Expected reduction dim {dim} to have non-zero size.")
    indices = derived(_mode_indices, x._backend, x, dim)
    return _finish(_picked(x, dim, indices, keepdim, "ModeBackward0"), scalar,
                   return_types.mode)


def _mode_indices(backend: Any, x: Any, dim: int) -> Any:
    """The position along ``dim`` (kept, of size 1) of the last occurrence of each
    row's most frequent value, the smallest of equally frequent ones."""
    xp = backend.xp
    order = xp.argsort(x, axis=dim, stable=True)
    ranked = xp.moveaxis(xp.take_along_axis(x, order, axis=dim), dim, -1)
    counts = _run_lengths(backend, ranked)
    first = xp.argmax(counts, axis=-1, keepdims=True)  # the first of the smallest mode
    last = first + xp.take_along_axis(counts, first, axis=-1) - 1
    return xp.take_along_axis(order, xp.moveaxis(last, -1, dim), axis=dim)


def _run_lengths(backend: Any, ranked: Any) -> Any:
    """For each element of the sorted rows ``ranked`` (sorted along the last axis), the
    length of its run of equal values: run numbers per row, counted with a scatter-add
    (linear in the size, where comparing all pairs would be quadratic)."""
    xp = backend.xp
    extent = ranked.shape[-1]
    rows = xp.reshape(ranked, (-1, extent))
    starts = xp.concat([xp.ones((rows.shape[0], 1), dtype=xp.bool),
                        rows[:, 1:] != rows[:, :-1]], axis=1)
    runs = xp.cumulative_sum(xp.astype(starts, xp.int64), axis=1) - 1
    runs = runs + xp.reshape(xp.arange(rows.shape[0], dtype=xp.int64) * extent, (-1, 1))
    runs = xp.reshape(runs, (-1,))
    size = rows.shape[0] * extent
    counts = backend.scatter_add(xp.zeros((size,), dtype=xp.int64), runs,
                                    xp.ones((size,), dtype=xp.int64))
    return xp.reshape(xp.take(counts, runs), ranked.shape)


def msort(input: Tensor) -> Tensor:
    """``input`` sorted along its first axis.

    >>> import autodiff as ad
    >>> ad.tensor([[2.0, 1.0], [0.0, 3.0]]).msort()
    tensor([[0., 1.],
            [2., 3.]])
    """
    return sort(input, axis=0)


def _running_argmax(xp: Any, keys: Any, dim: int) -> Any:
    """The index of the running maximum of ``keys`` along ``dim``, the later of ties and
    NaN the largest: the running maximum of the keys' ranks in a stable sort (distinct
    numbers), by doubling steps (log2(n) passes, no Python loop over elements)."""
    order = xp.argsort(keys, axis=dim, stable=True)
    rank = xp.moveaxis(xp.argsort(order, axis=dim, stable=True), dim, -1)
    extent, step = rank.shape[-1], 1
    while step < extent:
        pad = xp.full(rank.shape[:-1] + (step,), -1, dtype=rank.dtype)
        rank = xp.maximum(rank, xp.concat([pad, rank[..., :-step]], axis=-1))
        step *= 2
    return xp.take_along_axis(order, xp.moveaxis(rank, -1, dim), axis=dim)


def _running_pick(xp: Any, x: Any, dim: int, largest: bool, boolean: bool) -> Any:
    """The index of the running maximum (or minimum) of ``x`` along ``dim``."""
    keys = x if largest else (xp.logical_not(x) if boolean else -x)
    return _running_argmax(xp, keys, dim) if math.prod(x.shape) else xp.astype(keys, xp.int64)


def _cumulative_pick(op: str, input: Tensor, dim: int, largest: bool) -> Any:
    x, dim, scalar = _as_vector(input, dim, op)
    indices = derived(_running_pick, x._backend.xp, x, dim, largest, x.dtype.name == "bool")
    values = _getitem(x, key=Along(dim, indices, node=f"{op.capitalize()}Backward0"),
                      shape=x.shape)
    kind = return_types.cummax if largest else return_types.cummin
    return _finish((values, _wrap(x, indices)), scalar, kind)


def cummax(input: Tensor, dim: int) -> Any:
    """The running maximum along ``dim`` and where it was (the latest of ties; NaN
    propagates); the gradient goes to that element.

    >>> import autodiff as ad
    >>> ad.tensor([1.0, 3.0, 2.0, 5.0]).cummax(0)
    autodiff.return_types.cummax(
    values=tensor([1., 3., 3., 5.]),
    indices=tensor([0, 1, 1, 3]))
    """
    return _cumulative_pick("cummax", input, dim, largest=True)


def cummin(input: Tensor, dim: int) -> Any:
    """The running minimum along ``dim`` and where it was (the latest of ties).

    >>> import autodiff as ad
    >>> ad.tensor([3.0, 1.0, 2.0]).cummin(0).values
    tensor([3., 1., 1.])
    """
    return _cumulative_pick("cummin", input, dim, largest=False)


def _floating(x: Tensor) -> Tensor:
    """Integer and bool inputs compute in the default float dtype (PyTorch's)."""
    if x.dtype.kind in ("real floating", "complex floating"):
        return x
    from .._dtypes import get_default_dtype

    return astype(x, get_default_dtype())


def logsumexp(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(input)))`` over ``dim`` (every axis by default), stable: the
    largest value is taken out first, so 1000 does not overflow and -1000 does not
    vanish. A composite (its gradient is the softmax), kept so because the shift by
    the detached maximum is exact, not an approximation.

    >>> import autodiff as ad
    >>> ad.logsumexp(ad.tensor([1000.0, 1000.0], dtype=ad.float64), 0)
    tensor(1000.6931, dtype=autodiff.float64)
    """
    x = _floating(input)
    if isinstance(dim, int):
        dim = (dim,)
    elif dim is not None and len(dim) == 0:  # PyTorch's dim=(): every axis
        dim = None
    if x.ndim == 0:
        return x
    plain = x.detach()
    if x.dtype.kind == "complex floating":  # |exp(z)| = exp(Re z): shift by the real part
        plain = real(plain)
    top = amax(plain, () if dim is None else dim, keepdim=True)
    shift = _wrap(x, derived(_finite_or_zero, x._backend.xp, top))
    total = sum_(exp(x - shift), axis=dim, keepdims=True)
    with x._backend.silent_float_errors():  # log(0) is -inf, as PyTorch's, silently
        out = log(total) + shift
    if keepdim:
        return out
    axes = tuple(range(x.ndim)) if dim is None else tuple(
        operator.index(d) % x.ndim for d in dim)
    return reshape(out, tuple(n for k, n in enumerate(out.shape) if k not in axes))


def _finite_or_zero(xp: Any, shift: Any) -> Any:
    """A (detached) shift, 0 where it is not finite (``derived``: it depends on the
    input's values)."""
    return xp.where(xp.isfinite(shift), shift, xp.zeros_like(shift))


def _real_top(xp: Any, a: Any, b: Any) -> Any:
    return _finite_or_zero(xp, xp.maximum(xp.real(a), xp.real(b)))


def _logaddexp(a: Tensor, b: Tensor) -> Tensor:
    """``logaddexp``, complex included (shifted by the larger real part, detached)."""
    if a.dtype.kind != "complex floating":
        return logaddexp(a, b)
    top = _wrap(a, derived(_real_top, a._backend.xp, a.detach(), b.detach()))
    with a._backend.silent_float_errors():
        return log(exp(a - top) + exp(b - top)) + top


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """``log(cumsum(exp(input)))`` along ``dim``, stable: a scan of ``logaddexp`` in
    doubling steps (log2(n) of them), each exact at any magnitude; a composite, so its
    gradient and gradient of gradient come from ``logaddexp``'s.

    >>> import autodiff as ad
    >>> ad.logcumsumexp(ad.tensor([-1000.0, 0.0, 1000.0]), 0)
    tensor([-1000.,     0.,  1000.])
    """
    x = _floating(input)
    if x.ndim == 0:
        return x
    dim = _dim("logcumsumexp", dim, x.ndim)
    extent, step, out = x.shape[dim], 1, x
    lead = (slice(None),) * dim
    while step < extent:  # out[i] gains out[i - step]; the first `step` are final
        kept = getitem(out, lead + (slice(0, step),))
        rest = _logaddexp(getitem(out, lead + (slice(step, None),)),
                          getitem(out, lead + (slice(0, extent - step),)))
        out = concat([kept, rest], axis=dim)  # the first `step` are final already
        step *= 2
    return out


def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False) -> Any:
    """The smallest and the largest values, over ``dim`` or everything.

    >>> import autodiff as ad
    >>> ad.tensor([[1.0, 5.0], [-2.0, 3.0]]).aminmax(dim=1)
    autodiff.return_types.aminmax(
    min=tensor([ 1., -2.]),
    max=tensor([5., 3.]))
    """
    axis = () if dim is None else dim
    return return_types.aminmax(amin(input, axis, keepdim), amax(input, axis, keepdim))
