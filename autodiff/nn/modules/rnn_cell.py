"""One recurrent step as a module: ``RNNCell``, ``LSTMCell``, ``GRUCell`` (as ``torch.nn``).

>>> import autodiff as ad
>>> cell = ad.nn.GRUCell(3, 2)
>>> [name for name, _ in cell.named_parameters()]
['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']
>>> cell(ad.ones((4, 3))).shape
(4, 2)
"""

from __future__ import annotations

import math
from typing import Any

from ..._tensor import Tensor
from ...ops.creation import empty, zeros
from ...ops.layers import linear
from .. import init
from ..parameter import Parameter
from ._recurrence import gru_step, lstm_step, rnn_step
from .module import Module

__all__ = ["GRUCell", "LSTMCell", "RNNCell", "RNNCellBase"]


class RNNCellBase(Module):
    """The parameters every cell has: ``weight_ih`` ``(chunks * hidden, input)``,
    ``weight_hh`` ``(chunks * hidden, hidden)`` and, with ``bias``, ``bias_ih`` and
    ``bias_hh``, all drawn from ``U(-1/sqrt(hidden), 1/sqrt(hidden))``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        gates = num_chunks * hidden_size
        self.weight_ih = Parameter(empty((gates, input_size), dtype=dtype, device=device))
        self.weight_hh = Parameter(empty((gates, hidden_size), dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(empty((gates,), dtype=dtype, device=device))
            self.bias_hh = Parameter(empty((gates,), dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter from ``U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))``."""
        reset_uniform(self, self.hidden_size)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += f", bias={self.bias}"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            text += f", nonlinearity={nonlinearity}"
        return text

    def _prepare(self, input: Tensor, hx: Any, kind: str) -> tuple[Tensor, bool]:
        """``input`` as a batch (a 1-D input is one sample) after PyTorch's checks."""
        if input.ndim not in (1, 2):
            raise ValueError(f"{kind}: Expected input to be 1D or 2D, got {input.ndim}D "
                             "instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} "
                               f"expected {self.input_size}")
        batched = input.ndim == 2
        return (input if batched else input.unsqueeze(0)), batched

    def _hidden(self, hx: Tensor | None, batch: Tensor, batched: bool, name: str,
                kind: str) -> Tensor:
        if hx is None:
            return zeros((batch.shape[0], self.hidden_size), dtype=batch.dtype,
                         device=batch.device)
        if hx.ndim not in (1, 2):
            raise ValueError(f"{kind}: Expected {name} to be 1D or 2D, got {hx.ndim}D "
                             "instead")
        if (hx.ndim == 2) != batched:
            raise RuntimeError(f"{kind}: Expected {name} to be {2 if batched else 1}D "
                               f"like the input, got {hx.ndim}D")
        if not batched:
            hx = hx.unsqueeze(0)
        if hx.shape[0] != batch.shape[0]:
            raise RuntimeError(f"Input batch size {batch.shape[0]} doesn't match hidden0 "
                               f"batch size {hx.shape[0]}")
        if hx.shape[1] != self.hidden_size:
            raise RuntimeError(f"hidden0 has inconsistent hidden_size: got {hx.shape[1]}, "
                               f"expected {self.hidden_size}")
        return hx


def reset_uniform(module: Module, hidden_size: int) -> None:
    """PyTorch's recurrent initialisation: every parameter ``U(-k, k)``, ``k =
    1/sqrt(hidden_size)``."""
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


class RNNCell(RNNCellBase):
    """An Elman cell: ``h' = act(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)``, ``act``
    ``'tanh'`` or ``'relu'``. Input ``(batch, input_size)`` or ``(input_size,)``.

    >>> import autodiff as ad
    >>> cell = ad.nn.RNNCell(3, 2, nonlinearity="relu")
    >>> cell
    RNNCell(3, 2, nonlinearity=relu)
    >>> bool((cell(ad.ones(3)) >= 0).all())
    True
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device,
                         dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        batch, batched = self._prepare(input, hx, "RNNCell")
        h = self._hidden(hx, batch, batched, "hidden", "RNNCell")
        out = rnn_step(linear(batch, self.weight_ih, self.bias_ih), h, self.weight_hh.mT,
                       self.bias_hh, self.nonlinearity == "relu")
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    """A long short-term memory cell; ``forward(input, (h, c))`` returns ``(h', c')``.
    Gates in PyTorch's order: input, forget, cell, output.

    >>> import autodiff as ad
    >>> h, c = ad.nn.LSTMCell(3, 2)(ad.ones((4, 3)))
    >>> h.shape, c.shape
    ((4, 2), (4, 2))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device,
                         dtype=dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
                ) -> tuple[Tensor, Tensor]:
        batch, batched = self._prepare(input, hx, "LSTMCell")
        h0, c0 = (None, None) if hx is None else hx
        h = self._hidden(h0, batch, batched, "hx[0]", "LSTMCell")
        c = self._hidden(c0, batch, batched, "hx[1]", "LSTMCell")
        h, c = lstm_step(linear(batch, self.weight_ih, self.bias_ih), h, c,
                         self.weight_hh.mT, self.bias_hh, None)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """A gated recurrent unit; gates in PyTorch's order: reset, update, new.

    >>> import autodiff as ad
    >>> ad.nn.GRUCell(3, 2, bias=False)
    GRUCell(3, 2, bias=False)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device,
                         dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        batch, batched = self._prepare(input, hx, "GRUCell")
        h = self._hidden(hx, batch, batched, "hidden", "GRUCell")
        out = gru_step(linear(batch, self.weight_ih, self.bias_ih), h, self.weight_hh.mT,
                       self.bias_hh)
        return out if batched else out.squeeze(0)
