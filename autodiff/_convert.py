"""Turning any tensor-like data (Python numbers and lists, numpy arrays, another
library's arrays, tensors) into a backend array: what ``autodiff.tensor`` builds on.
A tensor is recognised by its base, ``TensorIO``, so that ``Tensor`` can use this."""

from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from backends import Backend

from . import _backend, _dtypes
from ._dtypes import DType
from ._tensor_io import TensorIO

__all__ = ["python_scalar", "to_array"]


#: item types that can never be tensor data, refused with PyTorch's words
_NOT_DATA = (type(None), dict, set, frozenset)


def _item_dtype(item: Any) -> DType | None:
    """The dtype PyTorch's ``tensor()`` infers for one number or array among the data:
    bool, int64, the default float or complex for a Python number, its own dtype for a
    numpy scalar or array or a tensor; None for a type only numpy may know."""
    if isinstance(item, TensorIO):
        return item.dtype
    if isinstance(item, builtins.bool):
        return _dtypes.bool
    if isinstance(item, (np.generic, np.ndarray)):
        found = _dtypes.BY_NAME.get(item.dtype.name)
        if found is None:
            raise _unsupported_numpy(item)
        return found
    if isinstance(item, builtins.int):
        return _dtypes.int64
    if isinstance(item, builtins.float):
        return _dtypes.get_default_dtype()
    if isinstance(item, builtins.complex):
        return _dtypes.default_complex()
    if isinstance(item, (str, bytes)):
        raise TypeError(f"tensor(): invalid data type '{type(item).__name__}'; expected "
                        "numbers, (nested) sequences of numbers, arrays or tensors")
    if isinstance(item, _NOT_DATA):
        raise _cannot_infer(item)
    return None


def _cannot_infer(item: Any) -> RuntimeError:
    return RuntimeError(f"tensor(): Could not infer dtype of {type(item).__name__}; expected "
                        "numbers, (nested) sequences of numbers, arrays or tensors")


def _unsupported_numpy(item: Any) -> TypeError:
    kind = "np.ndarray" if isinstance(item, np.ndarray) else "numpy scalar"
    return TypeError(f"tensor(): can't convert {kind} of type numpy.{item.dtype.type.__name__}. "
                     f"The only supported types are: {', '.join(_dtypes.BY_NAME)}.")


def _python_dtype(data: Any) -> tuple[DType | None, builtins.bool]:
    """The dtype PyTorch gives nested Python data (its items' dtypes promoted as
    ``torch.promote_types`` does; the default float when there are none), and whether
    it holds items of a type only numpy can read (objects with ``__array__``, say)."""
    found: DType | None = None
    foreign = False
    # Python numbers by exact type: one dict lookup an item on the common path
    exact: dict[type, DType] = {builtins.float: _dtypes.get_default_dtype(),
                                builtins.int: _dtypes.int64, builtins.bool: _dtypes.bool,
                                builtins.complex: _dtypes.default_complex()}
    stack = [data]
    while stack:
        item = stack.pop()
        dtype = exact.get(type(item))
        if dtype is None:
            if isinstance(item, (list, tuple)):
                stack.extend(item)
                continue
            if isinstance(item, range):
                if len(item):
                    found = _dtypes.int64 if found is None else _dtypes.promote_types(
                        found, _dtypes.int64)
                continue
            dtype = _item_dtype(item)
            if dtype is None:
                foreign = True
                continue
        if dtype is not found:
            found = dtype if found is None else _dtypes.promote_types(found, dtype)
    if found is None and not foreign:
        found = _dtypes.get_default_dtype()
    return found, foreign


