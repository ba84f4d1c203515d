"""PyTorch's spellings on the standard's linear algebra functions: ``dim=``/``keepdim=``/
``dtype=`` on the norms, ``UPLO=`` on ``eigh``/``eigvalsh``, ``atol=``/``rtol=`` and
``hermitian=`` on ``pinv``/``matrix_rank``.

Each function here reads the PyTorch option and calls the standard's function
(``linalg.py``, ``linalg_solve.py``, ``linalg_spectral.py``), so the primitives and their
rules are unchanged. ``hermitian=True`` is accepted as PyTorch's promise that the input
is Hermitian; the result is the same for such an input, computed the general way.
"""

from __future__ import annotations

from typing import Any

from .._mode import no_grad
from .._tensor import Tensor
from . import linalg as _linalg
from . import linalg_solve as _solve
from . import linalg_spectral as _spectral
from ._helpers import pick
from .complex import conj
from .datatypes import astype
from .joining import stack, unstack
from .manipulation import matrix_transpose, moveaxis, squeeze

__all__ = ["eigh", "eigvalsh", "matrix_norm", "matrix_rank", "pinv", "vector_norm"]
NOT_METHODS = tuple(__all__)  # the Tensor methods stay the standard's functions


def vector_norm(x: Tensor, /, *, axis: Any = None, keepdims: bool = False, ord: float = 2,
                dim: Any = None, keepdim: bool | None = None, dtype: Any = None) -> Tensor:
    """The vector ``ord``-norm over ``axis`` (every axis by default); PyTorch's ``dim=``,
    ``keepdim=`` and ``dtype=`` (the dtype to compute in) work too.

    >>> import autodiff as ad
    >>> ad.linalg.vector_norm(ad.tensor([[3.0, 4.0]]), dim=1, keepdim=True)
    tensor([[5.]])
    """
    if dtype is not None:
        x = astype(x, dtype)
    return _linalg.vector_norm(
        x, axis=pick("vector_norm", "axis", axis, "dim", dim, None), ord=ord,
        keepdims=bool(pick("vector_norm", "keepdims", keepdims or None, "keepdim", keepdim,
                           False)))


def matrix_norm(x: Tensor, /, *, keepdims: bool = False, ord: Any = "fro", dim: Any = None,
                keepdim: bool | None = None, dtype: Any = None) -> Tensor:
    """The matrix ``ord``-norm of the last two axes, or of the two axes PyTorch's
    ``dim=`` names (``keepdim=`` and ``dtype=`` work too).

    >>> import autodiff as ad
    >>> ad.linalg.matrix_norm(ad.ones(2, 3, 2), dim=(0, 2))
    tensor([2., 2., 2.])
    """
    keep = bool(pick("matrix_norm", "keepdims", keepdims or None, "keepdim", keepdim, False))
    if dtype is not None:
        x = astype(x, dtype)
    if dim is None or tuple(d % x.ndim for d in dim) == (x.ndim - 2, x.ndim - 1):
        return _spectral.matrix_norm(x, ord=ord, keepdims=keep)
    axes = tuple(d % x.ndim for d in dim)
    if len(axes) != 2 or axes[0] == axes[1]:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple of distinct "
                           f"dimensions, got {tuple(dim)}")
    result = _spectral.matrix_norm(moveaxis(x, axes, (-2, -1)), ord=ord, keepdims=True)
    result = moveaxis(result, (-2, -1), axes)
    return result if keep else squeeze(result, tuple(sorted(axes)))


def _lower(x: Tensor, name: str, uplo: str) -> Tensor:
    """The matrix whose lower triangle holds the triangle ``UPLO`` names."""
    if uplo not in ("L", "U"):
        raise RuntimeError(f"{name}: Expected UPLO argument to be 'L' or 'U', but got {uplo}")
    return x if uplo == "L" else conj(matrix_transpose(x))


def eigh(x: Tensor, /, *, UPLO: str = "L") -> Any:
    """Eigenvalues (ascending) and eigenvectors of the Hermitian matrix in ``x``, read
    from its lower triangle, or its upper one with PyTorch's ``UPLO="U"``.

    >>> import autodiff as ad
    >>> ad.linalg.eigh(ad.tensor([[2.0, 1.0], [5.0, 2.0]]), UPLO="U").eigenvalues
    tensor([1., 3.])
    """
    return _spectral.eigh(_lower(x, "linalg.eigh", UPLO))


def eigvalsh(x: Tensor, /, *, UPLO: str = "L") -> Tensor:
    """The eigenvalues (ascending) of the Hermitian matrix in ``x``, read from its lower
    triangle, or its upper one with PyTorch's ``UPLO="U"``.

    >>> import autodiff as ad
    >>> ad.linalg.eigvalsh(ad.tensor([[2.0, 1.0], [5.0, 2.0]]), UPLO="U")
    tensor([1., 3.])
    """
    return _spectral.eigvalsh(_lower(x, "linalg.eigvalsh", UPLO))


def _largest(x: Tensor) -> Any:
    with no_grad():
        return float(_spectral.svdvals(x)[0].item()) if x.shape[-1] and x.shape[-2] else 0.0


def _tolerance(name: str, x: Tensor, atol: Any, rtol: Any) -> Any:
    """PyTorch's cutoff max(atol, rtol * largest singular value) as a relative tolerance
    for one matrix (``rtol`` defaults to 0 once ``atol`` is given, as in PyTorch)."""
    rtol = 0.0 if rtol is None else float(rtol)
    largest = _largest(x)
    return max(rtol, float(atol) / largest) if largest > 0 else rtol


def _per_matrix(fn: Any, name: str, x: Tensor, atol: Any, rtol: Any) -> Tensor:
    if atol is None:
        return fn(x, rtol=rtol)
    if isinstance(atol, Tensor) or (rtol is not None and isinstance(rtol, Tensor)):
        raise TypeError(f"{name}: atol= and rtol= as tensors are not supported; pass floats")
    if x.ndim == 2:
        return fn(x, rtol=_tolerance(name, x, atol, rtol))
    flat = x.reshape(-1, *x.shape[-2:])
    results = [fn(m, rtol=_tolerance(name, m, atol, rtol)) for m in unstack(flat)]
    out = stack(results) if results else fn(flat, rtol=rtol)
    return out.reshape(*x.shape[:-2], *out.shape[1:])


def pinv(x: Tensor, /, *, rtol: float | Tensor | None = None, atol: float | None = None,
         hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse; singular values below ``max(atol, rtol *
    largest)`` count as zero (PyTorch's ``atol=``; ``hermitian=`` is accepted).

    >>> import autodiff as ad
    >>> ad.linalg.pinv(ad.tensor([[2.0, 0.0], [0.0, 0.1]]), atol=0.5)
    tensor([[0.5000, 0.0000],
            [0.0000, 0.0000]])
    """
    return _per_matrix(_solve.pinv, "linalg.pinv", x, atol, rtol)


def matrix_rank(x: Tensor, /, *, rtol: float | None = None, atol: float | None = None,
                hermitian: bool = False) -> Tensor:
    """The number of singular values above ``max(atol, rtol * largest)`` (PyTorch's
    ``atol=``; ``hermitian=`` is accepted).

    >>> import autodiff as ad
    >>> ad.linalg.matrix_rank(ad.tensor([[2.0, 0.0], [0.0, 0.1]]), atol=0.5)
    tensor(1)
    """
    return _per_matrix(_solve.matrix_rank, "linalg.matrix_rank", x, atol, rtol)
