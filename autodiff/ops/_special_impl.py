"""Special functions written once against the Array API standard, float64-accurate: the
generic implementations behind ``autodiff.special`` on any backend that brings no native
one (``Backend.special_function``: scipy's on numpy, cupyx's on cupy).

Each takes a float64 array (``_special_dispatch`` casts other floats up and back) and
evaluates every branch on safe values, choosing with ``where``: the standard has no
masked assignment. The rational and Chebyshev approximations are those of the Cephes
Math Library (Copyright 1984-2000 Stephen L. Moshier, 3-clause BSD; the coefficients as
PyTorch's ATen/native/Math.h and scipy's xsf carry them).
"""

from __future__ import annotations

import math
from typing import Any

from ._special_bessel import i0 as i0
from ._special_bessel import i0e as i0e
from ._special_bessel import i1 as i1
from ._special_bessel import i1e as i1e

__all__ = ["digamma", "erf", "erfc", "erfcx", "erfinv", "gammaln",
           "i0", "i0e", "i1", "i1e", "log_ndtr", "ndtr", "ndtri", "polygamma", "zeta"]

_SQRT_PI = math.sqrt(math.pi)
_SQRT_2 = math.sqrt(2.0)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_LOG_PI = math.log(math.pi)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_MAXLOG = 7.09782712893383996732e2


def _polevl(x: Any, coefficients: tuple[float, ...]) -> Any:
    """``c[0] x**n + ... + c[n]`` by Horner's rule."""
    result = coefficients[0] * x + coefficients[1]
    for c in coefficients[2:]:
        result = result * x + c
    return result


def _p1evl(x: Any, coefficients: tuple[float, ...]) -> Any:
    """``x**(n+1) + c[0] x**n + ... + c[n]``: a leading coefficient of 1, left out."""
    result = x + coefficients[0]
    for c in coefficients[1:]:
        result = result * x + c
    return result


def _safe(xp: Any, keep: Any, x: Any, fill: float) -> Any:
    """``x`` where ``keep``, else ``fill``: the input of a branch that ``keep`` selects,
    kept away from the values that would overflow it (or warn) where it is not used."""
    return xp.where(keep, x, fill)


# -- erf, erfc, erfcx, ndtr, log_ndtr ----------------------------------------------------
_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)
_ERFC_Q = (1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)
_ERFC_R = (5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
           6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0)
_ERFC_S = (2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
           1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0)
_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
          7.00332514112805075473e3, 5.55923013010394962768e4)
_ERF_U = (3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
          2.26290000613890934246e4, 4.92673942608635921086e4)


def _erf_small(x: Any) -> Any:
    """erf for |x| <= 1: ``x T(x**2) / U(x**2)``."""
    z = x * x
    return x * _polevl(z, _ERF_T) / _p1evl(z, _ERF_U)


def _erfcx_large(xp: Any, a: Any) -> Any:
    """``exp(a**2) erfc(a)`` for a >= 1: Cephes' rational functions, which approximate
    exactly this scaled function, so no exponential is taken at all; beyond 1e8 the
    first term of the asymptotic series, ``1 / (a sqrt(pi))``, is exact to double
    precision (and the polynomials would overflow)."""
    near = _safe(xp, a < 8.0, a, 1.0)
    far = _safe(xp, a >= 8.0, xp.minimum(a, 1e8), 8.0)
    rational = xp.where(a < 8.0, _polevl(near, _ERFC_P) / _p1evl(near, _ERFC_Q),
                        _polevl(far, _ERFC_R) / _p1evl(far, _ERFC_S))
    return xp.where(a > 1e8, 1.0 / (_SQRT_PI * a), rational)


