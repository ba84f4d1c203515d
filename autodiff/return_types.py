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


# -- PyTorch's selection ops (ops/selection.py) ------------------------------------------
def _pair(name: str, first: str = "values", second: str = "indices") -> type:
    """A two-field result named as ``torch.return_types.<name>``."""
    fields = {first: Tensor, second: Tensor}
    cls = NamedTuple(name, list(fields.items()))  # type: ignore[misc]
    cls.__repr__ = _show  # type: ignore[method-assign]
    cls.__module__ = __name__
    cls.__doc__ = f"``{name}``: {first} and {second}."
    return cls


topk = _pair("topk")
kthvalue = _pair("kthvalue")
median = _pair("median")
nanmedian = _pair("nanmedian")
mode = _pair("mode")
cummax = _pair("cummax")
cummin = _pair("cummin")
aminmax = _pair("aminmax", "min", "max")
__all__ += ["aminmax", "cummax", "cummin", "kthvalue", "median", "mode", "nanmedian", "topk"]

frexp = _pair("frexp", "mantissa", "exponent")
__all__ += ["frexp"]
