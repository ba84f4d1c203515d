"""The cupy backend: NVIDIA GPUs.

Importing this module never imports cupy; the availability check does, and it
asks the CUDA runtime for a device, because cupy imports fine on a machine with no
GPU and fails only at the first kernel.
"""

from __future__ import annotations

import functools
import importlib.util
from typing import Any

import numpy as np

from ._base import Backend, Shape


class CupyBackend(Backend):
    """cupy arrays on CUDA devices, through ``array_api_compat.cupy``."""

    name = "cupy"
    module = "cupy"
    device_type = "cuda"
    multi_device = True
    host_arrays = False  # GPU memory: its own scatter_add and to_numpy

    def __init__(self) -> None:
        super().__init__()
        self._reason: str | None = None

    @functools.cache  # noqa: B019 - one backend instance per process
    def is_available(self) -> bool:
        if importlib.util.find_spec("cupy") is None:
            self._reason = ("cupy is not installed (pip install cupy-cuda12x, or from an "
                            "autodiff checkout: pip install '.[cupy]')")
            return False
        try:
            import cupy

            count = cupy.cuda.runtime.getDeviceCount()
            if count < 1:
                self._reason = "cupy is installed but no CUDA device is visible"
                return False
            cupy.zeros(1).sum().item()  # a real kernel: drivers can fail only here
        except Exception as exc:
            self._reason = f"cupy is installed but no usable CUDA device: {exc}"
            return False
        return True

    def unavailable_reason(self) -> str:
        self.is_available()
        return self._reason or "available"

    def namespace(self) -> Any:
        import array_api_compat.cupy

        return array_api_compat.cupy

    @functools.cached_property
    def _cupy(self) -> Any:
        import cupy

        return cupy

    def native_array_type(self) -> type:
        return self._cupy.ndarray

    def find_dtype_name(self, native: Any) -> str:
        return np.dtype(native).name

    def device(self, index: int | None = None) -> Any:
        cupy = self._cupy
        return cupy.cuda.Device(cupy.cuda.runtime.getDevice() if index is None else index)

    def device_index(self, array: Any) -> int | None:
        return int(array.device.id)

    def asarray(self, data: Any, dtype: str | None = None, device: Any = None,
                copy: bool | None = None) -> Any:
        cupy = self._cupy
        make = cupy.array if copy else cupy.asarray
        if device is None:
            return make(data, dtype=dtype)
        with device:
            return make(data, dtype=dtype)

    def coerce(self, value: Any) -> Any:
        return self._cupy.asarray(value)

    def to_numpy(self, array: Any) -> np.ndarray:
        return self._cupy.asnumpy(array)

    def raising_linalg_errors(self) -> Any:
        # cupy checks a factorization's status only when asked, since reading it waits
        # for the GPU (PyTorch's linalg.inv waits there too; its inv_ex does not)
        import cupyx

        return cupyx.errstate(linalg="raise")

    def exclusive(self, array: Any) -> bool:
        # cupy arrays are always writeable; a view keeps its base. Without this,
        # ``.grad`` copied every incoming gradient (a kernel and an allocation each)
        return array.base is None

    # cupy has its own generator: numbers are drawn on the device, not copied over.
    def seed(self, seed: int) -> None:
        self._generator = self._cupy.random.default_rng(seed)

    @property
    def _gen(self) -> Any:
        if not hasattr(self, "_generator"):
            self._generator = self._cupy.random.default_rng()
        return self._generator

    # The state of cupy's bit generators is a device array (a private attribute).
    def get_rng_state(self) -> Any:
        return self._gen.bit_generator._state.copy()

    def set_rng_state(self, state: Any) -> None:
        self._gen.bit_generator._state[...] = state

    def normal(self, shape: Shape, dtype: str, device: Any = None) -> Any:
        with device or self.device():
            return self._gen.standard_normal(shape, dtype=np.float64).astype(dtype)

    def uniform(self, shape: Shape, dtype: str, device: Any = None) -> Any:
        with device or self.device():
            return self._gen.random(shape, dtype=np.float64).astype(dtype)

    def integers(self, low: int, high: int, shape: Shape, dtype: str, device: Any = None) -> Any:
        with device or self.device():
            return self._gen.integers(low, high, size=shape).astype(dtype)

    def scatter_add(self, target: Any, index: Any, values: Any) -> Any:
        import cupyx

        result = target.copy()
        cupyx.scatter_add(result, index, values)
        return result

    def fuse_elementwise(self, spec: Any) -> Any:
        """One elementwise kernel for a run of ``autodiff.compile``'s steps, written
        by ``_cuda_kernels`` in float or double and built without fused multiply-add."""
        import cupy

        from ._cuda_kernels import C_TYPES, MATH, kernel_source

        if str(spec.dtype) not in C_TYPES:
            return None
        source = kernel_source(spec.inputs, spec.steps, spec.outputs, spec.values,
                               {name: getattr(cupy, name) for name in MATH})
        if source is None:
            return None
        kernel = _elementwise_kernel(*source)

        def run(*arrays: Any) -> tuple[Any, ...]:
            result = kernel(*arrays)
            return result if isinstance(result, tuple) else (result,)

        return run

    def array_rules(self) -> dict[str, tuple[Any, ...]]:
        return {"relu": (_relu_vjp,), "tanh": (_tanh_vjp,), "sin": (_sin_vjp,)}

    def special_function(self, name: str) -> Any:
        # cupyx.scipy.special: one elementwise kernel each
        try:
            import cupyx.scipy.special as special
        except ImportError:
            return None
        return getattr(special, name, None)


