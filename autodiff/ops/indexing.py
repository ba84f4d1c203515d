"""Indexing: ``x[key]`` with integers, slices, ellipsis, None, integer arrays and
boolean masks, and the standard's ``take`` and ``take_along_axis``. The gradient
scatters back with the backend's scatter-add, so duplicate indices accumulate."""

from __future__ import annotations

from typing import Any

from .. import _mode, _rules, _views
from .._dtypes import native_isdtype
from .._primitive import Op, primitive
from .._tensor import Tensor
from ._helpers import pick, raise_if
from .elementwise import where
from .manipulation import broadcast_to, one_axis, reshape

__all__ = ["take", "take_along_axis", "take_along_dim"]  # x[key] is the operator


def _index_name(x: Any, key: Any, shape: Any) -> str:
    if isinstance(key, (Take, Along)):
        return key.node
    parts = key if isinstance(key, tuple) else (key,)
    if any(not isinstance(part, (int, slice, type(None), type(Ellipsis))) for part in parts):
        return "IndexBackward0"
    if any(isinstance(part, int) for part in parts):
        return "SelectBackward0"
    return "SliceBackward0"


_getitem: Op = primitive(
    "getitem", torch_name=_index_name,
    forward=lambda xp, x, key, shape: _index_forward(xp, x, key),
    vjp=lambda xp, g, _ans, _x, key, shape: xp.prim.index_scatter_add(g, key=key, shape=shape),
    jvp="linear",
    namespace="autodiff.Tensor",
)
# The transpose of indexing: zeros of the source shape with ``g`` added at ``key``.
_scatter_add: Op = primitive(
    "index_scatter_add", torch_name="IndexPut",
    forward=lambda xp, g, key, shape: _scatter_forward(xp, g, key, shape),
    vjp=lambda xp, g, _ans, _values, key, shape: xp.prim.getitem(g, key=key, shape=shape),
    jvp="linear",
    namespace="autodiff.Tensor",
)


def _scatter_forward(xp: Any, values: Any, key: Any, shape: tuple[int, ...]) -> Any:
    from .. import _backend

    owner = _backend.backend_of_namespace(xp)
    target = xp.zeros(shape, dtype=values.dtype, device=getattr(values, "device", None))
    if isinstance(key, Take):
        indices = key.indices
        if indices.ndim != 1:  # N-D indices: their axes fold back into one
            indices = xp.reshape(indices, (-1,))
            values = xp.reshape(values, shape[:key.axis] + (-1,) + shape[key.axis + 1:])
        key = (slice(None),) * key.axis + (indices, Ellipsis)
    elif isinstance(key, Along):
        key, values = _along_key(xp, key, values, shape)
    return owner.scatter_add(target, key, values)


class Take:
    """An integer-array index along one axis with full slices elsewhere: spelled
    ``xp.take`` so that it works on every standard namespace (the standard allows
    integer arrays in ``[]`` only alongside integers). N-D indices put their axes in
    place of ``axis``. ``node`` is PyTorch's name for the op that made it."""

    __slots__ = ("axis", "indices", "node")

    def __init__(self, axis: int, indices: Any, node: str = "IndexBackward0") -> None:
        self.axis, self.indices, self.node = axis, indices, node


class Along:
    """``take_along_axis(x, indices, axis)``, then, with ``squeeze``, that axis dropped
    (``x.max(dim)``, whose indices have it kept)."""

    __slots__ = ("axis", "indices", "squeeze", "node")

    def __init__(self, axis: int, indices: Any, squeeze: bool = False,
                 node: str = "GatherBackward0") -> None:
        self.axis, self.indices, self.squeeze, self.node = axis, indices, squeeze, node


def _along_key(xp: Any, key: Along, values: Any, shape: tuple[int, ...]) -> Any:
    """The scatter index of a ``take_along_axis``: ``indices`` on its axis and a
    broadcast ``arange`` on every other one, and the values with the axis back."""
    if key.squeeze:
        values = xp.expand_dims(values, axis=key.axis)
    parts: list[Any] = []
    for axis, extent in enumerate(shape):
        if axis == key.axis:
            parts.append(key.indices)
            continue
        ramp = xp.arange(extent, device=getattr(values, "device", None))
        parts.append(xp.reshape(ramp, tuple(extent if i == axis else 1
                                            for i in range(len(shape)))))
    return tuple(parts), values


