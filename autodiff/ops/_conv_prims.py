"""The three array primitives behind every convolution, closed under differentiation.

A convolution ``conv(x, w)`` is bilinear in its input and its weight. Its two adjoints
are convolutions too: ``conv_transpose(g, w)``, the adjoint in ``x`` (PyTorch's
transposed convolution), and ``conv_weight(x, g)``, the adjoint in ``w`` (the weight
gradient). Each rule of each of the three is one of the three again, so gradients of
any order, and forward mode (all three are bilinear), come without further code.

All three take the same geometry, for ``d`` spatial dimensions: ``stride``,
``dilation`` (``d`` ints each), ``padding`` (``d`` pairs ``(low, high)``; ``high`` may
be negative, which drops trailing input no window reads), ``groups``, ``size`` (the
spatial shape of the convolution's input) and ``kernel`` (its weight's spatial shape).
The rules need ``size`` and ``kernel`` as parameters because they do not read the
arrays whose shapes those are.

The forwards run on backend arrays through the standard namespace: im2col by strided
slicing (one slice per kernel offset, stacked), then one batched matmul; col2im adds the
slices back.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from .._device import device_of
from .._primitive import primitive

__all__: list[str] = []

Pairs = tuple[tuple[int, int], ...]
Ints = tuple[int, ...]


def out_size(size: Ints, kernel: Ints, stride: Ints, padding: Pairs, dilation: Ints
             ) -> Ints:
    """The spatial shape of a convolution's output."""
    return tuple((n + lo + hi - d * (k - 1) - 1) // s + 1 for n, k, s, (lo, hi), d
                 in zip(size, kernel, stride, padding, dilation, strict=True))


def pad_array(xp: Any, x: Any, padding: Pairs, value: float = 0.0) -> Any:
    """``x`` with its trailing ``len(padding)`` axes padded by ``value`` (a negative high
    pad is left out: no window reaches there)."""
    pads = [(lo, max(hi, 0)) for lo, hi in padding]
    if not any(lo or hi for lo, hi in pads):
        return x
    lead = x.ndim - len(pads)
    shape = tuple(x.shape[:lead]) + tuple(n + lo + hi for n, (lo, hi)
                                          in zip(x.shape[lead:], pads, strict=True))
    out = xp.full(shape, value, dtype=x.dtype, device=device_of(x))
    out[(...,) + tuple(slice(lo, lo + n) for n, (lo, _) in
                       zip(x.shape[lead:], pads, strict=True))] = x
    return out


def _offsets(kernel: Ints, stride: Ints, dilation: Ints, out: Ints) -> list[tuple[Any, ...]]:
    """One index per kernel offset (row-major): the strided slice of the padded input
    that the offset meets in every window."""
    return [(...,) + tuple(slice(o * d, o * d + s * (n - 1) + 1, s)
                           for o, s, d, n in zip(offset, stride, dilation, out, strict=True))
            for offset in itertools.product(*(range(k) for k in kernel))]


def im2col(xp: Any, x: Any, kernel: Ints, stride: Ints, padding: Pairs, dilation: Ints,
           value: float = 0.0) -> Any:
    """The windows of ``x`` (N, C, *size) as (N, C, K, *out), K = prod(kernel)."""
    out = out_size(tuple(x.shape[2:]), kernel, stride, padding, dilation)
    padded = pad_array(xp, x, padding, value)
    return xp.stack([padded[index] for index in _offsets(kernel, stride, dilation, out)],
                    axis=2)


