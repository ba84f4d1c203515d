"""Neural-network primitives, exported from ``autodiff.nn.functional``.

Each is a primitive rather than a composite for a stated reason: relu and celu
for PyTorch's value at 0 and one pass; sigmoid and the logits loss for numerical
stability at large |x| (no overflow in exp).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from .._primitive import primitive
from .._rules import positionwise, tensor_namespace
from .._tensor import Tensor
from .comparison import complex_value, real_only
from .inplace import apply_inplace
from .reductions import mean as mean_
from .reductions import sum as sum_

__all__ = ["binary_cross_entropy_with_logits", "celu", "mse_loss", "relu", "sigmoid"]
#: nn.functional is not a Tensor method namespace except for the activations
NOT_METHODS = ("binary_cross_entropy_with_logits", "celu", "mse_loss")

NN = "autodiff.nn.functional"


def _stable_sigmoid(xp: Any, x: Any) -> Any:
    if complex_value(xp, x):
        # exp(-z) overflows only where Re z is very negative: there exp(z) / (1 + exp(z))
        # is the same number, so the exponent's real part is never positive
        e = xp.exp(xp.where(xp.real(x) >= 0, -x, x))
        return xp.where(xp.real(x) >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    # exp(-|x|) never overflows; pick the algebraically equal form per sign.
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@positionwise
def _relu_forward(xp: Any, x: Any) -> Any:
    if complex_value(xp, x):  # maximum would order complex numbers lexicographically
        raise NotImplementedError("clamp is not supported for complex types")
    return xp.maximum(x, 0)


# relu's rule, recorded (create_graph=True, forward mode) as a primitive of its own, as
# PyTorch's threshold_backward is: the gradient then depends on relu's output, with a zero
# derivative, so relu's second derivative is zeros, as PyTorch's, and not an error about
# a gradient that does not require grad. It is linear in g: the same mask again.
_threshold_backward = primitive(
    "threshold_backward", torch_name="ThresholdBackward",
    forward=lambda xp, g, ans: xp.where(ans <= 0, 0.0, g),
    vjp=(lambda xp, gg, _out, _g, ans: xp.prim.threshold_backward(gg, ans),
         lambda xp, gg, _out, _g, ans: xp.zeros_like(ans)),
    jvp="elementwise", namespace="autodiff.ops.nn",
)


def _relu_vjp(xp: Any, g: Any, ans: Any, _x: Any) -> Any:
    if isinstance(ans, Tensor):  # recording: threshold_backward's node, as PyTorch's
        return _threshold_backward(g, ans)
    return xp.where(ans <= 0, 0.0, g)  # on arrays: its forward, without the indirection


# relu'(0) = 0 as in PyTorch, whose rule drops the cotangent where the output is <= 0:
# a nan input passes it through; maximum keeps nan as PyTorch does, in one pass. The
# rule reads the output, not x: the backends' faster relu rules (backends/) read the same.
relu = primitive(
    "relu", torch_name="Relu",
    forward=_relu_forward,
    vjp=_relu_vjp,
    jvp="elementwise", namespace=NN,
    doc="""``max(x, 0)`` elementwise, nan kept (PyTorch's ``torch.nn.functional.relu``).
    The gradient is 0 where the output is <= 0, so relu'(0) = 0, as in PyTorch, and its
    own derivative is 0 (``create_graph=True`` gives a gradient that depends on the
    output). A complex input raises, as in PyTorch.

    >>> import autodiff as ad
    >>> x = ad.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    >>> ad.nn.functional.relu(x)
    tensor([0., 0., 2.], grad_fn=<ReluBackward0>)
    >>> ad.nn.functional.relu(x).sum().backward(); x.grad
    tensor([0., 0., 1.])
    """,
)
sigmoid = primitive(
    "sigmoid", torch_name="Sigmoid",
    forward=_stable_sigmoid,
    # sigmoid'(z) = s (1 - s), read from the output s; holomorphic: the engine conjugates
    # it for a complex cotangent (PyTorch's g * conj(sigmoid'(z))), forward mode does not
    vjp=lambda xp, g, ans, _x: g * ans * (1.0 - ans),
    jvp="elementwise", namespace=NN, holomorphic=True,
    doc="""``1 / (1 + exp(-x))`` elementwise, computed without overflow for any ``x``
    (PyTorch's ``torch.sigmoid``), complex ``x`` included. The gradient is
    ``sigmoid(x) * (1 - sigmoid(x))``, read from the output (conjugated for a complex
    input, PyTorch's convention).

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 1000.0, -1000.0], requires_grad=True)
    >>> ad.nn.functional.sigmoid(x)
    tensor([0.5000, 1.0000, 0.0000], grad_fn=<SigmoidBackward0>)
    >>> ad.nn.functional.sigmoid(x).sum().backward(); x.grad
    tensor([0.2500, 0.0000, 0.0000])
    """,
)
def _celu_forward(xp: Any, x: Any, alpha: float) -> Any:
    real_only(xp, "celu", x)  # its two pieces split the real line
    return xp.where(x > 0, x, alpha * xp.expm1(xp.minimum(x, 0.0) / alpha))


_celu = primitive(
    "celu", torch_name="Celu",
    forward=_celu_forward,
    # for x <= 0, exp(x / alpha) = ans / alpha + 1: the rule needs only the output
    vjp=lambda xp, g, ans, _x, alpha: xp.where(ans > 0, g, g * (ans / alpha + 1.0)),
    jvp="elementwise", namespace=NN,
)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).

    >>> import autodiff as ad
    >>> ad.nn.functional.celu(ad.tensor([-1.0, 2.0]))
    tensor([-0.6321,  2.0000])
    """
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (it divides x)")
    if inplace:
        return apply_inplace(input, "celu_", lambda x: _celu(x, alpha=float(alpha)))
    return _celu(input, alpha=float(alpha))


def _softplus_of_negative(xp: Any, x: Any) -> Any:
    """log(1 + exp(-x)) without overflow for any x."""
    return xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0.0)


