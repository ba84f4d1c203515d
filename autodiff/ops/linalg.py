"""Linear algebra, products and vector norms: matmul, dot, tensordot, vecdot, outer,
cross, vector_norm / norm.

matmul's rules handle the 1-D promotions of the standard (a vector on the left is
a row, on the right a column); batch broadcasting is undone by the engine. For
complex inputs every rule conjugates the other operand (PyTorch's convention:
the vjp of ``a @ b`` for ``a`` is ``g @ b^H``).
"""

from __future__ import annotations

import math
import operator
from typing import Any

from .._primitive import Op, primitive
from .._tensor import Tensor
from ._helpers import normalize_axes, pick
from ._linalg_util import conjugate, tensor_xp
from .manipulation import restore_axes

__all__ = ["cross", "dot", "matmul", "norm", "outer", "tensordot", "vecdot", "vector_norm"]
#: Array API functions PyTorch has no method for
NOT_METHODS = ("tensordot", "vecdot")


def _matmul_name(a: Any, b: Any) -> str:
    names = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (2, 2): "MmBackward0",
             (1, 2): "SqueezeBackward4"}
    return names.get((a.ndim, b.ndim), "UnsafeViewBackward0")


# The rules run on a backend's arrays and on tensors alike (``xp``, see _rules). a is
# read by the left rule for its ndim only, which the 1-D promotions depend on.
def _matmul_vjp_left(xp: Any, g: Any, _ans: Any, a: Any, b: Any) -> Any:
    b = conjugate(xp, b)  # PyTorch's convention for complex inputs: g @ b^H
    if a.ndim == 1 and b.ndim == 1:
        return g * b
    if a.ndim == 1:  # (k) @ (..., k, m) -> (..., m)
        return xp.matmul(xp.expand_dims(g, axis=-2), xp.matrix_transpose(b))[..., 0, :]
    if b.ndim == 1:  # (..., n, k) @ (k) -> (..., n)
        return xp.expand_dims(g, axis=-1) * b
    return xp.matmul(g, xp.matrix_transpose(b))


def _matmul_vjp_right(xp: Any, g: Any, _ans: Any, a: Any, b: Any) -> Any:
    a = conjugate(xp, a)  # a^H @ g
    if a.ndim == 1 and b.ndim == 1:
        return g * a
    if a.ndim == 1:  # (k) @ (..., k, m)
        return xp.expand_dims(a, axis=-1) * xp.expand_dims(g, axis=-2)
    if b.ndim == 1:  # (..., n, k) @ (k)
        return xp.matmul(xp.matrix_transpose(a), xp.expand_dims(g, axis=-1))[..., 0]
    if b.ndim == 2 and a.ndim > 2:  # a shared weight: one GEMM sums over the batch
        # the row count spelled out: -1 cannot be inferred when a's last axis is empty
        count = math.prod(a.shape[:-1])
        rows = xp.reshape(a, (count, a.shape[-1]))
        return xp.matmul(xp.matrix_transpose(rows), xp.reshape(g, (count, g.shape[-1])))
    return xp.matmul(xp.matrix_transpose(a), g)


_matmul = primitive(
    "matmul", torch_name=_matmul_name,
    forward=lambda xp, a, b: xp.matmul(a, b),
    vjp=(_matmul_vjp_left, _matmul_vjp_right),
    jvp="multilinear",
)


def matmul(x1: Tensor, x2: Tensor, /) -> Tensor:
    """Matrix product with the standard's 1-D and batch broadcasting rules.

    >>> import autodiff as ad
    >>> ad.matmul(ad.ones(2, 3), ad.ones(3))
    tensor([3., 3.])
    """
    for name, operand in (("x1", x1), ("x2", x2)):
        if not isinstance(operand, Tensor):
            raise TypeError(f"matmul: expected {name} to be a Tensor, got "
                            f"{type(operand).__name__}")
        if operand.ndim == 0:
            raise ValueError(f"matmul: both arguments need at least 1 dimension, got a 0-d "
                             f"tensor as {name}")
    inner1: int = x1.shape[-1]
    inner2 = x2.shape[0] if x2.ndim == 1 else x2.shape[-2]
    if inner1 != inner2:
        raise ValueError(f"matmul: shapes {x1.shape} and {x2.shape} cannot be multiplied "
                         f"({inner1} != {inner2})")
    return _matmul(x1, x2)


