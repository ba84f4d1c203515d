"""The vjp rules of multiply, divide and pow that take more than a line, each with
the in-place form ``autodiff.compile``'s replay may run where the cotangent dies there
(``autodiff._rules.writes_into``: the same products, in the same order, into g)."""

from __future__ import annotations

import cmath
import math
import operator
from typing import Any

from .._rules import positionwise, writes_into


@writes_into(1, positionwise(lambda xp, g, _ans, _a, b: operator.imul(g, b)))
@positionwise
def times_right(xp: Any, g: Any, _ans: Any, _a: Any, b: Any) -> Any:
    return g * b


@writes_into(1, positionwise(lambda xp, g, _ans, a, _b: operator.imul(g, a)))
@positionwise
def times_left(xp: Any, g: Any, _ans: Any, a: Any, _b: Any) -> Any:
    return g * a


@writes_into(1, positionwise(lambda xp, g, _ans, _a, b: operator.itruediv(g, b)))
@positionwise
def over_right(xp: Any, g: Any, _ans: Any, _a: Any, b: Any) -> Any:
    return g / b


def _pow_base_vjp_into(xp: Any, g: Any, _ans: Any, x: Any, y: Any) -> Any:
    """``pow_base_vjp`` into ``g``'s memory: each branch's products in its order."""
    if not hasattr(y, "shape"):
        if y == 0:
            g *= 0.0
        elif y == 2:
            g *= 2.0 * x
        else:
            g *= y
            g *= x ** (y - 1)
        return g
    return pow_base_vjp(xp, g, _ans, x, y)


@writes_into(1, _pow_base_vjp_into)
def pow_base_vjp(xp: Any, g: Any, _ans: Any, x: Any, y: Any) -> Any:
    if not hasattr(y, "shape"):  # a Python number
        if y == 0:  # d(x**0)/dx is 0 everywhere, x = 0 included (PyTorch)
            return g * 0.0
        if y == 2:  # a square (a squared error): one pass fewer, the same bits
            return g * (2.0 * x)
        return g * y * x ** (y - 1)
    return xp.where(y == 0, 0.0, g * y * x ** (y - 1))


def pow_exponent_vjp(xp: Any, g: Any, ans: Any, x: Any, y: Any) -> Any:
    # PyTorch: g * x**y * log(x), but 0 where x == 0 and y >= 0 (-inf where y < 0, and
    # nan for a negative base, as log says)
    # (for a complex exponent, where its real part is >= 0: complex numbers have no order)
    if hasattr(y, "shape") and xp.isdtype(y.dtype, "complex floating"):
        y = xp.real(y)
    elif isinstance(y, complex):
        y = y.real
    if not hasattr(x, "shape"):  # a Python number
        if isinstance(x, complex):
            log_x = cmath.log(x) if x != 0 else -math.inf
        else:
            log_x = math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)
        out = g * (ans * log_x)
        return xp.where(y >= 0, 0.0, out) if x == 0 else out
    zero = xp.logical_and(x == 0, y >= 0)
    return xp.where(zero, 0.0, g * (ans * xp.log(xp.where(zero, 1.0, x))))