def _exp_minus_square(xp: Any, a: Any, half: bool = False) -> Any:
    """``exp(-a**2)`` (``exp(-a**2 / 2)`` with ``half``) without the error of rounding
    ``a**2`` first (Cephes' expx2): a is split as ``m + f`` with m a multiple of 1/128,
    whose square is exact."""
    m = xp.floor(a * 128.0 + 0.5) / 128.0
    f = a - m
    scale = 0.5 if half else 1.0
    return xp.exp(-(m * m) * scale) * xp.exp(-(2.0 * m * f + f * f) * scale)


def erf(xp: Any, x: Any) -> Any:
    """The error function ``2/sqrt(pi) int_0^x exp(-t**2) dt``."""
    a = xp.abs(x)
    small = _erf_small(_safe(xp, a <= 1.0, x, 0.0))
    large = 1.0 - _erfc_positive(xp, _safe(xp, a > 1.0, a, 2.0))
    out = xp.where(a <= 1.0, small, xp.where(x < 0, -large, large))
    return xp.where(xp.isnan(x), x, out)


def _erfc_positive(xp: Any, a: Any) -> Any:
    """erfc(a) for a >= 1 (0 from about 26.6 on, where it underflows)."""
    a = xp.minimum(a, 40.0)
    return _exp_minus_square(xp, a) * _erfcx_large(xp, a)


def erfc(xp: Any, x: Any) -> Any:
    """The complementary error function ``1 - erf(x)``, accurate where it is tiny."""
    a = xp.abs(x)
    small = 1.0 - _erf_small(_safe(xp, a < 1.0, x, 0.0))
    tail = _erfc_positive(xp, _safe(xp, a >= 1.0, a, 2.0))
    out = xp.where(a < 1.0, small, xp.where(x < 0, 2.0 - tail, tail))
    return xp.where(xp.isnan(x), x, out)


def erfcx(xp: Any, x: Any) -> Any:
    """The scaled complementary error function ``exp(x**2) erfc(x)``: finite where erfc
    underflows, and inf for x below about -26.6."""
    a = xp.abs(x)
    small = xp.exp(x * x) * (1.0 - _erf_small(_safe(xp, a < 1.0, x, 0.0)))
    positive = _erfcx_large(xp, _safe(xp, x >= 1.0, x, 2.0))
    # erfcx(-a) = 2 exp(a**2) - erfcx(a): overflows to inf below about -26.6
    b = _safe(xp, x <= -1.0, a, 2.0)
    negative = 2.0 * xp.exp(xp.minimum(b, 27.0) ** 2) - _erfcx_large(xp, b)
    negative = xp.where(b > 26.7, math.inf, negative)
    out = xp.where(a < 1.0, small, xp.where(x < 0, negative, positive))
    return xp.where(xp.isnan(x), x, out)


def ndtr(xp: Any, x: Any) -> Any:
    """The standard normal cumulative distribution function. In the tails,
    ``exp(-x**2 / 2) erfcx(|x| / sqrt 2) / 2`` with the exponential of x itself, not of
    a rounded ``x / sqrt 2``: relative accuracy far out."""
    t = x * (1.0 / _SQRT_2)
    z = xp.abs(t)
    central = 0.5 + 0.5 * erf(xp, _safe(xp, z < 1.0, t, 0.0))
    a = xp.minimum(_safe(xp, z >= 1.0, xp.abs(x), 2.0), 60.0)
    tail = 0.5 * _exp_minus_square(xp, a, half=True) * _erfcx_large(xp, a / _SQRT_2)
    out = xp.where(z < 1.0, central, xp.where(t > 0, 1.0 - tail, tail))
    return xp.where(xp.isnan(x), x, out)


def log_ndtr(xp: Any, x: Any) -> Any:
    """``log(ndtr(x))``, accurate in both tails: ``log(erfcx(-x/sqrt 2) / 2) - x**2/2``
    below 0 (finite far beyond where ndtr underflows), ``log1p(-ndtr(-x))`` above."""
    negative = _safe(xp, x < 0, x, -1.0)
    low = xp.log(0.5 * erfcx(xp, -negative / _SQRT_2)) - 0.5 * negative * negative
    positive = _safe(xp, x >= 0, x, 1.0)
    high = xp.log1p(-ndtr(xp, -positive))
    out = xp.where(x < 0, low, high)
    return xp.where(xp.isnan(x), x, out)


