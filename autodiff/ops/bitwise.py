"""Bitwise elementwise functions of the Array API chapter "Element-wise Functions".

They take integer tensors (and bool tensors, where and/or/xor/invert are the logical
operations), so their outputs never join the graph. Two PyTorch behaviours the
standard leaves open are kept: a bool tensor beside an integer computes in the
integer dtype, and a shift by a negative amount or by the bit width or more is
defined (a left shift gives 0, a right shift gives the sign: 0 or -1).
"""

from __future__ import annotations

from typing import Any

from .._dtypes import native_isdtype
from .._primitive import primitive

__all__ = ["bitwise_and", "bitwise_invert", "bitwise_left_shift", "bitwise_or",
           "bitwise_right_shift", "bitwise_xor"]


def _kind(xp: Any, op: str, value: Any, allow_bool: bool) -> str:
    """``"bool"`` or ``"int"`` for an operand a bitwise op takes; TypeError otherwise."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if hasattr(value, "dtype"):
        if native_isdtype(xp, value.dtype, "integral"):
            return "int"
        if allow_bool and native_isdtype(xp, value.dtype, "bool"):
            return "bool"
        got = f"a {str(value.dtype).rsplit('.', 1)[-1]} tensor"
    else:
        got = f"a Python {type(value).__name__}"
    wanted = "integer or bool" if allow_bool else "integer"
    raise TypeError(f"{op}: expected {wanted} tensors (or Python ints), got {got}; bitwise "
                    f"operations are not defined for it (convert with .long() or .bool())")


def _operands(xp: Any, op: str, a: Any, b: Any, allow_bool: bool = True) -> tuple[Any, Any]:
    """Check both operands; a bool beside an integer becomes that integer's dtype
    (PyTorch: ``bool_tensor & 1`` is an int64 tensor)."""
    kinds = (_kind(xp, op, a, allow_bool), _kind(xp, op, b, allow_bool))
    if kinds[0] != kinds[1]:
        integer = b if kinds[0] == "bool" else a
        dtype = integer.dtype if hasattr(integer, "dtype") else xp.int64
        if kinds[0] == "bool":
            a = xp.astype(a, dtype) if hasattr(a, "dtype") else int(a)
        else:
            b = xp.astype(b, dtype) if hasattr(b, "dtype") else int(b)
    return a, b


def _logical(op: str, fn: Any) -> Any:
    def forward(xp: Any, a: Any, b: Any) -> Any:
        a, b = _operands(xp, op, a, b)
        return fn(xp, a, b)

    return forward


def _invert(xp: Any, x: Any) -> Any:
    _kind(xp, "bitwise_invert", x, allow_bool=True)
    return xp.bitwise_invert(x)


def _shift(op: str, left: bool) -> Any:
    """The forward of a shift, defined (as in PyTorch) for every shift amount: one out
    of ``[0, bits)`` gives 0, or the sign for a right shift of a signed integer."""
    def forward(xp: Any, a: Any, b: Any) -> Any:
        a, b = _operands(xp, op, a, b, allow_bool=False)
        fn = xp.bitwise_left_shift if left else xp.bitwise_right_shift
        array = a if hasattr(a, "dtype") else b
        dtype = xp.result_type(a, b) if hasattr(a, "dtype") and hasattr(b, "dtype") else (
            array.dtype)
        info = xp.iinfo(dtype)
        bits = info.bits
        fill = left or info.min == 0  # out of range gives 0; else shift by bits - 1
        if isinstance(b, int):
            if 0 <= b < bits:
                return fn(a, b)
            out = fn(a, 0 if fill else bits - 1)
            return xp.zeros_like(out) if fill else out
        outside = xp.logical_or(b < 0, b >= bits)
        safe = xp.where(outside, xp.zeros_like(b) if fill else xp.full_like(b, bits - 1), b)
        out = fn(a, safe)
        return xp.where(outside, xp.zeros_like(out), out) if fill else out

    return forward


# Non-differentiable: integer and bool outputs never carry a grad_fn.
bitwise_and = primitive(
    "bitwise_and", forward=_logical("bitwise_and", lambda xp, a, b: xp.bitwise_and(a, b)),
    doc="""``x1 & x2`` elementwise and broadcast, for integer and bool tensors (logical and
    for bools; a bool beside an integer computes in the integer dtype, as in PyTorch).
    Not differentiable: the result never has a ``grad_fn``, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.bitwise_and(ad.tensor([12, 10]), ad.tensor([10, 6]))
    tensor([8, 2])
    >>> ad.bitwise_and(ad.tensor([True, True]), ad.tensor([True, False]))
    tensor([ True, False])
    """,
)
bitwise_or = primitive(
    "bitwise_or", forward=_logical("bitwise_or", lambda xp, a, b: xp.bitwise_or(a, b)),
    doc="""``x1 | x2`` elementwise and broadcast, for integer and bool tensors (logical or
    for bools; a bool beside an integer computes in the integer dtype, as in PyTorch).
    Not differentiable: the result never has a ``grad_fn``, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.bitwise_or(ad.tensor([12, 10]), ad.tensor([10, 6]))
    tensor([14, 14])
    """,
)
bitwise_xor = primitive(
    "bitwise_xor", forward=_logical("bitwise_xor", lambda xp, a, b: xp.bitwise_xor(a, b)),
    doc="""``x1 ^ x2`` elementwise and broadcast, for integer and bool tensors (logical xor
    for bools; a bool beside an integer computes in the integer dtype, as in PyTorch).
    Not differentiable: the result never has a ``grad_fn``, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.bitwise_xor(ad.tensor([12, 10]), ad.tensor([10, 6]))
    tensor([ 6, 12])
    """,
)
bitwise_invert = primitive(
    "bitwise_invert", forward=_invert,
    doc="""``~x`` elementwise, for integer and bool tensors (logical not for bools;
    PyTorch's ``torch.bitwise_not``). Not differentiable: the result never has a
    ``grad_fn``, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.bitwise_invert(ad.tensor([0, 5]))
    tensor([-1, -6])
    >>> ad.bitwise_invert(ad.tensor([True, False]))
    tensor([False,  True])
    """,
)
bitwise_left_shift = primitive(
    "bitwise_left_shift", forward=_shift("bitwise_left_shift", left=True),
    doc="""``x1 << x2`` elementwise and broadcast, for integer tensors. As in PyTorch, a shift
    by a negative amount or by the bit width or more gives 0. Not differentiable: the
    result never has a ``grad_fn``, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.bitwise_left_shift(ad.tensor([1, 3]), 2)
    tensor([ 4, 12])
    >>> ad.bitwise_left_shift(ad.tensor([1, 3]), 64)
    tensor([0, 0])
    """,
)
bitwise_right_shift = primitive(
    "bitwise_right_shift", forward=_shift("bitwise_right_shift", left=False),
    doc="""``x1 >> x2`` elementwise and broadcast, for integer tensors (arithmetic for signed
    ones). As in PyTorch, a shift by a negative amount or by the bit width or more gives
    the sign: 0, or -1 for a negative element. Not differentiable: the result never has
    a ``grad_fn``, as in PyTorch.

    >>> import autodiff as ad
    >>> ad.bitwise_right_shift(ad.tensor([16, -16]), 2)
    tensor([ 4, -4])
    >>> ad.bitwise_right_shift(ad.tensor([16, -16]), 64)
    tensor([ 0, -1])
    """,
)

#: PyTorch's spelling
METHODS: dict[str, Any] = {"bitwise_not": bitwise_invert}
