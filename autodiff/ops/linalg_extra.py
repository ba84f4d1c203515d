"""PyTorch's linalg beyond the Array API standard, as composites of the standard's
functions: solve_triangular, lstsq, inv_ex, cholesky_ex, matrix_exp, multi_dot, vander,
cond, householder_product and PyTorch's ``linalg.norm`` (eig and eigvals, primitives,
are in ``linalg_eig``).

The composites take their gradients from the primitives they are built of, so they run
on every backend (each says what it computes where the standard has no routine).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from .._tensor import Tensor
from ._linalg_util import (
    LinAlgError,
    check_matrix,
    column,
    conjugate,
    diagonal_of,
    eye_mask,
    row,
    settle,
    tensor_xp,
)
from .creation import eye
from .linalg import matmul, vector_norm
from .linalg_solve import cholesky, inv, pinv, solve
from .linalg_spectral import matrix_norm, svdvals

__all__ = ["cholesky_ex", "cond", "householder_product", "inv_ex", "lstsq", "matrix_exp",
           "multi_dot", "norm", "solve_triangular", "vander"]
# matrix_exp is also a Tensor method, as in PyTorch
NOT_METHODS = tuple(name for name in __all__ if name != "matrix_exp")


class InvExResult(NamedTuple):
    inverse: Tensor
    info: Tensor


class CholeskyExResult(NamedTuple):
    L: Tensor
    info: Tensor


class LstsqResult(NamedTuple):
    solution: Tensor
    residuals: Tensor
    rank: Tensor
    singular_values: Tensor


# -- triangular solve, least squares --------------------------------------------------------
def _triangle(a: Tensor, upper: bool, unitriangular: bool) -> Tensor:
    xp = tensor_xp()
    t = xp.triu(a) if upper else xp.tril(a)
    if unitriangular:
        t = xp.where(eye_mask(xp, diagonal_of(xp, a)), 1.0, t)
    return t


def solve_triangular(a: Tensor, b: Tensor, /, *, upper: bool, left: bool = True,
                     unitriangular: bool = False) -> Tensor:
    """X with ``a @ X = b`` (``X @ a = b`` when ``left=False``), reading only the upper
    or lower triangle of ``a`` (and ones on its diagonal when ``unitriangular``).

    The standard has no triangular solve: this is the general ``solve`` on the masked
    triangle (the same solution; its gradient reaches only the triangle read).

    >>> import autodiff as ad
    >>> a = ad.tensor([[2.0, 1.0], [0.0, 4.0]])
    >>> ad.linalg.solve_triangular(a, ad.tensor([[3.0], [4.0]]), upper=True)
    tensor([[1.],
            [1.]])
    """
    check_matrix("solve_triangular", a, square=True, name="A")
    check_matrix("solve_triangular", b, name="B")
    t = _triangle(a, upper, unitriangular)
    if left:
        return solve(t, b)
    return solve(t.mT, b.mT).mT


def lstsq(a: Tensor, b: Tensor, /, rcond: float | None = None, *,
          driver: str | None = None) -> LstsqResult:
    """The least-squares solution of ``a @ X = b`` (the minimum-norm one when ``a`` is
    rank deficient), with PyTorch's ``(solution, residuals, rank, singular_values)``,
    each filled where PyTorch's CPU ``driver`` fills it (gelsy by default): the rank
    but for gels, the singular values for gelsd and gelss, the squared residuals when
    a has more rows than columns and full rank, but for gelsy. Computed through the
    pseudo-inverse, whatever the driver.

    >>> import autodiff as ad
    >>> a = ad.tensor([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    >>> ad.linalg.lstsq(a, ad.tensor([[1.0], [2.0], [5.0]])).solution
    tensor([[1.],
            [1.]])
    """
    from .linalg_solve import matrix_rank

    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of "
                           f"(gels, gelsy, gelsd, gelss), got {driver}")
    check_matrix("lstsq", a, name="A")
    vector = isinstance(b, Tensor) and b.ndim == a.ndim - 1
    rhs = b[..., None] if vector else b
    check_matrix("lstsq", rhs, name="B")
    if rhs.shape[-2] != a.shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2), "
                           f"got {a.shape[-2]} and {rhs.shape[-2]}")
    from .creation import zeros
    from .reductions import sum as sum_

    driver = driver or "gelsy"
    pseudo = pinv(a, rtol=rcond) if rcond is not None else pinv(a)
    solution = matmul(pseudo, rhs)
    empty = zeros((0,), dtype=a.dtype, backend=a._backend)
    rank = zeros((0,), dtype="int64", backend=a._backend)
    if driver != "gels":
        rank = (matrix_rank(a.detach(), rtol=rcond) if rcond is not None
                else matrix_rank(a.detach())).astype("int64")
    values = svdvals(a) if driver in ("gelsd", "gelss") else empty
    residuals = empty
    m, n = a.shape[-2], a.shape[-1]
    if driver != "gelsy" and m > n and bool((matrix_rank(a.detach()) == n).all()):
        misfit = matmul(a, solution) - rhs
        residuals = sum_((misfit * misfit.conj()).real if misfit.dtype.is_complex
                         else misfit * misfit, axis=-2)
        if vector:
            residuals = residuals[..., 0]
    if vector:
        solution = solution[..., 0]
    return LstsqResult(solution, residuals, rank, values)


# -- inv_ex, cholesky_ex --------------------------------------------------------------------
def _info(x: Tensor, failed: Sequence[int]) -> Tensor:
    from .creation import asarray
    return asarray(list(failed), dtype="int32", backend=x._backend).reshape(x.shape[:-2])


def _each(op: str, x: Tensor, call: Any, first_failure: Any) -> tuple[Tensor, Tensor]:
    """``call`` on each matrix of the batch apart; a failed one gives NaNs and its
    ``first_failure`` (a positive info), as LAPACK's ``_ex`` routines do."""
    from .joining import stack

    flat = x.reshape((-1, *x.shape[-2:]))
    results, failed = [], []
    for i in range(flat.shape[0]):
        try:
            results.append(settle(op, call(flat[i])))
            failed.append(0)
        except LinAlgError:
            results.append(flat[i] * math.nan)
            failed.append(first_failure(flat[i]))
    out = stack(results).reshape(x.shape) if results else call(x)
    return out, _info(x, failed)


def inv_ex(x: Tensor, /, *, check_errors: bool = False) -> InvExResult:
    """``inv`` that reports a singular matrix instead of raising: ``(inverse, info)``
    with info 0 where the inverse exists and positive where not (the inverse is then
    NaN). ``check_errors=True`` raises as ``inv`` does.

    >>> import autodiff as ad
    >>> ad.linalg.inv_ex(ad.tensor([[2.0, 0.0], [0.0, 0.0]])).info
    tensor(2, dtype=autodiff.int32)
    """
    check_matrix("inv_ex", x, square=True)
    try:
        return InvExResult(settle("inv", inv(x)), _info(x, [0] * math.prod(x.shape[:-2])))
    except LinAlgError:
        if check_errors:
            raise
        from .linalg_solve import matrix_rank

        # LAPACK's info is the first zero pivot of the LU factors; without them, the rank
        # plus one (the same for a matrix whose leading rank-by-rank block is regular)
        return InvExResult(*_each("inv_ex", x, inv,
                                  lambda m: int(matrix_rank(m.detach()).item()) + 1))


def cholesky_ex(x: Tensor, /, *, upper: bool = False,
                check_errors: bool = False) -> CholeskyExResult:
    """``cholesky`` that reports a matrix that is not positive-definite instead of
    raising: ``(L, info)``, info the order of the first leading minor that is not
    positive-definite (0 where all are; L is then NaN).

    >>> import autodiff as ad
    >>> ad.linalg.cholesky_ex(ad.tensor([[4.0, 0.0], [0.0, -1.0]])).info
    tensor(2, dtype=autodiff.int32)
    """
    check_matrix("cholesky_ex", x, square=True)

    def factor(m: Tensor) -> Tensor:
        return cholesky(m, upper=upper)

    def first_failure(m: Tensor) -> int:
        for k in range(1, m.shape[-1] + 1):
            try:
                settle("cholesky", cholesky(m[:k, :k].detach()))
            except LinAlgError:
                return k
        return m.shape[-1]

    try:
        return CholeskyExResult(settle("cholesky", factor(x)),
                                _info(x, [0] * math.prod(x.shape[:-2])))
    except LinAlgError:
        if check_errors:
            raise
        return CholeskyExResult(*_each("cholesky_ex", x, factor, first_failure))


# -- matrix_exp, multi_dot, vander, householder_product ----------------------------------
def matrix_exp(x: Tensor, /) -> Tensor:
    """The exponential of each square matrix: scaling and squaring of a degree-18 Taylor
    polynomial (the argument scaled to norm at most 1/2, where the remainder is below
    float64's precision), differentiable through its products.

    >>> import autodiff as ad
    >>> ad.linalg.matrix_exp(ad.tensor([[0.0, 0.0], [0.0, 1.0]]))
    tensor([[1.0000, 0.0000],
            [0.0000, 2.7183]])
    """
    check_matrix("matrix_exp", x, square=True)
    if x.shape[-1] == 0 or math.prod(x.shape) == 0:
        return x * 0
    norm1 = float(matrix_norm(x.detach(), ord=1).max().item()) if x.ndim else 0.0
    squarings = max(0, math.ceil(math.log2(norm1)) + 1) if norm1 > 0 and math.isfinite(
        norm1) else 0
    # single precision runs in double: each squaring doubles the relative error, and
    # float32's would otherwise reach 1e-5 of the largest entry where PyTorch's Pade
    # approximant (fewer squarings) stays near 1e-7
    wide = {"float32": "float64", "complex64": "complex128"}.get(x.dtype.name)
    scaled = (x if wide is None else x.astype(wide)) / (2.0 ** squarings)
    identity = eye(x.shape[-1], dtype=scaled.dtype, backend=x._backend)
    result = identity + scaled / 18.0
    for k in range(17, 0, -1):  # Horner: I + A/1 (I + A/2 (I + ... (I + A/18)))
        result = identity + matmul(scaled, result) / float(k)
    for _ in range(squarings):
        result = matmul(result, result)
    # a cast in every precision, so the result's grad_fn does not depend on it
    return result.astype(x.dtype if wide is not None else result.dtype)


def multi_dot(tensors: Sequence[Tensor], /) -> Tensor:
    """The product of a chain of matrices; the first may be a row vector (1-D) and the
    last a column vector (1-D).

    >>> import autodiff as ad
    >>> ad.linalg.multi_dot([ad.tensor([1.0, 2.0]), ad.eye(2), ad.tensor([3.0, 4.0])])
    tensor(11.)
    """
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        allowed = (1, 2) if i in (0, len(tensors) - 1) else (2,)
        if not isinstance(t, Tensor) or t.ndim not in allowed:
            got = f"{t.ndim}D" if isinstance(t, Tensor) else type(t).__name__
            which = "first" if i == 0 else ("last" if i == len(tensors) - 1 else None)
            need = f"{which} tensor must be 1D or 2D" if which else f"tensor {i} must be 2D"
            raise RuntimeError(f"multi_dot(): {need} but got {got}")
    first_vector, last_vector = tensors[0].ndim == 1, tensors[-1].ndim == 1
    if first_vector:
        tensors[0] = tensors[0][None, :]
    if last_vector:
        tensors[-1] = tensors[-1][:, None]
    result = tensors[0]
    for t in tensors[1:]:
        result = matmul(result, t)
    if last_vector:
        result = result[..., 0]
    if first_vector:
        result = result[0]
    return result


def vander(x: Tensor, /, *, N: int | None = None) -> Tensor:
    """The Vandermonde matrix of the last axis of ``x``: columns ``x**0, x**1, ...,
    x**(N-1)`` (increasing powers, as PyTorch's; ``N`` defaults to x's length).

    >>> import autodiff as ad
    >>> ad.linalg.vander(ad.tensor([1.0, 2.0, 3.0]))
    tensor([[1., 1., 1.],
            [1., 2., 4.],
            [1., 3., 9.]])
    """
    from .joining import stack

    if not isinstance(x, Tensor):
        raise TypeError(f"linalg.vander: expected a Tensor, got {type(x).__name__}")
    if x.ndim == 0:  # a scalar is a vector of one, as in PyTorch
        x = x.reshape((1,))
    from .creation import ones_like

    n = x.shape[-1] if N is None else int(N)
    if n < 1:
        raise RuntimeError(f"N must be greater than 1, got {N}")
    columns = [ones_like(x)]
    for _ in range(1, n):
        columns.append(columns[-1] * x)  # products, not powers: exact at x = 0
    return stack(columns[:n], axis=-1)


def householder_product(a: Tensor, tau: Tensor, /) -> Tensor:
    """The first n columns of ``H_1 H_2 ⋯ H_k``, ``H_i = I - tau_i v_i v_i^H`` with
    v_i the i-th column of ``a`` below the diagonal and 1 on it (LAPACK's orgqr).

    >>> import autodiff as ad
    >>> q = ad.linalg.householder_product(ad.tensor([[1.0], [1.0]]), ad.tensor([1.0]))
    >>> q
    tensor([[ 0.],
            [-1.]])
    """
    check_matrix("householder_product", a, name="A")
    m, n = a.shape[-2], a.shape[-1]
    if not isinstance(tau, Tensor) or tau.shape[-1] > n or m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater "
                           "than or equal to input.shape[-1] and tau.shape[-1] must be less "
                           "than or equal to input.shape[-1]")
    xp = tensor_xp()
    identity = eye(m, dtype=a.dtype, backend=a._backend)
    q = xp.broadcast_to(identity, (*a.shape[:-2], m, m))
    below = xp.tril(a, k=-1)
    for i in range(tau.shape[-1]):
        v = below[..., :, i] + identity[i]
        qv = matmul(q, column(xp, v))
        q = q - column(xp, column(xp, tau[..., i])) * matmul(qv, row(xp, conjugate(xp, v)))
    return q[..., :, :n]


# -- norm, cond -----------------------------------------------------------------------------
def norm(x: Tensor, /, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """PyTorch's ``linalg.norm``: a vector norm over one ``dim`` (or all elements when
    ``ord`` and ``dim`` are None), a matrix norm over two (``'fro'``, ``'nuc'``, 1, -1,
    2, -2, inf, -inf); without ``dim``, a 1-D x takes a vector norm and a 2-D x a
    matrix norm.

    >>> import autodiff as ad
    >>> ad.linalg.norm(ad.tensor([[1.0, 0.0], [0.0, 2.0]]), "nuc")
    tensor(3.)
    """
    from .manipulation import moveaxis

    if dtype is not None:
        x = x.astype(dtype)
    if isinstance(dim, int):
        dim = (dim,)
    if dim is None:
        if ord is None:
            return vector_norm(x, axis=None, keepdims=keepdim)
        if x.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input "
                               f"must be 1D or 2D. Got {x.ndim}D.")
        dim = tuple(range(x.ndim))
    dim = tuple(dim)
    if len(dim) == 1:
        if isinstance(ord, str):
            raise RuntimeError(f"linalg.vector_norm: ord {ord!r} is a matrix norm; give two "
                               "dims")
        return vector_norm(x, axis=dim, keepdims=keepdim, ord=2.0 if ord is None else ord)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                           f"Got {list(dim)}")
    axes = tuple(d % x.ndim for d in dim)
    moved = moveaxis(x, axes, (-2, -1))
    result = matrix_norm(moved, ord="fro" if ord is None else ord)
    if keepdim:
        for axis in sorted(axes):
            result = result.unsqueeze(axis)
    return result


def cond(x: Tensor, /, p: Any = None) -> Tensor:
    """The condition number of each matrix in norm ``p``: the ratio of the largest to the
    smallest singular value for None, 2 (-2: the reverse), else
    ``matrix_norm(x, p) * matrix_norm(inv(x), p)`` (square matrices; inf where singular).

    >>> import autodiff as ad
    >>> ad.linalg.cond(ad.tensor([[2.0, 0.0], [0.0, 0.5]]))
    tensor(4.)
    """
    check_matrix("cond", x)
    if p in (None, 2, -2):
        values = svdvals(x)
        big, small = values[..., 0], values[..., -1]
        return big / small if p in (None, 2) else small / big
    check_matrix("cond", x, square=True)
    from .elementwise import where

    inverse, info = inv_ex(x)
    # a singular matrix has condition number inf, as in PyTorch
    return where(info != 0, math.inf, matrix_norm(x, ord=p) * matrix_norm(inverse, ord=p))

