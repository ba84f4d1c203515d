"""Factorizations: eigh, qr, svd (multi-output primitives, see ``_multi``), the value-only
eigvalsh and svdvals, and matrix_norm built on them.

The rules are PyTorch's (FunctionsManual.cpp: linalg_eig_backward, linalg_qr_backward,
svd_backward and their jvps). Where they divide by ``λ_j - λ_i`` or ``s_j² - s_i²``
they are undefined for repeated eigenvalues or singular values: the loss must not
depend on the choice of basis of an eigenspace. Singular vectors and the eigenvectors
of complex matrices are fixed only up to a phase (a sign for real ones); a loss that
depends on that choice has no gradient, and the rules do not check for it.
"""

from __future__ import annotations

import math
from typing import Any

from .._mode import is_grad_enabled
from .._primitive import Op, primitive
from .._tensor import Tensor
from ._linalg_util import (
    EighResult,
    QRResult,
    SVDResult,
    check_matrix,
    column,
    diag_embed,
    diagonal_of,
    eye_mask,
    mH,
    real_part,
    row,
    tensor_xp,
)
from ._multi import Layout, multi_output
from .elementwise import abs as abs_
from .linalg import vector_norm
from .manipulation import expand_dims
from .reductions import sum as sum_

__all__ = ["eigh", "eigvalsh", "matrix_norm", "qr", "svd", "svdvals"]
NOT_METHODS = tuple(__all__)


# The vjp rules, and the helpers they share with the jvp rules, are written against
# ``xp`` (a backend's namespace on arrays, autodiff's on tensors; see _rules): the jvp
# rules, which run on tensors only, pass autodiff's (``tensor_xp()``).
def _gaps(xp: Any, values: Any) -> Any:
    """``E[..., i, j] = values_j - values_i`` off the diagonal, ones on it."""
    gaps = row(xp, values) - column(xp, values)
    return xp.where(eye_mask(xp, values), 1.0, gaps)


def _divide(xp: Any, num: Any, den: Any) -> Any:
    """num / den, except 0 where both are 0: a cotangent or tangent that is zero (an
    output that was not used) contributes nothing even at a repeated eigenvalue or a
    zero singular value, as an undefined gradient does in PyTorch; elsewhere the
    quotient is exact (and inf where only den is 0: the gradient does not exist)."""
    return num / xp.where((den == 0) & (num == 0), 1.0, den)


def _off_diagonal(xp: Any, m: Any) -> Any:
    return xp.where(eye_mask(xp, diagonal_of(xp, m)), 0.0, m)


def _right_solve(xp: Any, b: Any, a: Any) -> Any:
    """``b @ a^-1``, through a solve."""
    return mH(xp, xp.prim.solve(mH(xp, a), mH(xp, b), vector=False))


def _is_complex(xp: Any, x: Any) -> bool:
    return bool(xp.isdtype(x.dtype, "complex floating"))


# -- eigh ---------------------------------------------------------------------------------
def _eigh_vjp(xp: Any, grads: tuple[Any, ...], outs: tuple[Any, ...], _x: Any) -> Any:
    g_values, g_vectors = grads
    values, vectors = outs
    inner = xp.matmul(mH(xp, vectors), g_vectors)
    inner = 0.5 * (inner - mH(xp, inner))  # onto the skew-Hermitian matrices
    inner = (_off_diagonal(xp, _divide(xp, inner, _gaps(xp, values)))
             + diag_embed(xp, g_values))
    return xp.matmul(xp.matmul(vectors, inner), mH(xp, vectors))


def _eigh_jvp(tangent: Tensor, outs: tuple[Tensor, ...], x: Tensor) -> tuple[Tensor, ...]:
    xp = tensor_xp()
    values, vectors = outs
    inner = xp.matmul(xp.matmul(mH(xp, vectors), tangent), vectors)
    return (real_part(xp, diagonal_of(xp, inner)),
            xp.matmul(vectors, _off_diagonal(xp, _divide(xp, inner, _gaps(xp, values)))))


