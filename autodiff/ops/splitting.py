"""PyTorch's slicing family: ``clone``, ``chunk``, ``split`` (a Tensor method: sizes, not
numpy's section count), ``tensor_split``, ``split_with_sizes``, ``hsplit``/``vsplit``/
``dsplit``, ``narrow``, ``select``, and the out-of-place writes ``select_scatter``,
``slice_scatter`` and ``diagonal_scatter``.

The pieces are basic-index views of the input (``x[a:b]``), so their gradients are
the usual slice gradients and a write into a piece shows in the input, as in PyTorch.
The scatters are ``index_put`` with a slice key (a plain ``__setitem__`` on every
backend), and ``diagonal_scatter`` an overwrite at the diagonal's flat positions.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

from .. import _mode
from .._primitive import Op, primitive
from .._tensor import Tensor
from .datatypes import astype
from .gather_scatter import _dim, _overwrite, _strides
from .indexing import getitem
from .indexing_put import index_put as _index_put

__all__ = ["chunk", "clone", "dsplit", "hsplit", "narrow", "select", "select_scatter",
           "slice_scatter", "split_with_sizes", "tensor_split", "vsplit",
           "diagonal_scatter"]


# A primitive of its own only for PyTorch's node name (CloneBackward0): its rules are
# the identity's.
_clone: Op = primitive(
    "clone", torch_name="Clone",
    forward=lambda xp, x: xp.asarray(x, copy=True),
    vjp=lambda xp, g, _ans, _x: g,
    jvp="linear",
    namespace="autodiff.Tensor",
)


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy of ``input`` that stays in the graph (``memory_format`` is accepted and
    has no effect: backends here have one layout).

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 2.0], requires_grad=True)
    >>> y = x.clone(); y.sum().backward(); x.grad
    tensor([1., 1.])
    """
    return _clone(input)


def _piece(x: Tensor, dim: int, start: int, stop: int) -> Tensor:
    return getitem(x, (slice(None),) * dim + (slice(start, stop),))


def _pieces(x: Tensor, dim: int, bounds: Sequence[int]) -> tuple[Tensor, ...]:
    edges = [0, *bounds, x.shape[dim]]
    return tuple(_piece(x, dim, a, max(a, b)) for a, b in zip(edges, edges[1:], strict=False))


def _need_dims(op: str, x: Tensor) -> None:
    if x.ndim == 0:
        raise RuntimeError(f"{op}: expected a tensor with at least one dimension, got 0-d")


def split_with_sizes(input: Tensor, split_sizes: Sequence[int], dim: int = 0
                     ) -> tuple[Tensor, ...]:
    """``input`` cut along ``dim`` into pieces of ``split_sizes`` (which must add up).

    >>> import autodiff as ad
    >>> [p.tolist() for p in ad.split_with_sizes(ad.arange(5), [2, 3])]
    [[0, 1], [2, 3, 4]]
    """
    _need_dims("split_with_sizes", input)
    dim = _dim("split_with_sizes", dim, input.ndim)
    sizes = [operator.index(size) for size in split_sizes]
    if any(size < 0 for size in sizes) or sum(sizes) != input.shape[dim]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to "
                           f"{input.shape[dim]} (input tensor's size at dimension {dim}), "
                           f"but got split_sizes={sizes}")
    bounds = [sum(sizes[:k + 1]) for k in range(len(sizes))]
    return tuple(_piece(input, dim, a, b) for a, b in zip([0, *bounds], bounds, strict=False))


