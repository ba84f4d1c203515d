"""``index_put``: ``x`` with ``value`` written at ``key``, out of place; the op behind
``x[key] = value`` (see ``inplace.py``). Its gradient is the cotangent with zeros at
``key`` for ``x``, and the cotangent at ``key`` for ``value``."""

from __future__ import annotations

from typing import Any

from .._primitive import Op, primitive
from .indexing import Take

__all__: list[str] = []


def _put_forward(xp: Any, x: Any, value: Any, key: Any) -> Any:
    out = xp.asarray(x, copy=True)
    if isinstance(key, Take):
        key = (slice(None),) * key.axis + (key.indices, Ellipsis)
    if hasattr(value, "dtype") and value.dtype != x.dtype:
        value = xp.astype(value, x.dtype)
    try:
        out[key] = value
    except (TypeError, ValueError, IndexError) as error:
        raise type(error)(f"setitem: cannot write a value of shape "
                          f"{getattr(value, 'shape', ())} at this index of a tensor of shape "
                          f"{tuple(x.shape)}: {error}") from None
    return out


index_put: Op = primitive(
    "index_put", torch_name=lambda *args, **params: "CopySlices",
    forward=_put_forward,
    vjp=(lambda xp, g, _ans, _x, _value, key: xp.prim.index_put(g, 0.0, key=key),
         lambda xp, g, _ans, _x, _value, key: xp.prim.getitem(g, key=key, shape=g.shape)),
    jvp="linear",
    namespace="autodiff.Tensor",
)
