"""Manipulation functions: reshape, permute_dims, broadcast_to, expand_dims and the
engine's reduction of a broadcast cotangent (``sum_to_shape``).

Rules that need an input's shape get it as a parameter recorded at call time,
so the graph never keeps an input's array alive just to read its shape.
"""

from __future__ import annotations

import operator
from typing import Any

from .._primitive import Op, primitive
from .._tensor import Tensor
from ._helpers import normalize_axes

__all__ = ["broadcast_to", "expand_dims", "matrix_transpose", "permute_dims", "reshape",
           "transpose"]


def _named(default: str) -> Any:
    """The node name: PyTorch names one op by the method that called it (``view``,
    ``unsqueeze``; ``permute``, ``transpose``, ``t``), passed as ``node=``."""
    return lambda *args, node=None, **params: node or default


_reshape: Op = primitive(
    "reshape", torch_name=_named("ViewBackward0"),
    forward=lambda xp, x, shape, source, node=None: xp.reshape(x, shape),
    vjp=lambda g, ans, x, shape, source, node=None: _reshape(g, shape=source, source=shape),
    jvp="linear",
)
_permute_dims: Op = primitive(
    "permute_dims", torch_name=_named("PermuteBackward0"),
    forward=lambda xp, x, axes, node=None: xp.permute_dims(x, axes),
    vjp=lambda g, ans, x, axes, node=None: _permute_dims(g, axes=_inverse(axes)),
    jvp="linear",
)
# The engine reduces the cotangent to the input's shape, so the rule is the identity.
_broadcast_to: Op = primitive(
    "broadcast_to", torch_name="Expand",
    forward=lambda xp, x, shape: xp.broadcast_to(x, shape),
    vjp=lambda g, ans, x, shape: g,
    jvp="linear",
)


def _inverse(axes: tuple[int, ...]) -> tuple[int, ...]:
    inverse = [0] * len(axes)
    for position, axis in enumerate(axes):
        inverse[axis] = position
    return tuple(inverse)


def reshape(x: Tensor, /, shape: Any, *more: int, copy: bool | None = None) -> Tensor:
    """Give ``x`` a new shape with the same number of elements (one size may be -1).

    >>> import autodiff as ad
    >>> ad.reshape(ad.arange(6), (2, 3)).shape
    (2, 3)
    """
    if more or isinstance(shape, int):
        shape = (shape, *more)
    try:
        target = tuple(operator.index(size) for size in shape)
    except TypeError:
        raise TypeError(f"reshape: expected a shape of ints, got {shape!r}") from None
    size = x.numel()
    known = 1
    for extent in target:
        if extent != -1:
            known *= extent
    if target.count(-1) > 1 or (target.count(-1) == 0 and known != size) or (
            -1 in target and (known == 0 or size % known)):
        raise RuntimeError(f"reshape: shape {list(target)} is invalid for input of size {size}")
    if -1 in target:
        target = tuple(size // known if extent == -1 else extent for extent in target)
    return _reshape(x, shape=target, source=x.shape)


def permute_dims(x: Tensor, /, axes: Any, *more: int) -> Tensor:
    """Reorder the axes of ``x`` (PyTorch's ``permute``).

    >>> import autodiff as ad
    >>> ad.permute_dims(ad.ones(2, 3, 4), (2, 0, 1)).shape
    (4, 2, 3)
    """
    if more or isinstance(axes, int):
        axes = (axes, *more)
    axes = tuple(operator.index(axis) % max(x.ndim, 1) for axis in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"permute_dims: axes {axes} are not a permutation of the "
                         f"{x.ndim} dimensions of a tensor of shape {x.shape}")
    return _permute_dims(x, axes=axes)


def transpose(x: Tensor, dim0: int, dim1: int, *, node: str = "TransposeBackward0") -> Tensor:
    """Swap two dimensions (PyTorch's ``transpose``).

    >>> import autodiff as ad
    >>> ad.transpose(ad.ones(2, 3), 0, 1).shape
    (3, 2)
    """
    axes = list(range(x.ndim))
    first, second = normalize_axes("transpose", dim0, x.ndim), normalize_axes(
        "transpose", dim1, x.ndim)
    assert first is not None and second is not None
    axes[first[0]], axes[second[0]] = axes[second[0]], axes[first[0]]
    return _permute_dims(x, axes=tuple(axes), node=node)


def matrix_transpose(x: Tensor, /) -> Tensor:
    """Swap the last two dimensions (``x.mT``).

    >>> import autodiff as ad
    >>> ad.matrix_transpose(ad.ones(5, 2, 3)).shape
    (5, 3, 2)
    """
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose: expected a tensor with at least 2 dimensions, "
                         f"got shape {x.shape}")
    return transpose(x, -2, -1)


def broadcast_to(x: Tensor, /, shape: Any) -> Tensor:
    """Broadcast ``x`` to ``shape``; the gradient sums back over the broadcast axes.

    >>> import autodiff as ad
    >>> ad.broadcast_to(ad.ones(3), (2, 3)).shape
    (2, 3)
    """
    target = tuple(shape)
    if x.shape == target:
        return x
    return _broadcast_to(x, shape=target)


def expand_dims(x: Tensor, /, axis: int = 0) -> Tensor:
    """Insert a dimension of size one at ``axis`` (PyTorch's ``unsqueeze``).

    >>> import autodiff as ad
    >>> ad.expand_dims(ad.ones(3), axis=0).shape
    (1, 3)
    """
    ndim = x.ndim + 1
    if not -ndim <= axis < ndim:
        raise IndexError(f"expand_dims: axis {axis} is out of range for a result of "
                         f"{ndim} dimensions")
    shape = list(x.shape)
    shape.insert(axis % ndim, 1)
    return _reshape(x, shape=tuple(shape), source=x.shape, node="UnsqueezeBackward0")


def restore_axes(g: Tensor, axes: tuple[int, ...] | None, keepdims: bool) -> Tensor:
    """Put back, as size-one dimensions, the axes a reduction removed."""
    if keepdims or axes is None:
        return g
    shape = list(g.shape)
    for axis in axes:
        shape.insert(axis, 1)
    return _reshape(g, shape=tuple(shape), source=g.shape)


def sum_to_shape(g: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Reduce a broadcast cotangent to ``shape`` (or broadcast a reduced one up to it)."""
    from .reductions import sum as sum_

    extra = g.ndim - len(shape)
    if extra < 0:  # a reduced cotangent (a 0-d one from a full sum) broadcasts up
        return _broadcast_to(g, shape=shape)
    if extra > 0:
        g = sum_(g, axis=tuple(range(extra)))
    axes = tuple(i for i, (have, want) in enumerate(zip(g.shape, shape, strict=True))
                 if want == 1 and have != 1)
    if axes:
        g = sum_(g, axis=axes, keepdims=True)
    if g.shape != shape:
        g = _broadcast_to(g, shape=shape)
    return g
