"""Statistical functions beyond sum and mean (in ``reductions.py``): max, min, prod,
std, var, and PyTorch's amax, amin and the ``x.max(dim)`` family.

Conventions at the non-smooth points follow PyTorch:

* ``max``/``min``/``amax``/``amin``: the gradient is split evenly among tied extrema.
  A reduction over every axis with no axis given (``max(x)``, ``x.max()``) treats NaN
  as the extremum and splits among the NaNs; with axes, a NaN result gives NaN
  gradients (PyTorch's ``amax``). ``x.max(dim)`` sends the whole gradient to the
  element its ``indices`` name (the first extremum).
* ``prod``: the gradient of each element is the product of the others, exact with
  zeros (one zero: only that element gets a gradient; two: none does).
* ``std``: where the standard deviation is 0 the gradient is 0.
"""

from __future__ import annotations

import math
from typing import Any

from .. import return_types
from .._primitive import Op, primitive
from .._rules import tensor_namespace
from .._tensor import Tensor
from ._helpers import normalize_axes, pick
from .comparison import complex_value
from .datatypes import astype
from .indexing import Along, _getitem
from .manipulation import _inverse, _squeeze, one_axis, reshape, restore_axes
from .reductions import _numbered
from .reductions import sum as sum_
from .searching import argmax, argmin

__all__ = ["amax", "amin", "max", "min", "prod", "std", "var"]


def _share(xp: Any, ans: Any, x: Any, axis: Any, keepdims: bool, nans: bool) -> Any:
    """d(extremum)/dx: 1/k on the k elements equal to it, 0 elsewhere (a constant)."""
    value = restore_axes(xp, ans, axis, keepdims)
    mask = xp.equal(x, value)
    if nans:
        mask = xp.logical_or(mask, xp.logical_and(xp.isnan(x), xp.isnan(value)))
    weight = xp.astype(mask, x.dtype)
    return weight / xp.sum(weight, axis=axis, keepdims=True)


def _ordered(xp: Any, name: str, x: Any) -> Any:
    """``x``, refused if complex for max or min: complex numbers have no order (PyTorch's
    message; numpy would answer lexicographically)."""
    if complex_value(xp, x):
        raise RuntimeError(f"{name}(): does not support complex input")
    return x


def _extremum(name: str) -> Op:
    stem = name.capitalize()
    return primitive(
        name,
        torch_name=lambda x, axis, keepdims, nans: (
            f"{stem}Backward1" if nans else f"A{name}Backward0"),
        forward=lambda xp, x, axis, keepdims, nans: getattr(xp, name)(
            _ordered(xp, name, x), axis=axis, keepdims=keepdims),
        vjp=lambda xp, g, ans, x, axis, keepdims, nans: restore_axes(
            xp, g, axis, keepdims) * _share(xp, ans, x, axis, keepdims, nans),
        jvp=lambda tangents, ans, x, axis, keepdims, nans: sum_(
            tangents[0] * _share(tensor_namespace(), ans, x, axis, keepdims, nans),
            axis=axis, keepdims=keepdims),
    )


_max, _min = _extremum("max"), _extremum("min")


def _reduce_extremum(op: Op, name: str, x: Tensor, axis: Any, keepdims: bool,
                     nans: bool) -> Tensor:
    axes = normalize_axes(name, axis, x.ndim)
    if x.numel() == 0:
        if axes is None:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the "
                               "'dim' argument.")
        for index in axes:
            if x.shape[index] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {index} to have "
                                 "non-zero size.")
    return op(x, axis=axes, keepdims=keepdims, nans=nans and axes is None)


# -- PyTorch spellings PyTorch reads differently ------------------------------------------
_PYTORCH_READS = {
    "max": "a (values, indices) pair", "min": "a (values, indices) pair",
    "std": "the unbiased estimate (correction=1)", "var": "the unbiased estimate (correction=1)",
}


