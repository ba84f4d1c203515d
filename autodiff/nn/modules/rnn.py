"""Multi-layer recurrent networks: ``RNN`` (tanh or relu), ``LSTM`` and ``GRU``, with
PyTorch's parameter names (``weight_ih_l0``, ``bias_hh_l1_reverse``, ...), gate order
and initialisation.

Each layer projects the whole sequence with one matmul, then loops over time for the
recurrent part only (see ``_recurrence.py``).

>>> import autodiff as ad
>>> lstm = ad.nn.LSTM(3, 4, num_layers=2, batch_first=True)
>>> output, (h_n, c_n) = lstm(ad.ones((5, 7, 3)))
>>> output.shape, h_n.shape, c_n.shape
((5, 7, 4), (2, 5, 4), (2, 5, 4))
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

from ..._tensor import Tensor
from ...ops.creation import empty, zeros
from ...ops.dropout import dropout as dropout_
from ...ops.joining import concat, stack
from ...ops.layers import linear
from ..parameter import Parameter
from ._scan import scan_layer
from .module import Module
from .rnn_cell import reset_uniform

__all__ = ["GRU", "LSTM", "RNN", "RNNBase"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: the parameters of every layer and
    direction, the checks, and the loop over layers. ``mode`` is ``'LSTM'``, ``'GRU'``,
    ``'RNN_TANH'`` or ``'RNN_RELU'``.

    >>> import autodiff as ad
    >>> base = ad.nn.RNNBase("GRU", 3, 4, bidirectional=True)
    >>> base, base._flat_weights_names[4:6]
    (RNNBase(3, 4, bidirectional=True), ['weight_ih_l0_reverse', 'weight_hh_l0_reverse'])
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
                or not 0 <= float(dropout) <= 1):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if float(dropout) > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, "
                          "so non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: "
                            f"{type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else real_hidden * directions
                shapes: list[tuple[str, tuple[int, ...]]] = [
                    ("weight_ih", (gate_size, layer_input)),
                    ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                suffix = "_reverse" if direction == 1 else ""
                names = [f"{kind}_l{layer}{suffix}" for kind, _ in shapes]
                for name, (_, shape) in zip(names, shapes, strict=True):
                    setattr(self, name, Parameter(empty(shape, dtype=dtype, device=device)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter from ``U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))``."""
        reset_uniform(self, self.hidden_size)

    def flatten_parameters(self) -> None:
        """Kept for PyTorch code: the weights are used where they are (nothing to pack)."""

    @property
    def _flat_weights(self) -> list[Any]:
        return [self._parameters.get(name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer and direction, in PyTorch's order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            text += f", proj_size={self.proj_size}"
        for name, default in (("num_layers", 1), ("bias", True), ("batch_first", False),
                              ("dropout", 0.0), ("bidirectional", False)):
            value = getattr(self, name)
            if value != default:
                text += f", {name}={value}"
        return text

    # -- forward ---------------------------------------------------------------------
    def _layout(self, input: Any, kind: str) -> tuple[Tensor, bool]:
        """``input`` time-major and batched, after PyTorch's checks."""
        if not isinstance(input, Tensor):
            raise TypeError(f"{kind}: expected input to be a Tensor, got "
                            f"{type(input).__name__}")
        if input.ndim not in (2, 3):
            tail = " instead" if kind == "LSTM" else " tensor instead"
            raise ValueError(f"{kind}: Expected input to be 2D or 3D, got {input.ndim}D"
                             f"{tail}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")
        dtype = self.weight_ih_l0.dtype
        if input.dtype != dtype:
            raise ValueError(f"input must have the type {dtype}, got type {input.dtype}")
        batched = input.ndim == 3
        if not batched:
            return input.unsqueeze(1), False
        return (input.transpose(0, 1) if self.batch_first else input), True

    def _state(self, hx: Tensor | None, x: Tensor, batched: bool, size: int,
               label: str) -> Tensor:
        """The initial state ``(layers * directions, batch, size)``: ``hx`` or zeros."""
        expected = (self.num_layers * (2 if self.bidirectional else 1), x.shape[1], size)
        if hx is None:
            return zeros(expected, dtype=x.dtype, device=x.device)
        if not batched:
            hx = hx.unsqueeze(1)
        if tuple(hx.shape) != expected:
            raise RuntimeError(f"Expected {label} size {expected}, got {list(hx.shape)}")
        if hx.dtype != x.dtype:
            raise RuntimeError(f"Input and hidden tensors are not the same dtype, found input "
                               f"tensor with {x.dtype} and hidden tensor with {hx.dtype}")
        return hx

    def _run(self, x: Tensor, states: tuple[Tensor, ...]
             ) -> tuple[Tensor, list[tuple[Tensor, ...]]]:
        """Every layer and direction over the time-major ``x``; the last layer's
        output and each layer-direction's final state."""
        directions = 2 if self.bidirectional else 1
        # the initial states by layer-direction, cut once
        initial = list(zip(*(state.unbind(0) for state in states), strict=True))
        finals: list[tuple[Tensor, ...]] = []
        weights = self._flat_weights
        per = len(self._all_weights[0])
        layer_input = x
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                w_ih, w_hh, *rest = weights[index * per:(index + 1) * per]
                b_ih, b_hh = (rest[0], rest[1]) if self.bias else (None, None)
                w_hr = rest[-1] if self.proj_size > 0 else None
                if b_ih is not None and self.mode != "GRU":
                    # both biases add before the nonlinearity: fold them into the
                    # projection once (GRU's b_hn sits inside r * (.), so it cannot)
                    gi, b_step = linear(layer_input, w_ih, b_ih + b_hh), None
                else:
                    gi, b_step = linear(layer_input, w_ih, b_ih), b_hh
                out, final = scan_layer(self.mode, gi, initial[index], w_hh, b_step, w_hr,
                                        reverse=direction == 1)
                outputs.append(out)
                finals.append(final)
            layer_input = outputs[0] if directions == 1 else concat(outputs, axis=-1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                layer_input = dropout_(layer_input, self.dropout, training=True)
        return layer_input, finals

    def _output(self, output: Tensor, batched: bool) -> Tensor:
        if not batched:
            return output.squeeze(1)
        return output.transpose(0, 1) if self.batch_first else output


class RNN(RNNBase):
    """An Elman network: ``h_t = act(x_t @ W_ih.T + b_ih + h_{t-1} @ W_hh.T + b_hh)``,
    ``act`` ``'tanh'`` or ``'relu'``; returns ``(output, h_n)``.

    >>> import autodiff as ad
    >>> rnn = ad.nn.RNN(3, 4, bidirectional=True)
    >>> output, h_n = rnn(ad.ones((6, 2, 3)))  # (seq, batch, input)
    >>> output.shape, h_n.shape
    ((6, 2, 8), (2, 2, 4))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        x, batched = self._layout(input, "RNN")
        if hx is not None and hx.ndim != (3 if batched else 2):
            raise RuntimeError(
                f"For {'batched 3' if batched else 'unbatched 2'}-D input, hx should also be "
                f"{3 if batched else 2}-D but got {hx.ndim}-D tensor")
        h0 = self._state(hx, x, batched, self.hidden_size, "hidden")
        output, finals = self._run(x, (h0,))
        h_n = stack([final[0] for final in finals])
        return self._output(output, batched), (h_n if batched else h_n.squeeze(1))


class LSTM(RNNBase):
    """A long short-term memory network (gates input, forget, cell, output), with an
    optional projection of the hidden state (``proj_size``); returns
    ``(output, (h_n, c_n))``.

    >>> import autodiff as ad
    >>> lstm = ad.nn.LSTM(3, 4, proj_size=2)
    >>> output, (h_n, c_n) = lstm(ad.ones((6, 3)))  # unbatched (seq, input)
    >>> output.shape, h_n.shape, c_n.shape
    ((6, 2), (1, 2), (1, 4))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
                ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        x, batched = self._layout(input, "LSTM")
        h0 = c0 = None
        if hx is not None:
            h0, c0 = hx
            want = 3 if batched else 2
            if h0.ndim != want or c0.ndim != want:
                raise RuntimeError(
                    f"For {'batched 3' if batched else 'unbatched 2'}-D input, hx and cx "
                    f"should also be {want}-D but got ({h0.ndim}-D, {c0.ndim}-D) tensors")
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        h0 = self._state(h0, x, batched, real_hidden, "hidden[0]")
        c0 = self._state(c0, x, batched, self.hidden_size, "hidden[1]")
        output, finals = self._run(x, (h0, c0))
        h_n = stack([final[0] for final in finals])
        c_n = stack([final[1] for final in finals])
        if not batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._output(output, batched), (h_n, c_n)


class GRU(RNNBase):
    """A gated recurrent network (gates reset, update, new); returns ``(output, h_n)``.

    >>> import autodiff as ad
    >>> gru = ad.nn.GRU(3, 4, num_layers=2)
    >>> sorted(gru.state_dict())[:4]
    ['bias_hh_l0', 'bias_hh_l1', 'bias_ih_l0', 'bias_ih_l1']
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        x, batched = self._layout(input, "GRU")
        if hx is not None and hx.ndim != (3 if batched else 2):
            raise RuntimeError(
                f"For {'batched 3' if batched else 'unbatched 2'}-D input, hx should also be "
                f"{3 if batched else 2}-D but got {hx.ndim}-D tensor")
        h0 = self._state(hx, x, batched, self.hidden_size, "hidden")
        output, finals = self._run(x, (h0,))
        h_n = stack([final[0] for final in finals])
        return self._output(output, batched), (h_n if batched else h_n.squeeze(1))
