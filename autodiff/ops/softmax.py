"""Softmax, log-softmax and the cross-entropy losses, exported from
``autodiff.nn.functional``.

softmax and log_softmax are fused primitives rather than composites, for two
reasons: stability (the max is subtracted before exp, so large logits never
overflow) and speed (one forward pass and a one-line backward instead of the five
nodes and saved intermediates a composite records).
"""

from __future__ import annotations

from typing import Any

from .._device import device_of
from .._primitive import primitive
from .._rules import tensor_namespace, writes_into
from .._tensor import Tensor
from ._helpers import normalize_axes, pick
from .comparison import real_only
from .creation import ones_like
from .exponential import exp
from .manipulation import moveaxis
from .reductions import sum as sum_

__all__ = ["cross_entropy", "log_softmax", "nll_loss", "softmax"]
NOT_METHODS = ("cross_entropy", "nll_loss")

NN = "autodiff.nn.functional"


def _shifted(xp: Any, x: Any, axis: int) -> Any:
    return x - xp.max(x, axis=axis, keepdims=True)


def _empty(x: Any) -> bool:
    """Whether ``x`` has no element: its (log-)softmax is empty too, as PyTorch's (a
    library's max over an empty axis raises, and the log of an empty sum warns)."""
    return 0 in x.shape


# softmax's forward and rule write in place into arrays they made themselves (never
# into an input, and only into floating ones): one full-size temporary fewer each,
# which the attention benchmark (W4) measured at about 1% of a step. The standard's
# in-place operators are portable: for a library without them, Python rebinds the name
# instead. A rule running on tensors (``create_graph=True``) records the in-place
# operator as autodiff's in-place op, whose gradient is the out-of-place one.
def _softmax_forward(xp: Any, x: Any, axis: int) -> Any:
    real_only(xp, "softmax", x)  # its shift by the max needs an order
    if _empty(x):
        return xp.exp(x)  # a new empty array, of the dtype the full path gives
    e = xp.exp(_shifted(xp, x, axis))
    e /= xp.sum(e, axis=axis, keepdims=True)
    return e


def _log_softmax_forward(xp: Any, x: Any, axis: int) -> Any:
    real_only(xp, "log_softmax", x)
    if _empty(x):
        return xp.exp(x)
    shifted = _shifted(xp, x, axis)  # integral for an integer input: not in place
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))


def _softmax_vjp_into(xp: Any, g: Any, ans: Any, _x: Any, axis: int) -> Any:
    """``_softmax_vjp`` into ``g``'s memory, for ``autodiff.compile`` where g dies."""
    g -= xp.sum(g * ans, axis=axis, keepdims=True)
    g *= ans
    return g


@writes_into(1, _softmax_vjp_into)
def _softmax_vjp(xp: Any, g: Any, ans: Any, _x: Any, axis: int) -> Any:
    grad = g - xp.sum(g * ans, axis=axis, keepdims=True)
    grad *= ans
    return grad


_softmax = primitive(
    "softmax", torch_name="Softmax", namespace=NN,
    forward=_softmax_forward,
    vjp=_softmax_vjp,
    jvp=lambda tangents, ans, x, axis: ans * (
        tangents[0] - sum_(tangents[0] * ans, axis=axis, keepdims=True)),
)
_log_softmax = primitive(
    "log_softmax", torch_name="LogSoftmax", namespace=NN,
    forward=_log_softmax_forward,
    vjp=lambda xp, g, ans, _x, axis: g - xp.exp(ans) * xp.sum(g, axis=axis, keepdims=True),
    jvp=lambda tangents, ans, x, axis: tangents[0] - sum_(
        exp(ans) * tangents[0], axis=axis, keepdims=True),
)


def _axis(op: str, x: Tensor, dim: Any, axis: Any) -> int:
    chosen = pick(op, "axis", axis, "dim", dim, None)
    if chosen is None:  # PyTorch's legacy default: dim 1 for 2-d and up, else 0
        chosen = 0 if x.ndim in (0, 1, 3) else 1
    axes = normalize_axes(op, chosen, x.ndim)
    return 0 if axes is None else axes[0]


