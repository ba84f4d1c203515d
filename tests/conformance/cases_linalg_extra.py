"""Conformance cases of PyTorch's linalg beyond the standard (``linalg_extra``: eig,
eigvals and the composites) and of the 2-D and Hermitian n-D transforms (``fft_extra``).

eig's inputs are ``D + 0.1 a`` with D a fixed diagonal of distinct values: their
eigenvalues are real and well separated, so LAPACK's unit real eigenvectors follow the
matrix smoothly (the gauge PyTorch's rule assumes) and gradcheck sees every output.
A rotation plus a small perturbation gives a complex pair, checked through the
eigenvalues (which have no gauge).
"""

from __future__ import annotations

import numpy as np

import autodiff as ad
from autodiff.ops._multi import Layout

from .cases import case, fixed, real

L = ad.linalg
F = ad.fft
_D3 = np.diag([1.0, 2.0, 3.5])
_ROT = np.array([[0.0, -1.0], [1.0, 0.0]])


def _shifted(a: ad.Tensor, base: np.ndarray) -> ad.Tensor:
    return ad.asarray(base, dtype=a.dtype, backend=a.backend) + 0.1 * a


def _np_eig(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w, v = np.linalg.eig(m)
    dtype = np.result_type(m.dtype, np.complex64)
    return w.astype(dtype), v.astype(dtype)


def _like(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out`` in ``a``'s precision (the references build float64 constants)."""
    out = np.asarray(out)
    return out.astype(np.result_type(a.dtype, np.complex64) if out.dtype.kind == "c"
                      else a.dtype)


def _packed_eig(m: ad.Tensor) -> ad.Tensor:
    n = m.shape[-1]
    layout = Layout(m.shape[:-2], ((n,), (n, n)), (False, False))
    return ad.REGISTRY["eig"].op(m, layout=layout, real_input=True)


def _c(x: np.ndarray) -> np.ndarray:
    return x.astype(np.result_type(x.dtype, np.complex64))


# -- eig, eigvals (primitives) ------------------------------------------------------------
# The primitive's packed output (eigenvalues then eigenvectors), gradcheck over both.
case("eig.packed", lambda a: _packed_eig(_shifted(a, _D3)),
     lambda a: np.concatenate([p.reshape(-1) for p in _np_eig((_D3 + 0.1 * a).astype(a.dtype))]),
     real(3, 3), up_to_sign=True)
case("reshape.eig_eigenvalues_real", lambda a: L.eig(_shifted(a, _D3)).eigenvalues,
     lambda a: _np_eig((_D3 + 0.1 * a).astype(a.dtype))[0], real(3, 3))
case("reshape.eig_eigenvectors_real", lambda a: L.eig(_shifted(a, _D3)).eigenvectors,
     lambda a: _np_eig((_D3 + 0.1 * a).astype(a.dtype))[1], real(2, 3, 3), up_to_sign=True)
case("reshape.eig_eigenvalues_complex_pair", lambda a: L.eig(_shifted(a, _ROT)).eigenvalues,
     lambda a: _np_eig((_ROT + 0.1 * a).astype(a.dtype))[0], real(2, 2))
case("eigvals.without_grad", lambda a: L.eigvals(_shifted(a, _D3)),
     lambda a: _np_eig((_D3 + 0.1 * a).astype(a.dtype))[0], real(3, 3, grad=False))
case("reshape.eigvals_with_grad", lambda a: L.eigvals(_shifted(a, _ROT)),
     lambda a: _np_eig((_ROT + 0.1 * a).astype(a.dtype))[0], real(2, 2, 2))

# -- composites -----------------------------------------------------------------------------
case("solve.solve_triangular_upper",
     lambda a, b: L.solve_triangular(_shifted(a, 3 * np.eye(3)), b, upper=True),
     lambda a, b: _like(a, np.linalg.solve(np.triu(3 * np.eye(3) + 0.1 * a), b)),
     real(3, 3), real(3, 2))
case("permute_dims.solve_triangular_right_unit",
     lambda a, b: L.solve_triangular(a, b, upper=False, left=False, unitriangular=True),
     lambda a, b: _like(a, b @ np.linalg.inv(np.tril(a, -1) + np.eye(3))), real(3, 3), real(2, 3))
# (transposed: the numpy backend's own matmul rule is checked bit for bit at nan, where
# the SVD behind lstsq and pinv does not converge)
case("permute_dims.lstsq_tall", lambda a, b: L.lstsq(a, b).solution.mT,
     lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0].T, real(5, 3), real(5, 2))
case("getitem.lstsq_vector_batched", lambda a, b: L.lstsq(a, b).solution,
     lambda a, b: (np.linalg.pinv(a) @ b[..., None])[..., 0], real(2, 4, 3), real(2, 4))
case("inv.inv_ex", lambda a: L.inv_ex(a).inverse, np.linalg.inv, real(2, 3, 3))
case("cholesky.cholesky_ex", lambda a: L.cholesky_ex(a @ a.mT + 3 * ad.eye(3, dtype=a.dtype,
                                                                           backend=a.backend)).L,
     lambda a: _like(a, np.linalg.cholesky(a @ a.T + 3 * np.eye(3))), real(3, 3))
case("astype.matrix_exp", L.matrix_exp,
     lambda a: _like(a, _expm(a)), real(2, 3, 3))
case("astype.matrix_exp_large_norm", lambda a: L.matrix_exp(4 * a),
     lambda a: _like(a, _expm(4 * a)), real(3, 3))
case("getitem.multi_dot", lambda a, b, c: L.multi_dot([a, b, c]),
     lambda a, b, c: a @ b @ c, real(3), real(3, 4), real(4))
case("concat.vander", lambda x: L.vander(x, N=4),
     lambda x: _like(x, np.stack([np.vander(v, 4, increasing=True) for v in x])), real(2, 3))
case("divide.cond_2", L.cond, np.linalg.cond, real(2, 3, 3))
case("where.cond_fro", lambda a: L.cond(a, "fro"), lambda a: np.linalg.cond(a, "fro"),
     real(3, 3))
case("sum.norm_nuc", lambda a: L.norm(a, "nuc"), lambda a: np.linalg.norm(a, "nuc"),
     real(3, 4))
case("vector_norm.norm_dim", lambda a: L.norm(a, 3, dim=1, keepdim=True),
     lambda a: np.linalg.norm(a, 3, axis=1, keepdims=True), real(3, 4))
case("getitem.householder_product", L.householder_product,
     lambda a, tau: _like(a, _orgqr(a, tau)), real(4, 3), real(2))

# -- fft: 2-D and Hermitian n-D (composites of the fftn primitives) ------------------------
case("fftn.fft2", F.fft2, lambda x: np.fft.fft2(_c(x)), real(2, 3, 4))
case("fftn.ifft2_s", lambda x: F.ifft2(x, s=(4, 2)), lambda x: np.fft.ifft2(_c(x), s=(4, 2)),
     real(3, 3))
case("rfftn.rfft2", F.rfft2, np.fft.rfft2, real(3, 4))
case("irfftn.irfft2", lambda x: F.irfft2(F.rfft2(x)), lambda x: np.fft.irfft2(np.fft.rfft2(x)),
     real(4, 6))
case("irfftn.hfftn", lambda x: F.hfftn(F.fft(x)),
     lambda x: np.fft.irfftn(np.conj(np.fft.fft(x)), norm="forward"), real(3, 4))
case("irfftn.hfft2_ortho", lambda x: F.hfft2(F.fft(x), norm="ortho"),
     lambda x: np.fft.irfft2(np.conj(np.fft.fft(x)), norm="ortho"), real(3, 4))
case("conj.ihfftn", F.ihfftn, lambda x: np.conj(np.fft.rfftn(x, norm="forward")), real(3, 4))
case("conj.ihfft2", F.ihfft2, lambda x: np.conj(np.fft.rfft2(x, norm="forward")),
     real(2, 3, 4))


def _expm(a: np.ndarray) -> np.ndarray:
    """The matrix exponential by eigendecomposition (numpy has no expm): fine for the
    diagonalizable random draws of the cases."""
    w, v = np.linalg.eig(a)
    return np.real(v @ (np.exp(w)[..., None] * np.linalg.inv(v)))


def _orgqr(a: np.ndarray, tau: np.ndarray) -> np.ndarray:
    m, n = a.shape
    q = np.eye(m)
    for i in range(tau.shape[0]):
        v = np.tril(a, -1)[:, i] + np.eye(m)[i]
        q = q @ (np.eye(m) - tau[i] * np.outer(v, v))
    return q[:, :n]


_ = fixed  # the helpers the other case files use


# -- LU (the lu_factor primitive, and lu, lu_solve built on it) ----------------------------
def _np_getrf(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LAPACK's getrf in numpy, for one matrix: packed LU and 1-based pivots."""
    a = np.array(a, dtype=a.dtype)
    m, n = a.shape
    pivots = []
    for k in range(min(m, n)):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        pivots.append(p + 1)
        a[[k, p]] = a[[p, k]]
        if a[k, k] != 0:
            a[k + 1:, k] /= a[k, k]
            a[k + 1:, k + 1:] -= np.outer(a[k + 1:, k], a[k, k + 1:])
    return a, np.asarray(pivots, dtype=a.dtype)


def _np_lu_packed(a: np.ndarray) -> np.ndarray:
    batch = a.shape[:-2]
    flat = a.reshape((-1,) + a.shape[-2:])
    parts = [np.concatenate([p.reshape(-1) for p in _np_getrf(m)]) for m in flat]
    return np.stack(parts).reshape(batch + (-1,))


def _lu_packed(a: ad.Tensor) -> ad.Tensor:
    m, n = a.shape[-2], a.shape[-1]
    layout = Layout(a.shape[:-2], ((m, n), (min(m, n),)), (False, True))
    return ad.REGISTRY["lu_factor"].op(a, layout=layout)


_RECTANGULAR_JVP = "forward mode is implemented for square matrices only"
case("lu_factor.packed_square", _lu_packed, _np_lu_packed, real(2, 4, 4))
case("lu_factor.packed_wide", _lu_packed, _np_lu_packed, real(3, 5), jvp_error=_RECTANGULAR_JVP)
case("lu_factor.packed_tall", _lu_packed, _np_lu_packed, real(2, 5, 3),
     jvp_error=_RECTANGULAR_JVP)
case("reshape.lu_factor_LU", lambda a: L.lu_factor(a).LU,
     lambda a: _np_getrf(a)[0], real(4, 4))
case("matmul.lu_reconstructs", lambda a: (lambda r: r.P @ r.L @ r.U)(L.lu(a)),
     lambda a: a, real(2, 3, 3))
case("solve.lu_solve", lambda a, b: L.lu_solve(*L.lu_factor(a), b),
     lambda a, b: np.linalg.solve(a, b), real(3, 3), real(3, 2))
case("permute_dims.lu_solve_right_adjoint",
     lambda a, b: L.lu_solve(*L.lu_factor(a), b, left=False, adjoint=True),
     lambda a, b: b @ np.linalg.inv(a.T), real(3, 3), real(2, 3))


# -- PyTorch's spellings of the standard's functions (linalg_spellings) --------------------
case("vector_norm.torch_positional", lambda x: L.vector_norm(x, 3, 1, True),
     lambda x: np.linalg.norm(x, 3, axis=1, keepdims=True), real(3, 4))
case("reshape.eigvalsh_upper", lambda a: L.eigvalsh(a @ a.mT + 3 * ad.eye(
    3, dtype=a.dtype, backend=a.backend), UPLO="U"),
     lambda a: np.linalg.eigvalsh(a @ a.T + 3 * np.eye(3, dtype=a.dtype), UPLO="U"), real(3, 3))
case("permute_dims.pinv_atol", lambda a: L.pinv(a, atol=1e-3).mT,
     lambda a: np.linalg.pinv(a).T, real(4, 3))
case("vector_norm.matrix_norm_dims", lambda a: L.matrix_norm(a, "fro", (0, 2)),
     lambda a: np.linalg.norm(np.moveaxis(a, 1, 0), "fro", axis=(1, 2)), real(3, 2, 4))


# -- the _ex solvers, tensorinv, tensorsolve (linalg_ex) -----------------------------------
case("reshape.lu_factor_ex_LU", lambda a: L.lu_factor_ex(a).LU,
     lambda a: _np_getrf(a)[0], real(3, 3))
case("solve.solve_ex", lambda a, b: L.solve_ex(a, b).result, np.linalg.solve,
     real(2, 3, 3), real(2, 3, 2))
case("reshape.tensorinv", lambda a: L.tensorinv(a.reshape((4, 2, 2)), ind=1),
     lambda a: np.linalg.tensorinv(a.reshape((4, 2, 2)), ind=1), real(4, 4))
case("reshape.tensorsolve", lambda a, b: L.tensorsolve(a.reshape((2, 3, 6)), b),
     lambda a, b: np.linalg.tensorsolve(a.reshape((2, 3, 6)), b), real(6, 6), real(2, 3))
