"""``autodiff.compile``: trace a step once, replay it on arrays.

The first calls of a compiled function run eagerly while every primitive's forward,
every backward rule, every ``.grad`` accumulation and every in-place write is recorded
on raw arrays; once two calls have recorded the same program, later calls with the
same guards replay it as generated straight-line Python, with no Tensor or graph node
made. See the guide ``docs/guides/compile.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._compiled import Compiled as Compiled

__all__ = ["compile", "Compiled"]


def compile(fn: Callable[..., Any] | None = None, *, fullgraph: bool = False) -> Any:
    """Compile ``fn`` (a function of tensors that may run forward, ``backward()`` and an
    optimizer's step): a decorator, with or without ``fullgraph``.

    ``fullgraph=True`` raises on a graph break (a read of a tensor's data, a hook, a
    random op …) instead of running eagerly with a warning. The Python numbers ``fn``
    reads from its closure or its module's globals are guarded: a changed one traces
    again.

    >>> import autodiff as ad
    >>> w = ad.tensor([1.0, 2.0], requires_grad=True)
    >>> @ad.compile
    ... def step(x):
    ...     loss = (w * x).sum()
    ...     loss.backward()
    ...     with ad.no_grad():
    ...         w.sub_(0.1 * w.grad)
    ...     w.grad = None
    ...     return loss
    >>> for _ in range(4):
    ...     loss = step(ad.tensor([3.0, 4.0]))
    >>> w
    tensor([-0.2000,  0.4000], requires_grad=True)
    """
    if fn is None:
        return lambda inner: Compiled(inner, fullgraph)
    return Compiled(fn, fullgraph)
