"""More of ``torch.special``: the regularized incomplete gamma functions and the Bessel
functions of the first kind j0 and j1, computed as the other special functions are (the
backend's own where it has one, else ``_special_more``'s generic implementation).
"""

from __future__ import annotations

import math
from typing import Any

from .._primitive import primitive
from .special import SPECIAL, _binary, _unary

__all__ = ["bessel_j0", "bessel_j1", "gammainc", "gammaincc"]
NOT_METHODS = ("bessel_j0", "bessel_j1", "gammainc", "gammaincc")


def _gamma_density(xp: Any, a: Any, x: Any) -> Any:
    """``x**(a - 1) exp(-x) / Gamma(a)``: the x-derivative of gammainc (``a`` may be a
    Python number)."""
    log_gamma = math.lgamma(a) if not hasattr(a, "shape") else xp.prim.lgamma(a)
    return xp.exp((a - 1.0) * xp.log(x) - x - log_gamma)


def _j1_vjp(xp: Any, g: Any, ans: Any, x: Any) -> Any:
    # j1' = j0(x) - j1(x) / x, 1/2 at 0
    zero = x == 0
    return g * xp.where(zero, 0.5, xp.prim.bessel_j0(x) - ans / xp.where(zero, 1.0, x))


gammainc = primitive(
    "gammainc", torch_name="Igamma", namespace=SPECIAL,
    forward=_binary("gammainc"),
    # PyTorch has no derivative in a
    vjp=(None, lambda xp, g, _ans, a, x: g * _gamma_density(xp, a, x)),
    jvp="elementwise",
    doc="""The regularized lower incomplete gamma function ``P(a, x)``
    (``torch.special.gammainc(input=a, other=x)``). Differentiable in ``x`` (the gamma
    density); as in PyTorch, not in ``a``.

    >>> import autodiff as ad
    >>> ad.special.gammainc(ad.tensor([1.0, 2.0]), ad.tensor([1.0, 1.0]))
    tensor([0.6321, 0.2642])
    """,
)
gammaincc = primitive(
    "gammaincc", torch_name="Igammac", namespace=SPECIAL,
    forward=_binary("gammaincc"),
    vjp=(None, lambda xp, g, _ans, a, x: -g * _gamma_density(xp, a, x)),
    jvp="elementwise",
    doc="""The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``
    (``torch.special.gammaincc``), accurate where it is tiny.

    >>> import autodiff as ad
    >>> ad.special.gammaincc(ad.tensor([1.0, 2.0]), ad.tensor([1.0, 30.0]))
    tensor([3.6788e-01, 2.9009e-12])
    """,
)
bessel_j0 = primitive(
    "bessel_j0", torch_name="SpecialBesselJ0", namespace=SPECIAL,
    forward=_unary("bessel_j0"),
    vjp=lambda xp, g, _ans, x: -g * xp.prim.bessel_j1(x),
    jvp="elementwise",
    doc="""The Bessel function of the first kind of order 0 (``torch.special.bessel_j0``);
    its gradient is ``-bessel_j1(x)``.

    >>> import autodiff as ad
    >>> ad.special.bessel_j0(ad.tensor([0.0, 1.0, 10.0]))
    tensor([ 1.0000,  0.7652, -0.2459])
    """,
)
bessel_j1 = primitive(
    "bessel_j1", torch_name="SpecialBesselJ1", namespace=SPECIAL,
    forward=_unary("bessel_j1"),
    vjp=_j1_vjp,
    jvp="elementwise",
    doc="""The Bessel function of the first kind of order 1 (``torch.special.bessel_j1``);
    its gradient is ``bessel_j0(x) - bessel_j1(x) / x``.

    >>> import autodiff as ad
    >>> ad.special.bessel_j1(ad.tensor([0.0, 1.0, 10.0]))
    tensor([0.0000, 0.4401, 0.0435])
    """,
)
