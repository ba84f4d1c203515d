"""Inverses and determinants: inv, solve, det, slogdet, pinv, cholesky, matrix_power and
matrix_rank. The rules are the standard closed forms (Giles 2008; PyTorch's FunctionsManual),
batched over leading axes and written for complex inputs too, with ``x^H`` where a real
formula has ``x^T``. Inverses are applied through ``solve``, not formed, where the formula
allows. At a singular matrix only ``det`` has a gradient (the cofactor matrix, by the SVD).
"""

from __future__ import annotations

import operator
from typing import Any

from .._device import device_of
from .._primitive import Op, primitive
from .._tensor import Tensor
from ._linalg_util import (
    SlogdetResult,
    batch_of_vectors,
    check_matrix,
    column,
    conjugate,
    diagonal_of,
    eye_mask,
    identity,
    mH,
    reworded,
    row,
    run,
    run_forward,
    scaled_identity,
    tensor_xp,
)
from ._multi import Layout, multi_output
from .datatypes import astype
from .elementwise import where
from .linalg import matmul
from .linalg_diag import diagonal, trace
from .manipulation import broadcast_shapes

__all__ = ["cholesky", "det", "inv", "matrix_power", "matrix_rank", "pinv", "slogdet", "solve"]
NOT_METHODS = tuple(__all__)


# -- inv, solve ---------------------------------------------------------------------------
# The rules are written against ``xp`` (a backend's namespace on arrays, autodiff's on
# tensors; see _rules). Their solves go through the solve primitive (``xp.prim.solve``),
# whose forward broadcasts the batch axes and raises our LinAlgError.
def _solve_rule(xp: Any, a: Any, b: Any) -> Any:
    """``a^-1 b`` for a batch of matrices b, in a rule."""
    return xp.prim.solve(a, b, vector=False)


_inv: Op = primitive(
    "inv", torch_name="LinalgInvEx",
    forward=lambda xp, x: xp.linalg.inv(x),
    vjp=lambda xp, g, ans, _x: -xp.matmul(xp.matmul(mH(xp, ans), g), mH(xp, ans)),
    jvp=lambda tangents, ans, x: -matmul(matmul(ans, tangents[0]), ans),
    namespace="autodiff.linalg",
)


