"""Cases of PyTorch's gather/scatter, index_*, masked_*, splitting, selection and scan
ops (all composites: each case names the primitive its call ends in). The numpy
references are written out element by element, as PyTorch documents each op."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

import autodiff as ad

from .cases import boolean, case, fixed, integer, real

IDX = np.array([[0, 2, 1, 0], [2, 2, 0, 1]])  # into a (3, 4) along dim 0, repeats
PERM = np.array([[0, 2, 1, 3], [3, 0, 2, 1]])  # into a (2, 4) along dim 1, no repeats
VEC = np.array([2, 0, 2])


def _t(x: ad.Tensor, values: Any) -> ad.Tensor:
    return ad.tensor(values, backend=x.backend)


def _np_gather(x: np.ndarray, dim: int, idx: np.ndarray) -> np.ndarray:
    out = np.empty(idx.shape, dtype=x.dtype)
    for pos in np.ndindex(*idx.shape):
        src = list(pos)
        src[dim] = idx[pos]
        out[pos] = x[tuple(src)]
    return out


def _np_scatter(x: np.ndarray, dim: int, idx: np.ndarray, src: np.ndarray, reduce: str,
                include_self: bool = True) -> np.ndarray:
    """PyTorch's scatter loop: ``self[idx[i][j]][j] op= src[i][j]`` for ``dim=0``."""
    groups: dict[tuple[int, ...], list[float]] = {}
    for pos in np.ndindex(*idx.shape):
        dst = list(pos)
        dst[dim] = idx[pos]
        groups.setdefault(tuple(dst), []).append(src[pos])
    out = x.copy()
    for dst, values in groups.items():
        pool = ([x[dst]] if include_self else []) + values
        if reduce == "set":  # the last write wins
            out[dst] = values[-1]
            continue
        out[dst] = {"sum": np.sum, "prod": np.prod, "mean": np.mean, "amax": np.max,
                    "amin": np.min}[reduce](pool)
    return out


def _np_index_spread(x: np.ndarray, dim: int, idx: np.ndarray) -> np.ndarray:
    shape = list(x.shape)
    shape[dim] = len(idx)
    lead = [1] * x.ndim
    lead[dim] = len(idx)
    return np.broadcast_to(idx.reshape(lead), shape)


# -- gather and scatter
case("getitem.gather", lambda x: ad.gather(x, 0, _t(x, IDX)),
     lambda x: _np_gather(x, 0, IDX), real(3, 4))
case("getitem.gather_smaller_index", lambda x: x.gather(1, _t(x, IDX[:, :2])),
     lambda x: _np_gather(x, 1, IDX[:, :2]), real(3, 4))
case("add.scatter_add", lambda x, s: x.scatter_add(0, _t(x, IDX), s),
     lambda x, s: _np_scatter(x, 0, IDX, s, "sum"), real(3, 4), real(2, 4))
case("where.scatter", lambda x, s: x.scatter(1, _t(x, PERM), s),
     lambda x, s: _np_scatter(x, 1, PERM, s, "set"), real(2, 4), real(2, 4))
case("where.scatter_value", lambda x: x.scatter(1, _t(x, PERM[:, :2]), value=2.5),
     lambda x: _np_scatter(x, 1, PERM[:, :2], np.full((2, 2), 2.5), "set"), real(2, 4))
case("where.scatter_repeats_last_wins", lambda x, s: x.scatter(0, _t(x, IDX), s),
     lambda x, s: _np_scatter(x, 0, IDX, s, "set"), real(3, 4), real(2, 4))
for _reduce in ("sum", "prod", "mean", "amax", "amin"):
    for _self in (True, False):
        case(f"where.scatter_reduce_{_reduce}_{'self' if _self else 'no_self'}",
             lambda x, s, r=_reduce, i=_self: x.scatter_reduce(0, _t(x, IDX), s, r,
                                                               include_self=i),
             lambda x, s, r=_reduce, i=_self: _np_scatter(x, 0, IDX, s, r, i),
             real(3, 4), real(2, 4))
case("where.scatter_multiply", lambda x, s: x.scatter(0, _t(x, IDX), s, reduce="multiply"),
     lambda x, s: _np_scatter(x, 0, IDX, s, "prod"), real(3, 4), real(2, 4))

# -- index_*
case("getitem.index_select", lambda x: x.index_select(1, _t(x, VEC)),
     lambda x: x[:, VEC], real(3, 4))
case("add.index_add", lambda x, s: x.index_add(0, _t(x, VEC), s, alpha=2.0),
     lambda x, s: _np_scatter(x, 0, _np_index_spread(x, 0, VEC), 2.0 * s, "sum"),
     real(3, 4), real(3, 4))
