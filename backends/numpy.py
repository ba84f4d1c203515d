"""The numpy backend: the CPU default."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import Backend


class NumpyBackend(Backend):
    """numpy arrays on the host, through ``array_api_compat.numpy``."""

    name = "numpy"
    module = "numpy"
    device_type = "cpu"

    def namespace(self) -> Any:
        import array_api_compat.numpy

        return array_api_compat.numpy

    def native_array_type(self) -> type:
        return np.ndarray

    def find_dtype_name(self, native: Any) -> str:
        return np.dtype(native).name

    def asarray(self, data: Any, dtype: str | None = None, device: Any = None,
                copy: bool | None = None) -> Any:
        # numpy itself, not the compat wrapper: this is the hot path of tensor creation.
        if copy:
            return np.array(data, dtype=dtype, copy=True)
        if copy is False:  # never copy: numpy raises ValueError where it would have to
            return np.asarray(data, dtype=dtype, copy=False)
        return np.asarray(data, dtype=dtype)

    def coerce(self, value: Any) -> Any:
        return np.asarray(value)

    def to_numpy(self, array: Any) -> np.ndarray:
        return np.asarray(array)

    def exclusive(self, array: Any) -> bool:
        return array.base is None and array.flags.writeable

    def scatter_add(self, target: Any, index: Any, values: Any) -> Any:
        result = np.array(target, copy=True)
        np.add.at(result, index, values)
        return result
