"""Activation functions of ``torch.nn.functional``, exported from ``autodiff.nn.functional``.

Two are primitives, each for a stated reason: ``softplus`` for stability (exp never sees a
positive argument, so +-1000 is exact; its rule is the stable sigmoid) and ``gelu`` because
the standard has no ``erf`` (Phi comes from ``_erf``, and the rule is one closed form
instead of the derivative of a series). The rest are composites of primitives. The
piecewise ones are written with ``where`` so that the gradient at each kink is PyTorch's
(hardtanh's is 0 at its bounds, elu's at 0 comes from the exponential side), and those with
an ``exp`` in one branch feed that branch only the arguments it is used for (the "double
where"), so that +-1000 gives neither inf nor a nan gradient. ``inplace=True`` writes the
result into the input, as PyTorch's in-place variants do (``elu_`` and so on).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .._primitive import primitive
from .._tensor import Tensor
from ._erf import normal_cdf, normal_pdf
from .comparison import real_only
from .elementwise import abs as abs_
from .elementwise import tanh, where
from .exponential import expm1
from .inplace import apply_inplace
from .nn import sigmoid
from .random import rand
from .softmax import softmax

__all__ = ["elu", "gelu", "glu", "hardshrink", "hardsigmoid", "hardswish", "hardtanh",
           "leaky_relu", "logsigmoid", "mish", "prelu", "relu6", "rrelu", "selu", "silu",
           "softmin", "softplus", "softshrink", "softsign", "tanhshrink", "threshold"]
#: PyTorch has ``Tensor.hardshrink`` and ``Tensor.prelu``; the others are functions only
NOT_METHODS = tuple(name for name in __all__ if name not in ("hardshrink", "prelu"))

NN = "autodiff.nn.functional"
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _real(op: str, x: Any) -> None:
    """PyTorch's refusal of a complex input to a function of real numbers."""
    if isinstance(x, Tensor):
        real_only(x._backend.xp, op, x._array)


def _maybe_inplace(input: Tensor, inplace: bool, name: str,
                   compute: Callable[[Tensor], Tensor]) -> Tensor:
    if inplace:
        # the composite's inner nodes read a copy, not the tensor the write bumps (mish's
        # softplus saves its input); the last node is given the old values by apply_inplace
        return apply_inplace(input, name, lambda x: compute(x * 1.0))
    return compute(input)


# -- softplus and the functions built on it -------------------------------------------
def _softplus_forward(xp: Any, x: Any, beta: float, threshold: float) -> Any:
    real_only(xp, "softplus", x)
    bx = beta * x
    # log(1 + exp(bx)) = log1p(exp(-|bx|)) + max(bx, 0): exp never overflows
    smooth = (xp.log1p(xp.exp(-xp.abs(bx))) + xp.maximum(bx, 0.0)) / beta
    return xp.where(bx > threshold, x, smooth)


_softplus = primitive(
    "softplus", torch_name="Softplus",
    forward=_softplus_forward,
    # PyTorch's rule: 1 above the threshold, sigmoid(beta x) below it
    vjp=lambda xp, g, _ans, x, beta, threshold: xp.where(
        x * beta > threshold, g, g * xp.prim.sigmoid(x * beta)),
    jvp="elementwise", namespace=NN,
)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta x)) / beta``, and ``x`` itself where ``beta x > threshold``
    (PyTorch's ``torch.nn.functional.softplus``). Exact at any ``x``: no overflow.

    >>> import autodiff as ad
    >>> ad.nn.functional.softplus(ad.tensor([-1000.0, 0.0, 1000.0]))
    tensor([0.0000e+00, 6.9315e-01, 1.0000e+03])
    """
    return _softplus(input, beta=float(beta), threshold=float(threshold))


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, exact at any ``x`` (its gradient is
    ``sigmoid(-x)``, without PyTorch's softplus threshold).

    >>> import autodiff as ad
    >>> ad.nn.functional.logsigmoid(ad.tensor([-1000.0, 0.0, 1000.0]))
    tensor([-1.0000e+03, -6.9315e-01, -0.0000e+00])
    """
    _real("logsigmoid", input)
    return -_softplus(-input, beta=1.0, threshold=math.inf)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x tanh(softplus(x))``, finite and exact at +-1000.

    >>> import autodiff as ad
    >>> ad.nn.functional.mish(ad.tensor([-1000.0, 0.0, 1.0]))
    tensor([-0.0000, 0.0000, 0.8651])
    """
    _real("mish", input)
    return _maybe_inplace(input, inplace, "mish_", lambda x: x * tanh(
        _softplus(x, beta=1.0, threshold=math.inf)))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x sigmoid(x)`` (also called swish), with the stable sigmoid.

    >>> import autodiff as ad
    >>> ad.nn.functional.silu(ad.tensor([-1000.0, 0.0, 1.0]))
    tensor([-0.0000, 0.0000, 0.7311])
    """
    return _maybe_inplace(input, inplace, "silu_", lambda x: x * sigmoid(x))


# -- gelu ------------------------------------------------------------------------------
_TANH_BETA = math.sqrt(2.0 / math.pi)
_TANH_KAPPA = 0.044715


def _gelu_forward(xp: Any, x: Any, approximate: str) -> Any:
    real_only(xp, "gelu", x)
    if approximate == "tanh":
        inner = _TANH_BETA * (x + _TANH_KAPPA * x * x * x)
        return 0.5 * x * (1.0 + xp.tanh(inner))
    return x * normal_cdf(xp, x)


def _gelu_vjp(xp: Any, g: Any, _ans: Any, x: Any, approximate: str) -> Any:
    if approximate == "tanh":  # PyTorch's GeluBackward for the tanh form
        t = xp.tanh(_TANH_BETA * (x + _TANH_KAPPA * x * x * x))
        inner_derivative = _TANH_BETA * (1.0 + 3.0 * _TANH_KAPPA * x * x)
        return g * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * inner_derivative)
    return g * (normal_cdf(xp, x) + x * normal_pdf(xp, x))


