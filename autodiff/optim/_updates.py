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


def host_scalars(fn: Any, tensors: tuple[Tensor, ...], consts: tuple[Any, ...],
                 like: Tensor) -> tuple[Any, ...]:
    """The numbers ``fn(*values, *consts)`` (a tuple) that scale an update, ``values``
    being the 0-d ``tensors`` (a step count, NAdam's momentum product) read as Python
    floats, and so any 0-d tensor among ``consts`` (a learning rate a schedule fills).
    While ``autodiff.compile`` traces, the tensors are not read into Python: the
    numbers are 0-d arrays of ``like``'s dtype computed by a recorded call on them, so
    a replay computes them afresh. ``fn`` computes in Python floats either way, so the
    two differ only where a number meets an array: there numpy (and the standard's
    Python-scalar rule) rounds a Python float to the array's dtype, which is the value
    the 0-d array of that dtype holds. So ``like`` must be the array a number meets
    (NAdam's float32 momentum product, not a float64 parameter); the in-place updates
    then give the same bits either way.

    >>> import autodiff as ad
    >>> step = ad.tensor(3.0)
    >>> host_scalars(lambda n, lr: (lr / n,), (step,), (0.3,), step)
    (0.09999999999999999,)
    """
    args = (*tensors, *consts)  # a constant may be a 0-d tensor too (a learning rate)
    tracer = _mode.tracing.active if _mode.traces.count else None
    if tracer is None:
        return tuple(fn(*[float(arg.item()) if isinstance(arg, Tensor) else arg
                          for arg in args]))
    return tuple(tracer.host(fn, args, like))


def rate(lr: Any, like: Tensor) -> Any:
    """A learning rate as an update uses it: the Python number, or, for a 0-d tensor
    (a schedule fills it in place), its value through ``host_scalars``, which a compiled
    replay reads afresh."""
    return host_scalars(_itself, (), (lr,), like)[0] if isinstance(lr, Tensor) else lr


def shrink(lr: Any, weight_decay: float, like: Tensor) -> Any:
    """Decoupled weight decay's factor ``1 - lr * weight_decay`` (``rate``'s way)."""
    if isinstance(lr, Tensor):
        return host_scalars(_decay_factor, (), (lr, weight_decay), like)[0]
    return 1 - lr * weight_decay


def _itself(lr: float) -> tuple[float]:
    return (lr,)


def _decay_factor(lr: float, weight_decay: float) -> tuple[float]:
    return (1 - lr * weight_decay,)


def step_scalars(state: dict[str, Any], fn: Any, consts: tuple[float, ...],
                 like: Tensor) -> tuple[Any, ...]:
    """Bump the step, then ``host_scalars`` of ``fn(step, *consts)``."""
    bump_step(state)
    return host_scalars(fn, (state["step"],), consts, like)


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
