"""``autodiff.__array_namespace_info__()``: what the namespace supports on the current backend.

The answers describe the backend that new tensors go to here and now (see
``autodiff.get_backend``): its devices, its dtypes, and autodiff's defaults, which
are PyTorch's (Python floats become float32, ints int64).
"""

from __future__ import annotations

from typing import Any

from backends import Backend

from . import _backend, _dtypes
from ._device import Device
from ._device import device as parse_device
from ._dtypes import DType

__all__ = ["Info", "__array_namespace_info__"]

#: The standard's dtypes, in the order ``dtypes()`` lists them (float16 is autodiff's
#: extra and not part of the standard, so it is left out).
STANDARD_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                   "uint64", "float32", "float64", "complex64", "complex128")


class Info:
    """The inspection namespace of the Array API standard for autodiff.

    >>> import autodiff as ad
    >>> info = ad.__array_namespace_info__()
    >>> info.default_dtypes()["real floating"], info.default_device()
    (autodiff.float32, device(type='cpu'))
    """

    __module__ = "autodiff"

    def __init__(self, backend: Backend | None = None) -> None:
        self._backend = backend or _backend.get_backend()

    def __repr__(self) -> str:
        return f"<autodiff namespace info for backend {self._backend.name!r}>"

    def capabilities(self) -> dict[str, Any]:
        """Boolean indexing and data-dependent shapes work (``x[mask]``, ``unique``);
        the maximum number of dimensions is the backend's."""
        native = _native_info(self._backend)
        limit = native.capabilities().get("max dimensions") if native is not None else None
        return {"boolean indexing": True, "data-dependent shapes": True,
                "max dimensions": limit}

    def default_device(self) -> Device:
        """The device new tensors go to: ``cpu``, or ``cuda:0`` on a GPU backend."""
        backend = self._backend
        return Device(backend.device_type, 0 if backend.multi_device else None)

    def devices(self) -> tuple[Device, ...]:
        """Every device of the current backend (a tuple, as the 2025.12 standard)."""
        backend = self._backend
        if not backend.multi_device:
            return (Device(backend.device_type),)
        native = _native_info(backend)
        count = len(native.devices()) if native is not None else 1
        return tuple(Device(backend.device_type, index) for index in range(count))

    def default_dtypes(self, *, device: Any = None) -> dict[str, DType]:
        """The dtypes Python numbers become, and the dtype of indices."""
        self._check_device("default_dtypes", device)
        return {"real floating": _dtypes.get_default_dtype(),
                "complex floating": _dtypes.default_complex(),
                "integral": _dtypes.int64, "indexing": _dtypes.int64}

    def dtypes(self, *, device: Any = None, kind: Any = None) -> dict[str, DType]:
        """The standard's dtypes the backend supports, by name; ``kind`` as in
        ``isdtype`` (a kind name or a tuple of them) keeps those of that kind."""
        self._check_device("dtypes", device)
        found = {}
        for name in STANDARD_DTYPES:
            dtype = _dtypes.BY_NAME[name]
            if kind is not None and not _dtypes.isdtype(dtype, kind):
                continue
            try:
                self._backend.dtype(name)
            except TypeError:
                continue
            found[name] = dtype
        return found

    def _check_device(self, where: str, device: Any) -> None:
        if device is None:
            return
        wanted = parse_device(device)
        if wanted not in self.devices():
            raise ValueError(f"{where}: device {str(wanted)!r} is not a device of backend "
                             f"{self._backend.name!r}; its devices are "
                             f"{[str(d) for d in self.devices()]}")


def _native_info(backend: Backend) -> Any:
    namespace_info = getattr(backend.xp, "__array_namespace_info__", None)
    return None if namespace_info is None else namespace_info()


def __array_namespace_info__() -> Info:
    """The Array API inspection namespace for the current backend.

    >>> import autodiff as ad
    >>> ad.__array_namespace_info__().capabilities()["boolean indexing"]
    True
    """
    return Info()
