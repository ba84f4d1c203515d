"""Activation functions of ``torch.nn.functional``, exported from ``autodiff.nn.functional``.

Two are primitives, each for a stated reason: ``softplus`` for stability (exp never sees a
positive argument, so +-1000 is exact; its rule is the stable sigmoid) and ``gelu`` because
the standard has no ``erf`` (Phi is ``autodiff.special``'s ``ndtr``: the backend's own
where it has one, else the generic one; the rule is one closed form). The rest are
composites of primitives; elu and selu feed their ``exp`` branch only the arguments it is
used for (the "double where"), so that +-1000 gives neither inf nor a nan gradient, and
take PyTorch's gradient at 0 (from the exponential side). The piecewise linear ones are
in ``activations_piecewise``. ``inplace=True`` writes the result into the input, as
PyTorch's in-place variants do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .._primitive import primitive
from .._tensor import Tensor
from .comparison import real_only
from .elementwise import abs as abs_
from .elementwise import tanh, where
from .exponential import expm1
from .inplace import apply_inplace
from .nn import relu as relu_
from .nn import sigmoid
from .softmax import softmax
from .special import _compute

__all__ = ["elu", "gelu", "glu", "logsigmoid", "mish", "relu", "selu", "silu", "softmin",
           "softplus", "softsign", "tanhshrink"]
#: none is a Tensor method here: ``x.relu()`` is the primitive itself (ops.nn), and the
#: piecewise ones are in activations_piecewise
NOT_METHODS = tuple(__all__)

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


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)`` (the primitive ``x.relu()``), with PyTorch's ``inplace=``.

    >>> import autodiff as ad
    >>> ad.nn.functional.relu(ad.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    if inplace:
        return apply_inplace(input, "relu_", relu_)
    return relu_(input)


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
    return x * _compute(xp, "ndtr", x)


def _gelu_vjp(xp: Any, g: Any, _ans: Any, x: Any, approximate: str) -> Any:
    if approximate == "tanh":  # PyTorch's GeluBackward for the tanh form
        t = xp.tanh(_TANH_BETA * (x + _TANH_KAPPA * x * x * x))
        inner_derivative = _TANH_BETA * (1.0 + 3.0 * _TANH_KAPPA * x * x)
        return g * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * inner_derivative)
    # on arrays in a first-order pass, on tensors (recorded) under create_graph
    density = xp.exp(-0.5 * (x * x)) * (1.0 / math.sqrt(2.0 * math.pi))
    return g * (xp.prim.ndtr(x) + x * density)


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