_eigh = multi_output(
    "eigh", torch_name="LinalgEigh",
    forward=lambda xp, x: tuple(xp.linalg.eigh(x)),
    vjp=_eigh_vjp, jvp=_eigh_jvp, namespace="autodiff.linalg",
)
_eigvalsh: Op = primitive(
    "eigvalsh", forward=lambda xp, x: xp.linalg.eigvalsh(x), namespace="autodiff.linalg")


def eigh(x: Tensor, /) -> EighResult:
    """The eigenvalues (ascending, real) and orthonormal eigenvectors (columns) of each
    Hermitian matrix in ``x``; only its lower triangle is read.

    >>> import autodiff as ad
    >>> ad.linalg.eigh(ad.tensor([[2.0, 1.0], [1.0, 2.0]])).eigenvalues
    tensor([1., 3.])
    """
    check_matrix("eigh", x, square=True)
    n = x.shape[-1]
    return EighResult(*_eigh(x, Layout(x.shape[:-2], ((n,), (n, n)), (True, False))))


def _needs_grad(x: Tensor) -> bool:
    """True when a gradient or a forward-mode tangent of the result is wanted."""
    return (x.requires_grad and is_grad_enabled()) or bool(x._tangents)


def eigvalsh(x: Tensor, /) -> Tensor:
    """The eigenvalues of each Hermitian matrix in ``x``, ascending. Its gradient needs
    the eigenvectors, so when one is needed this computes ``eigh``.

    >>> import autodiff as ad
    >>> ad.linalg.eigvalsh(ad.tensor([[2.0, 1.0], [1.0, 2.0]]))
    tensor([1., 3.])
    """
    check_matrix("eigvalsh", x, square=True)
    return eigh(x).eigenvalues if _needs_grad(x) else _eigvalsh(x)


# -- qr -----------------------------------------------------------------------------------
def _qr_vjp(xp: Any, grads: tuple[Any, ...], outs: tuple[Any, ...], x: Any,
            mode: str) -> Any:
    g_q, g_r = grads
    q, r = outs
    m, n = x.shape[-2], x.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                           "and nrows > ncols.")
    inner = xp.matmul(g_r, mH(xp, r)) - xp.matmul(mH(xp, q), g_q)
    if m >= n:
        upper = xp.triu(inner)
        upper = upper + mH(xp, upper)
        upper = upper - diag_embed(xp, 0.5 * real_part(xp, diagonal_of(xp, upper)))
        return _right_solve(xp, xp.matmul(q, upper) + g_q, mH(xp, r))
    lower = xp.tril(mH(xp, inner) - inner)
    if _is_complex(xp, lower):
        half = 0.5 * xp.imag(diagonal_of(xp, lower))
        lower = lower - diag_embed(xp, xp.prim.complex(0.0 * half, half))
    square = _right_solve(xp, xp.matmul(q, lower), mH(xp, r[..., :m]))
    # square @ eye(m, n): the m by m block padded with zero columns
    padded = xp.concat([square, xp.zeros_like(r[..., m:])], axis=-1)
    return padded + xp.matmul(q, g_r)


def _qr_square_jvp(xp: Any, da: Tensor, q: Tensor, r: Tensor) -> tuple[Tensor, Tensor]:
    """dQ and dR R^-1 for a tall or square block: with C = Q^H dA R^-1, dR R^-1 is the
    upper triangle of C + C^H with its real diagonal halved."""
    dx = _right_solve(xp, da, r)
    c = xp.matmul(mH(xp, q), dx)
    upper = xp.triu(c + mH(xp, c))
    upper = upper - diag_embed(xp, 0.5 * real_part(xp, diagonal_of(xp, upper)))
    return dx - xp.matmul(q, upper), upper


def _qr_jvp(tangent: Tensor, outs: tuple[Tensor, ...], x: Tensor,
            mode: str) -> tuple[Tensor, ...]:
    xp = tensor_xp()
    q, r = outs
    m, n = x.shape[-2], x.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                           "and nrows > ncols.")
    if m >= n:
        dq, upper = _qr_square_jvp(xp, tangent, q, r)
        return dq, xp.matmul(upper, r)
    square, rest = r[..., :m], r[..., m:]
    dq, upper = _qr_square_jvp(xp, tangent[..., :m], q, square)
    d_rest = xp.matmul(mH(xp, q), tangent[..., m:] - xp.matmul(dq, rest))
    # the m by m block's change, then the rest's: dR = [dR_square, d_rest]
    return dq, xp.concat([xp.matmul(upper, square), d_rest], axis=-1)


