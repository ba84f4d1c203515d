"""PyTorch's options on the arithmetic functions of the namespace: ``add(a, b, alpha=2)``,
``subtract(a, b, alpha=2)`` and ``divide(a, b, rounding_mode="floor")``.

The primitives stay ``a + b`` and friends (the operators and the Tensor methods call them
directly); these public functions read the option and fall through to the primitive
when it is absent, so ``autodiff.add(a, b)`` costs one call more than ``a + b``.
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from . import elementwise as _e
from .comparison import logical_and
from .piecewise import floor, floor_divide, remainder, trunc

__all__ = ["add", "divide", "subtract"]
NOT_METHODS = ("add", "divide", "subtract")  # the methods are the primitives themselves


def _scaled(b: Any, alpha: Any) -> Any:
    if alpha == 1:
        return b
    return _e.multiply(b, alpha) if isinstance(b, Tensor) else b * alpha


def add(a: Tensor | complex, b: Tensor | complex, /, *, alpha: Any = 1) -> Tensor:
    """``a + alpha * b`` elementwise, broadcast (``alpha`` is PyTorch's); either may be a
    Python number, and an integer tensor plus a Python float is computed in the default
    float dtype, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.add(ad.tensor([1, 2]), 0.5), ad.add(ad.tensor([1.0]), ad.tensor([2.0]), alpha=3)
    (tensor([1.5000, 2.5000]), tensor([7.]))
    """
    return _e.add(a, _scaled(b, alpha))


def subtract(a: Tensor | complex, b: Tensor | complex, /, *, alpha: Any = 1) -> Tensor:
    """``a - alpha * b`` elementwise, broadcast (``alpha`` is PyTorch's); either may be a
    Python number (``1.0 - x`` records PyTorch's ``RsubBackward1``).

    >>> import autodiff as ad
    >>> x = ad.tensor([0.25, 2.0], requires_grad=True)
    >>> ad.subtract(1.0, x, alpha=2).sum().backward()
    >>> x.grad
    tensor([-2., -2.])
    """
    return _e.subtract(a, _scaled(b, alpha))


def _integral(value: Any) -> bool:
    if isinstance(value, Tensor):
        return value.dtype.kind in ("bool", "signed integer", "unsigned integer")
    return isinstance(value, int)


def divide(a: Tensor | complex, b: Tensor | complex, /, *,
           rounding_mode: str | None = None) -> Tensor:
    """``a / b`` elementwise, broadcast: true division, so integer by integer gives the
    default float dtype, as in PyTorch's ``torch.div``. PyTorch's ``rounding_mode``
    rounds the quotient: ``"floor"`` down, ``"trunc"`` toward zero (integers stay
    integers, and the gradient is zero, as in PyTorch).

    >>> import autodiff as ad
    >>> ad.divide(ad.tensor([1, 3]), ad.tensor([2, 4]))
    tensor([0.5000, 0.7500])
    >>> ad.divide(ad.tensor([-7, 7]), 2, rounding_mode="trunc")
    tensor([-3,  3])
    """
    if rounding_mode is None:
        return _e.divide(a, b)
    if rounding_mode not in ("floor", "trunc"):
        raise ValueError("div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                         f"but found '{rounding_mode}'")
    if _integral(a) and _integral(b):
        quotient = floor_divide(a, b)
        if rounding_mode == "floor":
            return quotient
        # toward zero: one up where the exact quotient is negative and not whole
        up = logical_and(remainder(a, b) != 0, (a < 0) != (b < 0))  # type: ignore[operator]
        return _e.where(up, quotient + 1, quotient)
    return (floor if rounding_mode == "floor" else trunc)(_e.divide(a, b))
