"""``Flatten`` and ``Unflatten``: reshape layers for ``Sequential`` models.

>>> import autodiff as ad
>>> net = ad.nn.Sequential(ad.nn.Flatten(), ad.nn.Unflatten(1, (2, 6)))
>>> net(ad.ones(5, 3, 4)).shape
(5, 2, 6)
"""

from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Joins dimensions ``start_dim`` to ``end_dim`` into one (by default all but the
    batch dimension).

    >>> import autodiff as ad
    >>> ad.nn.Flatten(), ad.nn.Flatten(0, 1)(ad.ones(2, 3, 4)).shape
    (Flatten(start_dim=1, end_dim=-1), (6, 4))
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Splits dimension ``dim`` into ``unflattened_size`` (a tuple of ints; one may be
    -1).

    >>> import autodiff as ad
    >>> layer = ad.nn.Unflatten(-1, (2, -1))
    >>> layer, layer(ad.ones(3, 8)).shape
    (Unflatten(dim=-1, unflattened_size=(2, -1)), (3, 2, 4))
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        _require_tuple_int(unflattened_size)
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


def _require_tuple_int(size: Any) -> None:
    if isinstance(size, (tuple, list)):
        for idx, elem in enumerate(size):
            if not isinstance(elem, int):
                raise TypeError("unflattened_size must be tuple of ints, but found element of "
                                f"type {type(elem).__name__} at pos {idx}")
        return
    raise TypeError(f"unflattened_size must be a tuple of ints, but found type "
                    f"{type(size).__name__}")