# -- ndtri and erfinv ---------------------------------------------------------------------
_NDTRI_P0 = (-5.99633501014107895267e1, 9.80010754185999661536e1, -5.66762857469070293439e1,
             1.39312609387279679503e1, -1.23916583867381258016e0)
_NDTRI_Q0 = (1.95448858338141759834e0, 4.67627912898881538453e0, 8.63602421390890590575e1,
             -2.25462687854119370527e2, 2.00260212380060660359e2, -8.20372256168333339912e1,
             1.59056225126211695515e1, -1.18331621121330003142e0)
_NDTRI_P1 = (4.05544892305962419923e0, 3.15251094599893866154e1, 5.71628192246421288162e1,
             4.40805073893200834700e1, 1.46849561928858024014e1, 2.18663306850790267539e0,
             -1.40256079171354495875e-1, -3.50424626827848203418e-2,
             -8.57456785154685413611e-4)
_NDTRI_Q1 = (1.57799883256466749731e1, 4.53907635128879210584e1, 4.13172038254672030440e1,
             1.50425385692907503408e1, 2.50464946208309415979e0, -1.42182922854787788574e-1,
             -3.80806407691578277194e-2, -9.33259480895457427372e-4)
_NDTRI_P2 = (3.23774891776946035970e0, 6.91522889068984211695e0, 3.93881025292474443415e0,
             1.33303460815807542389e0, 2.01485389549179081538e-1, 1.23716634817820021358e-2,
             3.01581553508235416007e-4, 2.65806974686737550832e-6,
             6.23974539184983293730e-9)
_NDTRI_Q2 = (6.02427039364742014255e0, 3.67983563856160859403e0, 1.37702099489081330271e0,
             2.16236993594496635890e-1, 1.34204006088543189037e-2,
             3.28014464682127739104e-4, 2.89247864745380683936e-6,
             6.79019408009981274425e-9)
_EXP_MINUS_2 = 0.13533528323661269189


def ndtri(xp: Any, p: Any) -> Any:
    """The inverse of ``ndtr``: the x with ``ndtr(x) = p`` (Cephes' ndtri)."""
    upper = p > 1.0 - _EXP_MINUS_2
    y = xp.where(upper, 1.0 - p, p)
    central = y > _EXP_MINUS_2
    c = _safe(xp, central, y, 0.5) - 0.5
    c2 = c * c
    middle = (c + c * (c2 * _polevl(c2, _NDTRI_P0) / _p1evl(c2, _NDTRI_Q0))) * _SQRT_2PI
    t = _safe(xp, xp.logical_and(xp.logical_not(central), y > 0.0), y, 0.01)
    s = xp.sqrt(-2.0 * xp.log(t))
    s0 = s - xp.log(s) / s
    z = 1.0 / s
    near = s < 8.0
    correction = xp.where(near, z * _polevl(z, _NDTRI_P1) / _p1evl(z, _NDTRI_Q1),
                          z * _polevl(z, _NDTRI_P2) / _p1evl(z, _NDTRI_Q2))
    tail = s0 - correction
    tail = xp.where(upper, tail, -tail)
    out = xp.where(central, middle, tail)
    out = xp.where(p == 0.0, -math.inf, xp.where(p == 1.0, math.inf, out))
    return xp.where(xp.logical_or(xp.isnan(p), xp.logical_or(p < 0.0, p > 1.0)), math.nan, out)


