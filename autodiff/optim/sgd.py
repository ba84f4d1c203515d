"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from typing import Any

from ._updates import rate, weight_decay_grad
from .optimizer import Optimizer, _to_scalar

__all__ = ["SGD"]


def _check_options(lr: Any, weight_decay: Any, differentiable: bool) -> None:
    """The checks every optimizer makes of its common options, in PyTorch's words."""
    if _to_scalar(lr) < 0.0:
        raise ValueError(f"Invalid learning rate: {lr}")
    if _to_scalar(weight_decay) < 0.0:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")
    if differentiable:
        raise ValueError("differentiable=True is not supported by autodiff.optim: a step "
                         "updates parameters in place under no_grad")


class SGD(Optimizer):
    """Stochastic gradient descent (PyTorch's ``torch.optim.SGD``), optionally with
    momentum (``dampening``, ``nesterov``), L2 ``weight_decay`` and ``maximize``.

    ``foreach`` and ``fused`` are accepted for compatibility and change nothing.

    >>> import autodiff as ad
    >>> from autodiff.optim import SGD
    >>> w = ad.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(3):
    ...     opt.zero_grad()
    ...     (w * w).sum().backward()
    ...     opt.step()
    >>> w
    tensor([ 0.0620, -0.1240], requires_grad=True)
    """

    def __init__(self, params: Any, lr: Any = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: Any = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        _check_options(lr, weight_decay, differentiable)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _update(self, group: dict[str, Any]) -> None:
        lr = group["lr"]  # a number, or a 0-d tensor a schedule fills (``rate``)
        weight_decay = _to_scalar(group["weight_decay"])
        momentum, dampening = group["momentum"], group["dampening"]
        nesterov, maximize = group["nesterov"], group["maximize"]
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            if maximize:
                grad = -grad
            if weight_decay != 0:
                grad = weight_decay_grad(grad, p, weight_decay)
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = grad.detach().clone()
                else:
                    buf.mul_(momentum)
                    buf.add_(grad if dampening == 0 else grad * (1 - dampening))
                grad = grad + buf * momentum if nesterov else buf
            # p - lr * g is p + (-lr) * g exactly: negation is exact
            p.sub_(grad * rate(lr, p))
