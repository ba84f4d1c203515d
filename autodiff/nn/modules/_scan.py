"""The recurrent loop of one LSTM, GRU or tanh/relu RNN layer as one graph node, whose
forward and backward (backpropagation through time) run on the backend's arrays.

Step by step on tensors, a layer records about fifteen nodes a step; here the whole
loop is one node, and the gradient of the weights is one matmul over all steps, not
one per step. Everything goes through the standard namespace ``xp``, so every backend
runs it. When a gradient of the gradient is asked for (``create_graph=True``), the
backward re-runs the layer step by step on tensors (``_recurrence``) and
differentiates that, so every order stays exact.

>>> import autodiff as ad
>>> gi = ad.zeros((4, 1, 8), requires_grad=True)  # 4 steps, batch 1, hidden 2
>>> hs, c = lstm_scan(gi, ad.zeros((8, 2)), ad.zeros((1, 2)), ad.ones((1, 2)), None, False)
>>> hs.shape, c  # every gate 1/2: c halves each step
((4, 1, 2), tensor([[0.0625, 0.0625]], grad_fn=<LSTMLayerBackward>))
"""

from __future__ import annotations

from typing import Any

from ..._device import device_of
from ..._mode import enable_grad, is_grad_enabled
from ..._tensor import Tensor
from ...autograd import grad as autograd_grad
from ...autograd.function import Function
from ...ops._helpers import derived
from ._recurrence import run_layer

__all__ = ["gru_scan", "lstm_scan", "rnn_scan", "scan_layer"]


def _sigmoid(xp: Any, x: Any) -> Any:
    return 0.5 * xp.tanh(0.5 * x) + 0.5  # exact algebra, and never overflows


def _flip(xp: Any, x: Any, reverse: bool) -> Any:
    return xp.flip(x, axis=0) if reverse else x


def _weight_grad(xp: Any, dgates: Any, states: list[Any]) -> Any:
    """``sum_t dgates[t].T @ states[t]`` as one matmul over every step and sample
    (``dgates`` a list of steps or the steps stacked)."""
    dg = dgates if hasattr(dgates, "shape") else xp.stack(dgates)
    hs = xp.stack(states)
    return xp.matmul(xp.matrix_transpose(xp.reshape(dg, (-1, dg.shape[-1]))),
                     xp.reshape(hs, (-1, hs.shape[-1])))


def _wrap(like: Tensor, *arrays: Any) -> tuple[Tensor, ...]:
    return tuple(Tensor._wrap(a, like._backend) for a in arrays)


def _regrad(ctx: Any, outputs_of: Any, grads: tuple[Tensor, ...]
            ) -> tuple[Tensor | None, ...]:
    """The backward on tensors, itself differentiable: the layer re-run step by step,
    and its gradient taken with ``create_graph=True``."""
    inputs = ctx.saved_tensors
    with enable_grad():
        outputs = outputs_of(*inputs)
    wanted = [t for t in inputs if t is not None and t.requires_grad]
    found = iter(autograd_grad(outputs, wanted, grads, create_graph=True, allow_unused=True))
    return tuple(next(found) if t is not None and t.requires_grad else None for t in inputs)


# Each layer's loop runs as one ``derived`` call on arrays, forward and backward: while
# ``autodiff.compile`` traces, the call is recorded, so a replay runs the loop again on
# the new arrays (a result kept from the trace would be stale). The per-step arrays the
# backward reads are the forward's results, flat: ``_STEP`` of them a step.
_LSTM_STEP = 8  # i, f, g, o, c_prev, h_prev, tanh(c), h before the projection
_GRU_STEP = 5  # r, z, n, gh_n, h_prev


def _steps(flat: tuple[Any, ...], size: int) -> list[tuple[Any, ...]]:
    return [flat[k:k + size] for k in range(0, len(flat), size)]


