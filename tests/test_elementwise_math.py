"""The smooth element-wise functions (``ops/elementwise_math.py``) at the edges of their
domains, and second derivatives of the element-wise rules.

The expected numbers follow from the conventions written in docs/api/elementwise.md,
each checked against PyTorch 2.13 (``torch`` itself is not imported). Tests that take
the ``backend`` fixture run once per usable backend.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from elementwise_helpers import INF, NAN, close, grads, leaves, values

import autodiff as ad


# -- the smooth functions at the edges of their domains ----------------------------------------
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy warns at 1/0
def test_inverse_functions_at_the_edge_of_the_domain(backend: str) -> None:
    (x,) = leaves([1.0])
    assert values(grads(ad.asin(x), x)[0]).tolist() == [INF]
    assert values(grads(ad.acos(x), x)[0]).tolist() == [-INF]
    assert values(grads(ad.acosh(x), x)[0]).tolist() == [INF]
    assert values(grads(ad.atanh(x), x)[0]).tolist() == [INF]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy warns at 1/0
def test_atan2_at_the_origin_has_zero_gradient(backend: str) -> None:
    y, x = leaves([0.0, 1.0], [0.0, 1.0])
    out = ad.atan2(y, x)
    close(out, [0.0, math.pi / 4])
    gy, gx = grads(out, y, x)
    close(gy, [0.0, 0.5])  # x / (x^2 + y^2), 0 where that is inf
    close(gx, [0.0, -0.5])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy warns at 1/0
def test_hypot_at_the_origin_is_nan(backend: str) -> None:
    x, y = leaves([3.0, 0.0], [4.0, 0.0])
    out = ad.hypot(x, y)
    close(out, [5.0, 0.0])
    gx, gy = grads(out, x, y)
    np.testing.assert_array_equal(values(gx), [0.6, NAN])
    np.testing.assert_array_equal(values(gy), [0.8, NAN])


def test_logaddexp_is_stable(backend: str) -> None:
    x, y = leaves([1000.0, -1000.0, 1000.0, 1.0], [1000.0, -1000.0, -1000.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow anywhere, forward or backward
        out = ad.logaddexp(x, y)
        gx, gy = grads(out, x, y)
    close(out, np.logaddexp([1000.0, -1000.0, 1000.0, 1.0], [1000.0, -1000.0, -1000.0, 2.0]))
    softmax = 1.0 / (1.0 + math.exp(1.0))
    close(gx, [0.5, 0.5, 1.0, softmax])
    close(gy, [0.5, 0.5, 0.0, 1.0 - softmax])


def test_logaddexp_of_two_equal_infinities_has_nan_gradient(backend: str) -> None:
    x, y = leaves([INF, -INF], [INF, -INF])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ad.logaddexp(x, y)
        gx, _ = grads(out, x, y)
    assert values(out).tolist() == [INF, -INF]
    assert np.isnan(values(gx)).all()


def test_smooth_function_gradients(backend: str) -> None:
    (x,) = leaves([0.5, 2.0])
    close(grads(ad.log2(x), x)[0], [1 / (0.5 * math.log(2)), 1 / (2.0 * math.log(2))])
    close(grads(ad.log10(x), x)[0], [1 / (0.5 * math.log(10)), 1 / (2.0 * math.log(10))])
    close(grads(ad.reciprocal(x), x)[0], [-4.0, -0.25])
    close(grads(ad.tan(x), x)[0], [1 / math.cos(0.5) ** 2, 1 / math.cos(2.0) ** 2])
    close(grads(ad.sinh(x), x)[0], [math.cosh(0.5), math.cosh(2.0)])
    close(grads(ad.cosh(x), x)[0], [math.sinh(0.5), math.sinh(2.0)])
    close(grads(ad.square(x), x)[0], [1.0, 4.0])
    assert type(ad.square(x).grad_fn).__name__ == "PowBackward0"  # PyTorch records x ** 2


# -- second order: the rules are autodiff ops, so they differentiate again -------------------
def _second_order(fn: Any) -> Any:
    """The gradient of ``fn(...).sum()`` as a function, to gradcheck (finite differences
    call it with plain copies of the inputs, under no_grad)."""
    def gradient(*inputs: ad.Tensor) -> Any:
        inputs = tuple(t if t.requires_grad else t.detach().requires_grad_() for t in inputs)
        with ad.enable_grad():
            return ad.autograd.grad(fn(*inputs).sum(), inputs, create_graph=True)
    return gradient


@pytest.mark.parametrize("fn, domain", [
    (ad.acos, [-0.6, 0.2, 0.7]), (ad.acosh, [1.5, 3.0]), (ad.asin, [-0.6, 0.2, 0.7]),
    (ad.asinh, [-1.5, 0.3]), (ad.atan, [-1.5, 0.3]), (ad.atanh, [-0.6, 0.5]),
    (ad.cosh, [-1.5, 0.3]), (ad.sinh, [-1.5, 0.3]), (ad.tan, [-1.0, 0.3]),
    (ad.log2, [0.5, 3.0]), (ad.log10, [0.5, 3.0]), (ad.square, [-1.5, 0.3]),
    (ad.reciprocal, [-1.5, 0.3])])
def test_unary_second_order(backend: str, fn: Any, domain: list[float]) -> None:
    assert ad.testing.gradcheck(_second_order(fn), leaves(domain))


@pytest.mark.parametrize("fn", [ad.atan2, ad.hypot, ad.logaddexp, ad.maximum, ad.minimum,
                                lambda x, y: ad.clip(x * 3, y, 1.0),
                                lambda x, y: ad.remainder(x * 5, y + 2.0),
                                lambda x, y: ad.copysign(x, y)])
def test_binary_second_order(backend: str, fn: Any) -> None:
    x, y = leaves([0.7, -1.3, 0.4], [-0.5, 0.9, 1.7])
    assert ad.testing.gradcheck(_second_order(fn), [x, y])