def _read_differently(name: str, dim: Any, keepdim: Any) -> None:
    """Refuse ``max(x, dim=1)`` and the like: spelled as PyTorch spells it, the call
    means something else in PyTorch than in this Array API function, so neither reading
    is taken silently."""
    if dim is None and keepdim is None:
        return
    given = f"dim={dim!r}" if dim is not None else f"keepdim={keepdim!r}"
    # (a positional dim is reported as dim=: autodiff.max(x, 1) is torch.max(x, dim=1))
    hint = " or pass correction= explicitly" if name in ("std", "var") else ""
    raise TypeError(
        f"autodiff.{name}(x, {given}) is ambiguous: PyTorch gives {_PYTORCH_READS[name]} "
        f"there, the Array API function autodiff.{name} does not. Write x.{name}({given}) "
        f"or autodiff.torch.{name}(x, {given}) for PyTorch's meaning, or "
        f"autodiff.{name}(x, axis=...){hint} for the standard's")


def max(
    x: Tensor, _dim: Any = None, /, *, axis: Any = None, keepdims: bool = False,
    dim: Any = None, keepdim: bool | None = None,
) -> Tensor:
    """The largest value along ``axis`` (all axes by default); tied maxima share the
    gradient evenly.

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 3.0, 3.0], requires_grad=True)
    >>> ad.max(x).backward(); x.grad
    tensor([0.0000, 0.5000, 0.5000])
    """
    _read_differently("max", _dim if dim is None else dim, keepdim)
    return _reduce_extremum(_max, "max", x, axis, keepdims, nans=axis is None)


def min(
    x: Tensor, _dim: Any = None, /, *, axis: Any = None, keepdims: bool = False,
    dim: Any = None, keepdim: bool | None = None,
) -> Tensor:
    """The smallest value along ``axis``; tied minima share the gradient evenly.

    >>> import autodiff as ad
    >>> ad.min(ad.tensor([[1.0, 3.0], [0.0, 2.0]]), axis=1)
    tensor([1., 0.])
    """
    _read_differently("min", _dim if dim is None else dim, keepdim)
    return _reduce_extremum(_min, "min", x, axis, keepdims, nans=axis is None)