def _lstm_forward(xp: Any, reverse: bool, a_gi: Any, w: Any, h: Any, c: Any,
                  proj: Any) -> tuple[Any, ...]:
    """Every step's ``h`` (stacked), the last ``c``, then each step's saved arrays."""
    a_gi, size, w_t = _flip(xp, a_gi, reverse), c.shape[-1], xp.matrix_transpose(w)
    proj_t = None if proj is None else xp.matrix_transpose(proj)
    hs: list[Any] = []
    saved: list[Any] = []
    for t in range(a_gi.shape[0]):
        gates = a_gi[t, ...] + xp.matmul(h, w_t)
        act = _sigmoid(xp, gates)  # the cell gate's quarter is unused
        i, f, o = act[..., :size], act[..., size:2 * size], act[..., 3 * size:]
        g = xp.tanh(gates[..., 2 * size:3 * size])
        c_prev, h_prev = c, h
        c = f * c + i * g
        tc = xp.tanh(c)
        h = o * tc  # before the projection: what the projection's gradient reads
        saved += (i, f, g, o, c_prev, h_prev, tc, h)
        if proj_t is not None:
            h = xp.matmul(h, proj_t)
        hs.append(h)
    return (_flip(xp, xp.stack(hs), reverse), c, *saved)


def _lstm_backward(xp: Any, reverse: bool, mutable: bool, dhs: Any, dc: Any, w: Any,
                   proj: Any, *flat: Any) -> tuple[Any, ...]:
    """The gradients of ``gi``, ``w_hh``, ``h0``, ``c0`` and ``w_hr`` (None without)."""
    steps = _steps(flat, _LSTM_STEP)
    dhs = _flip(xp, dhs, reverse)
    dh = xp.zeros_like(dhs[0, ...])
    size = dc.shape[-1]
    # every step's gate gradients written in place into one buffer: no concat, no
    # stack; where arrays are immutable (dask), each write would make a new array
    # holding the writes before it (a graph quadratic in the steps): a list, stacked
    dgates: Any = xp.empty((len(steps), *dc.shape[:-1], 4 * size), dtype=dc.dtype,
                           device=device_of(dc)) if mutable else [None] * len(steps)
    douts: list[Any] = [None] * len(steps)
    for t in range(len(steps) - 1, -1, -1):
        i, f, g, o, c_prev, _, tc, _ = steps[t]
        dh = douts[t] = dh + dhs[t, ...]
        if proj is not None:
            dh = xp.matmul(dh, proj)
        dc = dc + dh * o * (1.0 - tc * tc)
        parts = (dc * g * i * (1.0 - i), dc * c_prev * f * (1.0 - f),
                 dc * i * (1.0 - g * g), dh * tc * o * (1.0 - o))
        if mutable:
            for k, part in enumerate(parts):
                dgates[t, ..., k * size:(k + 1) * size] = part
            step = dgates[t, ...]
        else:
            step = dgates[t] = xp.concat(parts, axis=-1)
        dc = dc * f
        dh = xp.matmul(step, w)
    dgates = dgates if mutable else xp.stack(dgates)
    d_w = _weight_grad(xp, dgates, [step[5] for step in steps])
    d_hr = None if proj is None else _weight_grad(xp, douts, [s[7] for s in steps])
    return _flip(xp, dgates, reverse), d_w, dh, dc, d_hr


class LSTMLayer(Function):
    @staticmethod
    def forward(ctx: Any, gi: Tensor, w_hh: Tensor, h0: Tensor, c0: Tensor,
                w_hr: Tensor | None, reverse: bool) -> tuple[Tensor, Tensor]:
        hs, c, *ctx.flat = derived(_lstm_forward, gi._backend.xp, reverse, gi, w_hh, h0, c0,
                                   w_hr)
        ctx.reverse = reverse
        ctx.save_for_backward(gi, w_hh, h0, c0, w_hr)
        return _wrap(gi, hs, c)  # type: ignore[return-value]

    @staticmethod
    def backward(ctx: Any, g_hs: Tensor, g_c: Tensor) -> tuple[Tensor | None, ...]:
        reverse = ctx.reverse
        if is_grad_enabled():
            def outputs_of(gi: Tensor, w_hh: Tensor, h0: Tensor, c0: Tensor,
                           w_hr: Tensor | None) -> Any:
                out, (_, c) = run_layer("LSTM", gi, (h0, c0), w_hh, None, w_hr, reverse)
                return out, c

            return (*_regrad(ctx, outputs_of, (g_hs, g_c)), None)
        _, w_hh, _, _, w_hr = ctx.saved_tensors
        *grads, d_hr = derived(_lstm_backward, g_hs._backend.xp, reverse,
                               g_hs._backend.mutable_arrays, g_hs, g_c, w_hh, w_hr, *ctx.flat)
        d_proj = None if d_hr is None else _wrap(g_hs, d_hr)[0]
        return (*_wrap(g_hs, *grads), d_proj, None)


