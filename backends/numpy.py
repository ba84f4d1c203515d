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
    #: well inside a core's L2 cache: ``p -= lr * g`` on a 4 MiB float32 weight took 399
    #: us in 256 KiB blocks, 464 in 64 KiB ones, 411 in 512 KiB ones, 646 unblocked (on a
    #: core with 2 MiB of L2)
    block_bytes = 256 * 1024

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

    def flat(self, array: Any) -> Any:
        if array.base is None and array.flags.c_contiguous and array.flags.writeable:
            return array.reshape(-1)
        return None

    def scatter_add(self, target: Any, index: Any, values: Any) -> Any:
        result = np.array(target, copy=True)
        if _basic_index(index):  # each element reached once: a plain add, 5-10x faster
            result[index] += values
        else:
            np.add.at(result, index, values)
        return result

    def silent_float_errors(self) -> Any:
        # numpy's state lives in a context variable: this thread's pass alone is silent
        return np.errstate(all="ignore")

    def array_rules(self) -> dict[str, tuple[Any, ...]]:
        return {"relu": (_relu_vjp,), "matmul": (_matmul_left_vjp, _decline)}

    def special_function(self, name: str) -> Any:
        # scipy is optional: without it autodiff's generic implementation runs
        try:
            import scipy.special
        except ImportError:
            return None
        function = getattr(scipy.special, name, None)
        if function is None:
            return None

        def native(*arrays: Any) -> Any:
            return np.asarray(function(*arrays))  # a 0-d input gives a numpy scalar

        return native


#: the unsigned integer of each real floating dtype's size, to select by bit mask
_SAME_SIZE_UINT = {np.dtype(np.float16): np.uint16, np.dtype(np.float32): np.uint32,
                   np.dtype(np.float64): np.uint64}


def _relu_vjp(xp: Any, g: Any, ans: Any, _x: Any) -> Any:
    """relu's rule, ``where(ans <= 0, 0.0, g)``, as a bit mask: numpy's ``where`` runs
    about ten times slower than an element-wise op when its condition is as
    unpredictable as a relu's (1.0 ms against 0.1 ms on (256, 1024) float32). The
    bits of +0.0 where the output is <= 0 and of ``g`` elsewhere (a nan output
    included) are exactly what ``where`` gives, for nan, inf and -0.0 cotangents too
    (a product with a mask would give nan there, and -0.0).

    >>> import numpy as np
    >>> ans = np.array([0.0, 1.0, 3.0, np.nan])
    >>> _relu_vjp(np, np.array([np.nan, -0.0, 2.0, 4.0]), ans, None)
    array([ 0., -0.,  2.,  4.])
    >>> _relu_vjp(np, np.array(3.0), np.array(1.5), None)
    array(3.)
    """
    unsigned = _SAME_SIZE_UINT.get(g.dtype)
    if unsigned is None or ans.dtype != g.dtype or ans.shape != g.shape:
        return NotImplemented  # the generic rule, ``where``, takes it
    # 1 where the cotangent is dropped; an array even at 0-d, where numpy's comparison
    # gives a scalar (which ``out=`` below refuses and ``-=`` would warn on)
    mask = np.asarray(np.less_equal(ans, 0), dtype=unsigned)
    mask -= 1  # there 0, elsewhere all ones (unsigned arithmetic wraps around)
    np.bitwise_and(g.view(unsigned), mask, out=mask)
    return mask.view(g.dtype)


def _matmul_left_vjp(xp: Any, g: Any, _ans: Any, a: Any, b: Any) -> Any:
    """matmul's rule for its left input, ``g @ b.mT``, with ``b.mT`` laid out in memory
    first when the product is a batch: numpy's batched matmul runs 1.6x slower on a
    transposed operand (242 against 151 us for a (32, 64, 64) float32 batch; a 64 x 64
    weight copies in a microsecond, a batch in 40 us). BLAS packs both operands the
    same way, so the bits are the generic rule's, which the conformance suite checks.

    >>> g, b = np.ones((2, 3, 4)), np.arange(20.0).reshape(5, 4)
    >>> bool((_matmul_left_vjp(np, g, None, np.ones((2, 3, 5)), b) == g @ b.T).all())
    True
    """
    if (g.ndim < 3 or a.ndim < 2 or b.ndim < 2 or g.dtype != b.dtype
            or g.dtype.char not in "fd"):
        # a single matrix product passes the transpose to BLAS as a flag (copying a
        # 1024 x 1024 weight cost W2's step 10%); vectors, complex conjugates and mixed
        # dtypes are the generic rule's too
        return NotImplemented
    return np.matmul(g, np.ascontiguousarray(np.swapaxes(b, -1, -2)))


def _decline(xp: Any, g: Any, _ans: Any, _a: Any, _b: Any) -> Any:
    """The primitive's own rule, always (numpy has no faster way for this input)."""
    return NotImplemented


def _basic_index(index: Any) -> bool:
    """Whether ``index`` holds only slices, integers, ``...`` and ``None`` (numpy's basic
    indexing, which never reaches an element twice)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(part is None or part is Ellipsis or type(part) is slice
               or (type(part) is int) for part in parts)
