"""Searching functions (Array API chapter "Searching Functions"): argmax, argmin,
count_nonzero, nonzero, searchsorted. Their outputs are integer tensors, so none has a
gradient; ``where`` lives with the elementwise functions.
"""

from __future__ import annotations

from typing import Any

from .. import _mode
from .._primitive import Op, primitive
from .._tensor import Tensor
from ._helpers import normalize_axes, pick
from .comparison import complex_value, real_only
from .joining import _promoted
from .manipulation import one_axis, permute_dims, reshape

__all__ = ["argmax", "argmin", "count_nonzero", "nonzero", "searchsorted"]
NOT_METHODS = ("searchsorted",)


def _arg_extremum(name: str) -> Op:
    def forward(xp: Any, x: Any, axis: Any, keepdims: bool) -> Any:
        if complex_value(xp, x):  # numpy would answer lexicographically
            raise RuntimeError(f"{name}(): does not support complex input")
        return getattr(xp, name)(x, axis=axis, keepdims=keepdims)
    return primitive(name, forward=forward)


_argmax, _argmin = _arg_extremum("argmax"), _arg_extremum("argmin")
_count_nonzero: Op = primitive(
    "count_nonzero",
    forward=lambda xp, x, axis, keepdims: xp.count_nonzero(x, axis=axis, keepdims=keepdims))
# One (ndim, N) array of coordinates: a primitive has one output.
_nonzero: Op = primitive(
    "nonzero", forward=lambda xp, x: xp.stack(xp.nonzero(x), axis=0))
def _searchsorted_forward(xp: Any, x1: Any, x2: Any, sorter: Any, side: str) -> Any:
    real_only(xp, "searchsorted", x1)  # sorted needs an order
    return xp.searchsorted(x1, x2, side=side, sorter=sorter)


_searchsorted: Op = primitive(
    "searchsorted",
    forward=_searchsorted_forward)


def _arg_reduction(op: Op, x: Tensor, axis: Any, keepdims: bool) -> Tensor:
    name = op.__name__
    if axis is None:
        if x.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        return op(x, axis=None, keepdims=keepdims)
    if x.ndim == 0:  # PyTorch: dim 0 or -1 of a 0-d tensor
        normalize_axes(name, axis, 0)
        return op(x, axis=None, keepdims=False)
    index = one_axis(name, axis, x.ndim)
    if x.shape[index] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {index} to have non-zero size.")
    return op(x, axis=index, keepdims=keepdims)


def argmax(x: Tensor, /, *, axis: int | None = None, keepdims: bool = False,
           dim: int | None = None, keepdim: bool | None = None) -> Tensor:
    """Index of the largest element along ``axis`` (of the flattened tensor by default);
    the first one among ties.

    >>> import autodiff as ad
    >>> ad.argmax(ad.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]), axis=1)
    tensor([1, 0])
    """
    axis = pick("argmax", "axis", axis, "dim", dim, None)
    keep = pick("argmax", "keepdims", keepdims or None, "keepdim", keepdim, False)
    return _arg_reduction(_argmax, x, axis, bool(keep))


def argmin(x: Tensor, /, *, axis: int | None = None, keepdims: bool = False,
           dim: int | None = None, keepdim: bool | None = None) -> Tensor:
    """Index of the smallest element along ``axis``; the first one among ties.

    >>> import autodiff as ad
    >>> ad.argmin(ad.tensor([3.0, 1.0, 1.0]))
    tensor(1)
    """
    axis = pick("argmin", "axis", axis, "dim", dim, None)
    keep = pick("argmin", "keepdims", keepdims or None, "keepdim", keepdim, False)
    return _arg_reduction(_argmin, x, axis, bool(keep))


