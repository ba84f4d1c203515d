"""autodiff's own dtype objects: the same on every backend.

A tensor's dtype is reported as one of these whatever the array library calls
it; backends receive the standard name (``"float32"``) and map it to theirs.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

__all__ = ["DType", "KINDS", "get_default_dtype", "isdtype", "promote_types", "set_default_dtype",
           "to_dtype"]


class DType:
    """A data type, named as in the Array API standard.

    >>> import autodiff as ad
    >>> ad.float32, ad.float32.is_floating_point
    (autodiff.float32, True)
    """

    __slots__ = ("name", "kind", "itemsize")

    def __init__(self, name: str, kind: str, itemsize: int) -> None:
        self.name = name
        #: "bool", "signed integer", "unsigned integer", "real floating" or "complex floating"
        self.kind = kind
        self.itemsize = itemsize

    def __repr__(self) -> str:
        return f"autodiff.{self.name}"

    def __reduce__(self) -> str:
        return self.name  # pickles as the module-level singleton

    @property
    def is_floating_point(self) -> builtins.bool:
        return self.kind == "real floating"

    @property
    def is_complex(self) -> builtins.bool:
        return self.kind == "complex floating"

    @property
    def is_differentiable(self) -> builtins.bool:
        """Only floating and complex tensors can require gradients, as in PyTorch."""
        return self.kind in ("real floating", "complex floating")


bool = DType("bool", "bool", 1)
int8 = DType("int8", "signed integer", 1)
int16 = DType("int16", "signed integer", 2)
int32 = DType("int32", "signed integer", 4)
int64 = DType("int64", "signed integer", 8)
uint8 = DType("uint8", "unsigned integer", 1)
uint16 = DType("uint16", "unsigned integer", 2)
uint32 = DType("uint32", "unsigned integer", 4)
uint64 = DType("uint64", "unsigned integer", 8)
float16 = DType("float16", "real floating", 2)
float32 = DType("float32", "real floating", 4)
float64 = DType("float64", "real floating", 8)
complex64 = DType("complex64", "complex floating", 8)
complex128 = DType("complex128", "complex floating", 16)

BY_NAME: dict[str, DType] = {
    d.name: d
    for d in (bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
              float16, float32, float64, complex64, complex128)
}
_ALIASES = {"float": "float32", "double": "float64", "half": "float16", "long": "int64",
            "int": "int64", "short": "int16", "cfloat": "complex64", "cdouble": "complex128"}

_default_float = float32


def get_default_dtype() -> DType:
    """The dtype Python floats become (float32 unless changed, as in PyTorch).

    >>> import autodiff as ad
    >>> ad.get_default_dtype()
    autodiff.float32
    """
    return _default_float


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype Python floats become; float32 or float64.

    >>> import autodiff as ad
    >>> ad.set_default_dtype(ad.float64); ad.tensor(1.5).dtype
    autodiff.float64
    >>> ad.set_default_dtype(ad.float32)
    """
    global _default_float
    resolved = to_dtype(dtype)
    if resolved not in (float16, float32, float64):
        raise TypeError(
            f"set_default_dtype: only floating point dtypes are supported, got {resolved!r}"
        )
    _default_float = resolved


# keyed by (dtype class, dtype, kind): dtypes of different libraries never get compared
_NATIVE_KINDS: dict[tuple[type, Any, Any], builtins.bool] = {}


def native_isdtype(xp: Any, native: Any, kind: str | tuple[str, ...]) -> builtins.bool:
    """``xp.isdtype(native, kind)``, cached: the ops ask it on their hot path."""
    key = (type(native), native, kind)
    known = _NATIVE_KINDS.get(key)
    if known is None:
        known = _NATIVE_KINDS[key] = builtins.bool(xp.isdtype(native, kind))
    return known


def default_complex() -> DType:
    return complex128 if _default_float is float64 else complex64


#: PyTorch's dtype categories: across two categories the higher one's dtype wins
CATEGORY: dict[str, int] = {"bool": 0, "unsigned integer": 1, "signed integer": 1,
                            "real floating": 2, "complex floating": 3}


