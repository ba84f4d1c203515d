"""Special functions built from other ops (PyTorch's ``torch.special`` and the Tensor
methods of the same names): xlogy, xlog1py, entr, sinc, logit, exp2 and multigammaln
(logsumexp is ops/selection.py's). Each is a composite: its gradient, and the gradient of
that, come from the ops it is made of. Where a branch is masked out (``xlogy`` at
``x == 0``) its input is made safe first, so that no nan leaks into the gradient through
the unused branch.
"""

from __future__ import annotations

import math
from typing import Any

from .._tensor import Tensor
from ._helpers import raise_if
from .comparison import isnan, logical_and, logical_not
from .elementwise import multiply, sin, where
from .exponential import exp, log, log1p
from .piecewise import clip
from .special import lgamma

__all__ = ["entr", "exp2", "logit", "multigammaln", "sinc", "spherical_bessel_j0",
           "xlog1py", "xlogy"]
NOT_METHODS = ("entr", "multigammaln", "spherical_bessel_j0", "xlog1py")


def _tensors(op: str, a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands as tensors: a Python number becomes a 0-d tensor on the other's
    backend, in its float dtype (PyTorch takes a number on either side)."""
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return a, b
    if isinstance(a, Tensor):
        return a, _number(a, b)
    if isinstance(b, Tensor):
        return _number(b, a), b
    raise TypeError(f"{op}: expected at least one Tensor, got {type(a).__name__} and "
                    f"{type(b).__name__}")


def _number(like: Tensor, value: Any) -> Tensor:
    from .creation import asarray

    dtype = like.dtype if like.dtype.is_floating_point else None
    return asarray(float(value), dtype=dtype, device=like.device, backend=like._backend)


def _xlog(op: str, x: Any, y: Any, log_of: Any) -> Tensor:
    x, y = _tensors(op, x, y)
    zero = logical_and(x == 0, logical_not(isnan(y)))
    return where(zero, 0.0, multiply(x, log_of(where(zero, 1.0, y))))


def xlogy(input: Any, other: Any) -> Tensor:
    """``x * log(y)``, and 0 where ``x`` is 0 (unless ``y`` is nan), so ``0 * log(0)`` is
    0 (PyTorch's ``torch.xlogy``, ``torch.special.xlogy``); either may be a number.

    >>> import autodiff as ad
    >>> ad.xlogy(ad.tensor([0.0, 2.0]), ad.tensor([0.0, 3.0]))
    tensor([0.0000, 2.1972])
    """
    return _xlog("xlogy", input, other, log)


def xlog1py(input: Any, other: Any) -> Tensor:
    """``x * log1p(y)``, and 0 where ``x`` is 0 (unless ``y`` is nan)
    (``torch.special.xlog1py``).

    >>> import autodiff as ad
    >>> ad.special.xlog1py(ad.tensor([0.0, 2.0]), ad.tensor([-1.0, 1.0]))
    tensor([0.0000, 1.3863])
    """
    return _xlog("xlog1py", input, other, log1p)


def entr(input: Tensor) -> Tensor:
    """The elementwise entropy ``-x log(x)``: 0 at 0, -inf below (``torch.special.entr``).

    >>> import autodiff as ad
    >>> ad.special.entr(ad.tensor([0.0, 0.5, 1.0, -1.0]))
    tensor([0.0000, 0.3466, -0.0000,   -inf])
    """
    positive = input > 0
    value = -multiply(input, log(where(positive, input, 1.0)))
    return where(positive, value, where(input == 0, 0.0, -math.inf))


def sinc(input: Tensor) -> Tensor:
    """The normalized sinc ``sin(pi x) / (pi x)``, 1 at 0 (``torch.sinc``).

    >>> import autodiff as ad
    >>> ad.sinc(ad.tensor([0.0, 0.5, 1.5]))
    tensor([ 1.0000,  0.6366, -0.2122])
    """
    zero = input == 0
    scaled = where(zero, 1.0, input) * math.pi
    return where(zero, 1.0, sin(scaled) / scaled)


def spherical_bessel_j0(input: Tensor) -> Tensor:
    """The spherical Bessel function of the first kind of order 0, ``sin(x) / x``, 1 at 0
    (``torch.special.spherical_bessel_j0``).

    >>> import autodiff as ad
    >>> ad.special.spherical_bessel_j0(ad.tensor([0.0, 1.0]))
    tensor([1.0000, 0.8415])
    """
    zero = input == 0
    safe = where(zero, 1.0, input)
    return where(zero, 1.0, sin(safe) / safe)


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given
    (``torch.logit``, ``torch.special.logit``).

    >>> import autodiff as ad
    >>> ad.logit(ad.tensor([0.5, 0.75, 1.0]), eps=1e-6)
    tensor([ 0.0000,  1.0986, 13.8023])
    """
    p = input if eps is None else clip(input, float(eps), 1.0 - float(eps))
    return log(p) - log1p(-p)


def exp2(input: Tensor) -> Tensor:
    """``2 ** x`` elementwise (``torch.exp2``, ``torch.special.exp2``).

    >>> import autodiff as ad
    >>> ad.exp2(ad.tensor([0.0, 3.0, -1.0]))
    tensor([1.0000, 8.0000, 0.5000])
    """
    return exp(input * math.log(2.0))


def multigammaln(input: Tensor, p: int) -> Tensor:
    """The log of the multivariate gamma function of dimension ``p``,
    ``p (p - 1) / 4 log(pi) + sum over i < p of lgamma(a - i / 2)``
    (``torch.special.multigammaln``, ``torch.mvlgamma``); every element must exceed
    ``(p - 1) / 2``.

    >>> import autodiff as ad
    >>> ad.special.multigammaln(ad.tensor([2.5, 3.0]), 2)
    tensor([0.8570, 1.5502])
    """
    if isinstance(p, bool) or not isinstance(p, int) or p < 1:
        raise ValueError(f"multigammaln: p must be a positive int, got {p!r}")
    # a check of the data: recorded where autodiff.compile traces, made again at replays
    raise_if((input <= (p - 1) / 2).any(), RuntimeError,
             f"All elements must be greater than (p-1)/2 = {(p - 1) / 2}")
    total = lgamma(input)
    for i in range(1, p):
        total = total + lgamma(input - i / 2)
    return total + p * (p - 1) / 4 * math.log(math.pi)


#: PyTorch's Tensor spelling of multigammaln: ``x.mvlgamma(p)``
METHODS = {"mvlgamma": multigammaln}