def dot(x1: Tensor, x2: Tensor, /) -> Tensor:
    """Inner product of two 1-D tensors of the same length (PyTorch's ``dot``).

    >>> import autodiff as ad
    >>> ad.dot(ad.tensor([1.0, 2.0]), ad.tensor([3.0, 4.0]))
    tensor(11.)
    """
    if x1.ndim != 1 or x2.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {x1.ndim}D and {x2.ndim}D tensors")
    if x1.shape != x2.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{x1.shape[0]}] and src "
                           f"[{x2.shape[0]}] to have the same number of elements, but got "
                           f"{x1.shape[0]} and {x2.shape[0]} elements respectively")
    return _matmul(x1, x2)


# -- tensordot, vecdot, outer, cross -------------------------------------------------------
def _reorder(xp: Any, out: Any, order: list[int]) -> Any:
    """``out`` whose axes hold input axes ``order``, permuted into the input's order."""
    axes = [order.index(axis) for axis in range(len(order))]
    return out if axes == sorted(axes) else xp.permute_dims(out, tuple(axes))


def _tensordot_vjp1(xp: Any, g: Any, _ans: Any, _x1: Any, x2: Any, axes: Any,
                    ndims: tuple[int, int]) -> Any:
    first, second = axes
    free1 = [i for i in range(ndims[0]) if i not in first]
    free2 = [j for j in range(ndims[1]) if j not in second]
    out = xp.tensordot(g, conjugate(xp, x2),
                       axes=(tuple(range(len(free1), len(free1) + len(free2))), tuple(free2)))
    # out's axes: x1's free axes, then x2's contracted axes (in x2's order) as x1's partners
    return _reorder(xp, out, free1 + [first[second.index(j)] for j in sorted(second)])


def _tensordot_vjp2(xp: Any, g: Any, _ans: Any, x1: Any, _x2: Any, axes: Any,
                    ndims: tuple[int, int]) -> Any:
    first, second = axes
    free1 = [i for i in range(ndims[0]) if i not in first]
    free2 = [j for j in range(ndims[1]) if j not in second]
    out = xp.tensordot(conjugate(xp, x1), g, axes=(tuple(free1), tuple(range(len(free1)))))
    return _reorder(xp, out, [second[first.index(i)] for i in sorted(first)] + free2)


_tensordot = primitive(
    "tensordot", torch_name="Tensordot",
    forward=lambda xp, x1, x2, axes, ndims: xp.tensordot(x1, x2, axes=axes),
    vjp=(_tensordot_vjp1, _tensordot_vjp2),
    jvp="multilinear",
)


