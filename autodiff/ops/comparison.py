"""Element-wise comparisons, logical operations and value tests (Array API chapter
"Element-wise Functions"): none is differentiable, so their outputs never carry a
``grad_fn``, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._dtypes import native_isdtype
from .._primitive import primitive
from .elementwise import _integral

__all__ = ["equal", "greater", "greater_equal", "isfinite", "isinf", "isnan", "less",
           "less_equal", "logical_and", "logical_not", "logical_or", "logical_xor", "not_equal",
           "signbit"]

#: native dtypes seen not to be complex, per dtype class (so that two libraries' dtypes are
#: never compared): the ordering ops ask on every call, and a set lookup costs a fraction
#: of the general cached ``isdtype``
_NOT_COMPLEX: dict[type, set[Any]] = {}


def complex_value(xp: Any, value: Any) -> str | None:
    """PyTorch's name of ``value``'s dtype (``"ComplexDouble"``) if it is complex (an
    array or a Python number), else None: what ordering ops (``<``, ``maximum``,
    ``clip``, ``max`` ...) refuse, since complex numbers have no order (PyTorch raises;
    the standard leaves it unspecified)."""
    kind = type(value)
    if kind is complex:
        return "ComplexDouble"
    if kind is float or kind is int or kind is bool or value is None:
        return None
    dtype = value.dtype
    seen = _NOT_COMPLEX.get(dtype.__class__)
    if seen is not None and dtype in seen:
        return None
    if not native_isdtype(xp, dtype, "complex floating"):
        if seen is None or len(seen) >= 64:  # bounded: a library may make a dtype per array
            seen = _NOT_COMPLEX[dtype.__class__] = set()
        seen.add(dtype)
        return None
    return "ComplexFloat" if dtype == xp.complex64 else "ComplexDouble"


def real_only(xp: Any, op: str, *values: Any) -> None:
    """Refuse a complex value to ``op``, a function defined on real numbers only
    (softmax, celu ...), with PyTorch's NotImplementedError rather than numpy's answer
    through a lexicographic order."""
    for value in values:
        name = complex_value(xp, value)
        if name is not None:
            raise NotImplementedError(f'"{op}" not implemented for \'{name}\'')


def _ordered(kernel: str, fn: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    """The forward of an order comparison, refusing complex operands as PyTorch does."""
    def forward(xp: Any, a: Any, b: Any) -> Any:
        name = complex_value(xp, a) or complex_value(xp, b)
        if name is not None:
            raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{name}\'')
        return fn(a, b)

    return forward


def _signbit(xp: Any, x: Any) -> Any:
    # The standard defines signbit for floats; PyTorch also takes integers (x < 0).
    if _integral(xp, x):
        return x < 0 if not native_isdtype(xp, x.dtype, "bool") else xp.zeros_like(x)
    return xp.signbit(x)



equal = primitive(
    "equal", forward=lambda xp, a, b: a == b,
    doc="""``a == b`` elementwise, broadcast, as a bool tensor. Not differentiable: the
    result never has a ``grad_fn``, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.equal(ad.tensor([1, 2]), ad.tensor([1, 3]))
    tensor([ True, False])
    """,
)
not_equal = primitive(
    "not_equal", forward=lambda xp, a, b: a != b,
    doc="""``a != b`` elementwise, broadcast, as a bool tensor. Not differentiable: the
    result never has a ``grad_fn``, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.not_equal(ad.tensor([1, 2]), ad.tensor([1, 3]))
    tensor([False,  True])
    """,
)
less = primitive(
    "less", forward=_ordered("lt", lambda a, b: a < b),
    doc="""``a < b`` elementwise, broadcast, as a bool tensor. Not differentiable: the
    result never has a ``grad_fn``, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.less(ad.tensor([0.5, 1.0, 2.0], requires_grad=True), 1.0)
    tensor([ True, False, False])
    """,
)
less_equal = primitive(
    "less_equal", forward=_ordered("le", lambda a, b: a <= b),
    doc="""``a <= b`` elementwise, broadcast, as a bool tensor. Not differentiable: the
    result never has a ``grad_fn``, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.less_equal(ad.tensor([0.5, 1.0, 2.0]), 1.0)
    tensor([ True,  True, False])
    """,
)
greater = primitive(
    "greater", forward=_ordered("gt", lambda a, b: a > b),
    doc="""``a > b`` elementwise, broadcast, as a bool tensor. Not differentiable: the
    result never has a ``grad_fn``, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.greater(ad.tensor([0.5, 1.0, 2.0], requires_grad=True), 1.0)
    tensor([False, False,  True])
    """,
)
greater_equal = primitive(
    "greater_equal", forward=_ordered("ge", lambda a, b: a >= b),
    doc="""``a >= b`` elementwise, broadcast, as a bool tensor. Not differentiable:
    the result never has a ``grad_fn``, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.greater_equal(ad.tensor([0.5, 1.0, 2.0]), 1.0)
    tensor([False,  True,  True])
    """,
)
def _truth(xp: Any, x: Any) -> Any:
    """``x`` as bools, as PyTorch reads any dtype in a logical op (non-zero is True);
    the standard's logical functions take bools only."""
    if not hasattr(x, "dtype"):
        return bool(x)
    return x if x.dtype == xp.bool else x != 0