_qr = multi_output(
    "qr", torch_name="LinalgQr",
    forward=lambda xp, x, mode: tuple(xp.linalg.qr(x, mode=mode)),
    vjp=_qr_vjp, jvp=_qr_jvp, namespace="autodiff.linalg",
)


def qr(x: Tensor, /, *, mode: str = "reduced") -> QRResult:
    """The QR factorization of each matrix in ``x``: Q with orthonormal columns and R
    upper triangular; ``mode="complete"`` makes Q square. Differentiable except for
    ``mode="complete"`` with more rows than columns (as in PyTorch).

    >>> import autodiff as ad
    >>> ad.linalg.qr(ad.tensor([[3.0], [4.0]])).R
    tensor([[-5.]])
    """
    check_matrix("qr", x)
    if mode not in ("reduced", "complete"):
        raise ValueError(f"linalg.qr: mode must be 'reduced' or 'complete', got {mode!r}")
    m, n = x.shape[-2], x.shape[-1]
    k = m if mode == "complete" else min(m, n)
    layout = Layout(x.shape[:-2], ((m, k), (k, n)), (False, False))
    return QRResult(*_qr(x, layout, mode=mode))


# -- svd ----------------------------------------------------------------------------------
def _svd_vjp(xp: Any, grads: tuple[Any, ...], outs: tuple[Any, ...], x: Any,
             full_matrices: bool) -> Any:
    g_u, g_s, g_vh = grads
    u, s, vh = outs
    m, n = x.shape[-2], x.shape[-1]
    k = s.shape[-1]
    if full_matrices:  # the extra columns of U and rows of Vh carry no information
        u, g_u, vh, g_vh = u[..., :k], g_u[..., :k], vh[..., :k, :], g_vh[..., :k, :]
    mm = xp.matmul
    uhgu = mm(mH(xp, u), g_u)
    uhgu = uhgu - mH(xp, uhgu)
    vhgv = mm(vh, mH(xp, g_vh))
    vhgv = vhgv - mH(xp, vhgv)
    inner = _off_diagonal(xp, _divide(xp, uhgu * row(xp, s) + column(xp, s) * vhgv,
                                      _gaps(xp, s * s)))
    inner = inner + diag_embed(xp, g_s)
    if _is_complex(xp, x):
        inner = inner + diag_embed(xp, _divide(xp, diagonal_of(xp, uhgu), 2.0 * s))
    if m > n:
        scaled = _divide(xp, g_u, row(xp, s))
        rest = scaled - mm(u, mm(mH(xp, u), scaled))
        return mm(mm(u, inner) + rest, vh)
    if m < n:
        scaled = _divide(xp, g_vh, column(xp, s))
        rest = scaled - mm(mm(scaled, mH(xp, vh)), vh)
        return mm(u, mm(inner, vh) + rest)
    return mm(mm(u, inner), vh)


def _svd_jvp(tangent: Tensor, outs: tuple[Tensor, ...], x: Tensor,
             full_matrices: bool) -> tuple[Tensor, ...]:
    xp = tensor_xp()
    mm = xp.matmul
    u, s, vh = outs
    m, n = x.shape[-2], x.shape[-1]
    if full_matrices and m != n:
        raise RuntimeError("linalg.svd: the forward derivative of the full factorization of "
                           "a non-square matrix is not defined (its extra singular vectors "
                           "are arbitrary); use full_matrices=False")
    v = mH(xp, vh)
    inner = mm(mm(mH(xp, u), tangent), v)
    ds = real_part(xp, diagonal_of(xp, inner))
    gaps = _gaps(xp, s * s)
    omega_u = _off_diagonal(xp, _divide(xp, inner * row(xp, s) + column(xp, s) * mH(xp, inner),
                                        gaps))
    omega_v = _off_diagonal(xp, _divide(xp, column(xp, s) * inner + mH(xp, inner) * row(xp, s),
                                        gaps))
    if x.dtype.is_complex:  # the phase of each pair goes to U
        omega_u = omega_u + diag_embed(xp, xp.prim.complex(
            0.0 * ds, _divide(xp, xp.imag(diagonal_of(xp, inner)), s)))
    du, dv = mm(u, omega_u), mm(v, omega_v)
    if m > n:
        projected = _divide(xp, mm(tangent, v), row(xp, s))
        du = du + projected - mm(u, mm(mH(xp, u), projected))
    if m < n:
        projected = _divide(xp, mm(mH(xp, tangent), u), row(xp, s))
        dv = dv + projected - mm(v, mm(vh, projected))
    return du, ds, mH(xp, dv)


