"""The in-place updates the optimizers share, spelled with the tensor methods that update
an array in one pass under ``no_grad`` (``mul_``, ``add_``, ``sub_``, ``div_`` with a
tensor of the same shape or a Python number): PyTorch's ``lerp_``, ``addcmul_`` and
``addcdiv_`` as the same products and sums, with one temporary each."""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor

__all__: list[str] = []


def count_step(state: dict[str, Any]) -> float:
    """Bump the 0-d step tensor in place (PyTorch's ``step_t += 1``) and read it."""
    step_t = state["step"]
    step_t += 1
    return float(step_t.item())


def lerp_(average: Tensor, grad: Tensor, weight: float) -> None:
    """``average.lerp_(grad, weight)``: ``average + weight * (grad - average)``."""
    delta = grad - average
    delta.mul_(weight)
    average.add_(delta)


def decay_square_(average: Tensor, grad: Tensor, beta: float) -> None:
    """``average.mul_(beta).addcmul_(grad, grad, value=1 - beta)``."""
    square = grad * grad
    square.mul_(1 - beta)
    average.mul_(beta)
    average.add_(square)


def descend_(param: Tensor, numerator: Tensor, denominator: Tensor, step_size: float) -> None:
    """``param.addcdiv_(numerator, denominator, value=-step_size)``; the negation is
    exact, so ``param - step_size * (n / d)`` is the same number."""
    update = numerator / denominator
    update.mul_(step_size)
    param.sub_(update)


def weight_decay_grad(grad: Tensor, param: Tensor, weight_decay: float) -> Tensor:
    """L2 weight decay folded into the gradient: ``grad.add(param, alpha=weight_decay)``."""
    return grad + param * weight_decay
