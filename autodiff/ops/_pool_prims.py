"""Max pooling over strided windows, as three array primitives closed under
differentiation. A primitive rather than a composite for speed: gathered windows
(``take``) scatter their gradient back with a scatter-add, which took 80% of a small
CNN's step; strided slices add it back with plain slice additions.

* ``max_pool_windows(x)``: the first maximum of every window (PyTorch's choice, so
  its gradient goes to the first maximum); its rule is ``pool_scatter``.
* ``pool_select(v, x)``: ``v`` at the positions of ``x``'s window maxima (linear in
  ``v``; ``x`` only picks positions, so it gets no gradient); rule ``pool_scatter``.
* ``pool_scatter(g, x, best)``: the adjoint of ``pool_select`` in ``v``: each window's
  cotangent added at its maximum's position (``best``, the maxima, saves finding them
  again); rule ``pool_select``.

Geometry parameters: ``kernel``, ``stride``, ``dilation`` (ints per spatial axis),
``padding`` (``(low, high)`` per axis, filled with -inf; ``high`` covers ``ceil_mode``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from .._device import device_of
from .._primitive import primitive
from ._conv_prims import Ints, Pairs, _offsets, out_size, pad_array
from .comparison import real_only

__all__: list[str] = []


def _slices(xp: Any, x: Any, kernel: Ints, stride: Ints, padding: Pairs, dilation: Ints,
            ordered: bool = True) -> tuple[list[Any], list[tuple[Any, ...]]]:
    """The windows' pieces of ``x`` (``ordered``: to be compared, so real, as PyTorch
    requires), and where each piece lies in the padded input."""
    if ordered:
        real_only(xp, f"max_pool{len(kernel)}d", x)
    out = out_size(tuple(x.shape[2:]), kernel, stride, padding, dilation)
    # the padding never wins: -inf, or an integer dtype's least value
    low = xp.iinfo(x.dtype).min if xp.isdtype(x.dtype, "integral") else -math.inf
    padded = pad_array(xp, x, padding, low)
    where = _offsets(kernel, stride, dilation, out)
    return [padded[index] for index in where], where


def _maximum(xp: Any, pieces: list[Any]) -> Any:
    """The maximum over ``pieces``; nan wins, as in PyTorch."""
    best = pieces[0]
    for piece in pieces[1:]:
        best = xp.maximum(best, piece)
    return best


def _firsts(xp: Any, pieces: list[Any], best: Any) -> Iterator[Any]:
    """For each piece, where it holds its window's first maximum (``best``); in a window
    with a nan, where it holds the last nan, as PyTorch's kernel, which takes every nan
    it meets."""
    nans: list[Any] = []
    if bool(xp.any(best != best)):  # rare: else equality with best is the whole test
        later = None
        for piece in reversed(pieces):
            isnan = piece != piece
            nans.insert(0, isnan if later is None else isnan & ~later)
            later = isnan if later is None else later | isnan
    taken = None
    last = len(pieces) - 1
    for k, piece in enumerate(pieces):
        hit = piece == best
        if taken is None:
            taken = hit
        else:
            hit = hit & ~taken
            if k < last:
                taken = taken | hit
        yield hit | nans[k] if nans else hit


def _max_pool(xp: Any, x: Any, **geometry: Any) -> Any:
    return _maximum(xp, _slices(xp, x, **geometry)[0])


def _select(xp: Any, v: Any, x: Any, **geometry: Any) -> Any:
    pieces = _slices(xp, x, **geometry)[0]
    out = None
    for hit, piece in zip(_firsts(xp, pieces, _maximum(xp, pieces)),
                          _slices(xp, v, **geometry, ordered=False)[0], strict=True):
        out = piece if out is None else xp.where(hit, piece, out)
    return out


def _scatter(xp: Any, g: Any, x: Any, best: Any, *, kernel: Ints, stride: Ints,
             padding: Pairs, dilation: Ints) -> Any:
    """``best``: the windows' maxima (max_pool_windows's output), read, not recomputed."""
    pieces, where = _slices(xp, x, kernel, stride, padding, dilation)
    size = tuple(x.shape[2:])
    shape = tuple(x.shape[:2]) + tuple(s + lo + max(hi, 0) for s, (lo, hi)
                                       in zip(size, padding, strict=True))
    padded = xp.zeros(shape, dtype=g.dtype, device=device_of(g))
    zero = xp.zeros((), dtype=g.dtype, device=device_of(g))
    for hit, index in zip(_firsts(xp, pieces, best), where, strict=True):
        padded[index] += xp.where(hit, g, zero)
    return padded[(...,) + tuple(slice(lo, lo + s) for s, (lo, _)
                                 in zip(size, padding, strict=True))]


def _max_pool_jvp(tangents: Any, _ans: Any, x: Any, **geometry: Any) -> Any:
    return pool_select(tangents[0], x, **geometry)


def _select_jvp(tangents: Any, ans: Any, _v: Any, x: Any, **geometry: Any) -> Any:
    from .creation import zeros_like
    return zeros_like(ans) if tangents[0] is None else pool_select(tangents[0], x, **geometry)


def _scatter_jvp(tangents: Any, _ans: Any, _g: Any, x: Any, best: Any, **geometry: Any
                 ) -> Any:
    from .creation import zeros_like
    if tangents[0] is None:
        return zeros_like(x)
    return pool_scatter(tangents[0], x, best, **geometry)


max_pool_windows = primitive(
    "max_pool_windows", torch_name="MaxPool2DWithIndices",
    forward=_max_pool,
    vjp=lambda xp, g, ans, x, **p: xp.prim.pool_scatter(g, x, ans, **p),
    jvp=_max_pool_jvp, namespace="autodiff.ops.pooling",
)
pool_select = primitive(
    "pool_select", torch_name="MaxPool2DWithIndicesBackwardBackward",
    forward=_select,
    vjp=(lambda xp, h, _ans, _v, x, **p: xp.prim.pool_scatter(
        h, x, xp.prim.max_pool_windows(x, **p), **p), None),
    jvp=_select_jvp, namespace="autodiff.ops.pooling",
)
pool_scatter = primitive(
    "pool_scatter", torch_name="MaxPool2DWithIndicesBackward",
    forward=_scatter,
    vjp=(lambda xp, h, _ans, _g, x, _best, **p: xp.prim.pool_select(h, x, **p), None, None),
    jvp=_scatter_jvp, namespace="autodiff.ops.pooling",
)
