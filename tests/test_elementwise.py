"""PyTorch's conventions of the element-wise functions at their kinks, ties and bounds,
their dtypes, operators, aliases and errors.

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

import autodiff as ad

NAN, INF = math.nan, math.inf


def values(tensor: Any) -> np.ndarray:
    return np.asarray(tensor.tolist(), dtype=np.float64)


def close(tensor: Any, expected: Any) -> None:
    np.testing.assert_allclose(values(tensor), np.asarray(expected, dtype=np.float64),
                               rtol=1e-12, atol=1e-12)


def leaves(*rows: Any) -> list[ad.Tensor]:
    return [ad.tensor(row, dtype=ad.float64, requires_grad=True) for row in rows]


def grads(out: ad.Tensor, *inputs: ad.Tensor) -> list[Any]:
    return list(ad.autograd.grad(out.sum(), inputs, allow_unused=True))


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


# -- dtypes --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["exp", "sqrt", "log2", "acos", "sinh", "reciprocal"])
def test_floating_functions_compute_integers_in_the_default_float(backend: str,
                                                                  name: str) -> None:
    x = ad.tensor([1, 1])
    assert getattr(ad, name)(x).dtype == ad.float32
    previous = ad.get_default_dtype()
    ad.set_default_dtype(ad.float64)
    try:
        assert getattr(ad, name)(x).dtype == ad.float64
    finally:
        ad.set_default_dtype(previous)


def test_binary_floating_functions_promote_integers(backend: str) -> None:
    i = ad.tensor([1, 2])
    assert ad.atan2(i, i).dtype == ad.float32
    assert ad.copysign(i, ad.tensor([-1.0, 1.0], dtype=ad.float64)).dtype == ad.float64
    close(ad.copysign(i, -1), [-1.0, -2.0])
    assert ad.square(i).dtype == ad.int64
    assert ad.signbit(ad.tensor([-1, 0, 1])).tolist() == [True, False, False]
    assert ad.signbit(ad.tensor([-0.0, 0.0])).tolist() == [True, False]


# -- bitwise functions and operators ------------------------------------------------------------
def test_bitwise_operators_on_integers(backend: str) -> None:
    a, b = ad.tensor([12, -3, 5]), ad.tensor([10, 6, -1])
    assert (a & b).tolist() == [12 & 10, -3 & 6, 5 & -1]
    assert (a | b).tolist() == [12 | 10, -3 | 6, 5 | -1]
    assert (a ^ b).tolist() == [12 ^ 10, -3 ^ 6, 5 ^ -1]
    assert (~a).tolist() == [~12, ~-3, ~5]
    assert (a << 2).tolist() == [48, -12, 20]
    assert (a >> 1).tolist() == [6, -2, 2]
    assert (3 & a).tolist() == [0, 1, 1]
    assert (1 << ad.tensor([0, 3])).tolist() == [1, 8]
    assert (100 >> ad.tensor([1, 2])).tolist() == [50, 25]
    assert a.bitwise_not().tolist() == (~a).tolist()


def test_bitwise_operators_on_bools_are_logical(backend: str) -> None:
    p, q = ad.tensor([True, True, False]), ad.tensor([True, False, False])
    assert (p & q).tolist() == [True, False, False]
    assert (p | q).tolist() == [True, True, False]
    assert (p ^ q).tolist() == [False, True, False]
    assert (~p).tolist() == [False, False, True]
    assert (p & True).dtype == ad.bool
    # PyTorch: a bool tensor beside an integer computes in the integer dtype
    assert (p & 1).dtype == ad.int64 and (p & 1).tolist() == [1, 1, 0]
    assert (ad.tensor([3, 4]) & True).tolist() == [1, 0]


def test_shift_out_of_range_follows_pytorch(backend: str) -> None:
    x = ad.tensor([1, -8, 3])
    assert (x << 64).tolist() == [0, 0, 0]
    assert (x << -1).tolist() == [0, 0, 0]
    assert (x >> 64).tolist() == [0, -1, 0]
    assert (x >> -1).tolist() == [0, -1, 0]
    assert (x << ad.tensor([1, 64, -2])).tolist() == [2, 0, 0]
    u = ad.tensor([200, 7], dtype=ad.uint8)
    assert (u >> 8).tolist() == [0, 0]


@pytest.mark.parametrize("op, name", [
    (lambda x, y: x & y, "bitwise_and"), (lambda x, y: x | y, "bitwise_or"),
    (lambda x, y: x ^ y, "bitwise_xor"), (lambda x, y: x << y, "bitwise_left_shift"),
    (lambda x, y: x >> y, "bitwise_right_shift")])
def test_bitwise_refuses_floats(backend: str, op: Any, name: str) -> None:
    with pytest.raises(TypeError, match=rf"{name}: expected .*integer.* got a float32 tensor"):
        op(ad.tensor([1.0]), ad.tensor([1]))
    with pytest.raises(TypeError, match=rf"{name}: .* got a Python float"):
        op(ad.tensor([1]), 1.5)


def test_invert_refuses_floats_and_shifts_refuse_bools(backend: str) -> None:
    with pytest.raises(TypeError, match="bitwise_invert: expected integer or bool tensors"):
        ~ad.tensor([1.0])
    with pytest.raises(TypeError, match="bitwise_left_shift: expected integer tensors .* got "
                                        "a bool tensor"):
        ad.tensor([True]) << 1


def test_bitwise_outputs_never_join_the_graph(backend: str) -> None:
    assert (ad.tensor([1, 2]) & 3).grad_fn is None
    assert not ad.logical_xor(ad.tensor([True]), ad.tensor([False])).requires_grad


# -- predicates, positive ---------------------------------------------------------------------
def test_isinf_signbit_logical_xor(backend: str) -> None:
    x = ad.tensor([1.0, INF, -INF, NAN, -0.0], requires_grad=True)
    assert ad.isinf(x).tolist() == [False, True, True, False, False]
    assert ad.signbit(x).tolist() == [False, False, True, False, True]
    assert ad.isinf(x).grad_fn is None and ad.signbit(x).grad_fn is None
    assert ad.logical_xor(ad.tensor([True, True]), ad.tensor([True, False])).tolist() == [
        False, True]


def test_positive_is_the_tensor_itself(backend: str) -> None:
    (x,) = leaves([1.0, -2.0])
    assert ad.positive(x) is x
    assert +x is x
    with pytest.raises(TypeError, match="positive: the `\\+` operator is not supported on a "
                                        "bool tensor"):
        +ad.tensor([True])


def test_methods_and_aliases(backend: str) -> None:
    x = ad.tensor([-1.5, 0.5], dtype=ad.float64)
    close(x.floor(), [-2.0, 0.0])
    close(x.maximum(ad.zeros(2, dtype=ad.float64)), [0.0, 0.5])
    close(x.floor_divide(0.5), [-3.0, 1.0])
    close(x.remainder(1.0), [0.5, 0.5])
    close(x.atan2(ad.ones(2, dtype=ad.float64)), np.arctan2([-1.5, 0.5], [1.0, 1.0]))
    assert ad.bitwise_not is ad.bitwise_invert
    assert ad.clamp is not ad.clip  # clamp refuses to have no bound
