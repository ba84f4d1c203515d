"""Data type functions: ``astype`` (differentiable, as PyTorch's ``.to(dtype)``) and the
standard's dtype queries: ``can_cast``, ``finfo``, ``iinfo``, ``isdtype``, ``result_type``.

The queries answer with autodiff's dtypes. Promotion (``result_type``, ``can_cast``) is
the backend's, the same rules its operations follow: the standard's table for dtypes
of one kind on every backend; across kinds (``int64`` with ``float32``) numpy answers
and array-api-strict refuses, as their arithmetic does.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from backends import Backend

from .. import _backend, _dtypes
from .._dtypes import DType, isdtype
from .._primitive import primitive
from .._tensor import Tensor

__all__ = ["astype", "can_cast", "finfo", "iinfo", "isdtype", "result_type"]
NOT_METHODS = ("can_cast", "finfo", "iinfo", "isdtype", "result_type")

# The rule returns g unchanged: the engine casts every cotangent to its input's dtype.
_astype = primitive(
    "astype", torch_name="ToCopy",
    forward=lambda xp, x, dtype: xp.astype(x, getattr(xp, dtype)),
    vjp=lambda xp, g, _ans, _x, dtype: g,
    jvp="linear",
)


def astype(x: Tensor, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Tensor:
    """``x`` converted to ``dtype`` (a new tensor; gradients flow back in x's dtype).

    >>> import autodiff as ad
    >>> ad.astype(ad.tensor([1, 2]), ad.float64)
    tensor([1., 2.], dtype=autodiff.float64)
    """
    target = _dtypes.to_dtype(dtype)
    if not copy and x.dtype is target:
        return x
    return _astype(x, dtype=target.name)


def astype_native(x: Tensor, native: Any) -> Tensor:
    """``x`` cast to a backend dtype object (the engine's cotangent cast)."""
    return _astype(x, dtype=x._backend.dtype_name(native))


# -- dtype queries -------------------------------------------------------------------
def _dtype_of(op: str, value: Any) -> DType:
    """The dtype a query is about: given as a dtype, or as a tensor's."""
    if isinstance(value, Tensor):
        return value.dtype
    try:
        return _dtypes.to_dtype(value)
    except TypeError:
        raise TypeError(f"{op}: expected a dtype (such as autodiff.float32) or a tensor, "
                        f"got {value!r}") from None


def _backend_of(values: tuple[Any, ...]) -> Backend:
    """The backend whose promotion rules apply: the first tensor's, else the current one."""
    for value in values:
        if isinstance(value, Tensor):
            return value._backend
    return _backend.get_backend()


def result_type(*arrays_and_dtypes: Any) -> DType:
    """The dtype an operation on these tensors, dtypes and Python scalars returns.

    Python scalars (``bool``, ``int``, ``float``, ``complex``) are weak: they take the
    dtype of the tensors and dtypes they meet, as the 2024.12 standard says.

    >>> import autodiff as ad
    >>> ad.result_type(ad.int8, ad.int16), ad.result_type(ad.ones(2), 1.5)
    (autodiff.int16, autodiff.float32)
    """
    natives: list[Any] = []
    scalars: list[Any] = []
    backend = _backend_of(arrays_and_dtypes)
    for value in arrays_and_dtypes:
        if type(value) in (builtins.bool, int, float, complex):
            scalars.append(value)
        else:
            natives.append(backend.dtype(_dtype_of("result_type", value).name))
    if not natives:
        raise ValueError("result_type: expected at least one tensor or dtype (Python "
                         f"scalars alone have no dtype), got {arrays_and_dtypes!r}")
    try:
        native = backend.xp.result_type(*natives, *scalars)
    except TypeError as error:
        raise TypeError(f"result_type: {error} (backend {backend.name!r})") from None
    return _dtypes.BY_NAME[backend.dtype_name(native)]


def can_cast(from_: Any, to: Any, /) -> builtins.bool:
    """True when ``from_`` (a dtype or a tensor) promotes to ``to`` without loss.

    >>> import autodiff as ad
    >>> ad.can_cast(ad.int8, ad.int32), ad.can_cast(ad.float64, ad.float32)
    (True, False)
    """
    backend = _backend_of((from_,))
    source = backend.dtype(_dtype_of("can_cast", from_).name)
    target = backend.dtype(_dtype_of("can_cast", to).name)
    return builtins.bool(backend.xp.can_cast(source, target))


class finfo:
    """Machine limits of a floating point dtype (for a complex dtype, of its real part).

    ``bits``, ``eps``, ``max``, ``min``, ``smallest_normal`` (also called ``tiny``,
    as in PyTorch), ``resolution`` and ``dtype``; the values are Python floats.

    >>> import autodiff as ad
    >>> ad.finfo(ad.float32).eps, ad.finfo(ad.complex128).dtype
    (1.1920928955078125e-07, autodiff.float64)
    """

    __slots__ = ("bits", "eps", "max", "min", "smallest_normal", "resolution", "dtype")

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    resolution: float
    dtype: DType

    def __init__(self, type: Any = None, /) -> None:
        dtype = _dtypes.get_default_dtype() if type is None else _dtype_of("finfo", type)
        if dtype.kind == "complex floating":
            dtype = _dtypes.float32 if dtype is _dtypes.complex64 else _dtypes.float64
        if dtype.kind != "real floating":
            raise TypeError(f"finfo: expected a floating point or complex dtype, got {dtype!r}"
                            "; use iinfo for integer dtypes")
        limits = np.finfo(dtype.name)
        self.bits, self.dtype = int(limits.bits), dtype
        self.eps, self.max, self.min = float(limits.eps), float(limits.max), float(limits.min)
        self.smallest_normal = float(limits.smallest_normal)
        self.resolution = 10.0 ** -int(limits.precision)

    @property
    def tiny(self) -> float:
        return self.smallest_normal

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype.name})")


class iinfo:
    """Limits of an integer dtype: ``bits``, ``max``, ``min`` (Python ints) and ``dtype``.

    >>> import autodiff as ad
    >>> ad.iinfo(ad.int8).min, ad.iinfo(ad.uint16).max
    (-128, 65535)
    """

    __slots__ = ("bits", "max", "min", "dtype")

    bits: int
    max: int
    min: int
    dtype: DType

    def __init__(self, type: Any, /) -> None:
        dtype = _dtype_of("iinfo", type)
        if dtype.kind not in ("signed integer", "unsigned integer"):
            raise TypeError(f"iinfo: expected an integer dtype, got {dtype!r}; use finfo for "
                            "floating point dtypes")
        limits = np.iinfo(dtype.name)
        self.bits, self.max, self.min = int(limits.bits), int(limits.max), int(limits.min)
        self.dtype = dtype

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype.name})"