def _gru_forward(xp: Any, reverse: bool, a_gi: Any, w: Any, b: Any, h: Any
                 ) -> tuple[Any, ...]:
    """Every step's ``h`` (stacked), then each step's saved arrays."""
    a_gi, size, w_t = _flip(xp, a_gi, reverse), h.shape[-1], xp.matrix_transpose(w)
    hs: list[Any] = []
    saved: list[Any] = []
    for t in range(a_gi.shape[0]):
        gh = xp.matmul(h, w_t)
        if b is not None:
            gh = gh + b
        rz = _sigmoid(xp, a_gi[t, ...][..., :2 * size] + gh[..., :2 * size])
        r, z, gh_n = rz[..., :size], rz[..., size:], gh[..., 2 * size:]
        n = xp.tanh(a_gi[t, ...][..., 2 * size:] + r * gh_n)
        saved += (r, z, n, gh_n, h)
        h = n + z * (h - n)
        hs.append(h)
    return (_flip(xp, xp.stack(hs), reverse), *saved)


def _gru_backward(xp: Any, reverse: bool, bias: bool, dhs: Any, w: Any, *flat: Any
                  ) -> tuple[Any, ...]:
    """The gradients of ``gi``, ``w_hh``, ``b_hh`` (None without) and ``h0``."""
    steps = _steps(flat, _GRU_STEP)
    dhs = _flip(xp, dhs, reverse)
    dh = xp.zeros_like(dhs[0, ...])
    dgi: list[Any] = [None] * len(steps)
    dgh: list[Any] = [None] * len(steps)
    for t in range(len(steps) - 1, -1, -1):
        r, z, n, gh_n, h_prev = steps[t]
        dh = dh + dhs[t, ...]
        dn = dh * (1.0 - z) * (1.0 - n * n)
        drz = xp.concat([dn * gh_n * r * (1.0 - r), dh * (h_prev - n) * z * (1.0 - z)],
                        axis=-1)
        dgi[t] = xp.concat([drz, dn], axis=-1)
        dgh[t] = xp.concat([drz, dn * r], axis=-1)
        dh = dh * z + xp.matmul(dgh[t], w)
    d_w = _weight_grad(xp, dgh, [step[4] for step in steps])
    d_b = xp.sum(xp.stack(dgh), axis=(0, 1)) if bias else None
    return _flip(xp, xp.stack(dgi), reverse), d_w, d_b, dh


class GRULayer(Function):
    @staticmethod
    def forward(ctx: Any, gi: Tensor, w_hh: Tensor, b_hh: Tensor | None, h0: Tensor,
                reverse: bool) -> Tensor:
        hs, *ctx.flat = derived(_gru_forward, gi._backend.xp, reverse, gi, w_hh, b_hh, h0)
        ctx.reverse = reverse
        ctx.save_for_backward(gi, w_hh, b_hh, h0)
        return _wrap(gi, hs)[0]

    @staticmethod
    def backward(ctx: Any, g_hs: Tensor) -> tuple[Tensor | None, ...]:
        reverse = ctx.reverse
        if is_grad_enabled():
            def outputs_of(gi: Tensor, w_hh: Tensor, b_hh: Tensor | None, h0: Tensor) -> Any:
                return run_layer("GRU", gi, (h0,), w_hh, b_hh, None, reverse)[0]

            return (*_regrad(ctx, outputs_of, (g_hs,)), None)
        _, w_hh, b_hh, _ = ctx.saved_tensors
        d_gi, d_w, d_b, d_h0 = derived(_gru_backward, g_hs._backend.xp, reverse,
                                       b_hh is not None, g_hs, w_hh, *ctx.flat)
        return (*_wrap(g_hs, d_gi, d_w), None if d_b is None else _wrap(g_hs, d_b)[0],
                _wrap(g_hs, d_h0)[0], None)


def _rnn_forward(xp: Any, reverse: bool, relu: bool, a_gi: Any, w: Any, h: Any
                 ) -> tuple[Any, ...]:
    """Every step's ``h`` stacked, then each step's ``h`` (what the backward reads)."""
    a_gi, w_t = _flip(xp, a_gi, reverse), xp.matrix_transpose(w)
    hs = [h]
    for t in range(a_gi.shape[0]):
        pre = a_gi[t, ...] + xp.matmul(hs[-1], w_t)
        hs.append(xp.where(pre > 0, pre, xp.zeros_like(pre)) if relu else xp.tanh(pre))
    return (_flip(xp, xp.stack(hs[1:]), reverse), *hs[1:])


