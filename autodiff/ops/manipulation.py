"""Manipulation functions that move elements around without joining arrays: reshape,
permute_dims, broadcast_to, expand_dims, squeeze, flip, roll, moveaxis, broadcast_arrays.
Joining, splitting and repeating are in ``joining.py``.

Rules that need an input's shape get it as a parameter recorded at call time,
so the graph never keeps an input's array alive just to read its shape.
"""

from __future__ import annotations

import operator
from typing import Any

from .._primitive import Op, primitive
from .._tensor import Tensor
from ._helpers import normalize_axes, pick
from ._view_ops import (  # noqa: F401 - _named and _inverse are shared with other ops
    _broadcast_to,
    _inverse,
    _named,
    _permute_dims,
    _reshape,
)

__all__ = ["broadcast_arrays", "broadcast_shapes", "broadcast_tensors", "broadcast_to",
           "expand_dims", "flatten", "flip", "matrix_transpose", "moveaxis", "movedim",
           "permute_dims", "reshape", "roll", "squeeze", "transpose"]
NOT_METHODS = ("broadcast_arrays", "broadcast_shapes", "broadcast_tensors")


_flip: Op = primitive(
    "flip", torch_name="Flip",
    forward=lambda xp, x, axis: xp.flip(x, axis=axis),
    vjp=lambda xp, g, _ans, _x, axis: xp.flip(g, axis=axis),
    jvp="linear",
)
_roll: Op = primitive(
    "roll", torch_name="Roll",
    forward=lambda xp, x, shift, axis: xp.roll(x, shift, axis=axis),
    vjp=lambda xp, g, _ans, _x, shift, axis: xp.roll(g, _negated(shift), axis=axis),
    jvp="linear",
)


def _negated(shift: int | tuple[int, ...]) -> int | tuple[int, ...]:
    return -shift if isinstance(shift, int) else tuple(-item for item in shift)


def one_axis(op: str, axis: Any, ndim: int) -> int:
    """One axis as a non-negative int; an IndexError naming ``op`` when out of range."""
    try:
        index = operator.index(axis)
    except TypeError:
        raise TypeError(f"{op}: axis must be an int, got {axis!r}") from None
    if not -ndim <= index < ndim:
        raise IndexError(f"{op}: axis {index} is out of range for a tensor of {ndim} "
                         f"dimensions (expected to be in range of [{-ndim}, {ndim - 1}])")
    return index % ndim


def axis_list(op: str, axis: Any, ndim: int) -> tuple[int, ...]:
    """An int or a sequence of ints as non-negative axes, in the order given."""
    items = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(one_axis(op, item, ndim) for item in items)


def reshape(x: Tensor, /, shape: Any, *more: int, copy: bool | None = None) -> Tensor:
    """Give ``x`` a new shape with the same number of elements (one size may be -1).

    >>> import autodiff as ad
    >>> ad.reshape(ad.arange(6), (2, 3)).shape
    (2, 3)
    """
    if more or isinstance(shape, int):
        shape = (shape, *more)
    try:
        target = tuple(operator.index(size) for size in shape)
    except TypeError:
        raise TypeError(f"reshape: expected a shape of ints, got {shape!r}") from None
    size = x.numel()
    known = 1
    for extent in target:
        if extent != -1:
            known *= extent
    if target.count(-1) > 1 or (target.count(-1) == 0 and known != size) or (
            -1 in target and (known == 0 or size % known)):
        raise RuntimeError(f"reshape: shape {list(target)} is invalid for input of size {size}")
    if -1 in target:
        target = tuple(size // known if extent == -1 else extent for extent in target)
    return _reshape(x, shape=target, source=x.shape)


def permute_dims(x: Tensor, /, axes: Any, *more: int) -> Tensor:
    """Reorder the axes of ``x`` (PyTorch's ``permute``).

    >>> import autodiff as ad
    >>> ad.permute_dims(ad.ones(2, 3, 4), (2, 0, 1)).shape
    (4, 2, 3)
    """
    if more or isinstance(axes, int):
        axes = (axes, *more)
    axes = tuple(operator.index(axis) % max(x.ndim, 1) for axis in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"permute_dims: axes {axes} are not a permutation of the "
                         f"{x.ndim} dimensions of a tensor of shape {x.shape}")
    return _permute_dims(x, axes=axes)


def transpose(x: Tensor, dim0: int, dim1: int, *, node: str = "TransposeBackward0") -> Tensor:
    """Swap two dimensions (PyTorch's ``transpose``).

    >>> import autodiff as ad
    >>> ad.transpose(ad.ones(2, 3), 0, 1).shape
    (3, 2)
    """
    axes = list(range(x.ndim))
    first, second = normalize_axes("transpose", dim0, x.ndim), normalize_axes(
        "transpose", dim1, x.ndim)
    if first is None or second is None:  # a 0-d tensor: dims -1 and 0 name it, as in PyTorch
        return _permute_dims(x, axes=(), node=node)
    axes[first[0]], axes[second[0]] = axes[second[0]], axes[first[0]]
    return _permute_dims(x, axes=tuple(axes), node=node)


def matrix_transpose(x: Tensor, /) -> Tensor:
    """Swap the last two dimensions (``x.mT``).

    >>> import autodiff as ad
    >>> ad.matrix_transpose(ad.ones(5, 2, 3)).shape
    (5, 3, 2)
    """
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose: expected a tensor with at least 2 dimensions, "
                         f"got shape {x.shape}")
    return transpose(x, -2, -1)