def _conv(xp: Any, x: Any, w: Any, *, stride: Ints, padding: Pairs, dilation: Ints,
          groups: int, size: Ints, kernel: Ints) -> Any:
    n, c = x.shape[0], x.shape[1]
    o = w.shape[0]
    cols = im2col(xp, x, kernel, stride, padding, dilation)
    out = tuple(cols.shape[3:])
    cols = xp.reshape(cols, (n, groups, c // groups * math.prod(kernel), math.prod(out)))
    wm = xp.reshape(w, (groups, o // groups, c // groups * math.prod(kernel)))
    return xp.reshape(xp.matmul(wm, cols), (n, o) + out)


def _conv_transpose(xp: Any, g: Any, w: Any, *, stride: Ints, padding: Pairs,
                    dilation: Ints, groups: int, size: Ints, kernel: Ints) -> Any:
    n, o = g.shape[0], g.shape[1]
    c = w.shape[1] * groups
    out = tuple(g.shape[2:])
    k = math.prod(kernel)
    gm = xp.reshape(g, (n, groups, o // groups, math.prod(out)))
    wm = xp.reshape(w, (groups, o // groups, c // groups * k))
    cols = xp.reshape(xp.matmul(xp.matrix_transpose(wm), gm), (n, c, k) + out)
    # col2im: every kernel offset adds its slice back where im2col took it from
    shape = (n, c) + tuple(s + lo + max(hi, 0) for s, (lo, hi)
                           in zip(size, padding, strict=True))
    padded = xp.zeros(shape, dtype=cols.dtype, device=device_of(cols))
    for index, where in enumerate(_offsets(kernel, stride, dilation, out)):
        padded[where] += cols[:, :, index, ...]  # a view on numpy: added in place
    return padded[(...,) + tuple(slice(lo, lo + s) for s, (lo, _)
                                 in zip(size, padding, strict=True))]


def _conv_weight(xp: Any, x: Any, g: Any, *, stride: Ints, padding: Pairs, dilation: Ints,
                 groups: int, size: Ints, kernel: Ints) -> Any:
    n, c = x.shape[0], x.shape[1]
    o = g.shape[1]
    cols = im2col(xp, x, kernel, stride, padding, dilation)
    p = math.prod(cols.shape[3:])
    cols = xp.reshape(cols, (n, groups, c // groups * math.prod(kernel), p))
    gm = xp.reshape(g, (n, groups, o // groups, p))
    gw = xp.sum(xp.matmul(gm, xp.matrix_transpose(cols)), axis=0)
    return xp.reshape(gw, (o, c // groups) + kernel)


def _c(xp: Any, a: Any) -> Any:
    """``conj(a)`` for a complex ``a``: a complex bilinear op's rule conjugates the other
    operand (PyTorch's convention, as ``matmul``'s ``g @ b.mH``); a real one is as is."""
    return xp.conj(a) if xp.isdtype(a.dtype, "complex floating") else a


# conv(x, w): x's rule is the transposed convolution of g, w's the weight gradient
conv = primitive(
    "conv", torch_name="Convolution",
    forward=_conv,
    vjp=(lambda xp, g, _ans, _x, w, **p: xp.prim.conv_transpose(g, _c(xp, w), **p),
         lambda xp, g, _ans, x, _w, **p: xp.prim.conv_weight(_c(xp, x), g, **p)),
    jvp="multilinear", namespace="autodiff.ops.conv",
)
# conv_transpose(g, w), the adjoint of conv in x: <T(g, w), h> = <g, conv(h, w)>; its
# node is ConvolutionBackward0, as conv_transpose2d's is in PyTorch
conv_transpose = primitive(
    "conv_transpose", torch_name="Convolution",
    forward=_conv_transpose,
    vjp=(lambda xp, h, _ans, _g, w, **p: xp.prim.conv(h, _c(xp, w), **p),
         lambda xp, h, _ans, g, _w, **p: xp.prim.conv_weight(h, _c(xp, g), **p)),
    jvp="multilinear", namespace="autodiff.ops.conv",
)
# conv_weight(x, g), the adjoint of conv in w: <W(x, g), h> = <g, conv(x, h)>
conv_weight = primitive(
    "conv_weight", torch_name="ConvolutionBackward",
    forward=_conv_weight,
    vjp=(lambda xp, h, _ans, _x, g, **p: xp.prim.conv_transpose(_c(xp, g), h, **p),
         lambda xp, h, _ans, x, _g, **p: xp.prim.conv(_c(xp, x), h, **p)),
    jvp="multilinear", namespace="autodiff.ops.conv",
)
