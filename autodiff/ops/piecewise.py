"""Piecewise elementwise functions of the Array API chapter "Element-wise Functions":
rounding (ceil, floor, round, trunc), clip, maximum and minimum, remainder and
floor_divide, copysign and nextafter.

Their gradients at the kinks are PyTorch's (docs/api/elementwise.md lists them):
rounding has a grad_fn with a zero gradient, ties of maximum/minimum split the
gradient in halves, clip passes it where ``min <= x <= max``.
"""

from __future__ import annotations

import numbers
import operator
from typing import Any

from .._primitive import Op, primitive
from .._tensor import Tensor
from ._helpers import default_float_name
from .comparison import complex_value
from .elementwise import _arithmetic, _floating2, _integral, _zero_gradient

__all__ = ["ceil", "clamp", "clip", "copysign", "floor", "floor_divide", "maximum", "minimum",
           "nextafter", "remainder", "round", "trunc"]

#: the rules of an op of two inputs whose gradient is zero for both
_ZERO_GRADIENTS = (lambda xp, g, _ans, _a, _b: xp.zeros_like(g),
                   lambda xp, g, _ans, _a, _b: xp.zeros_like(g))


# -- rounding: a grad_fn with a zero gradient, as in PyTorch -----------------------------
def _rounding(fn: Any) -> Any:
    """The forward of ceil/floor/trunc: integers are whole already (and stay integers)."""
    def forward(xp: Any, x: Any) -> Any:
        return xp.asarray(x, copy=True) if _integral(xp, x) else fn(xp, x)

    return forward


def _round(xp: Any, x: Any, *, decimals: Any = None) -> Any:
    """Half to even, as the standard and PyTorch round; PyTorch's ``decimals=`` scales
    by a power of ten first (``round(x * 10**d) / 10**d``)."""
    if decimals is not None:
        try:
            decimals = operator.index(decimals)
        except TypeError:
            raise TypeError(f"round: decimals must be an int, got "
                            f"{type(decimals).__name__}") from None
    if _integral(xp, x):
        return xp.asarray(x, copy=True)
    if not decimals:
        return xp.round(x)
    scale = 10.0 ** abs(decimals)
    return xp.round(x * scale) / scale if decimals > 0 else xp.round(x / scale) * scale


ceil = primitive(
    "ceil", torch_name="Ceil",
    forward=_rounding(lambda xp, x: xp.ceil(x)),
    vjp=_zero_gradient,
    jvp="elementwise",
    doc="""The smallest integer not less than each element (PyTorch's ``torch.ceil``);
    integer inputs stay integers. As in PyTorch, the result has a ``grad_fn`` whose
    gradient is 0 everywhere.

    >>> import autodiff as ad
    >>> x = ad.tensor([-1.5, 0.2], requires_grad=True)
    >>> ad.ceil(x)
    tensor([-1.,  1.], grad_fn=<CeilBackward0>)
    >>> ad.ceil(x).sum().backward(); x.grad
    tensor([0., 0.])
    """,
)
floor = primitive(
    "floor", torch_name="Floor",
    forward=_rounding(lambda xp, x: xp.floor(x)),
    vjp=_zero_gradient,
    jvp="elementwise",
    doc="""The largest integer not greater than each element (PyTorch's ``torch.floor``);
    integer inputs stay integers. As in PyTorch, the result has a ``grad_fn`` whose
    gradient is 0 everywhere.

    >>> import autodiff as ad
    >>> x = ad.tensor([-1.5, 0.2], requires_grad=True)
    >>> ad.floor(x)
    tensor([-2.,  0.], grad_fn=<FloorBackward0>)
    >>> ad.floor(x).sum().backward(); x.grad
    tensor([0., 0.])
    """,
)
trunc = primitive(
    "trunc", torch_name="Trunc",
    forward=_rounding(lambda xp, x: xp.trunc(x)),
    vjp=_zero_gradient,
    jvp="elementwise",
    doc="""Each element rounded toward zero (PyTorch's ``torch.trunc``); integer inputs stay
    integers. As in PyTorch, the result has a ``grad_fn`` whose gradient is 0 everywhere.

    >>> import autodiff as ad
    >>> x = ad.tensor([-1.5, 1.7], requires_grad=True)
    >>> ad.trunc(x)
    tensor([-1.,  1.], grad_fn=<TruncBackward0>)
    >>> ad.trunc(x).sum().backward(); x.grad
    tensor([0., 0.])
    """,
)
round = primitive(
    "round",
    torch_name=lambda x, decimals=None: "RoundBackward0" if decimals is None else "RoundBackward1",
    forward=_round,
    vjp=_zero_gradient,
    jvp="elementwise",
    doc="""Each element rounded to the nearest integer, halves to even (PyTorch's
    ``torch.round``); ``decimals=`` rounds to that many decimal places (PyTorch's
    ``round(x * 10**d) / 10**d``), and integer inputs stay integers. As in PyTorch, the
    gradient is 0 everywhere.

    >>> import autodiff as ad
    >>> ad.round(ad.tensor([0.5, 1.5, 2.5, -0.7]))
    tensor([ 0.,  2.,  2., -1.])
    >>> ad.round(ad.tensor([1.2345, 2.5]), decimals=1)
    tensor([1.2000, 2.5000])
    """,
)