logical_and = primitive(
    "logical_and", forward=lambda xp, a, b: xp.logical_and(_truth(xp, a), _truth(xp, b)),
    doc="""The logical AND of two bool tensors, elementwise and broadcast. Not
    differentiable.

    >>> import autodiff as ad
    >>> ad.logical_and(ad.tensor([True, True, False]), ad.tensor([True, False, False]))
    tensor([ True, False, False])
    """,
)
logical_or = primitive(
    "logical_or", forward=lambda xp, a, b: xp.logical_or(_truth(xp, a), _truth(xp, b)),
    doc="""The logical OR of two bool tensors, elementwise and broadcast. Not
    differentiable.

    >>> import autodiff as ad
    >>> ad.logical_or(ad.tensor([True, True, False]), ad.tensor([True, False, False]))
    tensor([ True,  True, False])
    """,
)
logical_not = primitive(
    "logical_not", forward=lambda xp, x: xp.logical_not(_truth(xp, x)),
    doc="""The logical NOT of a bool tensor, elementwise. Not differentiable.

    >>> import autodiff as ad
    >>> ad.logical_not(ad.tensor([True, False]))
    tensor([False,  True])
    """,
)
isnan = primitive(
    "isnan", forward=lambda xp, x: xp.isnan(x),
    doc="""True where an element is nan, as a bool tensor. Not differentiable.

    >>> import autodiff as ad
    >>> ad.isnan(ad.tensor([1.0, float("nan"), float("inf")]))
    tensor([False,  True, False])
    """,
)
isfinite = primitive(
    "isfinite", forward=lambda xp, x: xp.isfinite(x),
    doc="""True where an element is neither inf, -inf nor nan, as a bool tensor. Not
    differentiable.

    >>> import autodiff as ad
    >>> ad.isfinite(ad.tensor([1.0, float("nan"), float("inf")]))
    tensor([ True, False, False])
    """,
)
isinf = primitive(
    "isinf", forward=lambda xp, x: xp.isinf(x),
    doc="""True where an element is inf or -inf, as a bool tensor. Not differentiable.

    >>> import autodiff as ad
    >>> ad.isinf(ad.tensor([1.0, float("nan"), -float("inf")]))
    tensor([False, False,  True])
    """,
)
signbit = primitive(
    "signbit", forward=_signbit,
    doc="""True where an element's sign bit is set (so at -0.0 too), as a bool tensor;
    integer tensors are taken as well (``x < 0``), as in PyTorch. Not differentiable.

    >>> import autodiff as ad
    >>> ad.signbit(ad.tensor([-2.0, -0.0, 0.0, 3.0]))
    tensor([ True,  True, False, False])
    """,
)
logical_xor = primitive(
    "logical_xor", forward=lambda xp, a, b: xp.logical_xor(_truth(xp, a), _truth(xp, b)),
    doc="""The logical XOR of two bool tensors, elementwise and broadcast. Not
    differentiable.

    >>> import autodiff as ad
    >>> ad.logical_xor(ad.tensor([True, True, False]), ad.tensor([True, False, False]))
    tensor([False,  True, False])
    """,
)