def promote_types(first: DType, second: DType) -> DType:
    """The dtype two dtypes promote to, as ``torch.promote_types``: across categories
    (bool < integer < floating < complex) the higher category's dtype, a complex one
    widened to hold the other's floats; within one, the standard's table (where the
    standard leaves a pair undefined, such as int64 with uint64, numpy's answer).

    >>> import autodiff as ad
    >>> from autodiff._dtypes import promote_types
    >>> promote_types(ad.int64, ad.float32), promote_types(ad.float64, ad.complex64)
    (autodiff.float32, autodiff.complex128)
    """
    low, high = sorted((first, second), key=lambda d: CATEGORY[d.kind])
    if CATEGORY[low.kind] == CATEGORY[high.kind]:
        return BY_NAME[np.promote_types(low.name, high.name).name]
    if high.kind == "complex floating" and low.kind == "real floating" and (
            2 * low.itemsize > high.itemsize):
        return complex128
    return high


def to_dtype(spec: Any) -> DType:
    """Resolve a dtype given as an autodiff dtype, a name, a numpy dtype, a Python type
    or a dtype object of the current backend."""
    if isinstance(spec, DType):
        return spec
    if isinstance(spec, str):
        name = _ALIASES.get(spec, spec)
        if name in BY_NAME:
            return BY_NAME[name]
    elif spec is float:
        return _default_float
    elif spec is int:
        return int64
    elif spec is builtins.bool:
        return bool
    elif spec is complex:
        return default_complex()
    else:
        try:
            return BY_NAME[np.dtype(spec).name]
        except (TypeError, KeyError):
            pass
        from ._backend import get_backend  # a backend's own dtype object

        try:
            return BY_NAME[get_backend().dtype_name(spec)]
        except (TypeError, KeyError):
            pass
    raise TypeError(
        f"dtype: expected an autodiff dtype such as autodiff.float32 or its name, got {spec!r}"
    )



#: The dtype kinds of the standard's ``isdtype`` and the kinds each one covers.
KINDS: dict[str, tuple[str, ...]] = {
    "bool": ("bool",),
    "signed integer": ("signed integer",),
    "unsigned integer": ("unsigned integer",),
    "integral": ("signed integer", "unsigned integer"),
    "real floating": ("real floating",),
    "complex floating": ("complex floating",),
    "numeric": ("signed integer", "unsigned integer", "real floating", "complex floating"),
}


def isdtype(dtype: Any, kind: Any) -> builtins.bool:
    """True when ``dtype`` is of ``kind``: a kind name (``"bool"``, ``"signed integer"``,
    ``"unsigned integer"``, ``"integral"``, ``"real floating"``, ``"complex floating"``,
    ``"numeric"``), a dtype, or a tuple of those (any of them).

    >>> import autodiff as ad
    >>> ad.isdtype(ad.float32, "real floating"), ad.isdtype(ad.int8, ("bool", ad.int16))
    (True, False)
    """
    if not isinstance(dtype, DType):
        try:
            dtype = to_dtype(dtype)
        except TypeError:
            raise TypeError(f"isdtype: expected a dtype such as autodiff.float32, got "
                            f"{dtype!r}") from None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for one in kinds:
        if isinstance(one, str):
            covered = KINDS.get(one)
            if covered is None:
                raise ValueError(f"isdtype: unknown kind {one!r}; expected one of "
                                 f"{', '.join(map(repr, KINDS))}, a dtype, or a tuple of them")
            if dtype.kind in covered:
                return True
        elif isinstance(one, DType):
            if one is dtype:
                return True
        elif isinstance(one, tuple):
            raise TypeError("isdtype: kind tuples cannot nest")
        else:
            try:
                if to_dtype(one) is dtype:
                    return True
            except TypeError:
                raise TypeError(f"isdtype: expected a kind name, a dtype or a tuple of "
                                f"them, got {one!r}") from None
    return False
