"""Padding and resampling, as ``torch.nn.functional``: ``pad``, ``interpolate`` (and
``upsample``), ``unfold``/``fold``; ``pixel_shuffle`` is in ``pixel_shuffle``.

All are composites of differentiable ops, so every order of gradient comes for free:
``pad`` gathers with index arrays (``take``) or concatenates constant blocks;
``interpolate`` gathers two neighbours per axis and mixes them with fixed weights;
``unfold`` and ``fold`` are the convolution primitives with a one-hot weight (a
window's positions, one per output channel), so they cost one matmul each.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .._tensor import Tensor
from ._conv_prims import conv as conv_prim
from ._conv_prims import conv_transpose as conv_transpose_prim
from ._conv_prims import out_size
from ._cubic import _cubic_weights, _linear_weights, _nearest_index
from .conv import IntOr, tuple_of
from .creation import asarray, eye, full
from .indexing import take
from .joining import concat, tile
from .linalg import matmul
from .manipulation import moveaxis, reshape

__all__ = ["fold", "interpolate", "pad", "unfold", "upsample", "upsample_bilinear",
           "upsample_nearest"]
#: none is a Tensor method with this meaning (``Tensor.unfold`` is another op)
NOT_METHODS = tuple(__all__)


def _take(x: Tensor, index: list[int], axis: int) -> Tensor:
    return take(x, index, axis=axis)


def _constant_pad(x: Tensor, axis: int, lo: int, hi: int, value: float) -> Tensor:
    n = x.shape[axis]
    if lo < 0 or hi < 0:  # a negative pad crops
        start, stop = max(-lo, 0), n - max(-hi, 0)
        x = x[(slice(None),) * axis + (slice(start, max(stop, start)),)]
        lo, hi = max(lo, 0), max(hi, 0)
    parts = []
    for width in (lo, None, hi):
        if width is None:
            parts.append(x)
        elif width:
            shape = tuple(x.shape[:axis]) + (width,) + tuple(x.shape[axis + 1:])
            parts.append(full(shape, value, dtype=x.dtype, device=x.device,
                              backend=x.backend))
    return concat(parts, axis=axis) if len(parts) > 1 else x


def _source(mode: str, i: int, n: int) -> int:
    if mode == "reflect":
        period = 2 * (n - 1)
        i = i % period if period else 0
        return period - i if i >= n else i
    if mode == "replicate":
        return min(max(i, 0), n - 1)
    return i % n  # circular


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant",
        value: float | None = None) -> Tensor:
    """Pad ``input``'s trailing axes, as ``torch.nn.functional.pad``: ``pad`` lists
    ``(left, right)`` pairs from the last axis backwards; ``mode`` is ``'constant'``
    (``value``, 0 by default; a negative pad crops), ``'reflect'``, ``'replicate'`` or
    ``'circular'``.

    >>> import autodiff as ad
    >>> x = ad.tensor([[[1.0, 2.0, 3.0]]])
    >>> ad.nn.functional.pad(x, (2, 1), mode="reflect")
    tensor([[[3., 2., 1., 2., 3., 2.]]])
    >>> ad.nn.functional.pad(x, (1, 0), value=9.0)
    tensor([[[9., 1., 2., 3.]]])
    """
    pads = [int(p) for p in pad]
    if len(pads) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pads) // 2 > input.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pads)} and input "
                           f"of dimension {input.ndim}")
    pairs = [(pads[2 * i], pads[2 * i + 1], input.ndim - 1 - i) for i in range(len(pads) // 2)]
    if mode == "constant":
        fill = 0.0 if value is None else value
        out = input
        for lo, hi, axis in pairs:
            out = _constant_pad(out, axis, lo, hi, fill)
        return out
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument.')
    k = len(pairs)
    if k not in (1, 2, 3) or input.ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {len(pads)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    out = input
    for lo, hi, axis in pairs:
        n = input.shape[axis]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the "
                               f"corresponding input dimension, but got: padding ({lo}, {hi})"
                               f" at dimension {axis} of input {list(input.shape)}")
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "circular" and (lo < 0 or hi < 0):
            # PyTorch crops first, then wraps around what is left
            start, stop = max(-lo, 0), n - max(-hi, 0)
            out = out[(slice(None),) * axis + (slice(start, max(stop, start)),)]
            n, lo, hi = max(stop - start, 0), max(lo, 0), max(hi, 0)
        out = _take(out, [_source(mode, i, n) for i in range(-lo, n + hi)], axis)
    return out


# -- interpolate ---------------------------------------------------------------------
def adaptive_average(x: Tensor, sizes: Sequence[int]) -> Tensor:
    """``x`` (N, C, *spatial) averaged over PyTorch's adaptive windows to ``sizes``
    (``adaptive_avg_pool``, ``interpolate(mode='area')``): one fixed averaging matrix
    per axis, so one matmul each."""
    out = x
    for i, size in enumerate(sizes):
        length = int(x.shape[2 + i])
        rows = []
        for o in range(size):  # the averaging matrix, transposed: (L, O)
            start, end = o * length // size, -(-(o + 1) * length // size)
            rows.append([1.0 / (end - start) if start <= j < end else 0.0
                         for j in range(length)])
        mat = asarray([[r[j] for r in rows] for j in range(length)], dtype=x.dtype,
                      backend=x.backend, device=x.device)
        out = moveaxis(matmul(moveaxis(out, 2 + i, -1), mat), -1, 2 + i)
    return out



_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3}
def _bicubic_axis(x: Tensor, axis: int, shape: tuple[int, ...],
                  taps: tuple[list[list[int]], list[list[float]]]) -> Tensor:
    """The 4 weighted taps along one axis (bicubic is separable: axes in turn)."""
    terms = [_take(x, idx, axis) * reshape(
        asarray(w, dtype=x.dtype, device=x.device, backend=x.backend), shape)
        for idx, w in zip(*taps, strict=True)]
    return terms[0] + terms[1] + terms[2] + terms[3]


def _check_mode(mode: str, n: int, ndim: int, align_corners: bool | None,
                antialias: bool) -> None:
    if mode in ("nearest", "nearest-exact", "area") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes:"
                         " linear | bilinear | bicubic | trilinear")
    if mode in _LINEAR and _LINEAR[mode] != n:
        raise NotImplementedError(f"Got {ndim}D input, but {mode} mode needs "
                                  f"{_LINEAR[mode] + 2}D input")
    if mode == "bicubic" and n != 2:
        raise NotImplementedError(f"Got {ndim}D input, but bicubic mode needs 4D input")
    if mode not in _LINEAR and mode not in ("nearest", "nearest-exact", "area", "bicubic"):
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported (nearest, "
                                  "nearest-exact, linear, bilinear, bicubic, trilinear, area "
                                  "are)")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")


def interpolate(input: Tensor, size: int | Sequence[int] | None = None,
                scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resample the spatial axes of ``input`` ``(N, C, *spatial)``, as
    ``torch.nn.functional.interpolate``: to ``size`` or by ``scale_factor``, with
    ``mode`` ``'nearest'``, ``'nearest-exact'``, ``'linear'`` (3-D input),
    ``'bilinear'`` or ``'bicubic'`` (4-D; PyTorch's cubic convolution, A = -0.75),
    ``'trilinear'`` (5-D) or ``'area'`` (adaptive average pooling), and PyTorch's
    ``align_corners``.

    >>> import autodiff as ad
    >>> x = ad.tensor([[[1.0, 2.0]]])
    >>> ad.nn.functional.interpolate(x, scale_factor=2)
    tensor([[[1., 1., 2., 2.]]])
    >>> ad.nn.functional.interpolate(x, size=3, mode="linear", align_corners=True)
    tensor([[[1.0000, 1.5000, 2.0000]]])
    """
    n = input.ndim - 2
    _check_mode(mode, n, input.ndim, align_corners, antialias)
    if n < 1:
        raise ValueError(f"interpolate: expected an input with at least 3 dimensions "
                         f"(N, C, *spatial), but got input of size {list(input.shape)}")
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined" if size is not
                         None else "either size or scale_factor should be defined")
    shape_in = [int(s) for s in input.shape[2:]]
    scales: list[float | None]
    if size is not None:
        sizes = [int(size)] * n if isinstance(size, int) else [int(s) for s in size]
        if len(sizes) != n:
            raise ValueError(f"Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{shape_in} and output size of {sizes}. Please provide input "
                             "tensor in (N, C, d1, d2, ...,dK) format and output size in "
                             "(o1, o2, ...,oK) format.")
        scales = [None] * n
    else:
        assert scale_factor is not None
        factors = ([float(scale_factor)] * n if isinstance(scale_factor, int | float)
                   else [float(f) for f in scale_factor])
        if len(factors) != n:
            raise ValueError(f"Input and scale_factor must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{shape_in} and scale_factor of shape {factors}. Please "
                             "provide input tensor in (N, C, d1, d2, ...,dK) format and "
                             "scale_factor in (s1, s2, ...,sK) format.")
        sizes = [int(math.floor(m * f)) for m, f in zip(shape_in, factors, strict=True)]
        scales = [None] * n if recompute_scale_factor else list(factors)
    if any(s <= 0 for s in sizes):
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got "
                           f"input ({' , '.join(map(str, shape_in))}) output "
                           f"({' , '.join(map(str, sizes))})")
    if mode == "area":
        return adaptive_average(input, sizes)
    out = input
    for i in range(n):
        axis = 2 + i
        if mode in ("nearest", "nearest-exact"):
            index = _nearest_index(shape_in[i], sizes[i], scales[i], mode == "nearest-exact")
            out = _take(out, index, axis)
            continue
        shape = (sizes[i],) + (1,) * (n - 1 - i)
        if mode == "bicubic":
            out = _bicubic_axis(out, axis, shape, _cubic_weights(
                shape_in[i], sizes[i], scales[i], bool(align_corners)))
            continue
        lows, highs, weights = _linear_weights(shape_in[i], sizes[i], scales[i],
                                               bool(align_corners))
        w = reshape(asarray(weights, dtype=input.dtype, device=input.device,
                            backend=input.backend), shape)
        low = _take(out, lows, axis)
        out = low + (_take(out, highs, axis) - low) * w
    return out


