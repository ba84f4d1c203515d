"""Data type functions: ``astype`` (differentiable, as PyTorch's ``.to(dtype)``)."""

from __future__ import annotations

from typing import Any

from .. import _dtypes
from .._primitive import primitive
from .._tensor import Tensor

__all__ = ["astype"]

# The rule returns g unchanged: the engine casts every cotangent to its input's dtype.
_astype = primitive(
    "astype", torch_name="ToCopy",
    forward=lambda xp, x, dtype: xp.astype(x, getattr(xp, dtype)),
    vjp=lambda g, ans, x, dtype: g,
    jvp="linear",
)


def astype(x: Tensor, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Tensor:
    """``x`` converted to ``dtype`` (a new tensor; gradients flow back in x's dtype).

    >>> import autodiff as ad
    >>> ad.astype(ad.tensor([1, 2]), ad.float64)
    tensor([1., 2.], dtype=autodiff.float64)
    """
    target = _dtypes.to_dtype(dtype)
    if not copy and x.dtype is target:
        return x
    return _astype(x, dtype=target.name)


def astype_native(x: Tensor, native: Any) -> Tensor:
    """``x`` cast to a backend dtype object (the engine's cotangent cast)."""
    return _astype(x, dtype=x._backend.dtype_name(native))
