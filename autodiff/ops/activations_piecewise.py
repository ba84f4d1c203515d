"""The piecewise linear activations of ``torch.nn.functional``: leaky_relu, hardtanh,
relu6, hardsigmoid, hardswish, threshold, hardshrink, softshrink, prelu and rrelu, exported
from ``autodiff.nn.functional``.

Composites of ``where``, written so that the gradient at each kink is PyTorch's (written
down from torch 2.13 in ``tests/test_nn_functional.py``): hardtanh's is 0 at its bounds
(``clip`` passes it there), leaky_relu's, prelu's and rrelu's at 0 is the slope.
"""

from __future__ import annotations

import math

from .. import _dtypes
from .._tensor import Tensor
from .activations import _maybe_inplace, _real
from .elementwise import where
from .random import rand

__all__ = ["hardshrink", "hardsigmoid", "hardswish", "hardtanh", "leaky_relu", "prelu", "relu6",
           "rrelu", "softshrink", "threshold"]
#: PyTorch has ``Tensor.hardshrink`` and ``Tensor.prelu``; the others are functions only
NOT_METHODS = tuple(name for name in __all__ if name not in ("hardshrink", "prelu"))


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` for ``x > 0``, ``negative_slope * x`` otherwise (the gradient at 0 is the
    slope, as in PyTorch).

    >>> import autodiff as ad
    >>> ad.nn.functional.leaky_relu(ad.tensor([-2.0, 3.0]), 0.1)
    tensor([-0.2000,  3.0000])
    """
    _real("leaky_relu", input)
    return _maybe_inplace(input, inplace, "leaky_relu_",
                          lambda x: where(x > 0, x, x * float(negative_slope)))


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """``x`` clipped to ``[min_val, max_val]``; the gradient is 0 at the bounds, as
    PyTorch's (``clip`` passes it there).

    >>> import autodiff as ad
    >>> ad.nn.functional.hardtanh(ad.tensor([-2.0, 0.5, 2.0]))
    tensor([-1.0000,  0.5000,  1.0000])
    """
    _real("hardtanh", input)
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    low, high = float(min_val), float(max_val)
    return _maybe_inplace(input, inplace, "hardtanh_",
                          lambda x: where(x <= low, low, where(x >= high, high, x)))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``hardtanh(x, 0, 6)``: the gradient is 0 at 0 and at 6.

    >>> import autodiff as ad
    >>> ad.nn.functional.relu6(ad.tensor([-1.0, 3.0, 9.0]))
    tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace=inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``; the gradient is 0 at -3 and 3, as PyTorch's.

    >>> import autodiff as ad
    >>> ad.nn.functional.hardsigmoid(ad.tensor([-4.0, 0.0, 1.5]))
    tensor([0.0000, 0.5000, 0.7500])
    """
    _real("hardsigmoid", input)
    return _maybe_inplace(input, inplace, "hardsigmoid_", lambda x: where(
        x <= -3.0, 0.0, where(x >= 3.0, 1.0, (x + 3.0) / 6.0)))


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x relu6(x + 3) / 6``; the gradient is 0 at -3 and 1 at 3, as PyTorch's.

    >>> import autodiff as ad
    >>> ad.nn.functional.hardswish(ad.tensor([-4.0, 1.0, 4.0]))
    tensor([-0.0000, 0.6667, 4.0000])
    """
    _real("hardswish", input)
    return _maybe_inplace(input, inplace, "hardswish_", lambda x: x * hardsigmoid(x))


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, ``value`` elsewhere.

    >>> import autodiff as ad
    >>> ad.nn.functional.threshold(ad.tensor([0.5, 2.0]), 1.0, -5.0)
    tensor([-5.,  2.])
    """
    _real("threshold", input)
    level, fill = float(threshold), float(value)
    return _maybe_inplace(input, inplace, "threshold_", lambda x: where(x > level, x, fill))


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x`` where ``|x| > lambd``, 0 elsewhere (nan stays nan).

    >>> import autodiff as ad
    >>> ad.nn.functional.hardshrink(ad.tensor([-1.0, 0.2, 0.7]))
    tensor([-1.0000,  0.0000,  0.7000])
    """
    _real("hardshrink", input)
    bound = float(lambd)
    return where((input >= -bound) & (input <= bound), 0.0, input)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, 0 between.

    >>> import autodiff as ad
    >>> ad.nn.functional.softshrink(ad.tensor([-1.0, 0.2, 0.7]))
    tensor([-0.5000,  0.0000,  0.2000])
    """
    _real("softshrink", input)
    if lambd < 0:
        kind, top = (("Double", "1.79769e+308") if input.dtype == _dtypes.float64
                     else ("Float", "3.40282e+38"))
        raise RuntimeError(f"lambda must be in range [0, {top}] for input dtype {kind}, but "
                           f"found {lambd:g}")
    bound = float(lambd)
    # x * 0 in the middle, as PyTorch's kernel: nan stays nan, and the gradient is 0
    return where(input > bound, input - bound,
                 where(input < -bound, input + bound, input * 0.0))


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``x`` for ``x > 0``, ``weight * x`` otherwise; ``weight`` holds one slope, or one
    per channel (dim 1 of ``input``).

    >>> import autodiff as ad
    >>> ad.nn.functional.prelu(ad.tensor([[-2.0, -2.0], [1.0, 1.0]]), ad.tensor([0.25, 0.5]))
    tensor([[-0.5000, -1.0000],
            [ 1.0000,  1.0000]])
    """
    _real("prelu", input)
    if not isinstance(weight, Tensor):
        raise TypeError(f"prelu: weight must be a Tensor, got {type(weight).__name__}")
    count = math.prod(weight.shape)
    channels = input.shape[1] if input.ndim >= 2 else 1
    if count != 1 and count != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                           f"parameter numbers = {count} and channel size = {channels}.")
    if count == 1:
        slope = weight.reshape(())
    else:  # one slope per channel, broadcast over the dimensions after it
        slope = weight.reshape((channels,) + (1,) * (input.ndim - 2))
    return where(input > 0, input, slope * input)


def rrelu(input: Tensor, lower: float = 1.0 / 8.0, upper: float = 1.0 / 3.0,
          training: bool = False, inplace: bool = False) -> Tensor:
    """Randomized leaky relu: in training, each element ``x <= 0`` gets its own slope,
    drawn uniformly from ``[lower, upper]`` by the backend's generator; otherwise the
    fixed slope ``(lower + upper) / 2``.

    >>> import autodiff as ad
    >>> ad.nn.functional.rrelu(ad.tensor([-1.0, 2.0]))
    tensor([-0.2292,  2.0000])
    """
    _real("rrelu", input)
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return leaky_relu(input, (lower + upper) / 2.0, inplace=inplace)
    noise = rand(*input.shape, dtype=input.dtype, device=input.device, backend=input.backend)
    slopes = lower + (upper - lower) * noise
    return _maybe_inplace(input, inplace, "rrelu_", lambda x: where(x > 0, x, x * slopes))
