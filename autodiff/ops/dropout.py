"""The dropouts of ``torch.nn.functional``: ``dropout``, ``dropout1d/2d/3d``,
``alpha_dropout`` and ``feature_alpha_dropout``, exported from ``autodiff.nn.functional``.

Each multiplies by a random mask drawn by the backend's generator (``ad.manual_seed``
makes it reproducible), with PyTorch's defaults for ``training`` and its scaling: kept
elements are divided by ``1 - p`` (the alpha dropouts keep the mean and variance of a
self-normalizing activation instead). The feature ("channel") dropouts draw one mask value
per channel, broadcast over the other dimensions. ``p = 1`` gives zeros (``input * 0``).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from .._tensor import Tensor
from .comparison import real_only
from .inplace import apply_inplace
from .random import rand

__all__ = ["alpha_dropout", "dropout", "dropout1d", "dropout2d", "dropout3d",
           "feature_alpha_dropout"]
NOT_METHODS = tuple(__all__)

#: -(selu's scale * alpha): the value selu tends to at -inf, what alpha dropout drops to
_SELU_FLOOR = 1.7580993408473766


def _check(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _apply(input: Tensor, inplace: bool, name: str, fn: Any) -> Tensor:
    return apply_inplace(input, name, fn) if inplace else fn(input)


def _keep_mask(input: Tensor, p: float, shape: tuple[int, ...]) -> Tensor:
    """1.0 with probability ``1 - p`` (PyTorch's bernoulli_(1 - p)), else 0.0."""
    draw = rand(*shape, dtype=input.dtype, device=input.device, backend=input.backend)
    return (draw < 1.0 - p).astype(input.dtype)


def _dropout(input: Tensor, p: float, training: bool, inplace: bool, name: str,
             shape: tuple[int, ...], alpha: bool) -> Tensor:
    _check(p)
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}: expected a Tensor, got {type(input).__name__}")
    real_only(input._backend.xp, "bernoulli", input._array)  # PyTorch draws no complex mask
    if not training or p == 0.0 and not alpha:
        return input
    if p == 1.0:
        return _apply(input, inplace, f"{name}_", lambda x: x * 0.0)
    keep = _keep_mask(input, p, shape)
    if not alpha:
        noise = keep / (1.0 - p)
        return _apply(input, inplace, f"{name}_", lambda x: x * noise)
    # PyTorch's alpha dropout: a x + b with a, b chosen to keep mean 0 and variance 1
    a = 1.0 / math.sqrt((_SELU_FLOOR**2 * p + 1.0) * (1.0 - p))
    shift = (keep - 1.0) * (_SELU_FLOOR * a) + _SELU_FLOOR * a * p
    scaled = keep * a
    return _apply(input, inplace, f"{name}_", lambda x: x * scaled + shift)


def _feature_shape(input: Tensor, batched: bool, name: str) -> tuple[int, ...]:
    """One mask value per channel: dims 0-1 of a batch, dim 0 of one sample."""
    lead = 2 if batched else 1
    if input.ndim < lead:
        raise RuntimeError(f"{name}: Feature dropout requires at least 2 dimensions in the "
                           f"input, got {input.ndim}")
    return tuple(input.shape[:lead]) + (1,) * (input.ndim - lead)


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``;
    the identity when ``training=False``.

    >>> import autodiff as ad
    >>> _ = ad.manual_seed(0)
    >>> y = ad.nn.functional.dropout(ad.ones(1000), p=0.25)
    >>> sorted(set(y.tolist())), abs(float(y.mean()) - 1.0) < 0.1
    ([0.0, 1.3333333730697632], True)
    """
    return _dropout(input, p, training, inplace, "dropout", tuple(input.shape), False)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """Dropout for selu networks: dropped elements take selu's negative saturation value
    and an affine map keeps the mean and variance; the identity unless ``training``.

    >>> import autodiff as ad
    >>> x = ad.ones(4)
    >>> ad.nn.functional.alpha_dropout(x, 0.5) is x
    True
    """
    return _dropout(input, p, training, inplace, "alpha_dropout", tuple(input.shape), True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """``alpha_dropout`` with one mask value per channel (dims 0 and 1).

    >>> import autodiff as ad
    >>> ad.nn.functional.feature_alpha_dropout(ad.ones((2, 3)), 0.5).shape
    (2, 3)
    """
    if not training:  # PyTorch checks the rank only when it draws
        _check(p)
        return input
    shape = _feature_shape(input, True, "feature_alpha_dropout")
    return _dropout(input, p, training, inplace, "feature_alpha_dropout", shape, True)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels: input ``(N, C, L)`` or ``(C, L)``.

    >>> import autodiff as ad
    >>> _ = ad.manual_seed(0)
    >>> y = ad.nn.functional.dropout1d(ad.ones((4, 3)), 0.5)
    >>> all(len(set(row)) == 1 for row in y.tolist())
    True
    """
    _check(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note "
            "that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs).")
    shape = _feature_shape(input, input.ndim == 3, "dropout1d")
    return _dropout(input, p, training, inplace, "dropout1d", shape, False)


def _deprecated_rank(name: str, input: Tensor, spatial: int) -> None:
    if input.ndim not in (spatial + 1, spatial + 2):
        warnings.warn(
            f"{name}: Received a {input.ndim}-D input to {name}, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and "
            f"silence this warning, please use dropout instead. Note that {name} exists to "
            f"provide channel-wise dropout on inputs with {spatial} spatial dimensions, a "
            "channel dimension, and an optional batch dimension (i.e. "
            f"{spatial + 1}D or {spatial + 2}D inputs).", UserWarning, stacklevel=3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, H, W)``. As in PyTorch, a 3-D input is read as
    ``(N, C, L)`` (with its warning), not as one unbatched sample.

    >>> import autodiff as ad
    >>> ad.nn.functional.dropout2d(ad.ones((2, 3, 4, 4)), 0.5).shape
    (2, 3, 4, 4)
    """
    _check(p)
    _deprecated_rank("dropout2d", input, 2)
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
            "is the channel dim. This behavior will change in a future release to interpret "
            "the input as one without a batch dimension, i.e. shape (C, H, W). To maintain "
            "the 1D channel-wise dropout behavior, please switch to using dropout1d instead.",
            UserWarning, stacklevel=2)
    shape = _feature_shape(input, True, "dropout2d")
    return _dropout(input, p, training, inplace, "dropout2d", shape, False)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, D, H, W)`` or ``(C, D, H, W)``.

    >>> import autodiff as ad
    >>> ad.nn.functional.dropout3d(ad.ones((3, 2, 2, 2)), 0.5).shape
    (3, 2, 2, 2)
    """
    _check(p)
    _deprecated_rank("dropout3d", input, 3)
    shape = _feature_shape(input, input.ndim == 5, "dropout3d")
    return _dropout(input, p, training, inplace, "dropout3d", shape, False)
