"""Margin, ranking and embedding losses, as ``torch.nn.functional``: composites of
primitives (the hinge is ``clip(., min=0)``, whose gradient at the kink is PyTorch's
``clamp_min``'s; the soft margins use ``logaddexp``, stable for any logit), exported
from ``autodiff.nn.functional``."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .._mode import no_grad
from .._tensor import Tensor
from ._loss_util import ad, check_tensors, reduce_loss, reduction_of, refuse_complex, relu_
from .distances import pairwise_distance

__all__ = ["cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss",
           "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss",
           "soft_margin_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss"]
NOT_METHODS = tuple(__all__)

Legacy = bool | None


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average: Legacy = None, reduce: Legacy = None,
                        reduction: str = "mean") -> Tensor:
    """``max(0, -target (input1 - input2) + margin)``, targets +-1
    (``torch.nn.functional.margin_ranking_loss``).

    >>> import autodiff as ad
    >>> F = ad.nn.functional
    >>> F.margin_ranking_loss(ad.tensor([1.0, 0.0]), ad.tensor([0.0, 1.0]), ad.tensor([1.0, 1.0]))
    tensor(0.5000)
    """
    check_tensors("margin_ranking_loss", input1=input1, input2=input2, target=target)
    reduction = reduction_of(size_average, reduce, reduction)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got "
            f"sizes: input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    return reduce_loss(relu_(-target * (input1 - input2) + margin), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average: Legacy = None, reduce: Legacy = None,
                         reduction: str = "mean") -> Tensor:
    """``input`` where ``target`` is 1, ``max(0, margin - input)`` where it is -1
    (``torch.nn.functional.hinge_embedding_loss``; other targets add both, as PyTorch).

    >>> import autodiff as ad
    >>> F = ad.nn.functional
    >>> F.hinge_embedding_loss(ad.tensor([0.3, 0.2]), ad.tensor([1.0, -1.0]))
    tensor(0.5500)
    """
    check_tensors("hinge_embedding_loss", input=input, target=target)
    reduction = reduction_of(size_average, reduce, reduction)
    xp = ad()
    output_margin = xp.where(target != 1, relu_(margin - input), 0.0)
    output_self = xp.where(target != -1, input, 0.0)
    return reduce_loss(output_margin + output_self, reduction)


def _softplus(x: Tensor) -> Tensor:
    """log(1 + exp(x)), finite for any real x; PyTorch's log1p(exp(x)) for a complex one
    (which has no order to pick the stable form by)."""
    if x.dtype.kind == "complex floating":
        return ad().log1p(ad().exp(x))
    return ad().logaddexp(x * 0.0, x)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: Legacy = None,
                     reduce: Legacy = None, reduction: str = "mean") -> Tensor:
    """``log(1 + exp(-target * input))``, targets +-1, finite for any input
    (``torch.nn.functional.soft_margin_loss``).

    >>> import autodiff as ad
    >>> F = ad.nn.functional
    >>> F.soft_margin_loss(ad.tensor([1000.0, 0.0]), ad.tensor([-1.0, 1.0]), reduction="none")
    tensor([1.0000e+03, 6.9315e-01])
    """
    check_tensors("soft_margin_loss", input=input, target=target)
    reduction = reduction_of(size_average, reduce, reduction)
    return reduce_loss(_softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average: Legacy = None, reduce: Legacy = None,
                                reduction: str = "mean") -> Tensor:
    """One-versus-all logistic loss of (N, C) logits against 0/1 targets, averaged over
    the classes (``torch.nn.functional.multilabel_soft_margin_loss``).

    >>> import autodiff as ad
    >>> F = ad.nn.functional
    >>> F.multilabel_soft_margin_loss(ad.tensor([[0.0, 0.0]]), ad.tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """
    check_tensors("multilabel_soft_margin_loss", input=input, target=target)
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
    refuse_complex("multilabel_soft_margin_loss", input, kernel="log_sigmoid_cpu")
    # -(y log sigmoid(x) + (1 - y) log sigmoid(-x)), with -log sigmoid(x) = softplus(-x)
    loss = target * _softplus(-input) + (1.0 - target) * _softplus(input)
    if weight is not None:
        loss = loss * weight
    loss = ad().sum(loss, axis=input.ndim - 1) / input.shape[-1]
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return reduce_loss(loss, reduction)


def _as_batch(op: str, input: Tensor, target: Tensor) -> tuple[Tensor, Tensor, bool]:
    """(C,) or (N, C) scores and their targets as a batch, and whether it was one row."""
    if input.ndim > 2 or (input.ndim and input.shape[-1] == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: {list(input.shape)}")
    if target.dtype.kind not in ("signed integer", "unsigned integer"):
        raise TypeError(f"{op}: expected target to be a tensor of class indices (an integer "
                        f"dtype), got {target.dtype.name}")
    if input.ndim > 1:
        return input, target, False
    # one sample (a 0-d input is one sample of one class, as PyTorch reads it); its
    # target is one index (0-d or of shape (1,)) or, for the multi-label loss, one row
    xp = ad()
    row = xp.reshape(input, (1, -1))
    if op == "multilabel_margin_loss":
        return row, (xp.reshape(target, (1, -1)) if target.ndim <= 1 else target), True
    return row, (xp.reshape(target, (1,)) if math.prod(target.shape) == 1 else target), True


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average: Legacy = None,
                      reduce: Legacy = None, reduction: str = "mean") -> Tensor:
    """Multi-class hinge loss of (N, C) or (C,) scores against class indices:
    ``sum over i != y of w[y] max(0, margin - x[y] + x[i])**p / C``
    (``torch.nn.functional.multi_margin_loss``, p 1 or 2).

    >>> import autodiff as ad
    >>> F = ad.nn.functional
    >>> F.multi_margin_loss(ad.tensor([[0.1, 0.2, 0.4, 0.8]]), ad.tensor([3]))
    tensor(0.3250)
    """
    check_tensors("multi_margin_loss", input=input, target=target)
    reduction = reduction_of(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    refuse_complex("multi_margin_loss", input, kernel="multi_margin_loss_cpu_kernel")
    x, y, single = _as_batch("multi_margin_loss", input, target)
    if y.ndim != 1 or y.shape[0] != x.shape[0]:
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{x.shape[0]}], but got "
            f"{list(target.shape)}. Input has shape {list(input.shape)}.")
    xp = ad()
    classes = x.shape[1]
    column = xp.expand_dims(y, axis=1)
    x_y = xp.take_along_axis(x, column, axis=1)
    z = relu_(margin - x_y + x)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * xp.expand_dims(xp.take(weight, y, axis=0), axis=1)
    own = xp.arange(classes, device=x.device, backend=x.backend) == column
    loss = xp.sum(xp.where(own, 0.0, z), axis=1) / classes
    return reduce_loss(loss[0] if single else loss, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average: Legacy = None,
                           reduce: Legacy = None, reduction: str = "mean") -> Tensor:
    """Multi-label hinge loss of (N, C) or (C,) scores: each row of ``target`` lists the
    row's classes, ended by the first -1; the loss is the sum over listed j and unlisted
    i of ``max(0, 1 - (x[j] - x[i])) / C`` (``torch.nn.functional.multilabel_margin_loss``).

    >>> import autodiff as ad
    >>> F = ad.nn.functional
    >>> F.multilabel_margin_loss(ad.tensor([[0.1, 0.2, 0.4, 0.8]]), ad.tensor([[3, 0, -1, 1]]))
    tensor(0.8500)
    """
    check_tensors("multilabel_margin_loss", input=input, target=target)
    reduction = reduction_of(size_average, reduce, reduction)
    refuse_complex("multilabel_margin_loss", input,
                   kernel="multilabel_margin_loss_forward_out_frame")
    x, y, single = _as_batch("multilabel_margin_loss", input, target)
    if tuple(y.shape) != tuple(x.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of "
                           f"size: {list(input.shape)}")
    xp = ad()
    classes = x.shape[1]
    with no_grad():  # the masks are integer bookkeeping
        ended = xp.cumulative_sum(xp.astype(y == -1, xp.int64), axis=1)
        listed = ended == 0  # (N, J): the entries before the first -1
        hits = xp.expand_dims(y, axis=2) == xp.arange(classes, device=x.device, backend=x.backend)
        is_target = xp.any(hits & xp.expand_dims(listed, axis=2), axis=1)  # (N, C)
        pairs = xp.expand_dims(listed, axis=2) & ~xp.expand_dims(is_target, axis=1)
        safe = xp.where(listed, y, 0)
    x_j = xp.take_along_axis(x, safe, axis=1)  # (N, J)
    z = relu_(1.0 - xp.expand_dims(x_j, axis=2) + xp.expand_dims(x, axis=1))  # (N, J, C)
    loss = xp.sum(xp.where(pairs, z, 0.0), axis=(1, 2)) / classes
    return reduce_loss(loss[0] if single else loss, reduction)


def _check_triplet(anchor: Tensor, positive: Tensor, negative: Tensor) -> None:
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and "
            f"negative {negative.ndim}D inputs")


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-6,
                        swap: bool = False, size_average: Legacy = None,
                        reduce: Legacy = None, reduction: str = "mean") -> Tensor:
    """``max(0, margin + d(a, p) - d(a, n))`` with ``d`` the ``p``-norm pairwise
    distance; ``swap=True`` takes ``min(d(a, n), d(p, n))`` as the negative distance
    (``torch.nn.functional.triplet_margin_loss``).

    >>> import autodiff as ad
    >>> a, p, n = ad.tensor([[0.0, 0.0]]), ad.tensor([[3.0, 4.0]]), ad.tensor([[1.0, 0.0]])
    >>> ad.nn.functional.triplet_margin_loss(a, p, n)
    tensor(5.0000)
    """
    check_tensors("triplet_margin_loss", anchor=anchor, positive=positive, negative=negative)
    reduction = reduction_of(size_average, reduce, reduction)
    _check_triplet(anchor, positive, negative)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = ad().minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return reduce_loss(relu_(margin + d_pos - d_neg), reduction)


def triplet_margin_with_distance_loss(
    anchor: Tensor, positive: Tensor, negative: Tensor, *,
    distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
    margin: float = 1.0, swap: bool = False, reduction: str = "mean",
) -> Tensor:
    """The triplet loss with any distance (``pairwise_distance`` by default)
    (``torch.nn.functional.triplet_margin_with_distance_loss``).

    >>> import autodiff as ad
    >>> a, p, n = ad.tensor([[0.0, 0.0]]), ad.tensor([[3.0, 4.0]]), ad.tensor([[1.0, 0.0]])
    >>> l1 = lambda u, v: ad.sum(ad.abs(u - v), axis=-1)
    >>> ad.nn.functional.triplet_margin_with_distance_loss(a, p, n, distance_function=l1)
    tensor(7.)
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet(anchor, positive, negative)
    distance: Any = distance_function if distance_function is not None else pairwise_distance
    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:
        d_neg = ad().minimum(d_neg, distance(positive, negative))
    return reduce_loss(relu_(margin + d_pos - d_neg), reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: Legacy = None, reduce: Legacy = None,
                          reduction: str = "mean") -> Tensor:
    """``1 - cos(x1, x2)`` where ``target`` is 1, ``max(0, cos(x1, x2) - margin)`` where
    it is -1, for (N, D) rows or (D,) vectors (``torch.nn.functional.cosine_embedding_loss``).

    >>> import autodiff as ad
    >>> F = ad.nn.functional
    >>> F.cosine_embedding_loss(ad.tensor([[1.0, 0.0]]), ad.tensor([[1.0, 1.0]]),
    ...                         ad.tensor([-1.0]))
    tensor(0.7071)
    """
    check_tensors("cosine_embedding_loss", input1=input1, input2=input2, target=target)
    reduction = reduction_of(size_average, reduce, reduction)
    if target.ndim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = 2 if target.ndim == 1 else 1
    if input1.ndim != want or input2.ndim != want:
        raise RuntimeError(
            f"{target.ndim}D target tensor expects {want}D input tensors, but found inputs "
            f"with sizes {list(input1.shape)} and {list(input2.shape)}.")
    xp = ad()
    axis = target.ndim
    # PyTorch's form: the squared magnitudes get 1e-12 each, so a zero row gives cos = 0
    prod_sum = xp.sum(input1 * input2, axis=axis)
    mag1 = xp.sum(input1 * input1, axis=axis) + 1e-12
    mag2 = xp.sum(input2 * input2, axis=axis) + 1e-12
    cos = prod_sum / xp.sqrt(mag1 * mag2)
    loss = (xp.where(target == 1, 1.0 - cos, 0.0)
            + xp.where(target == -1, relu_(cos - margin), 0.0))
    return reduce_loss(loss, reduction)
