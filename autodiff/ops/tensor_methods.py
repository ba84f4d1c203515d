"""Tensor methods PyTorch users reach for: ``new_zeros``/``new_ones``/``new_full``/
``new_empty``/``new_tensor``, ``expand`` with -1 for a kept size, ``expand_as``,
``view_as``, ``reshape_as``, ``contiguous`` (every tensor is) and ``.data`` (the same
memory without history or a shared version counter, as in PyTorch).
"""

from __future__ import annotations

from typing import Any

from .. import _mode
from .._tensor import Tensor
from ._helpers import shape_from
from .creation import _like_place, _sizes, asarray, full
from .manipulation import broadcast_to, reshape

__all__: list[str] = []


def _new(fill: Any) -> Any:
    def method(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False, **extra: Any) -> Tensor:
        if fill == "full":
            size, value = size[:-1], size[-1]
        else:
            value = fill
        shape = shape_from(f"new_{fill}", _sizes(size, extra.pop("size", None)))
        if extra:
            raise TypeError(f"new_{fill}() got unexpected keyword arguments {sorted(extra)}")
        dtype, device, backend = _like_place(self, dtype, device, None)
        out = full(shape, value, dtype=dtype, device=device, backend=backend)
        return out.requires_grad_(True) if requires_grad else out

    return method


def _new_tensor(self: Tensor, data: Any, *, dtype: Any = None, device: Any = None,
                requires_grad: bool = False) -> Tensor:
    dtype, device, backend = _like_place(self, dtype, device, None)
    if isinstance(data, Tensor):
        data = data.detach()
    out = asarray(data, dtype=dtype, device=device, backend=backend, copy=True)
    return out.requires_grad_(True) if requires_grad else out


def _expand(self: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``x.expand(*sizes)``: -1 keeps an existing axis's size."""
    shape = tuple(sizes[0]) if len(sizes) == 1 and not isinstance(sizes[0], int) else sizes
    lead = len(shape) - self.ndim
    if lead < 0:
        raise RuntimeError(f"expand({list(self.shape)}, size={list(shape)}): the number of "
                           f"sizes provided ({len(shape)}) must be greater or equal to the "
                           f"number of dimensions in the tensor ({self.ndim})")
    resolved = []
    for i, s in enumerate(shape):
        if s == -1:
            if i < lead:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a "
                               f"leading, non-existing dimension {i}")
            s = self.shape[i - lead]
        elif i >= lead and self.shape[i - lead] not in (1, s):
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing "
                               f"size ({self.shape[i - lead]}) at non-singleton dimension {i}."
                               f"  Target sizes: {list(shape)}.  Tensor sizes: "
                               f"{list(self.shape)}")
        resolved.append(s)
    return broadcast_to(self, tuple(resolved))


def _data(self: Tensor) -> Tensor:
    """The same memory without history or a shared version counter (PyTorch's ``.data``)."""
    return Tensor._wrap(self._array, self._backend)


def _set_data(self: Tensor, value: Tensor) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f"data: expected a Tensor, got {type(value).__name__}")
    tracer = _mode.tracing.active if _mode.traces.count else None
    if tracer is not None:
        if value._backend is not self._backend:
            tracer.stop(".data = a tensor of another backend")
        else:  # recorded as a write that counts no version, as eager's rebinding
            tracer.store(self, _rebind, value._array, bumps=0)
    self._array, self._backend = value._array, value._backend


def _rebind(_old: Any, new: Any) -> Any:
    return new


METHODS: dict[str, Any] = {
    "new_zeros": _new(0), "new_ones": _new(1), "new_empty": _new(0), "new_full": _new("full"),
    "new_tensor": _new_tensor,
    "expand": _expand,
    "expand_as": lambda self, other: _expand(self, other.shape),
    "view_as": lambda self, other: reshape(self, other.shape),
    "reshape_as": lambda self, other: reshape(self, other.shape),
    "contiguous": lambda self, memory_format=None: self,
    "data": property(_data, _set_data),
}
