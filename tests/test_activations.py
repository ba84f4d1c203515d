"""relu, sigmoid and softmax at the edges PyTorch defines: 0-d and empty inputs, second
derivatives, complex inputs; and matrix_rank of empty matrices."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff as ad
from autodiff.autograd import forward_ad

F = ad.nn.functional


# -- relu ---------------------------------------------------------------------------------
# numpy's own relu rule (backends/numpy.py) once wrote its mask with ``out=`` into the
# numpy scalar ``np.less_equal`` gives for a 0-d array: "return arrays must be of ArrayType"
@pytest.mark.parametrize(("value", "want"), [(1.5, 1.0), (-1.5, 0.0), (0.0, 0.0)])
def test_relu_of_a_0d_tensor_backward(backend: str, value: float, want: float) -> None:
    for dtype in (ad.float32, ad.float64):
        x = ad.tensor(value, dtype=dtype, requires_grad=True)
        F.relu(x).backward()
        assert x.grad.shape == () and x.grad.dtype == dtype
        assert x.grad.item() == want


def test_relu_second_derivative_is_zero(backend: str) -> None:
    x = ad.tensor([1.0, -2.0, 3.0, 0.0], dtype=ad.float64, requires_grad=True)
    (g,) = ad.autograd.grad(F.relu(x).sum(), x, create_graph=True)
    # PyTorch's first derivative depends on relu's output, with a zero derivative
    assert type(g.grad_fn).__name__ == "ThresholdBackwardBackward0"
    np.testing.assert_array_equal(g.detach().numpy(), [1.0, 0.0, 1.0, 0.0])
    (gg,) = ad.autograd.grad(g.sum(), x)
    np.testing.assert_array_equal(gg.numpy(), np.zeros(4))
    # through a longer chain, the hessian-vector product of relu(x)**2 is 2 * [x > 0]
    (g2,) = ad.autograd.grad((F.relu(x) ** 2).sum(), x, create_graph=True)
    (hv,) = ad.autograd.grad(g2.sum(), x)
    np.testing.assert_array_equal(hv.numpy(), [2.0, 0.0, 2.0, 0.0])


def test_relu_of_complex_raises(backend: str) -> None:
    z = ad.tensor([1.0 + 1.0j, -1.0 - 2.0j], dtype=ad.complex128)
    with pytest.raises(NotImplementedError, match="^clamp is not supported for complex types$"):
        F.relu(z)
    with pytest.raises(NotImplementedError, match="clamp is not supported for complex types"):
        z.relu()


# -- sigmoid on complex inputs --------------------------------------------------------------
Z = np.array([0.3 + 0.7j, -1.2 + 0.4j, 2.0 - 1.5j, -0.5 - 0.25j])
U = np.array([0.5, -1.0, 2.0, 0.25])  # the real loss sum(U re(s) + V im(s))
V = np.array([1.5, 0.75, -0.5, 1.0])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _loss(z: np.ndarray) -> float:
    s = _sigmoid(z)
    return float(np.sum(U * s.real + V * s.imag))


def test_sigmoid_of_complex_is_complex(backend: str) -> None:
    for dtype in (ad.complex64, ad.complex128):
        got = F.sigmoid(ad.tensor(Z, dtype=dtype))
        assert got.dtype == dtype
        rtol = 1e-6 if dtype == ad.complex64 else 1e-14
        np.testing.assert_allclose(got.numpy(), _sigmoid(Z), rtol=rtol)
    # no overflow where exp(-z) would: the other form is used for Re z < 0
    with np.errstate(over="raise", invalid="raise"):
        far = F.sigmoid(ad.tensor([-800.0 + 1.0j, 800.0 - 1.0j], dtype=ad.complex128))
    np.testing.assert_allclose(far.numpy(), [0.0, 1.0], atol=1e-300)


def test_sigmoid_complex_gradient_is_pytorchs(backend: str) -> None:
    # PyTorch's convention: a complex leaf gets dL/d(re z) + i dL/d(im z) of a real loss
    z = ad.tensor(Z, dtype=ad.complex128, requires_grad=True)
    s = F.sigmoid(z)
    u, v = ad.tensor(U, dtype=ad.float64), ad.tensor(V, dtype=ad.float64)
    (u * ad.real(s) + v * ad.imag(s)).sum().backward()
    eps = 1e-6
    want = np.array([
        (_loss(Z + eps * e) - _loss(Z - eps * e)) / (2 * eps)
        + 1j * (_loss(Z + 1j * eps * e) - _loss(Z - 1j * eps * e)) / (2 * eps)
        for e in np.eye(len(Z))])
    np.testing.assert_allclose(z.grad.numpy(), want, rtol=1e-7, atol=1e-9)


def test_sigmoid_through_a_complex_intermediate_matches_differences(backend: str) -> None:
    a = ad.tensor(Z.real, dtype=ad.float64, requires_grad=True)
    b = ad.tensor(Z.imag, dtype=ad.float64, requires_grad=True)
    u, v = ad.tensor(U, dtype=ad.float64), ad.tensor(V, dtype=ad.float64)

    def loss(re: ad.Tensor, im: ad.Tensor) -> ad.Tensor:
        s = F.sigmoid(ad.complex(re, im))
        return u * ad.real(s) + v * ad.imag(s)

    assert ad.testing.gradcheck(loss, (a, b))


def test_sigmoid_complex_tangent(backend: str) -> None:
    # forward mode pushes a tangent t to sigmoid'(z) t, holomorphic (no conjugate)
    t = np.array([1.0 - 0.5j, 0.25j, -1.0, 0.5 + 0.5j])
    with forward_ad.dual_level():
        z = forward_ad.make_dual(ad.tensor(Z, dtype=ad.complex128),
                                 ad.tensor(t, dtype=ad.complex128))
        tangent = forward_ad.unpack_dual(F.sigmoid(z)).tangent
    eps = 1e-6
    want = (_sigmoid(Z + eps * t) - _sigmoid(Z - eps * t)) / (2 * eps)
    np.testing.assert_allclose(tangent.numpy(), want, rtol=1e-7, atol=1e-9)


# -- empty inputs -------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax], ids=["softmax", "log_softmax"])
@pytest.mark.parametrize(("shape", "dim"), [((0,), 0), ((0, 3), 0), ((0, 3), 1), ((2, 0), 1),
                                            ((2, 0), 0), ((2, 0, 3), -1)])
def test_softmax_of_an_empty_tensor_is_empty(backend: str, fn: object, shape: tuple[int, ...],
                                             dim: int) -> None:
    x = ad.ones(*shape, dtype=ad.float64, requires_grad=True)
    with np.errstate(all="raise"):  # nothing to warn about either
        out = fn(x, dim=dim)  # type: ignore[operator]
        assert out.shape == shape and out.dtype == ad.float64
        assert out.requires_grad
        out.sum().backward()
    assert x.grad.shape == shape


@pytest.mark.parametrize(("shape", "want"), [((0, 0), 0), ((0, 3), 0), ((3, 0), 0),
                                             ((2, 0, 0), [0, 0]), ((2, 3, 0), [0, 0]),
                                             ((0, 2, 2), [])])
def test_matrix_rank_of_empty_matrices(backend: str, shape: tuple[int, ...],
                                       want: object) -> None:
    # PyTorch: an empty matrix has rank 0 (and an empty batch an empty result)
    rank = ad.linalg.matrix_rank(ad.ones(*shape))
    assert rank.dtype == ad.int64
    assert rank.shape == np.shape(want)
    np.testing.assert_array_equal(rank.numpy(), want)
