"""Primitives with several outputs (eigh, qr, svd, slogdet), packed into one array.

The engine's nodes have one output. An op with several is therefore one primitive
whose forward flattens each output over its own (non-batch) axes and concatenates
them along one last axis, in one dtype (complex when any output is); the public
function splits the packed tensor back with differentiable slicing and reshaping.
The vjp receives the packed cotangent, zeros where an output was not used, and the
op's rule sees it split the same way: one cotangent per output, and the outputs.
Like any rule it is written against a namespace ``xp`` (see ``autodiff._rules``):
on a backend's arrays in a first-order pass, on tensors when recording.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from .. import _rules
from .._primitive import primitive
from .._tensor import Tensor

__all__ = ["Layout", "multi_output", "pack", "unpack"]


class Layout(NamedTuple):
    """How the outputs sit in the packed array: the batch shape they share, each one's
    own trailing shape, and which are real even when the packed dtype is complex
    (eigenvalues, singular values, log|det|)."""

    batch: tuple[int, ...]
    shapes: tuple[tuple[int, ...], ...]
    real: tuple[bool, ...]

    def spans(self) -> list[tuple[int, int]]:
        spans, start = [], 0
        for shape in self.shapes:
            size = math.prod(shape)
            spans.append((start, start + size))
            start += size
        return spans

    @property
    def total(self) -> int:
        return sum(math.prod(shape) for shape in self.shapes)


def unpack(xp: Any, packed: Any, layout: Layout) -> tuple[Any, ...]:
    """The outputs (or their cotangents, or tangents) from a packed array or tensor."""
    complex_packed = xp.isdtype(packed.dtype, "complex floating")
    parts = []
    for (start, stop), shape, is_real in zip(layout.spans(), layout.shapes, layout.real,
                                              strict=True):
        part = xp.reshape(packed[..., start:stop], layout.batch + shape)
        parts.append(xp.real(part) if is_real and complex_packed else part)
    return tuple(parts)


def pack(xp: Any, parts: Sequence[Any], layout: Layout, like: Any) -> Any:
    """The inverse of ``unpack``, differentiable: each part scattered into its span of an
    array of ``like``'s shape and dtype."""
    shape = layout.batch + (layout.total,)
    result: Any = None
    for part, (start, stop) in zip(parts, layout.spans(), strict=True):
        flat = xp.reshape(part, layout.batch + (stop - start,))
        if flat.dtype != like.dtype:
            flat = xp.astype(flat, like.dtype)
        placed = xp.prim.index_scatter_add(flat, key=(Ellipsis, slice(start, stop)),
                                           shape=shape)
        result = placed if result is None else result + placed
    assert result is not None
    return result


def multi_output(
    name: str, *, forward: Callable[..., Sequence[Any]], vjp: Callable[..., Any],
    jvp: Callable[..., Sequence[Tensor]], torch_name: str, namespace: str,
) -> Callable[..., tuple[Tensor, ...]]:
    """Declare a one-input primitive with several outputs.

    ``forward(xp, x, **params)`` returns the outputs as backend arrays;
    ``vjp(xp, grads, outputs, x, **params)`` maps the tuple of output cotangents to
    x's, written against ``xp`` as any vjp rule (x named ``_x`` when it reads no more
    than the outputs: then the graph does not keep it); ``jvp(tangent, outputs, x,
    **params)`` maps x's tangent to the tuple of output tangents (on tensors only).
    The returned function takes ``(x, layout, **params)`` and gives the tuple of
    outputs.
    """

    def packed_forward(xp: Any, x: Any, layout: Layout, **params: Any) -> Any:
        parts = forward(xp, x, **params)
        dtype = xp.result_type(*parts)
        flat = [xp.reshape(part if part.dtype == dtype else xp.astype(part, dtype),
                           layout.batch + (math.prod(shape),))
                for part, shape in zip(parts, layout.shapes, strict=True)]
        return xp.concat(flat, axis=-1)

    # What the packed rule reads is what the op's rule reads (its parameters after
    # ``xp, grads`` are the outputs and x, as a rule's after ``xp, g``).
    _, reads_x = _rules.reads(vjp)
    packed_vjp: Callable[..., Any]
    if reads_x:
        def packed_vjp(xp: Any, g: Any, ans: Any, x: Any, layout: Layout,
                       **params: Any) -> Any:
            return vjp(xp, unpack(xp, g, layout), unpack(xp, ans, layout), x, **params)
    else:
        def packed_vjp(xp: Any, g: Any, ans: Any, _x: Any, layout: Layout,
                       **params: Any) -> Any:
            return vjp(xp, unpack(xp, g, layout), unpack(xp, ans, layout), None, **params)

    def packed_jvp(tangents: tuple[Tensor | None, ...], ans: Tensor, x: Tensor,
                   layout: Layout, **params: Any) -> Tensor:
        xp = _rules.tensor_namespace()
        return pack(xp, jvp(tangents[0], unpack(xp, ans, layout), x, **params),
                    layout, ans)

    op = primitive(name, forward=packed_forward, vjp=packed_vjp, jvp=packed_jvp,
                   torch_name=torch_name, namespace=namespace)

    def apply(x: Tensor, layout: Layout, **params: Any) -> tuple[Tensor, ...]:
        return unpack(_rules.tensor_namespace(), op(x, layout=layout, **params), layout)

    apply.__name__ = name
    apply.primitive = op.primitive  # type: ignore[attr-defined]
    return apply
