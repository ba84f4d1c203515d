"""Adam and AdamW (decoupled weight decay), with AMSGrad and ``maximize``."""

from __future__ import annotations

from typing import Any

from .optimizer import Optimizer, _step_tensor, _to_scalar, _zeros
from .sgd import _check_options

__all__ = ["Adam", "AdamW"]


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


def _count_step(state: dict[str, Any]) -> float:
    """Bump the 0-d step tensor in place (as PyTorch's ``step_t += 1``) and read it."""
    step_t = state["step"]
    step_t += 1
    return float(step_t.item())


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
        lr = _to_scalar(group["lr"])
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
            step = _count_step(state)
            if weight_decay != 0:
                if decoupled:
                    p.mul_(1 - lr * weight_decay)
                else:
                    grad = grad + p * weight_decay
            # The updates below are PyTorch's lerp_, addcmul_ and addcdiv_ spelled with
            # the one-pass in-place methods (same products and sums, fewer temporaries).
            delta = grad - exp_avg
            delta.mul_(1 - beta1)
            exp_avg.add_(delta)
            square = grad * grad
            square.mul_(1 - beta2)
            exp_avg_sq.mul_(beta2)
            exp_avg_sq.add_(square)
            bias_correction1 = 1 - beta1 ** step
            bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
            if amsgrad:
                max_sq = state["max_exp_avg_sq"]
                max_sq.copy_(max_sq.maximum(exp_avg_sq))
                denom = max_sq.sqrt()
            else:
                denom = exp_avg_sq.sqrt()
            denom.div_(bias_correction2_sqrt)
            denom.add_(eps)
            update = exp_avg / denom
            update.mul_(lr / bias_correction1)
            p.sub_(update)


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

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        for group in self.param_groups:  # AdamW always decouples, as in PyTorch
            group["decoupled_weight_decay"] = True
