"""The in-place updates the optimizers share, spelled with the tensor methods that update
an array in one pass under ``no_grad`` (``mul_``, ``add_``, ``sub_``, ``div_`` with a
tensor of the same shape or a Python number): PyTorch's ``lerp_``, ``addcmul_`` and
``addcdiv_`` as the same products and sums, with one temporary each."""

from __future__ import annotations

from typing import Any

from .. import _mode
from .._tensor import Tensor

__all__: list[str] = []


def bump_step(state: dict[str, Any]) -> None:
    """Bump the 0-d step tensor in place (PyTorch's ``step_t += 1``), without reading it
    (an optimizer whose update does not depend on the count)."""
    step_t = state["step"]
    step_t += 1


def count_step(state: dict[str, Any]) -> float:
    """Bump the 0-d step tensor in place and read it."""
    bump_step(state)
    return float(state["step"].item())


def step_scalars(state: dict[str, Any], fn: Any, consts: tuple[float, ...],
                 like: Tensor) -> tuple[Any, ...]:
    """``count_step``, then the numbers ``fn(step, *consts)`` (a tuple) that scale the
    update. While ``autodiff.compile`` traces, the step is not read into Python: the
    numbers are 0-d arrays of ``like``'s dtype computed by a recorded call on the step
    tensor, so a replay counts on (numpy rounds a Python float operand to the array's
    dtype, so the in-place updates give the same bits either way)."""
    tracer = _mode.tracing.active if _mode.traces.count else None
    if tracer is None:
        return tuple(fn(count_step(state), *consts))
    bump_step(state)
    return tuple(tracer.host(fn, state["step"], consts, like))


def bias_corrected(step: float, beta1: float, beta2: float, lr: float,
                   eps: float) -> tuple[float, float]:
    """Adam's ``eps * sqrt(1 - beta2**step)`` and ``lr * sqrt(1 - beta2**step) /
    (1 - beta1**step)``, computed in Python floats as PyTorch does."""
    bias_correction1 = 1 - beta1 ** step
    bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
    return eps * bias_correction2_sqrt, lr * bias_correction2_sqrt / bias_correction1


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
