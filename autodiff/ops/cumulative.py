"""Cumulative statistics and differences (Array API: ``cumulative_sum`` and
``cumulative_prod`` from "Statistical Functions", ``diff`` from "Utility Functions"),
with PyTorch's ``cumsum`` and ``cumprod``.

The gradient of ``cumulative_prod`` is exact with zeros in the input, to every order:
before a slice's first zero it is the reverse cumulative sum of ``g * y`` over ``x``;
at the first zero, the same op's gradient with that zero replaced by one; after it,
that zero times that gradient (zero in value, with the right derivative).
"""

from __future__ import annotations

from typing import Any

from .. import _mode
from .._dtypes import int64
from .._primitive import Op, primitive
from .._rules import tensor_namespace
from .._tensor import Tensor
from ._helpers import normalize_axes, pick
from .comparison import not_equal
from .creation import zeros_like
from .datatypes import astype
from .elementwise import where
from .joining import concat
from .manipulation import broadcast_to, one_axis, reshape
from .reductions import any as any_
from .reductions import sum as sum_

__all__ = ["cumprod", "cumsum", "cumulative_prod", "cumulative_sum", "diff"]


def _part(x: Any, axis: int, start: int | None, stop: int | None) -> Any:
    """``x[..., start:stop, ...]`` along ``axis`` (a backend array or a tensor)."""
    return x[(slice(None),) * axis + (slice(start, stop), Ellipsis)]


def _drop_initial(g: Any, axis: int, include_initial: bool) -> Any:
    return _part(g, axis, 1, None) if include_initial else g


def _reverse_cumsum(xp: Any, v: Any, axis: int) -> Any:
    flipped = xp.flip(v, axis=axis)
    return xp.flip(xp.cumulative_sum(flipped, axis=axis), axis=axis)


_cumsum: Op = primitive(
    "cumulative_sum", torch_name="Cumsum",
    forward=lambda xp, x, axis, include_initial: xp.cumulative_sum(
        x, axis=axis, include_initial=include_initial),
    vjp=lambda xp, g, _ans, _x, axis, include_initial: _reverse_cumsum(
        xp, _drop_initial(g, axis, include_initial), axis),
    jvp="linear",
)


def _first_zeros(xp: Any, x: Any, axis: int) -> tuple[Any, Any, Any]:
    """Masks: zeros; positions before each slice's first zero; that first zero."""
    zero = x == 0
    seen = xp.cumulative_sum(xp.astype(zero, xp.int64), axis=axis)
    return zero, seen == 0, xp.logical_and(zero, seen == 1)


def _cumprod_grad(xp: Any, g: Any, y: Any, x: Any, axis: int) -> Any:
    """The vjp of ``y = cumulative_prod(x)``.

    It branches on a value (whether ``x`` has a zero), which rules otherwise avoid:
    the gradient exact to every order recurses once per zero of a slice, so how deep
    it goes depends on the values, and the common case without zeros stays one pass."""
    if not bool(xp.any(x == 0)):
        return _reverse_cumsum(xp, g * y, axis) / x
    zero, before, first = _first_zeros(xp, x, axis)
    rest = xp.where(first, 1.0, x)
    inner = _cumprod_grad(xp, g, xp.cumulative_prod(rest, axis=axis), rest, axis)
    at_first = xp.sum(xp.where(first, x, 0.0), axis=axis, keepdims=True)  # 0, not constant
    ahead = _reverse_cumsum(xp, g * y, axis) / xp.where(zero, 1.0, x)
    return xp.where(before, ahead, xp.where(first, inner, at_first * inner))


def _cumprod_tangent(t: Tensor, y: Tensor, x: Tensor, axis: int) -> Tensor:
    """The jvp of ``y = cumulative_prod(x)`` for the tangent ``t``, zeros included."""
    if not bool(any_(x == 0)):
        return y * _cumsum(t / x, axis=axis, include_initial=False)
    zero, before, first = _first_zeros(tensor_namespace(), x, axis)
    rest = where(first, 1.0, x)
    partial = _cumprod(rest, axis=axis, include_initial=False)
    inner = _cumprod_tangent(where(first, 0.0, t), partial, rest, axis)
    t_first = sum_(where(first, t, 0.0), axis=axis, keepdims=True)
    x_first = sum_(where(first, x, 0.0), axis=axis, keepdims=True)
    ahead = y * _cumsum(t / where(zero, 1.0, x), axis=axis, include_initial=False)
    return where(before, ahead, t_first * partial + x_first * inner)


def _cumprod_jvp(tangents: tuple[Any, ...], ans: Tensor, x: Tensor, axis: int,
                 include_initial: bool) -> Tensor:
    core = _cumprod_tangent(tangents[0], _drop_initial(ans, axis, include_initial), x, axis)
    if not include_initial:
        return core
    return concat([zeros_like(_part(core, axis, 0, 1)), core], axis=axis)


_cumprod: Op = primitive(
    "cumulative_prod", torch_name="Cumprod",
    forward=lambda xp, x, axis, include_initial: xp.cumulative_prod(
        x, axis=axis, include_initial=include_initial),
    vjp=lambda xp, g, ans, x, axis, include_initial: _cumprod_grad(
        xp, _drop_initial(g, axis, include_initial), _drop_initial(ans, axis, include_initial),
        x, axis),
    jvp=_cumprod_jvp,
    holomorphic=True,
)