# -- clip ---------------------------------------------------------------------------------
def _clip_forward(xp: Any, x: Any, min: Any = None, max: Any = None) -> Any:
    if complex_value(xp, x) or complex_value(xp, min) or complex_value(xp, max):
        raise NotImplementedError("clamp is not supported for complex types")  # PyTorch's
    if (type(min) is float or type(max) is float) and _integral(xp, x):
        x = xp.astype(x, default_float_name(xp))  # PyTorch: clamp(int, 0.5) is a float
    if min is None and max is None:
        return xp.asarray(x, copy=True)
    # maximum then minimum: where min > max the result is max (PyTorch; numpy's clip)
    out = x if min is None else xp.maximum(x, min)
    return out if max is None else xp.minimum(out, max)


# PyTorch's clamp_backward / clamp_backward_min_max: x gets the gradient where
# min <= x <= max; a tensor bound gets it where it is the one that clips (and where
# min > max, max wins).
# A bound is an array, a Python number or None: ``is None`` is a test on the call, not
# on values.
def _clip_x_vjp(xp: Any, g: Any, _ans: Any, x: Any, min: Any = None, max: Any = None) -> Any:
    keep = None if min is None else x >= min
    if max is not None:
        keep = x <= max if keep is None else xp.logical_and(keep, x <= max)
    return g if keep is None else xp.where(keep, g, 0.0)


def _clip_min_vjp(xp: Any, g: Any, _ans: Any, x: Any, min: Any, max: Any = None) -> Any:
    below = x < min
    if max is not None:
        below = xp.logical_and(below, min < max)
    return xp.where(below, g, 0.0)


def _clip_max_vjp(xp: Any, g: Any, _ans: Any, x: Any, min: Any = None, max: Any = None) -> Any:
    above = x > max
    if min is not None:
        above = xp.logical_or(above, max < min)
    return xp.where(above, g, 0.0)


def _clamp_name(x: Any, min: Any = None, max: Any = None) -> str:
    return "ClampBackward0" if isinstance(min, Tensor) or isinstance(max, Tensor) else (
        "ClampBackward1")


_clip = primitive(
    "clip", torch_name=_clamp_name,
    forward=_clip_forward,
    vjp=(_clip_x_vjp, _clip_min_vjp, _clip_max_vjp),
    jvp="elementwise", scalar_free_nodes=("ClampBackward1",),
)


def _ordered(name: str, fn: Any) -> Any:
    """The forward of ``maximum``/``minimum``: complex operands have no order (PyTorch
    raises this; numpy would compare them lexicographically)."""
    def forward(xp: Any, a: Any, b: Any) -> Any:
        if complex_value(xp, a) or complex_value(xp, b):
            raise RuntimeError(f"{name} not implemented for complex tensors.")
        return fn(xp, a, b)

    return forward


def _bound(op: str, name: str, value: Any) -> Any:
    if value is None or isinstance(value, Tensor):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(f"{op}: {name} must be a Tensor, a real Python number or None, got "
                    f"{type(value).__name__}")


