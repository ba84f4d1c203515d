"""Regression and likelihood losses, as ``torch.nn.functional``: ``l1_loss``,
``smooth_l1_loss``, ``huber_loss``, ``binary_cross_entropy``, ``kl_div``,
``poisson_nll_loss`` and ``gaussian_nll_loss``; exported from ``autodiff.nn.functional``.

All are composites of primitives except ``binary_cross_entropy``'s elementwise term, a
primitive for stability: PyTorch clamps its logarithms at -100 and divides its gradient
by ``max(p (1 - p), 1e-12)``, so p = 0 or 1 gives a finite loss and gradient, where the
composite's ``log`` would give ``inf * 0 = nan``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from .._primitive import primitive
from .._tensor import Tensor
from ._helpers import raise_if
from ._loss_util import (
    ad,
    check_tensors,
    clamp_min_no_grad,
    reduce_loss,
    reduction_of,
    refuse_complex,
    warn_if_broadcast,
)
from .comparison import real_only

__all__ = ["binary_cross_entropy", "gaussian_nll_loss", "huber_loss", "kl_div", "l1_loss",
           "poisson_nll_loss", "smooth_l1_loss"]
NOT_METHODS = tuple(__all__)

NN = "autodiff.nn.functional"


def _weighted(loss: Tensor, weight: Tensor | None, input: Tensor, reduction: str,
              by_total_weight: bool) -> Tensor:
    """PyTorch's weighted l1/huber: weights of the input's shape; l1's mean divides by
    the total weight, huber's by the number of elements (as PyTorch's do)."""
    if weight is None:
        return reduce_loss(loss, reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean" and by_total_weight:
        return ad().sum(loss) / ad().sum(weight)
    return reduce_loss(loss, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
            reduce: bool | None = None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    """Mean absolute error ``|input - target|``, reduced (``torch.nn.functional.l1_loss``).

    >>> import autodiff as ad
    >>> ad.nn.functional.l1_loss(ad.tensor([1.0, -3.0]), ad.tensor([0.0, 0.0]))
    tensor(2.)
    """
    check_tensors("l1_loss", input=input, target=target)
    warn_if_broadcast(input, target)
    reduction = reduction_of(size_average, reduce, reduction)
    return _weighted(ad().abs(input - target), weight, input, reduction, True)


def _huber_terms(input: Tensor, target: Tensor, beta: float) -> tuple[Tensor, Tensor]:
    """|d| and whether it falls in the quadratic zone ``|d| < beta``."""
    z = ad().abs(input - target)
    return z, z < beta


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``, with
    ``d = input - target``; ``beta=0`` is the l1 loss (``torch.nn.functional.smooth_l1_loss``).

    >>> import autodiff as ad
    >>> ad.nn.functional.smooth_l1_loss(ad.tensor([0.5, 3.0]), ad.tensor([0.0, 0.0]))
    tensor(1.3125)
    """
    check_tensors("smooth_l1_loss", input=input, target=target)
    warn_if_broadcast(input, target)
    reduction = reduction_of(size_average, reduce, reduction)
    refuse_complex("smooth_l1_loss", input, target, kernel="smooth_l1_cpu")
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return reduce_loss(ad().abs(input - target), reduction)
    z, quadratic = _huber_terms(input, target, beta)
    loss = ad().where(quadratic, 0.5 * z * z / beta, z - 0.5 * beta)
    return reduce_loss(loss, reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """``0.5 d**2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``
    (``torch.nn.functional.huber_loss``): ``delta`` times the smooth l1 loss with
    ``beta=delta``.

    >>> import autodiff as ad
    >>> ad.nn.functional.huber_loss(ad.tensor([0.5, 3.0]), ad.tensor([0.0, 0.0]), delta=2.0)
    tensor(2.0625)
    """
    check_tensors("huber_loss", input=input, target=target)
    warn_if_broadcast(input, target)
    reduction = reduction_of(None, None, reduction)
    refuse_complex("huber_loss", input, target, kernel="huber_cpu")
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    z, quadratic = _huber_terms(input, target, delta)
    loss = ad().where(quadratic, 0.5 * z * z, delta * (z - 0.5 * delta))
    return _weighted(loss, weight, input, reduction, False)


# -- binary cross-entropy on probabilities ------------------------------------------------
def _clamped_logs(xp: Any, p: Any) -> tuple[Any, Any]:
    """log(p) and log(1 - p), each clamped at -100 as PyTorch's are; at p = 0 or 1 the
    logarithm is never taken (no divide-by-zero warning, no -inf on the way)."""
    positive = p > 0
    below_one = p < 1
    log_p = xp.where(positive, xp.log(xp.where(positive, p, 1.0)), -100.0)
    log_q = xp.where(below_one, xp.log1p(-xp.where(below_one, p, 0.0)), -100.0)
    return xp.maximum(log_p, -100.0), xp.maximum(log_q, -100.0)


def _bce_forward(xp: Any, p: Any, y: Any) -> Any:
    real_only(xp, "binary_cross_entropy", p, y)
    log_p, log_q = _clamped_logs(xp, p)
    return -(y * log_p) - (1.0 - y) * log_q  # so a perfect prediction gives 0, not -0


_bce = primitive(
    "binary_cross_entropy", torch_name="BinaryCrossEntropy",
    forward=_bce_forward,
    # PyTorch's rules: the input's gradient (p - y) / max(p (1 - p), 1e-12) stays finite
    # at p in {0, 1}; the target's is log(1 - p) - log(p), both clamped as in the forward
    vjp=(lambda xp, g, _ans, p, y: g * (p - y) / xp.maximum(p * (1.0 - p), 1e-12),
         lambda xp, g, _ans, p, _y: g * _difference_of_logs(xp, p)),
    jvp="elementwise", namespace=NN,
)


def _difference_of_logs(xp: Any, p: Any) -> Any:
    log_p, log_q = _clamped_logs(xp, p)
    return log_q - log_p


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """``-w [y log p + (1 - y) log(1 - p)]`` for probabilities ``p`` in [0, 1]
    (``torch.nn.functional.binary_cross_entropy``). Each log is clamped at -100, as in
    PyTorch, so a confident mistake costs 100, not inf, and p = 0 or 1 has a finite
    gradient. ``weight`` is broadcast to the input's shape.

    >>> import autodiff as ad
    >>> F = ad.nn.functional
    >>> F.binary_cross_entropy(ad.tensor([0.0, 1.0, 0.5]), ad.tensor([1.0, 1.0, 0.0]),
    ...                        reduction="none")
    tensor([100.0000,   0.0000,   0.6931])
    """
    check_tensors("binary_cross_entropy", input=input, target=target)
    reduction = reduction_of(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the "
                         f"input size ({input.shape}) is deprecated. Please ensure they have "
                         "the same size.")
    refuse_complex("binary_cross_entropy", input, target)  # before the range check
    values = input._array
    xp = input._backend.xp
    if not bool(xp.all((values >= 0) & (values <= 1))):  # nan fails both, as in PyTorch
        raise RuntimeError("all elements of input should be between 0 and 1")
    loss = _bce(input, target)
    if weight is not None:
        loss = loss * ad().broadcast_to(weight, tuple(input.shape))
    return reduce_loss(loss, reduction)


# -- divergences and likelihoods ------------------------------------------------------
def _xlogx(t: Tensor) -> Tensor:
    """t log t with 0 log 0 = 0, and gradient log t + 1 only where t > 0."""
    xp = ad()
    positive = t > 0
    return xp.where(positive, t * xp.log(xp.where(positive, t, 1.0)), 0.0)


def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None,
           reduce: bool | None = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence ``target (log target - input)`` of log-probabilities
    ``input`` (``torch.nn.functional.kl_div``); 0 where ``target`` is 0. With
    ``log_target=True`` the target is given as log-probabilities too. ``'batchmean'``
    divides the sum by the batch size (the first dimension), the mathematical KL.

    >>> import autodiff as ad
    >>> logq = ad.log(ad.tensor([[0.5, 0.5]]))
    >>> ad.nn.functional.kl_div(logq, ad.tensor([[1.0, 0.0]]), reduction="batchmean")
    tensor(0.6931)
    """
    check_tensors("kl_div", input=input, target=target)
    if input.dtype.kind == "complex floating" or target.dtype.kind == "complex floating":
        raise RuntimeError("kl_div: Complex inputs not supported.")
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and "
                      "the support size.'batchmean' divides only by the batch size, and "
                      "aligns with the KL div math definition.'mean' will be changed to "
                      "behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    xp = ad()
    if log_target:
        loss = xp.exp(target) * (target - input)
    else:
        loss = _xlogx(target) - target * input
    if reduction == "batchmean":
        total = xp.sum(loss)
        return total / input.shape[0] if input.ndim != 0 else total
    return reduce_loss(loss, reduction_of(None, None, reduction))


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of a Poisson ``target`` with rate ``exp(input)``
    (``log_input=True``) or ``input`` (``torch.nn.functional.poisson_nll_loss``):
    ``exp(input) - target * input``, or ``input - target * log(input + eps)``.
    ``full=True`` adds Stirling's term ``t log t - t + 0.5 log(2 pi t)`` where t > 1.

    >>> import autodiff as ad
    >>> ad.nn.functional.poisson_nll_loss(ad.tensor([0.0, 1.0]), ad.tensor([1.0, 2.0]))
    tensor(0.8591)
    """
    check_tensors("poisson_nll_loss", input=input, target=target)
    reduction = reduction_of(size_average, reduce, reduction)
    xp = ad()
    if log_input:
        loss = xp.exp(input) - target * input
    else:
        loss = input - target * xp.log(input + eps)
    if full:
        refuse_complex("poisson_nll_loss", target, kernel="le_cpu")  # t > 1 orders it
        big = target > 1
        safe = xp.where(big, target, 1.0)
        stirling = safe * xp.log(safe) - safe + 0.5 * xp.log(2.0 * math.pi * safe)
        loss = loss + xp.where(big, stirling, 0.0)
    return reduce_loss(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under normal distributions of mean
    ``input`` and variance ``var`` (``torch.nn.functional.gaussian_nll_loss``):
    ``0.5 (log var + (input - target)**2 / var)``, plus ``0.5 log(2 pi)`` with
    ``full=True``. ``var`` is clamped at ``eps`` with the gradient of the unclamped
    value, as in PyTorch; it may have the input's shape, lack its last dimension
    (homoscedastic), differ from it in one dimension of size 1, or be a float.

    >>> import autodiff as ad
    >>> x, y = ad.tensor([[1.0, 2.0]]), ad.tensor([[1.0, 0.0]])
    >>> ad.nn.functional.gaussian_nll_loss(x, y, ad.tensor([1.0]))
    tensor(1.)
    """
    check_tensors("gaussian_nll_loss", input=input, target=target)
    xp = ad()
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        variance = xp.full_like(input, float(var))
    else:
        variance = var
        refuse_complex("gaussian_nll_loss", variance, kernel="lt_cpu")  # var < 0 orders it
        raise_if(xp.any(variance.detach() < 0), ValueError, "var has negative entry/entries")
    if tuple(variance.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(variance.shape):
            variance = xp.expand_dims(variance, axis=-1)  # homoscedastic: one variance per row
        elif not (input.ndim == variance.ndim and sum(
                v for i, v in zip(input.shape, variance.shape, strict=True) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    variance = clamp_min_no_grad(variance, eps)
    loss = 0.5 * (xp.log(variance) + (input - target) ** 2 / variance)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction)
