"""Cases of the rest of the "Element-wise Functions" chapter: the smooth functions
(``ops/elementwise_math.py``), the piecewise ones (``ops/piecewise.py``), the bitwise
ones (``ops/bitwise.py``) and the predicates added to ``ops/elementwise.py``.

Inputs of the functions with kinks stay away from them (``fixed`` values between the
integers for the rounding functions, say), except where a case checks PyTorch's
convention at the kink and finite differences agree with it (a tie of maximum: the
central difference is 1/2 for each side).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

import autodiff as ad

from .cases import Arg, boolean, case, fixed, nonzero, positive, real, unit


@dataclass(frozen=True, eq=False)
class IntArg(Arg):
    """An integer-dtype input (``Arg`` draws floats): whole numbers in ``[low, high)``,
    or the ``values`` given; never requires grad."""

    low: int = -8
    high: int = 9
    dtype: str = "int64"

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        if self.values is not None:
            return np.asarray(self.values, dtype=self.dtype)
        return rng.integers(self.low, self.high, self.shape).astype(self.dtype)

    @property
    def is_float(self) -> bool:
        return False


def ints(*shape: int, low: int = -8, high: int = 9, dtype: str = "int64") -> IntArg:
    return IntArg(shape, "integer", False, low=low, high=high, dtype=dtype)


def int_values(values: Any, dtype: str = "int64") -> IntArg:
    return IntArg(np.shape(values), "fixed", False, values, dtype=dtype)


def _default_float(x: np.ndarray) -> np.ndarray:
    """An integer input as PyTorch computes it in a floating function: float32."""
    return x.astype(np.float32)


def _clip(x: np.ndarray, lo: Any = None, hi: Any = None) -> np.ndarray:
    """PyTorch's clamp: maximum with min, then minimum with max (max wins if min > max)."""
    out = x if lo is None else np.maximum(x, lo)
    return out if hi is None else np.minimum(out, hi)


BETWEEN_INTEGERS = [[-2.7, -1.2, -0.3], [0.2, 1.8, 2.6]]  # away from x.0 and x.5

# -- smooth unary functions
case("acos.basic", ad.acos, np.arccos, fixed([[-0.8, -0.3], [0.2, 0.7]]))
case("acos.method", lambda x: x.acos(), np.arccos, unit(2, 3))
case("acos.integer_input", ad.acos, lambda x: np.arccos(_default_float(x)),
     int_values([-1, 0, 1]))
case("acosh.basic", ad.acosh, np.arccosh, fixed([1.5, 2.0, 3.7, 10.0]))
case("asin.basic", ad.asin, np.arcsin, fixed([[-0.8, -0.3], [0.2, 0.7]]))
case("asinh.basic", ad.asinh, np.arcsinh, real(2, 3))
case("atan.basic", ad.atan, np.arctan, real(2, 3))
case("atanh.basic", ad.atanh, np.arctanh, fixed([-0.9, -0.2, 0.4, 0.8]))
case("cosh.basic", ad.cosh, np.cosh, real(2, 3))
case("sinh.method", lambda x: x.sinh(), np.sinh, real(2, 3))
case("tan.basic", ad.tan, np.tan, fixed([-1.2, -0.4, 0.3, 1.1]))
case("log2.basic", ad.log2, np.log2, positive(2, 3))
case("log10.basic", ad.log10, np.log10, positive(2, 3))
case("log10.integer_input", ad.log10, lambda x: np.log10(_default_float(x)), ints(4, low=1))
case("square.basic", ad.square, np.square, real(2, 3))
case("square.integer_stays_integer", ad.square, np.square, ints(2, 3))
case("reciprocal.basic", ad.reciprocal, np.reciprocal, nonzero(2, 3))
case("reciprocal.integer_input", ad.reciprocal, lambda x: 1 / _default_float(x),
     int_values([1, -2, 4]))

# -- smooth binary functions: broadcasting and Python numbers
case("atan2.broadcast", ad.atan2, np.arctan2, real(2, 3), real(3))
case("atan2.quadrants", ad.atan2, np.arctan2, fixed([1.0, 1.0, -1.0, -1.0]),
     fixed([1.0, -1.0, 1.0, -1.0]))
