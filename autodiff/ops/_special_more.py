"""Bessel functions of the first kind j0 and j1 and the regularized incomplete gamma
functions, written against the Array API standard (see ``_special_impl``): Cephes' j0,
j1, igam and igamc (Copyright 1984-2000 Stephen L. Moshier, 3-clause BSD; the Bessel
coefficients as PyTorch's ATen/native/Math.h carries them).
"""

from __future__ import annotations

import math
from typing import Any

from ._special_impl import _p1evl, _polevl, gammaln

__all__ = ["gammainc", "gammaincc", "j0", "j1"]

_MACHEP = 1.11022302462515654042e-16
_BIG = 4.503599627370496e15
_BIGINV = 2.22044604925031308085e-16
_SQ2OPI = 0.797884560802865355879892119868763737  # sqrt(2 / pi)


_J0_PP = (7.96936729297347051624e-04, 8.28352392107440799803e-02, 1.23953371646414299388e+00,
          5.44725003058768775090e+00, 8.74716500199817011941e+00, 5.30324038235394892183e+00,
          9.99999999999999997821e-01)
_J0_PQ = (9.24408810558863637013e-04, 8.56288474354474431428e-02, 1.25352743901058953537e+00,
          5.47097740330417105182e+00, 8.76190883237069594232e+00, 5.30605288235394617618e+00,
          1.00000000000000000218e+00)
_J0_QP = (-1.13663838898469149931e-02, -1.28252718670509318512e+00,
          -1.95539544257735972385e+01, -9.32060152123768231369e+01,
          -1.77681167980488050595e+02, -1.47077505154951170175e+02,
          -5.14105326766599330220e+01, -6.05014350600728481186e+00)
_J0_QQ = (6.43178256118178023184e+01, 8.56430025976980587198e+02, 3.88240183605401609683e+03,
          7.24046774195652478189e+03, 5.93072701187316984827e+03, 2.06209331660327847417e+03,
          2.42005740240291393179e+02)
_J0_RP = (-4.79443220978201773821e+09, 1.95617491946556577543e+12,
          -2.49248344360967716204e+14, 9.70862251047306323952e+15)
_J0_RQ = (4.99563147152651017219e+02, 1.73785401676374683123e+05, 4.84409658339962045305e+07,
          1.11855537045356834862e+10, 2.11277520115489217587e+12, 3.10518229857422583814e+14,
          3.18121955943204943306e+16, 1.71086294081043136091e+18)
_J1_PP = (7.62125616208173112003e-04, 7.31397056940917570436e-02, 1.12719608129684925192e+00,
          5.11207951146807644818e+00, 8.42404590141772420927e+00, 5.21451598682361504063e+00,
          1.00000000000000000254e+00)
_J1_PQ = (5.71323128072548699714e-04, 6.88455908754495404082e-02, 1.10514232634061696926e+00,
          5.07386386128601488557e+00, 8.39985554327604159757e+00, 5.20982848682361821619e+00,
          9.99999999999999997461e-01)
_J1_QP = (5.10862594750176621635e-02, 4.98213872951233449420e+00, 7.58238284132545283818e+01,
          3.66779609360150777800e+02, 7.10856304998926107277e+02, 5.97489612400613639965e+02,
          2.11688757100572135698e+02, 2.52070205858023719784e+01)
_J1_QQ = (7.42373277035675149943e+01, 1.05644886038262816351e+03, 4.98641058337653607651e+03,
          9.56231892404756170795e+03, 7.99704160447350683650e+03, 2.82619278517639096600e+03,
          3.36093607810698293419e+02)
_J1_RP = (-8.99971225705559398224e+08, 4.52228297998194034323e+11,
          -7.27494245221818276015e+13, 3.68295732863852883286e+15)
_J1_RQ = (6.20836478118054335476e+02, 2.56987256757748830383e+05, 8.35146791431949253037e+07,
          2.21511595479792499675e+10, 4.74914122079991414898e+12, 7.84369607876235854894e+14,
          8.95222336184627338078e+16, 5.32278620332680085395e+18)


def _asymptotic(xp: Any, x: Any, pp: Any, pq: Any, qp: Any, qq: Any, phase: float) -> Any:
    """Hankel's asymptotic form for x > 5: ``sqrt(2 / (pi x)) (P cos(x - phase) -
    5/x Q sin(x - phase))`` with P and Q rational in ``25 / x**2``."""
    z = 25.0 / (x * x)
    p = _polevl(z, pp) / _polevl(z, pq)
    q = _polevl(z, qp) / _p1evl(z, qq)
    return (p * xp.cos(x - phase) - 5.0 / x * q * xp.sin(x - phase)) * _SQ2OPI / xp.sqrt(x)


def j0(xp: Any, x: Any) -> Any:
    """The Bessel function of the first kind of order 0."""
    a = xp.abs(x)
    near = xp.where(a <= 5.0, a, 1.0)
    z = near * near
    small = (z - 5.78318596294678452118e0) * (z - 3.04712623436620863991e1) * _polevl(
        z, _J0_RP) / _p1evl(z, _J0_RQ)
    small = xp.where(near < 1e-5, 1.0 - z / 4.0, small)
    far = xp.where(a > 5.0, a, 6.0)
    large = _asymptotic(xp, far, _J0_PP, _J0_PQ, _J0_QP, _J0_QQ, math.pi / 4.0)
    out = xp.where(a <= 5.0, small, large)  # nan at +-inf, as scipy's and PyTorch's
    return xp.where(xp.isnan(x), x, out)


