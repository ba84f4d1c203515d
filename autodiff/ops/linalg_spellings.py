"""PyTorch's spellings of the standard's linalg functions, accepted where they are
unambiguous: ``vector_norm(x, ord, dim, keepdim, dtype=)``, ``matrix_norm(A, ord, dim,
keepdim)``, ``diagonal(A, dim1=, dim2=)``, ``eigh(A, UPLO=)``, ``eigvalsh(A, UPLO=)``,
``matrix_rank(A, atol=, rtol=, hermitian=)`` and ``pinv(A, atol=, rtol=, hermitian=)``.

Each wraps the standard's function (``autodiff.linalg`` exports these wrappers): the
standard's keywords (``axis=``, ``keepdims=``, ``rtol=``) keep their meaning, and a
PyTorch argument the standard lacks is either mapped onto it or computed here.
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from . import linalg as _linalg
from . import linalg_diag as _diag
from . import linalg_solve as _solve
from . import linalg_spectral as _spectral
from ._helpers import pick
from ._linalg_util import EighResult, check_matrix, mH, tensor_xp

__all__ = ["diagonal", "eigh", "eigvalsh", "matrix_norm", "matrix_rank", "pinv", "vector_norm"]
NOT_METHODS = tuple(__all__)


def vector_norm(x: Tensor, /, ord: Any = 2, dim: Any = None, keepdim: bool | None = None, *,
                dtype: Any = None, axis: Any = None, keepdims: bool | None = None) -> Tensor:
    """The ``ord``-norm of ``x`` over ``dim`` (the standard's ``axis``; all elements by
    default), with PyTorch's positional ``ord, dim, keepdim`` and ``dtype=``.

    >>> import autodiff as ad
    >>> ad.linalg.vector_norm(ad.tensor([[3.0, 4.0]]), 2, 1)
    tensor([5.])
    """
    if dtype is not None:
        x = x.astype(dtype)
    return _linalg.vector_norm(x, axis=pick("linalg.vector_norm", "axis", axis, "dim", dim, None),
                               keepdims=bool(pick("linalg.vector_norm", "keepdims", keepdims,
                                                  "keepdim", keepdim, False)), ord=ord)


def matrix_norm(x: Tensor, /, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool | None = None,
                *,
                dtype: Any = None, keepdims: bool | None = None) -> Tensor:
    """The ``ord`` norm of each matrix (``"fro"``, ``"nuc"``, ±1, ±2, ±inf) over the two
    axes ``dim`` (the last two by default).

    >>> import autodiff as ad
    >>> ad.linalg.matrix_norm(ad.tensor([[1.0, -2.0], [3.0, 4.0]]), 1)
    tensor(6.)
    """
    from .linalg_extra import norm

    keep = bool(pick("linalg.matrix_norm", "keepdims", keepdims, "keepdim", keepdim, False))
    if tuple(dim) == (-2, -1):
        if dtype is not None:
            x = x.astype(dtype)
        return _spectral.matrix_norm(x, keepdims=keep, ord=ord)
    return norm(x, ord, dim=tuple(dim), keepdim=keep, dtype=dtype)


def diagonal(x: Tensor, /, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The ``offset``-th diagonal of each matrix, the matrices over ``dim1`` and ``dim2``
    (the last two axes by default).

    >>> import autodiff as ad
    >>> ad.linalg.diagonal(ad.eye(2)[None], dim1=1, dim2=2)
    tensor([[1., 1.]])
    """
    from .manipulation import moveaxis

    if (dim1, dim2) != (-2, -1):
        x = moveaxis(x, (dim1, dim2), (-2, -1))
    return _diag.diagonal(x, offset=offset)


def _hermitian_from(op: str, x: Tensor, uplo: str) -> Tensor:
    if uplo not in ("L", "U"):
        raise RuntimeError(f"linalg.{op}: Expected UPLO argument to be 'L' or 'U', but got "
                           f"{uplo}")
    check_matrix(op, x, square=True)
    # the lower triangle of x^H is the conjugate of x's upper one: the same matrix
    return x if uplo == "L" else mH(tensor_xp(), x)


def eigh(x: Tensor, /, UPLO: str = "L") -> EighResult:
    """``eigh`` reading the lower (``UPLO="L"``) or upper (``"U"``) triangle.

    >>> import autodiff as ad
    >>> ad.linalg.eigh(ad.tensor([[2.0, 1.0], [9.0, 2.0]]), UPLO="U").eigenvalues
    tensor([1., 3.])
    """
    return _spectral.eigh(_hermitian_from("eigh", x, UPLO))