case("atan2.scalar_right", lambda y: ad.atan2(y, 2.0), lambda y: np.arctan2(y, 2.0), real(4))
case("atan2.scalar_left", lambda x: ad.atan2(-1.5, x), lambda x: np.arctan2(-1.5, x),
     nonzero(4))
case("atan2.integer_inputs", ad.atan2,
     lambda a, b: np.arctan2(_default_float(a), _default_float(b)), ints(3), ints(3, low=1))
case("hypot.broadcast", ad.hypot, np.hypot, nonzero(2, 1), nonzero(3))
case("hypot.scalar", lambda x: ad.hypot(x, 3.0), lambda x: np.hypot(x, 3.0), real(4))
case("logaddexp.broadcast", ad.logaddexp, np.logaddexp, real(2, 3), real(2, 1))
case("logaddexp.scalar", lambda x: ad.logaddexp(x, 0.0), lambda x: np.logaddexp(x, 0.0),
     real(5))
# Stable at +-1000 (exp would overflow): a softmax gradient, 1/2 each at equal inputs.
case("logaddexp.large", ad.logaddexp, np.logaddexp, fixed([1000.0, -1000.0, 1000.0, 3.0]),
     fixed([1000.0, -1000.0, -1000.0, -1000.0]))

# -- rounding: a grad_fn with a zero gradient
case("floor.basic", ad.floor, np.floor, fixed(BETWEEN_INTEGERS))
case("floor.integer_input", ad.floor, lambda x: x, ints(2, 3))
case("ceil.basic", ad.ceil, np.ceil, fixed(BETWEEN_INTEGERS))
case("ceil.method", lambda x: x.ceil(), np.ceil, fixed([-0.5, 0.5, 1.5]))
case("trunc.basic", ad.trunc, np.trunc, fixed(BETWEEN_INTEGERS))
case("round.basic", ad.round, np.round, fixed(BETWEEN_INTEGERS))
case("round.half_to_even", ad.round, np.round,  # at the jumps: no finite differences
     fixed([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5], grad=False))
case("round.decimals", lambda x: ad.round(x, decimals=2), lambda x: np.round(x, 2),
     fixed([1.2345, -5.6789, 0.0012]))
case("round.negative_decimals", lambda x: x.round(decimals=-1),
     lambda x: np.round(x, -1), fixed([123.4, -167.0, 4.2]))
case("round.integer_input", ad.round, lambda x: x, ints(4))

# -- clip (PyTorch's clamp)
case("clip.scalars", lambda x: ad.clip(x, -0.5, 0.5), lambda x: _clip(x, -0.5, 0.5),
     real(2, 3))
case("clip.min_only", lambda x: ad.clip(x, min=0.0), lambda x: _clip(x, 0.0), real(2, 3))
case("clip.max_only_method", lambda x: x.clip(max=0.25), lambda x: _clip(x, None, 0.25),
     real(2, 3))
case("clip.tensor_bounds", ad.clip, _clip, real(2, 3), fixed([-0.5, -0.2, 0.0]),
     fixed([[0.1], [0.6]]))
case("clip.tensor_min_scalar_max", lambda x, lo: ad.clip(x, lo, 1.0),
     lambda x, lo: _clip(x, lo, 1.0), real(2, 3), fixed([-0.5, 0.1, 0.3]))
case("clip.tensor_max_only", lambda x, hi: ad.clip(x, max=hi),
     lambda x, hi: _clip(x, None, hi), real(3, 2), fixed([[0.2, -0.1]]))
# min > max: every element is max, whose gradient is 1 (PyTorch's convention)
case("clip.min_above_max", ad.clip, _clip, fixed([-1.0, 0.4, 2.0]), fixed([0.9, 0.9, 0.9]),
     fixed([0.3, 0.3, 0.3]))
case("clip.no_bounds", ad.clip, lambda x: x, real(2, 3))
case("clip.clamp", lambda x: ad.clamp(x, -1.0, 1.0), lambda x: _clip(x, -1.0, 1.0), real(5))
case("clip.clamp_method", lambda x, lo: x.clamp(min=lo), lambda x, lo: _clip(x, lo),
     real(2, 3), fixed([0.1, -0.1, 0.0]))
