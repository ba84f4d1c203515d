"""PyTorch's elementwise functions beyond the standard's chapter, built from its ops:
rsqrt, deg2rad/rad2deg, fmod, frac, float_power, fmax/fmin, logaddexp2, ldexp, sgn,
angle, polar, true_divide, rsub, clamp_min/clamp_max, nan_to_num, and the comparison
spellings eq/ne/lt/le/gt/ge as Tensor methods. Each is a composite, so its gradient
(and the gradient of that) comes from the ops it is made of; where PyTorch's gradient
is a convention (fmax at a tie goes to the first input), the composite is written so
that it gives the same.
"""

from __future__ import annotations

import math
from typing import Any

from .._tensor import Tensor
from . import comparison as _cmp
from .comparison import isnan, logical_or
from .complex import complex as _complex
from .complex import conj, imag, real
from .datatypes import astype, finfo
from .elementwise import cos, divide, multiply, pow, sign, sin, sqrt, subtract, where
from .elementwise_math import atan2, logaddexp, reciprocal
from .piecewise import clamp, remainder, trunc

__all__ = ["angle", "clamp_max", "clamp_min", "conj_physical", "deg2rad", "float_power",
           "fmax", "fmin", "fmod", "frac", "ldexp", "logaddexp2", "nan_to_num", "polar",
           "rad2deg", "resolve_conj", "resolve_neg", "rsqrt", "rsub", "sgn", "true_divide"]
NOT_METHODS = ("polar", "rsub")

_LN2 = math.log(2.0)