def inv(x: Tensor, /) -> Tensor:
    """The inverse of each square matrix in ``x``.

    >>> import autodiff as ad
    >>> ad.linalg.inv(ad.tensor([[2.0, 0.0], [0.0, 4.0]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    check_matrix("inv", x, square=True)
    return run("inv", x, lambda: _inv(x))


def _solve_b_vjp(xp: Any, g: Any, _ans: Any, a: Any, _b: Any, vector: bool) -> Any:
    if vector:
        return _solve_rule(xp, mH(xp, a), column(xp, g))[..., 0]
    return _solve_rule(xp, mH(xp, a), g)


def _solve_a_vjp(xp: Any, g: Any, ans: Any, a: Any, _b: Any, vector: bool) -> Any:
    gb = _solve_b_vjp(xp, g, None, a, None, vector=vector)
    if vector:
        return -column(xp, gb) * row(xp, conjugate(xp, ans))
    return -xp.matmul(gb, mH(xp, ans))


def _solve_jvp(tangents: tuple[Any, ...], ans: Tensor, a: Tensor, b: Tensor,
               vector: bool) -> Tensor:
    # d(a^-1 b) = a^-1 (db - da x), with a vector b handled as one column
    da, db = tangents
    xp = tensor_xp()
    x = column(xp, ans) if vector else ans
    rhs = None if db is None else (column(xp, db) if vector else db)
    if da is not None:
        change = -matmul(da, x)
        rhs = change if rhs is None else rhs + change
    out = _solve(a, rhs, vector=False)  # type: ignore[arg-type] # one tangent at least
    return out[..., 0] if vector else out


def _solve_forward(xp: Any, a: Any, b: Any, vector: bool) -> Any:
    # broadcast the batch axes here: the standard asks the library to, but cupy's
    # solve refuses batches of different shapes
    if not vector and a.shape[:-2] != b.shape[:-2]:
        batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a = xp.broadcast_to(a, batch + a.shape[-2:])
        b = xp.broadcast_to(b, batch + b.shape[-2:])
    return run_forward(xp, "solve", lambda: xp.linalg.solve(a, b))


_solve_primitive: Op = primitive(
    "solve", torch_name="LinalgSolveEx",
    forward=_solve_forward,
    vjp=(_solve_a_vjp, _solve_b_vjp),
    jvp=_solve_jvp,
    namespace="autodiff.linalg",
)


def _solve(a: Tensor, b: Tensor, vector: bool) -> Tensor:
    return _solve_primitive(a, b, vector=vector)  # its forward raises our LinAlgError


def _broadcast_batch(op: str, first: tuple[int, ...], second: tuple[int, ...]) -> None:
    for p, q in zip(reversed(first), reversed(second), strict=False):
        if p != q and 1 not in (p, q):
            raise ValueError(f"linalg.{op}: batch shapes {first} and {second} do not broadcast")


def solve(x1: Tensor, x2: Tensor, /) -> Tensor:
    """The solution X of ``x1 @ X = x2``: x2 is a vector when 1-D (or a batch of them where
    only PyTorch's reading fits), else a batch of matrices broadcasting against x1.

    >>> import autodiff as ad
    >>> ad.linalg.solve(ad.tensor([[2.0, 0.0], [0.0, 4.0]]), ad.tensor([1.0, 1.0]))
    tensor([0.5000, 0.2500])
    """
    check_matrix("solve", x1, square=True, name="x1")
    if not isinstance(x2, Tensor) or x2.ndim == 0:
        raise ValueError(f"linalg.solve: expected x2 to be a vector or a batch of matrices, "
                         f"got {getattr(x2, 'shape', type(x2).__name__)}")
    vector = x2.ndim == 1
    if batch_of_vectors(x1, x2):  # PyTorch's reading, where the standard's does not fit
        return _solve(x1, x2[..., None], False)[..., 0]
    size = x2.shape[0] if vector else x2.shape[-2]
    if size != x1.shape[-1]:
        raise ValueError(f"linalg.solve: x1 of shape {x1.shape} and x2 of shape {x2.shape} "
                         f"are incompatible ({x1.shape[-1]} != {size})")
    if not vector:
        _broadcast_batch("solve", x1.shape[:-2], x2.shape[:-2])
    return _solve(x1, x2, vector)


# -- det, slogdet -------------------------------------------------------------------------
def _products_of_others(xp: Any, s: Any) -> Any:
    """``p[..., i] = prod(s[..., j] for j != i)``, without dividing (s may hold zeros)."""
    n = s.shape[-1]
    others = xp.where(eye_mask(xp, s), 1.0, row(xp, s))  # row i: s with s_i replaced by 1
    product = others[..., 0]
    for j in range(1, n):
        product = product * others[..., j]
    return product


def _det_derivative_conj(xp: Any, x: Any, det_x: Any) -> Any:
    """conj(d det / dx) = conj(det(x)) x^-H, the conjugated cofactor matrix. At a
    singular matrix x^-H does not exist but the cofactors do:
    with x = U diag(s) Vh they are det(U) det(Vh) conj(U diag(p) Vh), p_i the product
    of the other singular values."""
    # A branch on values (the rules otherwise have none): the solve fails at a singular
    # matrix, and the SVD everywhere would cost more and round differently.
    if not bool(xp.any(det_x == 0)):
        return _solve_rule(xp, mH(xp, x), scaled_identity(xp, conjugate(xp, det_x), x.shape[-1]))
    from ._multi import unpack
    from .linalg_spectral import svd_layout

    layout = svd_layout(x.shape, full_matrices=False)
    u, s, vh = unpack(xp, xp.prim.svd(x, layout=layout, full_matrices=False), layout)
    phase = conjugate(xp, xp.prim.det(u) * xp.prim.det(vh))
    return xp.matmul(u * row(xp, column(xp, phase) * _products_of_others(xp, s)), vh)


_det: Op = primitive(
    "det", torch_name="LinalgDet",
    forward=lambda xp, x: xp.linalg.det(x),
    vjp=lambda xp, g, ans, x: column(xp, column(xp, g)) * _det_derivative_conj(xp, x, ans),
    jvp=lambda tangents, ans, x: _det_jvp(tensor_xp(), tangents[0], ans, x),
    namespace="autodiff.linalg",
)


def _det_jvp(xp: Any, dx: Tensor, ans: Tensor, x: Tensor) -> Tensor:
    return xp.sum(conjugate(xp, _det_derivative_conj(xp, x, ans)) * dx,
                  axis=(-2, -1))


def det(x: Tensor, /) -> Tensor:
    """The determinant of each square matrix in ``x``.

    >>> import autodiff as ad
    >>> ad.linalg.det(ad.tensor([[2.0, 1.0], [1.0, 3.0]]))
    tensor(5.)
    """
    check_matrix("det", x, square=True)
    return _det(x)


def _slogdet_vjp(xp: Any, grads: tuple[Any, ...], outs: tuple[Any, ...], x: Any) -> Any:
    g_sign, g_log = grads
    scale = g_log
    if xp.isdtype(x.dtype, "complex floating"):  # the sign moves along the unit circle
        scale = xp.prim.complex(g_log, xp.imag(g_sign * xp.conj(outs[0])))
    return reworded(
        "slogdet", lambda: _solve_rule(xp, mH(xp, x), scaled_identity(xp, scale, x.shape[-1])),
        "the matrix is singular: log|det| is -inf there, without a gradient")


def _slogdet_jvp(tangent: Tensor, outs: tuple[Tensor, ...], x: Tensor) -> tuple[Tensor, ...]:
    change = trace(_solve(x, tangent, vector=False))  # tr(x^-1 dx)
    if not x.dtype.is_complex:
        return 0.0 * outs[0], change
    xp = tensor_xp()
    return outs[0] * xp.prim.complex(0.0 * xp.real(change), xp.imag(change)), xp.real(change)


_slogdet = multi_output(
    "slogdet", torch_name="LinalgSlogdet",
    forward=lambda xp, x: tuple(xp.linalg.slogdet(x)),
    vjp=_slogdet_vjp, jvp=_slogdet_jvp, namespace="autodiff.linalg",
)


def slogdet(x: Tensor, /) -> SlogdetResult:
    """The sign and the natural log of the absolute value of each determinant in ``x``
    (a complex sign on the unit circle for complex input); finite where ``det`` would
    overflow.

    >>> import autodiff as ad
    >>> ad.linalg.slogdet(ad.tensor([[-2.0, 0.0], [0.0, 3.0]]))
    SlogdetResult(sign=tensor(-1.), logabsdet=tensor(1.7918))
    """
    check_matrix("slogdet", x, square=True)
    layout = Layout(x.shape[:-2], ((), ()), (False, True))
    return SlogdetResult(*_slogdet(x, layout))


# -- pinv, matrix_rank --------------------------------------------------------------------
def _projectors(xp: Any, x: Any, p: Any) -> tuple[Any, Any]:
    """``I - x p`` and ``I - p x``, p the pseudo-inverse of x."""
    xp_, px = xp.matmul(x, p), xp.matmul(p, x)
    return (identity(xp, diagonal_of(xp, xp_)) - xp_,
            identity(xp, diagonal_of(xp, px)) - px)


def _pinv_vjp(xp: Any, g: Any, ans: Any, x: Any, rtol: Any) -> Any:
    """The transpose of the derivative of the pseudo-inverse (Golub and Pereyra 1973),
    valid where the rank does not change."""
    p, ph, gh = ans, mH(xp, ans), mH(xp, g)
    left, right = _projectors(xp, x, p)
    mm = xp.matmul
    return (-mm(mm(ph, g), ph) + mm(mm(left, gh), mm(p, ph)) + mm(mm(ph, p), mm(gh, right)))


def _pinv_jvp(tangents: tuple[Any, ...], ans: Tensor, x: Tensor, rtol: Any) -> Tensor:
    xp = tensor_xp()
    dx = tangents[0]
    p, ph, dxh = ans, mH(xp, ans), mH(xp, dx)
    left, right = _projectors(xp, x, p)
    return (-matmul(matmul(p, dx), p) + matmul(matmul(p, ph), matmul(dxh, left))
            + matmul(matmul(right, dxh), matmul(ph, p)))


_pinv: Op = primitive(
    "pinv", torch_name="LinalgPinv",
    forward=lambda xp, x, rtol: xp.linalg.pinv(x, rtol=rtol),
    vjp=_pinv_vjp, jvp=_pinv_jvp,
    namespace="autodiff.linalg",
)


def pinv(x: Tensor, /, *, rtol: float | None = None) -> Tensor:
    """The Moore-Penrose pseudo-inverse; singular values below ``rtol`` times the
    largest count as zero. Its gradient assumes the rank is locally constant.

    >>> import autodiff as ad
    >>> ad.linalg.pinv(ad.tensor([[1.0, 0.0], [0.0, 0.0]]))
    tensor([[1., 0.],
            [0., 0.]])
    """
    check_matrix("pinv", x)
    return _pinv(x, rtol=None if rtol is None else float(rtol))


_matrix_rank: Op = primitive(
    "matrix_rank",  # an empty matrix has no singular value (a library's max raises): rank 0
    forward=lambda xp, x, rtol: xp.zeros(x.shape[:-2], dtype=xp.int64, device=device_of(x))
    if 0 in x.shape[-2:] else xp.linalg.matrix_rank(x, rtol=rtol),
    namespace="autodiff.linalg",
)


def matrix_rank(x: Tensor, /, *, rtol: float | None = None) -> Tensor:
    """The number of singular values above ``rtol`` times the largest (an integer
    tensor, without gradient).

    >>> import autodiff as ad
    >>> ad.linalg.matrix_rank(ad.tensor([[1.0, 2.0], [2.0, 4.0]]))
    tensor(1)
    """
    check_matrix("matrix_rank", x)
    return _matrix_rank(x, rtol=None if rtol is None else float(rtol))


# -- cholesky -----------------------------------------------------------------------------
def _symmetric_part(xp: Any, m: Any) -> Any:
    """Phi^-1 of Murray (2016): the Hermitian matrix whose lower triangle, with a halved
    diagonal, is the lower triangle of ``m``."""
    lower = xp.tril(m)
    return 0.5 * (lower + mH(xp, xp.tril(m, k=-1)))


def _cholesky_vjp(xp: Any, g: Any, ans: Any, _x: Any, upper: bool) -> Any:
    low, g_low = (mH(xp, ans), mH(xp, g)) if upper else (ans, g)
    inner = _symmetric_part(xp, xp.matmul(mH(xp, low), g_low))
    left = _solve_rule(xp, mH(xp, low), inner)  # L^-H inner
    return mH(xp, _solve_rule(xp, mH(xp, low), mH(xp, left)))  # L^-H inner L^-1


def _cholesky_jvp(tangents: tuple[Any, ...], ans: Tensor, x: Tensor, upper: bool) -> Tensor:
    xp = tensor_xp()
    low = mH(xp, ans) if upper else ans
    half = _solve(low, tangents[0], vector=False)  # L^-1 dx
    inner = mH(xp, _solve(low, mH(xp, half), vector=False))  # L^-1 dx L^-H
    diagonal_half = where(eye_mask(xp, diagonal_of(xp, inner)), 0.5 * inner, 0.0)
    change = matmul(low, xp.tril(inner, k=-1) + diagonal_half)
    return mH(xp, change) if upper else change


_cholesky: Op = primitive(
    "cholesky", torch_name="LinalgCholeskyEx",
    forward=lambda xp, x, upper: xp.linalg.cholesky(x, upper=upper),
    vjp=_cholesky_vjp, jvp=_cholesky_jvp,
    namespace="autodiff.linalg",
)


def cholesky(x: Tensor, /, *, upper: bool = False) -> Tensor:
    """The Cholesky factor L (``L @ L^H == x``) of each Hermitian positive-definite
    matrix, or the upper factor ``L^H`` with ``upper=True``. Only the lower triangle of
    x is read; its gradient is the symmetric one (both triangles).

    >>> import autodiff as ad
    >>> ad.linalg.cholesky(ad.tensor([[4.0, 2.0], [2.0, 5.0]]))
    tensor([[2., 0.],
            [1., 2.]])
    """
    check_matrix("cholesky", x, square=True)
    return run("cholesky", x, lambda: _cholesky(x, upper=bool(upper)))


# -- matrix_power -------------------------------------------------------------------------
def matrix_power(x: Tensor, n: int, /) -> Tensor:
    """``x`` multiplied by itself ``n`` times (``n < 0``: its inverse's power; ``n = 0``:
    the identity, with a zero gradient), by repeated squaring in numpy's order.

    >>> import autodiff as ad
    >>> ad.linalg.matrix_power(ad.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    check_matrix("matrix_power", x, square=True)
    try:
        power = operator.index(n)
    except TypeError:
        raise TypeError(f"linalg.matrix_power: expected an integer exponent, got "
                        f"{type(n).__name__}") from None
    if power == 0:  # the identity; where() keeps x in the graph, with a zero gradient
        eye = identity(tensor_xp(), diagonal(x))
        return where(eye == eye, eye, x)
    base = inv(x) if power < 0 else x
    power = abs(power)
    if power == 1:
        return astype(base, base.dtype) if base is x else base
    if power in (2, 3):
        squared = matmul(base, base)
        return squared if power == 2 else matmul(squared, base)
    result: Tensor | None = None
    square: Tensor | None = None
    while power > 0:
        square = base if square is None else matmul(square, square)
        power, bit = divmod(power, 2)
        if bit:
            result = square if result is None else matmul(result, square)
    assert result is not None
    return result


METHODS: dict[str, Any] = {"det": det, "inverse": inv, "pinverse": pinv,
                           "matrix_power": matrix_power, "slogdet": slogdet,
                           "cholesky": cholesky}
