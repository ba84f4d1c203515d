"""Pooling, as ``torch.nn.functional``: ``max_pool1d/2d/3d``, ``avg_pool1d/2d/3d``; the
adaptive ones are in ``adaptive_pool``.

Max pooling is the primitive ``max_pool_windows`` (``_pool_prims``), which takes each
window's first maximum, so its gradient goes to the first maximum, as PyTorch's does.
The rest are composites of differentiable ops: a window is gathered per axis with an
index table (``take``; output position by window position), so windows of any stride
or (adaptive) size come the same way. Average pooling sums the windows of a zero-padded input
and divides by PyTorch's divisor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .._dtypes import int64
from .._tensor import Tensor
from ._pool_prims import max_pool_windows, pool_select
from .conv import IntOr, tuple_of
from .creation import arange, asarray
from .datatypes import astype
from .indexing import take, take_along_axis
from .manipulation import broadcast_to, permute_dims, reshape
from .reductions import sum as sum_
from .resample import pad
from .searching import argmax

__all__ = ["avg_pool1d", "avg_pool2d", "avg_pool3d", "max_pool1d", "max_pool2d", "max_pool3d"]
#: none is a Tensor method in PyTorch
NOT_METHODS = tuple(__all__)

Table = list[list[int]]


def _batched(input: Tensor, n: int, op: str) -> tuple[Tensor, bool]:
    if input.ndim == n + 2:
        return input, False
    if input.ndim == n + 1:
        return reshape(input, (1,) + tuple(input.shape)), True
    raise RuntimeError(f"{op}: non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected "
                       f"for input, but got input of size {list(input.shape)}")


def _pool_out(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    span = n + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + p:  # the last window must start inside
        out -= 1
    return out


def _windows(x: Tensor, tables: Sequence[Table]) -> Tensor:
    """(N, C, *out, K): window position j of output o along axis i is input position
    ``tables[i][o][j]``; K runs over the window's positions in row-major order."""
    n = len(tables)
    for i in reversed(range(n)):  # the later axes first: the earlier keep their place
        flat = [p for row in tables[i] for p in row]
        x = take(x, flat, axis=2 + i)
        shape = tuple(x.shape)
        x = reshape(x, shape[:2 + i] + (len(tables[i]), len(tables[i][0])) + shape[3 + i:])
    # (N, C, O1, K1, O2, K2, ...) -> (N, C, O1, O2, ..., K1, K2, ...)
    order = (0, 1) + tuple(2 + 2 * i for i in range(n)) + tuple(3 + 2 * i for i in range(n))
    x = permute_dims(x, order)
    # the window size spelled out: -1 cannot be inferred for an empty batch
    return reshape(x, tuple(x.shape[:2 + n]) + (math.prod(x.shape[2 + n:]),))


def _max_over(x: Tensor, tables: Sequence[Table], offsets: Sequence[int],
              sizes: Sequence[int], return_indices: bool) -> Tensor | tuple[Tensor, Tensor]:
    """The first maximum of every window, and where it is in the input of spatial shape
    ``sizes`` (its flat index), ``offsets`` being the low padding ``x`` has."""
    windows = _windows(x, tables)
    first = argmax(windows, axis=-1, keepdims=True)
    values = reshape(take_along_axis(windows, first, axis=-1), tuple(windows.shape[:-1]))
    if not return_indices:
        return values
    n = len(tables)
    first = reshape(first, tuple(windows.shape[:-1]))
    index: Any = 0
    inner = math.prod(len(t[0]) for t in tables)
    for i, table in enumerate(tables):
        k = len(table[0])
        inner //= k
        j = (first // inner) % k  # the window position along axis i
        o = reshape(arange(len(table), backend=x.backend, device=x.device),
                    (len(table),) + (1,) * (n - 1 - i))
        lookup = asarray([p - offsets[i] for row in table for p in row], backend=x.backend,
                         device=x.device)
        flat = reshape(o * k + j, (-1,))
        position = reshape(take(lookup, flat, axis=0), tuple(first.shape))
        index = index * sizes[i] + position
    return values, index


def _geometry(kernel_size: IntOr, stride: IntOr | None, padding: IntOr, dilation: IntOr,
              n: int, op: str) -> tuple[tuple[int, ...], ...]:
    kernel = tuple_of(kernel_size, n, "kernel_size", op)
    strides = kernel if stride is None or stride == [] or stride == () else tuple_of(
        stride, n, "stride", op)
    pads = tuple_of(padding, n, "padding", op)
    dil = tuple_of(dilation, n, "dilation", op)
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{op}: kernel_size must be greater than zero, but got "
                           f"{list(kernel)}")
    if any(s <= 0 for s in strides):
        raise RuntimeError(f"{op}: stride must be greater than zero, but got {list(strides)}")
    if any(d <= 0 for d in dil):
        raise RuntimeError(f"{op}: dilation must be greater than zero, but got {list(dil)}")
    if any(p < 0 for p in pads):
        raise RuntimeError(f"{op}: pad must be non-negative, but got pad: {list(pads)}")
    for k, p, d in zip(kernel, pads, dil, strict=True):
        if 2 * p > d * (k - 1) + 1:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    return kernel, strides, pads, dil


