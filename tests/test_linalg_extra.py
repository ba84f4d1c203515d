"""PyTorch's linalg and fft beyond the standard (linalg_extra, linalg_eig, fft_extra):
named results, the ``_ex`` variants' info, lstsq's fields, errors, the batch-of-vectors
solve, and eig's gradient against closed forms. Values come from numpy; where torch is
installed, a few are also compared with it (never instead of numpy)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autodiff as ad

L = ad.linalg
RNG = np.random.default_rng(16)


def t(values: Any, grad: bool = False) -> ad.Tensor:
    return ad.tensor(np.asarray(values, dtype=np.float64), requires_grad=grad)


def values(tensor: ad.Tensor) -> np.ndarray:
    return np.asarray(tensor.detach().numpy())


def test_eig_gradient_of_the_eigenvalue_sum_is_the_identity(backend: str) -> None:
    # sum of eigenvalues = trace, so d/dA Re(sum) = I for any diagonalizable A
    a = t(RNG.standard_normal((2, 3, 3)) + np.diag([1.0, 3.0, 6.0]), grad=True)
    L.eig(a).eigenvalues.real.sum().backward()
    np.testing.assert_allclose(values(a.grad), np.broadcast_to(np.eye(3), (2, 3, 3)),
                               atol=1e-10)


def test_eig_is_complex_and_named(backend: str) -> None:
    result = L.eig(t([[0.0, -1.0], [1.0, 0.0]]))
    assert result.eigenvalues.dtype == ad.complex128
    assert result._fields == ("eigenvalues", "eigenvectors")
    np.testing.assert_allclose(np.sort_complex(values(result.eigenvalues)), [-1j, 1j])
    assert L.eigvals(ad.tensor([[1.0, 0.0], [0.0, 2.0]])).dtype == ad.complex64


def test_eig_complex_input_gradient_matches_finite_differences(backend: str) -> None:
    base = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
    a = ad.tensor(base, requires_grad=True)
    (ad.abs(L.eigvals(a)) ** 2).sum().backward()
    eps = 1e-6
    grad = np.zeros((3, 3), dtype=complex)
    for i in range(3):
        for j in range(3):
            for unit in (1, 1j):
                bump = np.zeros((3, 3), dtype=complex)
                bump[i, j] = eps * unit
                f = [np.sum(np.abs(np.linalg.eigvals(base + s * bump)) ** 2) for s in (1, -1)]
                grad[i, j] += unit * (f[0] - f[1]) / (2 * eps)
    np.testing.assert_allclose(values(a.grad), grad, atol=1e-5)


def test_eig_not_square_raises(backend: str) -> None:
    with pytest.raises(ValueError, match="linalg.eig: expected x to be a square matrix"):
        L.eig(t(np.ones((2, 3))))


def test_eig_on_a_backend_without_eig_raises(backend: str, monkeypatch: Any) -> None:
    x = t(np.eye(2))
    monkeypatch.delattr(x._backend.xp.linalg, "eig")  # as cupy's linalg has none
    with pytest.raises(NotImplementedError, match=f"the {backend} backend's linalg has no eig"):
        L.eig(x)


def test_inv_ex_and_cholesky_ex_report_failures(backend: str) -> None:
    good = np.eye(2) * 2
    batch = t(np.stack([good, np.zeros((2, 2))]))
    result = L.inv_ex(batch)
    assert result._fields == ("inverse", "info")
    assert result.info.dtype == ad.int32
    np.testing.assert_array_equal(values(result.info), [0, 1])
    np.testing.assert_allclose(values(result.inverse)[0], np.eye(2) / 2)
    assert np.isnan(values(result.inverse)[1]).all()
    with pytest.raises(ad.linalg.LinAlgError, match="singular"):
        L.inv_ex(batch, check_errors=True)
    chol = L.cholesky_ex(t([[[4.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, -1.0]]]))
    np.testing.assert_array_equal(values(chol.info), [0, 2])
    np.testing.assert_allclose(values(chol.L)[0], [[2.0, 0.0], [0.0, 1.0]])
    assert int(L.cholesky_ex(t(np.eye(3))).info.item()) == 0


def test_lstsq_fields_follow_the_driver(backend: str) -> None:
    a, b = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2))
    default = L.lstsq(t(a), t(b))
    np.testing.assert_allclose(values(default.solution), np.linalg.lstsq(a, b, rcond=None)[0],
                               atol=1e-10)
    assert default.residuals.shape == (0,) and default.singular_values.shape == (0,)
    assert int(default.rank.item()) == 3
    gelsd = L.lstsq(t(a), t(b), driver="gelsd")
    np.testing.assert_allclose(values(gelsd.residuals), np.linalg.lstsq(a, b, rcond=None)[1])
    np.testing.assert_allclose(values(gelsd.singular_values), np.linalg.svd(a)[1])
    assert L.lstsq(t(a), t(b), driver="gels").rank.shape == (0,)
    with pytest.raises(RuntimeError, match="parameter `driver` should be one of"):
        L.lstsq(t(a), t(b), driver="lapack")


def test_solve_triangular_reads_one_triangle(backend: str) -> None:
    a = RNG.standard_normal((3, 3)) + 3 * np.eye(3)
    b = RNG.standard_normal((3, 2))
    x = L.solve_triangular(t(a), t(b), upper=False)
    np.testing.assert_allclose(values(x), np.linalg.solve(np.tril(a), b))
    ta = t(a, grad=True)
    L.solve_triangular(ta, t(b), upper=True).sum().backward()
    assert np.all(np.tril(values(ta.grad), -1) == 0)  # nothing reaches the unread triangle


def test_solve_batch_of_vectors_where_only_pytorchs_reading_fits(backend: str) -> None:
    a = RNG.standard_normal((4, 3, 3)) + 3 * np.eye(3)
    b = RNG.standard_normal((4, 3))
    x = L.solve(t(a), t(b))
    assert x.shape == (4, 3)
    np.testing.assert_allclose(values(x), np.linalg.solve(a, b[..., None])[..., 0])
    # both readings fit: the standard's (a batch of matrices) stands
    square = RNG.standard_normal((3, 3, 3)) + 3 * np.eye(3)
    assert L.solve(t(square), t(np.ones((3, 3)))).shape == (3, 3, 3)


def test_multi_dot_vander_norm_cond(backend: str) -> None:
    with pytest.raises(RuntimeError, match=r"multi_dot\(\): expected at least 2 tensors"):
        L.multi_dot([t(np.eye(2))])
    with pytest.raises(RuntimeError, match="tensor 1 must be 2D but got 1D"):
        L.multi_dot([t(np.eye(2)), t([1.0, 2.0]), t(np.eye(2))])
    np.testing.assert_allclose(values(L.vander(t([2.0, 3.0]), N=3)), [[1, 2, 4], [1, 3, 9]])
    m = RNG.standard_normal((2, 3, 4))
    np.testing.assert_allclose(values(L.norm(t(m), "nuc", dim=(0, 2))),
                               np.linalg.norm(np.moveaxis(m, 1, 0), "nuc", axis=(1, 2)))
    np.testing.assert_allclose(values(L.norm(t(m))), np.linalg.norm(m.ravel()))
    with pytest.raises(RuntimeError, match="input must be 1D or 2D"):
        L.norm(t(m), 2)
    sq = RNG.standard_normal((3, 3))
    for p in (None, 2, -2, "fro", "nuc", 1, np.inf):
        np.testing.assert_allclose(values(L.cond(t(sq), p)), np.linalg.cond(sq, p))


def test_matrix_exp_at_a_large_norm_and_as_a_method(backend: str) -> None:
    # a rotation generator: exp is [[cos, -sin], [sin, cos]]
    angle = 40.0
    x = t([[0.0, -angle], [angle, 0.0]])
    expected = [[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]
    np.testing.assert_allclose(values(x.matrix_exp()), expected, atol=1e-9)
    np.testing.assert_allclose(values(ad.matrix_exp(x)), expected, atol=1e-9)


def test_hermitian_transforms_round_trip(backend: str) -> None:
    x = t(RNG.standard_normal((3, 4)))
    np.testing.assert_allclose(values(ad.fft.hfftn(ad.fft.ihfftn(x), s=(3, 4))), values(x),
                               atol=1e-12)
    np.testing.assert_allclose(values(ad.fft.irfft2(ad.fft.rfft2(x), s=(3, 4))), values(x),
                               atol=1e-12)
    with pytest.raises(RuntimeError, match="expects a real input tensor"):
        ad.fft.ihfft2(ad.fft.fft2(x))


def test_against_torch_where_installed(backend: str) -> None:
    torch = pytest.importorskip("torch", reason="the torch comparison is optional")
    a = RNG.standard_normal((3, 3)) + np.diag([1.0, 3.0, 6.0])
    tau = RNG.standard_normal(2)
    ours = L.householder_product(t(a), t(tau))
    theirs = torch.linalg.householder_product(torch.tensor(a), torch.tensor(tau))
    np.testing.assert_allclose(values(ours), theirs.numpy(), atol=1e-12)
    ta = torch.tensor(a, requires_grad=True)
    torch.linalg.eigvals(ta).abs().sum().backward()
    x = t(a, grad=True)
    ad.abs(L.eigvals(x)).sum().backward()
    np.testing.assert_allclose(values(x.grad), ta.grad.numpy(), atol=1e-10)


def test_top_level_norm_takes_nuc(backend: str) -> None:
    m = RNG.standard_normal((2, 3, 4))
    want = np.linalg.norm(m, "nuc", axis=(-2, -1))
    np.testing.assert_allclose(values(ad.norm(t(m), "nuc")), want)
    np.testing.assert_allclose(values(t(m).norm("nuc", dim=(1, 2))), want)
    np.testing.assert_allclose(values(t(m).norm(3, dim=1)), np.linalg.norm(m, 3, axis=1))


def test_lu_factor_matches_lapack_and_lu_solve_solves(backend: str) -> None:
    a = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 1.0], [0.0, 5.0, 6.0]])
    packed, pivots = L.lu_factor(t(a))
    assert pivots.dtype == ad.int32
    np.testing.assert_array_equal(values(pivots), [2, 3, 3])  # LAPACK's getrf on this a
    p, lower, upper = L.lu(t(a))
    np.testing.assert_allclose(values(p @ lower @ upper), a, atol=1e-12)
    np.testing.assert_allclose(np.tril(values(packed), -1), np.tril(values(lower), -1))
    b = RNG.standard_normal((3, 2))
    np.testing.assert_allclose(values(L.lu_solve(packed, pivots, t(b))), np.linalg.solve(a, b))
    np.testing.assert_allclose(values(L.lu_solve(packed, pivots, t(b), adjoint=True)),
                               np.linalg.solve(a.T, b))
    with pytest.raises(RuntimeError, match="LU without pivoting is not implemented"):
        L.lu_factor(t(a), pivot=False)
    with pytest.raises(ValueError, match="linalg.lu: expected x to have at least 2 dimensions"):
        L.lu(t([1.0, 2.0]))


def test_lu_of_a_singular_matrix_keeps_its_zero_pivot(backend: str) -> None:
    a = np.array([[0.0, 0.0], [0.0, 1.0]])
    packed, pivots = L.lu_factor(t(a))
    np.testing.assert_array_equal(values(pivots), [1, 2])
    np.testing.assert_allclose(values(packed), a)


def test_pytorch_spellings_of_the_standards_linalg(backend: str) -> None:
    m = RNG.standard_normal((2, 3, 4))
    np.testing.assert_allclose(values(L.vector_norm(t(m), 1, (0, 2), True)),
                               np.sum(np.abs(m), axis=(0, 2), keepdims=True))
    np.testing.assert_allclose(values(L.vector_norm(t(m), axis=1, ord=3)),
                               np.linalg.norm(m, 3, axis=1))
    np.testing.assert_allclose(values(L.matrix_norm(t(m), 1, (0, 2))),
                               np.linalg.norm(np.moveaxis(m, 1, 0), 1, axis=(1, 2)))
    np.testing.assert_allclose(values(L.diagonal(t(m), offset=1, dim1=0, dim2=2)),
                               np.diagonal(m, 1, 0, 2))
    upper = np.array([[2.0, 1.0], [7.0, 2.0]])  # the 7 is not read with UPLO="U"
    np.testing.assert_allclose(values(L.eigvalsh(t(upper), UPLO="U")), [1.0, 3.0])
    np.testing.assert_allclose(values(L.eigh(t(upper.T)).eigenvalues), [1.0, 3.0])
    with pytest.raises(RuntimeError, match="Expected UPLO argument to be 'L' or 'U'"):
        L.eigh(t(upper), UPLO="X")
    low_rank = np.array([[1.0, 2.0], [2.0, 4.0001]])
    assert int(L.matrix_rank(t(low_rank)).item()) == 2
    assert int(L.matrix_rank(t(low_rank), atol=0.01).item()) == 1
    assert int(L.matrix_rank(t(low_rank), hermitian=True, rtol=0.01).item()) == 1
    np.testing.assert_allclose(values(L.pinv(t(low_rank), atol=0.01)),
                               np.linalg.pinv(low_rank, rcond=0.01 / 5.0001), atol=1e-9)
    sym = np.array([[2.0, 0.0], [0.0, -4.0]])
    np.testing.assert_allclose(values(L.pinv(t(sym), hermitian=True)), np.linalg.pinv(sym))


def test_ex_solvers_report_singular_inputs(backend: str) -> None:
    singular = t([[1.0, 2.0], [2.0, 4.0]])
    packed, pivots, info = L.lu_factor_ex(singular)
    assert info.dtype == ad.int32 and int(info.item()) == 2
    with pytest.raises(ad.linalg.LinAlgError, match="lu_factor_ex: the factorization failed"):
        L.lu_factor_ex(singular, check_errors=True)
    result, info = L.solve_ex(singular, t([1.0, 1.0]))
    assert int(info.item()) == 2 and not np.isfinite(values(result)).all()
    with pytest.raises(ad.linalg.LinAlgError, match="singular"):
        L.solve_ex(singular, t([1.0, 1.0]), check_errors=True)
    a, b = RNG.standard_normal((3, 3)) + 3 * np.eye(3), RNG.standard_normal((2, 3))
    right = L.solve_ex(t(a), t(b), left=False)
    np.testing.assert_allclose(values(right.result), b @ np.linalg.inv(a))
    assert int(right.info.item()) == 0


def test_tensorinv_and_tensorsolve_errors(backend: str) -> None:
    with pytest.raises(RuntimeError, match="strictly positive integer for 'ind'"):
        L.tensorinv(t(np.eye(4)), ind=0)
    with pytest.raises(RuntimeError, match=r"prod\(self.shape\[ind:\]\) == prod\(self.shape"):
        L.tensorinv(t(np.ones((2, 3))), ind=1)
    a = RNG.standard_normal((6, 2, 3))
    b = RNG.standard_normal(6)
    np.testing.assert_allclose(values(L.tensorsolve(t(a), t(b))), np.linalg.tensorsolve(a, b))
    moved = np.moveaxis(a, 0, 2)  # (2, 3, 6): dims=(0, 1) moves the first two to the end
    np.testing.assert_allclose(values(L.tensorsolve(t(moved), t(b), dims=(0, 1))),
                               np.linalg.tensorsolve(a, b))
