"""A leaf's node: ``AccumulateGrad`` adds the cotangents reaching a leaf tensor into
its ``.grad``, once all that the pass will send have arrived."""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

from ._node import Node, NodeExtra, _Hookable

if TYPE_CHECKING:
    from .._tensor import Tensor


class _LiveCount:
    """A leaf's count of the live nodes' edges leading to it. The weak references'
    callback is this object's method, not the accumulator's, so that no reference
    cycle holds the accumulator."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0

    def drop(self, _ref: object) -> None:
        self.count -= 1


class AccumulateGrad(_Hookable):
    """The node that adds a cotangent into a leaf tensor's ``.grad``.

    The leaf owns its node and the node refers back weakly, so there is no cycle;
    a leaf nobody holds any more simply receives nothing.
    """

    __slots__ = ("_variable", "_backend", "_extra", "_consumers", "_live", "_prune_at",
                 "lock", "__weakref__")

    def __init__(self, variable: Tensor) -> None:
        self._variable = weakref.ref(variable)
        #: the leaf's backend, to wrap a first-order pass's cotangent array for hooks
        self._backend = variable._backend
        self._extra: NodeExtra | None = None
        #: how many edges of live nodes lead here (see ``_uses``)
        self._live = _LiveCount()
        #: a weak reference per such edge, whose callback counts the edge out when its
        #: node dies; dead ones are dropped now and then
        self._consumers: list[weakref.ref[Node]] = []
        self._prune_at = 16
        #: held around the read-add-write of ``.grad`` (``accumulate_into``), as
        #: PyTorch's AccumulateGrad holds its mutex: two threads running backward into
        #: this leaf at once must not lose either's gradient
        self.lock = threading.Lock()

    def _consumed_by(self, node: Node) -> AccumulateGrad:
        """Count an edge of ``node`` leading here, for as long as ``node`` lives."""
        live = self._live
        live.count += 1
        consumers = self._consumers
        consumers.append(weakref.ref(node, live.drop))
        if len(consumers) >= self._prune_at:  # amortised: twice the live ones apart
            self._consumers = consumers = [ref for ref in consumers if ref() is not None]
            self._prune_at = 2 * len(consumers) + 16
        return self

    @property
    def _uses(self) -> int:
        """How many edges of nodes still alive lead here, in constant time. A node counts
        its uses for good (see ``run_backward``), but a leaf outlives the graphs made
        from it, one a step in a training loop, and counting their edges for good would
        hold back its accumulation in every later pass."""
        return self._live.count

    @property
    def variable(self) -> Tensor | None:
        return self._variable()

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    next_functions: tuple[()] = ()
    #: a leaf's node has no edges (read by the backward loop)
    _edges: tuple[()] = ()
    _arity = 0

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


#: the lock of the tensors that have no accumulator of their own (a retained non-leaf's
#: ``.grad``): those are rarely shared between threads, so one lock serves them all
RETAINED_LOCK = threading.Lock()


def accumulate_into(tensor: Tensor, grad: Tensor, create_graph: bool, owned: bool = False,
                    lock: threading.Lock = RETAINED_LOCK) -> None:
    """Add ``grad`` into ``tensor.grad`` as PyTorch does, under ``lock`` (the leaf
    accumulator's), so that backward passes in several threads lose no update.

    Without create_graph the existing ``.grad`` object keeps its identity (the sum
    replaces its array), so a reference taken before a second backward sees the sum.
    ``owned`` says that the backward pass made ``grad``'s array and hands it here
    alone: a first ``.grad`` then takes it over rather than copying it.
    """
    with lock:  # the read of .grad, the sum and the write back, as one step
        if create_graph:
            tensor._grad = grad if tensor._grad is None else tensor._grad + grad
        elif tensor._grad is None:
            # As PyTorch's AccumulateGrad: the incoming gradient's memory is taken over
            # when nothing else refers to it, and copied otherwise, so that .grad can be
            # written in place (``x.grad.zero_()``) without touching another tensor, a
            # saved value or a read-only view.
            array, backend = grad._array, grad._backend
            if not (owned and backend.exclusive(array)):
                array = backend.copy(array)
            tensor._grad = type(grad)._wrap(array, backend)
        else:
            tensor._grad._array = tensor._grad._array + grad._array
