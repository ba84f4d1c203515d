"""The view ops reshape, permute_dims and broadcast_to: their primitives, and the
wrappers that record their results as views (see ``autodiff._views``).

A result shares the input's memory (reshape's only where no copy was needed, as numpy
and PyTorch decide), so a write through it must reach its base's version and history:
each wrapper registers the view with the op that remakes it and the function that puts
new values of it back into its parent.
"""

from __future__ import annotations

from typing import Any

from .. import _rules, _views
from .._primitive import Op, primitive
from .._tensor import Tensor


def _inverse(axes: tuple[int, ...]) -> tuple[int, ...]:
    inverse = [0] * len(axes)
    for position, axis in enumerate(axes):
        inverse[axis] = position
    return tuple(inverse)


def _named(default: str) -> Any:
    """The node name: PyTorch names one op by the method that called it (``view``,
    ``unsqueeze``; ``permute``, ``transpose``, ``t``), passed as ``node=``."""
    return lambda *args, node=None, **params: node or default


_reshape_op: Op = primitive(
    "reshape", torch_name=_named("ViewBackward0"),
    forward=lambda xp, x, shape, source, node=None: xp.reshape(x, shape),
    vjp=lambda xp, g, _ans, _x, shape, source, node=None: xp.reshape(g, source),
    jvp="linear",
)
_permute_dims_op: Op = primitive(
    "permute_dims", torch_name=_named("PermuteBackward0"),
    forward=lambda xp, x, axes, node=None: xp.permute_dims(x, axes),
    vjp=lambda xp, g, _ans, _x, axes, node=None: xp.permute_dims(g, _inverse(axes)),
    jvp="linear",
)
# The engine reduces the cotangent to the input's shape, so the rule is the identity.
_broadcast_to_op: Op = primitive(
    "broadcast_to", torch_name="Expand",
    forward=lambda xp, x, shape: xp.broadcast_to(x, shape),
    vjp=lambda xp, g, _ans, _x, shape: g,
    jvp="linear",
)



# The view ops: their results share the input's memory (reshape's only where no copy
# was needed, as numpy and PyTorch decide), which _views records so that writes
# through a view reach its base's version and history.
def _reshape(x: Tensor, *, shape: tuple[int, ...], source: tuple[int, ...],
             **node: str) -> Tensor:
    out = _reshape_op(x, shape=shape, source=source, **node)
    if x._backend.shares_memory(out._array, x._array):
        _views.register_view(out, x, _reshape_op, {"shape": shape, "source": source, **node},
                             _put_reshaped)
    return out


def _put_reshaped(parent: Tensor, values: Tensor, *, shape: tuple[int, ...],
                  source: tuple[int, ...], **node: str) -> Tensor:
    return _put_whole(parent, _reshape_op(values, shape=source, source=shape))


def _permute_dims(x: Tensor, *, axes: tuple[int, ...], **node: str) -> Tensor:
    params = {"axes": axes, **node}
    return _views.register_view(_permute_dims_op(x, **params), x, _permute_dims_op, params,
                                _put_permuted)


def _put_permuted(parent: Tensor, values: Tensor, *, axes: tuple[int, ...],
                  **node: str) -> Tensor:
    return _put_whole(parent, _permute_dims_op(values, axes=_inverse(axes)))


def _put_whole(parent: Tensor, values: Tensor) -> Tensor:
    """``values`` written over all of ``parent``, recorded as CopySlices: the parent's
    history still gets its (zero) cotangent, so what it saved is still checked."""
    return _rules.tensor_namespace().prim.index_put(parent, values, key=(Ellipsis,))


def _broadcast_to(x: Tensor, *, shape: tuple[int, ...]) -> Tensor:
    # a write into an expanded view would reach one element through several: refused
    return _views.register_view(_broadcast_to_op(x, shape=shape), x, _broadcast_to_op,
                                {"shape": shape}, None)