case("where.index_copy", lambda x, s: x.index_copy(1, _t(x, [3, 0]), s),
     lambda x, s: _np_scatter(x, 1, _np_index_spread(x, 1, np.array([3, 0])), s, "set"),
     real(3, 4), real(3, 2))
case("where.index_fill_tensor_value",
     lambda x, v: x.index_fill(1, _t(x, VEC), v),
     lambda x, v: np.where(np.isin(np.arange(4), VEC), v, x), real(3, 4), real())
for _reduce in ("prod", "mean", "amax", "amin"):
    case(f"where.index_reduce_{_reduce}",
         lambda x, s, r=_reduce: x.index_reduce(0, _t(x, VEC), s, r),
         lambda x, s, r=_reduce: _np_scatter(x, 0, _np_index_spread(x, 0, VEC), s, r),
         real(3, 4), real(3, 4))
case("where.index_put", lambda x, v: x.index_put((_t(x, [0, 2]), _t(x, [1, 3])), v),
     lambda x, v: _np_scatter(x.reshape(-1), 0, np.array([1, 11]), v, "set").reshape(3, 4),
     real(3, 4), real(2))
case("add.index_put_accumulate",
     lambda x, v: ad.index_put(x, (_t(x, [0, 0]),), v, accumulate=True),
     lambda x, v: x + (np.eye(3, 1) * 2 * v).astype(x.dtype), real(3, 4), real(4))

# -- masks and flat positions
MASK = np.array([[True, False, True, False], [False, False, True, True], [True] * 4])
case("where.masked_fill", lambda x: x.masked_fill(_t(x, MASK), -1.0),
     lambda x: np.where(MASK, -1.0, x), real(3, 4))
case("getitem.masked_select", lambda x: x.masked_select(_t(x, MASK[0])),
     lambda x: x[:, MASK[0]].reshape(-1), real(3, 4))
case("where.masked_scatter", lambda x, s: x.masked_scatter(_t(x, MASK), s),
     lambda x, s: np.where(MASK, np.pad(s.reshape(-1)[:8], (0, 4))[
         np.cumsum(MASK.reshape(-1)).reshape(3, 4) - 1], x), real(3, 4), real(3, 4))
case("getitem.take_flat_method_negative", lambda x: x.take(_t(x, [[0, 5], [-1, 3]])),
     lambda x: x.reshape(-1)[np.array([[0, 5], [-1, 3]])], real(3, 4))
case("where.put", lambda x, s: x.put(_t(x, [0, 5, -1]), s),
     lambda x, s: _np_scatter(x.reshape(-1), 0, np.array([0, 5, 11]), s, "set").reshape(3, 4),
     real(3, 4), real(3))
case("add.put_accumulate", lambda x, s: x.put(_t(x, [1, 1]), s, accumulate=True),
     lambda x, s: _np_scatter(x.reshape(-1), 0, np.array([1, 1]), s, "sum").reshape(3, 4),
     real(3, 4), real(2))

# -- splitting (views of the input)
case("getitem.chunk", lambda x: x.chunk(3, 1)[2], lambda x: x[:, 4:], real(2, 5))
case("getitem.split_size", lambda x: x.split(2)[1], lambda x: x[2:4], real(5, 2))
case("getitem.split_sizes", lambda x: x.split([1, 4], 1)[1], lambda x: x[:, 1:], real(2, 5))
case("getitem.tensor_split", lambda x: ad.tensor_split(x, 3, 1)[0], lambda x: x[:, :3],
     real(2, 7))
case("getitem.tensor_split_indices", lambda x: x.tensor_split([1, -2])[1],
     lambda x: x[1:-2], real(6))
case("getitem.hsplit", lambda x: x.hsplit(2)[1], lambda x: x[:, 2:], real(3, 4))
case("getitem.narrow", lambda x: x.narrow(1, -3, 2), lambda x: x[:, 2:4], real(2, 5))
case("getitem.select", lambda x: x.select(1, -1), lambda x: x[:, -1], real(2, 5))
case("clone.function", ad.clone, lambda x: x.copy(), real(3))
case("clone.method", lambda x: x.clone(), lambda x: x.copy(), real(2, 3))
case("index_put.select_scatter", lambda x, s: x.select_scatter(s, 1, 0),
     lambda x, s: np.concatenate([s[:, None], x[:, 1:]], axis=1), real(3, 4), real(3))
case("index_put.slice_scatter", lambda x, s: x.slice_scatter(s, 1, 1, None, 2),
     lambda x, s: np.stack([x[:, 0], s[:, 0], x[:, 2], s[:, 1]], axis=1), real(3, 4),
     real(3, 2))