def _rnn_backward(xp: Any, reverse: bool, relu: bool, dhs: Any, w: Any, h0: Any,
                  *after: Any) -> tuple[Any, ...]:
    """The gradients of ``gi``, ``w_hh`` and ``h0``."""
    dhs, hs = _flip(xp, dhs, reverse), (h0, *after)
    dh = xp.zeros_like(dhs[0, ...])
    dpre: list[Any] = [None] * dhs.shape[0]
    for t in range(dhs.shape[0] - 1, -1, -1):
        dh = dh + dhs[t, ...]
        h = hs[t + 1]
        dpre[t] = xp.where(h > 0, dh, xp.zeros_like(dh)) if relu else dh * (1.0 - h * h)
        dh = xp.matmul(dpre[t], w)
    d_w = _weight_grad(xp, dpre, list(hs[:-1]))
    return _flip(xp, xp.stack(dpre), reverse), d_w, dh


class RNNLayer(Function):
    @staticmethod
    def forward(ctx: Any, gi: Tensor, w_hh: Tensor, h0: Tensor, reverse: bool,
                relu: bool) -> Tensor:
        hs, *ctx.flat = derived(_rnn_forward, gi._backend.xp, reverse, relu, gi, w_hh, h0)
        ctx.reverse, ctx.relu = reverse, relu
        ctx.save_for_backward(gi, w_hh, h0)
        return _wrap(gi, hs)[0]

    @staticmethod
    def backward(ctx: Any, g_hs: Tensor) -> tuple[Tensor | None, ...]:
        reverse, relu = ctx.reverse, ctx.relu
        if is_grad_enabled():
            mode = "RNN_RELU" if relu else "RNN_TANH"

            def outputs_of(gi: Tensor, w_hh: Tensor, h0: Tensor) -> Any:
                return run_layer(mode, gi, (h0,), w_hh, None, None, reverse)[0]

            return (*_regrad(ctx, outputs_of, (g_hs,)), None, None)
        _, w_hh, h0 = ctx.saved_tensors
        grads = derived(_rnn_backward, g_hs._backend.xp, reverse, relu, g_hs, w_hh, h0,
                        *ctx.flat)
        return (*_wrap(g_hs, *grads), None, None)


def lstm_scan(gi: Tensor, w_hh: Tensor, h0: Tensor, c0: Tensor, w_hr: Tensor | None,
              reverse: bool) -> tuple[Tensor, Tensor]:
    """Every step's ``h`` ``(seq, batch, hidden or proj)`` and the last ``c``; ``gi``
    holds the input projection with both biases."""
    return LSTMLayer.apply(gi, w_hh, h0, c0, w_hr, reverse)


def gru_scan(gi: Tensor, w_hh: Tensor, b_hh: Tensor | None, h0: Tensor,
             reverse: bool) -> Tensor:
    """Every step's ``h``; ``gi`` holds the input projection with ``b_ih``."""
    return GRULayer.apply(gi, w_hh, b_hh, h0, reverse)


def rnn_scan(gi: Tensor, w_hh: Tensor, h0: Tensor, reverse: bool, relu: bool) -> Tensor:
    """Every step's ``h``; ``gi`` holds the input projection with both biases."""
    return RNNLayer.apply(gi, w_hh, h0, reverse, relu)


def scan_layer(mode: str, gi: Tensor, state: tuple[Tensor, ...], w_hh: Tensor,
               b_hh: Tensor | None, w_hr: Tensor | None, reverse: bool
               ) -> tuple[Tensor, tuple[Tensor, ...]]:
    """``run_layer``'s contract, the whole loop one node (LSTM and RNN: both biases
    folded into ``gi``; GRU: ``b_hh`` apart)."""
    last = 0 if reverse else -1
    if mode == "LSTM" and b_hh is None:
        hs, c = lstm_scan(gi, w_hh, state[0], state[1], w_hr, reverse)
        return hs, (hs[last], c)
    if mode == "GRU":
        hs = gru_scan(gi, w_hh, b_hh, state[0], reverse)
        return hs, (hs[last],)
    if mode in ("RNN_TANH", "RNN_RELU") and b_hh is None:
        hs = rnn_scan(gi, w_hh, state[0], reverse, mode == "RNN_RELU")
        return hs, (hs[last],)
    return run_layer(mode, gi, state, w_hh, b_hh, w_hr, reverse)
