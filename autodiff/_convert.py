"""Turning any tensor-like data (Python numbers and lists, numpy arrays, another
library's arrays, tensors) into a backend array: what ``autodiff.tensor`` builds on.
A tensor is recognised by its base, ``TensorIO``, so that ``Tensor`` can use this."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from backends import Backend

from . import _backend, _dtypes
from ._dtypes import DType
from ._tensor_io import TensorIO

__all__ = ["to_array"]


def _python_dtype(data: Any) -> DType | None:
    """The dtype PyTorch gives Python data: bool, int64, the default float or complex."""
    kinds = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, TensorIO):
            kinds.add(item.dtype.kind)
        else:
            kinds.add(type(item).__name__)
    if "complex" in kinds or "complex floating" in kinds:
        return _dtypes.default_complex()
    if "float" in kinds or "real floating" in kinds:
        return _dtypes.get_default_dtype()
    if kinds <= {"bool"} and kinds:
        return _dtypes.bool
    if kinds & {"int", "signed integer", "unsigned integer", "bool"}:
        return _dtypes.int64
    return _dtypes.get_default_dtype() if not kinds else None


def to_array(data: Any, dtype: Any, device: Any, backend: Any,
             copy: builtins.bool | None = True) -> tuple[Any, Backend]:
    """A new backend array and its backend from any tensor-like ``data``.

    Python data and numpy arrays are host data: they go to the requested backend or
    device, else the current backend. Arrays of another library (a cupy array) stay
    on their own backend unless a backend or device is requested.
    """
    target, native_device = _backend.place(backend, device)
    wanted = None if dtype is None else _dtypes.to_dtype(dtype)

    if isinstance(data, TensorIO):
        source, values = data._backend, data._array
    else:
        inferred = _backend.backend_of_array(data)
        values = data
        if inferred is None:  # host data
            if not isinstance(data, (np.ndarray, np.generic)):
                if wanted is None:
                    wanted = _python_dtype(data)
                values = np.asarray(_host_values(data), dtype=None if wanted is None
                                    else _numpy_dtype(wanted))
            target = target or _backend.get_backend()
            if wanted is None and values.dtype.name not in _dtypes.BY_NAME:
                raise TypeError(f"tensor: unsupported numpy dtype {values.dtype}")
            name = wanted.name if wanted is not None else values.dtype.name
            return target.asarray(values, name, native_device, copy), target
        source = inferred
    target = target or source
    name = wanted.name if wanted is not None else source.dtype_name(values.dtype)
    if target is source and native_device is None:
        return target.asarray(values, name, copy=copy), target
    return target.asarray(source.to_numpy(values), name, native_device, copy), target


def _numpy_dtype(dtype: DType) -> Any:
    return np.dtype(dtype.name)


def _host_values(data: Any) -> Any:
    """Nested Python data with any tensors inside replaced by their values."""
    if isinstance(data, TensorIO):
        return data._host()
    if isinstance(data, (list, tuple)):
        return [_host_values(item) for item in data]
    return data