def _out_sizes(x: Tensor, kernel: tuple[int, ...], strides: tuple[int, ...],
               pads: tuple[int, ...], dil: tuple[int, ...], ceil_mode: bool) -> list[int]:
    size = [int(s) for s in x.shape[2:]]
    out = [_pool_out(m, k, s, p, d, ceil_mode)
           for m, k, s, p, d in zip(size, kernel, strides, pads, dil, strict=True)]
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[1:]))}). "
                           f"Calculated output size: ({x.shape[1]}x{'x'.join(map(str, out))}"
                           "). Output size is too small")
    return out


def _max_pool(input: Tensor, kernel_size: IntOr, stride: IntOr | None, padding: IntOr,
              dilation: IntOr, ceil_mode: bool, return_indices: bool, n: int
              ) -> Tensor | tuple[Tensor, Tensor]:
    op = f"max_pool{n}d"
    if input.dtype.name.startswith("complex"):
        kind = "ComplexFloat" if input.dtype.name == "complex64" else "ComplexDouble"
        raise NotImplementedError(f'"{op}" not implemented for \'{kind}\'')
    x, unbatched = _batched(input, n, op)
    kernel, strides, pads, dil = _geometry(kernel_size, stride, padding, dilation, n, op)
    out = _out_sizes(x, kernel, strides, pads, dil, ceil_mode)
    # -inf padding: never a window's maximum (no window is all padding)
    pairs = tuple((p, max((o - 1) * s + d * (k - 1) + 1 - m - p, 0)) for m, o, k, s, p, d
                  in zip(x.shape[2:], out, kernel, strides, pads, dil, strict=True))
    geometry = {"kernel": kernel, "stride": strides, "padding": pairs, "dilation": dil}
    values = max_pool_windows(x, **geometry)
    if not return_indices:
        return _unbatch(values, unbatched)
    # each window's maximum's flat position: the positions, selected as the values are
    size = [int(m) for m in x.shape[2:]]
    positions = reshape(arange(math.prod(size), dtype=x.dtype, backend=x.backend,
                               device=x.device), (1, 1, *size))
    positions = broadcast_to(positions, tuple(x.shape))
    indices = astype(pool_select(positions, x.detach(), **geometry), int64)
    return _unbatch((values, indices), unbatched)


def _unbatch(result: Any, unbatched: bool) -> Any:
    if not unbatched:
        return result
    if isinstance(result, tuple):
        return tuple(reshape(r, tuple(r.shape[1:])) for r in result)
    return reshape(result, tuple(result.shape[1:]))