def eigvalsh(x: Tensor, /, UPLO: str = "L") -> Tensor:
    """``eigvalsh`` reading the lower (``UPLO="L"``) or upper (``"U"``) triangle.

    >>> import autodiff as ad
    >>> ad.linalg.eigvalsh(ad.tensor([[2.0, 9.0], [1.0, 2.0]]))
    tensor([1., 3.])
    """
    return _spectral.eigvalsh(_hermitian_from("eigvalsh", x, UPLO))


def _hermitian_lower(x: Tensor) -> Tensor:
    """The Hermitian matrix x's lower triangle defines (PyTorch's ``hermitian=True``)."""
    xp = tensor_xp()
    lower = xp.tril(x, k=-1)
    diagonal_ = _diag.diagonal(x)
    return lower + mH(xp, lower) + _diag.diag_embed(
        xp.real(diagonal_) if x.dtype.is_complex else diagonal_)


def _tolerance(values: Tensor, atol: Any, rtol: Any, m: int, n: int) -> Any:
    """PyTorch's cutoff: max(atol, rtol * largest), rtol eps * max(m, n) when neither
    is given, 0 when only atol is."""
    import numpy as np

    from .piecewise import maximum

    if rtol is None:
        rtol = 0.0 if atol is not None else float(np.finfo(
            {"float32": np.float32, "complex64": np.float32}.get(values.dtype.name,
                                                                 np.float64)).eps) * max(m, n)
    largest = values.max(dim=-1).values if values.shape[-1] else values.sum(dim=-1)
    # a tensor atol or rtol holds one per matrix of the batch
    rtol = rtol[..., None] if isinstance(rtol, Tensor) else rtol
    cutoff = largest[..., None] * rtol
    if atol is None:
        return cutoff
    return maximum(cutoff, atol[..., None] if isinstance(atol, Tensor) else float(atol))


def matrix_rank(x: Tensor, /, *, atol: Any = None, rtol: Any = None,
                hermitian: bool = False) -> Tensor:
    """The number of singular values above ``max(atol, rtol * largest)`` (PyTorch's
    cutoff), from the lower triangle alone when ``hermitian``.

    >>> import autodiff as ad
    >>> ad.linalg.matrix_rank(ad.tensor([[1.0, 2.0], [2.0, 4.0]]), atol=0.1)
    tensor(1)
    """
    if atol is None and not hermitian and not isinstance(rtol, Tensor):
        return _solve.matrix_rank(x, rtol=rtol)
    check_matrix("matrix_rank", x)
    x = x.detach()
    values = _spectral.svdvals(_hermitian_lower(x) if hermitian else x)
    cutoff = _tolerance(values, atol, rtol, x.shape[-2], x.shape[-1])
    return (values > cutoff).astype("int64").sum(-1)


def pinv(x: Tensor, /, *, atol: Any = None, rtol: Any = None,
         hermitian: bool = False) -> Tensor:
    """The pseudo-inverse with PyTorch's ``atol=``, ``rtol=`` and ``hermitian=`` (the
    lower triangle alone).

    >>> import autodiff as ad
    >>> ad.linalg.pinv(ad.tensor([[2.0, 0.0], [0.0, 4.0]]), hermitian=True)
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    if hermitian:  # through eigh, as PyTorch (whose gradient it then has)
        from .elementwise import where

        values, vectors = _spectral.eigh(x)
        size = values.abs()
        keep = size > _tolerance(size.detach(), atol, rtol, x.shape[-2], x.shape[-1])
        inverse = where(keep, 1 / where(keep, values, 1.0), 0.0)
        xp = tensor_xp()
        return (vectors * inverse[..., None, :].astype(vectors.dtype)) @ mH(xp, vectors)
    if atol is None and not isinstance(rtol, Tensor):
        return _solve.pinv(x, rtol=rtol)
    from .elementwise import where

    # an absolute cutoff: through the SVD, each matrix with its own max(atol, rtol s_1)
    u, values, vh = _spectral.svd(x, full_matrices=False)
    keep = values > _tolerance(values.detach(), atol, rtol, x.shape[-2], x.shape[-1])
    inverse = where(keep, 1 / where(keep, values, 1.0), 0.0)
    xp = tensor_xp()
    return (mH(xp, vh) * inverse[..., None, :]) @ mH(xp, u)
