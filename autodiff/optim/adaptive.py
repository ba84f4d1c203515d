"""Per-coordinate step sizes from the gradient's history: RMSprop, Adagrad, Adadelta."""

from __future__ import annotations

from typing import Any

from ..ops.creation import full_like
from ._updates import (
    bump_step,
    decay_square_,
    descend_,
    lerp_,
    rate,
    step_scalars,
    weight_decay_grad,
)
from .optimizer import Optimizer, _step_tensor, _to_scalar, _zeros
from .sgd import _check_options

__all__ = ["Adadelta", "Adagrad", "RMSprop"]


def _check_eps(eps: float) -> None:
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")


class RMSprop(Optimizer):
    """RMSprop (PyTorch's ``torch.optim.RMSprop``): divide the gradient by a running root
    mean square (``alpha`` its smoothing); ``centered`` subtracts the squared running mean
    of the gradient first; ``momentum`` smooths the resulting step.

    >>> import autodiff as ad
    >>> from autodiff.optim import RMSprop
    >>> w = ad.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(self, params: Any, lr: Any = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach: bool | None = None,
                 maximize: bool = False, differentiable: bool = False) -> None:
        _check_options(lr, weight_decay, differentiable)
        _check_eps(eps)
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update(self, group: dict[str, Any]) -> None:
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        weight_decay, momentum, centered = (group["weight_decay"], group["momentum"],
                                            group["centered"])
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            state = self.state[p]
            if not state:
                state["step"] = _step_tensor(p)
                state["square_avg"] = _zeros(p)
                if momentum > 0:
                    state["momentum_buffer"] = _zeros(p)
                if centered:
                    state["grad_avg"] = _zeros(p)
            square_avg = state["square_avg"]
            if group["maximize"]:
                grad = -grad
            bump_step(state)  # counted, never read
            if weight_decay != 0:
                grad = weight_decay_grad(grad, p, weight_decay)
            decay_square_(square_avg, grad, alpha)
            if centered:
                grad_avg = state["grad_avg"]
                lerp_(grad_avg, grad, 1 - alpha)
                avg = (square_avg - grad_avg * grad_avg).sqrt()
            else:
                avg = square_avg.sqrt()
            avg.add_(eps)
            if momentum > 0:
                buf = state["momentum_buffer"]
                buf.mul_(momentum)
                buf.add_(grad / avg)
                p.sub_(buf * rate(lr, p))
            else:
                descend_(p, grad, avg, rate(lr, p))


class Adagrad(Optimizer):
    """Adagrad (PyTorch's ``torch.optim.Adagrad``): divide the gradient by the root of the
    sum of its squares so far (starting at ``initial_accumulator_value``); the step size
    decays as ``lr / (1 + (step - 1) * lr_decay)``. As in PyTorch, the state is made when
    the optimizer is.

    >>> import autodiff as ad
    >>> from autodiff.optim import Adagrad
    >>> w = ad.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = Adagrad([w], lr=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.5000, -1.5000], requires_grad=True)
    """

    def __init__(self, params: Any, lr: Any = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        if _to_scalar(lr) < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        _check_options(lr, weight_decay, differentiable)
        if not 0.0 <= initial_accumulator_value:
            raise ValueError("Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        _check_eps(eps)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._initial_state(p, group)

    def _initial_state(self, p: Any, group: dict[str, Any]) -> dict[str, Any]:
        state = self.state[p]
        state["step"] = _step_tensor(p)
        state["sum"] = full_like(p, group["initial_accumulator_value"])
        return state

    def _update(self, group: dict[str, Any]) -> None:
        lr, lr_decay, eps = group["lr"], group["lr_decay"], group["eps"]
        weight_decay = group["weight_decay"]
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            state = self.state[p] or self._initial_state(p, group)  # a group added later
            if group["maximize"]:
                grad = -grad
            (rate,) = step_scalars(state, _adagrad_rate, (lr, lr_decay), p)
            if weight_decay != 0:
                grad = weight_decay_grad(grad, p, weight_decay)
            state_sum = state["sum"]
            state_sum.add_(grad * grad)
            std = state_sum.sqrt()
            std.add_(eps)
            descend_(p, grad, std, rate)


class Adadelta(Optimizer):
    """Adadelta (PyTorch's ``torch.optim.Adadelta``): steps scaled by the ratio of running
    root mean squares of past updates and of gradients (``rho`` their smoothing), times
    ``lr``.

    >>> import autodiff as ad
    >>> from autodiff.optim import Adadelta
    >>> w = ad.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = Adadelta([w], lr=1.0)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.9968, -1.9968], requires_grad=True)
    """

    def __init__(self, params: Any, lr: Any = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_options(lr, weight_decay, differentiable)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_eps(eps)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "capturable": capturable, "foreach": foreach,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update(self, group: dict[str, Any]) -> None:
        lr, rho, eps = group["lr"], group["rho"], group["eps"]
        weight_decay = group["weight_decay"]
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            state = self.state[p]
            if not state:
                state["step"] = _step_tensor(p)
                state["square_avg"] = _zeros(p)
                state["acc_delta"] = _zeros(p)
            square_avg, acc_delta = state["square_avg"], state["acc_delta"]
            if group["maximize"]:
                grad = -grad
            bump_step(state)  # counted, never read
            if weight_decay != 0:
                grad = weight_decay_grad(grad, p, weight_decay)
            decay_square_(square_avg, grad, rho)
            std = (square_avg + eps).sqrt()
            delta = (acc_delta + eps).sqrt()
            delta.div_(std)
            delta.mul_(grad)
            decay_square_(acc_delta, delta, rho)
            p.sub_(delta * rate(lr, p))


def _adagrad_rate(step: float, lr: float, lr_decay: float) -> tuple[float]:
    """Adagrad's decayed learning rate, in Python floats as PyTorch computes it."""
    return (lr / (1 + (step - 1) * lr_decay),)
