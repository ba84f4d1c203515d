"""PyTorch's top-level ``norm`` (``ad.norm``, ``x.norm()``) with its matrix norm
``p="nuc"``: the vector p-norm lives in ``linalg``, which cannot reach the singular
values (``linalg_spectral`` builds on it), so the nuclear norm is added here, above both.
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from .linalg import norm as _vector_p_norm
from .linalg_extra import norm as _linalg_norm

__all__ = ["norm"]
NOT_METHODS = ()


def norm(x: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False,
         dtype: Any = None, **aliases: Any) -> Tensor:
    """PyTorch's ``norm``: the 2-norm of all elements by default, else the p-norm over
    ``dim``; ``p="nuc"`` is the nuclear norm over ``dim`` (the last two axes by default).

    >>> import autodiff as ad
    >>> ad.norm(ad.tensor([[1.0, 0.0], [0.0, 2.0]]), "nuc")
    tensor(3.)
    """
    if p == "nuc":
        return _linalg_norm(x, "nuc", dim=(-2, -1) if dim is None else dim, keepdim=keepdim,
                            dtype=dtype)
    return _vector_p_norm(x, p, dim, keepdim, dtype, **aliases)