def _tensor_pair(op: str, a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands as tensors (a Python number as a 0-d tensor like the other)."""
    from .creation import asarray

    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return a, b
    if isinstance(a, Tensor):
        return a, asarray(b, dtype=_number_dtype(a, b), backend=a._backend, device=a.device)
    if isinstance(b, Tensor):
        return asarray(a, dtype=_number_dtype(b, a), backend=b._backend, device=b.device), b
    raise TypeError(f"{op}: expected at least one Tensor, got {type(a).__name__} and "
                    f"{type(b).__name__}")


def _number_dtype(like: Tensor, value: Any) -> Any:
    """PyTorch's dtype for a Python number beside ``like``: ``like``'s own, unless the
    number is a float beside integers (the default float)."""
    if isinstance(value, float) and not like.dtype.is_floating_point:
        return None
    return like.dtype


def rsqrt(input: Tensor) -> Tensor:
    """``1 / sqrt(x)`` elementwise (``torch.rsqrt``).

    >>> import autodiff as ad
    >>> ad.rsqrt(ad.tensor([4.0, 0.25]))
    tensor([0.5000, 2.0000])
    """
    return reciprocal(sqrt(input))


def deg2rad(input: Tensor) -> Tensor:
    """Degrees to radians (``torch.deg2rad``).

    >>> import autodiff as ad
    >>> ad.deg2rad(ad.tensor([180.0, 90.0]))
    tensor([3.1416, 1.5708])
    """
    return multiply(input, math.pi / 180.0)


def rad2deg(input: Tensor) -> Tensor:
    """Radians to degrees (``torch.rad2deg``).

    >>> import autodiff as ad
    >>> ad.rad2deg(ad.tensor([3.141592653589793]))
    tensor([180.])
    """
    return multiply(input, 180.0 / math.pi)


def fmod(input: Any, other: Any) -> Tensor:
    """C's remainder ``x - y * trunc(x / y)``: the sign of ``x`` (``torch.fmod``; Python's
    ``%``, ``remainder``, takes the sign of ``y``). Gradients 1 and ``-trunc(x / y)``.

    >>> import autodiff as ad
    >>> ad.fmod(ad.tensor([-3.0, 3.0, -3.0]), 2.0)
    tensor([-1.,  1., -1.])
    >>> ad.fmod(ad.tensor([-7, 7]), -3)
    tensor([-1,  1])
    """
    x, y = _tensor_pair("fmod", input, other)
    r = remainder(x, y)
    # remainder has y's sign; where that differs from x's (and r is not 0), step back by y
    wrong = _cmp.logical_and(r != 0, (r < 0) != (x < 0))
    return where(wrong, r - y, r)


def frac(input: Tensor) -> Tensor:
    """The fractional part ``x - trunc(x)``, with the sign of ``x`` (``torch.frac``);
    its gradient is 1.

    >>> import autodiff as ad
    >>> ad.frac(ad.tensor([1.25, -2.75]))
    tensor([ 0.2500, -0.7500])
    """
    return subtract(input, trunc(input))


def float_power(input: Any, exponent: Any) -> Tensor:
    """``x ** y`` computed in double precision: float64, or complex128 for a complex
    operand (``torch.float_power``).

    >>> import autodiff as ad
    >>> ad.float_power(ad.tensor([2, 3]), 2)
    tensor([4., 9.], dtype=autodiff.float64)
    """
    def wide(value: Any) -> Any:
        if not isinstance(value, Tensor):
            return complex(value) if isinstance(value, complex) else float(value)
        complex_ = value.dtype.kind == "complex floating" or any(
            isinstance(v, complex) or (isinstance(v, Tensor)
                                       and v.dtype.kind == "complex floating")
            for v in (input, exponent))
        return astype(value, "complex128" if complex_ else "float64")

    return pow(wide(input), wide(exponent))


def fmax(input: Any, other: Any) -> Tensor:
    """The larger of two elements, ignoring nan: nan only where both are (``torch.fmax``;
    ``maximum`` propagates nan). The gradient goes to ``input`` at a tie, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.fmax(ad.tensor([1.0, float("nan"), 3.0]), ad.tensor([2.0, 2.0, float("nan")]))
    tensor([2., 2., 3.])
    """
    a, b = _tensor_pair("fmax", input, other)
    return where(logical_or(a >= b, isnan(b)), a, b)


def fmin(input: Any, other: Any) -> Tensor:
    """The smaller of two elements, ignoring nan (``torch.fmin``).

    >>> import autodiff as ad
    >>> ad.fmin(ad.tensor([1.0, float("nan"), 3.0]), ad.tensor([2.0, 2.0, float("nan")]))
    tensor([1., 2., 3.])
    """
    a, b = _tensor_pair("fmin", input, other)
    return where(logical_or(a <= b, isnan(b)), a, b)


def logaddexp2(input: Any, other: Any) -> Tensor:
    """``log2(2**x + 2**y)`` without overflow (``torch.logaddexp2``).

    >>> import autodiff as ad
    >>> ad.logaddexp2(ad.tensor([1.0, 10.0]), ad.tensor([1.0, 0.0]))
    tensor([ 2.0000, 10.0014])
    """
    a, b = _tensor_pair("logaddexp2", input, other)
    return logaddexp(a * _LN2, b * _LN2) / _LN2


def ldexp(input: Tensor, other: Any) -> Tensor:
    """``x * 2**e`` (``torch.ldexp``); the result is a float.

    >>> import autodiff as ad
    >>> ad.ldexp(ad.tensor([1.0, 3.0]), ad.tensor([3, -1]))
    tensor([8.0000, 1.5000])
    """
    return multiply(input, pow(2.0, other))


def sgn(input: Tensor) -> Tensor:
    """``sign`` extended to complex numbers as ``z / |z|`` (0 at 0) (``torch.sgn``).

    >>> import autodiff as ad
    >>> ad.sgn(ad.tensor([3.0 + 4.0j, -2.0 + 0.0j]))
    tensor([ 0.6000+0.8000j, -1.0000+0.0000j])
    """
    return sign(input)


def angle(input: Tensor) -> Tensor:
    """The argument of each element (``torch.angle``): ``atan2(imag, real)`` for complex
    numbers; pi for a negative real number and 0 otherwise (nan stays nan), with a zero
    gradient.

    >>> import autodiff as ad
    >>> ad.angle(ad.tensor([-2.0, 0.0, 3.0]))
    tensor([3.1416, 0.0000, 0.0000])
    """
    if input.dtype.kind == "complex floating":
        return atan2(imag(input), real(input))
    x = input if input.dtype.is_floating_point else astype(input, "float32")
    return where(isnan(x), x, where(x < 0, math.pi, x * 0.0))


def polar(abs: Tensor, angle: Tensor) -> Tensor:
    """The complex number of modulus ``abs`` and argument ``angle`` (``torch.polar``).

    >>> import autodiff as ad
    >>> ad.polar(ad.tensor([2.0]), ad.tensor([0.0]))
    tensor([2.+0.j])
    """
    return _complex(abs * cos(angle), abs * sin(angle))


def true_divide(dividend: Any, divisor: Any) -> Tensor:
    """``divide``: true division (``torch.true_divide``).

    >>> import autodiff as ad
    >>> ad.true_divide(ad.tensor([1, 3]), 2)
    tensor([0.5000, 1.5000])
    """
    return divide(dividend, divisor)


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``other - alpha * input`` (``torch.rsub``).

    >>> import autodiff as ad
    >>> ad.rsub(ad.tensor([1.0, 2.0]), 10.0)
    tensor([9., 8.])
    """
    return subtract(other, input if alpha == 1 else multiply(input, alpha))