def softmax(input: Tensor, dim: int | None = None, *, axis: int | None = None,
            dtype: Any = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim``, computed without overflow.

    >>> import autodiff as ad
    >>> ad.nn.functional.softmax(ad.tensor([1.0, 1.0, 1000.0]), dim=0)
    tensor([0., 0., 1.])
    """
    if dtype is not None:
        input = input.astype(dtype)
    return _softmax(input, axis=_axis("softmax", input, dim, axis))


def log_softmax(input: Tensor, dim: int | None = None, *,
                axis: int | None = None, dtype: Any = None) -> Tensor:
    """``log(softmax(x))`` along ``dim``, exact for large logits.

    >>> import autodiff as ad
    >>> ad.nn.functional.log_softmax(ad.tensor([0.0, 1000.0]), dim=0)
    tensor([-1000.,     0.])
    """
    if dtype is not None:
        input = input.astype(dtype)
    return _log_softmax(input, axis=_axis("log_softmax", input, dim, axis))


_REDUCTIONS = ("mean", "sum", "none")


def _element_weights(xp: Any, x: Any, target: Any, weight: Any, ignore_index: int) -> Any:
    """Each element's weight in the loss: its class's weight (1 without ``weight``) at
    the row's target class, 0 elsewhere and in rows whose target is ``ignore_index``.
    Written once for the forward and the rule (``xp`` a backend's namespace, or
    autodiff's when the rule records)."""
    classes = x.shape[-1]
    mask = xp.expand_dims(target, axis=-1) == xp.arange(classes, dtype=target.dtype,
                                                        device=device_of(x))
    if 0 <= ignore_index < classes:  # else no class is ignore_index: no row to clear
        mask = mask & xp.expand_dims(target != ignore_index, axis=-1)
    if weight is None:
        return xp.astype(mask, x.dtype)
    return xp.where(mask, weight, xp.zeros((), dtype=x.dtype, device=device_of(x)))


def _reduce_losses(xp: Any, losses: Any, weights: Any, reduction: str) -> Any:
    if reduction == "none":
        return losses
    total = xp.sum(losses)
    return total / xp.sum(weights) if reduction == "mean" else total


def _nll_forward(xp: Any, x: Any, target: Any, weight: Any, ignore_index: int,
                 reduction: str) -> Any:
    weights = _element_weights(xp, x, target, weight, ignore_index)
    # where, not a product: a -inf log-probability of another class must not give nan
    picked = xp.where(weights != 0, x, xp.zeros((), dtype=x.dtype, device=device_of(x)))
    losses = -xp.sum(picked * weights if weight is not None else picked, axis=-1)
    return _reduce_losses(xp, losses, weights, reduction)


def _nll_scale(xp: Any, g: Any, weights: Any, reduction: str) -> Any:
    """d(loss)/d(x) is -weights scaled by the cotangent of each row's loss."""
    if reduction == "none":
        return xp.expand_dims(g, axis=-1)
    return g / _nonzero(xp, xp.sum(weights)) if reduction == "mean" else g


def _nonzero(xp: Any, total: Any) -> Any:
    """A mean's total weight as a divisor in a gradient: 1 where it is 0 (every target
    ignored), whose gradient is then zeros, as PyTorch's, and not 0 * inf = nan."""
    return xp.where(total == 0, 1.0, total)


def _nll_vjp(xp: Any, g: Any, _ans: Any, x: Any, target: Any, weight: Any,
             ignore_index: int, reduction: str) -> Any:
    weights = _element_weights(xp, x, target, weight, ignore_index)
    weights *= -_nll_scale(xp, g, weights, reduction)  # made here: written in place
    return weights


_nll_loss = primitive(
    "nll_loss", torch_name="NllLoss", namespace=NN,
    forward=_nll_forward,
    vjp=(_nll_vjp, None, None),
    jvp="linear",
)


def _classes_last(op: str, input: Tensor, target: Tensor, weight: Tensor | None,
                  ignore_index: int) -> tuple[Tensor, Tensor]:
    """Check class-index targets as PyTorch does, in its order (batch size, shape, dtype,
    weight, then the values), and return ``input`` with its class axis (axis 1; axis 0
    of an unbatched (C,) input) moved last, where the nll primitive reads it, and the
    target as that primitive takes it."""
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim >= 2 and target.ndim >= 1 and target.shape[0] != input.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    if input.ndim == 1 and target.shape == (1,):
        target = target.reshape(())  # PyTorch takes a one-element batch of one too
    if input.ndim <= 2 and target.ndim != input.ndim - 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.ndim > 2 and target.shape != input.shape[:1] + input.shape[2:]:
        raise RuntimeError(f"Expected target size {list(input.shape[:1] + input.shape[2:])}, "
                           f"got {list(target.shape)}")
    if target.dtype.kind not in ("signed integer", "unsigned integer"):
        raise TypeError(f"{op}: expected target to be a tensor of class indices (an integer "
                        f"dtype), got {target.dtype.name}")
    classes = input.shape[0 if input.ndim == 1 else 1]
    _check_weight(op, input, weight, classes)
    # a data-dependent check, as PyTorch's (on a GPU it costs a synchronization): a target
    # outside [0, C) would otherwise select no class and drop its row silently. On the
    # backend's arrays: a few microseconds, where tensor ops cost a fifth of a small step;
    # a lazy backend (dask) checks when the graph computes, not in the forward pass

    def in_range(xp: Any, labels: Any) -> None:
        outside = (labels < 0) | (labels >= classes)
        if bool(xp.any(outside)):
            outside = outside & (labels != ignore_index)
            if bool(xp.any(outside)):
                raise IndexError(f"Target {int(labels[outside][0])} is out of bounds.")

    labels = target._backend.checked(target._array, in_range)
    if labels is not target._array:
        target = Tensor._wrap(labels, target._backend)
    return (moveaxis(input, 1, -1) if input.ndim > 2 else input), target


def _check_weight(op: str, input: Tensor, weight: Tensor | None, classes: int) -> None:
    if weight is None:
        return
    if weight.shape != (classes,):
        where = "cross_entropy: " if op == "cross_entropy" else ""
        raise RuntimeError(f"{where}weight tensor should be defined either for all {classes} "
                           f"classes or no classes but got weight tensor of shape: "
                           f"{list(weight.shape)}")
    if weight.dtype is not input.dtype:
        raise ValueError(f"{op}: expected weight of dtype {input.dtype.name} (the input's), "
                         f"got {weight.dtype.name}")


def _check_reduction(op: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             ignore_index: int = -100, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices ``target`` under log-probabilities
    ``input`` of shape (N, C), (N, C, d1, ...) or (C,), as
    ``torch.nn.functional.nll_loss``: one primitive, whose backward is one pass (a mask
    of the target classes, scaled). A target outside ``[0, C)`` other than
    ``ignore_index`` raises ``IndexError``, as in PyTorch.

    >>> import autodiff as ad
    >>> F = ad.nn.functional
    >>> F.nll_loss(ad.tensor([[-1.0, -2.0], [-3.0, -0.5]]), ad.tensor([0, 1]))
    tensor(0.7500)
    """
    _check_reduction("nll_loss", reduction)
    if not isinstance(target, Tensor):
        raise TypeError("nll_loss: expected target to be a tensor of class indices (an "
                        f"integer dtype), got {type(target).__name__}")
    input, target = _classes_last("nll_loss", input, target, weight, int(ignore_index))
    return _nll_loss(input, target, weight, ignore_index=int(ignore_index),
                     reduction=reduction)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy of logits ``input`` of shape (N, C), (N, C, d1, ...) or
    (C,), classes along axis 1 (axis 0 unbatched), against class indices or class
    probabilities (a floating target of the input's shape), as
    ``torch.nn.functional.cross_entropy``.

    >>> import autodiff as ad
    >>> F = ad.nn.functional
    >>> F.cross_entropy(ad.tensor([[2.0, 0.0], [0.0, 2.0]]), ad.tensor([0, 1]))
    tensor(0.1269)
    """
    _check_reduction("cross_entropy", reduction)
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    axis = 0 if input.ndim == 1 else 1
    logp = log_softmax(input, dim=axis)
    if target.dtype.is_differentiable and target.shape == input.shape:
        return _soft_cross_entropy(logp, target, weight, ignore_index, reduction,
                                   label_smoothing)
    logp, target = _classes_last("cross_entropy", logp, target, weight, int(ignore_index))
    loss = _nll_loss(logp, target, weight, ignore_index=int(ignore_index),
                     reduction=reduction)
    if not label_smoothing > 0:  # PyTorch ignores a negative one
        return loss
    # PyTorch's smoothing: (1 - e) * nll + e * (mean over classes of -w log p)
    classes = logp.shape[-1]
    keep = (target != ignore_index).astype(logp.dtype)
    scaled = logp if weight is None else logp * weight
    smooth = -sum_(scaled, axis=-1) / classes * keep
    if reduction == "none":
        smooth_loss = smooth
    elif reduction == "sum":
        smooth_loss = sum_(smooth)
    else:  # divided by the total weight of the targets, as the nll term is: that is
        # the summed nll of log-probabilities all -1
        total_weight = _nll_loss(-ones_like(logp), target, weight,
                                 ignore_index=int(ignore_index), reduction="sum")
        smooth_loss = sum_(smooth) / _nonzero(tensor_namespace(), total_weight)
    return loss * (1.0 - label_smoothing) + smooth_loss * label_smoothing


def _soft_cross_entropy(logp: Tensor, target: Tensor, weight: Tensor | None,
                        ignore_index: int, reduction: str, label_smoothing: float) -> Tensor:
    """Cross-entropy against class probabilities ``target`` (the input's shape); the
    mean is over the positions (N, d1, ...), whatever the weights."""
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    classes = logp.shape[0 if logp.ndim == 1 else 1]
    _check_weight("cross_entropy", logp, weight, classes)
    if label_smoothing > 0:
        target = target * (1.0 - label_smoothing) + label_smoothing / classes
    if logp.ndim > 2:
        logp, target = moveaxis(logp, 1, -1), moveaxis(target, 1, -1)
    scaled = logp if weight is None else logp * weight
    losses = -sum_(scaled * target, axis=-1)
    if reduction == "none":
        return losses
    total = sum_(losses)
    return total / losses.numel() if reduction == "mean" else total
