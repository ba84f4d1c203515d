"""Sorting functions (Array API chapter "Sorting Functions"): argsort and sort.

``sort`` is differentiable: its values are ``x`` gathered at the ``argsort`` indices, so
the gradient scatters back to where each value came from. Ties are ordered stably (by
position), so each of two equal elements gets the cotangent of its own sorted slot.
"""

from __future__ import annotations

from typing import Any

from .._primitive import Op, primitive
from .._tensor import Tensor
from ..return_types import sort as SortResult
from .comparison import complex_value
from .indexing import Along, _getitem
from .manipulation import one_axis, reshape

__all__ = ["argsort", "sort"]

def _argsort_forward(xp: Any, x: Any, axis: int, descending: bool, stable: bool) -> Any:
    if complex_value(xp, x):  # numpy would sort lexicographically
        raise RuntimeError("Sort does not support complex dtypes")
    return xp.argsort(x, axis=axis, descending=descending, stable=stable)


_argsort: Op = primitive("argsort", forward=_argsort_forward)


def _axis(op: str, x: Tensor, axis: int) -> int:
    if x.ndim == 0:
        return one_axis(op, axis, 1)
    return one_axis(op, axis, x.ndim)


def argsort(x: Tensor, _dim: int | None = None, /, *, axis: int = -1,
            descending: bool = False, stable: bool = True, dim: int | None = None) -> Tensor:
    """The indices that sort ``x`` along ``axis``; equal elements keep their order
    (``stable``), descending included. PyTorch's positional ``argsort(x, dim)`` works too.

    >>> import autodiff as ad
    >>> ad.argsort(ad.tensor([2.0, 1.0, 2.0, 0.0]), descending=True)
    tensor([0, 2, 1, 3])
    """
    dim = _dim if dim is None else dim
    axis = _axis("argsort", x, axis if dim is None else dim)
    if x.ndim == 0:
        return reshape(_argsort(reshape(x, 1), axis=0, descending=descending,
                                stable=stable), ())
    return _argsort(x, axis=axis, descending=descending, stable=stable)


def _sorted(x: Tensor, axis: int, descending: bool, stable: bool) -> SortResult:
    if x.ndim == 0:
        values, indices = _sorted(reshape(x, 1), 0, descending, stable)
        return SortResult(reshape(values, ()), reshape(indices, ()))
    indices = _argsort(x, axis=axis, descending=descending, stable=stable)
    values = _getitem(x, key=Along(axis, indices._array, node="SortBackward0"), shape=x.shape)
    return SortResult(values, indices)


def sort(x: Tensor, _dim: int | None = None, /, *, axis: int = -1, descending: bool = False,
         stable: bool = True, dim: int | None = None) -> Tensor:
    """``x`` sorted along ``axis`` (NaNs last, or first when descending); the gradient
    goes back to each value's original position.

    >>> import autodiff as ad
    >>> x = ad.tensor([3.0, 1.0, 2.0], requires_grad=True)
    >>> y = ad.sort(x)
    >>> (y * ad.tensor([1.0, 2.0, 3.0])).sum().backward(); y, x.grad
    (tensor([1., 2., 3.], grad_fn=<SortBackward0>), tensor([3., 1., 2.]))
    """
    dim = _dim if dim is None else dim
    if dim is not None:  # PyTorch's sort(x, dim=0) returns values and indices
        raise TypeError(
            f"autodiff.sort(x, dim={dim!r}) is ambiguous: PyTorch gives a (values, indices) "
            f"pair there, the Array API function autodiff.sort the values only. Write "
            f"x.sort(dim={dim!r}) or autodiff.torch.sort(x, dim={dim!r}) for PyTorch's "
            f"meaning, or autodiff.sort(x, axis={dim!r}) for the standard's")
    return _sorted(x, _axis("sort", x, axis), descending, stable).values


def _sort_method(self: Tensor, dim: int = -1, descending: bool = False, *,
                 stable: bool | None = None) -> SortResult:
    """PyTorch's ``x.sort()``: the named tuple ``(values, indices)``; always stable."""
    return _sorted(self, _axis("sort", self, dim), descending, True)


def _argsort_method(self: Tensor, dim: int = -1, descending: bool = False, *,
                    stable: bool | None = None) -> Tensor:
    return argsort(self, axis=dim, descending=descending)


#: PyTorch's method spellings (``x.sort(0)`` returns values and indices)
METHODS: dict[str, Any] = {"sort": _sort_method, "argsort": _argsort_method}
