"""``autodiff.compile``: the compiled function, its cache of programs and its guards."""

from __future__ import annotations

import dis
import functools
import types
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from .. import _mode
from .._tensor import Tensor
from ._blocked import block_runs
from ._fusion import fuse_runs
from ._inplace import reuse_buffers
from ._program import MISS, GraphBreak, Program, Unsettled
from ._trace import finish, rebuild, trace
from ._values import describe

#: programs kept per compiled function (one per guard key)
CACHE_SIZE = 8
#: traces that differ from the one before (a Python number or a tensor made anew each
#: call, a path taken on Python state) before a guard key is left to run eagerly
DISAGREEMENTS = 3


def _difference(old: Any, new: Any) -> str:
    """The first recorded step where two traces differ, in words."""
    for index, (a, b) in enumerate(zip(old[0], new[0], strict=False)):
        if a != b:
            return f"step {index} was {a!r}, now {b!r}"
    if len(old[0]) != len(new[0]):
        return f"{len(old[0])} steps, now {len(new[0])}"
    return "the tensors written back differ"


class _Entry:
    """One guard key's state: the last trace's signature until two traces agree, then
    the replay; or eager for good after a graph break."""

    __slots__ = ("signature", "replay", "program", "structure", "broken", "refs", "disagreed",
                 "pins", "held")

    def __init__(self) -> None:
        self.signature: Any = None
        self.replay: Any = None
        self.program: Program | None = None
        self.structure: Any = None
        self.broken: str | None = None
        self.refs: dict[str, Any] = {}
        self.disagreed = 0
        #: the arguments told apart by identity (an instance, say), kept alive so that
        #: their ids name them for as long as the entry lives
        self.pins: list[Any] = []
        #: the last trace's program: what its signature names by id stays alive, so
        #: that no new object takes one of those ids before the next trace compares
        self.held: Any = None


def _flatten(value: Any, tensors: list[Tensor], key: list[Any], pins: list[Any]) -> None:
    """The tensors among the arguments, in order, and the guard key: per tensor its
    shape, dtype, backend, device and ``requires_grad``; other values as they are."""
    if isinstance(value, Tensor):
        array = value._array
        tensors.append(value)
        key.append(("T", tuple(array.shape), str(array.dtype), value._backend.name,
                    str(value.device), value._requires_grad))
    elif isinstance(value, (list, tuple)):
        key.append((type(value).__name__, len(value)))
        for item in value:
            _flatten(item, tensors, key, pins)
    elif isinstance(value, dict):
        key.append(("dict", tuple(value)))
        for item in value.values():
            _flatten(item, tensors, key, pins)
    else:
        described = describe(value)
        if described[0] == "object":
            pins.append(value)
        key.append(described)


#: the Python values a trace bakes in where the function reads them from its closure or
#: its module's globals (a learning rate, a flag): guarded by value
_SCALARS = frozenset((bool, int, float, complex, str, type(None)))
_ABSENT = object()