def erfinv(xp: Any, y: Any) -> Any:
    """The inverse error function on [-1, 1]. Where |y| >= 1/2, ``-ndtri((1 - |y|)/2) /
    sqrt 2`` with the sign of y, which loses nothing (``1 - |y|`` is exact there); nearer
    0, ndtri's value refined by two Newton steps on erf, so that it keeps its relative
    accuracy for tiny y."""
    a = xp.abs(y)
    tail = -ndtri(xp, _safe(xp, a >= 0.5, (1.0 - a) * 0.5, 0.25)) / _SQRT_2
    tail = xp.where(y < 0, -tail, tail)
    inner = _safe(xp, a < 0.5, y, 0.0)
    x = ndtri(xp, 0.5 * inner + 0.5) / _SQRT_2
    for _ in range(2):
        x = x - (erf(xp, x) - inner) / ((2.0 / _SQRT_PI) * xp.exp(-x * x))
    out = xp.where(a < 0.5, x, tail)
    return xp.where(xp.isnan(y), y, out)


# -- gammaln, digamma, zeta, polygamma ------------------------------------------------------
_LGAM_A = (8.11614167470508450300e-4, -5.95061904284301438324e-4, 7.93650340457716943945e-4,
           -2.77777777730099687205e-3, 8.33333333333331927722e-2)
_LGAM_B = (-1.37825152569120859100e3, -3.88016315134637840924e4, -3.31612992738871184744e5,
           -1.16237097492762307383e6, -1.72173700820839662146e6, -8.53555664245765465627e5)
_LGAM_C = (-3.51815701436523470549e2, -1.70642106651881159223e4, -2.20528590553854454839e5,
           -1.13933444367982507207e6, -2.53252307177582951285e6, -2.01889141433532773231e6)


def _gammaln_positive(xp: Any, x: Any) -> Any:
    """``log|Gamma(x)|`` for x > 0 (Cephes' lgam): below 13, shifted into [2, 3) by the
    recurrence and a rational function there; from 13 on, Stirling's series."""
    mid = x < 13.0
    u = _safe(xp, mid, x, 2.5)
    z = xp.ones_like(u)
    for _ in range(10):  # down to [2, 3): u < 13 takes at most 10 steps
        down = u >= 3.0
        u = xp.where(down, u - 1.0, u)
        z = xp.where(down, z * u, z)
    for _ in range(2):  # up from (0, 2): at most 2 steps
        up = u < 2.0
        z = xp.where(up, z / u, z)
        u = xp.where(up, u + 1.0, u)
    t = u - 2.0
    small = xp.log(z) + t * _polevl(t, _LGAM_B) / _p1evl(t, _LGAM_C)
    w = _safe(xp, xp.logical_not(mid), x, 13.0)
    stirling = (w - 0.5) * xp.log(w) - w + _LOG_SQRT_2PI
    p = 1.0 / (w * w)
    stirling = xp.where(w > 1e8, stirling, stirling + _polevl(p, _LGAM_A) / w)
    return xp.where(mid, small, stirling)


def gammaln(xp: Any, x: Any) -> Any:
    """``log|Gamma(x)|``: inf at 0 and the negative integers, reflected below 0 by
    ``Gamma(x) Gamma(1 - x) = pi / sin(pi x)``."""
    negative = x < 0.0
    q = xp.where(negative, -x, x)
    positive = xp.where(q == 0.0, 1.0, q)
    value = _gammaln_positive(xp, xp.where(xp.isfinite(positive), positive, 1.0))
    # reflection: log|Gamma(x)| = log(pi) - log|q sin(pi z)| - log Gamma(q), z the
    # distance from q to its nearest integer (sin of a small argument stays accurate)
    z = q - xp.floor(q)
    z = xp.where(z > 0.5, 1.0 - z, z)
    pole = z == 0.0
    sine = xp.abs(q * xp.sin(math.pi * xp.where(pole, 0.5, z)))
    reflected = _LOG_PI - xp.log(sine) - value
    out = xp.where(negative, xp.where(pole, math.inf, reflected), value)
    out = xp.where(q == 0.0, math.inf, out)
    return xp.where(xp.isinf(x), math.inf, xp.where(xp.isnan(x), x, out))


