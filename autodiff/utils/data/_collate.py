"""How a ``DataLoader`` turns a list of samples into a batch (PyTorch's
``default_collate``), and single samples into tensors (``default_convert``).

Tensors are stacked along a new first dimension, numpy arrays and numbers become
tensors (Python floats float64, ints int64, as in PyTorch), strings stay lists, and
dicts, lists, tuples and namedtuples are collated field by field. ``collate`` with a
``collate_fn_map`` (type -> function) extends it, as PyTorch's does.
"""

from __future__ import annotations

import collections.abc
import copy
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import _dtypes
from ..._tensor import Tensor
from ...ops.creation import asarray, tensor
from ...ops.joining import stack

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert"]

CollateMap = dict[type | tuple[type, ...], Callable[..., Any]]

#: numpy dtypes that hold strings or objects, which no tensor holds
_STRING_OR_OBJECT = re.compile(r"[SaUO]")
ERROR_FORMAT = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts "
                "or lists; found {}")


def _collate_tensors(batch: list[Any], *, collate_fn_map: CollateMap | None = None) -> Any:
    return stack(batch, 0)


def _collate_numpy_arrays(batch: list[Any], *,
                          collate_fn_map: CollateMap | None = None) -> Any:
    if _STRING_OR_OBJECT.search(batch[0].dtype.str) is not None:
        raise TypeError(ERROR_FORMAT.format(batch[0].dtype))
    return collate([asarray(array) for array in batch], collate_fn_map=collate_fn_map)


def _collate_numpy_scalars(batch: list[Any], *,
                           collate_fn_map: CollateMap | None = None) -> Any:
    return asarray(np.asarray(batch))


def _collate_floats(batch: list[Any], *, collate_fn_map: CollateMap | None = None) -> Any:
    return tensor(batch, dtype=_dtypes.float64)


def _collate_ints(batch: list[Any], *, collate_fn_map: CollateMap | None = None) -> Any:
    return tensor(batch)


def _collate_strings(batch: list[Any], *, collate_fn_map: CollateMap | None = None) -> Any:
    return batch


#: what ``default_collate`` does with each type of sample (first an exact type match,
#: then the first ``isinstance`` match in this order)
default_collate_fn_map: CollateMap = {
    Tensor: _collate_tensors,
    np.ndarray: _collate_numpy_arrays,
    (np.bool_, np.number): _collate_numpy_scalars,
    float: _collate_floats,
    int: _collate_ints,
    str: _collate_strings,
    bytes: _collate_strings,
}


def collate(batch: Any, *, collate_fn_map: CollateMap | None = None) -> Any:
    """Collate ``batch`` (a list of samples) by the functions of ``collate_fn_map``
    for its leaves, recursing into mappings, namedtuples and sequences.

    >>> import autodiff as ad
    >>> from autodiff.utils.data._collate import collate
    >>> collate([(1, "a"), (2, "b")], collate_fn_map={int: lambda b, **_: sum(b),
    ...                                               str: lambda b, **_: "".join(b)})
    [3, 'ab']
    """
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        fields = {key: collate([sample[key] for sample in batch], collate_fn_map=collate_fn_map)
                  for key in elem}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)  # keeps a subclass's extra state, as PyTorch does
                clone.update(fields)
                return clone
            return elem_type(fields)
        except TypeError:
            return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map)
                           for samples in zip(*batch, strict=False)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields_list = [collate(samples, collate_fn_map=collate_fn_map)
                       for samples in zip(*batch, strict=False)]
        if isinstance(elem, tuple):
            return fields_list  # a list, as in PyTorch
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                sequence = copy.copy(elem)
                for i, field in enumerate(fields_list):
                    sequence[i] = field
                return sequence
            return elem_type(fields_list)
        except TypeError:
            return fields_list
    raise TypeError(ERROR_FORMAT.format(elem_type))


def default_collate(batch: Any) -> Any:
    """Stack a list of samples into a batch, as PyTorch's ``default_collate`` does.

    >>> import autodiff as ad
    >>> from autodiff.utils.data import default_collate
    >>> default_collate([ad.tensor([1.0, 2.0]), ad.tensor([3.0, 4.0])])
    tensor([[1., 2.],
            [3., 4.]])
    >>> default_collate([(1, 0.5), (2, 1.5)])
    [tensor([1, 2]), tensor([0.5000, 1.5000], dtype=autodiff.float64)]
    >>> default_collate([{"x": 1, "name": "a"}, {"x": 2, "name": "b"}])
    {'x': tensor([1, 2]), 'name': ['a', 'b']}
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data: Any) -> Any:
    """Turn numpy arrays and numpy numbers in a single sample into tensors (what a
    ``DataLoader`` with ``batch_size=None`` does to each sample); the rest stays.

    >>> import numpy as np
    >>> from autodiff.utils.data import default_convert
    >>> default_convert((np.array([1, 2]), "label", 3))
    [tensor([1, 2]), 'label', 3]
    """
    if isinstance(data, Tensor):
        return data
    data_type = type(data)
    if data_type.__module__ == "numpy" and data_type.__name__ not in ("str_", "bytes_"):
        if isinstance(data, np.ndarray) and _STRING_OR_OBJECT.search(data.dtype.str):
            return data
        return asarray(data)
    if isinstance(data, collections.abc.Mapping):
        fields = {key: default_convert(data[key]) for key in data}
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update(fields)
                return clone
            return data_type(fields)
        except TypeError:
            return fields
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return data_type(*(default_convert(field) for field in data))
    if isinstance(data, tuple):
        return [default_convert(field) for field in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, str | bytes):
        converted = [default_convert(field) for field in data]
        try:
            if isinstance(data, collections.abc.MutableSequence):
                sequence = copy.copy(data)
                for i, field in enumerate(converted):
                    sequence[i] = field
                return sequence
            return data_type(converted)
        except TypeError:
            return converted
    return data