_gelu = primitive(
    "gelu", torch_name="Gelu",
    forward=_gelu_forward,
    vjp=_gelu_vjp,
    jvp="elementwise", namespace=NN,
)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """``x Phi(x)``, Phi the standard normal distribution function; with
    ``approximate='tanh'``, ``x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2``.

    >>> import autodiff as ad
    >>> ad.nn.functional.gelu(ad.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.0000,  0.8413])
    >>> ad.nn.functional.gelu(ad.tensor([-1.0, 0.0, 1.0]), approximate="tanh")
    tensor([-0.1588,  0.0000,  0.8412])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _gelu(input, approximate=approximate)


# -- the exponential linear units ------------------------------------------------------
def _elu(x: Tensor, alpha: float, scale: float) -> Tensor:
    positive = x > 0
    # expm1 sees only x <= 0 (0 where x > 0): no inf at +1000, so no nan in the gradient;
    # at 0 the exponential side is taken, as PyTorch's rule does (gradient alpha * scale)
    negative_side = expm1(where(positive, 0.0, x)) * (alpha * scale)
    return where(positive, x * scale if scale != 1.0 else x, negative_side)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` for ``x > 0``, ``alpha (exp(x) - 1)`` otherwise.

    >>> import autodiff as ad
    >>> ad.nn.functional.elu(ad.tensor([-1000.0, -1.0, 1000.0]))
    tensor([-1.0000e+00, -6.3212e-01,  1.0000e+03])
    """
    _real("elu", input)
    return _maybe_inplace(input, inplace, "elu_", lambda x: _elu(x, float(alpha), 1.0))


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(x, alpha)`` with the self-normalizing constants
    (alpha = 1.6733, scale = 1.0507).

    >>> import autodiff as ad
    >>> ad.nn.functional.selu(ad.tensor([-1000.0, 0.0, 1.0]))
    tensor([-1.7581,  0.0000,  1.0507])
    """
    _real("selu", input)
    return _maybe_inplace(input, inplace, "selu_",
                          lambda x: _elu(x, _SELU_ALPHA, _SELU_SCALE))


# -- piecewise linear ------------------------------------------------------------------
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
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    bound = float(lambd)
    # x * 0 in the middle, as PyTorch's kernel: nan stays nan, and the gradient is 0
    return where(input > bound, input - bound,
                 where(input < -bound, input + bound, input * 0.0))


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``.

    >>> import autodiff as ad
    >>> ad.nn.functional.softsign(ad.tensor([-3.0, 1.0]))
    tensor([-0.7500,  0.5000])
    """
    return input / (1.0 + abs_(input))


def tanhshrink(input: Tensor) -> Tensor:
    """``x - tanh(x)``.

    >>> import autodiff as ad
    >>> ad.nn.functional.tanhshrink(ad.tensor([0.0, 1000.0]))
    tensor([  0., 999.])
    """
    return input - tanh(input)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: ``a * sigmoid(b)``, ``a`` and ``b`` the halves of ``input``
    along ``dim``.

    >>> import autodiff as ad
    >>> ad.nn.functional.glu(ad.tensor([[1.0, 2.0, 0.0, 1000.0]]))
    tensor([[0.5000, 2.0000]])
    """
    _real("glu", input)
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    axis = dim + input.ndim if -input.ndim <= dim < 0 else dim
    if not 0 <= axis < input.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-input.ndim}, {input.ndim - 1}], but got {dim})")
    size = input.shape[axis]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {axis} is size "
                           f"{size}")
    before = (slice(None),) * axis
    first = input[(*before, slice(0, size // 2))]
    second = input[(*before, slice(size // 2, size))]
    return first * sigmoid(second)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """``softmax(-x)`` along ``dim``.

    >>> import autodiff as ad
    >>> ad.nn.functional.softmin(ad.tensor([0.0, 1000.0]), dim=0)
    tensor([1., 0.])
    """
    if dtype is not None:
        input = input.astype(dtype)
    return softmax(-input, dim=dim)


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

