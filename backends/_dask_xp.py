"""The dask backend's namespace: ``array_api_compat.dask.array`` with the standard
functions it lacks filled in from dask's own ops, so that they stay lazy (no compute).

Only imported by ``DaskBackend.namespace`` (importing ``backends`` never imports dask).
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np


def _take_along_axis(x: Any, indices: Any, /, *, axis: int = -1) -> Any:
    """``take_along_axis`` of the standard (as ``numpy.take_along_axis``), lazily: the
    two arrays are broadcast against each other except along ``axis``, given the index
    array's chunks there, with ``axis`` in one chunk (an index may point anywhere along
    it), and each block is taken by numpy.

    >>> import dask.array as da
    >>> x = da.from_array(np.array([[3, 1, 2], [6, 5, 4]]), chunks=1)
    >>> order = da.from_array(np.array([[1, 2, 0], [2, 1, 0]]))
    >>> _take_along_axis(x, order, axis=1).compute()
    array([[1, 2, 3],
           [4, 5, 6]])
    """
    import dask.array as da

    if x.ndim != indices.ndim:
        raise ValueError(f"take_along_axis: expected an index array with the array's "
                         f"{x.ndim} dimensions, got {indices.ndim}")
    if x.ndim == 0:
        raise ValueError("take_along_axis: expected an array of at least one dimension, "
                         "got a 0-d array")
    axis = axis + x.ndim if axis < 0 else axis
    if not 0 <= axis < x.ndim:
        raise ValueError(f"take_along_axis: axis {axis} is out of range for an array "
                         f"of {x.ndim} dimensions")
    # the shape both take outside ``axis``; along it, each keeps its own length
    outer = np.broadcast_shapes(
        tuple(1 if d == axis else n for d, n in enumerate(x.shape)),
        tuple(1 if d == axis else n for d, n in enumerate(indices.shape)))
    x = da.broadcast_to(x, tuple(x.shape[d] if d == axis else n
                                 for d, n in enumerate(outer)))
    indices = da.broadcast_to(indices, tuple(indices.shape[d] if d == axis else n
                                             for d, n in enumerate(outer)))
    indices = indices.rechunk({axis: -1})
    x = x.rechunk({d: -1 if d == axis else indices.chunks[d] for d in range(x.ndim)})
    return da.map_blocks(np.take_along_axis, x, indices, axis=axis, dtype=x.dtype,
                         chunks=indices.chunks, meta=np.empty((0,) * x.ndim, x.dtype))


def _searchsorted(x1: Any, x2: Any, /, *, side: str = "left", sorter: Any = None) -> Any:
    """``searchsorted``, a 0-d ``x2`` and a ``sorter`` included (dask's own writes into
    its 0-d result, and takes no sorter)."""
    import dask.array as da

    if sorter is not None:
        x1 = da.take(x1, sorter, axis=0)
    if getattr(x2, "ndim", 1) != 0:
        return da.searchsorted(x1, x2, side=side)
    return da.searchsorted(x1, x2[None], side=side)[0]


def _broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """``broadcast_shapes`` of the standard (shapes are plain tuples: nothing to defer)."""
    return tuple(np.broadcast_shapes(*shapes))


def _compat() -> Any:
    import array_api_compat.dask.array as compat

    return compat


def _reshape(x: Any, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Any:
    """``reshape``, for any shape: dask reshapes only by merging or splitting axes
    along its chunks, so another reshape first puts the array in one chunk."""
    compat = _compat()

    try:
        return compat.reshape(x, shape, copy=copy)
    except NotImplementedError:
        return compat.reshape(x.rechunk(-1), shape, copy=copy)


def _concat(arrays: Any, /, *, axis: int | None = 0) -> Any:
    """``concat``, in one chunk along ``axis`` where each input is: dask keeps a chunk
    boundary at every joint, and a scan that shifts an array by concatenating and
    slicing (``scatter_reduce``'s segmented product) would double its blocks at each
    step, to one an element.

    >>> import dask.array as da
    >>> _concat([da.zeros(2), da.ones(3)]).numblocks
    (1,)
    """
    out = _compat().concat(arrays, axis=axis)
    if axis is None or out.ndim == 0:
        return out
    axis %= out.ndim
    if (out.numblocks[axis] > 1 and not any(np.isnan(out.chunks[axis]))
            and all(array.numblocks[axis] == 1 for array in arrays)):
        out = out.rechunk({axis: -1})
    return out


def _fft_module() -> types.ModuleType:
    """array-api-compat's dask ``fft``, with each transform given its axes in one
    chunk (dask transforms an axis only when it is whole in a block)."""
    compat = _compat()

    module = types.ModuleType("autodiff_dask_fft", "dask's fft, any chunks")
    module.__dict__.update({name: value for name, value in vars(compat.fft).items()
                            if not name.startswith("__")})

    def whole(transform: Any, nd: bool) -> Any:
        def call(x: Any, /, *args: Any, **kwargs: Any) -> Any:
            # (x, n, axis, norm) or (x, s, axes, norm), positional or by keyword
            if nd:
                size = args[0] if args else kwargs.get("s")
                axes = args[1] if len(args) > 1 else kwargs.get("axes")
                if axes is None:
                    axes = range(x.ndim) if size is None else range(-len(size), 0)
            else:
                axes = (args[1] if len(args) > 1 else kwargs.get("axis", -1),)
            return transform(x.rechunk({axis % x.ndim: -1 for axis in axes}),
                             *args, **kwargs)

        call.__name__ = call.__qualname__ = transform.__name__
        call.__doc__ = transform.__doc__
        return call

    for name in ("fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn",
                 "hfft", "ihfft"):
        module.__dict__[name] = whole(getattr(compat.fft, name), name.endswith("n"))
    return module


def _eye(n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: Any = None,
         device: Any = None) -> Any:
    """``eye``, lazily, as a comparison of two ramps (dask's own builds a graph with a
    missing block for a non-square matrix with an offset ``k``).

    >>> _eye(2, 3, k=1).compute()
    array([[0., 1., 0.],
           [0., 0., 1.]])
    """
    import dask.array as da

    n_cols = n_rows if n_cols is None else n_cols
    rows = da.arange(n_rows, dtype=np.int64)[:, None] + k
    return (rows == da.arange(n_cols, dtype=np.int64)[None, :]).astype(
        np.float64 if dtype is None else dtype)


def namespace() -> types.ModuleType:
    """array-api-compat's dask namespace, with the functions above added: a module
    holding array-api-compat's names (so that ``dir`` lists them), and whose reads of
    any other name (loaded later) fall through to it (PEP 562).

    >>> import array_api_compat.dask.array as compat
    >>> xp = namespace()
    >>> xp.take_along_axis is _take_along_axis, xp.sum is compat.sum
    (True, True)
    """
    import array_api_compat.dask.array as compat

    from . import _dask_linalg

    module = types.ModuleType(
        "autodiff_dask_namespace",
        "array_api_compat.dask.array with the standard's functions dask lacks")
    module.__dict__.update({name: value for name, value in vars(compat).items()
                            if not name.startswith("__")})
    module.__dict__.update(
        __getattr__=lambda name: getattr(compat, name),
        take_along_axis=_take_along_axis,
        broadcast_shapes=_broadcast_shapes,
        searchsorted=_searchsorted,
        reshape=_reshape,
        concat=_concat,
        eye=_eye,
        fft=_fft_module(),
        linalg=_dask_linalg.namespace(),
    )
    return module


_STATIC = (int, slice, type(None), type(Ellipsis))
_SLOT = object()  # where an index array goes back into the index (None is newaxis)


def _add_at(target: np.ndarray, values: np.ndarray, *arrays: np.ndarray,
            layout: tuple[Any, ...]) -> np.ndarray:
    """One block's scatter-add: a copy of ``target`` (a block is never written)."""
    given = iter(arrays)
    index = tuple(next(given) if part is _SLOT else part for part in layout)
    result = np.array(target, copy=True)
    np.add.at(result, index, values)
    return result


def _taken_axis(layout: tuple[Any, ...], ndim: int) -> int | None:
    """The axis of an index that is one integer array after full slices (and an
    optional trailing ``...``, the engine's ``take``), else None."""
    for axis, part in enumerate(layout):
        if part is _SLOT:
            rest = layout[axis + 1:]
            full = all(p == slice(None) or p is Ellipsis for p in rest)
            return axis if axis < ndim and full else None
        if part != slice(None):
            return None
    return None


def scatter_add(target: Any, index: Any, values: Any) -> Any:
    """``target`` with ``values`` added at ``index`` as a dask graph (see
    ``DaskBackend.scatter_add``): the indexed axes of the target in one chunk, the
    others keep their chunks where the index is one ``take`` along an axis."""
    import dask.array as da

    parts = index if isinstance(index, tuple) else (index,)
    layout = tuple(part if isinstance(part, _STATIC) else _SLOT for part in parts)
    arrays = [da.asarray(np.asarray(part) if isinstance(part, list) else part).rechunk(-1)
              for part in parts if not isinstance(part, _STATIC)]
    if not isinstance(index, tuple) and arrays:
        layout = (_SLOT,)  # x[array], not x[(array,)]: the same in numpy 2
    meta = np.empty((0,) * target.ndim, dtype=target.dtype)
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    out = "".join(next(letters) for _ in range(target.ndim))
    axis = _taken_axis(layout, target.ndim)
    if (axis is not None and len(arrays) == 1 and arrays[0].ndim == 1
            and values.ndim == target.ndim):
        # x[..., idx, ...]'s transpose: only the taken axis must be whole in a block
        target = target.rechunk({axis: -1})
        values = values.rechunk({d: -1 if d == axis else target.chunks[d]
                                 for d in range(target.ndim)})
        taken = next(letters)
        along = out[:axis] + taken + out[axis + 1:]
        return da.blockwise(_add_at, out, target, out, values, along, arrays[0], taken,
                            layout=layout, dtype=target.dtype, concatenate=True, meta=meta)
    # any other index: one block (an index array may point anywhere)
    pairs: list[Any] = [target.rechunk(-1), out]
    for array in (values, *arrays):
        pairs += [array.rechunk(-1), "".join(next(letters) for _ in range(array.ndim))]
    return da.blockwise(_add_at, out, *pairs, layout=layout, dtype=target.dtype,
                        concatenate=True, meta=meta)