def _bce_forward(xp: Any, x: Any, y: Any, weight: Any, pos_weight: Any, reduction: str) -> Any:
    real_only(xp, "binary_cross_entropy_with_logits", x, y, weight, pos_weight)
    if pos_weight is None:
        loss = (1.0 - y) * x + _softplus_of_negative(xp, x)
    else:
        loss = (1.0 - y) * x + (1.0 + (pos_weight - 1.0) * y) * _softplus_of_negative(xp, x)
    if weight is not None:
        loss = loss * weight
    if reduction == "mean":
        return xp.mean(loss)
    if reduction == "sum":
        return xp.sum(loss)
    return loss


def _scale(g: Any, elementwise: Any, weight: Any, reduction: str) -> Any:
    if weight is not None:
        elementwise = elementwise * weight
    if reduction == "mean":
        return g * elementwise / math.prod(elementwise.shape)
    return g * elementwise


# The rules of the logits loss, written against ``xp``; ``xp.prim.sigmoid`` is the stable
# sigmoid above (the standard has none). ``weight`` and ``pos_weight`` are arrays or None.
def _bce_input_vjp(xp: Any, g: Any, _ans: Any, x: Any, y: Any, weight: Any, pos_weight: Any,
                   reduction: str) -> Any:
    if pos_weight is None:
        d = xp.prim.sigmoid(x) - y
    else:
        d = (1.0 - y) - (1.0 + (pos_weight - 1.0) * y) * xp.prim.sigmoid(-x)
    return _scale(g, d, weight, reduction)


def _bce_target_vjp(xp: Any, g: Any, _ans: Any, x: Any, _y: Any, weight: Any,
                    pos_weight: Any, reduction: str) -> Any:
    d = -x
    if pos_weight is not None:
        softplus = -x + _log1p_exp(xp, x)
        d = d + (pos_weight - 1.0) * softplus
    return _scale(g, d, weight, reduction)


def _log1p_exp(xp: Any, x: Any) -> Any:
    return xp.log1p(xp.exp(-xp.abs(x))) + xp.where(x > 0, x, 0.0)


def _bce_jvp(tangents: tuple[Any, ...], ans: Any, x: Tensor, y: Any, weight: Any,
             pos_weight: Any, reduction: str) -> Tensor:
    # the unreduced loss is elementwise in (x, y): apply the rules (on tensors, so that
    # they record) to the tangents unreduced, then reduce as the forward does
    xp = tensor_namespace()
    total: Any = None
    for rule, tangent in zip((_bce_input_vjp, _bce_target_vjp), tangents[:2], strict=True):
        if tangent is not None:
            part = rule(xp, tangent, None, x, y, weight, pos_weight, "none")
            total = part if total is None else total + part
    if reduction == "mean":
        return mean_(total)
    return sum_(total) if reduction == "sum" else total


_bce_with_logits = primitive(
    "binary_cross_entropy_with_logits", torch_name="BinaryCrossEntropyWithLogits",
    forward=_bce_forward,
    vjp=(_bce_input_vjp, _bce_target_vjp, None, None),
    jvp=_bce_jvp, namespace=NN,
)

_REDUCTIONS = ("mean", "sum", "none")


def binary_cross_entropy_with_logits(
    input: Tensor, target: Tensor, weight: Tensor | None = None,
    size_average: Any = None, reduce: Any = None, reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Sigmoid plus binary cross-entropy in one numerically stable step.

    Stable for logits of any size: ``loss(±1000)`` is finite and exact.

    >>> import autodiff as ad
    >>> F = ad.nn.functional
    >>> F.binary_cross_entropy_with_logits(ad.tensor([1000.0, -1000.0]), ad.tensor([1.0, 0.0]))
    tensor(0.)
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"binary_cross_entropy_with_logits: reduction must be one of "
                         f"{_REDUCTIONS}, got {reduction!r}")
    if not isinstance(target, Tensor) or not isinstance(input, Tensor):
        raise TypeError("binary_cross_entropy_with_logits: input and target must be Tensors, "
                        f"got {type(input).__name__} and {type(target).__name__}")
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    for name, extra in (("weight", weight), ("pos_weight", pos_weight)):
        if isinstance(extra, Tensor) and extra.requires_grad:
            raise NotImplementedError(
                f"binary_cross_entropy_with_logits: gradients with respect to {name} are "
                "not supported; pass it detached")
    return _bce_with_logits(input, target, weight, pos_weight, reduction=reduction)


def _warn_if_broadcast(input: Tensor, target: Tensor) -> None:
    """PyTorch's warning for an elementwise loss whose target has another shape than its
    input: broadcasting them is rarely meant (a (4, 1) prediction against (4,) labels
    gives a (4, 4) matrix of differences)."""
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.", UserWarning, stacklevel=3)


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean squared error, a composite of primitives. A target of another shape than
    the input is broadcast against it, with PyTorch's warning.

    >>> import autodiff as ad
    >>> ad.nn.functional.mse_loss(ad.tensor([1.0, 3.0]), ad.tensor([0.0, 0.0]))
    tensor(5.)
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"mse_loss: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    if isinstance(input, Tensor) and isinstance(target, Tensor):
        _warn_if_broadcast(input, target)
    squared = (input - target) ** 2
    if reduction == "mean":
        return mean_(squared)
    return sum_(squared) if reduction == "sum" else squared
