"""Conformance cases of the Array API chapters manipulation, indexing, searching, sets,
sorting and statistics (``ops/manipulation.py``, ``joining.py``, ``indexing.py``,
``searching.py``, ``sets.py``, ``sorting.py``, ``statistical.py``, ``cumulative.py``).

Composites are listed under the primitive their result comes from (``squeeze`` under
``reshape``, ``stack`` under ``concat``, ``sort`` and ``take`` under ``getitem``).
Ties (``integer`` and ``fixed`` values) stay two-way where a gradient is checked:
finite differences at a two-way tie give the even split PyTorch's rule gives.
"""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .cases import boolean, case, fixed, integer, real


def _i(values: list) -> ad.Tensor:
    """Integer indices on the current backend."""
    return ad.tensor(values)


def _stable_descending(x: np.ndarray, axis: int) -> np.ndarray:
    return np.argsort(-x, axis=axis, kind="stable")


# -- manipulation: flip, roll, squeeze, flatten, moveaxis, broadcast_arrays
case("flip.all", ad.flip, np.flip, real(2, 3))
case("flip.negative_axes", lambda x: ad.flip(x, axis=(-1, 0)),
     lambda x: np.flip(x, axis=(-1, 0)), real(2, 3, 4))
case("flip.method_dims", lambda x: x.flip(1), lambda x: np.flip(x, 1), real(2, 3))
case("flip.zero_d", ad.flip, np.flip, real())
case("roll.flat", lambda x: ad.roll(x, 2), lambda x: np.roll(x, 2), real(2, 3))
case("roll.negative_axis", lambda x: ad.roll(x, -1, axis=-1),
     lambda x: np.roll(x, -1, axis=-1), real(2, 3))
case("roll.axes", lambda x: ad.roll(x, (1, 2), axis=(0, -1)),
     lambda x: np.roll(x, (1, 2), axis=(0, -1)), real(2, 3, 4))
case("roll.method", lambda x: x.roll(1, 0), lambda x: np.roll(x, 1, 0), real(3, 2))
case("roll.zero_d", lambda x: ad.roll(x, 1), lambda x: np.roll(x, 1), real())
case("reshape.squeeze_axis", lambda x: ad.squeeze(x, axis=0), lambda x: np.squeeze(x, 0),
     real(1, 3))
case("reshape.squeeze_negative_axes", lambda x: ad.squeeze(x, axis=(-1, 0)),
     lambda x: np.squeeze(x, (-1, 0)), real(1, 3, 1))
case("reshape.squeeze_method_all", lambda x: x.squeeze(), np.squeeze, real(1, 3, 1))
case("reshape.squeeze_method_skips", lambda x: x.squeeze((0, 1)), lambda x: np.squeeze(x, 0),
     real(1, 3))
case("reshape.flatten_range", lambda x: x.flatten(1), lambda x: x.reshape(2, 12),
     real(2, 3, 4))
case("reshape.flatten_zero_d", ad.flatten, lambda x: x.reshape(1), real())
case("permute_dims.moveaxis", lambda x: ad.moveaxis(x, 0, -1),
     lambda x: np.moveaxis(x, 0, -1), real(2, 3, 4))
case("permute_dims.moveaxis_tuple", lambda x: ad.moveaxis(x, (0, 1), (-1, 0)),
     lambda x: np.moveaxis(x, (0, 1), (-1, 0)), real(2, 3, 4))
case("permute_dims.movedim_method", lambda x: x.movedim(-1, 0),
     lambda x: np.moveaxis(x, -1, 0), real(2, 3, 4))
case("broadcast_to.broadcast_arrays_first", lambda x, y: ad.broadcast_arrays(x, y)[0],
     lambda x, y: np.broadcast_arrays(x, y)[0], real(3, 1), real(4, grad=False))
case("broadcast_to.broadcast_tensors_second", lambda x, y: ad.broadcast_tensors(x, y)[1],
     lambda x, y: np.broadcast_arrays(x, y)[1], real(3, 1, grad=False), real(2, 1, 4))

# -- joining: concat, stack, unstack, tile, repeat
case("concat.two", lambda x, y: ad.concat([x, y]), lambda x, y: np.concatenate([x, y]),
     real(2, 3), real(1, 3))