def _avg_pool(input: Tensor, kernel_size: IntOr, stride: IntOr | None, padding: IntOr,
              ceil_mode: bool, count_include_pad: bool, divisor_override: int | None,
              n: int) -> Tensor:
    op = f"avg_pool{n}d"
    x, unbatched = _batched(input, n, op)
    kernel, strides, pads, dil = _geometry(kernel_size, stride, padding, 1, n, op)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    out = _out_sizes(x, kernel, strides, pads, dil, ceil_mode)
    size = [int(s) for s in x.shape[2:]]
    widths: list[int] = []
    for i in reversed(range(n)):
        need = (out[i] - 1) * strides[i] + kernel[i]
        widths += [pads[i], max(need - size[i] - pads[i], 0)]
    padded = pad(x, widths)
    tables = [[[o * s + j for j in range(k)] for o in range(m)]
              for m, k, s in zip(out, kernel, strides, strict=True)]
    total = sum_(_windows(padded, tables), axis=-1)
    if divisor_override is not None:
        result = total / divisor_override
    else:
        # PyTorch's divisor: the window clipped to the padded input, or to the input
        divisor: Any = 1.0
        for i in range(n):
            counts = []
            for o in range(out[i]):
                start = o * strides[i] - pads[i]
                end = min(start + kernel[i], size[i] + pads[i])
                counts.append(end - start if count_include_pad
                              else min(end, size[i]) - max(start, 0))
            divisor = divisor * reshape(
                asarray(counts, dtype=x.dtype, backend=x.backend, device=x.device),
                (out[i],) + (1,) * (n - 1 - i))
        result = total / divisor
    return _unbatch(result, unbatched)


# -- the public functions ---------------------------------------------------------------
def max_pool1d(input: Tensor, kernel_size: IntOr, stride: IntOr | None = None,
               padding: IntOr = 0, dilation: IntOr = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """1-D max pooling of ``input`` (N, C, L) or (C, L), as
    ``torch.nn.functional.max_pool1d``; the gradient goes to each window's first
    maximum. ``return_indices`` also gives each maximum's position in the input.

    >>> import autodiff as ad
    >>> x = ad.tensor([[[1.0, 3.0, 3.0, 2.0]]], requires_grad=True)
    >>> values, indices = ad.nn.functional.max_pool1d(x, 2, return_indices=True)
    >>> indices
    tensor([[[1, 2]]])
    >>> values.sum().backward(); x.grad
    tensor([[[0., 1., 1., 0.]]])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, 1)


def max_pool2d(input: Tensor, kernel_size: IntOr, stride: IntOr | None = None,
               padding: IntOr = 0, dilation: IntOr = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """2-D max pooling of ``input`` (N, C, H, W) or (C, H, W), as
    ``torch.nn.functional.max_pool2d``.

    >>> import autodiff as ad
    >>> x = ad.arange(16.0).reshape(1, 1, 4, 4)
    >>> ad.nn.functional.max_pool2d(x, 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, 2)


def max_pool3d(input: Tensor, kernel_size: IntOr, stride: IntOr | None = None,
               padding: IntOr = 0, dilation: IntOr = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """3-D max pooling, as ``torch.nn.functional.max_pool3d``.

    >>> import autodiff as ad
    >>> ad.nn.functional.max_pool3d(ad.arange(8.0).reshape(1, 1, 2, 2, 2), 2)
    tensor([[[[[7.]]]]])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, 3)


def avg_pool1d(input: Tensor, kernel_size: IntOr, stride: IntOr | None = None,
               padding: IntOr = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """1-D average pooling, as ``torch.nn.functional.avg_pool1d``.

    >>> import autodiff as ad
    >>> ad.nn.functional.avg_pool1d(ad.tensor([[[1.0, 3.0, 5.0]]]), 2, padding=1,
    ...                             count_include_pad=False)
    tensor([[[1., 4.]]])
    """
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     None, 1)


def avg_pool2d(input: Tensor, kernel_size: IntOr, stride: IntOr | None = None,
               padding: IntOr = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """2-D average pooling, as ``torch.nn.functional.avg_pool2d``.

    >>> import autodiff as ad
    >>> ad.nn.functional.avg_pool2d(ad.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    """
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 2)


def avg_pool3d(input: Tensor, kernel_size: IntOr, stride: IntOr | None = None,
               padding: IntOr = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """3-D average pooling, as ``torch.nn.functional.avg_pool3d``.

    >>> import autodiff as ad
    >>> ad.nn.functional.avg_pool3d(ad.arange(8.0).reshape(1, 1, 2, 2, 2), 2)
    tensor([[[[[3.5000]]]]])
    """
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 3)
