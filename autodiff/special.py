"""``autodiff.special``: PyTorch's ``torch.special``, differentiable.

The functions the Array API standard leaves out (erf, the gamma family, Bessel
functions, the normal distribution's ndtr/ndtri/log_ndtr, zeta) are computed by the
backend's own library where it has one (scipy on numpy, cupyx on cupy) and otherwise
by autodiff's float64-accurate implementations written against the standard.

>>> import autodiff as ad
>>> x = ad.tensor([0.5, 2.0], requires_grad=True)
>>> ad.special.gammaln(x).sum().backward(); x.grad
tensor([-1.9635,  0.4228])
"""

from __future__ import annotations

from typing import Any

from ._tensor import Tensor
from .ops.elementwise_math import logaddexp as logaddexp
from .ops.exponential import expm1 as expm1
from .ops.exponential import log1p as log1p
from .ops.nn import sigmoid as expit
from .ops.piecewise import round as round
from .ops.selection import logsumexp as logsumexp
from .ops.softmax import log_softmax as _log_softmax
from .ops.softmax import softmax as _softmax
from .ops.special import digamma as digamma
from .ops.special import erf as erf
from .ops.special import erfc as erfc
from .ops.special import erfcx as erfcx
from .ops.special import erfinv as erfinv
from .ops.special import i0 as i0
from .ops.special import i0e as i0e
from .ops.special import i1 as i1
from .ops.special import i1e as i1e
from .ops.special import lgamma as gammaln
from .ops.special import log_ndtr as log_ndtr
from .ops.special import ndtr as ndtr
from .ops.special import ndtri as ndtri
from .ops.special import polygamma as polygamma
from .ops.special import zeta as zeta
from .ops.special_composite import entr as entr
from .ops.special_composite import exp2 as exp2
from .ops.special_composite import logit as logit
from .ops.special_composite import multigammaln as multigammaln
from .ops.special_composite import sinc as sinc
from .ops.special_composite import spherical_bessel_j0 as spherical_bessel_j0
from .ops.special_composite import xlog1py as xlog1py
from .ops.special_composite import xlogy as xlogy
from .ops.special_more import bessel_j0 as bessel_j0
from .ops.special_more import bessel_j1 as bessel_j1
from .ops.special_more import gammainc as gammainc
from .ops.special_more import gammaincc as gammaincc

__all__ = ["bessel_j0", "bessel_j1", "digamma", "entr", "erf", "erfc", "erfcx", "erfinv",
           "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln", "i0", "i0e", "i1",
           "i1e", "log1p", "log_ndtr", "log_softmax", "logaddexp", "logit", "logsumexp",
           "modified_bessel_i0", "modified_bessel_i1", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "sinc", "softmax", "spherical_bessel_j0", "xlog1py",
           "xlogy", "zeta"]

psi = digamma
modified_bessel_i0 = i0
modified_bessel_i1 = i1


def softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim`` (``torch.special.softmax``).

    >>> import autodiff as ad
    >>> ad.special.softmax(ad.tensor([0.0, 0.0]), 0)
    tensor([0.5000, 0.5000])
    """
    return _softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """``log(softmax(x))`` along ``dim`` (``torch.special.log_softmax``).

    >>> import autodiff as ad
    >>> ad.special.log_softmax(ad.tensor([0.0, 0.0]), 0)
    tensor([-0.6931, -0.6931])
    """
    return _log_softmax(input, dim, dtype=dtype)