@functools.lru_cache(maxsize=256)
def _global_names(code: types.CodeType) -> tuple[str, ...]:
    """The global names ``code`` loads, its nested functions' and comprehensions'
    included; not its attribute names (``opt.step()`` reads no global ``step``: a loop
    counter named ``step`` beside it would retrace every call)."""
    names = dict.fromkeys(instruction.argval for instruction in dis.get_instructions(code)
                          if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME"))
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names.update(dict.fromkeys(_global_names(const)))
    return tuple(names)


def _read_scalars(fn: Any) -> tuple[tuple[str, str], ...]:
    """``(name, repr(value))`` of each Python number, string, bool or None that ``fn``'s
    own code reads from its closure or its module's globals (not those of the functions
    it calls: pass such a value in as an argument). ``repr`` tells 0.0 from -0.0, and a
    nan equals itself."""
    fn = getattr(fn, "__func__", fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        return ()
    values = []
    for name, cell in zip(code.co_freevars, fn.__closure__ or (), strict=False):
        try:
            value = cell.cell_contents
        except ValueError:  # a cell not yet bound
            continue
        if type(value) in _SCALARS:
            values.append((name, repr(value)))
    module = fn.__globals__
    for name in _global_names(code):
        value = module.get(name, _ABSENT)
        if type(value) in _SCALARS:
            values.append((name, repr(value)))
    return tuple(values)


def _guard_names(new: tuple[Any, ...], old: tuple[Any, ...]) -> str:
    """Which guard tells two keys apart, in words."""
    if new[0] != old[0]:
        return "grad mode"
    if new[2] != old[2]:
        changed = [f"{name}: {was} -> {now}" for (name, now), (_, was)
                   in zip(new[2], old[2], strict=False) if now != was]
        return "a Python value the function reads, " + (", ".join(changed) or "its names")
    for index, (a, b) in enumerate(zip(new[1], old[1], strict=False)):
        if a != b:
            return f"argument leaf {index}: {b} -> {a}"
    return "argument structure"


class Compiled:
    """A function traced on its first calls and replayed on arrays afterwards; see
    ``autodiff.compile``. ``cache`` holds a program per guard key, ``breaks`` the
    reasons the function ran eagerly.

    >>> import autodiff as ad
    >>> double = ad.compile(lambda x: x * 2)
    >>> [double(ad.ones(2)).tolist() for _ in range(3)][-1]
    [2.0, 2.0]
    >>> [entry.replay is not None for entry in double.cache.values()]
    [True]
    """

    def __init__(self, fn: Callable[..., Any], fullgraph: bool = False) -> None:
        self.fn = fn
        #: what warnings and ``explain`` call it (a module's class, for a module's call)
        self.name: str = getattr(fn, "__name__", type(fn).__name__)
        self.fullgraph = fullgraph
        self.cache: OrderedDict[Any, _Entry] = OrderedDict()
        self.misses = 0
        self.breaks: list[str] = []
        functools.update_wrapper(self, fn)

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        """As a method (``@ad.compile`` on a ``def step(self, ...)``): bound to the
        instance, which is part of the guard key (one program per instance)."""
        return self if instance is None else types.MethodType(self, instance)

    def _key(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, list[Tensor],
                                                                           list[Any]]:
        tensors: list[Tensor] = []
        key: list[Any] = []
        pins: list[Any] = []
        _flatten(args, tensors, key, pins)
        _flatten(kwargs, tensors, key, pins)
        return (_mode.state.enabled, tuple(key), _read_scalars(self.fn)), tensors, pins

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _mode.tracing.active is not None or _mode.state.forward_levels:
            return self.fn(*args, **kwargs)  # inside another trace, or forward mode
        key, tensors, pins = self._key(args, kwargs)
        entry = self.cache.get(key)
        if entry is not None:
            self.cache.move_to_end(key)
            if entry.broken is not None:
                return self.fn(*args, **kwargs)
            if entry.replay is not None:
                arrays = entry.replay(*tensors)
                if arrays is not MISS:
                    refs = dict(entry.refs, **{f"a{i}": t for i, t in enumerate(tensors)})
                    return rebuild(entry.structure, arrays, refs)
                self._missed(_failed_guard(entry.program, tensors))
                # captured state changed (a learning rate a schedule set): the traces
                # settle afresh, and a program that settled once has not kept differing
                entry.replay, entry.signature, entry.disagreed = None, None, 0
        else:
            if self.cache:
                self._missed(_guard_names(key, next(reversed(self.cache))))
            entry = self.cache[key] = _Entry()
            entry.pins = pins
            if len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)
        return self._trace(entry, args, kwargs, tensors)

    def _missed(self, guard: str) -> None:
        self.misses += 1
        # from the cache's size on, at each power of two: said, but not on every call
        if self.misses >= CACHE_SIZE and not self.misses & (self.misses - 1):
            warnings.warn(f"autodiff.compile({self.name}): retraced {self.misses} "
                          f"times; the last guard that failed: {guard}", stacklevel=3)

    def _trace(self, entry: _Entry, args: tuple[Any, ...], kwargs: dict[str, Any],
               tensors: list[Tensor]) -> Any:
        result, rec = trace(self.fn, args, kwargs, tensors, self.fullgraph)
        reason = rec.broken
        if reason is None:
            try:
                structure = finish(rec, result)
            except Unsettled as error:
                # state made on this call (an optimizer's first step): trace again
                entry.signature = None
                entry.disagreed += 1
                if entry.disagreed < DISAGREEMENTS:
                    return result
                reason = str(error)
            except GraphBreak as error:
                reason = str(error)
        if reason is not None:
            entry.broken = reason
            self.breaks.append(reason)
            if self.fullgraph:
                raise RuntimeError(f"autodiff.compile(fullgraph=True): graph break: {reason}")
            warnings.warn(f"autodiff.compile({self.name}): graph break: {reason}; "
                          "the function runs eagerly", stacklevel=3)
            return result
        signature = (rec.signature, [(expr, w, b) for expr, w, b in rec.program.writes])
        if entry.signature == signature:
            # two traces agree: the Python around the ops took the same path twice
            entry.program = rec.program
            rec.program.dropped = rec.program.drop_dead()
            rec.program.in_place = reuse_buffers(rec.program, rec.kept, rec.owners)
            rec.program.blocked = block_runs(rec.program, rec.kept, rec.owners)
            rec.program.fused = fuse_runs(rec.program, rec.kept, rec.owners)
            entry.replay = rec.program.build(len(tensors))
            entry.structure = structure
            entry.refs = {name: value for name, value in rec.program.names.items()
                          if name.startswith("T")}
        elif entry.signature is not None:
            entry.disagreed += 1
            if entry.disagreed >= DISAGREEMENTS:
                entry.broken = reason = "its traces keep differing: " + _difference(
                    entry.signature, signature)
                self.breaks.append(reason)
                warnings.warn(f"autodiff.compile({self.name}): {reason}; the function "
                              "runs eagerly", stacklevel=3)
        entry.signature = signature
        entry.held = rec.program
        return result

    def explain(self, *args: Any, **kwargs: Any) -> str:
        """What the trace for these arguments holds (tracing them if need be): ops,
        guards, graph breaks and the memory plan. The text is returned and printed.

        >>> import autodiff as ad
        >>> text = ad.compile(lambda x: (x * x).sum()).explain(ad.ones(3))
        autodiff.compile(<lambda>): 2 ops, 1 inputs, 0 tensors written back
        ops: multiply x1, sum x1
        guards (1):
          a0._array: shape (3,), dtype float32
        graph breaks: none
        memory plan: 2 arrays freed at their last use, at most 2 bound at once
        dead code: 0 instructions dropped (results nothing reads)
        buffers reused: 0 results written over a dying operand
        inlined: 1 calls written out as the function's body
        cache-blocked runs: 0
        fused kernels: 0
        """
        key, _, _ = self._key(args, kwargs)
        for _ in range(3):
            entry = self.cache.get(key)
            if entry is not None and (entry.program is not None or entry.broken):
                break
            self(*args, **kwargs)
        entry = self.cache.get(key)
        text = _explain(self.name, entry)
        print(text)
        return text


def _failed_guard(program: Program | None, tensors: list[Tensor]) -> str:
    """The first guard of ``program`` that fails now, in words (on a miss only)."""
    if program is None:
        return "captured state"
    scope = dict(program.names, **{f"a{i}": t for i, t in enumerate(tensors)})
    for condition, text in program.guards:
        try:
            holds = eval(condition, {}, scope)
        except Exception:  # a guard that cannot even be evaluated has failed
            holds = False
        if not holds:
            return f"{text} (now false)"
    return "captured state"


def _explain(name: str, entry: _Entry | None) -> str:
    if entry is None or entry.program is None:
        reason = "no program" if entry is None else entry.broken or "traces disagree"
        return f"autodiff.compile({name}): runs eagerly: {reason}"
    program = entry.program
    labels: dict[str, int] = {}
    for instr in program.instrs:
        for step in instr.steps or (instr,):
            labels[step.label] = labels.get(step.label, 0) + 1
    lines = [f"autodiff.compile({name}): {sum(labels.values())} ops, "
             f"{len(program.reads)} inputs, {len(program.writes)} tensors written back",
             "ops: " + ", ".join(f"{label} x{count}" for label, count in labels.items()),
             f"guards ({len(program.guards)}):"]
    lines += [f"  {text}" for _, text in program.guards]
    lines.append("graph breaks: none")
    lines.append(f"memory plan: {program.frees} arrays freed at their last use, at most "
                 f"{program.peak} bound at once")
    lines.append(f"dead code: {program.dropped} instructions dropped (results nothing reads)")
    lines.append(f"buffers reused: {program.in_place} results written over a dying operand")
    lines.append(f"inlined: {program.inlined} calls written out as the function's body")
    lines.append(f"cache-blocked runs: {program.blocked}" + "".join(
        f"\n  {instr.label}" for instr in program.instrs
        if instr.steps and instr.label.startswith("blocked")))
    lines.append(f"fused kernels: {sum(why is None for _, why in program.fused)}" + "".join(
        f"\n  fused: {labels}" if why is None else f"\n  not fused ({why}): {labels}"
        for labels, why in program.fused))
    return "\n".join(lines)
