"""Smooth elementwise functions of the Array API chapter "Element-wise Functions":
inverse trigonometric and hyperbolic functions, base-2/10 logarithms, square,
reciprocal, and the binary atan2, hypot and logaddexp.

Every rule is PyTorch's formula (``tools/autograd/derivatives.yaml``) written once
against a namespace ``xp`` (``autodiff._rules``), so it runs on arrays in a first-order
pass, gradients of gradients work, and the values at the edges of each domain (inf at
``asin(1)``, nan at ``hypot(0, 0)``) are PyTorch's.
"""

from __future__ import annotations

import math
from typing import Any

from .._primitive import Op, primitive
from .elementwise import _floating, _floating2

__all__ = ["acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cosh", "hypot",
           "log10", "log2", "logaddexp", "reciprocal", "sinh", "square", "tan"]


def _atan2_reciprocal(xp: Any, a: Any, b: Any) -> Any:
    """``1 / (a**2 + b**2)``, 0 where that is inf (at the origin), as PyTorch masks it."""
    recip = 1.0 / (a * a + b * b)
    return xp.where(xp.isinf(recip), 0.0, recip)


acos = primitive(
    "acos", torch_name="Acos",
    forward=_floating(lambda xp, x: xp.acos(x)),
    vjp=lambda xp, g, _ans, x: -g / xp.sqrt(1.0 - x * x),
    jvp="elementwise",
)
acosh = primitive(
    "acosh", torch_name="Acosh",
    forward=_floating(lambda xp, x: xp.acosh(x)),
    vjp=lambda xp, g, _ans, x: g / xp.sqrt(x * x - 1.0),
    jvp="elementwise",
)
asin = primitive(
    "asin", torch_name="Asin",
    forward=_floating(lambda xp, x: xp.asin(x)),
    vjp=lambda xp, g, _ans, x: g / xp.sqrt(1.0 - x * x),
    jvp="elementwise",
)
asinh = primitive(
    "asinh", torch_name="Asinh",
    forward=_floating(lambda xp, x: xp.asinh(x)),
    vjp=lambda xp, g, _ans, x: g / xp.sqrt(x * x + 1.0),
    jvp="elementwise",
)
atan = primitive(
    "atan", torch_name="Atan",
    forward=_floating(lambda xp, x: xp.atan(x)),
    vjp=lambda xp, g, _ans, x: g / (x * x + 1.0),
    jvp="elementwise",
)
atanh = primitive(
    "atanh", torch_name="Atanh",
    forward=_floating(lambda xp, x: xp.atanh(x)),
    vjp=lambda xp, g, _ans, x: g / (1.0 - x * x),
    jvp="elementwise",
)
cosh: Op = primitive(
    "cosh", torch_name="Cosh",
    forward=_floating(lambda xp, x: xp.cosh(x)),
    vjp=lambda xp, g, _ans, x: g * xp.sinh(x),
    jvp="elementwise",
)
sinh: Op = primitive(
    "sinh", torch_name="Sinh",
    forward=_floating(lambda xp, x: xp.sinh(x)),
    vjp=lambda xp, g, _ans, x: g * xp.cosh(x),
    jvp="elementwise",
)
tan = primitive(
    "tan", torch_name="Tan",
    forward=_floating(lambda xp, x: xp.tan(x)),
    vjp=lambda xp, g, ans, _x: g * (1.0 + ans * ans),
    jvp="elementwise",
)
log2 = primitive(
    "log2", torch_name="Log2",
    forward=_floating(lambda xp, x: xp.log2(x)),
    vjp=lambda xp, g, _ans, x: g / (x * math.log(2.0)),
    jvp="elementwise",
)
log10 = primitive(
    "log10", torch_name="Log10",
    forward=_floating(lambda xp, x: xp.log10(x)),
    vjp=lambda xp, g, _ans, x: g / (x * math.log(10.0)),
    jvp="elementwise",
)
square = primitive(  # PyTorch records x**2: PowBackward0; integers stay integers
    "square", torch_name="Pow",
    forward=lambda xp, x: xp.square(x),
    vjp=lambda xp, g, _ans, x: g * 2.0 * x,
    jvp="elementwise",
)
reciprocal: Op = primitive(
    "reciprocal", torch_name="Reciprocal",
    forward=_floating(lambda xp, x: 1.0 / x),
    vjp=lambda xp, g, ans, _x: -g * (ans * ans),
    jvp="elementwise",
)
atan2 = primitive(  # atan2(x1, x2) is the angle of the point (x2, x1)
    "atan2", torch_name="Atan2",
    forward=_floating2(lambda xp, a, b: xp.atan2(a, b)),
    vjp=(lambda xp, g, _ans, a, b: g * b * _atan2_reciprocal(xp, a, b),
         lambda xp, g, _ans, a, b: g * -a * _atan2_reciprocal(xp, a, b)),
    jvp="elementwise",
)
hypot = primitive(  # nan gradient at (0, 0), as in PyTorch
    "hypot", torch_name="Hypot",
    forward=_floating2(lambda xp, a, b: xp.hypot(a, b)),
    vjp=(lambda xp, g, ans, a, _b: g * a / ans, lambda xp, g, ans, _a, b: g * b / ans),
    jvp="elementwise",
)
# log(exp(a) + exp(b)) without overflow. PyTorch's rule g / (1 + exp(b - a)) is
# sigmoid(a - b): the same values (1/2 at a tie, nan at two equal infinities), without
# overflow in exp (``xp.prim.sigmoid``: autodiff's stable sigmoid, not in the standard).
logaddexp = primitive(
    "logaddexp", torch_name="Logaddexp",
    forward=_floating2(lambda xp, a, b: xp.logaddexp(a, b)),
    vjp=(lambda xp, g, _ans, a, b: g * xp.prim.sigmoid(a - b),
         lambda xp, g, _ans, a, b: g * xp.prim.sigmoid(b - a)),
    jvp="elementwise",
)