def clip(x: Tensor, /, min: Any = None, max: Any = None) -> Tensor:
    """Clamp each element to ``[min, max]`` (bounds are Tensors, numbers or None).

    The gradient flows to ``x`` where ``min <= x <= max``, bounds included, as in
    PyTorch's ``clamp``.

    >>> import autodiff as ad
    >>> x = ad.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    >>> y = ad.clip(x, -1.0, 1.0); y
    tensor([-1.0000,  0.5000,  1.0000], grad_fn=<ClampBackward1>)
    >>> y.sum().backward(); x.grad
    tensor([0., 1., 0.])
    """
    bounds = [_bound("clip", "min", min), _bound("clip", "max", max)]
    if x.dtype.kind in ("real floating", "complex floating"):
        # an integer bound tensor takes the float's dtype, as PyTorch promotes it (the
        # standard does not promote integers with floats)
        bounds = [b.astype(x.dtype) if isinstance(b, Tensor) and b.dtype.kind in (
            "signed integer", "unsigned integer", "bool") else b for b in bounds]
    return _clip(x, *bounds)


def clamp(x: Tensor, /, min: Any = None, max: Any = None) -> Tensor:
    """PyTorch's spelling of :func:`clip`, which needs at least one bound.

    >>> import autodiff as ad
    >>> ad.clamp(ad.tensor([-2.0, 0.5]), min=0.0)
    tensor([0.0000, 0.5000])
    """
    if min is None and max is None:
        raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None")
    return clip(x, min, max)


# -- maximum and minimum: a tie splits the gradient in halves (PyTorch) ---------------------
maximum = primitive(
    "maximum", torch_name="Maximum",
    forward=_ordered("maximum", _arithmetic(lambda xp, a, b: xp.maximum(a, b))),
    vjp=(lambda xp, g, _ans, a, b: xp.where(a < b, 0.0, xp.where(a == b, g / 2.0, g)),
         lambda xp, g, _ans, a, b: xp.where(a > b, 0.0, xp.where(a == b, g / 2.0, g))),
    jvp="elementwise",
    doc="""The larger of ``x1`` and ``x2`` elementwise, broadcast, nan if either is nan
    (PyTorch's ``torch.maximum``); either may be a Python number. The gradient goes to the
    larger input, and a tie splits it in halves, as in PyTorch.

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> ad.maximum(x, 2.0)
    tensor([2., 2., 3.], grad_fn=<MaximumBackward0>)
    >>> ad.maximum(x, 2.0).sum().backward(); x.grad
    tensor([0.0000, 0.5000, 1.0000])
    """,
)
minimum = primitive(
    "minimum", torch_name="Minimum",
    forward=_ordered("minimum", _arithmetic(lambda xp, a, b: xp.minimum(a, b))),
    vjp=(lambda xp, g, _ans, a, b: xp.where(a > b, 0.0, xp.where(a == b, g / 2.0, g)),
         lambda xp, g, _ans, a, b: xp.where(a < b, 0.0, xp.where(a == b, g / 2.0, g))),
    jvp="elementwise",
    doc="""The smaller of ``x1`` and ``x2`` elementwise, broadcast, nan if either is nan
    (PyTorch's ``torch.minimum``); either may be a Python number. The gradient goes to the
    smaller input, and a tie splits it in halves, as in PyTorch.

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> ad.minimum(x, 2.0)
    tensor([1., 2., 2.], grad_fn=<MinimumBackward0>)
    >>> ad.minimum(x, 2.0).sum().backward(); x.grad
    tensor([1.0000, 0.5000, 0.0000])
    """,
)


# -- remainder and floor_divide ---------------------------------------------------------------
def _integer_division(name: str, fn: Any) -> Any:
    """``fn(xp, a, b)``, refusing an integer division by zero as PyTorch does."""
    def forward(xp: Any, a: Any, b: Any) -> Any:
        if _integral(xp, a) and _integral(xp, b) and (
                b == 0 if isinstance(b, (int, bool)) else bool(xp.any(b == 0))):
            raise RuntimeError(f"{name}: integer division by zero (ZeroDivisionError)")
        return fn(xp, a, b)

    return forward


def _remainder_name(a: Any, b: Any) -> str:
    return "RemainderBackward1" if isinstance(b, Tensor) else "RemainderBackward0"