case("concat.three_negative_axis", lambda x, y, z: ad.concat([x, y, z], axis=-1),
     lambda x, y, z: np.concatenate([x, y, z], axis=-1), real(2, 1), real(2, 3), real(2, 2))
case("concat.axis_none", lambda x, y: ad.concat([x, y], axis=None),
     lambda x, y: np.concatenate([x.ravel(), y.ravel()]), real(2, 2), real(3))
case("concat.single", lambda x: ad.concat([x]), lambda x: np.concatenate([x]), real(3))
case("concat.cat_five_mixed_grad", lambda a, b, c, d, e: ad.cat([a, b, c, d, e], dim=1),
     lambda *xs: np.concatenate(xs, axis=1),
     real(2, 1), real(2, 2, grad=False), real(2, 1), real(2, 3), real(2, 1, grad=False))
case("concat.stack", lambda x, y, z: ad.stack([x, y, z]), lambda *xs: np.stack(xs),
     real(3), real(3), real(3))
case("concat.stack_negative_axis", lambda x, y: ad.stack([x, y], axis=-1),
     lambda x, y: np.stack([x, y], axis=-1), real(2, 3), real(2, 3))
case("concat.stack_zero_d", lambda x, y: ad.stack([x, y]), lambda x, y: np.stack([x, y]),
     real(), real())
case("getitem.unstack", lambda x: ad.unstack(x, axis=-1)[1], lambda x: x[:, 1], real(2, 3))
case("getitem.unbind_method", lambda x: x.unbind(0)[1], lambda x: x[1], real(2, 3))
case("tile.basic", lambda x: ad.tile(x, (2, 3)), lambda x: np.tile(x, (2, 3)), real(2, 3))
case("tile.more_repetitions", lambda x: ad.tile(x, (2, 1, 2)),
     lambda x: np.tile(x, (2, 1, 2)), real(2, 3))
case("tile.fewer_repetitions", lambda x: ad.tile(x, (2,)), lambda x: np.tile(x, 2),
     real(2, 3))
case("tile.torch_repeat_method", lambda x: x.repeat(2, 1, 2),
     lambda x: np.tile(x, (2, 1, 2)), real(3, 2))
case("tile.zero_d", lambda x: ad.tile(x, (3,)), lambda x: np.tile(x, 3), real())
case("repeat.flat", lambda x: ad.repeat(x, 2), lambda x: np.repeat(x, 2), real(2, 3))
case("repeat.negative_axis", lambda x: ad.repeat(x, 3, axis=-1),
     lambda x: np.repeat(x, 3, axis=-1), real(2, 3))
case("repeat.tensor_repeats", lambda x: ad.repeat(x, _i([1, 0, 2]), axis=1),
     lambda x: np.repeat(x, [1, 0, 2], axis=1), real(2, 3))
case("repeat.repeat_interleave_method", lambda x: x.repeat_interleave(2, dim=0),
     lambda x: np.repeat(x, 2, axis=0), real(2, 3))
case("repeat.zero_d", lambda x: ad.repeat(x, 2), lambda x: np.repeat(x, 2), real())

# -- indexing: take, take_along_axis (duplicates accumulate in the gradient)
case("getitem.take_axis", lambda x: ad.take(x, _i([2, 0, 2]), axis=1),
     lambda x: np.take(x, [2, 0, 2], axis=1), real(3, 4))
case("getitem.take_negative", lambda x: ad.take(x, _i([-1, 0, -1]), axis=-2),
     lambda x: np.take(x, [-1, 0, -1], axis=-2), real(3, 4))
case("getitem.take_flat", lambda x: ad.take(x, _i([5, 0, 5])),
     lambda x: np.take(x, [5, 0, 5]), real(2, 3))
case("getitem.take_method_2d_indices", lambda x: x.take(_i([[5, 0], [5, 1]])),
     lambda x: np.take(x, [[5, 0], [5, 1]]), real(2, 3))