def _contracted(x1: Tensor, x2: Tensor, axes: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """tensordot's ``axes`` as two tuples of non-negative axes, checked."""
    if isinstance(axes, int) or hasattr(axes, "__index__"):
        count = operator.index(axes)
        if not 0 <= count <= min(x1.ndim, x2.ndim):
            raise ValueError(f"tensordot: axes={count} must be between 0 and the smaller "
                             f"number of dimensions ({min(x1.ndim, x2.ndim)})")
        return tuple(range(x1.ndim - count, x1.ndim)), tuple(range(count))
    try:
        first, second = axes
    except (TypeError, ValueError):
        raise TypeError(f"tensordot: axes must be an int or a pair of axis sequences, got "
                        f"{axes!r}") from None
    pair = []
    for sequence, x in ((first, x1), (second, x2)):
        sequence = (sequence,) if isinstance(sequence, int) else tuple(sequence)
        if sequence and x.ndim == 0:
            raise IndexError(f"tensordot: a 0-d tensor has no axis {sequence[0]!r}")
        normalize_axes("tensordot", sequence, x.ndim)  # range, type and repeat checks
        pair.append(tuple(operator.index(axis) % x.ndim for axis in sequence))
    if len(pair[0]) != len(pair[1]):
        raise ValueError(f"tensordot: axes {axes!r} name {len(pair[0])} and {len(pair[1])} "
                         "axes; they must be pairs")
    return pair[0], pair[1]


def tensordot(x1: Tensor, x2: Tensor, /, *, axes: Any = 2, dims: Any = None) -> Tensor:
    """Sum the products of ``x1`` and ``x2`` over the axes named by ``axes`` (the last
    ``axes`` of x1 with the first of x2 for an int; ``dims`` is PyTorch's spelling).

    >>> import autodiff as ad
    >>> ad.tensordot(ad.ones(2, 3), ad.ones(3, 4), axes=1).shape
    (2, 4)
    """
    for name, operand in (("x1", x1), ("x2", x2)):
        if not isinstance(operand, Tensor):
            raise TypeError(f"tensordot: expected {name} to be a Tensor, got "
                            f"{type(operand).__name__}")
    first, second = _contracted(x1, x2, axes if dims is None else dims)
    from .reductions import sum as sum_

    for i, j in zip(first, second, strict=True):
        # as PyTorch, a contracted axis of size 1 meets any size: the other is summed
        if x1.shape[i] == 1 and x2.shape[j] != 1:
            x2 = sum_(x2, axis=j, keepdims=True)
        elif x2.shape[j] == 1 and x1.shape[i] != 1:
            x1 = sum_(x1, axis=i, keepdims=True)
        if x1.shape[i] != x2.shape[j]:
            raise ValueError(f"tensordot: contracted axes have different sizes: axis {i} of "
                             f"x1 {x1.shape} and axis {j} of x2 {x2.shape}")
    return _tensordot(x1, x2, axes=(first, second), ndims=(x1.ndim, x2.ndim))


# vecdot conjugates its first argument: sum(conj(x1) * x2).
_vecdot = primitive(
    "vecdot", torch_name="LinalgVecdot",
    forward=lambda xp, x1, x2, axis: xp.vecdot(x1, x2, axis=axis),
    vjp=(lambda xp, g, _ans, _x1, x2, axis: xp.expand_dims(conjugate(xp, g), axis=axis) * x2,
         lambda xp, g, _ans, x1, _x2, axis: xp.expand_dims(g, axis=axis) * x1),
    jvp="multilinear",
)


def _vector_axis(op: str, x1: Tensor, x2: Tensor, axis: int, size: int | None = None) -> int:
    """The axis of a vector op as a negative int (counted on the broadcast shape), checked
    to be present, unbroadcast and of equal size (``size`` when given) in both."""
    ndim = max(x1.ndim, x2.ndim)
    if not -ndim <= axis < ndim:
        raise IndexError(f"{op}: axis {axis} is out of range for inputs of shapes {x1.shape} "
                         f"and {x2.shape}")
    axis = axis - ndim if axis >= 0 else axis
    if -axis > min(x1.ndim, x2.ndim) or x1.shape[axis] != x2.shape[axis] or (
            size is not None and x1.shape[axis] != size):
        want = f"size {size}" if size is not None else "the same size"
        raise ValueError(f"{op}: expected both inputs to have {want} along axis {axis}, got "
                         f"shapes {x1.shape} and {x2.shape}")
    return axis


def vecdot(x1: Tensor, x2: Tensor, /, *, axis: int = -1, dim: int | None = None) -> Tensor:
    """The dot product ``sum(conj(x1) * x2)`` along ``axis``, broadcasting the others.

    >>> import autodiff as ad
    >>> ad.vecdot(ad.tensor([[1.0, 2.0], [3.0, 4.0]]), ad.tensor([1.0, 1.0]))
    tensor([3., 7.])
    """
    axis = pick("vecdot", "axis", None if axis == -1 else axis, "dim", dim, -1)
    return _vecdot(x1, x2, axis=_vector_axis("vecdot", x1, x2, axis))


_outer = primitive(
    "outer", torch_name="Outer",
    forward=lambda xp, x1, x2: xp.linalg.outer(x1, x2),
    vjp=(lambda xp, g, _ans, _x1, x2: xp.matmul(g, conjugate(xp, x2)),
         lambda xp, g, _ans, x1, _x2: xp.matmul(conjugate(xp, x1), g)),
    jvp="multilinear",
)


def outer(x1: Tensor, x2: Tensor, /) -> Tensor:
    """The outer product of two vectors.

    >>> import autodiff as ad
    >>> ad.linalg.outer(ad.tensor([1.0, 2.0]), ad.tensor([1.0, 0.0, -1.0]))
    tensor([[ 1.,  0., -1.],
            [ 2.,  0., -2.]])
    """
    if not (isinstance(x1, Tensor) and isinstance(x2, Tensor)) or x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(f"linalg.outer: expected two 1-D tensors, got "
                         f"{getattr(x1, 'shape', type(x1).__name__)} and "
                         f"{getattr(x2, 'shape', type(x2).__name__)}")
    return _outer(x1, x2)


_cross: Op = primitive(
    "cross", torch_name="LinalgCross",
    forward=lambda xp, x1, x2, axis: xp.linalg.cross(x1, x2, axis=axis),
    vjp=(lambda xp, g, _ans, _x1, x2, axis: xp.prim.cross(conjugate(xp, x2), g, axis=axis),
         lambda xp, g, _ans, x1, _x2, axis: xp.prim.cross(g, conjugate(xp, x1), axis=axis)),
    jvp="multilinear",
    namespace="autodiff.linalg",
)


def cross(x1: Tensor, x2: Tensor, /, *, axis: int = -1, dim: int | None = None) -> Tensor:
    """The cross product of 3-vectors along ``axis``, broadcasting the other axes.

    >>> import autodiff as ad
    >>> ad.linalg.cross(ad.tensor([1.0, 0.0, 0.0]), ad.tensor([0.0, 1.0, 0.0]))
    tensor([0., 0., 1.])
    """
    axis = pick("cross", "axis", None if axis == -1 else axis, "dim", dim, -1)
    return _cross(x1, x2, axis=_vector_axis("linalg.cross", x1, x2, axis, size=3))


# -- vector norms ---------------------------------------------------------------------------
def _norm_vjp(xp: Any, g: Any, ans: Any, x: Any, axis: Any, keepdims: bool,
              ord: float) -> Any:
    g = restore_axes(xp, g, axis, keepdims)
    norm = restore_axes(xp, ans, axis, keepdims)
    if ord == 2:
        # x / |x|, with 0 where the norm is 0 (PyTorch's subgradient).
        return g * xp.where(norm == 0, 0.0, x / xp.where(norm == 0, 1.0, norm))
    if ord == 1:
        return g * xp.sign(x)
    if ord == 0:
        return g * 0.0 * x
    if math.isinf(ord):
        # the extreme entries share the gradient evenly, as amax/amin do
        # (0.0 as an array of the norm's dtype: a where of two Python numbers is not
        # standard)
        hits = xp.where(xp.abs(x) == norm, 1.0, xp.zeros_like(norm))
        count = xp.sum(hits, axis=axis, keepdims=True)
        return g * xp.sign(x) * hits / count
    safe = xp.where(norm == 0, 1.0, norm)
    scaled = xp.abs(x) ** (ord - 1) / safe ** (ord - 1)
    return xp.where(norm == 0, 0.0, g * xp.sign(x) * scaled)


def _norm_jvp(tangents: tuple[Any, ...], ans: Tensor, x: Tensor, axis: Any, keepdims: bool,
              ord: float) -> Tensor:
    from .creation import ones_like
    from .reductions import sum as sum_

    slope = _norm_vjp(tensor_xp(), ones_like(ans), ans, x, axis=axis, keepdims=keepdims,
                      ord=ord)
    return sum_(slope * tangents[0], axis=axis, keepdims=keepdims)


_vector_norm = primitive(
    "vector_norm", torch_name="LinalgVectorNorm",
    forward=lambda xp, x, axis, keepdims, ord: xp.linalg.vector_norm(
        x, axis=axis, keepdims=keepdims, ord=ord),
    vjp=_norm_vjp,
    jvp=_norm_jvp,
    namespace="autodiff.linalg",
)


def vector_norm(x: Tensor, /, *, axis: Any = None, keepdims: bool = False,
                ord: float = 2) -> Tensor:
    """The ``ord``-norm of ``x`` over ``axis`` (all elements by default).

    At a zero vector the 2-norm's gradient is 0, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.linalg.vector_norm(ad.tensor([3.0, 4.0]))
    tensor(5.)
    """
    if not x.dtype.is_differentiable:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor "
                           f"as input. Got {x.dtype.name}")
    axes = normalize_axes("vector_norm", axis, x.ndim)
    return _vector_norm(x, axis=axes, keepdims=bool(keepdims), ord=float(ord))


def norm(x: Tensor, p: float | str = "fro", dim: Any = None, keepdim: bool = False,
         dtype: Any = None, *, axis: Any = None, keepdims: bool | None = None) -> Tensor:
    """PyTorch's ``norm``: the 2-norm of all elements by default, else the p-norm over dim.

    >>> import autodiff as ad
    >>> ad.tensor([3.0, 4.0]).norm()
    tensor(5.)
    """
    order = 2.0 if p in ("fro", None) else p
    if isinstance(order, str):
        raise ValueError(f"norm: unsupported norm type {p!r}; expected a number or 'fro'")
    if dtype is not None:
        x = x.astype(dtype)
    return vector_norm(x, axis=pick("norm", "axis", axis, "dim", dim, None),
                       keepdims=bool(pick("norm", "keepdims", keepdims, "keepdim", keepdim,
                                          False)), ord=float(order))
