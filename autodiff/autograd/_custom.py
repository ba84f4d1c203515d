"""Graph nodes written in Python rather than derived from a primitive: the plumbing
shared by custom Functions and checkpoints.

The engine's nodes have a single output. An operation with several outputs gets one
light ``FunctionOutput`` node per output, each forwarding its cotangent, tagged
with its position (``Tagged``), to the operation's shared node; the engine sums what
reaches a node, and tagged cotangents sum position by position, so the shared node
runs once with every output's cotangent, however many paths reach each output.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from .. import _mode
from .._graph import (
    AccumulateGrad,
    Node,
    NodeExtra,
    Tagged,
    as_tensor,
    named,
    sum_to_shape,
    to_arrays,
)
from .._rules import tensor_namespace
from .._tensor import Tensor

__all__ = ["CustomNode", "DelayedError", "FunctionOutput", "Tagged", "fit_gradient",
           "once_differentiable"]

Edge = Node | AccumulateGrad | None
F = TypeVar("F", bound=Callable[..., Any])


class CustomNode(Node):
    """A graph node whose ``run`` is written in Python rather than derived from a
    primitive (custom Functions, checkpoints). Subclasses set ``_edges`` and
    override ``run`` and ``next_functions``."""

    __slots__ = ()
    #: what ``run`` returns may be any tensor its author holds (a saved input, say)
    foreign_results = True

    def run_arrays(self, g: Any, retain_graph: bool) -> list[Any]:
        """A custom node computes on tensors, in a first-order pass too: wrap, run,
        unwrap."""
        grad = as_tensor(g, self._backend, Tensor)
        return to_arrays(self.run(grad, Tensor, False, retain_graph), Tensor)

    def _start(self, edges: tuple[Edge, ...], backend: Any) -> None:
        self._prim = None
        self._kind = type(self)
        self._uses = 0
        self._edges = edges
        self._inputs = ()
        self._meta = ()
        self._out = None
        self._params = {}
        self._backend = backend
        self._freed = False
        self._holds = False
        self._versions = None
        # never None: the engine's loop then hands a custom node to its general path,
        # which copes with results its author may hold (``foreign_results``)
        self._extra = NodeExtra()

    @property
    def next_functions(self) -> tuple[tuple[Edge, int], ...]:
        return tuple((named(edge), 0) for edge in self._edges)


def fit_gradient(name: str, index: int, grad: Any, like: Tensor | tuple[Any, ...]) -> Tensor:
    """``grad`` reduced to the shape and cast to the dtype of its input (``like``: the
    tensor or its ``(shape, dtype)``), with PyTorch's message when it cannot be."""
    shape, dtype = (like.shape, like._array.dtype) if isinstance(like, Tensor) else like
    if not isinstance(grad, Tensor):
        raise RuntimeError(f"expected Variable or None (got {type(grad).__name__})")
    if grad.shape != shape:
        if not _expandable(shape, grad.shape):
            raise RuntimeError(f"Function {name} returned an invalid gradient at index {index}"
                               f" - got {list(grad.shape)} but expected shape compatible with "
                               f"{list(shape)}")
        grad = sum_to_shape(tensor_namespace(), grad, shape)
    if grad._array.dtype != dtype:
        grad = tensor_namespace().prim.astype(grad, dtype=grad._backend.dtype_name(dtype))
    return grad


def _expandable(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    """Whether ``shape`` broadcasts to ``target`` (so a gradient of ``target``'s shape
    can be summed back to ``shape``)."""
    if len(shape) > len(target):
        return False
    return all(a == b or a == 1 for a, b in zip(reversed(shape), reversed(target), strict=False))


class FunctionOutput(CustomNode):
    """The node of output ``_index`` of a multi-output Function (or checkpoint): it
    tags its cotangent with its position and hands it to the shared node ``_ctx``,
    which has one ``_output_meta`` entry per output."""

    __slots__ = ("_ctx", "_index")
    _ctx: Any
    _index: int

    def run(self, grad: Any, tensor_type: type[Tensor], create_graph: bool,
            retain_graph: bool) -> list[Any]:
        grads: list[Tensor | None] = [None] * len(self._ctx._output_meta)
        grads[self._index] = grad
        return [Tagged(grads)]

    @property
    def next_functions(self) -> tuple[tuple[Edge, int], ...]:
        return self._ctx.next_functions

    def __getattr__(self, name: str) -> Any:  # ctx attributes: saved_tensors, user fields
        if name.startswith("__") or name in ("_ctx", "_index"):
            raise AttributeError(name)
        return getattr(self._ctx, name)


class DelayedError(CustomNode):
    """The ``grad_fn`` of what a ``@once_differentiable`` backward returns when a
    graph is being built: differentiating it again is an error."""

    __slots__ = ()

    def name(self) -> str:
        return "Error"

    def run(self, grad: Any, tensor_type: type[Tensor], create_graph: bool,
            retain_graph: bool) -> list[Tensor | None]:
        raise RuntimeError("trying to differentiate twice a function that was marked with "
                           "@once_differentiable")


def once_differentiable(fn: F) -> F:
    """Decorate a ``backward`` that is not itself differentiable: it runs under
    no-grad, and differentiating its result again raises (PyTorch's decorator).

    >>> import autodiff as ad
    >>> from autodiff.autograd.function import once_differentiable
    >>> class Double(ad.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         return 2 * x
    ...     @staticmethod
    ...     @once_differentiable
    ...     def backward(ctx, g):
    ...         return 2 * g
    >>> x = ad.tensor(1.0, requires_grad=True)
    >>> ad.autograd.grad(Double.apply(x), x)
    (tensor(2.),)
    """

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        with _mode.no_grad():
            outputs = fn(ctx, *args, **kwargs)
        if not _mode.state.enabled or not any(
                isinstance(arg, Tensor) and arg._requires_grad for arg in args):
            return outputs
        many = isinstance(outputs, tuple)
        wrapped = []
        for out in outputs if many else (outputs,):
            if isinstance(out, Tensor):
                node = DelayedError()
                node._start((), out._backend)
                out = Tensor._wrap(out._array, out._backend)
                out._grad_fn, out._requires_grad = node, True
            wrapped.append(out)
        return tuple(wrapped) if many else wrapped[0]

    return wrapper  # type: ignore[return-value]
