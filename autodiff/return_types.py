"""Named tuples returned by the ops that give several tensors, as ``torch.return_types``.

>>> import autodiff as ad
>>> ad.tensor([[1.0, 3.0], [4.0, 2.0]]).max(dim=1)
autodiff.return_types.max(
values=tensor([3., 4.]),
indices=tensor([1, 0]))
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ._tensor import Tensor

__all__ = ["max", "min", "sort"]


def _show(result: Any) -> str:
    body = ",\n".join(f"{name}={value!r}" for name, value in zip(result._fields, result,
                                                                strict=True))
    return f"autodiff.return_types.{type(result).__name__}(\n{body})"


class max(NamedTuple):
    """``x.max(dim)``: the largest values and their indices."""

    values: Tensor
    indices: Tensor

    def __repr__(self) -> str:
        return _show(self)


class min(NamedTuple):
    """``x.min(dim)``: the smallest values and their indices."""

    values: Tensor
    indices: Tensor

    def __repr__(self) -> str:
        return _show(self)


class sort(NamedTuple):
    """``x.sort(dim)``: the sorted values and the indices they came from."""

    values: Tensor
    indices: Tensor

    def __repr__(self) -> str:
        return _show(self)