def _index_forward(xp: Any, x: Any, key: Any) -> Any:
    if isinstance(key, Take):
        indices, axis = key.indices, key.axis
        if indices.ndim == 1:
            return xp.take(x, indices, axis=axis)
        out = xp.take(x, xp.reshape(indices, (-1,)), axis=axis)
        return xp.reshape(out, x.shape[:axis] + tuple(indices.shape) + x.shape[axis + 1:])
    if isinstance(key, Along):
        out = xp.take_along_axis(x, key.indices, axis=key.axis)
        return xp.squeeze(out, axis=key.axis) if key.squeeze else out
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
        return _plain_key(x, Tensor._wrap(_mode.from_data(x._backend.asarray(key)),
                                          x._backend))
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
    key = _portable(x._backend.xp, _plain_key(x, key), x.ndim)
    out = _getitem(x, key=key, shape=x.shape)
    if _basic(key):  # ints, slices, None, ...: a view of x, as numpy and PyTorch make it
        _views.register_view(out, x, _getitem, {"key": key, "shape": x.shape}, _put_at)
    return out


def _put_at(parent: Tensor, values: Tensor, *, key: Any, shape: tuple[int, ...]) -> Tensor:
    return _rules.tensor_namespace().prim.index_put(parent, values, key=key)


def _basic(key: Any) -> bool:
    return isinstance(key, tuple) and all(
        isinstance(part, (int, slice, type(None), type(Ellipsis))) for part in key)


def _portable(xp: Any, key: Any, ndim: int) -> Any:
    """The key in a form every standard namespace accepts: one integer array (of one
    or more dimensions) among full slices becomes a ``Take``, and a key naming fewer
    axes than ``x`` has gets the trailing ``...`` that numpy and PyTorch imply and the
    standard requires."""
    parts = key if isinstance(key, tuple) else (key,)
    arrays = [i for i, part in enumerate(parts) if not isinstance(
        part, (int, slice, type(None), type(Ellipsis)))]
    if len(arrays) == 1:
        axis, indices = arrays[0], parts[arrays[0]]
        if indices.ndim >= 1 and not native_isdtype(xp, indices.dtype, "bool") and all(
                part == slice(None) for i, part in enumerate(parts) if i != axis):
            return Take(axis, indices)
    if any(part is Ellipsis for part in parts):
        return key
    if not arrays:  # a trailing ... also keeps an all-integer key a (0-d) view
        return (*parts, Ellipsis)
    if any(native_isdtype(xp, parts[i].dtype, "bool") for i in arrays):
        return key  # a mask: the standard allows it only as the sole index, as given
    # an integer array (0-d included) indexes one axis, as an integer does
    used = sum(1 for part in parts if part is not None)
    return (*parts, Ellipsis) if used < ndim else key


def _checked(op: str, indices: Any, x: Tensor, extent: int) -> Any:
    """Integer ``indices`` for an axis of length ``extent`` as a backend array, negative
    ones counted from the end; an IndexError naming ``op`` when one is out of range."""
    if isinstance(indices, (list, tuple, int)):
        indices = Tensor._wrap(_mode.from_data(x._backend.asarray(indices, "int64")),
                               x._backend)
    if not isinstance(indices, Tensor):
        raise TypeError(f"{op}: expected indices as an integer Tensor, got "
                        f"{type(indices).__name__}")
    if indices._backend is not x._backend:
        raise ValueError(f"{op}: indices are on backend {indices.backend!r} but the tensor "
                         f"is on backend {x.backend!r}")
    if indices.dtype.kind not in ("signed integer", "unsigned integer"):
        raise TypeError(f"{op}: expected integer indices, got {indices.dtype.name}")
    signed = indices.dtype.kind == "signed integer"
    outside = (indices >= extent) | (indices < -extent) if signed else indices >= extent
    if indices.numel():
        raise_if(outside.any(), IndexError, f"{op}: index out of range for an axis of size "
                 f"{extent} (expected indices in [{-extent}, {extent - 1}])")
    if signed:
        indices = where(indices < 0, indices + extent, indices)
    return indices._array


