"""Cases of convolution, pooling and resampling (``autodiff.nn.functional``), with numpy
references written as direct loops over output positions (small inputs only).

The references live here so that ``tests/test_conv.py`` checks its options against the
same loops.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

import autodiff as ad

from .cases import case, real

F = ad.nn.functional


# -- numpy references ---------------------------------------------------------------
def _keep_dtype(ref: Any) -> Any:
    """``ref`` with its result in its first input's dtype (the loops build float64)."""
    def kept(x: np.ndarray, *args: Any, **kwargs: Any) -> Any:
        out = ref(x, *args, **kwargs)
        if isinstance(out, tuple):
            return (out[0].astype(x.dtype),) + out[1:]
        return np.asarray(out).astype(x.dtype)

    kept.__name__ = ref.__name__
    return kept


def _pairs(padding: Any, n: int) -> list[tuple[int, int]]:
    if isinstance(padding, int):
        return [(padding, padding)] * n
    return [p if isinstance(p, tuple) else (p, p) for p in padding]


def _ntuple(value: Any, n: int) -> tuple[int, ...]:
    return (value,) * n if isinstance(value, int) else tuple(value)


@_keep_dtype
def conv_ref(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride: Any = 1,
             padding: Any = 0, dilation: Any = 1, groups: int = 1) -> np.ndarray:
    """Cross-correlation, one output position at a time; ``padding`` per axis is an int
    or a (low, high) pair."""
    n = x.ndim - 2
    s, d, pads = _ntuple(stride, n), _ntuple(dilation, n), _pairs(padding, n)
    xp = np.pad(x, [(0, 0), (0, 0)] + pads)
    k = w.shape[2:]
    out = [(xp.shape[2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(n)]
    cin, cout = w.shape[1], w.shape[0] // groups
    y = np.zeros((x.shape[0], w.shape[0], *out))
    for g in range(groups):
        for o in itertools.product(*(range(m) for m in out)):
            window = xp[(slice(None), slice(g * cin, (g + 1) * cin)) + tuple(
                slice(o[i] * s[i], o[i] * s[i] + d[i] * (k[i] - 1) + 1, d[i])
                for i in range(n))]
            y[(slice(None), slice(g * cout, (g + 1) * cout)) + o] = np.tensordot(
                window, w[g * cout:(g + 1) * cout], axes=(range(1, n + 2), range(1, n + 2)))
    if b is not None:
        y = y + b.reshape((1, -1) + (1,) * n)
    return y


@_keep_dtype
def conv_transpose_ref(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None,
                       stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                       groups: int = 1, dilation: Any = 1) -> np.ndarray:
    """Every input position scatters its weighted kernel into the output."""
    n = x.ndim - 2
    s, d, p, e = (_ntuple(v, n) for v in (stride, dilation, padding, output_padding))
    k = w.shape[2:]
    full = [(x.shape[2 + i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 + e[i] for i in range(n)]
    cin, cout = w.shape[0] // groups, w.shape[1]
    y = np.zeros((x.shape[0], cout * groups, *full))
    for g in range(groups):
        for o in itertools.product(*(range(m) for m in x.shape[2:])):
            contrib = np.tensordot(x[(slice(None), slice(g * cin, (g + 1) * cin)) + o],
                                   w[g * cin:(g + 1) * cin], axes=(1, 0))
            y[(slice(None), slice(g * cout, (g + 1) * cout)) + tuple(
                slice(o[i] * s[i], o[i] * s[i] + d[i] * (k[i] - 1) + 1, d[i])
                for i in range(n))] += contrib
    y = y[(...,) + tuple(slice(p[i], full[i] - p[i]) for i in range(n))]
    if b is not None:
        y = y + b.reshape((1, -1) + (1,) * n)
    return y


def _pool_out(m: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    span = m + 2 * p - d * (k - 1) - 1
    out = (math.ceil(span / s) if ceil_mode else span // s) + 1
    return out - 1 if ceil_mode and (out - 1) * s >= m + p else out


@_keep_dtype
def max_pool_ref(x: np.ndarray, kernel: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, ceil_mode: bool = False, indices: bool = False) -> Any:
    n = x.ndim - 2
    k = _ntuple(kernel, n)
    s, p, d = _ntuple(stride or kernel, n), _ntuple(padding, n), _ntuple(dilation, n)
    size = x.shape[2:]
    out = [_pool_out(size[i], k[i], s[i], p[i], d[i], ceil_mode) for i in range(n)]
    y = np.zeros(x.shape[:2] + tuple(out))
    where = np.zeros(y.shape, dtype=np.int64)
    for o in itertools.product(*(range(m) for m in out)):
        best = np.full(x.shape[:2], -np.inf)
        at = np.full(x.shape[:2], -1)
        for j in itertools.product(*(range(m) for m in k)):
            pos = [o[i] * s[i] - p[i] + j[i] * d[i] for i in range(n)]
            if any(q < 0 or q >= size[i] for i, q in enumerate(pos)):
                continue
            v = x[(slice(None), slice(None)) + tuple(pos)]
            better = (v > best) | ((at < 0) & np.isnan(v)) | (np.isnan(v) & ~np.isnan(best))
            best, at = np.where(better, v, best), np.where(better, np.ravel_multi_index(
                pos, size), at)
        y[(...,) + o], where[(...,) + o] = best, at
    return (y, where) if indices else y


@_keep_dtype
def avg_pool_ref(x: np.ndarray, kernel: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> np.ndarray:
    n = x.ndim - 2
    k = _ntuple(kernel, n)
    s, p = _ntuple(stride or kernel, n), _ntuple(padding, n)
    size = x.shape[2:]
    out = [_pool_out(size[i], k[i], s[i], p[i], 1, ceil_mode) for i in range(n)]
    y = np.zeros(x.shape[:2] + tuple(out))
    for o in itertools.product(*(range(m) for m in out)):
        starts = [o[i] * s[i] - p[i] for i in range(n)]
        ends = [min(starts[i] + k[i], size[i] + p[i]) for i in range(n)]
        pool = math.prod(e - b for b, e in zip(starts, ends, strict=True))
        lo = [max(b, 0) for b in starts]
        hi = [min(e, size[i]) for i, e in enumerate(ends)]
        total = x[(...,) + tuple(slice(a, b) for a, b in zip(lo, hi, strict=True))].sum(
            axis=tuple(range(2, 2 + n)))
        count = (divisor_override if divisor_override is not None else pool
                 if count_include_pad else math.prod(b - a for a, b in zip(lo, hi, strict=True)))
        y[(...,) + o] = total / count
    return y


@_keep_dtype
def adaptive_ref(x: np.ndarray, out: Any, reduce: Any) -> np.ndarray:
    n = x.ndim - 2
    out = _ntuple(out, n)
    size = x.shape[2:]
    y = np.zeros(x.shape[:2] + tuple(out))
    for o in itertools.product(*(range(m) for m in out)):
        window = tuple(slice(o[i] * size[i] // out[i], -(-(o[i] + 1) * size[i] // out[i]))
                       for i in range(n))
        y[(...,) + o] = reduce(x[(...,) + window], axis=tuple(range(2, 2 + n)))
    return y


@_keep_dtype
def interpolate_ref(x: np.ndarray, size: tuple[int, ...], mode: str,
                    align_corners: bool = False) -> np.ndarray:
    """Separable: each spatial axis resampled by its own loop (size given)."""
    y = x
    for i, m in enumerate(size):
        axis, n_in = 2 + i, y.shape[2 + i]
        rows = []
        for o in range(m):
            if mode == "nearest":
                rows.append(np.take(y, min(int(o * n_in / m), n_in - 1), axis=axis))
                continue
            if align_corners:
                src = o * (n_in - 1) / (m - 1) if m > 1 else 0.0
            else:
                src = max((o + 0.5) * n_in / m - 0.5, 0.0)
            lo = min(int(src), n_in - 1)
            hi, t = min(lo + 1, n_in - 1), src - lo
            rows.append((1 - t) * np.take(y, lo, axis=axis) + t * np.take(y, hi, axis=axis))
        y = np.stack(rows, axis=axis)
    return y


@_keep_dtype
def unfold_ref(x: np.ndarray, kernel: Any, dilation: Any = 1, padding: Any = 0,
               stride: Any = 1) -> np.ndarray:
    k, d, p, s = (_ntuple(v, 2) for v in (kernel, dilation, padding, stride))
    xp = np.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    out = [(xp.shape[2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2)]
    cols = []
    for oh, ow in itertools.product(range(out[0]), range(out[1])):
        block = xp[:, :, oh * s[0]:oh * s[0] + d[0] * (k[0] - 1) + 1:d[0],
                   ow * s[1]:ow * s[1] + d[1] * (k[1] - 1) + 1:d[1]]
        cols.append(block.reshape(x.shape[0], -1))
    return np.stack(cols, axis=-1)


@_keep_dtype
def fold_ref(cols: np.ndarray, size: Any, kernel: Any, dilation: Any = 1, padding: Any = 0,
             stride: Any = 1) -> np.ndarray:
    k, d, p, s, hw = (_ntuple(v, 2) for v in (kernel, dilation, padding, stride, size))
    c = cols.shape[1] // (k[0] * k[1])
    y = np.zeros((cols.shape[0], c, hw[0] + 2 * p[0], hw[1] + 2 * p[1]))
    out = [(hw[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2)]
    for index, (oh, ow) in enumerate(itertools.product(range(out[0]), range(out[1]))):
        y[:, :, oh * s[0]:oh * s[0] + d[0] * (k[0] - 1) + 1:d[0],
          ow * s[1]:ow * s[1] + d[1] * (k[1] - 1) + 1:d[1]] += cols[:, :, index].reshape(
              cols.shape[0], c, k[0], k[1])
    return y[:, :, p[0]:p[0] + hw[0], p[1]:p[1] + hw[1]]


@_keep_dtype
def pixel_shuffle_ref(x: np.ndarray, r: int) -> np.ndarray:
    n, c, h, w = x.shape
    y = np.zeros((n, c // (r * r), h * r, w * r))
    for ch, i, j in itertools.product(range(c), range(h), range(w)):
        y[:, ch // (r * r), i * r + ch % (r * r) // r, j * r + ch % r] = x[:, ch, i, j]
    return y


@_keep_dtype
def pixel_unshuffle_ref(x: np.ndarray, r: int) -> np.ndarray:
    n, c, h, w = x.shape
    y = np.zeros((n, c * r * r, h // r, w // r))
    for ch, i, j in itertools.product(range(c), range(h), range(w)):
        y[:, ch * r * r + i % r * r + j % r, i // r, j // r] = x[:, ch, i, j]
    return y


@_keep_dtype
def conv_weight_ref(x: np.ndarray, g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """conv's weight gradient for cotangent ``g``, one weight entry at a time."""
    out = np.zeros(shape)
    for index in itertools.product(*(range(m) for m in shape)):
        w = np.zeros(shape)
        w[index] = 1.0
        out[index] = np.sum(g * conv_ref(x, w, None, (2, 1), [(1, 1), (0, 1)], (1, 2), 2))
    return out


# -- the convolution primitives ----------------------------------------------------------
case("add.conv2d_stride_padding_dilation_groups_bias",
     lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2),
                              groups=2),
     lambda x, w, b: conv_ref(x, w, b, (2, 1), (1, 2), (1, 2), 2),
     real(2, 4, 5, 5), real(6, 2, 3, 2), real(6))
case("conv.conv1d_same_even_kernel",
     lambda x, w: F.conv1d(x, w, padding="same", dilation=1),
     lambda x, w: conv_ref(x, w, padding=[(1, 2)]), real(2, 3, 6), real(2, 3, 4))
case("reshape.conv2d_unbatched_valid",
     lambda x, w: F.conv2d(x, w, padding="valid", stride=3),
     lambda x, w: conv_ref(x[None], w, stride=3)[0], real(2, 5, 4), real(3, 2, 2, 2))
case("conv.conv3d", lambda x, w: F.conv3d(x, w, stride=(1, 2, 1), padding=1),
     lambda x, w: conv_ref(x, w, stride=(1, 2, 1), padding=1), real(1, 2, 3, 4, 3),
     real(2, 2, 2, 2, 2))
case("add.conv_transpose2d_output_padding_groups",
     lambda x, w, b: F.conv_transpose2d(x, w, b, stride=(2, 3), padding=(1, 0),
                                        output_padding=(1, 2), groups=2, dilation=(1, 2)),
     lambda x, w, b: conv_transpose_ref(x, w, b, (2, 3), (1, 0), (1, 2), 2, (1, 2)),
     real(2, 4, 3, 3), real(4, 2, 2, 3), real(4))
case("conv_transpose.conv_transpose1d",
     lambda x, w: F.conv_transpose1d(x, w, stride=2, padding=1),
     lambda x, w: conv_transpose_ref(x, w, stride=2, padding=1), real(2, 3, 4), real(3, 2, 3))
case("reshape.conv_transpose3d_unbatched",
     lambda x, w: F.conv_transpose3d(x, w, stride=2),
     lambda x, w: conv_transpose_ref(x[None], w, stride=2)[0], real(2, 2, 2, 2),
     real(2, 1, 2, 1, 2))
# conv's weight gradient, a primitive of its own; public calls reach it through a rule
_GEOMETRY = {"stride": (2, 1), "padding": ((1, 1), (0, 1)), "dilation": (1, 2), "groups": 2,
             "size": (5, 4), "kernel": (3, 2)}
case("conv_weight.weight_gradient",
     lambda x, g: ad.REGISTRY["conv_weight"].op(x, g, **_GEOMETRY),
     lambda x, g: conv_weight_ref(x, g, (6, 2, 3, 2)), real(2, 4, 5, 4), real(2, 6, 3, 3))

# -- pooling: composites, named by a primitive they run
case("max_pool_windows.max_pool2d_padding_ceil",
     lambda x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
     lambda x: max_pool_ref(x, 3, 2, 1, ceil_mode=True), real(2, 3, 6, 5))
case("reshape.max_pool1d_dilation", lambda x: F.max_pool1d(x, 2, stride=3, dilation=2),
     lambda x: max_pool_ref(x[None], 2, 3, dilation=2)[0], real(3, 9))
case("max_pool_windows.max_pool3d", lambda x: F.max_pool3d(x, 2, stride=(1, 2, 2)),
     lambda x: max_pool_ref(x, 2, (1, 2, 2)), real(1, 2, 3, 4, 4))
case("divide.avg_pool2d_exclude_pad",
     lambda x: F.avg_pool2d(x, (3, 2), stride=2, padding=1, ceil_mode=True,
                            count_include_pad=False),
     lambda x: avg_pool_ref(x, (3, 2), 2, 1, True, False), real(2, 2, 5, 6))
case("divide.avg_pool1d", lambda x: F.avg_pool1d(x, 3, stride=2, padding=1),
     lambda x: avg_pool_ref(x, 3, 2, 1), real(2, 2, 7))
case("divide.avg_pool2d_divisor_override",
     lambda x: F.avg_pool2d(x, 2, divisor_override=3),
     lambda x: avg_pool_ref(x, 2, divisor_override=3), real(1, 2, 4, 4))
# max pooling's rule and its rule's rule, primitives of their own
_POOL = {"kernel": (2, 2), "stride": (2, 1), "padding": ((1, 0), (0, 0)), "dilation": (1, 2)}


def _pool_first(x: np.ndarray) -> np.ndarray:
    """(N, C, *out) flat positions of the windows' first maxima (of ``_POOL``)."""
    return max_pool_ref(x, (2, 2), (2, 1), (1, 0), (1, 2), indices=True)[1]


def _scatter_ref(g: np.ndarray, first: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros((shape[0], shape[1], shape[2] * shape[3]), dtype=g.dtype)
    for n, c in itertools.product(range(shape[0]), range(shape[1])):
        np.add.at(out[n, c], first[n, c].ravel(), g[n, c].ravel())
    return out.reshape(shape)


case("pool_select.values_at_maxima",
     lambda v, x: ad.REGISTRY["pool_select"].op(v, x, **_POOL),
     lambda v, x: np.take_along_axis(v.reshape(2, 2, -1), _pool_first(x).reshape(2, 2, -1),
                                     axis=-1).reshape(_pool_first(x).shape),
     real(2, 2, 5, 4), real(2, 2, 5, 4, grad=False))
case("pool_scatter.cotangents_to_maxima",
     lambda g, x: ad.REGISTRY["pool_scatter"].op(
         g, x, F.max_pool2d(x, (2, 2), (2, 1), (1, 0), (1, 2)), **_POOL),
     lambda g, x: _scatter_ref(g, _pool_first(x), x.shape),
     real(2, 2, 3, 2), real(2, 2, 5, 4, grad=False))
case("permute_dims.adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
     lambda x: adaptive_ref(x, (3, 2), np.mean), real(2, 2, 5, 7))
case("permute_dims.adaptive_avg_pool1d", lambda x: F.adaptive_avg_pool1d(x, 4),
     lambda x: adaptive_ref(x, 4, np.mean), real(2, 3, 7))
case("reshape.adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (3, 4)),
     lambda x: adaptive_ref(x, (3, 4), np.max), real(2, 2, 5, 7))
case("reshape.adaptive_max_pool1d", lambda x: F.adaptive_max_pool1d(x, 3),
     lambda x: adaptive_ref(x[None], 3, np.max)[0], real(2, 8))

# -- padding, resampling, rearranging
case("getitem.pad_constant", lambda x: F.pad(x, (1, 2, 0, -1), value=0.5),
     lambda x: np.pad(x[:, :, :-1], [(0, 0), (0, 0), (0, 0), (1, 2)], constant_values=0.5),
     real(2, 2, 3, 3))
case("getitem.pad_reflect", lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"),
     lambda x: np.pad(x, [(0, 0), (0, 0), (1, 2), (2, 1)], mode="reflect"), real(1, 2, 3, 4))
case("getitem.pad_replicate", lambda x: F.pad(x, (3, 1), mode="replicate"),
     lambda x: np.pad(x, [(0, 0), (0, 0), (3, 1)], mode="edge"), real(2, 3, 2))
case("getitem.pad_circular", lambda x: F.pad(x, (1, 2, 2, 0, 1, 1), mode="circular"),
     lambda x: np.pad(x, [(0, 0), (0, 0), (1, 1), (2, 0), (1, 2)], mode="wrap"),
     real(1, 1, 2, 3, 3))
case("getitem.interpolate_nearest", lambda x: F.interpolate(x, size=(5, 3)),
     lambda x: interpolate_ref(x, (5, 3), "nearest"), real(2, 2, 3, 4))
case("add.interpolate_bilinear", lambda x: F.interpolate(x, size=(5, 3), mode="bilinear"),
     lambda x: interpolate_ref(x, (5, 3), "linear"), real(2, 2, 3, 4))
case("add.interpolate_linear_align_corners",
     lambda x: F.interpolate(x, size=7, mode="linear", align_corners=True),
     lambda x: interpolate_ref(x, (7,), "linear", True), real(2, 2, 4))
case("reshape.unfold", lambda x: F.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=2),
     lambda x: unfold_ref(x, (2, 3), (2, 1), 1, 2), real(2, 2, 5, 5))
case("conv_transpose.fold",
     lambda c: F.fold(c, (5, 5), (2, 3), dilation=(2, 1), padding=1, stride=2),
     lambda c: fold_ref(c, (5, 5), (2, 3), (2, 1), 1, 2), real(2, 12, 9))
case("reshape.pixel_shuffle", lambda x: F.pixel_shuffle(x, 2),
     lambda x: pixel_shuffle_ref(x, 2), real(2, 8, 2, 3))
case("reshape.pixel_unshuffle", lambda x: F.pixel_unshuffle(x, 2),
     lambda x: pixel_unshuffle_ref(x, 2), real(2, 2, 4, 6))
