"""The LU factorization with partial pivoting: lu_factor (LAPACK's packed LU and 1-based
pivots), lu (P, L, U) and lu_solve, with PyTorch's gradient (linalg_lu_backward).

The standard has no LU. The forward here is the textbook elimination written against
the standard namespace (a row swap and a rank-one update per column, the pivot the
first largest entry as LAPACK's getrf takes it), so it runs on every backend; it costs
min(m, n) passes over the matrix, which is fine for the small matrices autodiff
differentiates through. The primitive's packed output holds the LU factors and the
pivots (as floats; they are small integers, exact in any float dtype).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .._tensor import Tensor
from ._linalg_util import check_matrix, column, mH, row, tensor_xp
from ._multi import Layout, multi_output
from .linalg import matmul

__all__ = ["lu", "lu_factor", "lu_solve"]
NOT_METHODS = tuple(__all__)


class LUFactorResult(NamedTuple):
    LU: Tensor
    pivots: Tensor


class LUResult(NamedTuple):
    P: Tensor
    L: Tensor
    U: Tensor


def _positions(xp: Any, like: Any) -> Any:
    """0, 1, ..., as int64, along the last axis of ``like``, in its place."""
    return xp.cumulative_sum(xp.ones_like(like, dtype=xp.int64), axis=-1) - 1


def _row_positions(xp: Any, a: Any) -> Any:
    """The row indices of the matrices in ``a``, shape (*, m) (also with no columns)."""
    return _positions(xp, xp.sum(xp.zeros_like(a, dtype=xp.int64), axis=-1))


def _factor(xp: Any, x: Any) -> tuple[Any, Any]:
    m, n = x.shape[-2], x.shape[-1]
    a = x
    rows, cols = _row_positions(xp, a), _row_positions(xp, mH(xp, a))  # (*, m), (*, n)
    pivots = []
    for k in range(min(m, n)):
        p = xp.argmax(xp.abs(a[..., k:, k]), axis=-1) + k  # the first largest, as getrf
        pivots.append(p)
        row_k = a[..., k:k + 1, :]
        row_p = xp.take_along_axis(a, xp.broadcast_to(p[..., None, None], row_k.shape), axis=-2)
        at_k = column(xp, rows == k)
        at_p = column(xp, rows == p[..., None])
        a = xp.where(at_k, row_p, xp.where(at_p, row_k, a))
        pivot = a[..., k, k]
        singular = pivot == 0
        # a zero pivot leaves its column as it is (getrf goes on and reports it in info)
        factors = xp.where(column(xp, singular) | (rows <= k), 0.0,
                           a[..., :, k] / xp.where(singular, 1.0, pivot)[..., None])
        update = column(xp, factors) * a[..., k:k + 1, :]
        a = xp.where(row(xp, cols > k), a - update, a)
        a = xp.where(row(xp, cols == k) & column(xp, rows > k), column(xp, factors), a)
    if not pivots:  # no pivots for an empty matrix: (*, 0) in a's real dtype
        return a, xp.real(xp.sum(xp.zeros_like(a), axis=-1)[..., :0])
    stacked = xp.stack(pivots, axis=-1) + 1
    return a, xp.astype(stacked, xp.real(a[..., :1, 0]).dtype if xp.isdtype(
        a.dtype, "complex floating") else a.dtype)


def _permutation(xp: Any, pivots: Any, like: Any) -> Any:
    """The row order that the swaps of 1-based ``pivots`` make: A[order] = L U."""
    positions = _row_positions(xp, like)
    order = positions
    for i in range(pivots.shape[-1]):
        p = xp.astype(pivots[..., i:i + 1], xp.int64) - 1
        here, there = order[..., i:i + 1], xp.take_along_axis(order, p, axis=-1)
        order = xp.where(positions == i, there, xp.where(positions == p, here, order))
    return order


def _p_matrix(xp: Any, order: Any, like: Any) -> Any:
    """P with A = P L U: P[r, i] = 1 where order[i] = r, in ``like``'s dtype."""
    positions = _row_positions(xp, column(xp, order))
    return xp.astype(column(xp, positions) == row(xp, order), like.dtype)


def _split(xp: Any, lu_: Any) -> tuple[Any, Any]:
    m, n = lu_.shape[-2], lu_.shape[-1]
    k = min(m, n)
    unit = column(xp, _row_positions(xp, lu_)) == row(xp, _row_positions(xp, mH(xp, lu_[..., :k])))
    return xp.where(unit, 1.0, xp.tril(lu_[..., :, :k], k=-1)), xp.triu(lu_[..., :k, :])


def _solve_right(xp: Any, b: Any, a: Any) -> Any:
    """``b @ a^-1``."""
    return mH(xp, xp.prim.solve(mH(xp, a), mH(xp, b), vector=False))