case("getitem.take_along_axis", lambda x: ad.take_along_axis(x, _i([[0, 2], [1, 1]]), axis=1),
     lambda x: np.take_along_axis(x, np.array([[0, 2], [1, 1]]), axis=1), real(2, 3))
case("getitem.take_along_axis_broadcast",
     lambda x: ad.take_along_axis(x, _i([[[3, 0, 3]]]), axis=-1),
     lambda x: np.take_along_axis(x, np.array([[[3, 0, 3]]]), axis=-1), real(2, 3, 4))
case("getitem.take_along_dim_flat", lambda x: ad.take_along_dim(x, _i([5, 0, 5])),
     lambda x: np.take(x, [5, 0, 5]), real(2, 3))

# -- searching (integer outputs: no gradient); integer values give ties (the first wins)
case("argmax.all", ad.argmax, np.argmax, integer(3, 4))
case("argmax.negative_axis_keepdims", lambda x: ad.argmax(x, axis=-1, keepdims=True),
     lambda x: np.argmax(x, axis=-1, keepdims=True), integer(3, 4))
case("argmax.method", lambda x: x.argmax(0), lambda x: np.argmax(x, 0), integer(3, 4))
case("argmax.zero_d", ad.argmax, np.argmax, real())
case("argmin.ties", lambda x: ad.argmin(x, axis=0), lambda x: np.argmin(x, axis=0),
     integer(5, 3))
case("argmin.torch_keepdim", lambda x: ad.argmin(x, dim=1, keepdim=True),
     lambda x: np.argmin(x, axis=1, keepdims=True), integer(2, 5))
case("count_nonzero.all", ad.count_nonzero, lambda x: np.asarray(np.count_nonzero(x)),
     integer(3, 4))
case("count_nonzero.axes_keepdims", lambda x: ad.count_nonzero(x, axis=(0, -1), keepdims=True),
     lambda x: np.count_nonzero(x, axis=(0, -1), keepdims=True), integer(2, 3, 4))
case("count_nonzero.bool", lambda b: ad.count_nonzero(b, axis=1),
     lambda b: np.count_nonzero(b, axis=1), boolean(3, 4))
case("nonzero.rows", lambda x: ad.nonzero(x)[0], lambda x: np.nonzero(x)[0], integer(3, 4))
case("nonzero.last_axis", lambda x: ad.nonzero(x)[-1], lambda x: np.nonzero(x)[-1],
     integer(2, 3, 4))
case("nonzero.method", lambda x: x.nonzero(), np.argwhere, integer(3, 4))
case("searchsorted.left", lambda a, v: ad.searchsorted(a, v), np.searchsorted,
     fixed([-1.0, 0.0, 0.0, 1.0]), integer(2, 3))
case("searchsorted.right_sorter",
     lambda a, v: ad.searchsorted(a, v, side="right", sorter=_i([1, 3, 0, 2])),
     lambda a, v: np.searchsorted(a, v, side="right", sorter=[1, 3, 0, 2]),
     fixed([0.0, -1.0, 1.0, 0.0]), integer(5))

# -- sets (no gradient)
case("unique_values.integers", ad.unique_values, np.unique_values, integer(3, 4))
case("unique_values.nans_distinct", ad.unique_values, np.unique_values,
     fixed([np.nan, 1.0, np.nan, 1.0]))
case("unique_all.values", lambda x: ad.unique_all(x).values,
     lambda x: np.unique_all(x).values, integer(3, 4))
case("unique_all.indices", lambda x: ad.unique_all(x).indices,
     lambda x: np.unique_all(x).indices, integer(3, 4))
case("unique_all.inverse_indices", lambda x: ad.unique_all(x).inverse_indices,
     lambda x: np.unique_all(x).inverse_indices, integer(3, 4))
case("unique_all.counts", lambda x: ad.unique_all(x).counts,
     lambda x: np.unique_all(x).counts, integer(3, 4))
case("unique_counts.counts", lambda x: ad.unique_counts(x).counts,
     lambda x: np.unique_counts(x).counts, integer(6))
case("unique_inverse.inverse_indices", lambda x: ad.unique_inverse(x).inverse_indices,
     lambda x: np.unique_inverse(x).inverse_indices, integer(2, 3))
