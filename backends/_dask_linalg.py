"""The dask backend's ``linalg``: array-api-compat's dask ``linalg`` with the standard's
functions dask lacks (``det``, ``slogdet``, ``eigh``, ``eigvalsh``, ``eig``, ``eigvals``,
``pinv``, ``matrix_power``, ``cross``) and those it has for 2-D arrays only (``inv``,
``solve``, ``cholesky``, ``qr``, ``svd``), written as lazy per-matrix numpy calls.

Each matrix of a stack goes whole into one block (its last two axes in one chunk) and
the stack keeps its chunks: the work is parallel across matrices, as a batched numpy
call is, and nothing computes until asked.
"""

from __future__ import annotations

import types
from typing import Any, NamedTuple

import numpy as np


class EighResult(NamedTuple):
    eigenvalues: Any
    eigenvectors: Any


class EigResult(NamedTuple):
    eigenvalues: Any
    eigenvectors: Any


class QRResult(NamedTuple):
    Q: Any
    R: Any


class SVDResult(NamedTuple):
    U: Any
    S: Any
    Vh: Any


class SlogdetResult(NamedTuple):
    sign: Any
    logabsdet: Any


def _whole(x: Any) -> Any:
    """``x`` with each matrix in one block (its last two axes in one chunk)."""
    return x.rechunk({x.ndim - 2: -1, x.ndim - 1: -1})


def _per_matrix(fn: Any, x: Any, keep: int, dtype: Any, extent: int | None = None) -> Any:
    """``fn`` on each block of matrices: the result keeps the stack's axes and ``keep``
    matrix axes (0: a scalar per matrix, 1: a vector of ``extent``, 2: a matrix of the
    input's shape)."""
    import dask.array as da

    x = _whole(x)
    stack = x.chunks[:-2]
    meta = np.empty((0,) * (x.ndim - 2 + keep), dtype=dtype)
    if keep == 2:
        return da.map_blocks(fn, x, dtype=dtype, meta=meta)
    if keep == 1:
        return da.map_blocks(fn, x, dtype=dtype, drop_axis=x.ndim - 1,
                             chunks=(*stack, (x.shape[-1] if extent is None else extent,)),
                             meta=meta)
    return da.map_blocks(fn, x, dtype=dtype, drop_axis=(x.ndim - 2, x.ndim - 1),
                         chunks=stack, meta=meta)


def _complex(dtype: Any) -> Any:
    return np.result_type(dtype, np.complex64)


def det(x: Any, /) -> Any:
    """The determinant of each matrix.

    >>> import dask.array as da
    >>> round(float(det(da.from_array(np.array([[2.0, 1.0], [1.0, 3.0]]))).compute()), 12)
    5.0
    """
    return _per_matrix(np.linalg.det, x, 0, x.dtype)


def slogdet(x: Any, /) -> SlogdetResult:
    """The sign and the log of the absolute determinant of each matrix."""
    return SlogdetResult(_per_matrix(lambda b: np.linalg.slogdet(b)[0], x, 0, x.dtype),
                         _per_matrix(lambda b: np.linalg.slogdet(b)[1], x, 0,
                                     np.empty(0, x.dtype).real.dtype))


def eigh(x: Any, /) -> EighResult:
    """Eigenvalues (ascending) and eigenvectors of each Hermitian matrix."""
    real = np.empty(0, x.dtype).real.dtype
    return EighResult(_per_matrix(lambda b: np.linalg.eigh(b)[0], x, 1, real),
                      _per_matrix(lambda b: np.linalg.eigh(b)[1], x, 2, x.dtype))


def eigvalsh(x: Any, /) -> Any:
    """Eigenvalues (ascending) of each Hermitian matrix."""
    return _per_matrix(np.linalg.eigvalsh, x, 1, np.empty(0, x.dtype).real.dtype)


def eig(x: Any, /) -> EigResult:
    """Eigenvalues and eigenvectors of each square matrix (complex)."""
    out = _complex(x.dtype)
    return EigResult(
        _per_matrix(lambda b: np.linalg.eig(b)[0].astype(out, copy=False), x, 1, out),
        _per_matrix(lambda b: np.linalg.eig(b)[1].astype(out, copy=False), x, 2, out))


