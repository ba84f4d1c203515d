"""The standard normal distribution function Phi, on any Array API namespace.

The standard has no ``erf``; gelu needs Phi(x) = erfc(-x / sqrt(2)) / 2 to full precision,
so it is computed here from two expansions (each term positive, so nothing cancels):

* ``z < 2``: erf(z) = 2/sqrt(pi) exp(-z^2) sum_k z^(2k+1) 2^k / (2k+1)!! (30 terms, by
  Horner's rule in z^2);
* ``z >= 2``: erfc(z) = exp(-z^2)/sqrt(pi) / (z + (1/2)/(z + 1/(z + (3/2)/(z + ...))))
  (Laplace's continued fraction, 40 levels, evaluated from the bottom up).

The term counts are the fewest (plus a margin) that reach float64 precision on each side
of the split, measured against ``math.erf``/``math.erfc``; about 140 elementwise operations
in all, so gelu's exact form costs several times its tanh form.

Both are within a few units in the last place of float64 (5e-14 relative for erfc at
large z, from rounding z^2), and work on tensors as well as arrays, so a rule that
calls them is differentiable when the engine records it.
"""

from __future__ import annotations

import math
from typing import Any

_SERIES_TERMS = 30
_FRACTION_LEVELS = 40
_SPLIT = 2.0
#: 2^k / (2k+1)!!, the series' coefficients of z^(2k+1)
_COEFFICIENTS = [2.0**k / math.prod(range(1, 2 * k + 2, 2)) for k in range(_SERIES_TERMS + 1)]


def _erf_series(xp: Any, z: Any) -> Any:
    square = z * z
    total = _COEFFICIENTS[-1] * square + _COEFFICIENTS[-2]
    for coefficient in reversed(_COEFFICIENTS[:-2]):
        total = total * square + coefficient
    return (2.0 / math.sqrt(math.pi)) * xp.exp(-square) * z * total


def _erfc_fraction(xp: Any, z: Any) -> Any:
    tail = z
    for k in range(_FRACTION_LEVELS, 0, -1):
        tail = z + (k / 2.0) / tail
    return xp.exp(-z * z) / math.sqrt(math.pi) / tail


def erfc_nonnegative(xp: Any, z: Any) -> Any:
    """erfc(z) for z >= 0 (relative precision where it is tiny)."""
    small = z < _SPLIT
    # each expansion sees only the arguments it converges for: no inf or nan elsewhere
    series = 1.0 - _erf_series(xp, xp.where(small, z, 0.0))
    fraction = _erfc_fraction(xp, xp.where(small, _SPLIT, z))
    return xp.where(small, series, fraction)


def normal_cdf(xp: Any, x: Any) -> Any:
    """Phi(x) = P(N(0, 1) <= x), with relative precision in the far left tail."""
    half_tail = 0.5 * erfc_nonnegative(xp, xp.abs(x) * math.sqrt(0.5))
    return xp.where(x < 0, half_tail, 1.0 - half_tail)


def normal_pdf(xp: Any, x: Any) -> Any:
    """phi(x) = exp(-x^2 / 2) / sqrt(2 pi)."""
    return xp.exp(-0.5 * x * x) * (1.0 / math.sqrt(2.0 * math.pi))
