"""Adam, AdamW (decoupled weight decay, AMSGrad) and Adamax (the infinity norm)."""

from __future__ import annotations

from typing import Any

from ._updates import (
    bias_corrected,
    decay_square_,
    descend_,
    lerp_,
    shrink,
    step_scalars,
    weight_decay_grad,
)
from .optimizer import Optimizer, _step_tensor, _to_scalar, _zeros
from .sgd import _check_options

__all__ = ["Adam", "AdamW", "Adamax"]


def _check_adam_options(lr: Any, betas: Any, eps: float, weight_decay: Any,
                        differentiable: bool) -> tuple[float, float]:
    """The checks of the Adam family, in PyTorch's words; the betas as numbers."""
    _check_options(lr, weight_decay, differentiable)
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    beta1, beta2 = (_to_scalar(beta) for beta in betas)
    if not 0.0 <= beta1 < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= beta2 < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    return beta1, beta2


class Adam(Optimizer):
    """Adam (PyTorch's ``torch.optim.Adam``): moving averages of the gradient and of its
    square, bias-corrected; ``amsgrad`` keeps the running maximum of the latter;
    ``decoupled_weight_decay=True`` is AdamW.

    Per parameter the state holds ``step`` (a 0-d float32 tensor), ``exp_avg``,
    ``exp_avg_sq`` and, with ``amsgrad``, ``max_exp_avg_sq``. ``foreach``, ``fused`` and
    ``capturable`` are accepted for compatibility and change nothing.

    >>> import autodiff as ad
    >>> from autodiff.optim import Adam
    >>> w = ad.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = Adam([w], lr=0.1)
    >>> for _ in range(3):
    ...     opt.zero_grad()
    ...     (w * w).sum().backward()
    ...     opt.step()
    >>> w
    tensor([ 0.7016, -1.7006], requires_grad=True)
    >>> sorted(opt.state[w])
    ['exp_avg', 'exp_avg_sq', 'step']
    """

    def __init__(self, params: Any, lr: Any = 1e-3, betas: tuple[Any, Any] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        _check_adam_options(lr, betas, eps, weight_decay, differentiable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable,
                    "fused": fused, "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def _update(self, group: dict[str, Any]) -> None:
        beta1, beta2 = (_to_scalar(beta) for beta in group["betas"])
        lr = group["lr"]  # a 0-d tensor (a schedule fills it) is read by host_scalars
        weight_decay, eps = _to_scalar(group["weight_decay"]), group["eps"]
        amsgrad, maximize = group["amsgrad"], group["maximize"]
        decoupled = group["decoupled_weight_decay"]
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            state = self.state[p]
            if not state:
                state["step"] = _step_tensor(p)
                state["exp_avg"] = _zeros(p)
                state["exp_avg_sq"] = _zeros(p)
                if amsgrad:
                    state["max_exp_avg_sq"] = _zeros(p)
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            if maximize:
                grad = -grad
            eps_term, step_size = step_scalars(state, bias_corrected, (beta1, beta2, lr, eps), p)
            if weight_decay != 0:
                if decoupled:
                    p.mul_(shrink(lr, weight_decay, p))
                else:
                    grad = weight_decay_grad(grad, p, weight_decay)
            lerp_(exp_avg, grad, 1 - beta1)
            decay_square_(exp_avg_sq, grad, beta2)
            if amsgrad:
                max_sq = state["max_exp_avg_sq"]
                max_sq.copy_(max_sq.maximum(exp_avg_sq))
                denom = max_sq.sqrt()
            else:
                denom = exp_avg_sq.sqrt()
            # PyTorch's (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps), with sqrt(bc2)
            # moved into the scalars: one pass over the array fewer
            denom.add_(eps_term)
            descend_(p, exp_avg, denom, step_size)


class AdamW(Adam):
    """AdamW (PyTorch's ``torch.optim.AdamW``): Adam whose weight decay shrinks the
    parameters directly (``p *= 1 - lr * weight_decay``) instead of entering the moments.

    >>> import autodiff as ad
    >>> from autodiff.optim import AdamW
    >>> w = ad.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.8500, -1.8000], requires_grad=True)
    """

    def __init__(self, params: Any, lr: Any = 1e-3, betas: tuple[Any, Any] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None,
                 capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:  # AdamW always decouples, as in PyTorch
            group["decoupled_weight_decay"] = True


class Adamax(Optimizer):
    """Adamax (PyTorch's ``torch.optim.Adamax``): Adam with the infinity norm, a running
    maximum of ``|grad| + eps`` in place of the second moment.

    >>> import autodiff as ad
    >>> from autodiff.optim import Adamax
    >>> w = ad.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = Adamax([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w, sorted(opt.state[w])
    (tensor([ 0.9000, -1.9000], requires_grad=True), ['exp_avg', 'exp_inf', 'step'])
    """

    def __init__(self, params: Any, lr: Any = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        _check_adam_options(lr, betas, eps, weight_decay, differentiable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _update(self, group: dict[str, Any]) -> None:
        beta1, beta2 = group["betas"]
        lr, eps = group["lr"], group["eps"]  # a tensor rate: read by step_scalars
        weight_decay, maximize = group["weight_decay"], group["maximize"]
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            state = self.state[p]
            if not state:
                state["step"] = _step_tensor(p)
                state["exp_avg"] = _zeros(p)
                state["exp_inf"] = _zeros(p)
            exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
            if maximize:
                grad = -grad
            (rate,) = step_scalars(state, _adamax_rate, (beta1, lr), p)
            if weight_decay != 0:
                grad = weight_decay_grad(grad, p, weight_decay)
            lerp_(exp_avg, grad, 1 - beta1)
            exp_inf.mul_(beta2)
            norm = grad.abs()
            norm.add_(eps)
            exp_inf.copy_(exp_inf.maximum(norm))
            descend_(p, exp_avg, exp_inf, rate)


def _adamax_rate(step: float, beta1: float, lr: float) -> tuple[float]:
    """Adamax's bias-corrected learning rate, in Python floats as PyTorch computes it."""
    return (lr / (1 - beta1 ** step),)
