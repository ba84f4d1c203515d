"""Creation functions built from tensors, all differentiable: ``meshgrid`` (broadcasts),
``tril`` and ``triu`` (triangles of matrices, batched over leading dimensions).
"""

from __future__ import annotations

from typing import Any

from .._primitive import Op, primitive
from .._tensor import Tensor
from ._helpers import pick
from .manipulation import broadcast_to, reshape

__all__ = ["meshgrid", "tril", "triu"]
NOT_METHODS = ("meshgrid",)

# Both are linear and self-adjoint: the cotangent of a triangle is the same triangle
# of the output's cotangent.
_tril: Op = primitive(
    "tril", torch_name="Tril",
    forward=lambda xp, x, k: xp.tril(x, k=k),
    vjp=lambda xp, g, _ans, _x, k: xp.tril(g, k=k),
    jvp="linear",
)
_triu: Op = primitive(
    "triu", torch_name="Triu",
    forward=lambda xp, x, k: xp.triu(x, k=k),
    vjp=lambda xp, g, _ans, _x, k: xp.triu(g, k=k),
    jvp="linear",
)


def _triangle(op: str, prim: Op, x: Tensor, diagonal: Any, k: Any) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(x).__name__}")
    if x.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions")
    offset = pick(op, "k", k, "diagonal", diagonal, 0)
    if not isinstance(offset, int) or isinstance(offset, bool):
        raise TypeError(f"{op}: k must be an int, got {offset!r}")
    return prim(x, k=offset)


def tril(x: Tensor, /, diagonal: int | None = None, *, k: int | None = None) -> Tensor:
    """The lower triangle of the matrices in ``x``: entries above the ``k``-th diagonal
    become zero (``diagonal=`` is PyTorch's name for ``k``).

    >>> import autodiff as ad
    >>> ad.tril(ad.ones(3, 3), k=-1)
    tensor([[0., 0., 0.],
            [1., 0., 0.],
            [1., 1., 0.]])
    """
    return _triangle("tril", _tril, x, diagonal, k)


def triu(x: Tensor, /, diagonal: int | None = None, *, k: int | None = None) -> Tensor:
    """The upper triangle of the matrices in ``x``: entries below the ``k``-th diagonal
    become zero (``diagonal=`` is PyTorch's name for ``k``).

    >>> import autodiff as ad
    >>> ad.ones(2, 3).triu(1)
    tensor([[0., 1., 1.],
            [0., 0., 1.]])
    """
    return _triangle("triu", _triu, x, diagonal, k)


def meshgrid(*arrays: Tensor, indexing: str = "xy") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D tensors: each input broadcast along the others' axes.

    ``indexing="xy"`` (the standard's default) puts the first input along the columns
    and the second along the rows; ``"ij"`` (PyTorch's default) keeps the inputs' order.
    Gradients sum back over the broadcast axes. Returns a tuple, as the 2025.12 standard
    and PyTorch (2024.12 said a list).

    >>> import autodiff as ad
    >>> X, Y = ad.meshgrid(ad.tensor([1, 2, 3]), ad.tensor([4, 5]))
    >>> X
    tensor([[1, 2, 3],
            [1, 2, 3]])
    >>> Y
    tensor([[4, 4, 4],
            [5, 5, 5]])
    """
    if len(arrays) == 1 and isinstance(arrays[0], (list, tuple)):  # meshgrid([x, y])
        arrays = tuple(arrays[0])
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    for array in arrays:
        if not isinstance(array, Tensor):
            raise TypeError(f"meshgrid: expected Tensors, got {type(array).__name__}")
        if array.ndim > 1:
            raise ValueError(f"meshgrid: expected 0-d or 1-d tensors, got one of shape "
                             f"{array.shape}")
    shape = [array.numel() for array in arrays]
    axes = list(range(len(arrays)))
    if indexing == "xy" and len(arrays) > 1:
        shape[0], shape[1] = shape[1], shape[0]
        axes[0], axes[1] = 1, 0
    grids = []
    for array, axis in zip(arrays, axes, strict=True):
        view = [1] * len(arrays)
        view[axis] = -1
        grids.append(broadcast_to(reshape(array, tuple(view)), tuple(shape)))
    return tuple(grids)
