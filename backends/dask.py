"""The dask backend: chunked, lazy arrays, scheduled by dask (dask.distributed on a
cluster).

Every op builds a task graph; nothing computes until a value is asked for (``.item()``,
``.numpy()``, printing, ``autodiff.compute``, ``autodiff.persist``). Importing this
module never imports dask.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ._base import Backend


class DaskBackend(Backend):
    """dask arrays, through ``array_api_compat.dask.array``."""

    name = "dask"
    module = "dask"
    device_type = "cpu"
    # a dask array's ``__setitem__`` rebinds its graph; a view made by slicing is a new
    # graph, not a window on the same memory: the engine emulates views and writes
    mutable_arrays = False
    host_arrays = False  # lazy arrays: its own scatter_add and to_numpy, never a compute

    def unavailable_reason(self) -> str:
        return ("dask is not installed (pip install 'dask[array]' distributed, or from an "
                "autodiff checkout: pip install '.[dask]')")

    def namespace(self) -> Any:
        # array-api-compat's dask namespace, with what it lacks (take_along_axis, ...)
        # written with dask's own ops, so that it stays lazy
        from ._dask_xp import namespace

        return namespace()

    @functools.cached_property
    def _da(self) -> Any:
        import dask.array

        return dask.array

    def native_array_type(self) -> type:
        return self._da.Array

    def find_dtype_name(self, native: Any) -> str:
        return np.dtype(native).name

    def device(self, index: int | None = None) -> Any:
        if index not in (None, 0):
            return super().device(index)
        return "cpu"

    def coerce(self, value: Any) -> Any:
        return value if isinstance(value, self._da.Array) else self._da.asarray(value)

    def asarray(self, data: Any, dtype: str | None = None, device: Any = None,
                copy: bool | None = None) -> Any:
        native = None if dtype is None else np.dtype(dtype)
        if isinstance(data, self._da.Array):
            return data if native is None or data.dtype == native else data.astype(native)
        return self._da.asarray(np.array(data, dtype=native, copy=True) if copy
                                else np.asarray(data, dtype=native))

    def from_dlpack(self, obj: Any) -> Any:
        """A dask array (one chunk) of what ``obj`` exports, read by numpy (a dask
        array is itself)."""
        if isinstance(obj, self._da.Array):
            return obj
        return self._da.from_array(np.from_dlpack(obj))

    def to_numpy(self, array: Any) -> np.ndarray:
        return np.asarray(array.compute() if isinstance(array, self._da.Array) else array)

    lazy = True

    def compute(self, *arrays: Any) -> tuple[np.ndarray, ...]:
        import dask

        return tuple(np.asarray(value) for value in dask.compute(*arrays))

    def persist(self, *arrays: Any) -> tuple[Any, ...]:
        import dask

        return tuple(dask.persist(*arrays))

    def checked(self, array: Any, check: Callable[[Any, Any], None]) -> Any:
        """``array``, checked block by block as it is computed (numpy's namespace)."""
        import array_api_compat.numpy as host_xp

        def checked_block(values: np.ndarray) -> np.ndarray:
            check(host_xp, values)
            return values

        return self._da.map_blocks(checked_block, array, dtype=array.dtype,
                                   meta=np.empty((0,) * array.ndim, array.dtype))

    def copy(self, array: Any) -> Any:
        return array  # dask arrays are never written in place here

    def scatter_add(self, target: Any, index: Any, values: Any) -> Any:
        """``target`` with ``values`` added at ``index``, lazily: numpy's ``add.at`` on
        each block of a target whose indexed axes are one chunk (the default would
        compute the graph on the host).

        >>> import dask.array as da
        >>> from backends import load_backend
        >>> dask = load_backend("dask")
        >>> out = dask.scatter_add(da.zeros(3, chunks=1), da.from_array(np.array([0, 0, 2])),
        ...                        da.ones(3, chunks=1))
        >>> out.compute()
        array([2., 0., 1.])
        """
        from ._dask_xp import scatter_add

        return scatter_add(self.coerce(target), index, self.coerce(values))
