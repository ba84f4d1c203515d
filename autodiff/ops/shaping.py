"""PyTorch's shape helpers: diag, diagflat, fliplr/flipud/rot90, the ``*_as`` methods,
unflatten, ravel, atleast_nd, the stacks, block_diag, cartesian_prod, combinations,
tril/triu_indices, logspace.

All composites of the view, joining and indexing primitives; the index helpers
(tril_indices, combinations) build integer index tensors on the host once.
"""

from __future__ import annotations

import itertools
import math
import operator
from typing import Any

from .. import _dtypes
from .._tensor import Tensor
from .creation import asarray, full, linspace, zeros
from .elementwise import pow as _pow
from .indexing import getitem
from .joining import concat, stack
from .linalg_diag import _torch_diagonal, diag_embed
from .manipulation import flip, reshape, transpose
from .transfer import placement

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "cartesian_prod",
           "column_stack", "combinations", "diag", "diagflat", "dstack", "fliplr", "flipud",
           "hstack", "logspace", "ravel", "rot90", "row_stack", "tril_indices",
           "triu_indices", "unflatten", "vstack"]
#: PyTorch has no Tensor method for these
NOT_METHODS = ("atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "cartesian_prod",
               "column_stack", "combinations", "dstack", "hstack", "logspace", "row_stack",
               "tril_indices", "triu_indices", "vstack")


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D tensor onto the ``diagonal``-th diagonal of a square matrix, or the
    ``diagonal``-th diagonal of a 2-D tensor.

    >>> import autodiff as ad
    >>> ad.diag(ad.tensor([1.0, 2.0]), 1)
    tensor([[0., 1., 0.],
            [0., 0., 2.],
            [0., 0., 0.]])
    >>> ad.diag(ad.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([1., 4.])
    """
    if input.ndim == 1:
        return diag_embed(input, int(diagonal))
    if input.ndim == 2:
        return _torch_diagonal(input, int(diagonal))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """The flattened input on the ``offset``-th diagonal of a square matrix.

    >>> import autodiff as ad
    >>> ad.diagflat(ad.tensor([[1.0, 2.0]])).shape
    (2, 2)
    """
    return diag_embed(reshape(input, (-1,)), int(offset))


def fliplr(input: Tensor) -> Tensor:
    """Reverse the columns (axis 1).

    >>> import autodiff as ad
    >>> ad.fliplr(ad.tensor([[1, 2], [3, 4]]))
    tensor([[2, 1],
            [4, 3]])
    """
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, axis=1)


def flipud(input: Tensor) -> Tensor:
    """Reverse the rows (axis 0).

    >>> import autodiff as ad
    >>> ad.flipud(ad.tensor([1, 2, 3]))
    tensor([3, 2, 1])
    """
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, axis=0)


def rot90(input: Tensor, k: int = 1, dims: Any = (0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``, from the first axis
    towards the second.

    >>> import autodiff as ad
    >>> ad.rot90(ad.tensor([[1, 2], [3, 4]]))
    tensor([[2, 4],
            [1, 3]])
    """
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = dims[0] % input.ndim, dims[1] % input.ndim
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} "
                           f"and dim1 = {dims[1]}")
    k = operator.index(k) % 4
    if k == 1:
        return transpose(flip(input, axis=d1), d0, d1)
    if k == 2:
        return flip(input, axis=(d0, d1))
    if k == 3:
        return flip(transpose(input, d0, d1), axis=d1)
    return input


def ravel(input: Tensor) -> Tensor:
    """The tensor as 1-D.

    >>> import autodiff as ad
    >>> ad.ravel(ad.ones(2, 3)).shape
    (6,)
    """
    return reshape(input, (-1,))