def split(input: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """PyTorch's ``split``: pieces of ``split_size_or_sections`` elements along ``dim``
    (the last one smaller), or of the listed sizes. A Tensor method only: numpy's
    ``split(x, 3)`` means three sections, PyTorch's means pieces of three.

    >>> import autodiff as ad
    >>> [p.tolist() for p in ad.arange(5).split(2)]
    [[0, 1], [2, 3], [4]]
    """
    if not isinstance(split_size_or_sections, int):
        return split_with_sizes(input, split_size_or_sections, dim)
    _need_dims("split", input)
    dim = _dim("split", dim, input.ndim)
    size, extent = split_size_or_sections, input.shape[dim]
    if size < 0 or (size == 0 and extent):
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                           f"dimension size of {extent}" if size == 0 else
                           f"split expects split_size be non-negative, but got "
                           f"split_size={size}")
    if extent == 0:
        return (input,)
    return tuple(_piece(input, dim, a, min(a + size, extent)) for a in range(0, extent, size))


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``input`` cut into at most ``chunks`` pieces of equal size along ``dim`` (the
    last one smaller).

    >>> import autodiff as ad
    >>> [p.tolist() for p in ad.arange(5).chunk(3)]
    [[0, 1], [2, 3], [4]]
    """
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    _need_dims("chunk", input)
    dim = _dim("chunk", dim, input.ndim)
    return split(input, max(1, math.ceil(input.shape[dim] / chunks)), dim)


def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0
                 ) -> tuple[Tensor, ...]:
    """``input`` cut into ``n`` nearly equal pieces (the first ``size % n`` one longer),
    or at the listed indices, along ``dim``.

    >>> import autodiff as ad
    >>> [p.tolist() for p in ad.tensor_split(ad.arange(7), 3)]
    [[0, 1, 2], [3, 4], [5, 6]]
    >>> [p.tolist() for p in ad.tensor_split(ad.arange(7), [1, 5])]
    [[0], [1, 2, 3, 4], [5, 6]]
    """
    _need_dims("tensor_split", input)
    dim = _dim("tensor_split", dim, input.ndim)
    spec = indices_or_sections
    if isinstance(spec, Tensor):
        if spec.ndim > 1 or spec.dtype.name != "int64":
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a "
                               "zero-dimensional or one-dimensional tensor, but got a "
                               f"tensor with {spec.ndim} dims" if spec.ndim > 1 else
                               "tensor_split expected tensor_indices_or_sections to have "
                               "dtype of long, but got " + spec.dtype.name)
        spec = int(spec.item()) if spec.ndim == 0 else [int(v) for v in spec.tolist()]
    extent = input.shape[dim]
    if isinstance(spec, int):
        if spec <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {spec}")
        base, extra = divmod(extent, spec)
        bounds = [k * base + min(k, extra) for k in range(1, spec)]
    else:
        bounds = [operator.index(v) for v in spec]
        bounds = [min(max(b + extent if b < 0 else b, 0), extent) for b in bounds]
    edges = [0, *bounds, extent]
    return tuple(_piece(input, dim, a, max(a, b)) for a, b in zip(edges, edges[1:],
                                                                  strict=False))


def _directional(op: str, input: Tensor, spec: Any, dim: int, least: int) -> tuple[Tensor, ...]:
    if input.ndim < least:
        raise RuntimeError(f"torch.{op} requires a tensor with at least {least} dimension, "
                           f"but got a tensor with {input.ndim} dimensions!")
    if isinstance(spec, int) and (spec == 0 or input.shape[dim] % spec):
        raise RuntimeError(f"torch.{op} attempted to split along dimension {dim}, but the "
                           f"size of the dimension {input.shape[dim]} is not divisible by "
                           f"the split_size {spec}!")
    return tensor_split(input, spec, dim)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along the columns (dim 1; dim 0 of a vector), equal sections.

    >>> import autodiff as ad
    >>> [p.shape for p in ad.ones(2, 4).hsplit(2)]
    [(2, 2), (2, 2)]
    """
    dim = 0 if input.ndim == 1 else 1
    return _directional("hsplit", input, indices_or_sections, dim, 1)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along the rows (dim 0) of a tensor of 2 or more dimensions.

    >>> import autodiff as ad
    >>> [p.shape for p in ad.ones(4, 2).vsplit([1])]
    [(1, 2), (3, 2)]
    """
    return _directional("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along the depth (dim 2) of a tensor of 3 or more dimensions.

    >>> import autodiff as ad
    >>> [p.shape for p in ad.ones(1, 1, 4).dsplit(2)]
    [(1, 1, 2), (1, 1, 2)]
    """
    return _directional("dsplit", input, indices_or_sections, 2, 3)


