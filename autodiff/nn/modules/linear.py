"""Affine layers: ``Identity``, ``Linear`` and ``Bilinear`` (PyTorch's constructors,
attribute names, default initialisations and ``repr``).

>>> import autodiff as ad
>>> layer = ad.nn.Linear(3, 2)
>>> layer, layer(ad.ones(4, 3)).shape
(Linear(in_features=3, out_features=2, bias=True), (4, 2))
"""

from __future__ import annotations

import math
from typing import Any

from ..._tensor import Tensor
from ...ops.creation import empty
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Bilinear", "Identity", "Linear"]


class Identity(Module):
    """Returns its input; the constructor takes and ignores any arguments (so that a
    layer can be swapped for it without editing the call).

    >>> import autodiff as ad
    >>> ad.nn.Identity(54, unused="argument")(ad.tensor([1.0, 2.0]))
    tensor([1., 2.])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """``y = x @ weight.T + bias``, with ``weight`` of shape ``(out_features,
    in_features)``; both drawn as PyTorch draws them (Kaiming uniform with ``a=sqrt(5)``,
    so ``weight`` and ``bias`` are uniform on ``±1/sqrt(in_features)``).

    >>> import autodiff as ad
    >>> layer = ad.nn.Linear(2, 1, bias=False)
    >>> _ = layer.load_state_dict({"weight": ad.tensor([[1.0, -1.0]])})
    >>> layer(ad.tensor([[3.0, 1.0]]))
    tensor([[2.]], grad_fn=<MmBackward0>)
    """

    in_features: int
    out_features: int
    weight: Parameter
    bias: Parameter | None

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw ``weight`` and ``bias`` afresh, as ``__init__`` did."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        # the hot path of an MLP: one functional call. The attributes are read as PyTorch
        # reads them (not from ``_parameters``), so that code which swaps ``weight`` for a
        # plain tensor (weight norm, parametrizations) keeps working
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """``y[..., k] = x1 @ weight[k] @ x2 + bias[k]``, with ``weight`` of shape
    ``(out_features, in1_features, in2_features)``, drawn uniform on
    ``±1/sqrt(in1_features)`` as PyTorch does (``bias`` too).

    >>> import autodiff as ad
    >>> layer = ad.nn.Bilinear(2, 3, 4)
    >>> layer, layer(ad.ones(5, 2), ad.ones(5, 3)).shape
    (Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True), (5, 4))
    """

    in1_features: int
    in2_features: int
    out_features: int
    weight: Parameter
    bias: Parameter | None

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in1_features, in2_features),
                                      device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw ``weight`` and ``bias`` afresh, as ``__init__`` did."""
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