floor_divide: Op = primitive(  # PyTorch has no derivative; this is floor(a / b)'s: zero
    "floor_divide", torch_name="FloorDivide",
    forward=_arithmetic(_integer_division(
        "floor_divide", lambda xp, a, b: xp.floor_divide(a, b))),
    vjp=_ZERO_GRADIENTS,
    jvp="elementwise",
    doc="""``x1 / x2`` rounded down, elementwise and broadcast (PyTorch's ``torch.floor_divide``);
    integers stay integers, and an integer division by zero raises RuntimeError. PyTorch
    has no derivative for it; here the gradient is that of ``floor(x1 / x2)``: 0.

    >>> import autodiff as ad
    >>> ad.floor_divide(ad.tensor([7, -7]), 2)
    tensor([ 3, -4])
    >>> ad.floor_divide(ad.tensor([7.0, -7.0]), 2.0)
    tensor([ 3., -4.])
    """,
)
remainder = primitive(  # a - b * floor(a / b), with the sign of b
    "remainder", torch_name=_remainder_name,
    forward=_arithmetic(_integer_division("remainder", lambda xp, a, b: xp.remainder(a, b))),
    vjp=(lambda xp, g, _ans, _a, _b: g, lambda xp, g, _ans, a, b: -g * xp.floor_divide(a, b)),
    jvp="elementwise", scalar_free_nodes=("RemainderBackward0",),
    doc="""``x1 - x2 * floor(x1 / x2)`` elementwise and broadcast, with the sign of ``x2``
    (PyTorch's ``torch.remainder``, Python's ``%``); an integer division by zero raises
    RuntimeError. The gradient is ``1`` for ``x1`` and ``-floor(x1 / x2)`` for ``x2``.

    >>> import autodiff as ad
    >>> ad.remainder(ad.tensor([7, -7]), 3)
    tensor([1, 2])
    >>> x = ad.tensor([5.5, -5.5], requires_grad=True)
    >>> ad.remainder(x, 2.0)
    tensor([1.5000, 0.5000], grad_fn=<RemainderBackward0>)
    """,
)


# -- copysign and nextafter ---------------------------------------------------------------
def _copysign_name(a: Any, b: Any) -> str:
    return "CopysignBackward0" if isinstance(b, Tensor) else "CopysignBackward1"


def _copysign_vjp(xp: Any, g: Any, ans: Any, a: Any, _b: Any) -> Any:
    # PyTorch: g * result / a, and 0 where a == 0 (nan where a is inf or nan)
    zero = a == 0
    return g * xp.where(zero, 0.0, ans / xp.where(zero, 1.0, a))


copysign = primitive(  # the sign input gets a zero gradient, as in PyTorch
    "copysign", torch_name=_copysign_name,
    forward=_floating2(lambda xp, a, b: xp.copysign(a, b)),
    vjp=(_copysign_vjp, _ZERO_GRADIENTS[1]),
    jvp="elementwise", scalar_free_nodes=("CopysignBackward1",),
    doc="""The magnitude of ``x1`` with the sign of ``x2``, elementwise and broadcast
    (PyTorch's ``torch.copysign``); integer inputs are computed in the default float dtype.
    As in PyTorch, ``x1``'s gradient is ``copysign(x1, x2) / x1`` (0 where ``x1`` is 0) and
    the sign input gets 0.

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 2.0], requires_grad=True)
    >>> ad.copysign(x, ad.tensor([-1.0, 1.0])).sum().backward(); x.grad
    tensor([-1.,  1.])
    """,
)
nextafter = primitive(  # PyTorch 2.13: the gradient flows to x1 unchanged, x2 gets zero
    "nextafter", torch_name="Nextafter",
    forward=_floating2(lambda xp, a, b: xp.nextafter(a, b)),
    vjp=(lambda xp, g, _ans, _a, _b: g, _ZERO_GRADIENTS[1]),
    jvp="elementwise",
    doc="""The next representable floating-point value after ``x1`` toward ``x2``, elementwise
    and broadcast (PyTorch's ``torch.nextafter``). As in PyTorch 2.13, the gradient flows to
    ``x1`` unchanged and ``x2`` gets 0.

    >>> import autodiff as ad
    >>> ad.nextafter(ad.tensor([1.0, 1.0]), ad.tensor([2.0, 0.0])) - 1.0
    tensor([ 1.1921e-07, -5.9605e-08])
    """,
)