_svd = multi_output(
    "svd", torch_name="LinalgSvd",
    forward=lambda xp, x, full_matrices: tuple(xp.linalg.svd(x, full_matrices=full_matrices)),
    vjp=_svd_vjp, jvp=_svd_jvp, namespace="autodiff.linalg",
)
_svdvals: Op = primitive(
    "svdvals", forward=lambda xp, x: xp.linalg.svdvals(x), namespace="autodiff.linalg")


def svd(x: Tensor, /, *, full_matrices: bool = True) -> SVDResult:
    """The singular value decomposition ``x = U diag(S) Vh`` of each matrix, singular
    values descending; ``full_matrices=False`` keeps only min(m, n) singular vectors.

    >>> import autodiff as ad
    >>> ad.linalg.svd(ad.tensor([[3.0, 0.0], [0.0, -4.0]])).S
    tensor([4., 3.])
    """
    check_matrix("svd", x)
    layout = svd_layout(x.shape, bool(full_matrices))
    return SVDResult(*_svd(x, layout, full_matrices=bool(full_matrices)))


def svd_layout(shape: tuple[int, ...], full_matrices: bool) -> Layout:
    """Where U, S and Vh of matrices of ``shape`` sit in the svd primitive's output."""
    m, n = shape[-2], shape[-1]
    k = min(m, n)
    shapes = ((m, m), (k,), (n, n)) if full_matrices else ((m, k), (k,), (k, n))
    return Layout(tuple(shape[:-2]), shapes, (False, True, False))


def svdvals(x: Tensor, /) -> Tensor:
    """The singular values of each matrix, descending. Its gradient needs the singular
    vectors, so when one is needed this computes ``svd``.

    >>> import autodiff as ad
    >>> ad.linalg.svdvals(ad.tensor([[3.0, 0.0], [0.0, -4.0]]))
    tensor([4., 3.])
    """
    check_matrix("svdvals", x)
    return svd(x, full_matrices=False).S if _needs_grad(x) else _svdvals(x)


# -- matrix_norm --------------------------------------------------------------------------
def matrix_norm(x: Tensor, /, *, keepdims: bool = False, ord: Any = "fro") -> Tensor:
    """The ``ord`` norm of each matrix: ``"fro"`` (default), ``"nuc"`` (sum of singular
    values), 2 / -2 (largest / smallest singular value), 1 / -1 (largest / smallest
    column sum of absolute values), inf / -inf (the same over rows).

    >>> import autodiff as ad
    >>> ad.linalg.matrix_norm(ad.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=1)
    tensor(6.)
    """
    check_matrix("matrix_norm", x)
    if ord == "fro":
        return vector_norm(x, axis=(-2, -1), keepdims=keepdims)
    if ord == "nuc":
        result = sum_(svdvals(x), axis=-1)
    elif ord in (2, -2):
        values = svdvals(x)
        result = values[..., 0] if ord == 2 else values[..., -1]
    elif ord in (1, -1, math.inf, -math.inf):
        axis = -2 if ord in (1, -1) else -1
        sums = sum_(abs_(x), axis=axis)
        result = vector_norm(sums, axis=-1, ord=math.inf if ord > 0 else -math.inf)
    else:
        raise ValueError(f"linalg.matrix_norm: unsupported ord {ord!r}; expected 'fro', 'nuc', "
                         "1, -1, 2, -2, inf or -inf")
    if keepdims:
        result = expand_dims(expand_dims(result, axis=-1), axis=-1)
    return result

