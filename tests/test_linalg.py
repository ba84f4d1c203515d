"""autodiff.linalg beyond the conformance table: errors, named results, complex inputs,
PyTorch's conventions where gradients are delicate, second derivatives and the
forward-mode (jvp) rules.

Expected values come from numpy or from closed forms; conventions were checked
against PyTorch 2.13 (not imported here).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff as ad
from autodiff.ops._multi import Layout

L = ad.linalg
RNG = np.random.default_rng(20240611)


def t(values: Any, grad: bool = False) -> ad.Tensor:
    return ad.tensor(np.asarray(values, dtype=np.float64), requires_grad=grad)


def values(tensor: ad.Tensor) -> np.ndarray:
    return np.asarray(tensor.detach().numpy())


def spd(n: int, batch: tuple[int, ...] = ()) -> np.ndarray:
    a = RNG.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


# -- errors -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh",
                                  "matrix_power"])
def test_square_matrix_required(backend: str, name: str) -> None:
    fn = getattr(L, name)
    args = (2,) if name == "matrix_power" else ()
    with pytest.raises(ValueError, match=rf"linalg\.{name}: expected x to be a square .* got "
                                         r"2 by 3 matrices"):
        fn(t(np.ones((2, 3))), *args)


@pytest.mark.parametrize("name", ["inv", "qr", "svd", "svdvals", "pinv", "matrix_norm"])
def test_matrix_required(backend: str, name: str) -> None:
    with pytest.raises(ValueError, match=rf"linalg\.{name}: expected x to have at least 2 "
                                         r"dimensions"):
        getattr(L, name)(t([1.0, 2.0]))


def test_integer_input_is_refused(backend: str) -> None:
    with pytest.raises(TypeError, match=r"linalg\.inv: expected a floating point or complex"):
        L.inv(ad.tensor([[1, 0], [0, 1]]))
    with pytest.raises(TypeError, match=r"linalg\.det: expected x to be a Tensor, got list"):
        L.det([[1.0, 0.0], [0.0, 1.0]])


@pytest.mark.parametrize("call", [lambda a: L.solve(a, t([1.0, 2.0])), L.inv],
                         ids=["solve", "inv"])
def test_singular_matrix_raises_linalg_error(backend: str, call: Callable[..., Any]) -> None:
    singular = t([[1.0, 2.0], [2.0, 4.0]])
    # numpy raises numpy.linalg.LinAlgError (a ValueError); PyTorch torch.linalg.LinAlgError
    # (a RuntimeError); ours is both, and names the op.
    with pytest.raises(L.LinAlgError, match=r"linalg\.(solve|inv): .* singular") as info:
        call(singular)
    assert isinstance(info.value, ValueError) and isinstance(info.value, RuntimeError)


def test_cholesky_of_a_matrix_that_is_not_positive_definite(backend: str) -> None:
    with pytest.raises(L.LinAlgError, match=r"linalg\.cholesky: .* not positive-definite"):
        L.cholesky(t([[1.0, 2.0], [2.0, 1.0]]))


def test_solve_shapes(backend: str) -> None:
    with pytest.raises(ValueError, match=r"linalg\.solve: .* incompatible \(3 != 2\)"):
        L.solve(t(np.eye(3)), t([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"linalg\.solve: batch shapes \(2,\) and \(3,\) do not"):
        L.solve(t(np.ones((2, 3, 3))), t(np.ones((3, 3, 1))))
    with pytest.raises(ValueError, match=r"linalg\.solve: expected x2 to be a vector"):
        L.solve(t(np.eye(2)), t(1.0))


def test_slogdet_gradient_at_a_singular_matrix_raises(backend: str) -> None:
    x = t([[1.0, 2.0], [2.0, 4.0]], grad=True)
    result = L.slogdet(x)
    assert values(result.logabsdet) == -np.inf
    with pytest.raises(L.LinAlgError, match=r"linalg\.slogdet: .* singular"):
        result.logabsdet.backward()


def test_bad_options(backend: str) -> None:
    x = t(np.eye(3))
    with pytest.raises(ValueError, match=r"linalg\.qr: mode must be 'reduced' or 'complete', "
                                         r"got 'r'"):
        L.qr(x, mode="r")
    with pytest.raises(ValueError, match=r"linalg\.matrix_norm: unsupported ord 3"):
        L.matrix_norm(x, ord=3)
    with pytest.raises(TypeError, match=r"linalg\.matrix_power: expected an integer exponent, "
                                        r"got float"):
        L.matrix_power(x, 2.0)


def test_qr_complete_of_a_tall_matrix_has_no_gradient(backend: str) -> None:
    x = t(RNG.standard_normal((4, 2)), grad=True)
    q, r = L.qr(x, mode="complete")
    assert q.shape == (4, 4) and r.shape == (4, 2)
    with pytest.raises(RuntimeError, match="The QR decomposition is not differentiable when "
                                           "mode='complete' and nrows > ncols."):
        q.sum().backward()


def test_product_shape_errors(backend: str) -> None:
    with pytest.raises(ValueError, match="tensordot: contracted axes have different sizes"):
        ad.tensordot(t(np.ones((2, 3))), t(np.ones((2, 3))), axes=1)
    with pytest.raises(IndexError, match="tensordot: axis 2 is out of range"):
        ad.tensordot(t(np.ones((2, 3))), t(np.ones((3, 2))), axes=([2], [0]))
    with pytest.raises(ValueError, match="tensordot: axes=3 must be between 0 and"):
        ad.tensordot(t(np.ones((2, 3))), t(np.ones((3, 2))), axes=3)
    with pytest.raises(ValueError, match="vecdot: expected both inputs to have the same size"):
        ad.vecdot(t(np.ones((2, 3))), t(np.ones(2)))
    with pytest.raises(IndexError, match="vecdot: axis 2 is out of range"):
        ad.vecdot(t(np.ones((2, 3))), t(np.ones(3)), axis=2)
    with pytest.raises(ValueError, match=r"linalg\.cross: expected both inputs to have size 3"):
        L.cross(t(np.ones((2, 2))), t(np.ones((2, 2))))
    with pytest.raises(ValueError, match=r"linalg\.outer: expected two 1-D tensors"):
        L.outer(t(np.ones((2, 2))), t(np.ones(2)))
    with pytest.raises(ValueError, match=r"linalg\.diagonal: expected a tensor with at least 2"):
        L.diagonal(t([1.0]))
    with pytest.raises(ValueError, match="diag_embed: expected a tensor with at least 1"):
        ad.diag_embed(t(1.0))
    with pytest.raises(ValueError, match=r"linalg\.trace: expected a tensor with at least 2"):
        L.trace(t([1.0, 2.0]))
    with pytest.raises(ValueError, match="diagonal: dim1 and dim2 cannot be the same axis"):
        t(np.ones((2, 2))).diagonal(0, 1, -1)
    with pytest.raises(TypeError, match="tensordot: axes must be an int or a pair"):
        ad.tensordot(t(np.ones((2, 2))), t(np.ones((2, 2))), axes=(1, 2, 3))
    with pytest.raises(TypeError, match="tensordot: expected x2 to be a Tensor, got list"):
        ad.tensordot(t(np.ones((2, 2))), [[1.0]])
    with pytest.raises(IndexError, match="tensordot: a 0-d tensor has no axis 0"):
        ad.tensordot(t(1.0), t(np.ones(2)), axes=([0], [0]))


# -- results, methods, names --------------------------------------------------------------
def test_named_results(backend: str) -> None:
    a = spd(3)
    eig = L.eigh(t(a))
    assert type(eig).__name__ == "EighResult" and eig._fields == ("eigenvalues", "eigenvectors")
    w, v = eig
    np.testing.assert_allclose(values(w), np.linalg.eigvalsh(a))
    np.testing.assert_allclose(values(v) @ np.diag(values(w)) @ values(v).T, a, atol=1e-12)
    assert L.qr(t(a))._fields == ("Q", "R")
    assert L.svd(t(a))._fields == ("U", "S", "Vh")
    assert L.slogdet(t(a))._fields == ("sign", "logabsdet")


def test_grad_fn_names_follow_pytorch(backend: str) -> None:
    x = t(spd(3), grad=True)
    b = t([1.0, 2.0, 3.0], grad=True)
    names = {
        "LinalgInvExBackward0": L.inv(x), "LinalgDetBackward0": L.det(x),
        "LinalgSolveExBackward0": L.solve(x, b), "LinalgCholeskyExBackward0": L.cholesky(x),
        "LinalgPinvBackward0": L.pinv(x), "TraceBackward0": L.trace(x),
        "DiagonalBackward0": L.diagonal(x), "DiagEmbedBackward0": ad.diag_embed(b),
        "LinalgCrossBackward0": L.cross(b, b),
    }
    for name, out in names.items():
        assert type(out.grad_fn).__name__ == name
    # A multi-output function's results are views of its one node, as in PyTorch.
    packed = L.eigh(x).eigenvalues.grad_fn.next_functions[0][0].next_functions[0][0]
    assert type(packed).__name__ == "LinalgEighBackward0"


def test_tensor_methods(backend: str) -> None:
    a = spd(3)
    x = t(a)
    np.testing.assert_allclose(values(x.det()), np.linalg.det(a))
    np.testing.assert_allclose(values(x.inverse()), np.linalg.inv(a))
    np.testing.assert_allclose(values(x.pinverse()), np.linalg.pinv(a))
    np.testing.assert_allclose(values(x.matrix_power(3)), np.linalg.matrix_power(a, 3))
    np.testing.assert_allclose(values(x.slogdet().logabsdet), np.linalg.slogdet(a)[1])
    np.testing.assert_allclose(values(x.cholesky()), np.linalg.cholesky(a))
    np.testing.assert_allclose(values(x.trace()), np.trace(a))
    np.testing.assert_allclose(values(x.diagonal(1)), np.diagonal(a, 1))
    v = t([1.0, 2.0, 3.0])
    np.testing.assert_allclose(values(v.outer(v)), np.outer([1, 2, 3], [1, 2, 3]))
    np.testing.assert_allclose(values(v.cross(t([0.0, 0.0, 1.0]))), [2.0, -1.0, 0.0])
    np.testing.assert_allclose(values(ad.inverse(x)), np.linalg.inv(a))


def test_pytorch_keyword_aliases(backend: str) -> None:
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    np.testing.assert_allclose(values(ad.tensordot(t(a), t(b.T), dims=1)), a @ b.T)
    np.testing.assert_allclose(values(L.vecdot(t(a), t(b), dim=0)), np.sum(a * b, axis=0))
    c, d = RNG.standard_normal((3, 2)), RNG.standard_normal((3, 2))
    np.testing.assert_allclose(values(L.cross(t(c), t(d), dim=0)), np.cross(c, d, axis=0))


def test_complex_inputs(backend: str) -> None:
    a = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
    h = a @ a.conj().T + 3 * np.eye(3)
    z, hz = ad.tensor(a), ad.tensor(h)
    np.testing.assert_allclose(values(L.inv(z)), np.linalg.inv(a))
    w, v = L.eigh(hz)
    assert w.dtype == ad.float64 and v.dtype == ad.complex128
    np.testing.assert_allclose(values(w), np.linalg.eigvalsh(h))
    sign, logabsdet = L.slogdet(z)
    assert sign.dtype == ad.complex128 and logabsdet.dtype == ad.float64
    np.testing.assert_allclose(values(sign) * np.exp(values(logabsdet)), np.linalg.det(a))
    assert L.svd(z).S.dtype == ad.float64
    np.testing.assert_allclose(values(ad.vecdot(z, z)), np.sum(a.conj() * a, axis=-1))


@pytest.mark.parametrize(("left", "right"), [((2, 3), (3, 4)), ((3,), (2, 3, 4)),
                                           ((2, 3, 4), (4,)), ((2, 3, 4), (4, 5))])
def test_complex_matmul_gradients_conjugate_the_other_operand(
        backend: str, left: tuple[int, ...], right: tuple[int, ...]) -> None:
    # PyTorch's convention: the vjp of a @ b is g @ b^H for a and a^H @ g for b; the
    # first-order pass (array rules) and the differentiable rules must both give it
    a = RNG.standard_normal(left) + 1j * RNG.standard_normal(left)
    b = RNG.standard_normal(right) + 1j * RNG.standard_normal(right)
    g = RNG.standard_normal(np.matmul(a, b).shape) + 1j * RNG.standard_normal(
        np.matmul(a, b).shape)
    x, y = ad.tensor(a, requires_grad=True), ad.tensor(b, requires_grad=True)
    out = x @ y
    fast = ad.autograd.grad(out, (x, y), ad.tensor(g), retain_graph=True)
    generic = ad.autograd.grad(out, (x, y), ad.tensor(g), create_graph=True)
    # the reference from matmul's linearity: entry i of a's vjp is sum(g * conj(e_i @ b))
    def vjp(shape: tuple[int, ...], product: Any) -> np.ndarray:
        basis = np.eye(math.prod(shape)).reshape(-1, *shape)
        return np.array([np.sum(g * np.conj(product(e))) for e in basis]).reshape(shape)

    want_a = vjp(a.shape, lambda e: np.matmul(e, b))
    want_b = vjp(b.shape, lambda e: np.matmul(a, e))
    for grads in (fast, generic):
        np.testing.assert_allclose(values(grads[0]), want_a, atol=1e-12)
        np.testing.assert_allclose(values(grads[1]), want_b, atol=1e-12)


# -- conventions where the gradient is delicate --------------------------------------------
def test_det_gradient_at_a_singular_matrix_is_the_cofactor_matrix(backend: str) -> None:
    # det is a polynomial: its gradient is the cofactor matrix everywhere, also where
    # det = 0. (PyTorch 2.13 returns zeros there; the finite differences disagree.)
    a = np.array([[1.0, 2.0], [2.0, 4.0]])
    x = t(a, grad=True)
    L.det(x).backward()
    np.testing.assert_allclose(values(x.grad), [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)
    y = t([[0.0, 0.0], [0.0, 1.0]], grad=True)
    L.det(y).backward()
    np.testing.assert_allclose(values(y.grad), [[1.0, 0.0], [0.0, 0.0]], atol=1e-12)


def test_eigenvalue_gradient_at_repeated_eigenvalues(backend: str) -> None:
    # Only the eigenvalues used: the gradient is V diag(g) V^T even where they repeat
    # (as PyTorch, whose eigenvector cotangent is then undefined rather than zero).
    x = t(np.eye(3), grad=True)
    weights = t([1.0, 2.0, 3.0])
    (L.eigvalsh(x) * weights).sum().backward()
    np.testing.assert_allclose(values(x.grad), np.diag([1.0, 2.0, 3.0]), atol=1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_eigenvector_gradient_at_repeated_eigenvalues_is_not_finite(backend: str) -> None:
    x = t(np.diag([1.0, 1.0, 2.0]), grad=True)
    vectors = L.eigh(x).eigenvectors
    (vectors * t(RNG.standard_normal((3, 3)))).sum().backward()
    assert not np.all(np.isfinite(values(x.grad)))


def test_singular_value_gradient_at_repeated_and_zero_singular_values(backend: str) -> None:
    a = np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]])  # rank 1: one singular value is 0
    x = t(a, grad=True)
    L.matrix_norm(x, ord="nuc").backward()
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(values(x.grad), u @ vh, atol=1e-12)
    y = t(np.eye(3), grad=True)
    L.svdvals(y).sum().backward()
    np.testing.assert_allclose(values(y.grad), np.eye(3), atol=1e-12)


def test_matrix_power_zero_is_the_identity_with_zero_gradient(backend: str) -> None:
    x = t(RNG.standard_normal((2, 3, 3)), grad=True)
    out = L.matrix_power(x, 0)
    np.testing.assert_array_equal(values(out), np.broadcast_to(np.eye(3), (2, 3, 3)))
    out.sum().backward()
    np.testing.assert_array_equal(values(x.grad), np.zeros((2, 3, 3)))


def test_solve_broadcasts_a_vector_over_batches(backend: str) -> None:
    a, b = RNG.standard_normal((2, 3, 3)), RNG.standard_normal(3)
    x, y = t(a, grad=True), t(b, grad=True)
    out = L.solve(x, y)
    np.testing.assert_allclose(values(out), np.linalg.solve(a, b))
    out.sum().backward()
    assert y.grad.shape == (3,) and x.grad.shape == (2, 3, 3)
    expected = sum(np.linalg.solve(a[i].T, np.ones(3)) for i in range(2))
    np.testing.assert_allclose(values(y.grad), expected)


# -- second derivatives ---------------------------------------------------------------------
def _gradient_of(fn: Callable[..., ad.Tensor]) -> Callable[..., ad.Tensor]:
    """x -> d sum(w * fn(x)) / dx, itself differentiable (create_graph)."""

    def gradient(x: ad.Tensor) -> ad.Tensor:
        if not x.requires_grad:  # a finite-difference probe: a constant
            x = x.detach().requires_grad_(True)
        with ad.enable_grad():  # gradcheck's finite differences run under no_grad
            out = fn(x)
            weights = ad.tensor(np.linspace(0.5, 1.5, out.numel()).reshape(out.shape))
            (grad,) = ad.autograd.grad((out * weights).sum(), x, create_graph=True)
        return grad

    return gradient


def _spd_of(a: ad.Tensor) -> ad.Tensor:
    return a @ a.mT + 3 * ad.eye(a.shape[-1], dtype=a.dtype)


SECOND_ORDER = {
    "inv": L.inv,
    "det": L.det,
    "slogdet": lambda a: L.slogdet(a).logabsdet,
    "solve": lambda a: L.solve(a, ad.tensor([1.0, -2.0, 0.5], dtype=ad.float64)),
    "cholesky": lambda a: L.cholesky(_spd_of(a)),
    "eigh": lambda a: (lambda r: r.eigenvalues.sum() + (r.eigenvectors ** 2 * ad.tensor(
        np.arange(9.0).reshape(3, 3))).sum())(L.eigh(_spd_of(a))),
    "eigvalsh": lambda a: L.eigvalsh(_spd_of(a)),
    "qr": lambda a: (lambda r: r.Q.sum() + r.R.sum())(L.qr(a)),
    "svd": lambda a: (lambda r: (r.U ** 2).sum() + r.S.sum() + (r.Vh[0] ** 2).sum())(L.svd(a)),
    "pinv": L.pinv,
    "matrix_power": lambda a: L.matrix_power(a, -2),
    "matrix_norm_nuc": lambda a: L.matrix_norm(a, ord="nuc"),
    "trace": lambda a: L.trace(a @ a),
    "tensordot": lambda a: ad.tensordot(a, a, axes=([0], [1])),
    "cross": lambda a: L.cross(a, a * a),
}


@pytest.mark.parametrize("name", list(SECOND_ORDER))
def test_second_derivatives(backend: str, name: str) -> None:
    x = t(RNG.standard_normal((3, 3)) + 2 * np.eye(3), grad=True)
    assert ad.testing.gradcheck(_gradient_of(SECOND_ORDER[name]), (x,))


# -- forward mode: the jvp rules against finite differences and against the vjp -----------
def _jvp_cases() -> dict[str, tuple[str, list[np.ndarray], dict[str, Any]]]:
    a, b = spd(3, (2,)), RNG.standard_normal((2, 3, 2))
    tall, wide = RNG.standard_normal((4, 3)), RNG.standard_normal((2, 4))
    square = RNG.standard_normal((3, 3)) + 2 * np.eye(3)
    return {
        "inv": ("inv", [square], {}),
        "det": ("det", [square], {}),
        "det_singular": ("det", [np.array([[1.0, 2.0, 0.0], [2.0, 4.0, 1.0], [0.0, 1.0, 3.0]])],
                         {}),
        "solve": ("solve", [a, b], {"vector": False}),
        "solve_vector": ("solve", [square, RNG.standard_normal(3)], {"vector": True}),
        "pinv_tall": ("pinv", [tall], {"rtol": None}),
        "pinv_wide": ("pinv", [wide], {"rtol": None}),
        "cholesky": ("cholesky", [a], {"upper": False}),
        "cholesky_upper": ("cholesky", [a], {"upper": True}),
        "slogdet": ("slogdet", [square], {"layout": Layout((), ((), ()), (False, True))}),
        "eigh": ("eigh", [a], {"layout": Layout((2,), ((3,), (3, 3)), (True, False))}),
        "qr_tall": ("qr", [tall], {"layout": Layout((), ((4, 3), (3, 3)), (False, False)),
                                   "mode": "reduced"}),
        "qr_wide": ("qr", [wide], {"layout": Layout((), ((2, 2), (2, 4)), (False, False)),
                                   "mode": "reduced"}),
        "svd_tall": ("svd", [tall], {"layout": Layout((), ((4, 3), (3,), (3, 3)),
                                                      (False, True, False)),
                                     "full_matrices": False}),
        "svd_wide": ("svd", [wide], {"layout": Layout((), ((2, 2), (2,), (2, 4)),
                                                      (False, True, False)),
                                     "full_matrices": False}),
        "svd_square_full": ("svd", [square], {"layout": Layout((), ((3, 3), (3,), (3, 3)),
                                                               (False, True, False)),
                                              "full_matrices": True}),
    }


def _symmetrized(name: str, array: np.ndarray) -> np.ndarray:
    # cholesky and eigh read one triangle: perturb them symmetrically
    return (array + np.swapaxes(array, -1, -2)) / 2 if name in ("cholesky", "eigh") else array


@pytest.mark.parametrize("label", list(_jvp_cases()))
def test_jvp_rules(backend: str, label: str) -> None:
    name, arrays, params = _jvp_cases()[label]
    prim = ad.REGISTRY[name]
    assert callable(prim.jvp)
    inputs = [t(array, grad=True) for array in arrays]
    tangents = [t(_symmetrized(name, RNG.standard_normal(array.shape))) for array in arrays]
    out = prim.op(*inputs, **params)
    jvp = values(prim.jvp(tuple(tangents), out, *inputs, **params))
    # against central differences of the primitive itself
    eps = 1e-6
    with ad.no_grad():
        ahead = prim.op(*[t(a + eps * values(d)) for a, d in zip(arrays, tangents, strict=True)],
                        **params)
        behind = prim.op(*[t(a - eps * values(d)) for a, d in zip(arrays, tangents, strict=True)],
                         **params)
    np.testing.assert_allclose(jvp, (values(ahead) - values(behind)) / (2 * eps),
                               rtol=1e-5, atol=1e-6)
    # and against the vjp: <u, J t> = <J^T u, t>
    u = RNG.standard_normal(out.shape)
    pulled = ad.autograd.grad(out, inputs, t(u))
    lhs = float(np.sum(u * jvp))
    rhs = sum(float(np.sum(values(p) * values(d))) for p, d in zip(pulled, tangents, strict=True))
    assert math.isclose(lhs, rhs, rel_tol=1e-6, abs_tol=1e-8)


MINE = ("cholesky", "complex", "conj", "cross", "det", "diag_embed", "diagonal", "eigh", "fftn",
        "fftshift", "imag", "inv", "irfftn", "matmul", "outer", "pinv", "qr", "real", "rfftn",
        "slogdet", "solve", "svd", "tensordot", "trace", "vecdot")


def test_jvp_is_declared_for_every_differentiable_primitive_here() -> None:
    for name in MINE:
        prim = ad.REGISTRY[name]
        assert prim.differentiable and prim.jvp is not None, name


def test_pinv_takes_an_rtol_per_matrix(backend: str) -> None:
    # the standard's rtol may be an array broadcast against the stack: each matrix
    # drops its own small singular values
    rng = np.random.default_rng(3)
    a = rng.standard_normal((3, 4, 4))
    rtol = np.array([1e-12, 0.3, 0.9])
    got = ad.linalg.pinv(ad.tensor(a), rtol=ad.tensor(rtol))
    want = np.stack([np.linalg.pinv(m, rcond=r) for m, r in zip(a, rtol, strict=True)])
    np.testing.assert_allclose(got.numpy(), want, atol=1e-10)
    empty = ad.linalg.pinv(ad.tensor(np.zeros((0, 2, 2))), rtol=ad.tensor(np.zeros(0)))
    assert empty.shape == (0, 2, 2)
