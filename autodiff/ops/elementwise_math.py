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
    jvp="elementwise", holomorphic=True,
    doc="""The inverse cosine of each element, in ``[0, pi]`` (PyTorch's ``torch.acos``);
    integer and bool inputs are computed in the default float dtype. The gradient
    ``-1 / sqrt(1 - x**2)`` is -inf at ``x = 1`` and ``x = -1``, as in PyTorch.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 0.5], requires_grad=True)
    >>> ad.acos(x).sum().backward()
    >>> x.grad
    tensor([-1.0000, -1.1547])
    """,
)
acosh = primitive(
    "acosh", torch_name="Acosh",
    forward=_floating(lambda xp, x: xp.acosh(x)),
    vjp=lambda xp, g, _ans, x: g / xp.sqrt(x * x - 1.0),
    jvp="elementwise", holomorphic=True,
    doc="""The inverse hyperbolic cosine of each element, nan below 1 (PyTorch's
    ``torch.acosh``); integer and bool inputs are computed in the default float dtype. The
    gradient ``1 / sqrt(x**2 - 1)`` is inf at ``x = 1``, as in PyTorch.

    >>> import autodiff as ad
    >>> x = ad.tensor([2.0, 3.0], requires_grad=True)
    >>> ad.acosh(x).sum().backward()
    >>> x.grad
    tensor([0.5774, 0.3536])
    """,
)
asin = primitive(
    "asin", torch_name="Asin",
    forward=_floating(lambda xp, x: xp.asin(x)),
    vjp=lambda xp, g, _ans, x: g / xp.sqrt(1.0 - x * x),
    jvp="elementwise", holomorphic=True,
    doc="""The inverse sine of each element, in ``[-pi/2, pi/2]`` (PyTorch's ``torch.asin``);
    integer and bool inputs are computed in the default float dtype. The gradient
    ``1 / sqrt(1 - x**2)`` is inf at ``x = 1`` and ``x = -1``, as in PyTorch.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 0.5], requires_grad=True)
    >>> ad.asin(x).sum().backward()
    >>> x.grad
    tensor([1.0000, 1.1547])
    """,
)
asinh = primitive(
    "asinh", torch_name="Asinh",
    forward=_floating(lambda xp, x: xp.asinh(x)),
    vjp=lambda xp, g, _ans, x: g / xp.sqrt(x * x + 1.0),
    jvp="elementwise", holomorphic=True,
    doc="""The inverse hyperbolic sine of each element (PyTorch's ``torch.asinh``); integer
    and bool inputs are computed in the default float dtype. The gradient is
    ``1 / sqrt(x**2 + 1)``.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 1.0], requires_grad=True)
    >>> ad.asinh(x).sum().backward()
    >>> x.grad
    tensor([1.0000, 0.7071])
    """,
)
atan = primitive(
    "atan", torch_name="Atan",
    forward=_floating(lambda xp, x: xp.atan(x)),
    vjp=lambda xp, g, _ans, x: g / (x * x + 1.0),
    jvp="elementwise", holomorphic=True,
    doc="""The inverse tangent of each element, in ``(-pi/2, pi/2)`` (PyTorch's
    ``torch.atan``); integer and bool inputs are computed in the default float dtype. The
    gradient is ``1 / (x**2 + 1)``.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 1.0], requires_grad=True)
    >>> ad.atan(x)
    tensor([0.0000, 0.7854], grad_fn=<AtanBackward0>)
    >>> ad.atan(x).sum().backward(); x.grad
    tensor([1.0000, 0.5000])
    """,
)
atanh = primitive(
    "atanh", torch_name="Atanh",
    forward=_floating(lambda xp, x: xp.atanh(x)),
    vjp=lambda xp, g, _ans, x: g / (1.0 - x * x),
    jvp="elementwise", holomorphic=True,
    doc="""The inverse hyperbolic tangent of each element, ±inf at ±1 and nan beyond
    (PyTorch's ``torch.atanh``); integer and bool inputs are computed in the default float
    dtype. The gradient ``1 / (1 - x**2)`` is inf at ``x = ±1``, as in PyTorch.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 0.5], requires_grad=True)
    >>> ad.atanh(x).sum().backward()
    >>> x.grad
    tensor([1.0000, 1.3333])
    """,
)
cosh: Op = primitive(
    "cosh", torch_name="Cosh",
    forward=_floating(lambda xp, x: xp.cosh(x)),
    vjp=lambda xp, g, _ans, x: g * xp.sinh(x),
    jvp="elementwise", holomorphic=True,
    doc="""The hyperbolic cosine of each element (PyTorch's ``torch.cosh``); integer and bool
    inputs are computed in the default float dtype. The gradient is ``sinh(x)``.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 1.0], requires_grad=True)
    >>> ad.cosh(x)
    tensor([1.0000, 1.5431], grad_fn=<CoshBackward0>)
    >>> ad.cosh(x).sum().backward(); x.grad
    tensor([0.0000, 1.1752])
    """,
)
sinh: Op = primitive(
    "sinh", torch_name="Sinh",
    forward=_floating(lambda xp, x: xp.sinh(x)),
    vjp=lambda xp, g, _ans, x: g * xp.cosh(x),
    jvp="elementwise", holomorphic=True,
    doc="""The hyperbolic sine of each element (PyTorch's ``torch.sinh``); integer and bool
    inputs are computed in the default float dtype. The gradient is ``cosh(x)``.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 1.0], requires_grad=True)
    >>> ad.sinh(x)
    tensor([0.0000, 1.1752], grad_fn=<SinhBackward0>)
    >>> ad.sinh(x).sum().backward(); x.grad
    tensor([1.0000, 1.5431])
    """,
)
tan = primitive(
    "tan", torch_name="Tan",
    forward=_floating(lambda xp, x: xp.tan(x)),
    vjp=lambda xp, g, ans, _x: g * (1.0 + ans * ans),
    jvp="elementwise", holomorphic=True,
    doc="""The tangent of each element, in radians (PyTorch's ``torch.tan``); integer and
    bool inputs are computed in the default float dtype. The gradient is
    ``1 + tan(x)**2``, read from the output.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 1.0], requires_grad=True)
    >>> ad.tan(x)
    tensor([0.0000, 1.5574], grad_fn=<TanBackward0>)
    >>> ad.tan(x).sum().backward(); x.grad
    tensor([1.0000, 3.4255])
    """,
)
log2 = primitive(
    "log2", torch_name="Log2",
    forward=_floating(lambda xp, x: xp.log2(x)),
    vjp=lambda xp, g, _ans, x: g / (x * math.log(2.0)),
    jvp="elementwise", holomorphic=True,
    doc="""The base-2 logarithm of each element (PyTorch's ``torch.log2``); integer and bool
    inputs are computed in the default float dtype. The gradient is ``1 / (x * log(2))``.

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 8.0], requires_grad=True)
    >>> ad.log2(x)
    tensor([0., 3.], grad_fn=<Log2Backward0>)
    >>> ad.log2(x).sum().backward(); x.grad
    tensor([1.4427, 0.1803])
    """,
)
log10 = primitive(
    "log10", torch_name="Log10",
    forward=_floating(lambda xp, x: xp.log10(x)),
    vjp=lambda xp, g, _ans, x: g / (x * math.log(10.0)),
    jvp="elementwise", holomorphic=True,
    doc="""The base-10 logarithm of each element (PyTorch's ``torch.log10``); integer and
    bool inputs are computed in the default float dtype. The gradient is
    ``1 / (x * log(10))``.

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 10.0], requires_grad=True)
    >>> ad.log10(x)
    tensor([0., 1.], grad_fn=<Log10Backward0>)
    >>> ad.log10(x).sum().backward(); x.grad
    tensor([0.4343, 0.0434])
    """,
)
square = primitive(  # PyTorch records x**2: PowBackward0; integers stay integers
    "square", torch_name="Pow",
    forward=lambda xp, x: xp.square(x),
    vjp=lambda xp, g, _ans, x: g * 2.0 * x,
    jvp="elementwise", holomorphic=True,
    doc="""``x * x`` elementwise (PyTorch's ``torch.square``): integer inputs stay integers,
    and the node is PyTorch's ``PowBackward0`` (it records ``x ** 2``). The gradient is
    ``2 * x``.

    >>> import autodiff as ad
    >>> ad.square(ad.tensor([-2, 3]))
    tensor([4, 9])
    >>> x = ad.tensor([-2.0, 3.0], requires_grad=True)
    >>> ad.square(x).sum().backward(); x.grad
    tensor([-4.,  6.])
    """,
)
reciprocal: Op = primitive(
    "reciprocal", torch_name="Reciprocal",
    forward=_floating(lambda xp, x: 1.0 / x),
    vjp=lambda xp, g, ans, _x: -g * (ans * ans),
    jvp="elementwise", holomorphic=True,
    doc="""``1 / x`` elementwise (PyTorch's ``torch.reciprocal``); integer and bool inputs are
    computed in the default float dtype. The gradient is ``-1 / x**2``, read from the output.

    >>> import autodiff as ad
    >>> ad.reciprocal(ad.tensor([2, 4]))
    tensor([0.5000, 0.2500])
    >>> x = ad.tensor([1.0, 4.0], requires_grad=True)
    >>> ad.reciprocal(x).sum().backward(); x.grad
    tensor([-1.0000, -0.0625])
    """,
)
atan2 = primitive(  # atan2(x1, x2) is the angle of the point (x2, x1)
    "atan2", torch_name="Atan2",
    forward=_floating2(lambda xp, a, b: xp.atan2(a, b)),
    vjp=(lambda xp, g, _ans, a, b: g * b * _atan2_reciprocal(xp, a, b),
         lambda xp, g, _ans, a, b: g * -a * _atan2_reciprocal(xp, a, b)),
    jvp="elementwise",
    doc="""The angle of the point ``(x2, x1)``, elementwise and broadcast, in ``[-pi, pi]``
    (PyTorch's ``torch.atan2``); integer inputs are computed in the default float dtype. At
    the origin both gradients are 0, as PyTorch masks them.

    >>> import autodiff as ad
    >>> y = ad.tensor([1.0, 1.0], requires_grad=True)
    >>> ad.atan2(y, ad.tensor([1.0, 0.0]))
    tensor([0.7854, 1.5708], grad_fn=<Atan2Backward0>)
    >>> ad.atan2(y, ad.tensor([1.0, 0.0])).sum().backward(); y.grad
    tensor([0.5000, 0.0000])
    """,
)
hypot = primitive(  # nan gradient at (0, 0), as in PyTorch
    "hypot", torch_name="Hypot",
    forward=_floating2(lambda xp, a, b: xp.hypot(a, b)),
    vjp=(lambda xp, g, ans, a, _b: g * a / ans, lambda xp, g, ans, _a, b: g * b / ans),
    jvp="elementwise",
    doc="""``sqrt(x1**2 + x2**2)`` elementwise and broadcast, without overflow (PyTorch's
    ``torch.hypot``); integer inputs are computed in the default float dtype. The gradient
    ``x1 / hypot(x1, x2)`` is nan at ``(0, 0)``, as in PyTorch.

    >>> import autodiff as ad
    >>> a = ad.tensor([3.0, 5.0], requires_grad=True)
    >>> ad.hypot(a, ad.tensor([4.0, 12.0]))
    tensor([ 5., 13.], grad_fn=<HypotBackward0>)
    >>> ad.hypot(a, ad.tensor([4.0, 12.0])).sum().backward(); a.grad
    tensor([0.6000, 0.3846])
    """,
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
    doc="""``log(exp(x1) + exp(x2))`` elementwise and broadcast, without overflow (PyTorch's
    ``torch.logaddexp``); integer inputs are computed in the default float dtype. The
    gradient is ``sigmoid(x1 - x2)``: 1/2 at a tie, nan at two equal infinities.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 100.0], requires_grad=True)
    >>> ad.logaddexp(x, ad.tensor([0.0, 0.0]))
    tensor([  0.6931, 100.0000], grad_fn=<LogaddexpBackward0>)
    >>> ad.logaddexp(x, ad.tensor([0.0, 0.0])).sum().backward(); x.grad
    tensor([0.5000, 1.0000])
    """,
)