def _lu_vjp(xp: Any, grads: tuple[Any, ...], outs: tuple[Any, ...], _x: Any) -> Any:
    # PyTorch's linalg_lu_backward, with gL and gU the packed cotangent's two triangles
    g_lu, _ = grads
    lu_, pivots = outs
    m, n = lu_.shape[-2], lu_.shape[-1]
    k = min(m, n)
    lower, upper = _split(xp, lu_)
    g_lower, g_upper = xp.tril(g_lu[..., :, :k], k=-1), xp.triu(g_lu[..., :k, :])
    if m == n:
        grad = (xp.tril(xp.matmul(mH(xp, lower), g_lower), k=-1)
                + xp.triu(xp.matmul(g_upper, mH(xp, upper))))
        grad = xp.prim.solve(mH(xp, lower), _solve_right(xp, grad, mH(xp, upper)), vector=False)
    elif m < n:
        grad = xp.matmul(mH(xp, lower), g_lower) - xp.matmul(g_upper, mH(xp, upper))
        grad = _solve_right(xp, xp.tril(grad, k=-1), mH(xp, upper[..., :k]))
        grad = xp.concat([grad + g_upper[..., :k], g_upper[..., k:]], axis=-1)
        grad = xp.prim.solve(mH(xp, lower), grad, vector=False)
    else:
        grad = xp.matmul(g_upper, mH(xp, upper)) - xp.matmul(mH(xp, lower), g_lower)
        grad = xp.prim.solve(mH(xp, lower[..., :k, :]), xp.triu(grad), vector=False)
        grad = xp.concat([grad + g_lower[..., :k, :], g_lower[..., k:, :]], axis=-2)
        grad = _solve_right(xp, grad, mH(xp, upper))
    order = _permutation(xp, pivots, lu_)
    return xp.matmul(_p_matrix(xp, order, grad), grad)


def _lu_jvp(tangent: Tensor, outs: tuple[Tensor, ...], x: Tensor) -> tuple[Tensor, ...]:
    # square: with P^T dA = dL U + L dU, X = L^-1 P^T dA U^-1 splits into L^-1 dL (strictly
    # lower) and dU U^-1 (upper)
    xp = tensor_xp()
    lu_, pivots = outs
    m, n = lu_.shape[-2], lu_.shape[-1]
    if m != n:
        raise NotImplementedError("linalg.lu_factor: forward mode is implemented for square "
                                  f"matrices only, got {m} by {n}")
    lower, upper = _split(xp, lu_)
    p = _p_matrix(xp, _permutation(xp, pivots, lu_), lu_)
    inner = _solve_right(xp, xp.prim.solve(lower, matmul(mH(xp, p), tangent), vector=False),
                         upper)
    d_lower = matmul(lower, xp.tril(inner, k=-1))
    d_upper = matmul(xp.triu(inner), upper)
    return xp.tril(d_lower, k=-1) + d_upper, pivots * 0


_lu = multi_output("lu_factor", torch_name="LinalgLuFactorEx", forward=_factor, vjp=_lu_vjp,
                   jvp=_lu_jvp, namespace="autodiff.linalg")


def lu_factor(x: Tensor, /, *, pivot: bool = True) -> LUFactorResult:
    """The LU factorization with partial pivoting, packed as LAPACK's getrf gives it:
    L's multipliers below the diagonal, U on and above it, and the 1-based row swaps
    (``pivots``, int32).

    >>> import autodiff as ad
    >>> ad.linalg.lu_factor(ad.tensor([[1.0, 2.0], [3.0, 4.0]])).pivots
    tensor([2, 2], dtype=autodiff.int32)
    """
    check_matrix("lu_factor", x)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented "
                           "(PyTorch has it on CUDA only)")
    m, n = x.shape[-2], x.shape[-1]
    packed, pivots = _lu(x, Layout(x.shape[:-2], ((m, n), (min(m, n),)), (False, True)))
    return LUFactorResult(packed, pivots.detach().astype("int32"))


def lu(x: Tensor, /, *, pivot: bool = True) -> LUResult:
    """``A = P L U``: P a permutation matrix, L unit lower triangular (m by k), U upper
    triangular (k by n), k = min(m, n).

    >>> import autodiff as ad
    >>> ad.linalg.lu(ad.tensor([[1.0, 2.0], [3.0, 4.0]])).U
    tensor([[3.0000, 4.0000],
            [0.0000, 0.6667]])
    """
    check_matrix("lu", x)
    packed, pivots = lu_factor(x, pivot=pivot)
    xp = tensor_xp()
    lower, upper = _split(xp, packed)
    order = _permutation(xp, pivots, packed)
    return LUResult(_p_matrix(xp, order, packed), lower, upper)


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, /, *, left: bool = True,
             adjoint: bool = False) -> Tensor:
    """X with ``A X = B`` from A's ``lu_factor`` (``X A = B`` when ``left=False``; A^H
    in place of A when ``adjoint``), through two triangular solves.

    >>> import autodiff as ad
    >>> A = ad.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> ad.linalg.lu_solve(*ad.linalg.lu_factor(A), ad.tensor([[5.0], [6.0]]))
    tensor([[-4.0000],
            [ 4.5000]])
    """
    from .linalg_extra import solve_triangular

    check_matrix("lu_solve", LU, square=True, name="LU")
    check_matrix("lu_solve", B, name="B")
    xp = tensor_xp()
    lower, upper = _split(xp, LU)
    p = _p_matrix(xp, _permutation(xp, pivots, LU), LU)

    def solve_a(rhs: Tensor) -> Tensor:  # A^-1 rhs with A = P L U
        y = solve_triangular(lower, matmul(mH(xp, p), rhs), upper=False, unitriangular=True)
        return solve_triangular(upper, y, upper=True)

    def solve_ah(rhs: Tensor) -> Tensor:  # A^-H rhs = P L^-H U^-H rhs
        y = solve_triangular(mH(xp, upper), rhs, upper=False)
        return matmul(p, solve_triangular(mH(xp, lower), y, upper=True, unitriangular=True))

    if left:
        return solve_ah(B) if adjoint else solve_a(B)
    # X A = B  <=>  A^H X^H = B^H
    return mH(xp, solve_a(mH(xp, B)) if adjoint else solve_ah(mH(xp, B)))
