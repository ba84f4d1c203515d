"""Indexing: ``x[key]`` with integers, slices, ellipsis, None, integer arrays and
boolean masks. The gradient scatters back with the backend's scatter-add, so
duplicate indices accumulate."""

from __future__ import annotations

from typing import Any

from .._dtypes import native_isdtype
from .._primitive import Op, primitive
from .._tensor import Tensor

__all__: list[str] = []  # x[key] is the operator; getitem is not public


def _index_name(x: Any, key: Any, shape: Any) -> str:
    if isinstance(key, Take):
        return "IndexBackward0"
    parts = key if isinstance(key, tuple) else (key,)
    if any(not isinstance(part, (int, slice, type(None), type(Ellipsis))) for part in parts):
        return "IndexBackward0"
    if any(isinstance(part, int) for part in parts):
        return "SelectBackward0"
    return "SliceBackward0"


_getitem: Op = primitive(
    "getitem", torch_name=_index_name,
    forward=lambda xp, x, key, shape: _index_forward(xp, x, key),
    vjp=lambda g, ans, x, key, shape: _scatter_add(g, key=key, shape=shape),
    jvp="linear",
    namespace="autodiff.Tensor",
)
# The transpose of indexing: zeros of the source shape with ``g`` added at ``key``.
_scatter_add: Op = primitive(
    "index_scatter_add", torch_name="IndexPut",
    forward=lambda xp, g, key, shape: _scatter_forward(xp, g, key, shape),
    vjp=lambda g, ans, values, key, shape: _getitem(g, key=key, shape=shape),
    jvp="linear",
    namespace="autodiff.Tensor",
)


def _scatter_forward(xp: Any, values: Any, key: Any, shape: tuple[int, ...]) -> Any:
    from .. import _backend

    owner = _backend.backend_of_namespace(xp)
    target = xp.zeros(shape, dtype=values.dtype, device=getattr(values, "device", None))
    if isinstance(key, Take):
        key = (slice(None),) * key.axis + (key.indices, Ellipsis)
    return owner.scatter_add(target, key, values)


class Take:
    """An integer-array index along one axis with full slices elsewhere: spelled
    ``xp.take`` so that it works on every standard namespace (the standard allows
    integer arrays in ``[]`` only alongside integers)."""

    __slots__ = ("axis", "indices")

    def __init__(self, axis: int, indices: Any) -> None:
        self.axis, self.indices = axis, indices


def _index_forward(xp: Any, x: Any, key: Any) -> Any:
    if isinstance(key, Take):
        return xp.take(x, key.indices, axis=key.axis)
    return x[key]


def _plain_key(x: Tensor, key: Any) -> Any:
    """The key with tensors replaced by their backend arrays, checked against x."""
    if isinstance(key, tuple):
        return tuple(_plain_key(x, part) for part in key)
    if isinstance(key, Tensor):
        if key._backend is not x._backend:
            raise ValueError(f"getitem: index tensor is on backend {key.backend!r} but the "
                             f"indexed tensor is on backend {x.backend!r}")
        if key.dtype.kind not in ("bool", "signed integer", "unsigned integer"):
            raise IndexError(f"getitem: tensors used as indices must be integer or bool, "
                             f"got {key.dtype.name}")
        return key._array
    if isinstance(key, (list,)):
        return _plain_key(x, Tensor._wrap(x._backend.asarray(key), x._backend))
    if isinstance(key, (int, slice, type(None), type(Ellipsis))):
        return key
    raise IndexError(f"getitem: unsupported index {key!r} of type {type(key).__name__}; "
                     "expected ints, slices, ..., None, or integer/bool tensors")


def getitem(x: Tensor, key: Any) -> Tensor:
    """``x[key]``, differentiable.

    >>> import autodiff as ad
    >>> x = ad.arange(6.0).reshape(2, 3)
    >>> x[1], x[:, ::2].shape
    (tensor([3., 4., 5.]), (2, 2))
    """
    key = _plain_key(x, key)
    return _getitem(x, key=_portable(x._backend.xp, key, x.ndim), shape=x.shape)


def _portable(xp: Any, key: Any, ndim: int) -> Any:
    """The key in a form every standard namespace accepts: one 1-D integer array among
    full slices becomes a ``Take``, and a key naming fewer axes than ``x`` has gets the
    trailing ``...`` that numpy and PyTorch imply and the standard requires."""
    parts = key if isinstance(key, tuple) else (key,)
    arrays = [i for i, part in enumerate(parts) if not isinstance(
        part, (int, slice, type(None), type(Ellipsis)))]
    if len(arrays) == 1:
        axis, indices = arrays[0], parts[arrays[0]]
        if indices.ndim == 1 and not native_isdtype(xp, indices.dtype, "bool") and all(
                part == slice(None) for i, part in enumerate(parts) if i != axis):
            return Take(axis, indices)
    if any(part is Ellipsis for part in parts):
        return key
    used = sum(getattr(part, "ndim", 1) if not isinstance(part, (int, slice)) else 1
               for part in parts if part is not None)
    return (*parts, Ellipsis) if used < ndim else key
