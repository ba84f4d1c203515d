"""array-api-strict arrays treated as a device library's: numpy reads them only
through ``to_numpy``, and a scatter-add stays in the library (standard functions only)."""

import math
from pathlib import Path

import numpy as np

import backends


class PureStrictBackend(backends.Backend):
    name = "pure_strict"
    module = "array_api_strict"
    array_modules = ()  # its arrays are array_api_strict's: inferred as that backend
    host_arrays = False  # so it defines scatter_add and to_numpy
    device_type = "cpu"

    def namespace(self):
        import array_api_strict  # imported only when the backend is loaded

        return array_api_strict

    def to_numpy(self, array):
        return np.from_dlpack(array).copy()

    def linalg_errors(self):
        return (np.linalg.LinAlgError,)  # array_api_strict computes through numpy

    def silent_float_errors(self):
        return np.errstate(all="ignore")

    def scatter_add(self, target, index, values):
        # the flat position of each selected element, then per position the sum of
        # its values: a difference of cumulative sums over the sorted positions
        xp, size = self.xp, math.prod(target.shape)
        grid = xp.reshape(xp.arange(size), target.shape)
        parts = index if isinstance(index, tuple) else (index,)
        arrays = [k for k, p in enumerate(parts) if hasattr(p, "dtype")]
        if len(arrays) == 1 and xp.isdtype(parts[arrays[0]].dtype, "integral") and all(
                p == slice(None) or p is Ellipsis for p in parts if not hasattr(p, "dtype")):
            grid = xp.take(grid, parts[arrays[0]], axis=arrays[0])  # x[:, i, ...]
        else:
            grid = grid[index]
        positions = xp.reshape(grid, (-1,))
        values = xp.reshape(xp.broadcast_to(values, grid.shape), (-1,))
        order = xp.argsort(positions, stable=True)
        positions, values = xp.take(positions, order), xp.take(values, order)
        sums = xp.cumulative_sum(values, include_initial=True)
        flat = xp.arange(size)
        first = xp.searchsorted(positions, flat, side="left")
        last = xp.searchsorted(positions, flat, side="right")
        added = xp.take(sums, last) - xp.take(sums, first)
        return target + xp.reshape(added, target.shape)

    def test_xfails(self):
        return Path(__file__).with_name("xfails.txt")
