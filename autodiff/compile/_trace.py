"""One traced call: the recorder installed, the reads of a tensor's data turned into
graph breaks, and what the call returned mapped onto the program's slots."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

from .. import _mode
from .._tensor import Tensor
from .._views import ViewOf
from ._program import GraphBreak, Unsettled
from ._recorder import Recorder

#: Tensor methods that hand a tensor's values to Python: the trace cannot follow them
DATA_READS = ("item", "tolist", "numpy", "__array__", "__float__", "__int__", "__complex__",
              "__index__", "__bool__", "__repr__", "__str__", "__format__")


def _reading(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    def read(self: Any, *args: Any, **kwargs: Any) -> Any:
        tracer = _mode.tracing.active
        if tracer is not None:
            tracer.data_read(f"Tensor.{name}")
        return method(self, *args, **kwargs)

    return read


def _wrapping(original: Any, born: set[int]) -> Any:
    def wrap(cls: type[Tensor], array: Any, backend: Any) -> Tensor:
        tensor = original.__func__(cls, array, backend)
        born.add(id(tensor))
        return tensor

    return classmethod(wrap)


def _calling(call: Callable[..., Any]) -> Callable[..., Any]:
    """``Module.__call__`` that tells the recorder which module runs (its guards)."""
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        tracer = _mode.tracing.active
        if tracer is not None:
            tracer.module(self)
        return call(self, *args, **kwargs)

    return run


def _scheduler_steps() -> list[tuple[Any, Any]]:
    """Every LR scheduler class's own ``step``, to be watched while tracing."""
    from ..optim._scheduler_base import LRScheduler

    found: list[tuple[Any, Any]] = []
    kinds: list[Any] = [LRScheduler]
    while kinds:
        kind = kinds.pop()
        kinds.extend(kind.__subclasses__())
        if "step" in kind.__dict__:
            found.append((kind, kind.__dict__["step"]))
    return found


def _stepping(step: Callable[..., Any]) -> Callable[..., Any]:
    """A scheduler's step inside a trace: Python state (its epoch counter) that a replay
    would not advance, so the learning rate would never change again."""
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        tracer = _mode.tracing.active
        if tracer is not None:
            tracer.stop("an LR scheduler stepped inside the function (a replay would not "
                        "advance it): step it outside the compiled function")
        return step(self, *args, **kwargs)

    return run


class Leaf:
    """A returned value: a new tensor on a slot, an argument, a held tensor or a
    Python value (``kind`` says which)."""

    __slots__ = ("kind", "value", "backend", "requires_grad")

    def __init__(self, kind: str, value: Any, backend: Any = None) -> None:
        self.kind, self.value, self.backend = kind, value, backend


#: one trace at a time patches the classes (traces are rare; two at once would each
#: restore the other's patches)
_PATCHING = threading.Lock()


def trace(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
          tensors: list[Tensor], fullgraph: bool) -> tuple[Any, Recorder]:
    """Run ``fn`` eagerly under a recorder; the result and the recorder."""
    if _mode.tracing.active is not None:
        raise RuntimeError("autodiff.compile: a compiled function called inside another's "
                           "trace; compile the outer function only")
    with _PATCHING:
        return _traced(fn, args, kwargs, Recorder(tensors, fullgraph))


def _traced(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
            rec: Recorder) -> tuple[Any, Recorder]:
    from ..nn.modules.module import Module

    # the methods may live on a base class: patched on Tensor, then removed again
    own = {name: Tensor.__dict__.get(name) for name in DATA_READS}
    wrap = Tensor.__dict__["_wrap"]
    call = Module.__dict__["__call__"]
    steps = _scheduler_steps()
    for name in DATA_READS:
        setattr(Tensor, name, _reading(name, getattr(Tensor, name)))
    Tensor._wrap = _wrapping(wrap, rec.born)  # type: ignore[method-assign]
    Module.__call__ = _calling(call)  # type: ignore[method-assign]
    for kind, method in steps:
        kind.step = _stepping(method)
    _mode.tracing.active = rec
    _mode.traces.change(1)
    _mode.departures.update(True, False)  # every op now takes the path that records
    try:
        result = fn(*args, **kwargs)
    finally:
        _mode.departures.update(False, True)
        _mode.traces.change(-1)
        _mode.tracing.active = None
        for name, method in own.items():
            if method is None:
                delattr(Tensor, name)
            else:
                setattr(Tensor, name, method)
        Tensor._wrap = wrap  # type: ignore[method-assign]
        Module.__call__ = call  # type: ignore[method-assign]
        for kind, method in steps:
            kind.step = method
    return result, rec


