"""Cases of PyTorch's elementwise functions beyond the standard's chapter."""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .cases import case, fixed, integer, positive, real

INF, NAN = np.inf, np.nan
I64 = ad.int64


def _ints(x: np.ndarray) -> np.ndarray:
    return x.astype(np.int64)


# -- non-differentiable tests
case("isposinf.values", ad.isposinf, np.isposinf, fixed([1.0, INF, -INF, NAN], grad=False))
case("isneginf.method", lambda x: x.isneginf(), np.isneginf,
     fixed([1.0, INF, -INF, NAN], grad=False))
case("isreal.real", ad.isreal, np.isreal, real(3, grad=False))
case("isin.values", lambda x, y: ad.isin(x, y), np.isin, integer(6, grad=False),
     fixed([0.0, 2.0], grad=False))
case("isin.invert", lambda x: ad.isin(x, 1.0, invert=True),
     lambda x: np.isin(x, [1.0], invert=True), integer(5, grad=False))
case("isclose.default", lambda x, y: ad.isclose(x, y), np.isclose,
     fixed([1.0, 1.0, INF, NAN, 2.0], grad=False), fixed([1.0 + 1e-9, 1.1, INF, NAN, 2.5],
                                                         grad=False))
case("isclose.equal_nan", lambda x, y: x.isclose(y, rtol=0.3, equal_nan=True),
     lambda x, y: np.isclose(x, y, rtol=0.3, equal_nan=True),
     fixed([1.0, NAN, 2.0], grad=False), fixed([1.2, NAN, 3.0], grad=False))
case("heaviside.values", lambda x, v: ad.heaviside(x, v), np.heaviside,
     fixed([-1.5, 0.0, 2.0], grad=False), fixed([0.5], grad=False))
case("gcd.ints", lambda x, y: ad.gcd(x.astype(I64), y.astype(I64)),
     lambda x, y: np.gcd(_ints(x), _ints(y)), fixed([12.0, -18.0, 0.0, 7.0, 0.0], grad=False),
     fixed([8.0, 12.0, 5.0, 0.0, 0.0], grad=False))
case("lcm.ints", lambda x, y: x.astype(I64).lcm(y.astype(I64)),
     lambda x, y: np.lcm(_ints(x), _ints(y)), fixed([4.0, -6.0, 0.0, 7.0], grad=False),
     fixed([6.0, 4.0, 5.0, 3.0], grad=False))
case("frexp_mantissa.values", lambda x: ad.frexp(x)[0], lambda x: np.frexp(x)[0],
     fixed([8.0, 0.3, -5.0, 0.0, 1e-310, INF], grad=False))
case("frexp_exponent.values", lambda x: x.frexp()[1],
     lambda x: np.frexp(x)[1].astype(np.int32), fixed([8.0, 0.3, -5.0, 0.0, 1e-310], grad=False))

# -- composites: each ends in the primitive its name says
case("reciprocal.rsqrt", ad.rsqrt, lambda x: 1.0 / np.sqrt(x), positive(2, 3))
case("multiply.deg2rad", ad.deg2rad, np.deg2rad, real(2, 3))
case("multiply.rad2deg", lambda x: x.rad2deg(), np.rad2deg, real(2, 3))
case("where.fmod", ad.fmod, np.fmod, real(2, 3), fixed([1.5, -0.7, 2.0]))
case("where.fmod_scalar", lambda x: x.fmod(-0.8), lambda x: np.fmod(x, -0.8), real(5))
case("subtract.frac", ad.frac, lambda x: x - np.trunc(x), real(2, 3))
case("pow.float_power", ad.float_power, lambda x, y: np.float_power(x, y), positive(2, 3),
     real(2, 3))
case("where.fmax", ad.fmax, np.fmax, real(2, 3), real(2, 3))
case("where.fmin", lambda x, y: x.fmin(y), np.fmin, real(2, 3), real(3))
case("divide.logaddexp2", ad.logaddexp2, np.logaddexp2, real(2, 3), real(2, 3))
case("multiply.ldexp", lambda x: ad.ldexp(x, ad.tensor([3, -1, 0], backend=x.backend)),
     lambda x: np.ldexp(x, np.array([3, -1, 0])), real(3))
case("sign.sgn", ad.sgn, np.sign, real(2, 3))
case("where.angle", ad.angle, np.angle, real(2, 3))
case("complex.polar", ad.polar,
     lambda a, t: a * np.cos(t) + 1j * a * np.sin(t), positive(3), real(3))
case("divide.true_divide", ad.true_divide, np.divide, real(3), positive(3))
case("subtract.rsub", lambda x, y: ad.rsub(x, y, alpha=2.0), lambda x, y: y - 2.0 * x,
     real(3), real(3))
case("clip.clamp_min", lambda x: x.clamp_min(0.1), lambda x: np.maximum(x, 0.1), real(2, 3))
case("clip.clamp_max", ad.clamp_max, np.minimum, real(2, 3), real(2, 3))
case("where.nan_to_num", lambda x: ad.nan_to_num(x, nan=0.5, posinf=9.0),
     lambda x: np.nan_to_num(x, nan=0.5, posinf=9.0), real(2, 3))
case("where.nan_to_num_special", lambda x: ad.nan_to_num(x, nan=0.5, posinf=9.0),
     lambda x: np.nan_to_num(x, nan=0.5, posinf=9.0, neginf=np.finfo(x.dtype).min),
     fixed([1.0, NAN, INF, -INF, -2.0], grad=False))
case("conj.conj_physical", lambda x, y: ad.conj_physical(ad.complex(x, y)),
     lambda x, y: np.conj(x + 1j * y), real(3), real(3))