def broadcast_to(x: Tensor, /, shape: Any) -> Tensor:
    """Broadcast ``x`` to ``shape``; the gradient sums back over the broadcast axes.

    >>> import autodiff as ad
    >>> ad.broadcast_to(ad.ones(3), (2, 3)).shape
    (2, 3)
    """
    target = tuple(shape)
    if x.shape == target:
        return x
    return _broadcast_to(x, shape=target)


def expand_dims(x: Tensor, /, axis: int | tuple[int, ...] = 0) -> Tensor:
    """Insert a dimension of size one at ``axis`` (PyTorch's ``unsqueeze``), or at each
    of a tuple of positions, counted in the result (the 2025.12 standard).

    >>> import autodiff as ad
    >>> ad.expand_dims(ad.ones(3), axis=0).shape, ad.expand_dims(ad.ones(3), axis=(0, -1)).shape
    ((1, 3), (1, 3, 1))
    """
    positions = (axis,) if isinstance(axis, int) else tuple(axis)
    ndim = x.ndim + len(positions)
    for position in positions:
        if not -ndim <= position < ndim:
            raise IndexError(f"expand_dims: axis {position} is out of range for a result of "
                             f"{ndim} dimensions")
    inserted = {position % ndim for position in positions}
    if len(inserted) != len(positions):
        raise ValueError(f"expand_dims: axis {axis} names a position more than once")
    extents = iter(x.shape)
    shape = tuple(1 if index in inserted else next(extents) for index in range(ndim))
    node = "UnsqueezeBackward0" if len(positions) == 1 else "ViewBackward0"
    return _reshape(x, shape=shape, source=x.shape, node=node)


def squeeze(x: Tensor, /, axis: Any = None, *, dim: Any = None) -> Tensor:
    """Remove size-one axes: those in ``axis`` (an error if one is longer), or every
    size-one axis when no axis is given (as ``torch.squeeze(x)``).

    >>> import autodiff as ad
    >>> ad.squeeze(ad.ones(1, 3, 1), axis=0).shape, ad.squeeze(ad.ones(1, 3, 1)).shape
    ((3, 1), (3,))
    """
    axis = pick("squeeze", "axis", axis, "dim", dim, None)
    if axis is None:
        return _squeeze(x, tuple(i for i, n in enumerate(x.shape) if n == 1), "SqueezeBackward0")
    axes = normalize_axes("squeeze", axis, x.ndim) or ()
    for index in axes:
        if x.shape[index] != 1:
            raise ValueError(f"squeeze: axis {index} has size {x.shape[index]}, expected 1 "
                             f"(tensor of shape {x.shape})")
    return _squeeze(x, axes, "SqueezeBackward1" if isinstance(axis, int) else "SqueezeBackward2")


def _squeeze(x: Tensor, axes: tuple[int, ...], node: str) -> Tensor:
    shape = tuple(n for i, n in enumerate(x.shape) if i not in axes)
    return _reshape(x, shape=shape, source=x.shape, node=node)


def _squeeze_method(self: Tensor, dim: Any = None) -> Tensor:
    """PyTorch's ``x.squeeze(dim)``: axes in ``dim`` that are not of size one stay."""
    if dim is None:
        return squeeze(self)
    axes = normalize_axes("squeeze", dim, self.ndim) or ()
    node = "SqueezeBackward1" if isinstance(dim, int) else "SqueezeBackward2"
    return _squeeze(self, tuple(i for i in axes if self.shape[i] == 1), node)


def flip(x: Tensor, _dims: Any = None, /, *, axis: Any = None, dims: Any = None) -> Tensor:
    """Reverse the order of elements along ``axis`` (all axes by default); PyTorch's
    ``flip(x, dims)`` with the axes positional works too.

    >>> import autodiff as ad
    >>> ad.flip(ad.arange(3)), ad.flip(ad.ones(2, 1), [0]).shape
    (tensor([2, 1, 0]), (2, 1))
    """
    if _dims is not None:
        dims = pick("flip", "dims", dims, "dims", _dims, None)
    axes = normalize_axes("flip", pick("flip", "axis", axis, "dims", dims, None), x.ndim)
    return _flip(x, axis=axes)