def finish(rec: Recorder, result: Any) -> Any:
    """Map ``result`` onto the program (a structure of ``Leaf``); writes back the
    state the program updated. Raises GraphBreak where it cannot."""
    program = rec.program
    for key, (expression, slot, bumps) in rec.writes.items():
        tensor = rec.tensors[key]
        if rec.slots.get(id(tensor._array)) != slot:
            raise GraphBreak("a tensor's array was replaced outside the recorded ops")
        program.writes.append((expression, slot, bumps))
    for key, (tensor, first) in rec.grads_seen.items():
        # set, cleared or rebound by code that bypassed the recorder (a private
        # attribute written directly): a replay would leave it as it was
        if tensor._grad is not rec.grads_set.get(key, first):
            raise GraphBreak("a .grad was changed outside the recorded ops")
        if key not in rec.writes and tensor._array is not rec.arrays_seen[key]:
            raise GraphBreak("a tensor's array was replaced outside the recorded ops")
    structure = _map(rec, result)
    _check_outlived(rec, result)
    return structure


def _returned(value: Any, found: dict[int, Tensor]) -> None:
    if isinstance(value, Tensor):
        found[id(value)] = value
    elif isinstance(value, (list, tuple)):
        for item in value:
            _returned(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _returned(item, found)


def _check_outlived(rec: Recorder, result: Any) -> None:
    """A tensor an op made that is still alive after the call, not returned, was kept
    somewhere (``self.hidden = h``): a replay would not rebind it. Cycles are
    collected before concluding (only while tracing)."""
    returned: dict[int, Tensor] = {}
    _returned(result, returned)

    def survivors() -> list[Tensor]:
        alive = (ref() for ref in rec.made)
        return [t for t in alive if t is not None and id(t) not in returned]

    if survivors():
        gc.collect()
        left = survivors()
        if left and not _under_returned_views(left, returned, set(rec.refs)):
            raise Unsettled("a tensor made inside the function outlives the call (kept "
                            "in Python state): a replay would not update it")


def _under_returned_views(left: list[Tensor], returned: dict[int, Tensor],
                          captured: set[int]) -> bool:
    """Whether each tensor in ``left`` is alive only as what a returned view was made
    from (``x.exp().reshape(-1)`` returned keeps the ``exp`` result): nothing can reach
    it but through the view, whose array the replay returns, so no state goes stale.
    Any other holder (a dict, a list, a graph node) keeps the trace from replaying, as
    it does where a tensor between them (a ``detach()`` alias the view was made from)
    is held elsewhere; the tensors the trace captured (arguments, parameters) are the
    program's own state."""
    # the records of where the returned views come from, and of what those come from
    # (a view of ``out.detach()`` holds the alias, whose record holds ``out``)
    views: set[int] = set()
    between: dict[int, Tensor] = {}
    stack = list(returned.values())
    while stack:
        tensor = stack.pop()
        if id(tensor) not in returned and id(tensor) not in captured:
            between[id(tensor)] = tensor
        info = tensor._view
        if isinstance(info, ViewOf) and id(info) not in views:
            views.add(id(info))
            stack += (info.base, info.root)
    if not views:
        return False
    for key in {id(tensor) for tensor in left}:
        between.pop(key, None)
    checked = [*left, *between.values()]
    ours = {id(left), id(checked), id(between), id(stack)}  # this function's own lists
    for tensor in checked:
        for holder in gc.get_referrers(tensor):
            if id(holder) not in ours and id(holder) not in views:
                return False
    return True


def _map(rec: Recorder, value: Any) -> Any:
    if isinstance(value, Tensor):
        if value._requires_grad and value._grad_fn is not None and not rec.backward_runs:
            raise GraphBreak("the function returns a tensor with a graph and runs no "
                             "backward: the replay could not be differentiated")
        key = id(value)
        if key in rec.refs and (rec.refs[key].startswith("a") or key in rec.first):
            return Leaf("ref", rec.refs[key])
        slot = rec.slots.get(id(value._array))
        if slot is None:
            raise GraphBreak("the function returns a tensor the trace did not make")
        rec.program.results.append(slot)
        return Leaf("new", len(rec.program.results) - 1, value._backend)
    if isinstance(value, (list, tuple)):
        mapped = [_map(rec, item) for item in value]
        if type(value) not in (tuple, list):  # a named tuple (return_types): its type
            return Leaf("typed", (type(value), mapped))
        return tuple(mapped) if isinstance(value, tuple) else mapped
    if isinstance(value, dict):
        return {key: _map(rec, item) for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, float, complex, str)):
        return Leaf("const", value)
    raise GraphBreak(f"the function returns a {type(value).__name__}")


def rebuild(structure: Any, arrays: tuple[Any, ...], refs: dict[str, Any]) -> Any:
    """The replay's return value from the mapped structure."""
    if isinstance(structure, Leaf):
        if structure.kind == "new":
            return Tensor._wrap(arrays[structure.value], structure.backend)
        if structure.kind == "typed":
            kind, items = structure.value
            values = [rebuild(item, arrays, refs) for item in items]
            return kind(*values) if hasattr(kind, "_fields") else kind(values)
        if structure.kind == "ref":  # an argument, a held tensor or its .grad
            return eval(structure.value, {}, refs)
        return structure.value
    if isinstance(structure, tuple):
        return tuple(rebuild(item, arrays, refs) for item in structure)
    if isinstance(structure, list):
        return [rebuild(item, arrays, refs) for item in structure]
    return {key: rebuild(item, arrays, refs) for key, item in structure.items()}
