"""Element-wise functions on integers and bools: the dtypes of the floating functions
on integer input, the bitwise functions and operators (PyTorch's promotion and shift
semantics), the predicates, ``positive``, and their errors. Checked against PyTorch
2.13 (``torch`` itself is not imported); tests run once per backend.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import autodiff as ad

NAN, INF = math.nan, math.inf


def close(tensor: Any, expected: Any) -> None:
    np.testing.assert_allclose(np.asarray(tensor.tolist(), dtype=np.float64),
                               np.asarray(expected, dtype=np.float64), rtol=1e-12, atol=1e-12)


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
    x = ad.tensor([1.0, -2.0], requires_grad=True)
    assert ad.positive(x) is x
    assert +x is x
    with pytest.raises(TypeError, match="positive: the `\\+` operator is not supported on a "
                                        "bool tensor"):
        +ad.tensor([True])
