"""Activation modules over a dimension (the softmax family, ``GLU``) and the one with a
parameter (``PReLU``), as ``torch.nn``'s.

>>> import autodiff as ad
>>> m = ad.nn.Softmax(dim=1)
>>> m
Softmax(dim=1)
>>> m(ad.tensor([[0.0, 0.0], [0.0, 1000.0]]))
tensor([[0.5000, 0.5000],
        [0.0000, 1.0000]])
"""

from __future__ import annotations

from typing import Any

from ..._mode import no_grad
from ..._tensor import Tensor
from ...ops.creation import empty
from ..functional import glu, log_softmax, prelu, softmax, softmin
from ..parameter import Parameter
from .module import Module

__all__ = ["GLU", "LogSoftmax", "PReLU", "Softmax", "Softmax2d", "Softmin"]


class PReLU(Module):
    """``x`` above 0, ``weight * x`` below, with a learned ``weight``: one slope, or one
    per channel (``num_parameters``), each starting at ``init``.

    >>> import autodiff as ad
    >>> m = ad.nn.PReLU(2)
    >>> m, m.weight
    (PReLU(num_parameters=2), Parameter containing:
    tensor([0.2500, 0.2500], requires_grad=True))
    >>> m(ad.tensor([[-4.0, 1.0]]))
    tensor([[-1.,  1.]], grad_fn=<WhereBackward0>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set every slope back to ``init``."""
        with no_grad():
            self.weight.fill_(self.init)

    def forward(self, input: Tensor) -> Tensor:
        return prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class GLU(Module):
    """The gated linear unit: ``a * sigmoid(b)`` for the halves ``a``, ``b`` of ``dim``."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmin(Module):
    """``softmax(-x)`` along ``dim``."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return softmin(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(Module):
    """``exp(x) / sum(exp(x))`` along ``dim``, computed stably."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax2d(Module):
    """Softmax over the channels (dim -3) of a ``(C, H, W)`` or ``(N, C, H, W)`` input."""

    def __init__(self) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D "
                             "instead")
        return softmax(input, -3)


class LogSoftmax(Module):
    """``log(softmax(x))`` along ``dim``, computed stably."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