def count_nonzero(x: Tensor, /, *, axis: Any = None, keepdims: bool = False,
                  dim: Any = None) -> Tensor:
    """The number of non-zero elements along ``axis`` (an int64 tensor).

    >>> import autodiff as ad
    >>> ad.count_nonzero(ad.tensor([[0, 1], [2, 3]]), axis=1)
    tensor([1, 2])
    """
    axes = normalize_axes("count_nonzero",
                          pick("count_nonzero", "axis", axis, "dim", dim, None), x.ndim)
    return _count_nonzero(x, axis=axes, keepdims=keepdims)


def nonzero(x: Tensor, /) -> tuple[Tensor, ...]:
    """The coordinates of the non-zero elements: one int64 tensor per axis, in
    row-major order (``torch.nonzero(x, as_tuple=True)``; the method ``x.nonzero()``
    returns PyTorch's ``(N, ndim)`` tensor instead).

    >>> import autodiff as ad
    >>> ad.nonzero(ad.tensor([[0, 1], [2, 0]]))
    (tensor([0, 1]), tensor([1, 0]))
    """
    if x.ndim == 0:
        raise ValueError("nonzero: expected a tensor with at least one dimension, got a "
                         "0-d tensor; reshape it to (1,) first")
    coordinates = _nonzero(x)
    return tuple(coordinates[axis] for axis in range(x.ndim))


def _nonzero_method(self: Tensor, *, as_tuple: bool = False) -> Any:
    """PyTorch's ``x.nonzero()``: an ``(N, ndim)`` tensor, or a tuple with ``as_tuple``."""
    if self.ndim == 0:
        # PyTorch reads a 0-d tensor as one element: a tuple of one index tensor, or an
        # (N, 0) tensor, N being 1 when the element is non-zero
        found = nonzero(reshape(self, (1,)))
        return found if as_tuple else permute_dims(found[0][None, ...], (1, 0))[:, :0]
    if as_tuple:
        return nonzero(self)
    return permute_dims(_nonzero(self), (1, 0))


def searchsorted(x1: Tensor, x2: Any, /, *, side: str | None = None, sorter: Any = None,
                 right: bool | None = None) -> Tensor:
    """Where the values ``x2`` go in the sorted 1-D ``x1`` to keep it sorted: the first
    such index (``side="left"``) or the last (``side="right"``, PyTorch's ``right=True``).
    ``sorter`` holds the indices that sort ``x1`` when ``x1`` itself is not sorted.

    >>> import autodiff as ad
    >>> ad.searchsorted(ad.tensor([1.0, 2.0, 2.0, 3.0]), ad.tensor([2.0, 0.0, 5.0]))
    tensor([1, 0, 4])
    """
    if side is None:
        side = "right" if right else "left"
    elif right is not None and (side == "right") != bool(right):
        raise ValueError(f"searchsorted: side={side!r} contradicts right={right!r}")
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if not isinstance(x1, Tensor) or x1.ndim != 1:
        raise ValueError(f"searchsorted: expected a 1-D sorted tensor x1, got "
                         f"{getattr(x1, 'shape', x1)!r}")
    if not isinstance(x2, Tensor):
        x2 = Tensor._wrap(_mode.from_data(x1._backend.asarray(x2, x1.dtype.name)),
                               x1._backend)
    if sorter is not None and (not isinstance(sorter, Tensor) or sorter.shape != x1.shape
                               or sorter.dtype.kind not in ("signed integer",
                                                            "unsigned integer")):
        raise ValueError(f"searchsorted: expected sorter as an integer tensor of shape "
                         f"{x1.shape}, got {getattr(sorter, 'shape', sorter)!r}")
    x1, x2 = _promoted([x1, x2])
    return _searchsorted(x1, x2, sorter, side=side)


def _torch_arg(op: Any) -> Any:
    def method(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return op(self, axis=dim, keepdims=keepdim)

    method.__name__ = op.__name__
    return method


#: PyTorch's method spellings (``x.argmax(1)``: dim positional)
METHODS: dict[str, Any] = {
    "argmax": _torch_arg(argmax),
    "argmin": _torch_arg(argmin),
    "count_nonzero": lambda self, dim=None: count_nonzero(self, axis=dim),
    "nonzero": _nonzero_method,
}