def roll(x: Tensor, /, shift: Any = None, _dims: Any = None, *, axis: Any = None,
         shifts: Any = None, dims: Any = None) -> Tensor:
    """Shift elements cyclically along ``axis`` (over the flattened tensor by default);
    PyTorch's positional ``roll(x, shifts, dims)`` works too.

    >>> import autodiff as ad
    >>> ad.roll(ad.arange(4), 1)
    tensor([3, 0, 1, 2])
    """
    shift = pick("roll", "shift", shift, "shifts", shifts, None)
    axis = pick("roll", "axis", axis, "dims", _dims if dims is None else dims, None)
    if shift is None:
        raise TypeError("roll: missing the shift argument")
    many = not isinstance(shift, int)
    amounts = tuple(operator.index(item) for item in (shift if many else (shift,)))
    if axis is None or x.ndim == 0:
        if axis is not None:
            normalize_axes("roll", axis, 0)
        if len(amounts) != 1:
            raise ValueError(f"roll: expected one shift without an axis, got {shift!r}")
        return _roll(x, shift=amounts[0], axis=None)
    axes = axis_list("roll", axis, x.ndim)
    if not many:
        amounts = amounts * len(axes)
    if len(amounts) != len(axes):
        raise ValueError(f"roll: expected as many shifts as axes, got shift={shift!r} and "
                         f"axis={axis!r}")
    return _roll(x, shift=amounts, axis=axes)


def moveaxis(x: Tensor, source: Any, destination: Any, /) -> Tensor:
    """Move axes to new positions, the others keeping their order (``torch.movedim``).

    >>> import autodiff as ad
    >>> ad.moveaxis(ad.ones(2, 3, 4), 0, -1).shape
    (3, 4, 2)
    """
    src = axis_list("moveaxis", source, x.ndim)
    dst = axis_list("moveaxis", destination, x.ndim)
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: expected as many destinations as sources, got "
                         f"{source!r} and {destination!r}")
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError(f"moveaxis: repeated axis in {source!r} or {destination!r}")
    order = [axis for axis in range(x.ndim) if axis not in src]
    for position, axis in sorted(zip(dst, src, strict=True)):
        order.insert(position, axis)
    return _permute_dims(x, axes=tuple(order))


def broadcast_shapes(*shapes: Any) -> tuple[int, ...]:
    """The shape that tensors of ``shapes`` broadcast to.

    >>> import autodiff as ad
    >>> ad.broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    result: list[int] = []
    for shape in shapes:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        padded = [1] * (len(shape) - len(result)) + result
        for index, extent in enumerate(shape[::-1], 1):
            have = padded[-index]
            if have != extent and 1 not in (have, extent):
                raise ValueError(f"broadcast: shapes {tuple(result)} and {shape} are not "
                                 "broadcastable")
            padded[-index] = extent if have == 1 else have
        result = padded
    return tuple(result)


def broadcast_arrays(*arrays: Tensor) -> tuple[Tensor, ...]:
    """Broadcast tensors against each other (``torch.broadcast_tensors``).

    >>> import autodiff as ad
    >>> [t.shape for t in ad.broadcast_arrays(ad.ones(2, 1), ad.ones(3))]
    [(2, 3), (2, 3)]
    """
    if len(arrays) == 1 and isinstance(arrays[0], (list, tuple)):
        arrays = tuple(arrays[0])
    shape = broadcast_shapes(*(array.shape for array in arrays))
    # a tuple, as the 2025.12 standard and PyTorch (2024.12 said a list)
    return tuple(broadcast_to(array, shape) for array in arrays)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim`` to ``end_dim`` into one (PyTorch's ``flatten``).

    >>> import autodiff as ad
    >>> ad.flatten(ad.ones(2, 3, 4), 1).shape
    (2, 12)
    """
    if x.ndim <= 1:
        return x if x.ndim else _reshape(x, shape=(1,), source=x.shape)
    start, end = one_axis("flatten", start_dim, x.ndim), one_axis("flatten", end_dim, x.ndim)
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    merged = 1
    for extent in x.shape[start:end + 1]:
        merged *= extent
    shape = x.shape[:start] + (merged,) + x.shape[end + 1:]
    return _reshape(x, shape=shape, source=x.shape)


movedim = moveaxis
broadcast_tensors = broadcast_arrays

#: PyTorch's method spellings
METHODS: dict[str, Any] = {
    "squeeze": _squeeze_method,
    "flip": lambda self, *dims: flip(self, axis=_sizes(dims)),
    "roll": lambda self, shifts, dims=None: roll(self, shifts, axis=dims),
}


def _sizes(args: tuple[Any, ...]) -> Any:
    """``f(0, 1)`` or ``f((0, 1))`` as one tuple."""
    return tuple(args[0]) if len(args) == 1 and not isinstance(args[0], int) else args


def restore_axes(xp: Any, g: Any, axes: tuple[int, ...] | None, keepdims: bool) -> Any:
    """Put back, as size-one dimensions, the axes a reduction removed (for rules: ``g``
    is a backend array or a tensor, as ``xp`` is a backend's namespace or autodiff's)."""
    if keepdims or axes is None:
        return g
    return xp.reshape(g, _restored_shape(g.shape, axes))


def _restored_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    restored = list(shape)
    for axis in axes:
        restored.insert(axis, 1)
    return tuple(restored)
