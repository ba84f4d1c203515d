"""``autodiff.torch.linalg``: ``autodiff.linalg`` with PyTorch's positional arguments.

``autodiff.linalg`` takes PyTorch's keywords (``dim=``, ``UPLO=``, ``hermitian=``,
``atol=``); PyTorch also passes some of them positionally (``vector_norm(x, 2, 1)``,
``eigvalsh(A, "U")``), which the standard's keyword-only functions refuse. Every other
name is ``autodiff.linalg``'s own.

>>> import autodiff.torch as torch
>>> torch.linalg.vector_norm(torch.tensor([[3.0, 4.0]]), 2, 1)
tensor([5.])
"""

from __future__ import annotations

from typing import Any as _Any

import autodiff.linalg as _linalg
from autodiff.ops import linalg_options as _options

from ._fallback import fallback as _fallback


def vector_norm(x: _Any, ord: float = 2, dim: _Any = None, keepdim: bool = False, *,
                dtype: _Any = None) -> _Any:
    """PyTorch's ``torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False)``."""
    return _options.vector_norm(x, ord=ord, dim=dim, keepdim=keepdim, dtype=dtype)


def matrix_norm(A: _Any, ord: _Any = "fro", dim: _Any = (-2, -1),
                keepdim: bool = False, *, dtype: _Any = None) -> _Any:
    """PyTorch's ``torch.linalg.matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False)``."""
    return _options.matrix_norm(A, ord=ord, dim=dim, keepdim=keepdim, dtype=dtype)


def eigh(A: _Any, UPLO: str = "L") -> _Any:
    """PyTorch's ``torch.linalg.eigh(A, UPLO='L')``."""
    return _options.eigh(A, UPLO=UPLO)


def eigvalsh(A: _Any, UPLO: str = "L") -> _Any:
    """PyTorch's ``torch.linalg.eigvalsh(A, UPLO='L')``."""
    return _options.eigvalsh(A, UPLO=UPLO)


def cross(input: _Any, other: _Any, dim: int = -1) -> _Any:
    """PyTorch's ``torch.linalg.cross(input, other, dim=-1)``."""
    return _linalg.cross(input, other, axis=dim)


def vecdot(x: _Any, y: _Any, dim: int = -1) -> _Any:
    """PyTorch's ``torch.linalg.vecdot(x, y, dim=-1)``."""
    return _linalg.vecdot(x, y, axis=dim)


def svd(A: _Any, full_matrices: bool = True) -> _Any:
    """PyTorch's ``torch.linalg.svd(A, full_matrices=True)``."""
    return _linalg.svd(A, full_matrices=full_matrices)


def qr(A: _Any, mode: str = "reduced") -> _Any:
    """PyTorch's ``torch.linalg.qr(A, mode='reduced')``."""
    return _linalg.qr(A, mode=mode)


def cholesky(A: _Any, *, upper: bool = False) -> _Any:
    """PyTorch's ``torch.linalg.cholesky(A, *, upper=False)``."""
    return _linalg.cholesky(A, upper=upper)


__getattr__, __dir__ = _fallback(__name__, _linalg)
