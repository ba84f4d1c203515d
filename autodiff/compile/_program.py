"""A recorded program: flat array-level instructions, and the straight-line Python
function generated from them.

Every value of the program is a slot (``v0``, ``v1`` …) holding a backend array. An
instruction calls one function on slots and constants and binds its results to new
slots. The replay is one generated function, with no loop over instructions: the
reads of the inputs, the guards, one line per instruction, a ``del`` after each
slot's last use (so each intermediate is freed as soon as eager would free it, or
sooner) and the writes back into the tensors the step updates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._inline import inline

#: what the replay returns when a guard on captured state fails
MISS = object()


class GraphBreak(RuntimeError):
    """What ends a trace: the reason and the ``file:line`` where it happened."""


class Unsettled(GraphBreak):
    """A trace that made state which outlives the call: the next call may settle."""


@dataclass
class Instr:
    """``outs = fn(*args, **params)``: ``args`` items are slot names (``str``) or
    ``Const`` values; an ``outs`` item is None where the result is not used."""

    label: str
    fn: Any
    args: tuple[Any, ...]
    params: dict[str, Any] | None
    outs: tuple[str | None, ...]
    #: one result (not a sequence to unpack)
    single: bool = True
    #: the argument whose array the result is written into (an in-place form), if known
    writes: int | None = None
    #: the instructions a cache-blocked run stands for (``_blocked``)
    steps: list[Instr] | None = None
    #: computes its results and nothing else (an op's forward, a rule): dropped where
    #: no result is used (``Program.drop_dead``)
    pure: bool = False


@dataclass(frozen=True)
class Const:
    """A constant argument: a Python number, None, or an object held by reference."""

    value: Any


@dataclass(frozen=True)
class Ref:
    """A tensor named in the generated code (``a0``, ``T3``): not a slot."""

    text: str


@dataclass
class Program:
    """What one trace holds; ``build`` makes its replay function."""

    #: ``(slot, expression)``: the reads at the start (``a0._array``, ``T3._array``)
    reads: list[tuple[str, str]] = field(default_factory=list)
    #: Python conditions that must hold for the replay to be valid, with a description
    guards: list[tuple[str, str]] = field(default_factory=list)
    instrs: list[Instr] = field(default_factory=list)
    #: ``(expression, slot, bumps)``: ``expression._array = slot``; version += bumps
    writes: list[tuple[str, str, int]] = field(default_factory=list)
    #: the slots returned to rebuild fn's result
    results: list[str] = field(default_factory=list)
    #: objects the generated code names (tensors, functions, constants)
    names: dict[str, Any] = field(default_factory=dict)
    frees: int = 0
    #: pure instructions dropped because nothing reads their results
    dropped: int = 0
    #: instructions that write into a dying operand's memory (``_inplace``)
    in_place: int = 0
    #: runs of elementwise instructions over large arrays run block by block (``_blocked``)
    blocked: int = 0
    #: runs of elementwise instructions offered to the backend as one kernel
    #: (``_fusion``): their labels, and None where fused, else why not
    fused: list[tuple[str, str | None]] = field(default_factory=list)
    #: the most slots bound at once during a replay (views of one array count apart)
    peak: int = 0
    #: calls written out as the called function's body (``_inline``)
    inlined: int = 0
    source: str = ""

    def name(self, value: Any, prefix: str = "K") -> str:
        """A global name for ``value`` in the generated code."""
        key = f"{prefix}{len(self.names)}"
        self.names[key] = value
        return key

    def live_out(self) -> set[str]:
        """The slots read after the replay: written back into tensors, or returned."""
        return {slot for _, slot, _ in self.writes} | set(self.results)

    def last_uses(self) -> dict[str, int]:
        """Each slot's last reading instruction, by index."""
        last: dict[str, int] = {}
        for index, instr in enumerate(self.instrs):
            for arg in instr.args:
                if isinstance(arg, str):
                    last[arg] = index
        return last

    def drop_dead(self) -> int:
        """Drop the pure instructions whose results nothing reads (a loss computed
        only to call ``backward()`` on, a rule's result for an input that needs no
        gradient), and then those that fed only them; how many were dropped. Eager
        computes them and throws them away: the results the program keeps are the
        same bits either way."""
        live = self.live_out()
        kept: list[Instr] = []
        for instr in reversed(self.instrs):
            if instr.pure and not any(out in live for out in instr.outs if out):
                continue
            live.update(arg for arg in instr.args if isinstance(arg, str))
            kept.append(instr)
        dropped = len(self.instrs) - len(kept)
        self.instrs = kept[::-1]
        return dropped

    def build(self, arity: int) -> Any:
        """The replay function ``replay(a0, …)``: generated straight-line code."""
        live_out, last = self.live_out(), self.last_uses()
        lines = [f"def replay({', '.join(f'a{i}' for i in range(arity))}):"]
        for condition, _ in self.guards:
            lines.append(f"    if not ({condition}): return MISS")
        for slot, expression in self.reads:
            lines.append(f"    {slot} = {expression}")
        frees = 0
        # inputs that no instruction reads are freed at once
        unused = [slot for slot, _ in self.reads if slot not in last and slot not in live_out]
        if unused:
            lines.append(f"    del {', '.join(unused)}")
            frees += len(unused)
        live = peak = len(self.reads) - len(unused)
        named: dict[int, str] = {}  # id(object) -> its name, for what inlining reads

        def constant(value: Any) -> str:
            key = named.get(id(value))
            if key is None or self.names[key] is not value:
                key = named[id(value)] = self.name(value)
            return key

        self.inlined = 0
        for index, instr in enumerate(self.instrs):
            parts = [arg if isinstance(arg, str) else arg.text if isinstance(arg, Ref)
                     else constant(arg.value) for arg in instr.args]
            call = inline(instr.fn, parts, instr.params, constant)
            if call is not None:
                self.inlined += 1
            else:
                if instr.params:
                    parts.append(f"**{self.name(instr.params, 'P')}")
                call = f"{self.name(instr.fn, 'F')}({', '.join(parts)})"
            outs = [out or "_" for out in instr.outs]
            if not outs:
                lines.append(f"    {call}  # {instr.label}")
            else:
                target = outs[0] if instr.single else ", ".join(outs) + (
                    "," if len(outs) == 1 else "")
                lines.append(f"    {target} = {call}  # {instr.label}")
            dead = sorted({arg for arg in instr.args if isinstance(arg, str)
                           and last.get(arg) == index and arg not in live_out}
                          | {out for out in instr.outs if out is not None
                             and out not in last and out not in live_out})
            live += sum(out is not None for out in instr.outs)
            peak = max(peak, live)
            if dead:
                lines.append(f"    del {', '.join(dead)}")
                frees += len(dead)
                live -= len(dead)
        for expression, slot, bumps in self.writes:
            lines.append(f"    {expression}._array = {slot}")
            if bumps:
                lines.append(f"    {expression}._version += {bumps}")
        lines.append(f"    return ({''.join(slot + ', ' for slot in self.results)})")
        self.source = "\n".join(lines) + "\n"
        self.frees = frees
        self.peak = peak
        # the names are a factory's parameters, so the replay reads them as closure
        # cells (LOAD_DEREF) rather than through the globals dict
        factory = (f"def make({', '.join(self.names)}):\n"
                   + "".join(f"    {line}\n" for line in lines) + "    return replay\n")
        scope: dict[str, Any] = {"MISS": MISS}
        exec(compile(factory, "<autodiff.compile>", "exec"), scope)
        return scope["make"](**self.names)
