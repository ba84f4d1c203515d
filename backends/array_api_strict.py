"""The array-api-strict backend: the portability oracle of the test suite.

Anything that runs here uses nothing beyond the Array API standard.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import Backend


class ArrayApiStrictBackend(Backend):
    """array_api_strict arrays (host memory, standard behaviour only)."""

    name = "array_api_strict"
    module = "array_api_strict"
    device_type = "cpu"

    def unavailable_reason(self) -> str:
        return ("array-api-strict is not installed (pip install array-api-strict, or from "
                "an autodiff checkout: pip install '.[strict]')")

    def namespace(self) -> Any:
        import array_api_strict

        return array_api_strict

    def to_numpy(self, array: Any) -> np.ndarray:
        # array_api_strict exports DLPack and the buffer protocol; from_dlpack keeps
        # bool and every numeric dtype.
        return np.from_dlpack(array)

    def silent_float_errors(self) -> Any:
        # strict computes through numpy, whose state lives in a context variable
        return np.errstate(all="ignore")

    def shares_memory(self, view: Any, base: Any) -> bool:
        # a strict array wraps a numpy array, which numpy can compare
        return bool(np.may_share_memory(view._array, base._array))

    def asarray(self, data: Any, dtype: str | None = None, device: Any = None,
                copy: bool | None = None) -> Any:
        if isinstance(data, np.generic):
            data = np.asarray(data)
        if copy and isinstance(data, np.ndarray):  # strict may wrap a numpy array in place
            data = data.copy()
            copy = None
        return super().asarray(data, dtype, device, copy)