_PSI_A = (8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3,
          -4.16666666666666666667e-3, 3.96825396825396825397e-3, -8.33333333333333333333e-3,
          8.33333333333333333333e-2)


def digamma(xp: Any, x: Any) -> Any:
    """``psi(x) = Gamma'(x) / Gamma(x)`` (Cephes' psi as PyTorch writes it): raised to 10
    by the recurrence, then the asymptotic series; reflected below 0 by
    ``psi(1 - x) - pi / tan(pi x)``; nan at the negative integers, -+inf at +-0."""
    negative = x < 0.0
    whole = x == xp.floor(x)
    y = xp.where(negative, 1.0 - x, x)
    y = xp.where(xp.logical_or(y == 0.0, xp.logical_not(xp.isfinite(y))), 10.0, y)
    shift = xp.zeros_like(y)
    for _ in range(10):  # (0, 10) up to [10, 11)
        up = y < 10.0
        shift = xp.where(up, shift - 1.0 / y, shift)
        y = xp.where(up, y + 1.0, y)
    z = 1.0 / (y * y)
    series = xp.where(y < 1e17, z * _polevl(z, _PSI_A), 0.0)
    value = shift + xp.log(y) - 0.5 / y - series
    r = x - xp.trunc(x)  # tan(pi r) is more accurate than tan(pi x)
    reflected = value - math.pi / xp.tan(math.pi * xp.where(whole, 0.5, r))
    out = xp.where(negative, xp.where(whole, math.nan, reflected), value)
    infinity = xp.full_like(x, math.inf)
    out = xp.where(x == 0.0, xp.where(xp.signbit(x), infinity, -infinity), out)
    out = xp.where(x == math.inf, math.inf, xp.where(x == -math.inf, math.nan, out))
    return xp.where(xp.isnan(x), x, out)


#: Euler-Maclaurin's coefficients (2k)! / B_2k, as Cephes' zeta has them
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
           7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
           -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18)


def zeta(xp: Any, x: Any, q: Any) -> Any:
    """The Hurwitz zeta function ``sum_k (k + q)**-x`` (Cephes' zeta): the first terms
    summed until ``q + n`` passes 9, then the Euler-Maclaurin tail."""
    x, q = xp.broadcast_arrays(x, q)
    bad = xp.logical_or(x < 1.0, xp.logical_and(q <= 0.0, x != xp.floor(x)))
    pole = xp.logical_or(x == 1.0, xp.logical_and(q <= 0.0, q == xp.floor(q)))
    s_ = xp.where(xp.logical_or(bad, pole), 2.0, x)
    a = xp.where(xp.logical_or(bad, pole), 1.0, q)
    # enough leading terms that every q + n passes 9, and at least 9 of them
    lowest = float(xp.min(a)) if a.size else 0.0
    count = max(9, math.ceil(9.0 - lowest) + 1) if math.isfinite(lowest) else 9
    total = a ** -s_
    for _ in range(count):
        a = a + 1.0
        total = total + a ** -s_
    b = a ** -s_
    w = a
    total = total + b * w / (s_ - 1.0) - 0.5 * b
    factor = xp.ones_like(s_)
    k = 0.0
    for coefficient in _ZETA_A:
        factor = factor * (s_ + k)
        b = b / w
        total = total + factor * b / coefficient
        k += 1.0
        factor = factor * (s_ + k)
        b = b / w
        k += 1.0
    out = xp.where(pole, math.inf, xp.where(bad, math.nan, total))
    return xp.where(xp.logical_or(xp.isnan(x), xp.isnan(q)), math.nan, out)


def polygamma(xp: Any, n: int, x: Any) -> Any:
    """The n-th derivative of digamma: ``(-1)**(n+1) n! zeta(n + 1, x)`` for n >= 1."""
    if n == 0:
        return digamma(xp, x)
    sign = 1.0 if n % 2 else -1.0
    return sign * math.factorial(n) * zeta(xp, xp.full_like(x, float(n + 1)), x)