case("unique_all.torch_unique", lambda x: ad.unique(x, return_counts=True)[1],
     lambda x: np.unique_counts(x).counts, integer(6))

# -- sorting: argsort (no gradient), sort (gathered: under getitem)
case("argsort.ties_stable", ad.argsort, lambda x: np.argsort(x, kind="stable"), integer(2, 6))
case("argsort.descending_axis", lambda x: ad.argsort(x, axis=0, descending=True),
     lambda x: _stable_descending(x, 0), integer(6, 2))
case("argsort.method", lambda x: x.argsort(0, descending=True),
     lambda x: _stable_descending(x, 0), integer(5, 2))
case("argsort.zero_d", ad.argsort, lambda x: np.asarray(0), real())
case("getitem.sort", ad.sort, np.sort, real(2, 4))
case("getitem.sort_descending_negative_axis", lambda x: ad.sort(x, axis=-2, descending=True),
     lambda x: -np.sort(-x, axis=-2), real(4, 3))
case("getitem.sort_method_values", lambda x: x.sort(0).values, lambda x: np.sort(x, axis=0),
     real(3, 2))

# -- statistics: max/min (ties two-way: their gradient is split evenly)
case("max.all", ad.max, np.max, real(3, 4))
case("max.two_way_ties_axis", lambda x: ad.max(x, axis=1), lambda x: np.max(x, axis=1),
     fixed([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]]),
     smooth=False)
case("max.integer_ties_negative_keepdims", lambda x: ad.max(x, axis=-2, keepdims=True),
     lambda x: np.max(x, axis=-2, keepdims=True), integer(2, 4),
     smooth=False)
case("max.tie_all", ad.max, np.max, fixed([[1.0, 2.0], [2.0, -1.0]]),
     smooth=False)
case("max.amax_tuple", lambda x: ad.amax(x, (0, 2)), lambda x: np.max(x, axis=(0, 2)),
     real(2, 3, 4))
case("max.method_no_dim", lambda x: x.max(), np.max, real(3, 4))
case("max.zero_d", ad.max, np.max, real())
case("getitem.max_dim_method", lambda x: x.max(1).values, lambda x: np.max(x, axis=1),
     real(3, 4))
case("getitem.max_dim_keepdim", lambda x: x.max(-1, keepdim=True).values,
     lambda x: np.max(x, axis=-1, keepdims=True), real(3, 2))
case("min.all", ad.min, np.min, real(3, 4))
case("min.two_way_ties", lambda x: ad.min(x, axis=0), lambda x: np.min(x, axis=0),
     fixed([[0.0, 1.0], [0.0, 2.0], [1.0, 1.0]]),
     smooth=False)
case("min.integer_ties_keepdims", lambda x: ad.min(x, axis=1, keepdims=True),
     lambda x: np.min(x, axis=1, keepdims=True), integer(3, 2),
     smooth=False)
case("min.amin_torch", lambda x: ad.amin(x, -1, keepdim=True),
     lambda x: np.min(x, axis=-1, keepdims=True), real(2, 3))
case("min.zero_d", ad.min, np.min, real())
case("getitem.min_dim_method", lambda x: x.min(0).values, lambda x: np.min(x, axis=0),
     real(3, 4))

# -- statistics: prod (zeros: one per slice, two per slice)
case("prod.all", ad.prod, np.prod, real(2, 3))
case("prod.negative_axis_keepdims", lambda x: ad.prod(x, axis=-1, keepdims=True),
     lambda x: np.prod(x, axis=-1, keepdims=True), real(2, 3))
case("prod.one_zero", ad.prod, np.prod, fixed([2.0, 0.0, 3.0]))
case("prod.two_zeros", lambda x: ad.prod(x, axis=1), lambda x: np.prod(x, axis=1),
     fixed([[2.0, 0.0, 0.0], [1.0, 0.0, 3.0], [1.5, 2.0, -1.0]]))
case("prod.zeros_tuple_axis", lambda x: ad.prod(x, axis=(0, 2)),
     lambda x: np.prod(x, axis=(0, 2)),
     fixed([[[2.0, 0.0], [1.0, 3.0]], [[0.5, 4.0], [0.0, 0.0]]]))