def take(x: Tensor, indices: Any, /, *, axis: int | None = None, dim: int | None = None
         ) -> Tensor:
    """Elements of ``x`` at ``indices`` along ``axis`` (``torch.index_select``); without
    an axis, of the flattened tensor (``torch.take``). Repeated indices get the
    gradient summed.

    >>> import autodiff as ad
    >>> x = ad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> y = ad.take(x, ad.tensor([1, 1, 0]), axis=1)
    >>> y.sum().backward(); x.grad
    tensor([[1., 2.],
            [1., 2.]])
    """
    axis = pick("take", "axis", axis, "dim", dim, None)
    node = "IndexSelectBackward0"
    if axis is None:
        x, axis, node = (x if x.ndim == 1 else reshape(x, -1)), 0, "TakeBackward0"
    if x.ndim == 0:
        raise ValueError("take: expected a tensor with at least one dimension, got 0-d")
    axis = one_axis("take", axis, x.ndim)
    index = _checked("take", indices, x, x.shape[axis])
    return _getitem(x, key=Take(axis, index, node), shape=x.shape)


def take_along_axis(x: Tensor, indices: Any, /, *, axis: int = -1, dim: int | None = None
                    ) -> Tensor:
    """Elements of ``x`` at ``indices`` along ``axis``, matched position by position on
    the other axes (``torch.gather``); the gradient scatters back.

    >>> import autodiff as ad
    >>> x = ad.tensor([[10.0, 30.0, 20.0], [60.0, 40.0, 50.0]])
    >>> ad.take_along_axis(x, ad.argsort(x, axis=1), axis=1)
    tensor([[10., 20., 30.],
            [40., 50., 60.]])
    """
    if dim is not None:
        axis = dim
    if x.ndim == 0 or not isinstance(indices, Tensor) or indices.ndim != x.ndim:
        raise ValueError(f"take_along_axis: expected indices with as many dimensions as x "
                         f"({x.ndim}), got {getattr(indices, 'shape', indices)!r}")
    axis = one_axis("take_along_axis", axis, x.ndim)
    index = _checked("take_along_axis", indices, x, x.shape[axis])
    for i, (have, want) in enumerate(zip(index.shape, x.shape, strict=True)):
        if i != axis and have not in (1, want):
            raise ValueError(f"take_along_axis: indices of shape {tuple(index.shape)} do "
                             f"not broadcast against x of shape {x.shape} off axis {axis}")
    return _getitem(x, key=Along(axis, index), shape=x.shape)


def take_along_dim(x: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """PyTorch's ``take_along_dim``: without ``dim``, over the flattened tensors.

    >>> import autodiff as ad
    >>> ad.take_along_dim(ad.tensor([[5, 6], [7, 8]]), ad.tensor([3, 0]))
    tensor([8, 5])
    """
    if dim is None:
        return take_along_axis(reshape(x, -1), reshape(indices, -1), axis=0)
    if x.ndim == indices.ndim and x.ndim:
        # PyTorch broadcasts the two against each other on every axis but dim
        axis = dim % x.ndim
        shape = [max(a, b) if a == 1 or b == 1 else a
                 for a, b in zip(x.shape, indices.shape, strict=True)]
        x_shape = tuple(x.shape[k] if k == axis else shape[k] for k in range(x.ndim))
        i_shape = tuple(indices.shape[k] if k == axis else shape[k] for k in range(x.ndim))
        x = x if tuple(x.shape) == x_shape else broadcast_to(x, x_shape)
        if tuple(indices.shape) != i_shape:
            indices = broadcast_to(indices, i_shape)
    return take_along_axis(x, indices, axis=dim)


METHODS: dict[str, Any] = {"take_along_dim": take_along_dim}
