"""``index_put``: ``x`` with ``value`` written at ``key``, out of place; the op behind
``x[key] = value`` (see ``inplace.py``). Its gradient is the cotangent with zeros at
``key`` for ``x``, and the cotangent at ``key`` for ``value``."""

from __future__ import annotations

import math
from typing import Any

from .._primitive import Op, primitive
from .indexing import Take, _index_forward

__all__: list[str] = []


def _put_forward(xp: Any, x: Any, value: Any, key: Any) -> Any:
    from .. import _backend

    owner = _backend.backend_of_namespace(xp)
    out = xp.asarray(x, copy=True)
    read = key  # the key as the reading op (getitem) takes it
    if isinstance(key, Take):
        key = (slice(None),) * key.axis + (key.indices, Ellipsis)
    if hasattr(value, "dtype") and value.dtype != x.dtype:
        value = xp.astype(value, x.dtype)
    try:
        try:
            # the backend's hook: in place by default, a new array for an immutable
            # library (JAX's ``.at[key].set``)
            return owner.setitem(out, key, value)
        except (TypeError, ValueError, IndexError):
            if not _fancy(key) and owner.mutable_arrays:
                raise
            # the standard's __setitem__ takes basic keys only (array_api_strict refuses
            # integer arrays and masks), and an immutable library none: write through
            # the positions the key reads
            return _put_by_positions(xp, out, value, read)
    except (TypeError, ValueError, IndexError) as error:
        hook = "" if owner.mutable_arrays else (
            f" (backend {owner.name!r} has immutable arrays: its Backend.setitem hook "
            "writes them)")
        raise type(error)(f"setitem: cannot write a value of shape "
                          f"{getattr(value, 'shape', ())} at this index of a tensor of shape "
                          f"{tuple(x.shape)}{hook}: {error}") from None


def _fancy(key: Any) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    return any(not isinstance(part, (int, slice, type(None), type(Ellipsis)))
               for part in parts)


def _put_by_positions(xp: Any, out: Any, value: Any, key: Any) -> Any:
    """``out[key] = value`` where ``__setitem__`` takes only basic keys: the positions
    the key selects (a fancy *read* of ``arange``, which the standard has), then a
    scatter-add of the value of the last write to each position (numpy's order)."""
    from .. import _backend

    owner = _backend.backend_of_namespace(xp)
    size = math.prod(out.shape)
    selected = _index_forward(xp, xp.reshape(xp.arange(size, dtype=xp.int64), out.shape), key)
    positions = xp.reshape(selected, (-1,))
    if positions.shape[0] == 0:
        return out
    if not hasattr(value, "shape"):
        value = xp.asarray(value, dtype=out.dtype, device=getattr(out, "device", None))
    values = xp.reshape(xp.broadcast_to(value, selected.shape), (-1,))
    order = xp.argsort(positions, stable=True)
    ranked = xp.take(positions, order)
    last = xp.concat([ranked[:-1] != ranked[1:], xp.ones((1,), dtype=xp.bool)])
    last = xp.take(last, xp.argsort(order))
    counts = owner.scatter_add(xp.zeros((size,), dtype=xp.int64), positions,
                               xp.ones(positions.shape, dtype=xp.int64))
    placed = owner.scatter_add(xp.zeros((size,), dtype=out.dtype), positions,
                               xp.where(last, values, xp.zeros((), dtype=out.dtype)))
    return xp.reshape(xp.where(counts > 0, placed, xp.reshape(out, (-1,))), out.shape)


index_put: Op = primitive(
    "index_put", torch_name=lambda *args, **params: "CopySlices",
    forward=_put_forward,
    vjp=(lambda xp, g, _ans, _x, _value, key: xp.prim.index_put(g, 0.0, key=key),
         lambda xp, g, _ans, _x, _value, key: xp.prim.getitem(g, key=key, shape=g.shape)),
    jvp="linear",
    namespace="autodiff.Tensor",
)