def eigvals(x: Any, /) -> Any:
    """Eigenvalues of each square matrix (complex)."""
    out = _complex(x.dtype)
    return _per_matrix(lambda b: np.linalg.eigvals(b).astype(out, copy=False), x, 1, out)


def pinv(x: Any, /, *, rtol: Any = None) -> Any:
    """The Moore-Penrose pseudo-inverse of each matrix (``rtol`` as the standard's: by
    default ``max(M, N)`` times the dtype's epsilon)."""
    import dask.array as da

    if rtol is None:
        rtol = max(x.shape[-2:]) * np.finfo(x.dtype).eps
    x = _whole(x)
    chunks = (*x.chunks[:-2], (x.shape[-1],), (x.shape[-2],))
    return da.map_blocks(lambda b: np.linalg.pinv(b, rcond=rtol, hermitian=False), x,
                         dtype=x.dtype, chunks=chunks,
                         meta=np.empty((0,) * x.ndim, dtype=x.dtype))


def matrix_power(x: Any, n: int, /) -> Any:
    """Each square matrix to the integer power ``n``."""
    return _per_matrix(lambda b: np.linalg.matrix_power(b, n), x, 2, x.dtype)


def cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """The cross product of 3-vectors along ``axis``, from dask's elementwise ops."""
    import dask.array as da

    x1, x2 = da.broadcast_arrays(x1, x2)
    if x1.shape[axis] != 3:
        raise ValueError(f"cross: expected vectors of 3 elements along axis {axis}, got "
                         f"{x1.shape[axis]}")

    def part(x: Any, i: int) -> Any:
        return da.take(x, [i], axis=axis)

    a, b = [part(x1, i) for i in range(3)], [part(x2, i) for i in range(3)]
    return da.concatenate([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                           a[0] * b[1] - a[1] * b[0]], axis=axis)


def _chunked_matrix(x: Any) -> bool:
    """One matrix over several chunks: dask's own blocked algorithm is the one that
    scales (a tall-and-skinny QR, a blocked LU); a stack of matrices, or a matrix in one
    chunk, goes to numpy per matrix, as dask's own functions take only 2-D arrays."""
    return x.ndim == 2 and (len(x.chunks[0]) > 1 or len(x.chunks[1]) > 1)


def inv(x: Any, /) -> Any:
    """The inverse of each square matrix."""
    if _chunked_matrix(x):
        return _compat().inv(x)
    return _per_matrix(np.linalg.inv, x, 2, x.dtype)


def cholesky(x: Any, /, *, upper: bool = False) -> Any:
    """The Cholesky factor of each Hermitian positive-definite matrix."""
    if _chunked_matrix(x):
        return _compat().cholesky(x, upper=upper)
    return _per_matrix(lambda b: np.linalg.cholesky(b, upper=upper), x, 2, x.dtype)


def solve(x1: Any, x2: Any, /) -> Any:
    """The solution of ``x1 @ out = x2`` for each matrix of a stack (``x2`` a vector
    when 1-D, as the standard says)."""
    import dask.array as da

    if _chunked_matrix(x1) and x2.ndim <= 2:
        return _compat().solve(x1, x2)
    vector = x2.ndim == 1
    if vector:
        x2 = x2[:, None]
    stack = np.broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    x1 = _whole(da.broadcast_to(x1, stack + x1.shape[-2:]))
    x2 = da.broadcast_to(x2, stack + x2.shape[-2:]).rechunk(
        (*x1.chunks[:-2], (x2.shape[-2],), (x2.shape[-1],)))
    dtype = np.result_type(x1.dtype, x2.dtype)
    out = da.map_blocks(np.linalg.solve, x1, x2, dtype=dtype, chunks=x2.chunks,
                        meta=np.empty((0,) * x2.ndim, dtype=dtype))
    return out[..., 0] if vector else out