def narrow(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """The view ``input[..., start:start + length, ...]`` along ``dim``.

    >>> import autodiff as ad
    >>> ad.arange(6).reshape(2, 3).narrow(1, 1, 2)
    tensor([[1, 2],
            [4, 5]])
    """
    _need_dims("narrow", input)
    dim = _dim("narrow", dim, input.ndim)
    start = int(start.item()) if isinstance(start, Tensor) else operator.index(start)
    extent = input.shape[dim]
    if not -extent <= start <= extent:
        raise IndexError(f"start out of range (expected to be in range of [{-extent}, "
                         f"{extent}], but got {start})")
    start = start + extent if start < 0 else start
    if length < 0 or start + length > extent:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({extent}).")
    return _piece(input, dim, start, start + length)


def _select_key(op: str, input: Tensor, dim: int, index: int) -> tuple[Any, ...]:
    if input.ndim == 0:
        raise IndexError(f"{op}() cannot be applied to a 0-dim tensor.")
    dim = _dim(op, dim, input.ndim)
    index = operator.index(index)
    extent = input.shape[dim]
    if not -extent <= index < extent:
        raise IndexError(f"{op}(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    return (slice(None),) * dim + (index % extent, Ellipsis)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The view ``input[..., index, ...]`` with ``dim`` removed.

    >>> import autodiff as ad
    >>> ad.arange(6).reshape(2, 3).select(1, -1)
    tensor([2, 5])
    """
    return getitem(input, _select_key("select", input, dim, index))


def _written(op: str, input: Tensor, src: Tensor, key: tuple[Any, ...]) -> Tensor:
    want = tuple(getitem(input.detach(), key).shape)
    if not isinstance(src, Tensor) or tuple(src.shape) != want:
        raise RuntimeError(f"{op}(): expected src to have a size equal to the slice of "
                           f"self. src size = {list(getattr(src, 'shape', ()))}, slice "
                           f"size = {list(want)}")
    if src.dtype != input.dtype:
        src = astype(src, input.dtype)
    return _index_put(input, src, key=key)


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """``input`` with ``src`` written at ``input.select(dim, index)``, out of place.

    >>> import autodiff as ad
    >>> ad.zeros(2, 2).select_scatter(ad.ones(2), 0, 0)
    tensor([[1., 1.],
            [0., 0.]])
    """
    return _written("select_scatter", input, src,
                    _select_key("select_scatter", input, dim, index))


def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start: int | None = None,
                  end: int | None = None, step: int = 1) -> Tensor:
    """``input`` with ``src`` written at ``input[..., start:end:step, ...]`` along ``dim``.

    >>> import autodiff as ad
    >>> ad.zeros(4).slice_scatter(ad.ones(2), start=0, step=2)
    tensor([1., 0., 1., 0.])
    """
    _need_dims("slice_scatter", input)
    dim = _dim("slice_scatter", dim, input.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    key = (slice(None),) * dim + (slice(start, end, step), Ellipsis)
    return _written("slice_scatter", input, src, key)


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:
    """``input`` with ``src`` written on its diagonal (``torch.diagonal``'s layout: the
    other axes first, the diagonal last).

    >>> import autodiff as ad
    >>> ad.zeros(2, 3).diagonal_scatter(ad.tensor([1.0, 2.0]), 1)
    tensor([[0., 1., 0.],
            [0., 0., 2.]])
    """
    if input.ndim < 2:
        raise RuntimeError(f"diagonal_scatter(): expected a tensor of at least 2 "
                           f"dimensions, got {input.ndim}")
    a, b = _dim("diagonal_scatter", dim1, input.ndim), _dim("diagonal_scatter", dim2,
                                                               input.ndim)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    shape = tuple(input.shape)
    rows, cols = max(0, -offset), max(0, offset)
    length = max(0, min(shape[a] - rows, shape[b] - cols))
    rest = [k for k in range(input.ndim) if k not in (a, b)]
    want = tuple(shape[k] for k in rest) + (length,)
    if not isinstance(src, Tensor) or tuple(src.shape) != want:
        raise RuntimeError(f"diagonal_scatter(): expected src to have a size equal to the "
                           f"diagonal of self. src size = {list(getattr(src, 'shape', ()))}"
                           f", diagonal size = {list(want)}")
    xp, strides = input._backend.xp, _strides(shape)
    steps = xp.arange(length, dtype=xp.int64)
    base = xp.reshape(steps * (strides[a] + strides[b]) + rows * strides[a]
                      + cols * strides[b], (1,) * len(rest) + (length,))
    targets = base
    for pos, k in enumerate(rest):  # the other axes, in input's numbering
        ramp = xp.arange(shape[k], dtype=xp.int64) * strides[k]
        targets = targets + xp.reshape(ramp, tuple(shape[k] if i == pos else 1
                                                   for i in range(len(want))))
    # the positions follow from the shapes alone: a constant of a compiled step
    return _overwrite(input, _mode.from_data(targets), src)


#: PyTorch's method spelling of ``split`` (not in the namespace, see its docstring)
METHODS: dict[str, Any] = {"split": split}
