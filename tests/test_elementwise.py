"""PyTorch's conventions of the piecewise element-wise functions at their kinks, ties
and bounds (maximum, clip, rounding, remainder, copysign, pow ...), aliases and errors.

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


# -- maximum and minimum: a tie gives each side half ---------------------------------------
def test_maximum_tie_splits_the_gradient(backend: str) -> None:
    x, y = leaves([1.0, 2.0, 3.0], [1.0, 1.0, 4.0])
    gx, gy = grads(ad.maximum(x, y), x, y)
    close(gx, [0.5, 1.0, 0.0])
    close(gy, [0.5, 0.0, 1.0])


def test_minimum_tie_splits_the_gradient(backend: str) -> None:
    x, y = leaves([1.0, 2.0, 3.0], [1.0, 1.0, 4.0])
    gx, gy = grads(ad.minimum(x, y), x, y)
    close(gx, [0.5, 0.0, 1.0])
    close(gy, [0.5, 1.0, 0.0])


def test_maximum_with_nan_gives_both_sides_the_gradient(backend: str) -> None:
    # PyTorch masks only where one side is strictly smaller; nan compares false
    x, y = leaves([NAN, 1.0], [1.0, NAN])
    out = ad.maximum(x, y)
    assert np.isnan(values(out)).all()
    gx, gy = grads(out, x, y)
    close(gx, [1.0, 1.0])
    close(gy, [1.0, 1.0])


def test_maximum_second_order_through_a_tie(backend: str) -> None:
    x, y = leaves([1.0, 2.0], [1.0, 1.0])
    (gx,) = ad.autograd.grad(ad.maximum(x * x, y).sum(), x, create_graph=True)
    close(gx, [2 * 1.0 * 0.5, 2 * 2.0])  # d(x^2) times the half at the tie
    (ggx,) = ad.autograd.grad(gx.sum(), x)
    close(ggx, [1.0, 2.0])


def test_maximum_node_name(backend: str) -> None:
    x, y = leaves([1.0], [2.0])
    assert type(ad.maximum(x, y).grad_fn).__name__ == "MaximumBackward0"
    assert type(ad.minimum(x, 0.0).grad_fn).__name__ == "MinimumBackward0"


# -- clip / clamp: the gradient passes where min <= x <= max ----------------------------------
def test_clip_gradient_includes_the_bounds(backend: str) -> None:
    (x,) = leaves([-1.0, 0.0, 0.5, 1.0, 2.0])
    out = ad.clip(x, 0.0, 1.0)
    close(out, [0.0, 0.0, 0.5, 1.0, 1.0])
    close(grads(out, x)[0], [0.0, 1.0, 1.0, 1.0, 0.0])


def test_clip_one_bound(backend: str) -> None:
    (x,) = leaves([-1.0, 0.0, 1.0])
    close(grads(ad.clip(x, min=0.0), x)[0], [0.0, 1.0, 1.0])
    close(grads(ad.clip(x, max=0.0), x)[0], [1.0, 1.0, 0.0])


def test_clip_tensor_bounds_get_the_gradient_where_they_clip(backend: str) -> None:
    x, lo, hi = leaves([-1.0, 0.0, 0.5, 1.0, 2.0], [0.0] * 5, [1.0] * 5)
    out = ad.clip(x, lo, hi)
    assert type(out.grad_fn).__name__ == "ClampBackward0"
    gx, glo, ghi = grads(out, x, lo, hi)
    close(gx, [0.0, 1.0, 1.0, 1.0, 0.0])
    close(glo, [1.0, 0.0, 0.0, 0.0, 0.0])  # only where x < min
    close(ghi, [0.0, 0.0, 0.0, 0.0, 1.0])  # only where x > max


def test_clip_min_above_max_gives_max(backend: str) -> None:
    x, lo, hi = leaves([0.5, 0.5], [1.0, 1.0], [0.0, 0.0])
    out = ad.clip(x, lo, hi)
    close(out, [0.0, 0.0])
    gx, glo, ghi = grads(out, x, lo, hi)
    close(gx, [0.0, 0.0])
    close(glo, [0.0, 0.0])
    close(ghi, [1.0, 1.0])
    (y,) = leaves([0.5, 1.5, -1.0])
    out = ad.clip(y, 1.0, 0.0)
    close(out, [0.0, 0.0, 0.0])
    close(grads(out, y)[0], [0.0, 0.0, 0.0])


def test_clip_number_bounds_are_not_edges(backend: str) -> None:
    (x,) = leaves([0.5])
    out = ad.clip(x, 0.0, 1.0)
    assert type(out.grad_fn).__name__ == "ClampBackward1"
    assert len(out.grad_fn.next_functions) == 1


def test_clip_broadcasts_tensor_bounds(backend: str) -> None:
    (x,) = leaves([-2.0, 0.0, 2.0])
    lo = ad.tensor([[-1.0], [1.0]], dtype=ad.float64)
    out = ad.clip(x, lo)
    assert out.shape == (2, 3)
    close(out, [[-1.0, 0.0, 2.0], [1.0, 1.0, 2.0]])
    close(grads(out, x)[0], [0.0, 1.0, 2.0])  # x >= min, summed over the rows


def test_clip_without_bounds_is_a_copy(backend: str) -> None:
    (x,) = leaves([1.0, -2.0])
    out = ad.clip(x)
    assert out is not x
    close(out, [1.0, -2.0])
    close(grads(out, x)[0], [1.0, 1.0])


def test_clip_keeps_integers_and_promotes_for_a_float_bound(backend: str) -> None:
    x = ad.tensor([1, 5, 9])
    assert ad.clip(x, 2, 6).dtype == ad.int64
    assert ad.clip(x, 2, 6).tolist() == [2, 5, 6]
    assert ad.clip(x, 2.5).dtype == ad.get_default_dtype()


def test_clamp_is_clip_and_needs_a_bound(backend: str) -> None:
    (x,) = leaves([-3.0, 0.25, 3.0])
    close(ad.clamp(x, -1.0, 1.0), [-1.0, 0.25, 1.0])
    close(x.clamp(min=0.0), [0.0, 0.25, 3.0])
    close(x.clip(max=0.0), [-3.0, 0.0, 0.0])
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
        ad.clamp(x)


def test_clip_refuses_a_bound_that_is_not_a_number(backend: str) -> None:
    x = ad.tensor([1.0])
    with pytest.raises(TypeError, match=r"clip: min must be a Tensor, a real Python number"):
        ad.clip(x, [0.0])
    with pytest.raises(TypeError, match=r"clip: max must be .* got complex"):
        ad.clip(x, None, 1j)


# -- rounding and sign: a grad_fn with a zero gradient ---------------------------------------
@pytest.mark.parametrize("name, node", [("floor", "FloorBackward0"), ("ceil", "CeilBackward0"),
                                        ("round", "RoundBackward0"), ("trunc", "TruncBackward0"),
                                        ("sign", "SignBackward0")])
def test_piecewise_constant_functions_have_zero_gradient(backend: str, name: str,
                                                          node: str) -> None:
    (x,) = leaves([-1.5, 0.0, 0.5, 2.0, 2.7])
    out = getattr(ad, name)(x)
    assert type(out.grad_fn).__name__ == node
    (gx,) = ad.autograd.grad(out, x, ad.tensor([1.0, INF, NAN, 2.0, -1.0], dtype=ad.float64))
    close(gx, [0.0] * 5)  # zero even for an inf or nan cotangent


def test_round_is_half_to_even(backend: str) -> None:
    close(ad.round(ad.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])),
          [-2.0, -2.0, -0.0, 0.0, 2.0, 2.0])


def test_round_decimals(backend: str) -> None:
    (x,) = leaves([1.25, 1.35, -1.25, 125.0])
    out = ad.round(x, decimals=1)
    assert type(out.grad_fn).__name__ == "RoundBackward1"
    close(out, [1.2, 1.4, -1.2, 125.0])  # half to even on x * 10: 12.5 -> 12, 13.5 -> 14
    close(ad.round(ad.tensor([125.0, 135.0, -151.0]), decimals=-1), [120.0, 140.0, -150.0])
    with pytest.raises(TypeError, match="round: decimals must be an int, got float"):
        ad.round(x, decimals=1.5)


def test_rounding_integers_gives_integers_without_graph(backend: str) -> None:
    x = ad.tensor([-3, 0, 4])
    for fn in (ad.floor, ad.ceil, ad.round, ad.trunc):
        out = fn(x)
        assert out.dtype == ad.int64
        assert out.tolist() == [-3, 0, 4]
        assert out.grad_fn is None


# -- remainder and floor_divide ------------------------------------------------------------------
def test_remainder_gradient(backend: str) -> None:
    x, y = leaves([5.0, -5.0, 4.0], [3.0, 3.0, 2.0])
    out = ad.remainder(x, y)
    close(out, [2.0, 1.0, 0.0])
    assert type(out.grad_fn).__name__ == "RemainderBackward1"
    gx, gy = grads(out, x, y)
    close(gx, [1.0, 1.0, 1.0])
    close(gy, [-1.0, 2.0, -2.0])  # -floor(x / y)


def test_remainder_takes_the_sign_of_the_divisor(backend: str) -> None:
    close(ad.remainder(ad.tensor([5.0, -5.0, 5.0, -5.0]), ad.tensor([3.0, 3.0, -3.0, -3.0])),
          [2.0, 1.0, -1.0, -2.0])
    assert (ad.tensor([5, -5, 5, -5]) % ad.tensor([3, 3, -3, -3])).tolist() == [2, 1, -1, -2]


def test_remainder_with_a_number(backend: str) -> None:
    (x,) = leaves([5.5, -0.5])
    out = x % 2
    assert type(out.grad_fn).__name__ == "RemainderBackward0"
    assert len(out.grad_fn.next_functions) == 1
    close(out, [1.5, 1.5])
    (y,) = leaves([2.0, -4.0])
    out = 7.5 % y
    close(out, [1.5, -0.5])
    close(grads(out, y)[0], [-3.0, 2.0])  # -floor(7.5 / y)


def test_floor_divide_has_zero_gradient(backend: str) -> None:
    x, y = leaves([5.0, -5.0], [3.0, 3.0])
    out = x // y
    close(out, [1.0, -2.0])
    assert type(out.grad_fn).__name__ == "FloorDivideBackward0"
    gx, gy = grads(out, x, y)
    close(gx, [0.0, 0.0])
    close(gy, [0.0, 0.0])


def test_floor_divide_dtypes(backend: str) -> None:
    assert (ad.tensor([5, -5]) // 2).tolist() == [2, -3]
    assert (ad.tensor([5]) // 2).dtype == ad.int64
    assert (ad.tensor([5]) // 2.5).dtype == ad.get_default_dtype()
    assert (7 // ad.tensor([2, -2])).tolist() == [3, -4]


@pytest.mark.parametrize("op", [lambda x, y: x // y, lambda x, y: x % y])
def test_integer_division_by_zero_raises(backend: str, op: Any) -> None:
    with pytest.raises(RuntimeError, match="integer division by zero"):
        op(ad.tensor([1, 2]), ad.tensor([1, 0]))
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        op(ad.tensor([1, 2]), 0)


def test_float_division_by_zero_is_ieee(backend: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        close(ad.tensor([1.0, -1.0]) // 0.0, [INF, -INF])
        assert np.isnan(values(ad.tensor([1.0]) % 0.0)).all()


# -- copysign, nextafter -----------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # inf / inf
def test_copysign_gradient(backend: str) -> None:
    x, y = leaves([1.0, -2.0, 0.0, 3.0, INF, NAN], [-1.0, 1.0, -1.0, 0.0, -1.0, -1.0])
    out = ad.copysign(x, y)
    assert type(out.grad_fn).__name__ == "CopysignBackward0"
    gx, gy = grads(out, x, y)
    # result / x: the sign flip, 0 where x == 0, nan where x is inf or nan (inf / inf)
    np.testing.assert_array_equal(values(gx), [-1.0, -1.0, 0.0, 1.0, NAN, NAN])
    close(gy, [0.0] * 6)


def test_copysign_with_a_number(backend: str) -> None:
    (x,) = leaves([1.0, -2.0])
    out = ad.copysign(x, -0.0)
    close(out, [-1.0, -2.0])
    assert type(out.grad_fn).__name__ == "CopysignBackward1"
    assert len(out.grad_fn.next_functions) == 1
    close(grads(out, x)[0], [-1.0, 1.0])


def test_nextafter_gradient(backend: str) -> None:
    x, y = leaves([1.0, 2.0], [2.0, 0.0])
    out = ad.nextafter(x, y)
    np.testing.assert_array_equal(values(out), np.nextafter([1.0, 2.0], [2.0, 0.0]))
    gx, gy = grads(out, x, y)
    close(gx, [1.0, 1.0])
    close(gy, [0.0, 0.0])


# -- pow at a zero or negative base -------------------------------------------------------------
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # 0 ** -1 and log(0)
def test_pow_exponent_gradient_at_a_zero_base(backend: str) -> None:
    x, y = leaves([0.0, 0.0, 0.0, -2.0], [2.0, 0.0, -1.0, 2.0])
    gx, gy = grads(x**y, x, y)
    # x**y * log(x), but 0 where x == 0 and y >= 0; -inf at 0**-1, nan at a negative base
    np.testing.assert_array_equal(values(gy), [0.0, 0.0, -INF, NAN])
    np.testing.assert_array_equal(values(gx), [0.0, 0.0, -INF, -4.0])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("base, expected", [
    (0.0, [0.0, 0.0, -INF]), (-2.0, [NAN, NAN, NAN]),
    (2.0, [4 * math.log(2), math.log(2), 0.5 * math.log(2)])])
def test_pow_exponent_gradient_with_a_number_base(backend: str, base: float,
                                                   expected: list[float]) -> None:
    (y,) = leaves([2.0, 0.0, -1.0])
    np.testing.assert_allclose(values(grads(base**y, y)[0]), expected, rtol=1e-12)


def test_methods_and_aliases(backend: str) -> None:
    x = ad.tensor([-1.5, 0.5], dtype=ad.float64)
    close(x.floor(), [-2.0, 0.0])
    close(x.maximum(ad.zeros(2, dtype=ad.float64)), [0.0, 0.5])
    close(x.floor_divide(0.5), [-3.0, 1.0])
    close(x.remainder(1.0), [0.5, 0.5])
    close(x.atan2(ad.ones(2, dtype=ad.float64)), np.arctan2([-1.5, 0.5], [1.0, 1.0]))
    assert ad.bitwise_not is ad.bitwise_invert
    assert ad.clamp is not ad.clip  # clamp refuses to have no bound