#: One-kernel backward rules for element-wise primitives whose generic rule runs two or
#: three kernels (each a pass over memory): (parameters, body). The body is the generic
#: rule's arithmetic in its order, each operation rounded on its own (the kernels are
#: built without fused multiply-add), so the results are those of the generic rule.
_FUSED_RULES = {
    "relu": ("T g, T ans", "out = ans <= (T)0 ? (T)0 : g"),
    "tanh": ("T g, T ans", "out = g * ((T)1 - ans * ans)"),
    "sin": ("T g, T x", "out = g * cos(x)"),
}


@functools.lru_cache(maxsize=1024)
def _elementwise_kernel(in_params: str, out_params: str, operation: str) -> Any:
    """A kernel for ``autodiff.compile``'s fused run, one per source text."""
    import hashlib

    import cupy

    digest = hashlib.sha1(f"{in_params};{out_params};{operation}".encode()).hexdigest()[:16]
    return cupy.ElementwiseKernel(in_params, out_params, operation,
                                  f"autodiff_fused_{digest}", options=("--fmad=false",))


@functools.cache
def _fused_kernel(name: str) -> Any:
    import cupy

    parameters, body = _FUSED_RULES[name]
    return cupy.ElementwiseKernel(parameters, "T out", body, f"autodiff_{name}_vjp",
                                  options=("--fmad=false",))


def _fused(name: str, g: Any, operand: Any) -> Any:
    """The primitive's rule in one kernel, for a real float32 or float64 cotangent of
    the shape and dtype of what the rule reads (else the generic rule runs)."""
    if g.dtype != operand.dtype or g.dtype.char not in "fd" or g.shape != operand.shape:
        return NotImplemented
    return _fused_kernel(name)(g, operand)


# each reads only what the primitive's own rule reads, since only that is saved, and
# says so as the primitive's rule does: a parameter named ``_...`` is not read
def _relu_vjp(xp: Any, g: Any, ans: Any, _x: Any) -> Any:
    return _fused("relu", g, ans)


def _tanh_vjp(xp: Any, g: Any, ans: Any, _x: Any) -> Any:
    return _fused("tanh", g, ans)


def _sin_vjp(xp: Any, g: Any, _ans: Any, x: Any) -> Any:
    return _fused("sin", g, x)