def qr(x: Any, /, *, mode: str = "reduced") -> QRResult:
    """The QR factorization of each matrix."""
    if _chunked_matrix(x) and mode == "reduced":
        return QRResult(*_compat().qr(x))
    import dask.array as da

    x = _whole(x)
    m, n = x.shape[-2:]
    k = m if mode == "complete" else min(m, n)
    how: Any = mode  # numpy types its modes as literals
    stack = x.chunks[:-2]
    meta = np.empty((0,) * x.ndim, dtype=x.dtype)
    return QRResult(
        da.map_blocks(lambda b: np.linalg.qr(b, mode=how)[0], x, dtype=x.dtype,
                      chunks=(*stack, (m,), (k,)), meta=meta),
        da.map_blocks(lambda b: np.linalg.qr(b, mode=how)[1], x, dtype=x.dtype,
                      chunks=(*stack, (k,), (n,)), meta=meta))


def svd(x: Any, /, *, full_matrices: bool = True) -> SVDResult:
    """The singular value decomposition of each matrix."""
    if _chunked_matrix(x) and not full_matrices:
        return SVDResult(*_compat().svd(x, full_matrices=False))
    import dask.array as da

    x = _whole(x)
    m, n = x.shape[-2:]
    k = min(m, n)
    stack = x.chunks[:-2]
    real = np.empty(0, x.dtype).real.dtype

    def part(i: int, chunks: tuple[Any, ...], dtype: Any, drop: Any = None) -> Any:
        return da.map_blocks(lambda b: np.linalg.svd(b, full_matrices=full_matrices)[i],
                             x, dtype=dtype, chunks=chunks, drop_axis=drop,
                             meta=np.empty((0,) * len(chunks), dtype=dtype))

    return SVDResult(part(0, (*stack, (m,), (m if full_matrices else k,)), x.dtype),
                     part(1, (*stack, (k,)), real, x.ndim - 1),
                     part(2, (*stack, (n if full_matrices else k,), (n,)), x.dtype))


def svdvals(x: Any, /) -> Any:
    """The singular values of each matrix, descending."""
    return _per_matrix(lambda b: np.linalg.svd(b, compute_uv=False), x, 1,
                       np.empty(0, x.dtype).real.dtype, min(x.shape[-2:]))


def matrix_rank(x: Any, /, *, rtol: Any = None) -> Any:
    """The number of singular values of each matrix above ``rtol`` times the largest
    (by default ``max(M, N)`` times the dtype's epsilon)."""
    import dask.array as da

    if not getattr(rtol, "ndim", 0):  # one tolerance for all: numpy's, per matrix
        return _per_matrix(lambda b: np.linalg.matrix_rank(b, rtol=rtol).astype(np.int64),
                           x, 0, np.int64)
    values = svdvals(x)  # one tolerance per matrix of the stack
    tol = da.max(values, axis=-1, keepdims=True) * rtol[..., None]
    return da.count_nonzero(values > tol, axis=-1).astype(np.int64)


def _compat() -> Any:
    import array_api_compat.dask.array.linalg as compat

    return compat


def namespace() -> types.ModuleType:
    """array-api-compat's dask ``linalg`` with the functions above added."""
    import array_api_compat.dask.array.linalg as compat

    module = types.ModuleType("autodiff_dask_namespace.linalg", __doc__)
    module.__dict__.update({name: value for name, value in vars(compat).items()
                            if not name.startswith("__")})
    module.__dict__.update(
        __getattr__=lambda name: getattr(compat, name),
        det=det, slogdet=slogdet, eigh=eigh, eigvalsh=eigvalsh, eig=eig, eigvals=eigvals,
        pinv=pinv, matrix_power=matrix_power, cross=cross, inv=inv, cholesky=cholesky,
        solve=solve, qr=qr, matrix_rank=matrix_rank, svd=svd, svdvals=svdvals,
        EighResult=EighResult, SlogdetResult=SlogdetResult, QRResult=QRResult, SVDResult=SVDResult,
    )
    return module
