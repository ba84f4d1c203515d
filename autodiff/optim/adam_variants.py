"""NAdam (Nesterov momentum in Adam) and RAdam (Adam with a rectified variance)."""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from ..ops.elementwise import where
from ._updates import (
    decay_square_,
    descend_,
    host_scalars,
    lerp_,
    rate,
    shrink,
    step_scalars,
    weight_decay_grad,
)
from .adam import _check_adam_options
from .optimizer import Optimizer, _host_scalar, _step_tensor, _zeros

__all__ = ["NAdam", "RAdam"]


def _moments(self: Optimizer, p: Any, extra: dict[str, Any]) -> dict[str, Any]:
    state = self.state[p]
    if not state:
        state["step"] = _step_tensor(p)
        state.update(extra)
        state["exp_avg"] = _zeros(p)
        state["exp_avg_sq"] = _zeros(p)
    return state


def _decay(group: dict[str, Any], p: Any, grad: Any, lr: Any) -> Any:
    """Weight decay, decoupled (shrink the parameter) or L2 (into the gradient)."""
    weight_decay = group["weight_decay"]
    if weight_decay != 0:
        if group["decoupled_weight_decay"]:
            p.mul_(shrink(lr, weight_decay, p))
        else:
            grad = weight_decay_grad(grad, p, weight_decay)
    return grad


class NAdam(Optimizer):
    """NAdam (PyTorch's ``torch.optim.NAdam``): Adam with Nesterov momentum, whose
    momentum coefficient warms up by ``momentum_decay``; ``decoupled_weight_decay`` as
    in AdamW. The state keeps ``mu_product``, a 0-d float32 tensor as in PyTorch.

    >>> import autodiff as ad
    >>> from autodiff.optim import NAdam
    >>> w = ad.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = NAdam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.8944, -1.8944], requires_grad=True)
    """

    def __init__(self, params: Any, lr: Any = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_adam_options(lr, betas, eps, weight_decay, differentiable)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update(self, group: dict[str, Any]) -> None:
        beta1, beta2 = group["betas"]
        lr, eps, momentum_decay = group["lr"], group["eps"], group["momentum_decay"]
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            state = _moments(self, p, {"mu_product": _host_scalar(1.0)})
            exp_avg, exp_avg_sq, mu_product = (state["exp_avg"], state["exp_avg_sq"],
                                               state["mu_product"])
            if group["maximize"]:
                grad = -grad
            # mu depends on the step alone; the rates also on the product that mu updates,
            # so they are a second call, on both tensors, once the product is updated
            (mu,) = step_scalars(state, _momentum, (beta1, momentum_decay), mu_product)
            grad = _decay(group, p, grad, lr)
            # PyTorch multiplies the float32 tensor, so the product rounds to float32; the
            # traced mu is a float32 0-d array (like=mu_product), which rounds alike
            mu_product *= mu
            bias_correction2, grad_rate, avg_rate = host_scalars(
                _nadam_rates, (state["step"], mu_product), (beta1, beta2, lr, momentum_decay),
                p)
            lerp_(exp_avg, grad, 1 - beta1)
            decay_square_(exp_avg_sq, grad, beta2)
            denom = exp_avg_sq / bias_correction2
            denom = denom.sqrt()
            denom.add_(eps)
            descend_(p, grad, denom, grad_rate)
            descend_(p, exp_avg, denom, avg_rate)


def _momentum(step: float, beta1: float, momentum_decay: float) -> tuple[float]:
    """NAdam's momentum coefficient ``mu`` at ``step``, in Python floats as PyTorch
    computes it."""
    return (beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay))),)


def _nadam_rates(step: float, product: float, beta1: float, beta2: float, lr: float,
                 momentum_decay: float) -> tuple[float, float, float]:
    """NAdam's second-moment bias correction and the rates of its gradient and momentum
    terms, given the momentum product through ``step`` (as read from float32)."""
    (mu,) = _momentum(step, beta1, momentum_decay)
    (mu_next,) = _momentum(step + 1, beta1, momentum_decay)
    return (1 - beta2 ** step, lr * (1.0 - mu) / (1.0 - product),
            lr * mu_next / (1.0 - product * mu_next))


class RAdam(Optimizer):
    """RAdam (PyTorch's ``torch.optim.RAdam``): Adam whose adaptive step is rectified by
    the variance of its second moment, plain momentum SGD while that is undefined;
    ``decoupled_weight_decay`` as in AdamW.

    >>> import autodiff as ad
    >>> from autodiff.optim import RAdam
    >>> w = ad.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = RAdam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.8000, -1.6000], requires_grad=True)
    """

    def __init__(self, params: Any, lr: Any = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_adam_options(lr, betas, eps, weight_decay, differentiable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update(self, group: dict[str, Any]) -> None:
        beta1, beta2 = group["betas"]
        lr, eps = group["lr"], group["eps"]
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            state = _moments(self, p, {})
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            if group["maximize"]:
                grad = -grad
            bias_correction1, correction_sqrt, rectifier, rectified = step_scalars(
                state, _radam_scalars, (beta1, beta2), p)
            grad = _decay(group, p, grad, lr)
            lerp_(exp_avg, grad, 1 - beta1)
            decay_square_(exp_avg_sq, grad, beta2)
            update = exp_avg / bias_correction1
            update.mul_(rate(lr, p))
            p.sub_(_rectify(update, exp_avg_sq, eps, correction_sqrt, rectifier, rectified))


def _radam_scalars(step: float, beta1: float, beta2: float) -> tuple[float, float, float,
                                                                    float]:
    """RAdam's first-moment bias correction, then, where the variance is tractable
    (``rho_t > 5``), the square root of the second one, the rectifier and 1.0; else 1.0,
    1.0 and 0.0. In Python floats as PyTorch computes them."""
    bias_correction2 = 1 - beta2 ** step
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
    if rho_t > 5.0:
        rectifier = ((rho_t - 4) * (rho_t - 2) * rho_inf
                     / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        return 1 - beta1 ** step, bias_correction2 ** 0.5, rectifier, 1.0
    # the rectifier's square root may be of a negative number here: never computed
    return 1 - beta1 ** step, 1.0, 1.0, 0.0


def _rectify(update: Tensor, exp_avg_sq: Tensor, eps: float, correction_sqrt: Any,
             rectifier: Any, rectified: Any) -> Tensor:
    """The update times ``correction_sqrt / (sqrt(exp_avg_sq) + eps) * rectifier`` where
    ``rectified``, else the update as it is (plain momentum)."""
    traced = isinstance(rectified, Tensor)
    if not (traced or rectified):
        return update
    root = exp_avg_sq.sqrt()
    root.add_(eps)
    scale = correction_sqrt / root
    if not traced:
        update.mul_(scale)
        update.mul_(rectifier)
        return update
    # a traced step is replayed at every count, in either regime: both updates are
    # computed (the same ops as eager's, on the same numbers) and the regime's is
    # selected by the recorded flag. A selection copies its operand's bits, so each
    # regime is exact, where a factor of 1 for the plain one would not be (the adaptive
    # term is not 1, and 0 times an overflowed root is nan)
    adapted = update * scale
    adapted.mul_(rectifier)
    return where(rectified > 0, adapted, update)