case("clip.integer", lambda x: ad.clip(x, -2, 3), lambda x: _clip(x, -2, 3), ints(2, 4))
case("clip.integer_float_bound", lambda x: ad.clip(x, 0.5),
     lambda x: _clip(_default_float(x), np.float32(0.5)), ints(5))

# -- maximum and minimum
case("maximum.broadcast", ad.maximum, np.maximum, real(2, 3), real(3))
case("maximum.scalar", lambda x: ad.maximum(x, 0.0), lambda x: np.maximum(x, 0.0),
     real(2, 3))
case("maximum.scalar_left", lambda x: ad.maximum(0.5, x), lambda x: np.maximum(0.5, x),
     real(4))
# At a tie each side gets half the gradient; central differences agree (1/2 each).
case("maximum.ties", ad.maximum, np.maximum, fixed([1.0, 2.0, -3.0]), fixed([1.0, 1.0, -3.0]),
     smooth=False)
case("maximum.integer", ad.maximum, np.maximum, ints(2, 3), ints(3))
case("minimum.broadcast", ad.minimum, np.minimum, real(2, 1), real(3))
case("minimum.method", lambda x, y: x.minimum(y), np.minimum, real(2, 3), real(2, 3))
case("minimum.ties", ad.minimum, np.minimum, fixed([1.0, 2.0, -3.0]), fixed([1.0, 1.0, -3.0]),
     smooth=False)
case("minimum.scalar", lambda x: ad.minimum(x, 1), lambda x: np.minimum(x, 1), real(4))