case("prod.method_dim", lambda x: x.prod(0), lambda x: np.prod(x, 0), real(3, 2))
case("prod.zero_d", ad.prod, np.prod, real())
case("prod.zero_d_zero", ad.prod, np.prod, fixed(0.0))

# -- statistics: var, std
case("var.all", ad.var, np.var, real(3, 4))
case("var.correction_negative_axis_keepdims",
     lambda x: ad.var(x, axis=-1, correction=1, keepdims=True),
     lambda x: np.var(x, axis=-1, ddof=1, keepdims=True), real(2, 4))
case("var.axes", lambda x: ad.var(x, axis=(0, 2)), lambda x: np.var(x, axis=(0, 2)),
     real(2, 3, 4))
case("var.method_unbiased", lambda x: x.var(0), lambda x: np.var(x, 0, ddof=1), real(4, 2))
case("var.zero_d", ad.var, np.var, real())
case("std.all", ad.std, np.std, real(3, 4))
case("std.correction_axis", lambda x: ad.std(x, axis=0, correction=1.5),
     lambda x: np.std(x, axis=0, ddof=1.5), real(4, 3))
case("std.method_keepdim", lambda x: x.std(-1, keepdim=True),
     lambda x: np.std(x, axis=-1, ddof=1, keepdims=True), real(2, 5))
# A constant row: std 0, gradient 0 (PyTorch), which central differences agree with.
case("std.constant_row", lambda x: ad.std(x, axis=1), lambda x: np.std(x, axis=1),
     fixed([[1.0, 1.0, 1.0], [2.0, 3.0, 5.0]]),
     smooth=False)

# -- cumulative sums and products, diff
case("cumulative_sum.one_d", ad.cumulative_sum, np.cumsum, real(4))
case("cumulative_sum.negative_axis", lambda x: ad.cumulative_sum(x, axis=-2),
     lambda x: np.cumsum(x, axis=-2), real(3, 4))
case("cumulative_sum.include_initial",
     lambda x: ad.cumulative_sum(x, axis=1, include_initial=True),
     lambda x: np.cumulative_sum(x, axis=1, include_initial=True), real(2, 3))
case("cumulative_sum.cumsum_method", lambda x: x.cumsum(0), lambda x: np.cumsum(x, 0),
     real(3, 2))
case("reshape.cumulative_sum_zero_d", ad.cumulative_sum, lambda x: x, real())
case("cumulative_prod.one_d", ad.cumulative_prod, np.cumprod, real(4))
case("cumulative_prod.zeros", ad.cumulative_prod, np.cumprod,
     fixed([2.0, 0.0, 3.0, 0.0, 5.0]))
case("cumulative_prod.zeros_negative_axis", lambda x: ad.cumulative_prod(x, axis=-1),
     lambda x: np.cumprod(x, axis=-1),
     fixed([[2.0, 0.0, 3.0, 1.5], [0.0, 1.0, 0.0, 2.0], [1.0, 2.0, -1.0, 0.5]]))
case("cumulative_prod.include_initial_zero",
     lambda x: ad.cumulative_prod(x, axis=0, include_initial=True),
     lambda x: np.cumulative_prod(x, axis=0, include_initial=True),
     fixed([[1.5, 0.0], [0.0, 2.0], [3.0, -1.0]]))
case("cumulative_prod.cumprod", lambda x: ad.cumprod(x, 1), lambda x: np.cumprod(x, 1),
     real(2, 3))
case("subtract.diff", ad.diff, np.diff, real(5))
case("subtract.diff_n2_axis0", lambda x: ad.diff(x, axis=0, n=2),
     lambda x: np.diff(x, n=2, axis=0), real(4, 3))
case("subtract.diff_prepend_append", lambda x, p: ad.diff(x, prepend=p, append=1.5),
     lambda x, p: np.diff(x, prepend=p, append=x.dtype.type(1.5)), real(2, 3), real(2, 1))
case("subtract.diff_method", lambda x: x.diff(1, 0), lambda x: np.diff(x, 1, 0), real(3, 2))
case("not_equal.diff_bool", ad.diff, np.diff, boolean(2, 5))