def _np_diagonal_scatter(x: np.ndarray, s: np.ndarray, offset: int, a: int,
                         b: int) -> np.ndarray:
    out = x.copy()
    view = np.diagonal(out, offset, a, b)  # read-only; write through indices instead
    rest = [k for k in range(x.ndim) if k not in (a, b)]
    for pos in itertools.product(*(range(n) for n in view.shape)):
        where = [0] * x.ndim
        for k, p in zip(rest, pos[:-1], strict=True):
            where[k] = p
        where[a] = pos[-1] + max(0, -offset)
        where[b] = pos[-1] + max(0, offset)
        out[tuple(where)] = s[pos]
    return out


case("where.diagonal_scatter", lambda x, s: x.diagonal_scatter(s, 1, 0, 2),
     lambda x, s: _np_diagonal_scatter(x, s, 1, 0, 2), real(2, 3, 4), real(3, 2))

# -- selection (the gradient goes to the picked elements)
case("getitem.topk", lambda x: x.topk(2, 0).values,
     lambda x: -np.sort(-x, axis=0)[:2], real(4, 3))
case("getitem.topk_smallest", lambda x: ad.topk(x, 2, largest=False)[0],
     lambda x: np.sort(x, axis=-1)[:, :2], real(3, 4))
case("getitem.kthvalue", lambda x: x.kthvalue(2, 1, True).values,
     lambda x: np.sort(x, axis=1)[:, 1:2], real(3, 4))
case("getitem.median_all", lambda x: x.median(), lambda x: np.sort(x.reshape(-1))[5],
     real(3, 4))
case("getitem.median_dim", lambda x: x.median(1).values, lambda x: np.sort(x, axis=1)[:, 1],
     real(3, 4))
case("getitem.nanmedian", lambda x: ad.nanmedian(x, 0).values,
     lambda x: np.array([2.0, 2.0], dtype=x.dtype), fixed([[1.0, np.nan], [3.0, 2.0], [2.0, 4.0]]))
# distinct values: each is as frequent as the others, so the mode is the smallest
case("getitem.mode", lambda x: x.mode(1).values, lambda x: x.min(axis=1), real(3, 5))
case("getitem.msort", lambda x: x.msort(), lambda x: np.sort(x, axis=0), real(4, 2))
case("getitem.cummax", lambda x: x.cummax(1).values, lambda x: np.maximum.accumulate(x, 1),
     real(3, 5))
case("getitem.cummin", lambda x: ad.cummin(x, 0)[0], lambda x: np.minimum.accumulate(x, 0),
     real(5, 2))


def _np_logcumsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    return np.logaddexp.accumulate(x, axis=axis)


case("concat.logcumsumexp", lambda x: x.logcumsumexp(1),
     lambda x: _np_logcumsumexp(x, 1), real(3, 6))
case("concat.logcumsumexp_extremes", lambda x: ad.logcumsumexp(x, 0),
     lambda x: _np_logcumsumexp(x, 0), fixed([-1000.0, 0.0, 1000.0, 999.0, -5.0]))
case("reshape.logsumexp", lambda x: x.logsumexp(1), lambda x: np.logaddexp.reduce(x, axis=1),
     real(3, 4))
case("add.logsumexp_extremes", lambda x: ad.logsumexp(x, 0, keepdim=True),
     lambda x: np.logaddexp.reduce(x, axis=0, keepdims=True),
     fixed([[1000.0, -1000.0], [999.0, -1001.0]]))
case("reshape.logsumexp_all_axes", lambda x: ad.logsumexp(x, (0, 1)),
     lambda x: np.logaddexp.reduce(x.reshape(-1)), real(2, 3))
case("min.aminmax", lambda x: x.aminmax(dim=0).min, lambda x: x.min(axis=0), real(3, 4))
case("max.aminmax", lambda x: ad.aminmax(x).max, lambda x: x.max(), real(3, 4))

# -- counting (no gradient, bincount's weights aside)
case("index_scatter_add.bincount_weights",
     lambda w: ad.bincount(_t(w, [1, 4, 1]), w, minlength=6),
     lambda w: np.bincount([1, 4, 1], w, minlength=6).astype(w.dtype), real(3))
case("searchsorted.bucketize", lambda x: ad.bucketize(x, _t(x, [-1.0, 0.0, 1.0])),
     lambda x: np.searchsorted([-1.0, 0.0, 1.0], x, side="left"), real(3, 4))
case("searchsorted.bucketize_right", lambda x: ad.bucketize(x, _t(x, [-1.0, 0.0, 1.0]),
                                                            right=True),
     lambda x: np.searchsorted([-1.0, 0.0, 1.0], x, side="right"), integer(6))
case("where.masked_fill_mask_input", lambda m, x: ad.masked_fill(x, m, 0.5),
     lambda m, x: np.where(m, 0.5, x), boolean(2, 3), real(2, 3))