def amax(x: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """PyTorch's ``amax``: ``max`` over ``dim`` (every axis for ``()``).

    >>> import autodiff as ad
    >>> ad.amax(ad.tensor([[1.0, 3.0], [4.0, 2.0]]), 0)
    tensor([4., 3.])
    """
    return _reduce_extremum(_max, "amax", x, None if dim == () else dim, keepdim, nans=False)


def amin(x: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """PyTorch's ``amin``: ``min`` over ``dim`` (every axis for ``()``).

    >>> import autodiff as ad
    >>> ad.amin(ad.tensor([[1.0, 3.0], [4.0, 2.0]]), 1, keepdim=True)
    tensor([[1.],
            [2.]])
    """
    return _reduce_extremum(_min, "amin", x, None if dim == () else dim, keepdim, nans=False)


def _with_indices(name: str, x: Tensor, dim: Any, keepdim: bool) -> Any:
    """``x.max(dim)``: values and indices; the gradient goes to the indexed element."""
    if isinstance(dim, Tensor):
        raise TypeError(f"{name}(other): the elementwise form is not part of this method; "
                        f"use autodiff.{name}imum(x, other)")
    if x.ndim == 0:
        normalize_axes(name, dim, 0)
        x, dim, keepdim = reshape(x, 1), 0, False
    axis = one_axis(name, dim, x.ndim)
    if x.shape[axis] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")
    indices = (argmax if name == "max" else argmin)(x, axis=axis, keepdims=True)
    key = Along(axis, indices._array, squeeze=not keepdim, node=f"{name.capitalize()}Backward0")
    values = _getitem(x, key=key, shape=x.shape)
    if not keepdim:
        indices = _squeeze(indices, (axis,), "SqueezeBackward1")
    return getattr(return_types, name)(values, indices)


def _torch_extremum(name: str, reduce: Any) -> Any:
    def method(self: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
        if dim is None:
            return reduce(self)
        return _with_indices(name, self, dim, keepdim)

    method.__name__ = name
    return method


def _prod_partials(xp: Any, ans: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    """d(prod)/dx: the product of the other elements. Without zeros that is prod/x;
    with zeros, the product of exclusive running products from both ends.

    The branch reads a value (whether ``x`` has a zero), which rules otherwise avoid:
    prod/x is one pass where the running products take two scans and two transposes,
    and it rounds as PyTorch's gradient does, so the common case keeps it for the
    price of reading one bool."""
    if not bool(xp.any(x == 0)):
        return restore_axes(xp, ans, axis, keepdims) / x
    axes = tuple(range(x.ndim)) if axis is None else axis
    order = (*(d for d in range(x.ndim) if d not in axes), *axes)
    moved = xp.permute_dims(x, order)
    flat = xp.reshape(moved, moved.shape[:x.ndim - len(axes)] + (-1,))
    left = xp.cumulative_prod(flat, axis=-1, include_initial=True)[..., :-1]
    right = xp.cumulative_prod(xp.flip(flat, axis=-1), axis=-1, include_initial=True)[..., :-1]
    return xp.permute_dims(xp.reshape(left * xp.flip(right, axis=-1), moved.shape),
                           _inverse(order))


_prod: Op = primitive(
    "prod", torch_name=_numbered("Prod"),
    forward=lambda xp, x, axis, keepdims: xp.prod(x, axis=axis, keepdims=keepdims),
    vjp=lambda xp, g, ans, x, axis, keepdims: restore_axes(
        xp, g, axis, keepdims) * _prod_partials(xp, ans, x, axis, keepdims),
    jvp=lambda tangents, ans, x, axis, keepdims: sum_(
        tangents[0] * _prod_partials(tensor_namespace(), ans, x, axis, keepdims), axis=axis,
        keepdims=keepdims),
    holomorphic=True,
)


def prod(
    x: Tensor, _dim: Any = None, /, *, axis: Any = None, dtype: Any = None,
    keepdims: bool = False, dim: Any = None, keepdim: bool | None = None,
) -> Tensor:
    """The product over ``axis`` (all axes by default); the gradient is exact with zeros.
    PyTorch's positional ``prod(x, dim)`` works too.

    >>> import autodiff as ad
    >>> x = ad.tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> ad.prod(x).backward(); x.grad
    tensor([0., 6., 0.])
    """
    dim = _dim if dim is None else dim
    axes = normalize_axes("prod", pick("prod", "axis", axis, "dim", dim, None), x.ndim)
    keep = bool(pick("prod", "keepdims", keepdims or None, "keepdim", keepdim, False))
    if dtype is not None:
        x = astype(x, dtype)
    elif x.dtype.kind in ("bool", "signed integer"):
        x = astype(x, "int64")  # as sum: PyTorch multiplies bools and small ints in int64
    return _prod(x, axis=axes, keepdims=keep)


def _centered(xp: Any, x: Any, axis: Any) -> Any:
    return x - xp.mean(x, axis=axis, keepdims=True)


def _per_dof(numerator: float, count: int, correction: float) -> float:
    dof = count - correction
    return numerator / dof if dof > 0 else math.inf  # PyTorch: max(0, N - correction)


def _std_share(xp: Any, ans: Any, x: Any, axis: Any, correction: float, keepdims: bool,
               count: int) -> Any:
    """d(std)/dx = (x - mean) / (dof * std), and 0 where std is 0 (PyTorch)."""
    std = restore_axes(xp, ans, axis, keepdims)
    flat = std == 0
    share = _centered(xp, x, axis) * _per_dof(1.0, count, correction) / xp.where(
        flat, 1.0, std)
    return xp.where(flat, 0.0, share)


def _spread_forward(spread: Any, x: Any, axis: Any, correction: float, keepdims: bool,
                    count: int) -> Any:
    """``xp.var``/``xp.std``; with no degrees of freedom left, PyTorch's inf (nan for
    0/0), whatever the library gives there (cupy gives nan)."""
    if count - correction > 0:
        return spread(x, axis=axis, correction=correction, keepdims=keepdims)
    return spread(x, axis=axis, correction=0, keepdims=keepdims) * math.inf


_var: Op = primitive(
    "var", torch_name="Var",
    forward=lambda xp, x, axis, correction, keepdims, count: _spread_forward(
        xp.var, x, axis, correction, keepdims, count),
    vjp=lambda xp, g, _ans, x, axis, correction, keepdims, count: restore_axes(
        xp, g, axis, keepdims) * _centered(xp, x, axis) * _per_dof(2.0, count, correction),
    jvp=lambda tangents, ans, x, axis, correction, keepdims, count: sum_(
        tangents[0] * _centered(tensor_namespace(), x, axis), axis=axis,
        keepdims=keepdims) * _per_dof(2.0, count, correction),
)
_std: Op = primitive(
    "std", torch_name="Std",
    forward=lambda xp, x, axis, correction, keepdims, count: _spread_forward(
        xp.std, x, axis, correction, keepdims, count),
    vjp=lambda xp, g, ans, x, axis, correction, keepdims, count: restore_axes(
        xp, g, axis, keepdims) * _std_share(xp, ans, x, axis, correction, keepdims, count),
    jvp=lambda tangents, ans, x, axis, correction, keepdims, count: sum_(
        tangents[0] * _std_share(tensor_namespace(), ans, x, axis, correction, keepdims,
                                 count), axis=axis, keepdims=keepdims),
)


def _spread(op: Op, name: str, x: Tensor, axis: Any, correction: Any, keepdims: bool,
            unbiased: bool | None) -> Tensor:
    if unbiased is not None:
        if correction is not None:
            raise TypeError(f"{name}: got both correction= and unbiased=; pass one")
        correction = 1 if unbiased else 0
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"{name}: std and var only support floating point dtypes, got "
                           f"{x.dtype.name}")
    axes = normalize_axes(name, axis, x.ndim)
    count = x.numel() if axes is None else math.prod(x.shape[i] for i in axes)
    return op(x, axis=axes, correction=correction or 0, keepdims=keepdims, count=count)


def var(x: Tensor, _dim: Any = None, /, *, axis: Any = None,
        correction: float | None = None, keepdims: bool = False, dim: Any = None,
        keepdim: bool | None = None,
        unbiased: bool | None = None) -> Tensor:
    """The variance over ``axis``: the mean squared deviation, divided by
    ``N - correction`` instead of ``N`` (the standard's default ``correction=0``;
    ``unbiased=True`` is ``correction=1``, the default of the method ``x.var()``).

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 2.0, 6.0])
    >>> ad.var(x), ad.var(x, correction=1), x.var()
    (tensor(4.6667), tensor(7.), tensor(7.))
    """
    dim = _dim if dim is None else dim
    if correction is None and unbiased is None:
        _read_differently("var", dim, keepdim)
    axis = pick("var", "axis", axis, "dim", dim, None)
    keep = bool(pick("var", "keepdims", keepdims or None, "keepdim", keepdim, False))
    return _spread(_var, "var", x, axis, correction, keep, unbiased)


def std(x: Tensor, _dim: Any = None, /, *, axis: Any = None,
        correction: float | None = None, keepdims: bool = False, dim: Any = None,
        keepdim: bool | None = None,
        unbiased: bool | None = None) -> Tensor:
    """The standard deviation over ``axis`` (see ``var`` for ``correction``); where it
    is 0 its gradient is 0, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.std(ad.tensor([1.0, 3.0])), ad.tensor([1.0, 3.0]).std()
    (tensor(1.), tensor(1.4142))
    """
    dim = _dim if dim is None else dim
    if correction is None and unbiased is None:
        _read_differently("std", dim, keepdim)
    axis = pick("std", "axis", axis, "dim", dim, None)
    keep = bool(pick("std", "keepdims", keepdims or None, "keepdim", keepdim, False))
    return _spread(_std, "std", x, axis, correction, keep, unbiased)


def _torch_spread(op: Op, name: str) -> Any:
    """PyTorch's ``x.var(dim, unbiased, keepdim, *, correction)``: correction 1 unless
    told otherwise."""
    def method(self: Tensor, dim: Any = None, unbiased: bool | None = None,
               keepdim: bool = False, *, correction: float | None = None) -> Tensor:
        if isinstance(dim, bool):  # x.var(False): the unbiased flag
            dim, unbiased = None, dim
        if correction is None and unbiased is None:
            correction = 1
        return _spread(op, name, self, dim, correction, keepdim, unbiased)

    method.__name__ = name
    return method


#: PyTorch's method spellings: dim positional, ``x.max(dim)`` with indices
METHODS: dict[str, Any] = {
    "max": _torch_extremum("max", max),
    "min": _torch_extremum("min", min),
    "prod": lambda self, dim=None, keepdim=False, *, dtype=None: prod(
        self, axis=dim, keepdims=keepdim, dtype=dtype),
    "var": _torch_spread(_var, "var"),
    "std": _torch_spread(_std, "std"),
}
