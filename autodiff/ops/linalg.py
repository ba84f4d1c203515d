"""Linear algebra: matmul, dot, vector_norm / norm.

matmul's rules handle the 1-D promotions of the standard (a vector on the left is
a row, on the right a column); batch broadcasting is undone by the engine.
"""

from __future__ import annotations

import math
from typing import Any

from .._primitive import primitive
from .._tensor import Tensor
from ._helpers import normalize_axes, pick
from .elementwise import abs as abs_
from .elementwise import sign, where
from .manipulation import expand_dims, matrix_transpose, reshape, restore_axes

__all__ = ["dot", "matmul", "norm", "vector_norm"]


def _matmul_name(a: Any, b: Any) -> str:
    names = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (2, 2): "MmBackward0",
             (1, 2): "SqueezeBackward4"}
    return names.get((a.ndim, b.ndim), "UnsafeViewBackward0")


def _matmul_vjp_left(g: Tensor, ans: Any, a: Tensor, b: Tensor) -> Tensor:
    if a.ndim == 1 and b.ndim == 1:
        return g * b
    if a.ndim == 1:  # (k) @ (..., k, m) -> (..., m)
        row = matmul(expand_dims(g, axis=-2), matrix_transpose(b))
        return reshape(row, row.shape[:-2] + row.shape[-1:])
    if b.ndim == 1:  # (..., n, k) @ (k) -> (..., n)
        return expand_dims(g, axis=-1) * b
    return matmul(g, matrix_transpose(b))


def _matmul_vjp_right(g: Tensor, ans: Any, a: Tensor, b: Tensor) -> Tensor:
    if a.ndim == 1 and b.ndim == 1:
        return g * a
    if a.ndim == 1:  # (k) @ (..., k, m)
        return expand_dims(a, axis=-1) * expand_dims(g, axis=-2)
    if b.ndim == 1:  # (..., n, k) @ (k)
        column = matmul(matrix_transpose(a), expand_dims(g, axis=-1))
        return reshape(column, column.shape[:-1])
    return matmul(matrix_transpose(a), g)


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


def _norm_vjp(g: Tensor, ans: Tensor, x: Tensor, axis: Any, keepdims: bool,
              ord: float) -> Tensor:  # noqa: A002
    g = restore_axes(g, axis, keepdims)
    norm = restore_axes(ans, axis, keepdims)
    if ord == 2:
        # x / |x|, with 0 where the norm is 0 (PyTorch's subgradient).
        return g * where(norm == 0, 0.0, x / where(norm == 0, 1.0, norm))
    if ord == 1:
        return g * sign(x)
    if ord == 0:
        return g * 0.0 * x
    if math.isinf(ord):
        # the extreme entries share the gradient evenly, as amax/amin do
        hits = where(abs_(x) == norm, 1.0, 0.0)
        from .reductions import sum as sum_

        count = sum_(hits, axis=axis, keepdims=True)
        return g * sign(x) * hits / count
    safe = where(norm == 0, 1.0, norm)
    scaled = abs_(x) ** (ord - 1) / safe ** (ord - 1)
    return where(norm == 0, 0.0, g * sign(x) * scaled)


def _norm_jvp(tangents: tuple[Any, ...], ans: Tensor, x: Tensor, axis: Any, keepdims: bool,
              ord: float) -> Tensor:  # noqa: A002
    from .creation import ones_like
    from .reductions import sum as sum_

    slope = _norm_vjp(ones_like(ans), ans, x, axis, keepdims, ord)
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
                ord: float = 2) -> Tensor:  # noqa: A002
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
