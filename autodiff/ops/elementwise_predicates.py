"""PyTorch's elementwise tests and integer functions beyond the standard's chapter:
isneginf, isposinf, isreal, isin (the 2025.12 standard's, with PyTorch's keywords),
isclose/allclose, heaviside, gcd, lcm and frexp. None is differentiable: outputs never
carry a ``grad_fn``, as in PyTorch (which has no derivative for heaviside, gcd, lcm or
frexp either).
"""

from __future__ import annotations

from typing import Any

from .. import return_types
from .._device import device_of
from .._dtypes import native_isdtype
from .._primitive import primitive
from .._tensor import Tensor
from .comparison import complex_value

__all__ = ["allclose", "frexp", "gcd", "heaviside", "isclose", "isin", "isneginf", "isposinf",
           "isreal", "lcm"]
NOT_METHODS = ("isin",)


def _real_kind(xp: Any, x: Any) -> bool:
    return not native_isdtype(xp, x.dtype, "complex floating")


isposinf = primitive(
    "isposinf",
    forward=lambda xp, x: xp.logical_and(xp.isinf(x), x > 0) if _real_kind(xp, x) else (
        _refuse_complex("isposinf")),
    doc="""True where an element is +inf (``torch.isposinf``); integers are never inf.

    >>> import autodiff as ad
    >>> ad.isposinf(ad.tensor([1.0, float("inf"), -float("inf")]))
    tensor([False,  True, False])
    """,
)
isneginf = primitive(
    "isneginf",
    forward=lambda xp, x: xp.logical_and(xp.isinf(x), x < 0) if _real_kind(xp, x) else (
        _refuse_complex("isneginf")),
    doc="""True where an element is -inf (``torch.isneginf``).

    >>> import autodiff as ad
    >>> ad.isneginf(ad.tensor([1.0, float("inf"), -float("inf")]))
    tensor([False, False,  True])
    """,
)
isreal = primitive(
    "isreal",
    forward=lambda xp, x: (xp.ones(x.shape, dtype=xp.bool, device=device_of(x))
                           if _real_kind(xp, x) else xp.imag(x) == 0),
    doc="""True where an element's imaginary part is 0: everywhere for a real tensor
    (``torch.isreal``).

    >>> import autodiff as ad
    >>> ad.isreal(ad.tensor([1.0 + 0.0j, 1.0 + 1.0j]))
    tensor([ True, False])
    """,
)


def _refuse_complex(op: str) -> Any:
    raise RuntimeError(f"{op} does not support complex inputs.")


def _isin_forward(xp: Any, x1: Any, x2: Any, *, invert: bool = False) -> Any:
    if not hasattr(x1, "dtype"):
        x1 = xp.asarray(x1, device=device_of(x2))
    if not hasattr(x2, "dtype"):
        x2 = xp.asarray(x2, device=device_of(x1))
    test = xp.reshape(x2, (-1,))
    found = xp.any(xp.expand_dims(x1, axis=-1) == test, axis=-1)
    return xp.logical_not(found) if invert else found


_isin = primitive("isin", forward=_isin_forward)


def isin(x1: Any = None, x2: Any = None, /, *, invert: bool = False,
         assume_unique: bool = False, elements: Any = None, test_elements: Any = None
         ) -> Tensor:
    """True where an element of ``x1`` is among the elements of ``x2`` (the 2025.12
    standard's ``isin(x1, x2, /, *, invert=False)``; PyTorch's keywords ``elements=``,
    ``test_elements=`` and ``assume_unique=`` are taken, the last changing nothing).
    Either may be a Python number.

    >>> import autodiff as ad
    >>> ad.isin(ad.tensor([1, 2, 3, 4]), ad.tensor([2, 4]))
    tensor([False,  True, False,  True])
    >>> ad.isin(ad.tensor([1, 2]), 2, invert=True)
    tensor([ True, False])
    """
    if elements is not None:
        if x1 is not None:
            raise TypeError("isin: got the elements both as x1 and as elements=")
        x1 = elements
    if test_elements is not None:
        if x2 is not None:
            raise TypeError("isin: got the test elements both as x2 and as test_elements=")
        x2 = test_elements
    if x1 is None or x2 is None:
        raise TypeError("isin: expected the elements and the test elements, "
                        "isin(x1, x2) or isin(elements=..., test_elements=...)")
    return _isin(x1, x2, invert=bool(invert))


def _isclose_forward(xp: Any, a: Any, b: Any, *, rtol: float, atol: float,
                     equal_nan: bool) -> Any:
    if not hasattr(b, "dtype"):
        b = xp.asarray(b, dtype=a.dtype, device=device_of(a))
    same = a == b  # infinities of one sign, exactly
    finite = xp.logical_and(xp.isfinite(a), xp.isfinite(b))
    # infinities left out of the difference, which would be nan (and warn) there
    a_, b_ = xp.where(finite, a, 0), xp.where(finite, b, 0)
    close = xp.logical_and(finite, xp.abs(a_ - b_) <= atol + rtol * xp.abs(b_))
    out = xp.logical_or(same, close)
    if equal_nan:
        out = xp.logical_or(out, xp.logical_and(xp.isnan(a), xp.isnan(b)))
    return out


_isclose = primitive("isclose", forward=_isclose_forward)


def isclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """True where ``|input - other| <= atol + rtol |other|``, elementwise (infinities
    only equal to themselves, nan to nan with ``equal_nan``) (``torch.isclose``).

    >>> import autodiff as ad
    >>> ad.isclose(ad.tensor([1.0, 1.1, float("nan")]), ad.tensor([1.0 + 1e-9, 1.0, float("nan")]))
    tensor([ True, False, False])
    """
    if rtol < 0 or atol < 0:
        raise RuntimeError(f"isclose: rtol and atol must be non-negative, got rtol={rtol} "
                           f"and atol={atol}")
    return _isclose(input, other, rtol=float(rtol), atol=float(atol),
                    equal_nan=bool(equal_nan))


def allclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether every element is ``isclose`` to its counterpart (``torch.allclose``).

    >>> import autodiff as ad
    >>> ad.allclose(ad.tensor([1.0, 2.0]), ad.tensor([1.0, 2.0 + 1e-7]))
    True
    """
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def _heaviside_forward(xp: Any, x: Any, values: Any) -> Any:
    name = complex_value(xp, x) or complex_value(xp, values)
    if name is not None:
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    step = xp.astype(x > 0, values.dtype) if hasattr(values, "dtype") else xp.astype(
        x > 0, x.dtype)
    return xp.where(x == 0, values, step)


heaviside = primitive(
    "heaviside", forward=_heaviside_forward,
    doc="""The Heaviside step: 0 below 0, 1 above, ``values`` at 0 (``torch.heaviside``).
    Not differentiable, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.heaviside(ad.tensor([-1.5, 0.0, 2.0]), ad.tensor([0.5]))
    tensor([0.0000, 0.5000, 1.0000])
    """,
)


def _integers(op: str, xp: Any, *values: Any) -> None:
    for value in values:
        if hasattr(value, "dtype") and not native_isdtype(xp, value.dtype, "integral"):
            raise RuntimeError(f'"{op}_cpu" not implemented for a floating point or bool '
                               "tensor: expected integers")


def _gcd_forward(xp: Any, a: Any, b: Any) -> Any:
    _integers("gcd", xp, a, b)
    a, b = xp.abs(a), xp.abs(b)
    if hasattr(a, "shape") and hasattr(b, "shape"):
        a, b = xp.broadcast_arrays(a, b)
    elif not hasattr(a, "shape"):
        a = xp.full_like(b, a)
    else:
        b = xp.full_like(a, b)
    # Euclid's algorithm, each element until its b is 0
    while bool(xp.any(b != 0)):
        step = b != 0
        safe = xp.where(step, b, 1)
        a, b = xp.where(step, b, a), xp.where(step, a % safe, 0)
    return a


gcd = primitive(
    "gcd", forward=_gcd_forward,
    doc="""The greatest common divisor of two integer tensors, elementwise and broadcast,
    non-negative; ``gcd(0, 0)`` is 0 (``torch.gcd``).

    >>> import autodiff as ad
    >>> ad.gcd(ad.tensor([12, -18, 0]), ad.tensor([8, 12, 5]))
    tensor([4, 6, 5])
    """,
)


def _lcm_forward(xp: Any, a: Any, b: Any) -> Any:
    divisor = _gcd_forward(xp, a, b)
    return xp.where(divisor == 0, 0, xp.abs(a // xp.where(divisor == 0, 1, divisor) * b))


lcm = primitive(
    "lcm", forward=_lcm_forward,
    doc="""The least common multiple of two integer tensors, elementwise and broadcast,
    non-negative; 0 where either is 0 (``torch.lcm``).

    >>> import autodiff as ad
    >>> ad.lcm(ad.tensor([4, -6, 0]), ad.tensor([6, 4, 5]))
    tensor([12, 12,  0])
    """,
)


def _mantissa(xp: Any, x: Any) -> Any:
    return _split(xp, x)[0]


def _exponent(xp: Any, x: Any) -> Any:
    return _split(xp, x)[1]


def _split(xp: Any, x: Any) -> tuple[Any, Any]:
    """``x = m 2**e`` with ``0.5 <= |m| < 1`` (m = x and e = 0 at 0, inf and nan): the
    exponent from log2, corrected by one where its rounding is off."""
    finite = xp.logical_and(xp.isfinite(x), x != 0)
    size = xp.where(finite, xp.abs(x), 1.0)
    e = xp.floor(xp.log2(size)) + 1.0
    m = size / 2.0 ** e
    e = xp.where(m >= 1.0, e + 1.0, xp.where(m < 0.5, e - 1.0, e))
    # two halvings, so that 2**e does not underflow for a subnormal x
    m = size / 2.0 ** xp.floor(e / 2.0) / 2.0 ** (e - xp.floor(e / 2.0))
    m = xp.where(finite, xp.where(x < 0, -m, m), x)
    return m, xp.astype(xp.where(finite, e, 0.0), xp.int32)


def _mantissa_vjp(xp: Any, g: Any, _ans: Any, x: Any) -> Any:
    # PyTorch's rule: grad / exp2(exponent) (the mantissa is x scaled by 2**-exponent)
    return g / 2.0 ** xp.astype(_split(xp, x)[1], x.dtype)


_frexp_mantissa = primitive("frexp_mantissa", forward=_mantissa, vjp=_mantissa_vjp,
                            jvp="elementwise", namespace="autodiff.Tensor")
_frexp_exponent = primitive("frexp_exponent", forward=_exponent, namespace="autodiff.Tensor")


def frexp(input: Tensor) -> Any:
    """Each element split as ``mantissa * 2**exponent`` with ``0.5 <= |mantissa| < 1``,
    as a (mantissa, exponent) pair, the exponent int32 (``torch.frexp``); the mantissa
    is differentiable, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.frexp(ad.tensor([8.0, 0.3, 0.0]))
    autodiff.return_types.frexp(
    mantissa=tensor([0.5000, 0.6000, 0.0000]),
    exponent=tensor([ 4, -1,  0], dtype=autodiff.int32))
    """
    if not input.dtype.is_floating_point or input.dtype.kind == "complex floating":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    return return_types.frexp(_frexp_mantissa(input), _frexp_exponent(input))