def _nesting_error(data: Any) -> Exception | None:
    """PyTorch's error for ragged data (``[[1, 2], [3]]``), or None when the nesting is
    regular."""
    level: list[Any] = [_host_values(data)]  # tensors inside become numpy arrays
    for dim in range(64):
        sequences: list[Any] = [
            item for item in level if isinstance(item, (list, tuple, range))
            or (isinstance(item, np.ndarray) and item.ndim > 0)]
        if not sequences:
            return None
        if len(sequences) != len(level):
            number = next(item for item in level if not any(item is s for s in sequences))
            return TypeError(f"tensor(): expected a sequence at dim {dim} as its siblings "
                             f"are, got {type(number).__name__} {number!r}")
        length = len(sequences[0])
        for sequence in sequences:
            if len(sequence) != length:
                return ValueError(f"tensor(): expected sequence of length {length} at dim "
                                  f"{dim} (got {len(sequence)})")
        level = [item for sequence in sequences for item in sequence]
    return None


def _host_array(data: Any, wanted: DType | None) -> np.ndarray:
    """A numpy array of Python data, with PyTorch's errors for what is not data."""
    try:
        values = np.asarray(_host_values(data), dtype=None if wanted is None
                            else _numpy_dtype(wanted))
    except (ValueError, TypeError) as error:
        raise (_nesting_error(data) or error) from None
    if wanted is None and values.dtype.name not in _dtypes.BY_NAME:  # objects numpy kept
        raise _cannot_infer(_first_foreign(data)) from None
    return values


def _first_foreign(data: Any) -> Any:
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, (list, tuple)):
            stack[:0] = list(item)
        elif not isinstance(item, (builtins.bool, builtins.int, builtins.float,
                                   builtins.complex, np.generic, np.ndarray, TensorIO)):
            return item
    return data


def python_scalar(value: Any) -> builtins.bool | builtins.int | builtins.float | complex | None:
    """A number that is not a Python one (``numpy.float32(2.0)``, ``numpy.bool_``, a
    ``fractions.Fraction``) as the Python number of its own kind, so that an op
    promotes it as PyTorch promotes a 0-d tensor of the same kind beside a tensor of
    the same or a higher kind: the tensor's dtype wins. None for anything else.

    >>> import numpy as np
    >>> from autodiff._convert import python_scalar
    >>> python_scalar(np.float32(2.0)), python_scalar(np.bool_(True)), python_scalar("2")
    (2.0, True, None)
    """
    if isinstance(value, np.generic):
        kind = value.dtype.kind
        if kind == "b":
            return builtins.bool(value)
        if kind in "iu":
            return builtins.int(value)
        if kind == "f":
            return builtins.float(value)
        if kind == "c":
            return builtins.complex(value)
        return None
    if isinstance(value, numbers.Number):
        if isinstance(value, builtins.bool):
            return value
        if isinstance(value, numbers.Integral):
            return builtins.int(value)
        if isinstance(value, numbers.Real):
            return builtins.float(value)
        if isinstance(value, numbers.Complex):
            return builtins.complex(value)
    return None


def to_array(data: Any, dtype: Any, device: Any, backend: Any,
             copy: builtins.bool | None = True) -> tuple[Any, Backend]:
    """A new backend array and its backend from any tensor-like ``data``; data that is
    not numbers raises PyTorch's errors (``Could not infer dtype of NoneType``).

    Python data and numpy arrays are host data: they go to the requested backend or
    device, else the current backend. Arrays of another library (a cupy array) stay
    on their own backend unless a backend or device is requested.
    """
    target, native_device = _backend.place(backend, device)
    wanted = None if dtype is None else _dtypes.to_dtype(dtype)

    if isinstance(data, TensorIO):
        source, values = data._backend, data._array
    else:
        inferred = _backend.backend_of_array(data, target)
        values = data
        if inferred is None:  # host data
            if not isinstance(data, (np.ndarray, np.generic)):
                inferred_dtype, _ = _python_dtype(data)  # refuses what is not data
                if wanted is None:
                    wanted = inferred_dtype
                values = _host_array(data, wanted)
            target = target or _backend.get_backend()
            name = wanted.name if wanted is not None else values.dtype.name
            if name not in _dtypes.BY_NAME:
                raise _unsupported_numpy(values)
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
