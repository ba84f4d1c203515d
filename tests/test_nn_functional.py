"""Options, errors and edges of the activations and layers in ``autodiff.nn.functional``
that the conformance cases cannot express: the gradient at each kink (PyTorch's, written
down from torch 2.13 by hand), values and gradients at +-1000, ``inplace=``, randomness."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff as ad

F = ad.nn.functional


def _value_and_grad(fn: Callable[[ad.Tensor], ad.Tensor], points: list[float],
                    dtype: Any = ad.float64) -> tuple[np.ndarray, np.ndarray]:
    x = ad.tensor(points, dtype=dtype, requires_grad=True)
    y = fn(x)
    y.sum().backward()
    return y.detach().numpy(), x.grad.numpy()


# -- the gradient at each kink is PyTorch's -----------------------------------------------
KINKS = [
    # (function, points, PyTorch's gradient there)
    (F.elu, [0.0], [1.0]),
    (lambda x: F.elu(x, alpha=0.5), [0.0], [0.5]),
    (F.selu, [0.0], [1.7580993408473766]),
    (F.leaky_relu, [0.0], [0.01]),
    (F.hardtanh, [-1.0, 1.0, 0.0], [0.0, 0.0, 1.0]),
    (F.relu6, [0.0, 6.0], [0.0, 0.0]),
    (F.hardsigmoid, [-3.0, 3.0], [0.0, 0.0]),
    (F.hardswish, [-3.0, 3.0], [0.0, 1.0]),
    (F.softsign, [0.0], [1.0]),
    (lambda x: F.threshold(x, 0.5, -2.0), [0.5], [0.0]),
    (F.hardshrink, [0.5, -0.5], [0.0, 0.0]),
    (F.softshrink, [0.5, -0.5], [0.0, 0.0]),
    (lambda x: F.prelu(x, ad.tensor([0.25], dtype=x.dtype)), [0.0], [0.25]),
    (F.rrelu, [0.0], [0.22916666666666666]),
    (F.softplus, [20.0, 20.5], [0.9999999979388464, 1.0]),
    (lambda x: F.softplus(x, beta=2.0, threshold=10.0), [5.0, 5.1], [0.9999546021312976, 1.0]),
    (F.mish, [0.0], [0.6]),
    (F.gelu, [0.0], [0.5]),
    (lambda x: F.gelu(x, approximate="tanh"), [0.0], [0.5]),
]


@pytest.mark.parametrize(("fn", "points", "want"), KINKS)
def test_gradient_at_the_kinks_is_pytorchs(fn: Any, points: list[float], want: list[float],
                                           backend: str) -> None:
    _, grad = _value_and_grad(fn, points)
    np.testing.assert_allclose(grad, want, rtol=1e-12, atol=1e-15)


# -- +-1000: finite and exact, values and gradients ----------------------------------------
EXTREMES = [
    # (function, value at [-1000, 1000], gradient there), PyTorch's
    (F.softplus, [0.0, 1000.0], [0.0, 1.0]),
    (F.logsigmoid, [-1000.0, 0.0], [1.0, 0.0]),
    (F.mish, [0.0, 1000.0], [0.0, 1.0]),
    (F.silu, [0.0, 1000.0], [0.0, 1.0]),
    (F.elu, [-1.0, 1000.0], [0.0, 1.0]),
    (F.selu, [-1.7580993408473766, 1050.7009873554805], [0.0, 1.0507009873554805]),
    (F.gelu, [0.0, 1000.0], [0.0, 1.0]),
    (lambda x: F.gelu(x, approximate="tanh"), [0.0, 1000.0], [0.0, 1.0]),
    (F.tanhshrink, [-999.0, 999.0], [1.0, 1.0]),
]


@pytest.mark.parametrize(("fn", "value", "grad"), EXTREMES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_finite_and_exact_at_the_extremes(fn: Any, value: list[float], grad: list[float],
                                          dtype: str, backend: str) -> None:
    with np.errstate(over="raise", invalid="raise"):  # not even in a discarded branch
        got_value, got_grad = _value_and_grad(fn, [-1000.0, 1000.0], getattr(ad, dtype))
    rtol = 1e-6 if dtype == "float32" else 1e-14
    np.testing.assert_allclose(got_value, value, rtol=rtol, atol=0)
    np.testing.assert_allclose(got_grad, grad, rtol=rtol, atol=0)


def test_gelu_matches_the_error_function_in_float64(backend: str) -> None:
    import math

    x = np.linspace(-38.0, 10.0, 4001)
    want = np.array([v * 0.5 * math.erfc(-v / math.sqrt(2.0)) for v in x])
    got = F.gelu(ad.tensor(x)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


def test_activations_keep_float32(backend: str) -> None:
    x = ad.tensor([-2.0, 0.5, 3.0], dtype=ad.float32)
    for fn in (F.gelu, F.silu, F.mish, F.elu, F.selu, F.softplus, F.logsigmoid, F.hardtanh,
               F.hardswish, F.hardsigmoid, F.relu6, F.leaky_relu, F.softsign, F.tanhshrink,
               F.hardshrink, F.softshrink, F.rrelu, F.tanh, F.sigmoid):
        assert fn(x).dtype == ad.float32, fn


# -- inplace= ------------------------------------------------------------------------------
INPLACE = [F.elu, F.selu, F.silu, F.mish, F.leaky_relu, F.hardtanh, F.relu6, F.hardsigmoid,
           F.hardswish, F.rrelu, lambda x, inplace: F.threshold(x, 0.0, 1.0, inplace=inplace)]


@pytest.mark.parametrize("fn", INPLACE)
def test_inplace_writes_into_the_input_and_keeps_the_gradient(fn: Any, backend: str) -> None:
    leaf = ad.tensor([-1.5, 0.5, 2.0], dtype=ad.float64, requires_grad=True)
    x = leaf * 1.0
    want = fn(leaf * 1.0, inplace=False)
    out = fn(x, inplace=True)
    assert out is x
    np.testing.assert_array_equal(x.detach().numpy(), want.detach().numpy())
    (got_grad,) = ad.autograd.grad(out.sum(), leaf)
    (want_grad,) = ad.autograd.grad(want.sum(), leaf)
    np.testing.assert_array_equal(got_grad.numpy(), want_grad.numpy())


def test_inplace_on_a_leaf_that_requires_grad_raises(backend: str) -> None:
    x = ad.tensor([1.0, -1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        F.elu(x, inplace=True)


# -- options and errors --------------------------------------------------------------------
def test_rrelu_in_training_draws_slopes_in_bounds(backend: str) -> None:
    ad.manual_seed(0)
    x = ad.full((1000,), -1.0, dtype=ad.float64, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    slopes = -y.detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes)  # each element's own slope
    positive = F.rrelu(ad.tensor([2.0]), training=True)
    assert positive.item() == 2.0
    with pytest.raises(RuntimeError, match="Lower bound should be less than or equal"):
        F.rrelu(x, 0.5, 0.1)


def test_glu_errors(backend: str) -> None:
    with pytest.raises(RuntimeError, match="Halving dimension must be even, but dimension 1 "
                                           "is size 3"):
        F.glu(ad.ones((2, 3)))
    with pytest.raises(RuntimeError, match="glu does not support scalars"):
        F.glu(ad.tensor(1.0))
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.glu(ad.ones((2, 4)), dim=2)


def test_activation_option_errors(backend: str) -> None:
    x = ad.tensor([1.0, -1.0])
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(x, approximate="erf")
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(x, 1.0, -1.0)
    with pytest.raises(RuntimeError, match="lambda must be greater or equal to 0"):
        F.softshrink(x, -1.0)
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel "
                                           "size. Found parameter numbers = 3 and channel "
                                           "size = 2."):
        F.prelu(ad.ones((4, 2)), ad.ones(3))
    with pytest.raises(NotImplementedError):
        F.softplus(ad.tensor([1.0 + 1.0j]))


def test_softmin_dtype_and_hardshrink_method(backend: str) -> None:
    x = ad.tensor([[1.0, 2.0]], dtype=ad.float32)
    got = F.softmin(x, dim=1, dtype=ad.float64)
    assert got.dtype == ad.float64
    np.testing.assert_allclose(got.numpy(), [[1 / (1 + np.exp(-1)), 1 / (1 + np.exp(1))]])
    np.testing.assert_array_equal(ad.tensor([0.3, 0.7], dtype=ad.float64).hardshrink().numpy(), [0.0, 0.7])


def test_functional_aliases() -> None:
    assert F.tanh is ad.tanh and F.sigmoid is ad.sigmoid