# -- remainder and floor_divide (inputs away from the jumps at whole quotients)
_DIVIDENDS = fixed([[5.3, -5.3, 2.2], [-0.7, 7.9, -3.1]])
_DIVISORS = fixed([3.0, -2.5, 0.9])
case("remainder.broadcast", ad.remainder, np.remainder, _DIVIDENDS, _DIVISORS)
case("remainder.operator", lambda x, y: x % y, np.remainder, _DIVIDENDS, _DIVISORS)
case("remainder.scalar_right", lambda x: x % 2, lambda x: x % 2, _DIVIDENDS)
case("remainder.scalar_left", lambda y: 7.3 % y, lambda y: 7.3 % y, _DIVISORS)
case("remainder.integer", ad.remainder, np.remainder, ints(2, 3), ints(3, low=1))
case("remainder.integer_negative_divisor", lambda x: x % -3, lambda x: x % -3, ints(6))
case("floor_divide.broadcast", ad.floor_divide, np.floor_divide, _DIVIDENDS, _DIVISORS)
case("floor_divide.operator", lambda x, y: x // y, np.floor_divide, _DIVIDENDS, _DIVISORS)
case("floor_divide.scalar_left", lambda y: 7 // y, lambda y: 7 // y, _DIVISORS)
case("floor_divide.integer", lambda x, y: x // y, np.floor_divide, ints(2, 3),
     ints(3, low=1))
case("floor_divide.integer_float_scalar", lambda x: x // 2.5,
     lambda x: _default_float(x) // np.float32(2.5), ints(4))

# -- copysign and nextafter
case("copysign.broadcast", ad.copysign, np.copysign, nonzero(2, 3), real(3))
case("copysign.scalar", lambda x: ad.copysign(x, -1.0), lambda x: np.copysign(x, -1.0),
     nonzero(4))
case("copysign.method", lambda x, y: x.copysign(y), np.copysign, nonzero(4), nonzero(4))
case("copysign.integer_input", ad.copysign,
     lambda x, y: np.copysign(_default_float(x), y.astype(np.float32)), ints(4), ints(4))
case("nextafter.broadcast", ad.nextafter, np.nextafter, real(2, 3), real(3))
case("nextafter.scalar", lambda x: ad.nextafter(x, 10.0), lambda x: np.nextafter(x, 10.0),
     real(4))

# -- predicates and logical_xor (bool outputs)
case("isinf.basic", ad.isinf, np.isinf, fixed([1.0, np.nan, np.inf, -np.inf, 0.0]))
case("isinf.integer", ad.isinf, np.isinf, ints(3))
case("signbit.basic", ad.signbit, np.signbit, fixed([-1.0, -0.0, 0.0, 2.0, -np.inf]))
case("signbit.integer", ad.signbit, lambda x: x < 0, ints(2, 3))
case("logical_xor.broadcast", ad.logical_xor, np.logical_xor, boolean(2, 3), boolean(3))
case("logical_xor.method", lambda a, b: a.logical_xor(b), np.logical_xor, boolean(4),
     boolean(4))

# -- bitwise: integers, and bools (where and/or/xor/invert are logical)
case("bitwise_and.integer", ad.bitwise_and, np.bitwise_and, ints(2, 3), ints(3))
case("bitwise_and.operator_bool", lambda a, b: a & b, np.logical_and, boolean(2, 3),
     boolean(2, 3))
case("bitwise_and.scalar_left", lambda x: 6 & x, lambda x: 6 & x, ints(4))
case("bitwise_and.bool_and_int", lambda a: a & 1, lambda a: a.astype(np.int64) & 1,
     boolean(4))
case("bitwise_or.integer", ad.bitwise_or, np.bitwise_or, ints(2, 3), ints(2, 3))
case("bitwise_or.operator_bool", lambda a, b: a | b, np.logical_or, boolean(4), boolean(4))
case("bitwise_or.reflected", lambda x: 8 | x, lambda x: 8 | x, ints(4))
case("bitwise_xor.integer", ad.bitwise_xor, np.bitwise_xor, ints(2, 3), ints(3))
case("bitwise_xor.operator_bool", lambda a, b: a ^ b, np.logical_xor, boolean(2, 3),
     boolean(3))
case("bitwise_xor.reflected", lambda x: 5 ^ x, lambda x: 5 ^ x, ints(4))
case("bitwise_invert.integer", ad.bitwise_invert, np.invert, ints(2, 3))
case("bitwise_invert.operator_bool", lambda a: ~a, np.logical_not, boolean(2, 3))
case("bitwise_invert.bitwise_not", lambda x: x.bitwise_not(), np.invert,
     ints(4, dtype="uint8", low=0, high=255))
case("bitwise_left_shift.integer", ad.bitwise_left_shift, np.left_shift, ints(2, 3),
     ints(3, low=0, high=8))
case("bitwise_left_shift.operator", lambda x: x << 3, lambda x: x << 3, ints(4))
case("bitwise_left_shift.reflected", lambda x: 1 << x, lambda x: 1 << x, ints(4, low=0))
case("bitwise_left_shift.int8", lambda x: x << 2, lambda x: x << 2, ints(4, dtype="int8"))
case("bitwise_right_shift.integer", ad.bitwise_right_shift, np.right_shift, ints(2, 3),
     ints(3, low=0, high=4))
case("bitwise_right_shift.operator", lambda x: x >> 1, lambda x: x >> 1, ints(5))
case("bitwise_right_shift.reflected", lambda x: 64 >> x, lambda x: 64 >> x, ints(4, low=0))
# PyTorch: a shift out of [0, bits) gives 0, or -1 for a right shift of a negative number
case("bitwise_left_shift.out_of_range", ad.bitwise_left_shift,
     lambda x, s: np.where((s < 0) | (s >= 64), 0, x << np.clip(s, 0, 63)),
     int_values([1, -3, 5, 7]), int_values([-1, 64, 70, 2]))
case("bitwise_right_shift.out_of_range", ad.bitwise_right_shift,
     lambda x, s: x >> np.where((s < 0) | (s >= 64), 63, s),
     int_values([8, -8, -3, 100]), int_values([-1, 64, 99, 2]))

# -- integer inputs of the functions of ``elementwise.py`` (PyTorch: default float)
case("exp.integer_input", ad.exp, lambda x: np.exp(_default_float(x)), ints(2, 3))
case("sqrt.integer_input", ad.sqrt, lambda x: np.sqrt(_default_float(x)), ints(4, low=0))
case("sign.integer", ad.sign, np.sign, ints(2, 3))
case("sign.zero", ad.sign, np.sign, fixed([-2.0, 0.0, 3.0], grad=False))
