"""Dropout layers: ``Dropout``, ``Dropout1d``, ``Dropout2d``, ``Dropout3d``,
``AlphaDropout``, ``FeatureAlphaDropout``. Each is active in training mode only
(``module.train()``, the default) and the identity after ``module.eval()``.

>>> import autodiff as ad
>>> drop = ad.nn.Dropout(0.25)
>>> drop, drop.eval()(ad.ones(3))
(Dropout(p=0.25, inplace=False), tensor([1., 1., 1.]))
"""

from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d",
           "FeatureAlphaDropout"]


class _DropoutNd(Module):
    _drop: Any

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._drop(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zeroes each element with probability ``p`` and scales the rest by ``1/(1-p)``
    (training mode); the random draws follow ``ad.manual_seed``.

    >>> import autodiff as ad
    >>> _ = ad.manual_seed(0)
    >>> y = ad.nn.Dropout(0.5)(ad.ones(1000))
    >>> sorted(set(y.tolist()))
    [0.0, 2.0]
    """

    _drop = staticmethod(F.dropout)


class Dropout1d(_DropoutNd):
    """Zeroes whole channels of an ``(N, C, L)`` (or ``(C, L)``) input.

    >>> import autodiff as ad
    >>> ad.nn.Dropout1d(p=0.1)
    Dropout1d(p=0.1, inplace=False)
    """

    _drop = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """Zeroes whole channels of an ``(N, C, H, W)`` (or ``(C, H, W)``) input.

    >>> import autodiff as ad
    >>> _ = ad.manual_seed(0)
    >>> y = ad.nn.Dropout2d(0.5)(ad.ones(1, 8, 2, 2))
    >>> y.amax(dim=(2, 3)).tolist() == y.amin(dim=(2, 3)).tolist()
    True
    """

    _drop = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """Zeroes whole channels of an ``(N, C, D, H, W)`` (or ``(C, D, H, W)``) input.

    >>> import autodiff as ad
    >>> ad.nn.Dropout3d().eval()(ad.ones(1, 1, 1, 1, 1))
    tensor([[[[[1.]]]]])
    """

    _drop = staticmethod(F.dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks: keeps the mean and variance of its input (dropped
    elements take SELU's negative saturation value, then an affine correction).

    >>> import autodiff as ad
    >>> ad.nn.AlphaDropout(0.2).eval()(ad.tensor([-1.0, 1.0]))
    tensor([-1.,  1.])
    """

    _drop = staticmethod(F.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """``AlphaDropout`` of whole channels.

    >>> import autodiff as ad
    >>> ad.nn.FeatureAlphaDropout(0.2)
    FeatureAlphaDropout(p=0.2, inplace=False)
    """

    _drop = staticmethod(F.feature_alpha_dropout)
