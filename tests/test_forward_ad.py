"""Forward-mode AD through dual tensors (``autodiff.autograd.forward_ad``)."""

from __future__ import annotations

import numpy as np
import pytest
from backend_helpers import device_suffix

import autodiff as ad

fwAD = ad.autograd.forward_ad


def _values(tensor: ad.Tensor) -> np.ndarray:
    return tensor.detach().numpy()


def test_tangent_of_a_composite(backend: str) -> None:
    x0, t0 = np.array([0.3, -1.1, 2.0]), np.array([1.0, 0.5, -2.0])
    with fwAD.dual_level():
        x = fwAD.make_dual(ad.tensor(x0), ad.tensor(t0))
        y = (ad.tanh(x) * x).sum() / ad.exp(x).sum()
        primal, tangent = fwAD.unpack_dual(y)
    # the same directional derivative by the chain rule, by hand
    num = np.sum(np.tanh(x0) * x0)
    den = np.sum(np.exp(x0))
    d_num = np.sum(((1 - np.tanh(x0) ** 2) * x0 + np.tanh(x0)) * t0)
    d_den = np.sum(np.exp(x0) * t0)
    np.testing.assert_allclose(_values(primal), num / den)
    np.testing.assert_allclose(_values(tangent), (d_num * den - num * d_den) / den**2)


def test_tangents_are_gone_after_the_level(backend: str) -> None:
    with fwAD.dual_level():
        y = fwAD.make_dual(ad.tensor(3.0), ad.tensor(1.0)) ** 2
        assert fwAD.unpack_dual(y).tangent.item() == 6.0
        assert f"tangent=tensor(6.{device_suffix(backend)})" in repr(y)
    assert fwAD.unpack_dual(y).tangent is None
    assert "tangent" not in repr(y)


def test_make_dual_errors(backend: str) -> None:
    with pytest.raises(RuntimeError, match="Trying to create a dual Tensor for forward AD but "
                                           "no level exists"):
        fwAD.make_dual(ad.ones(2), ad.ones(2))
    with fwAD.dual_level():
        with pytest.raises(RuntimeError, match=r"Tensor is of size \[2\] while the given "
                                               r"forward gradient is of size \[3\]"):
            fwAD.make_dual(ad.ones(2), ad.ones(3))
        with pytest.raises(ValueError, match="Expected primal to be floating point or "
                                             "complex, but got: autodiff.int64"):
            fwAD.make_dual(ad.ones(2, dtype=ad.int64), ad.ones(2))


def test_dual_stays_in_the_reverse_graph(backend: str) -> None:
    w = ad.tensor([1.0, 2.0], requires_grad=True)
    with fwAD.dual_level():
        x = fwAD.make_dual(w, ad.ones(2))
        y = (x * x).sum()
        y.backward()
        assert fwAD.unpack_dual(y).tangent.item() == 6.0  # 2 * (1 + 2)
    np.testing.assert_allclose(_values(w.grad), [2.0, 4.0])


def test_forward_over_reverse_gives_a_hessian_vector_product(backend: str) -> None:
    x0, v0 = np.array([0.5, -1.0]), np.array([1.0, 2.0])
    with fwAD.dual_level():
        x = fwAD.make_dual(ad.tensor(x0, requires_grad=True), ad.tensor(v0))
        f = (x[0] ** 2 * x[1] + ad.sin(x[1])).sum()
        (grad,) = ad.autograd.grad(f, x, create_graph=True)
        hvp = fwAD.unpack_dual(grad).tangent
    a, b = x0
    hessian = np.array([[2 * b, 2 * a], [2 * a, -np.sin(b)]])
    np.testing.assert_allclose(_values(hvp), hessian @ v0)


def test_nested_levels_give_second_derivatives(backend: str) -> None:
    with fwAD.dual_level():
        x = fwAD.make_dual(ad.tensor(0.7), ad.tensor(1.0))
        with fwAD.dual_level():
            inner = fwAD.make_dual(x, ad.tensor(1.0))
            first = fwAD.unpack_dual(ad.sin(inner) * inner).tangent
        second = fwAD.unpack_dual(first).tangent
    # d/dx (x sin x) = sin x + x cos x;  d2 = 2 cos x - x sin x
    np.testing.assert_allclose(_values(first), np.sin(0.7) + 0.7 * np.cos(0.7))
    np.testing.assert_allclose(_values(second), 2 * np.cos(0.7) - 0.7 * np.sin(0.7))


def test_inplace_ops_carry_tangents(backend: str) -> None:
    with fwAD.dual_level():
        x = fwAD.make_dual(ad.tensor([1.0, 2.0]), ad.tensor([1.0, 0.0]))
        y = x * 1.0
        y.mul_(x)
        y[1] = 5.0
        tangent = fwAD.unpack_dual(y).tangent
    np.testing.assert_allclose(_values(tangent), [2.0, 0.0])