def _cumulative(op: Op, name: str, x: Tensor, axis: Any, dtype: Any,
                include_initial: bool) -> Tensor:
    if dtype is not None:
        x = astype(x, dtype)
    elif x.dtype.kind in ("bool", "signed integer"):
        x = astype(x, int64)  # as sum: PyTorch accumulates bools and small ints in int64
    if x.ndim == 0:  # PyTorch: dim 0 or -1 of a 0-d tensor
        if axis is not None:
            normalize_axes(name, axis, 0)
        out = op(reshape(x, 1), axis=0, include_initial=include_initial)
        return out if include_initial else reshape(out, ())
    if axis is None:
        if x.ndim > 1:
            raise ValueError(f"{name}: axis must be given for a tensor of {x.ndim} "
                             f"dimensions (shape {x.shape})")
        axis = 0
    return op(x, axis=one_axis(name, axis, x.ndim), include_initial=include_initial)


def cumulative_sum(x: Tensor, /, *, axis: int | None = None, dtype: Any = None,
                   include_initial: bool = False, dim: int | None = None) -> Tensor:
    """Running sums along ``axis`` (optional for a 1-D tensor), starting with 0 when
    ``include_initial``.

    >>> import autodiff as ad
    >>> ad.cumulative_sum(ad.tensor([1.0, 2.0, 3.0]), include_initial=True)
    tensor([0., 1., 3., 6.])
    """
    axis = pick("cumulative_sum", "axis", axis, "dim", dim, None)
    return _cumulative(_cumsum, "cumulative_sum", x, axis, dtype, include_initial)


def cumulative_prod(x: Tensor, /, *, axis: int | None = None, dtype: Any = None,
                    include_initial: bool = False, dim: int | None = None) -> Tensor:
    """Running products along ``axis``; the gradient is exact with zeros in ``x``.

    >>> import autodiff as ad
    >>> x = ad.tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> ad.cumulative_prod(x).sum().backward(); x.grad
    tensor([1., 8., 0.])
    """
    axis = pick("cumulative_prod", "axis", axis, "dim", dim, None)
    return _cumulative(_cumprod, "cumulative_prod", x, axis, dtype, include_initial)


def cumsum(x: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """PyTorch's ``cumsum``: ``cumulative_sum`` along ``dim``.

    >>> import autodiff as ad
    >>> ad.cumsum(ad.tensor([[1, 2], [3, 4]]), 0)
    tensor([[1, 2],
            [4, 6]])
    """
    return _cumulative(_cumsum, "cumsum", x, dim, dtype, False)


def cumprod(x: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """PyTorch's ``cumprod``: ``cumulative_prod`` along ``dim``.

    >>> import autodiff as ad
    >>> ad.cumprod(ad.tensor([1.0, 2.0, 3.0]), 0)
    tensor([1., 2., 6.])
    """
    return _cumulative(_cumprod, "cumprod", x, dim, dtype, False)


def _edge(name: str, value: Any, x: Tensor, axis: int) -> Tensor:
    """A prepend/append argument as a tensor fitting ``x`` off ``axis``."""
    if not isinstance(value, Tensor):
        value = Tensor._wrap(_mode.from_data(x._backend.asarray(value, x.dtype.name)),
                             x._backend)
        shape = x.shape[:axis] + (1,) + x.shape[axis + 1:]
        return broadcast_to(reshape(value, (1,) * x.ndim) if value.ndim else value, shape)
    if value.ndim != x.ndim or any(a != b for i, (a, b) in enumerate(
            zip(value.shape, x.shape, strict=True)) if i != axis):
        raise ValueError(f"diff: expected {name} with the shape of x {x.shape} except along "
                         f"axis {axis}, got {value.shape}")
    return value


def diff(x: Tensor, _n: int | None = None, _dim: int | None = None, /, *, axis: int = -1,
         n: int = 1, prepend: Any = None, append: Any = None,
         dim: int | None = None) -> Tensor:
    """The ``n``-th forward difference along ``axis`` (``x[1:] - x[:-1]``, n times),
    after joining ``prepend`` and ``append`` to ``x``; for bools, ``x[1:] != x[:-1]``.
    PyTorch's positional ``diff(x, n, dim)`` works too.

    >>> import autodiff as ad
    >>> ad.diff(ad.tensor([1.0, 4.0, 9.0, 16.0])), ad.diff(ad.tensor([1, 4, 9]), n=2)
    (tensor([3., 5., 7.]), tensor([2]))
    """
    n, dim = n if _n is None else _n, _dim if dim is None else dim
    if dim is not None:
        axis = dim
    if x.ndim == 0:
        raise ValueError("diff: expected a tensor with at least one dimension, got 0-d")
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"diff: n must be a non-negative int, got {n!r}")
    axis = one_axis("diff", axis, x.ndim)
    if n == 0:
        return x  # as numpy and PyTorch: prepend and append are not joined then
    edges = [_edge(name, value, x, axis) for name, value in
             (("prepend", prepend), ("append", append)) if value is not None]
    if edges:
        parts = [edges.pop(0)] if prepend is not None else []
        x = concat([*parts, x, *edges], axis=axis)
    for _ in range(n):
        if x.shape[axis] == 0:
            break  # stays empty; the standard does not slice [1:] of an empty axis
        later, earlier = _part(x, axis, 1, None), _part(x, axis, None, -1)
        x = not_equal(later, earlier) if x.dtype.kind == "bool" else later - earlier
    return x


#: PyTorch's method spelling (``x.diff(1, 0)``: n and dim positional)
METHODS: dict[str, Any] = {
    "diff": lambda self, n=1, dim=-1, prepend=None, append=None: diff(
        self, axis=dim, n=n, prepend=prepend, append=append),
}
