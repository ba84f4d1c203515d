"""``autodiff.torch.linalg``: ``autodiff.linalg`` with PyTorch's positional arguments.

``autodiff.linalg`` takes PyTorch's keywords and positional arguments where the
standard's reading is the same (``dim=``, ``UPLO=``, ``hermitian=``, ``atol=``,
``vector_norm(x, 2, 1)``, ``eigvalsh(A, "U")``); the functions here are those whose
standard signature cannot also take PyTorch's (``cross(a, b, 1)``). Every other name is
``autodiff.linalg``'s own.

>>> import autodiff.torch as torch
>>> torch.linalg.vector_norm(torch.tensor([[3.0, 4.0]]), 2, 1)
tensor([5.])
"""

from __future__ import annotations

from typing import Any as _Any

import autodiff.linalg as _linalg

from ._fallback import fallback as _fallback


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


def _vector_rhs(A: _Any, B: _Any) -> bool:
    """PyTorch's reading of ``solve``'s B: a (batch of) vector(s) when 1-D or of shape
    ``A.shape[:-1]``, even where the standard reads a matrix (A (3, 3, 3), B (3, 3))."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def solve(A: _Any, B: _Any, *, left: bool = True) -> _Any:
    """PyTorch's ``torch.linalg.solve(A, B, *, left=True)``, B read as PyTorch reads it.

    >>> import autodiff.torch as torch
    >>> torch.linalg.solve(2 * torch.eye(3).expand(3, 3, 3), torch.ones(3, 3))
    tensor([[0.5000, 0.5000, 0.5000],
            [0.5000, 0.5000, 0.5000],
            [0.5000, 0.5000, 0.5000]])
    """
    return solve_ex(A, B, left=left, check_errors=True).result


def solve_ex(A: _Any, B: _Any, *, left: bool = True, check_errors: bool = False) -> _Any:
    """PyTorch's ``torch.linalg.solve_ex``, B read as PyTorch reads it."""
    if left and _vector_rhs(A, B):
        out = _linalg.solve_ex(A, B[..., None], check_errors=check_errors)
        return type(out)(out.result[..., 0], out.info)
    return _linalg.solve_ex(A, B, left=left, check_errors=check_errors)


def cholesky(A: _Any, *, upper: bool = False) -> _Any:
    """PyTorch's ``torch.linalg.cholesky(A, *, upper=False)``."""
    return _linalg.cholesky(A, upper=upper)


__getattr__, __dir__ = _fallback(__name__, _linalg)