def clamp_min(input: Tensor, min: Any) -> Tensor:
    """``clamp(x, min=min)`` (``torch.clamp_min``).

    >>> import autodiff as ad
    >>> ad.clamp_min(ad.tensor([-1.0, 2.0]), 0.0)
    tensor([0., 2.])
    """
    return clamp(input, min=min)


def clamp_max(input: Tensor, max: Any) -> Tensor:
    """``clamp(x, max=max)`` (``torch.clamp_max``).

    >>> import autodiff as ad
    >>> ad.clamp_max(ad.tensor([-1.0, 2.0]), 0.0)
    tensor([-1.,  0.])
    """
    return clamp(input, max=max)


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """nan, inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by default 0,
    the dtype's largest and its lowest finite value) (``torch.nan_to_num``); the
    gradient flows where the input was finite. Integers come back as they are.

    >>> import autodiff as ad
    >>> ad.nan_to_num(ad.tensor([float("nan"), float("inf"), -float("inf"), 1.5]))
    tensor([ 0.0000e+00,  3.4028e+38, -3.4028e+38,  1.5000e+00])
    """
    if not input.dtype.is_floating_point:
        return input * 1
    if input.dtype.kind == "complex floating":
        return _complex(nan_to_num(real(input), nan, posinf, neginf),
                        nan_to_num(imag(input), nan, posinf, neginf))
    info = finfo(input.dtype)
    high = info.max if posinf is None else float(posinf)
    low = info.min if neginf is None else float(neginf)
    out = where(input == math.inf, high, input)
    out = where(input == -math.inf, low, out)
    return where(isnan(input), float(nan), out)


def conj_physical(input: Tensor) -> Tensor:
    """The complex conjugate (``torch.conj_physical``: autodiff never makes a lazy one).

    >>> import autodiff as ad
    >>> ad.conj_physical(ad.tensor([1.0 + 2.0j]))
    tensor([1.-2.j])
    """
    return conj(input)


def resolve_conj(input: Tensor) -> Tensor:
    """The tensor itself: autodiff has no lazy conjugate bit to resolve
    (``torch.resolve_conj``).

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0]); ad.resolve_conj(x) is x
    True
    """
    return input


def resolve_neg(input: Tensor) -> Tensor:
    """The tensor itself: autodiff has no lazy negation bit (``torch.resolve_neg``).

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0]); ad.resolve_neg(x) is x
    True
    """
    return input


#: PyTorch's short comparison names, as Tensor methods (``x.eq(y)``, ``x.lt(0)``)
METHODS = {"eq": _cmp.equal, "ne": _cmp.not_equal, "lt": _cmp.less, "le": _cmp.less_equal,
           "gt": _cmp.greater, "ge": _cmp.greater_equal, "greater": _cmp.greater,
           "greater_equal": _cmp.greater_equal, "less": _cmp.less,
           "less_equal": _cmp.less_equal, "not_equal": _cmp.not_equal}
