"""The arithmetic of one recurrent step (tanh/relu RNN, LSTM, GRU) on tensors, and of one
layer run over a sequence step by step: what the cells (``rnn_cell.py``) compute, and
what a layer's one-node loop (``_scan.py``) differentiates when a second derivative is
asked for.

The input projection of every step comes in as one tensor, cut into steps by
``_Steps``: ``unbind`` would give each step's gradient a full-size zero array to
scatter into (quadratic in the sequence length); ``_Steps`` stacks the steps'
gradients once.

>>> import autodiff as ad
>>> gi = ad.zeros((3, 1, 2))  # 3 steps, batch 1, hidden 2: a projection of zeros
>>> w_hh = ad.zeros((2, 2))
>>> out, h = run_layer("RNN_TANH", gi, (ad.ones((1, 2)),), w_hh, None, None, False)
>>> out.shape, h[0]
((3, 1, 2), tensor([[0., 0.]]))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._mode import is_grad_enabled
from ..._tensor import Tensor
from ...autograd.function import Function
from ...ops.activations import relu
from ...ops.elementwise import tanh
from ...ops.linalg import matmul
from ...ops.nn import sigmoid

__all__ = ["gru_step", "join", "lstm_step", "rnn_step", "run_layer", "steps"]


class _Steps(Function):
    """``x.unbind(0)`` whose backward stacks the cotangents of all steps at once."""

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> tuple[Tensor, ...]:
        return tuple(x.unbind(0))

    @staticmethod
    def backward(ctx: Any, *grads: Tensor) -> Tensor:
        return join(grads)


class _Stack(Function):
    """``stack(tensors)`` in one copy (``ad.stack`` joins pairs, a log factor more)."""

    @staticmethod
    def forward(ctx: Any, *tensors: Tensor) -> Tensor:
        first = tensors[0]
        return type(first)._wrap(first._backend.xp.stack([t._array for t in tensors]),
                                 first._backend)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Tensor, ...]:
        return tuple(grad.unbind(0))


def steps(x: Tensor) -> tuple[Tensor, ...]:
    """The slices ``x[0], x[1], ...``, with a backward linear in their number."""
    if not x.requires_grad:
        return tuple(x.unbind(0))
    if x.shape[0] == 1:
        return (x[0],)
    return _Steps.apply(x)


def join(tensors: Sequence[Tensor]) -> Tensor:
    """``stack(tensors)`` along a new first axis, in one copy."""
    if len(tensors) == 1:
        return tensors[0].unsqueeze(0)
    if is_grad_enabled() and any(t.requires_grad for t in tensors):
        return _Stack.apply(*tensors)
    return _Stack.forward(None, *tensors)  # no graph to record


def rnn_step(gi: Tensor, h: Tensor, w_hh_t: Tensor, b_hh: Tensor | None,
             relu_: bool) -> Tensor:
    """``act(gi + h @ w_hh.T + b_hh)``; ``gi`` holds ``x @ w_ih.T + b_ih``."""
    pre = gi + matmul(h, w_hh_t)
    if b_hh is not None:
        pre = pre + b_hh
    return relu(pre) if relu_ else tanh(pre)


def lstm_step(gi: Tensor, h: Tensor, c: Tensor, w_hh_t: Tensor, b_hh: Tensor | None,
              w_hr_t: Tensor | None) -> tuple[Tensor, Tensor]:
    """One LSTM step, PyTorch's gate order (input, forget, cell, output)."""
    gates = gi + matmul(h, w_hh_t)
    if b_hh is not None:
        gates = gates + b_hh
    size = c.shape[-1]
    # one sigmoid over all four gates (the cell gate's quarter is unused) costs less
    # than three separate calls on small tensors
    act = sigmoid(gates)
    i = act[..., :size]
    f = act[..., size:2 * size]
    o = act[..., 3 * size:]
    g = tanh(gates[..., 2 * size:3 * size])
    c = f * c + i * g
    h = o * tanh(c)
    if w_hr_t is not None:
        h = matmul(h, w_hr_t)
    return h, c


def gru_step(gi: Tensor, h: Tensor, w_hh_t: Tensor, b_hh: Tensor | None) -> Tensor:
    """One GRU step, PyTorch's gate order (reset, update, new):
    ``n = tanh(gi_n + r * (h @ w_hn.T + b_hn))``, ``h' = n + z * (h - n)``."""
    gh = matmul(h, w_hh_t)
    if b_hh is not None:
        gh = gh + b_hh
    size = h.shape[-1]
    rz = sigmoid(gi[..., :2 * size] + gh[..., :2 * size])
    r = rz[..., :size]
    z = rz[..., size:]
    n = tanh(gi[..., 2 * size:] + r * gh[..., 2 * size:])
    return n + z * (h - n)


def run_layer(mode: str, gi: Tensor, state: tuple[Tensor, ...], w_hh: Tensor,
              b_hh: Tensor | None, w_hr: Tensor | None, reverse: bool
              ) -> tuple[Tensor, tuple[Tensor, ...]]:
    """One direction of one layer over a sequence: ``gi`` is the input projection of
    every step, ``(seq, batch, gates)``; ``state`` is ``(h0,)`` or ``(h0, c0)``.
    Returns the outputs ``(seq, batch, hidden)`` and the final state."""
    w_hh_t = w_hh.mT  # transposed once per layer, not once per step
    w_hr_t = None if w_hr is None else w_hr.mT
    inputs = steps(gi)
    order = range(len(inputs) - 1, -1, -1) if reverse else range(len(inputs))
    outputs: list[Tensor] = []
    if mode == "LSTM":
        h, c = state
        for t in order:
            h, c = lstm_step(inputs[t], h, c, w_hh_t, b_hh, w_hr_t)
            outputs.append(h)
        final: tuple[Tensor, ...] = (h, c)
    else:
        (h,) = state
        for t in order:
            if mode == "GRU":
                h = gru_step(inputs[t], h, w_hh_t, b_hh)
            else:
                h = rnn_step(inputs[t], h, w_hh_t, b_hh, mode == "RNN_RELU")
            outputs.append(h)
        final = (h,)
    if reverse:
        outputs.reverse()
    return join(outputs), final