def upsample(input: Tensor, size: int | Sequence[int] | None = None,
             scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """``interpolate`` under its older name (``torch.nn.functional.upsample``).

    >>> import autodiff as ad
    >>> ad.nn.functional.upsample(ad.tensor([[[1.0, 2.0]]]), size=4).shape
    (1, 1, 4)
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: int | Sequence[int] | None = None,
                     scale_factor: float | Sequence[float] | None = None) -> Tensor:
    """``interpolate(..., mode='nearest')``.

    >>> import autodiff as ad
    >>> ad.nn.functional.upsample_nearest(ad.tensor([[[1.0, 2.0]]]), scale_factor=2)
    tensor([[[1., 1., 2., 2.]]])
    """
    return interpolate(input, size, scale_factor, "nearest")


def upsample_bilinear(input: Tensor, size: int | Sequence[int] | None = None,
                      scale_factor: float | Sequence[float] | None = None) -> Tensor:
    """``interpolate(..., mode='bilinear', align_corners=True)``.

    >>> import autodiff as ad
    >>> ad.nn.functional.upsample_bilinear(ad.ones((1, 1, 2, 2)), size=3).shape
    (1, 1, 3, 3)
    """
    return interpolate(input, size, scale_factor, "bilinear", align_corners=True)


# -- im2col / col2im -------------------------------------------------------------------
def _one_hot_weight(c: int, kernel: tuple[int, ...], like: Tensor) -> Tensor:
    """(C K, 1, *kernel): output channel c K + j picks window position j of channel c."""
    k = math.prod(kernel)
    w = eye(k, dtype=like.dtype, device=like.device, backend=like.backend)
    return reshape(tile(w, (c, 1)), (c * k, 1) + kernel)


def _geometry(kernel_size: IntOr, dilation: IntOr, padding: IntOr, stride: IntOr, op: str
              ) -> tuple[tuple[int, ...], ...]:
    kernel = tuple_of(kernel_size, 2, "kernel_size", op)
    dil = tuple_of(dilation, 2, "dilation", op)
    pads = tuple_of(padding, 2, "padding", op)
    strides = tuple_of(stride, 2, "stride", op)
    for name, values, least in (("kernel size", kernel, 1), ("dilation", dil, 1),
                                ("padding", pads, 0), ("stride", strides, 1)):
        if any(v < least for v in values):
            raise RuntimeError(f"{op}: expected {name} to be "
                               f"{'non-negative' if least == 0 else 'greater than zero'}, "
                               f"but got {name.replace(' ', '_')}: {list(values)}")
    return kernel, dil, pads, strides


def unfold(input: Tensor, kernel_size: IntOr, dilation: IntOr = 1, padding: IntOr = 0,
           stride: IntOr = 1) -> Tensor:
    """Sliding blocks of ``input`` (N, C, H, W) or (C, H, W) as columns (N, C k, L), as
    ``torch.nn.functional.unfold`` (im2col).

    >>> import autodiff as ad
    >>> ad.nn.functional.unfold(ad.arange(4.0).reshape(1, 1, 2, 2), 1)
    tensor([[[0., 1., 2., 3.]]])
    """
    kernel, dil, pads, strides = _geometry(kernel_size, dilation, padding, stride, "unfold")
    if input.ndim not in (3, 4):
        raise RuntimeError("Input Error: Only 3D or 4D input Tensors are supported (got "
                           f"{input.ndim}D)")
    x = reshape(input, (1,) + tuple(input.shape)) if input.ndim == 3 else input
    c, size = int(x.shape[1]), tuple(int(s) for s in x.shape[2:])
    pairs = tuple((p, p) for p in pads)
    blocks = out_size(size, kernel, strides, pairs, dil)
    if any(b <= 0 for b in blocks):
        raise RuntimeError(f"Given input with spatial size {list(size)}, kernel_size="
                           f"{list(kernel)}, dilation={list(dil)}, padding={list(pads)}, "
                           f"calculated shape of the array of sliding blocks as "
                           f"{list(blocks)}, but its components must be at least one.")
    cols = conv_prim(x, _one_hot_weight(c, kernel, x), stride=strides, padding=pairs,
                     dilation=dil, groups=c, size=size, kernel=kernel)
    cols = reshape(cols, (x.shape[0], c * math.prod(kernel), math.prod(blocks)))
    return reshape(cols, tuple(cols.shape[1:])) if input.ndim == 3 else cols


def fold(input: Tensor, output_size: IntOr, kernel_size: IntOr, dilation: IntOr = 1,
         padding: IntOr = 0, stride: IntOr = 1) -> Tensor:
    """Sum columns (N, C k, L) or (C k, L) back into an image ``(N, C, *output_size)``, as
    ``torch.nn.functional.fold`` (col2im, the adjoint of ``unfold``).

    >>> import autodiff as ad
    >>> ad.nn.functional.fold(ad.ones((1, 4, 4)), (3, 3), 2)
    tensor([[[[1., 2., 1.],
              [2., 4., 2.],
              [1., 2., 1.]]]])
    """
    kernel, dil, pads, strides = _geometry(kernel_size, dilation, padding, stride, "fold")
    size = tuple_of(output_size, 2, "output_size", "fold")
    if input.ndim not in (2, 3):
        raise RuntimeError("Input Error: Only unbatched (2D) or batched (3D) input Tensors "
                           f"are supported (got {input.ndim}D)")
    cols = reshape(input, (1,) + tuple(input.shape)) if input.ndim == 2 else input
    k = math.prod(kernel)
    if cols.shape[1] % k:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the "
                           f"product of kernel_size, but got input.size(1)={cols.shape[1]} "
                           f"and kernel_size={kernel}")
    pairs = tuple((p, p) for p in pads)
    blocks = out_size(size, kernel, strides, pairs, dil)
    if any(b <= 0 for b in blocks) or cols.shape[2] != math.prod(blocks):
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dil}, "
                           f"padding={pads}, stride={strides}, expected size of input's "
                           f"dimension 2 to match the calculated number of sliding blocks "
                           f"{' * '.join(map(str, blocks))} = {math.prod(blocks)}, but got "
                           f"input.size(2)={cols.shape[2]}.")
    c = cols.shape[1] // k
    g = reshape(cols, (cols.shape[0], c * k) + blocks)
    out = conv_transpose_prim(g, _one_hot_weight(c, kernel, cols), stride=strides,
                              padding=pairs, dilation=dil, groups=c, size=size, kernel=kernel)
    return reshape(out, tuple(out.shape[1:])) if input.ndim == 2 else out