def j1(xp: Any, x: Any) -> Any:
    """The Bessel function of the first kind of order 1, odd in x."""
    a = xp.abs(x)
    near = xp.where(a <= 5.0, a, 1.0)
    z = near * near
    small = _polevl(z, _J1_RP) / _p1evl(z, _J1_RQ) * near * (
        z - 1.46819706421238932572e1) * (z - 4.92184563216946036703e1)
    far = xp.where(a > 5.0, a, 6.0)
    large = _asymptotic(xp, far, _J1_PP, _J1_PQ, _J1_QP, _J1_QQ, 3.0 * math.pi / 4.0)
    out = xp.where(a <= 5.0, small, large)  # nan at +-inf, as scipy's and PyTorch's
    out = xp.where(x < 0, -out, out)
    return xp.where(xp.isnan(x), x, out)


def _prefactor(xp: Any, a: Any, x: Any) -> Any:
    """``x**a exp(-x) / Gamma(a)``, through logarithms."""
    return xp.exp(a * xp.log(x) - x - gammaln(xp, a))


def _series(xp: Any, a: Any, x: Any) -> Any:
    """The lower regularized gamma by its power series (converges where x <= a or x <= 1),
    summed until every element's next term is negligible."""
    r, c, total = a, xp.ones_like(x), xp.ones_like(x)
    for step in range(2000):
        r = r + 1.0
        c = c * x / r
        total = total + c
        if step % 8 == 7 and not bool(xp.any(c > _MACHEP * total)):
            break
    return total * _prefactor(xp, a, x) / a


def _fraction(xp: Any, a: Any, x: Any) -> Any:
    """The upper regularized gamma by its continued fraction (x > 1 and x > a)."""
    y = 1.0 - a
    z = x + y + 1.0
    c = xp.zeros_like(x)
    pkm2, qkm2 = xp.ones_like(x), x
    pkm1, qkm1 = x + 1.0, z * x
    answer = pkm1 / qkm1
    for step in range(2000):
        c = c + 1.0
        y = y + 1.0
        z = z + 2.0
        yc = y * c
        pk = pkm1 * z - pkm2 * yc
        qk = qkm1 * z - qkm2 * yc
        nonzero = qk != 0
        ratio = pk / xp.where(nonzero, qk, 1.0)
        change = xp.where(nonzero, xp.abs((answer - ratio) / ratio), 1.0)
        answer = xp.where(nonzero, ratio, answer)
        pkm2, pkm1, qkm2, qkm1 = pkm1, pk, qkm1, qk
        big = xp.abs(pk) > _BIG  # rescaled, so that the recurrence never overflows
        pkm2 = xp.where(big, pkm2 * _BIGINV, pkm2)
        pkm1 = xp.where(big, pkm1 * _BIGINV, pkm1)
        qkm2 = xp.where(big, qkm2 * _BIGINV, qkm2)
        qkm1 = xp.where(big, qkm1 * _BIGINV, qkm1)
        if step % 8 == 7 and not bool(xp.any(change > 4.0 * _MACHEP)):
            break
    return answer * _prefactor(xp, a, x)


def _incomplete(xp: Any, a: Any, x: Any, upper: bool) -> Any:
    a, x = xp.broadcast_arrays(a, x)
    bad = xp.logical_or(xp.logical_or(a < 0.0, x < 0.0),
                        xp.logical_or(xp.isnan(a), xp.isnan(x)))
    zero_x = x == 0.0
    ok = xp.logical_not(xp.logical_or(bad, xp.logical_or(zero_x, a == 0.0)))
    by_fraction = xp.logical_and(ok, xp.logical_and(x > 1.0, x > a))
    by_series = xp.logical_and(ok, xp.logical_not(by_fraction))
    finite = xp.logical_and(xp.isfinite(x), xp.isfinite(a))
    sa = xp.where(by_series, a, 1.0)
    sx = xp.where(by_series, x, 0.5)
    fa = xp.where(xp.logical_and(by_fraction, finite), a, 1.0)
    fx = xp.where(xp.logical_and(by_fraction, finite), x, 2.0)
    lower = xp.where(by_series, _series(xp, sa, sx), 1.0 - _fraction(xp, fa, fx))
    lower = xp.where(xp.logical_and(by_fraction, xp.isinf(x)), 1.0, lower)
    # x = 0: the lower function is 0; a = 0 (x > 0): the lower function is 1 (scipy's)
    lower = xp.where(zero_x, 0.0, xp.where(a == 0.0, 1.0, lower))
    if upper:
        upper_value = xp.where(by_fraction, _fraction(xp, fa, fx), 1.0 - lower)
        upper_value = xp.where(xp.logical_and(by_fraction, xp.isinf(x)), 0.0, upper_value)
        upper_value = xp.where(zero_x, 1.0, xp.where(a == 0.0, 0.0, upper_value))
        return xp.where(bad, math.nan, upper_value)
    return xp.where(bad, math.nan, lower)


def gammainc(xp: Any, a: Any, x: Any) -> Any:
    """The regularized lower incomplete gamma function ``P(a, x)``."""
    return _incomplete(xp, a, x, upper=False)


def gammaincc(xp: Any, a: Any, x: Any) -> Any:
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``."""
    return _incomplete(xp, a, x, upper=True)
