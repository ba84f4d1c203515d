"""Diagonals: trace, diagonal and diag_embed (its transpose), all linear.

``diag_embed`` places a batch of vectors on the ``offset``-th diagonal of zero
matrices; it is the vjp of ``diagonal`` and ``diagonal`` is its vjp, so gradients
of any order stay in these two primitives. Its forward writes the diagonal through
one strided slice of the flattened matrix, which every Array API namespace supports.
"""

from __future__ import annotations

from typing import Any

from .. import _dtypes
from .._primitive import Op, primitive
from .._tensor import Tensor
from .manipulation import permute_dims

__all__ = ["diag_embed", "diagonal", "trace"]


def _diagonal_length(rows: int, cols: int, offset: int) -> int:
    return max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))


def _embed_forward(xp: Any, v: Any, offset: int, rows: int, cols: int) -> Any:
    batch = tuple(v.shape[:-1])
    out = xp.zeros(batch + (rows * cols,), dtype=v.dtype, device=getattr(v, "device", None))
    length = v.shape[-1]
    if length:
        start = offset if offset >= 0 else -offset * cols
        out[..., start:start + (length - 1) * (cols + 1) + 1:cols + 1] = v
    return xp.reshape(out, batch + (rows, cols))


_diagonal: Op = primitive(
    "diagonal", torch_name="Diagonal",
    forward=lambda xp, x, offset, rows, cols: xp.linalg.diagonal(x, offset=offset),
    vjp=lambda xp, g, _ans, _x, offset, rows, cols: xp.prim.diag_embed(
        g, offset=offset, rows=rows, cols=cols),
    jvp="linear",
    namespace="autodiff.linalg",
)
_diag_embed: Op = primitive(
    "diag_embed", torch_name="DiagEmbed",
    forward=_embed_forward,
    vjp=lambda xp, g, _ans, _v, offset, rows, cols: xp.prim.diagonal(
        g, offset=offset, rows=rows, cols=cols),
    jvp="linear",
)


def _trace_forward(xp: Any, x: Any, offset: int, dtype: str | None, rows: int,
                   cols: int) -> Any:
    return xp.linalg.trace(x, offset=offset, dtype=None if dtype is None else getattr(xp, dtype))


def _trace_vjp(xp: Any, g: Any, offset: int, rows: int, cols: int) -> Any:
    """``g[..., None, None]`` on the ``offset``-th diagonal of zero matrices: the trace's
    adjoint, built by diag_embed so that it is placed like ``g`` in either namespace."""
    length = _diagonal_length(rows, cols, offset)
    spread = xp.broadcast_to(xp.expand_dims(g, axis=-1), (*g.shape, length))
    return xp.prim.diag_embed(spread, offset=offset, rows=rows, cols=cols)


_trace: Op = primitive(
    "trace", torch_name="Trace",
    forward=_trace_forward,
    vjp=lambda xp, g, _ans, _x, offset, dtype, rows, cols: _trace_vjp(xp, g, offset, rows,
                                                                     cols),
    jvp="linear",
    namespace="autodiff.linalg",
)


def diagonal(x: Tensor, /, *, offset: int = 0) -> Tensor:
    """The ``offset``-th diagonal of each matrix in ``x`` (the last two axes).

    >>> import autodiff as ad
    >>> ad.linalg.diagonal(ad.tensor([[1.0, 2.0], [3.0, 4.0]]), offset=1)
    tensor([2.])
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"linalg.diagonal: expected a Tensor, got {type(x).__name__}")
    if x.ndim < 2:
        raise ValueError(f"linalg.diagonal: expected a tensor with at least 2 dimensions, got "
                         f"shape {x.shape}")
    return _diagonal(x, offset=int(offset), rows=x.shape[-2], cols=x.shape[-1])


def _torch_diagonal(x: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """PyTorch's ``x.diagonal(offset, dim1, dim2)``: the diagonal of the planes spanned
    by dim1 and dim2, as a new last axis."""
    ndim = x.ndim
    if ndim < 2:
        raise ValueError(f"diagonal: expected a tensor with at least 2 dimensions, got shape "
                         f"{x.shape}")
    first, second = dim1 % ndim, dim2 % ndim
    if first == second:
        raise ValueError(f"diagonal: dim1 and dim2 cannot be the same axis, got {dim1} and "
                         f"{dim2}")
    rest = [axis for axis in range(ndim) if axis not in (first, second)]
    order = (*rest, first, second)
    moved = x if order == tuple(range(ndim)) else permute_dims(x, order)
    return diagonal(moved, offset=offset)


def diag_embed(x: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices with the last axis of ``x`` on their ``offset``-th diagonal (PyTorch's
    ``diag_embed``; the new axes are the last two).

    >>> import autodiff as ad
    >>> ad.diag_embed(ad.tensor([1.0, 2.0]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"diag_embed: expected a Tensor, got {type(x).__name__}")
    if x.ndim < 1:
        raise ValueError("diag_embed: expected a tensor with at least 1 dimension, got a 0-d "
                         "tensor")
    ndim = x.ndim + 1
    if not (-ndim <= dim1 < ndim and -ndim <= dim2 < ndim):
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, "
                         f"{ndim - 1}], but got {dim1 if not -ndim <= dim1 < ndim else dim2})")
    first, second = dim1 % ndim, dim2 % ndim
    if first == second:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    size = x.shape[-1] + abs(offset)
    out = _diag_embed(x, offset=int(offset), rows=size, cols=size)
    if (first, second) == (ndim - 2, ndim - 1):
        return out
    # the matrices' axes moved to dim1 and dim2 (PyTorch's any-axes diag_embed)
    order = list(range(ndim - 2))
    for position, axis in sorted(((first, ndim - 2), (second, ndim - 1))):
        order.insert(position, axis)
    return permute_dims(out, tuple(order))


def trace(x: Tensor, /, *, offset: int = 0, dtype: Any = None) -> Tensor:
    """The sum of the ``offset``-th diagonal of each matrix in ``x``, in ``dtype`` if given.

    >>> import autodiff as ad
    >>> ad.linalg.trace(ad.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor(5.)
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"linalg.trace: expected a Tensor, got {type(x).__name__}")
    if x.ndim < 2:
        raise ValueError(f"linalg.trace: expected a tensor with at least 2 dimensions, got "
                         f"shape {x.shape}")
    name = None if dtype is None else _dtypes.to_dtype(dtype).name
    return _trace(x, offset=int(offset), dtype=name, rows=x.shape[-2], cols=x.shape[-1])


METHODS: dict[str, Any] = {"diagonal": _torch_diagonal}