def unflatten(input: Tensor, dim: int, sizes: Any) -> Tensor:
    """Split axis ``dim`` into ``sizes`` (one of them may be -1).

    >>> import autodiff as ad
    >>> ad.unflatten(ad.ones(2, 6), 1, (2, 3)).shape
    (2, 2, 3)
    """
    sizes = tuple(operator.index(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    axis = operator.index(dim) % max(input.ndim, 1)
    known = math.prod(s for s in sizes if s != -1)
    length = input.shape[axis]
    if (-1 not in sizes and known != length) or (-1 in sizes and (
            known == 0 or length % known)):
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({length}) in the input tensor")
    return reshape(input, input.shape[:axis] + sizes + input.shape[axis + 1:])


def _atleast(op: str, tensors: tuple[Any, ...], shape: Any) -> Any:
    many = len(tensors) != 1 or isinstance(tensors[0], (list, tuple))
    items = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) \
        else tensors
    out = tuple(reshape(t, shape(t.shape)) if t.ndim < len(shape(())) else t for t in items)
    return out if many else out[0]


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least one axis.

    >>> import autodiff as ad
    >>> ad.atleast_1d(ad.tensor(1.0))
    tensor([1.])
    """
    return _atleast("atleast_1d", tensors, lambda s: s if s else (1,))


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least two axes (a vector becomes a row).

    >>> import autodiff as ad
    >>> ad.atleast_2d(ad.ones(3)).shape
    (1, 3)
    """
    return _atleast("atleast_2d", tensors, lambda s: (1,) * (2 - len(s)) + tuple(s))


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least three axes (numpy's placement: (n,) -> (1, n, 1),
    (m, n) -> (m, n, 1)).

    >>> import autodiff as ad
    >>> ad.atleast_3d(ad.ones(2, 3)).shape
    (2, 3, 1)
    """
    def shape(s: tuple[int, ...]) -> tuple[int, ...]:
        if len(s) == 0:
            return (1, 1, 1)
        if len(s) == 1:
            return (1, s[0], 1)
        return (*s, 1) if len(s) == 2 else tuple(s)

    return _atleast("atleast_3d", tensors, shape)


def _seq(op: str, tensors: Any) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}(): argument 'tensors' must be a tuple or list of Tensors, got "
                        f"{type(tensors).__name__}")
    if not tensors:
        raise RuntimeError(f"{op} expects a non-empty TensorList")
    return list(tensors)


def hstack(tensors: Any) -> Tensor:
    """Join along axis 1 (axis 0 for 1-D tensors).

    >>> import autodiff as ad
    >>> ad.hstack([ad.ones(2), ad.zeros(1)])
    tensor([1., 1., 0.])
    """
    items = atleast_1d(_seq("hstack", tensors))
    return concat(items, axis=0 if items[0].ndim == 1 else 1)


def vstack(tensors: Any) -> Tensor:
    """Join along axis 0, 1-D tensors as rows.

    >>> import autodiff as ad
    >>> ad.vstack([ad.ones(2), ad.zeros(2)]).shape
    (2, 2)
    """
    return concat(atleast_2d(_seq("vstack", tensors)), axis=0)


row_stack = vstack


def dstack(tensors: Any) -> Tensor:
    """Join along axis 2, after ``atleast_3d``.

    >>> import autodiff as ad
    >>> ad.dstack([ad.ones(2), ad.zeros(2)]).shape
    (1, 2, 2)
    """
    return concat(atleast_3d(_seq("dstack", tensors)), axis=2)


def column_stack(tensors: Any) -> Tensor:
    """Join as columns: 0-d and 1-D tensors become columns, the rest join along axis 1.

    >>> import autodiff as ad
    >>> ad.column_stack([ad.ones(2), ad.zeros(2, 2)]).shape
    (2, 3)
    """
    items = [reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t
             for t in _seq("column_stack", tensors)]
    return concat(items, axis=1)


def block_diag(*tensors: Tensor) -> Tensor:
    """A block-diagonal matrix of the inputs (0-d and 1-D inputs count as one row).

    >>> import autodiff as ad
    >>> ad.block_diag(ad.ones(1, 2), ad.tensor(3.0))
    tensor([[1., 1., 0.],
            [0., 0., 3.]])
    """
    blocks = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {t.ndim} dimensions")
        blocks.append(reshape(t, (1, -1) if t.ndim < 2 else t.shape))
    if not blocks:
        return zeros((1, 0))
    from .datatypes import result_type

    dtype = result_type(*blocks)
    cols = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        right = cols - left - b.shape[1]
        parts = [zeros((b.shape[0], left), dtype=dtype, backend=b._backend), b.astype(dtype),
                 zeros((b.shape[0], right), dtype=dtype, backend=b._backend)]
        rows.append(concat(parts, axis=1))
        left += b.shape[1]
    return concat(rows, axis=0)


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one element from each 1-D tensor, as rows (a single input is
    returned as it is).

    >>> import autodiff as ad
    >>> ad.cartesian_prod(ad.tensor([1, 2]), ad.tensor([3, 4]))
    tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    from .grids import meshgrid

    grids = meshgrid(*tensors, indexing="ij")
    return stack([reshape(g, (-1,)) for g in grids], axis=1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """Length-``r`` combinations of a 1-D tensor's elements, as rows (itertools' order).

    >>> import autodiff as ad
    >>> ad.combinations(ad.tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return zeros((0,), dtype=input.dtype, backend=input._backend)
    pick_ = itertools.combinations_with_replacement if with_replacement \
        else itertools.combinations
    rows = list(pick_(range(input.shape[0]), r))
    if not rows:
        return zeros((0, r), dtype=input.dtype, backend=input._backend)
    index = asarray(rows, dtype="int64", backend=input._backend)
    return getitem(input, index)


def _tri_indices(op: str, row: int, col: int, offset: int, upper: bool, dtype: Any,
                 device: Any, backend: Any) -> Tensor:
    pairs = [(i, j) for i in range(row) for j in range(col)
             if (j - i >= offset if upper else j - i <= offset)]
    owner, _, resolved = placement(dtype, device, backend, _dtypes.int64)
    values = [[p[0] for p in pairs], [p[1] for p in pairs]]
    return asarray(values, dtype=resolved, device=device, backend=owner.name)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None, backend: Any = None) -> Tensor:
    """The (row, column) indices of the lower triangle of a ``row`` x ``col`` matrix, as
    a 2 x N tensor, row by row.

    >>> import autodiff as ad
    >>> ad.tril_indices(2, 2)
    tensor([[0, 1, 1],
            [0, 0, 1]])
    """
    return _tri_indices("tril_indices", row, col, offset, False, dtype, device, backend)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None, backend: Any = None) -> Tensor:
    """The (row, column) indices of the upper triangle, as a 2 x N tensor.

    >>> import autodiff as ad
    >>> ad.triu_indices(2, 2)
    tensor([[0, 0, 1],
            [0, 1, 1]])
    """
    return _tri_indices("triu_indices", row, col, offset, True, dtype, device, backend)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None,
             device: Any = None, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """``steps`` values ``base ** e`` for ``e`` evenly spaced from ``start`` to ``end``.

    >>> import autodiff as ad
    >>> ad.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    """
    exponents = linspace(start, end, steps, dtype=dtype, device=device, backend=backend)
    result = _pow(full((), float(base), dtype=exponents.dtype, backend=exponents._backend),
                  exponents)
    return result.requires_grad_(True) if requires_grad else result
