"""Exponentials and logarithms (Array API chapter "Element-wise Functions"): ``exp``,
``expm1``, ``log`` and ``log1p``; base 2 and 10 and ``logaddexp`` are in
``elementwise_math.py``.
"""

from __future__ import annotations

from .._primitive import primitive
from .elementwise import _floating

__all__ = ["exp", "expm1", "log", "log1p"]


exp = primitive(
    "exp", torch_name="Exp",
    forward=_floating(lambda xp, x: xp.exp(x)),
    vjp=lambda xp, g, ans, _x: g * ans,
    jvp="elementwise", holomorphic=True,
    doc="""``e`` to the power of each element (PyTorch's ``torch.exp``); integer and bool
    inputs are computed in the default float dtype.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 1.0], requires_grad=True)
    >>> ad.exp(x).sum().backward()
    >>> x.grad
    tensor([1.0000, 2.7183])
    """,
)
expm1 = primitive(
    "expm1", torch_name="Expm1",
    forward=_floating(lambda xp, x: xp.expm1(x)),
    vjp=lambda xp, g, ans, _x: g * (ans + 1.0),
    jvp="elementwise", holomorphic=True,
    doc="""``exp(x) - 1`` elementwise, accurate for ``x`` near 0 (PyTorch's
    ``torch.expm1``); integer and bool inputs are computed in the default float dtype.

    >>> import autodiff as ad
    >>> ad.expm1(ad.tensor([0.0, 1.0]))
    tensor([0.0000, 1.7183])
    """,
)
log = primitive(
    "log", torch_name="Log",
    forward=_floating(lambda xp, x: xp.log(x)),
    vjp=lambda xp, g, _ans, x: g / x,
    jvp="elementwise", holomorphic=True,
    doc="""The natural logarithm of each element (PyTorch's ``torch.log``); integer and bool
    inputs are computed in the default float dtype. The gradient is ``1 / x``.

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 2.0], requires_grad=True)
    >>> ad.log(x).sum().backward()
    >>> x.grad
    tensor([1.0000, 0.5000])
    """,
)
log1p = primitive(
    "log1p", torch_name="Log1p",
    forward=_floating(lambda xp, x: xp.log1p(x)),
    vjp=lambda xp, g, _ans, x: g / (x + 1.0),
    jvp="elementwise", holomorphic=True,
    doc="""``log(1 + x)`` elementwise, accurate for ``x`` near 0 (PyTorch's
    ``torch.log1p``); integer and bool inputs are computed in the default float dtype.

    >>> import autodiff as ad
    >>> ad.log1p(ad.tensor([0.0, 1.0]))
    tensor([0.0000, 0.6931])
    """,
)
