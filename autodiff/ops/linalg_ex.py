"""PyTorch's ``_ex`` solvers and the tensor forms of inv and solve: lu_factor_ex and
solve_ex (results with LAPACK's ``info`` instead of an error), tensorinv and tensorsolve
(reshapes around inv and solve). Composites: gradients come from lu_factor, solve, inv.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from .._tensor import Tensor
from ._linalg_util import LinAlgError, check_matrix, settle, tensor_xp
from .linalg_lu import lu_factor
from .linalg_solve import inv, solve

__all__ = ["lu_factor_ex", "solve_ex", "tensorinv", "tensorsolve"]
NOT_METHODS = tuple(__all__)


class LUFactorExResult(NamedTuple):
    LU: Tensor
    pivots: Tensor
    info: Tensor


class SolveExResult(NamedTuple):
    result: Tensor
    info: Tensor


def _first_zero_pivot(packed: Tensor) -> Tensor:
    """LAPACK getrf's info: the 1-based index of U's first zero diagonal entry, else 0."""
    xp = tensor_xp()
    k = min(packed.shape[-2], packed.shape[-1])
    zero = xp.astype(xp.linalg.diagonal(packed.detach())[..., :k] == 0, xp.int32)
    if k == 0:
        return xp.astype(xp.sum(zero, axis=-1), xp.int32)
    first = xp.argmax(zero, axis=-1) + 1
    return xp.astype(xp.where(xp.any(zero != 0, axis=-1), first, 0), xp.int32)


def lu_factor_ex(x: Tensor, /, *, pivot: bool = True,
                 check_errors: bool = False) -> LUFactorExResult:
    """``lu_factor`` with LAPACK's ``info``: 0, or the 1-based index of the first zero
    pivot (the factors are still returned). ``check_errors=True`` raises there.

    >>> import autodiff as ad
    >>> ad.linalg.lu_factor_ex(ad.tensor([[1.0, 2.0], [2.0, 4.0]])).info
    tensor(2, dtype=autodiff.int32)
    """
    packed, pivots = lu_factor(x, pivot=pivot)
    info = _first_zero_pivot(packed)
    if check_errors and bool((info != 0).any()):
        raise LinAlgError("linalg.lu_factor_ex: the factorization failed because U has a zero "
                          "on its diagonal (the input is singular)")
    return LUFactorExResult(packed, pivots, info)


def solve_ex(a: Tensor, b: Tensor, /, *, left: bool = True,
             check_errors: bool = False) -> SolveExResult:
    """``solve`` with LAPACK's ``info`` (0, or the first zero pivot of a's LU) instead of
    an error for a singular ``a`` (whose result is then not finite). ``left=False``
    solves ``X a = b``.

    >>> import autodiff as ad
    >>> ad.linalg.solve_ex(ad.tensor([[2.0, 0.0], [0.0, 4.0]]), ad.tensor([1.0, 1.0])).result
    tensor([0.5000, 0.2500])
    """
    check_matrix("solve_ex", a, square=True, name="A")
    if not left:
        out = solve_ex(a.mT, b.mT, check_errors=check_errors)
        return SolveExResult(out.result.mT, out.info)
    try:
        result = settle("solve", solve(a, b))
        return SolveExResult(result, _first_zero_pivot(lu_factor(a.detach()).LU) * 0)
    except LinAlgError:
        if check_errors:
            raise
    from .joining import stack
    from .manipulation import broadcast_shapes, broadcast_to

    info = lu_factor_ex(a).info
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and tuple(b.shape) == tuple(a.shape[:-1]))
    rhs = b[..., None] if vector else b
    # each system apart: a singular one gives NaNs (LAPACK leaves garbage), the others solve
    batch = tuple(broadcast_shapes(a.shape[:-2], rhs.shape[:-2]))
    systems = broadcast_to(a, batch + tuple(a.shape[-2:])).reshape((-1, *a.shape[-2:]))
    sides = broadcast_to(rhs, batch + tuple(rhs.shape[-2:])).reshape((-1, *rhs.shape[-2:]))
    results = []
    for i in range(systems.shape[0]):
        try:
            results.append(settle("solve", solve(systems[i], sides[i])))
        except LinAlgError:
            results.append(sides[i] * math.nan)
    result = stack(results).reshape(batch + tuple(rhs.shape[-2:]))
    return SolveExResult(result[..., 0] if vector else result, info)


def tensorinv(x: Tensor, /, ind: int = 2) -> Tensor:
    """The inverse of ``x`` for ``tensordot`` over ``ind`` axes: of shape
    ``x.shape[ind:] + x.shape[:ind]`` (the products of both parts must agree).

    >>> import autodiff as ad
    >>> ad.linalg.tensorinv(ad.eye(4).reshape((4, 2, 2)), ind=1).shape
    (2, 2, 4)
    """
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = math.prod(x.shape[:ind]), math.prod(x.shape[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    return inv(x.reshape((rows, cols))).reshape(tuple(x.shape[ind:]) + tuple(x.shape[:ind]))


def tensorsolve(a: Tensor, b: Tensor, /, dims: Any = None) -> Tensor:
    """X with ``tensordot(a, X, X.ndim) = b``: of shape ``a.shape[b.ndim:]`` (after the
    axes ``dims`` of a move to the end).

    >>> import autodiff as ad
    >>> ad.linalg.tensorsolve(2 * ad.eye(4).reshape((2, 2, 4)), ad.ones(2, 2)).shape
    (4,)
    """
    from .manipulation import moveaxis

    if dims is not None:
        dims = [d % a.ndim for d in dims]
        a = moveaxis(a, tuple(dims), tuple(range(a.ndim - len(dims), a.ndim)))
    rows = math.prod(b.shape)
    shape = tuple(a.shape[b.ndim:])
    return solve(a.reshape((rows, math.prod(shape))), b.reshape((rows,))).reshape(shape)
