"""What the loss modules share: PyTorch's reduction argument (legacy ``size_average``
and ``reduce`` included), the reduction itself, and the broadcast warning."""

from __future__ import annotations

import warnings
from typing import Any

from .._rules import tensor_namespace
from .._tensor import Tensor

REDUCTIONS = ("none", "mean", "sum")


def ad() -> Any:
    """The ``autodiff`` namespace, for composites written as a user would write them."""
    return tensor_namespace()


def reduction_of(size_average: bool | None, reduce: bool | None, reduction: str,
                 allowed: tuple[str, ...] = REDUCTIONS) -> str:
    """PyTorch's reading of the reduction arguments: the legacy pair, when either is
    given, wins over ``reduction`` (with PyTorch's deprecation warning)."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = ("mean" if size_average else "sum") if reduce else "none"
        warnings.warn("size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", UserWarning, stacklevel=3)
    if reduction == "elementwise_mean":  # PyTorch's old name, still accepted
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use "
                      "reduction='mean' instead.", UserWarning, stacklevel=3)
        reduction = "mean"
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def reduce_loss(loss: Tensor, reduction: str) -> Tensor:
    """The elementwise ``loss`` reduced as ``reduction`` says."""
    if reduction == "mean":
        return ad().mean(loss)
    if reduction == "sum":
        return ad().sum(loss)
    return loss


def warn_if_broadcast(input: Tensor, target: Tensor) -> None:
    """PyTorch's warning for an elementwise loss whose target has another shape than its
    input: broadcasting them is rarely meant."""
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.", UserWarning, stacklevel=3)


def check_tensors(op: str, **tensors: Any) -> None:
    for name, value in tensors.items():
        if not isinstance(value, Tensor):
            raise TypeError(f"{op}(): argument '{name}' must be Tensor, not "
                            f"{type(value).__name__}")


def clamp_min_no_grad(x: Tensor, low: float) -> Tensor:
    """``x`` clamped below at ``low`` with the gradient of ``x`` itself: PyTorch clamps
    such values in place under no_grad (gaussian_nll_loss's var, cosine_similarity's
    norms), so the gradient flows as if unclamped."""
    xp = ad()
    held = x.detach()
    return x + (xp.clip(held, min=low) - held)


def relu_(x: Tensor) -> Tensor:
    """``clamp_min(x, 0)`` with PyTorch's gradient at 0 (1, the bound included)."""
    return ad().clip(x, min=0.0)


def refuse_complex(op: str, *tensors: Any, kernel: str | None = None) -> None:
    """PyTorch's NotImplementedError for a function it defines on real numbers only
    (``"huber_cpu" not implemented for 'ComplexDouble'``); ``kernel`` is the name in
    the message, ``op`` by default."""
    for value in tensors:
        if isinstance(value, Tensor) and value.dtype.kind == "complex floating":
            name = "ComplexFloat" if value.dtype.name == "complex64" else "ComplexDouble"
            raise NotImplementedError(f'"{kernel or op}" not implemented for \'{name}\'')
