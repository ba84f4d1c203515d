"""Cache blocking: a run of consecutive positionwise instructions over large arrays of
one shape runs block by block, so that what one instruction writes the next reads
from the cache rather than from memory.

An optimizer's update ``p -= lr * g`` on a 1024 x 1024 float32 weight is two passes
over memory: ``lr * g`` writes a 4 MiB temporary, and ``-=`` reads it back. Blocked,
each 256 KiB slice of the temporary is made and consumed while it is in the cache:
the pair runs about 1.6x faster (PyTorch's fused optimizers and XLA's loop fusion win
the same traffic back). Each instruction still calls its own function, on slices of
its arguments, so each element is the same operation on the same operands: the bits
are the unblocked ones.

An instruction may join a run when:

* its function is declared positionwise (``autodiff._rules.positionwise``: each element
  of the result is one exactly rounded operation on the elements at the same position)
  or is one of Python's in-place arithmetic operators (``p -= u`` on arrays);
* every array it reads has the run's shape, or is 0-d (broadcast whole), and its
  result has the run's shape; no complex dtype (a complex product is not one
  rounding);
* its result is a new array in one contiguous piece in C order (the layout of the
  arrays the run makes whole), or the very array of one of its arguments (an
  in-place form: ``-=``, or ``autodiff.compile``'s buffer reuse).

A run of two or more such instructions over arrays of at least ``MIN_BLOCKS`` blocks
(``Backend.block_bytes``: only a backend that sets it is blocked) becomes one
instruction. At each replay it checks that every full-shape array it reads owns its
memory in one contiguous piece (``Backend.flat``): two distinct such arrays never
overlap, so a write into one slice of one of them reaches no other element any later
instruction or block reads. Where that fails, the run calls its instructions on the
whole arrays, as the unblocked program would.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Any

from ._program import Const, Instr, Program

#: Python's in-place operators, which the replay calls on arrays (``p -= u``) and
#: which are positionwise on equal shapes; builtins cannot carry the declaration
_OPERATORS = frozenset({operator.iadd, operator.isub, operator.imul, operator.itruediv})
#: the fewest blocks worth a run: smaller arrays stay in the cache between passes anyway
MIN_BLOCKS = 4


@dataclass
class Run:
    """A run under construction: its first instruction and its shape."""

    start: int
    shape: tuple[int, ...]
    stop: int = 0


def _positionwise(fn: Any) -> bool:
    return getattr(fn, "positionwise", False) is True or fn in _OPERATORS


def block_runs(program: Program, kept: list[Any], owners: dict[str, Any]) -> int:
    """Rewrite each run of blockable instructions (see the module) into one instruction
    that runs them block by block; ``kept[n]`` is slot ``vn``'s array as traced,
    ``owners`` each made slot's backend (a program on one backend only is blocked).
    Returns how many runs were made."""
    backends = set(owners.values())
    backend = backends.pop() if len(backends) == 1 else None
    block_bytes = getattr(backend, "block_bytes", None)
    if not block_bytes:
        return 0
    live_out, last = program.live_out(), program.last_uses()
    runs: list[Run] = []
    current: Run | None = None
    for index, instr in enumerate(program.instrs):
        shape = _blockable(instr, kept, backend)
        if current is not None and shape == current.shape:
            current.stop = index + 1
            continue
        if current is not None and current.stop - current.start >= 2:
            runs.append(current)
        current = None if shape is None else Run(index, shape, index + 1)
    if current is not None and current.stop - current.start >= 2:
        runs.append(current)
    made = 0
    for run in reversed(runs):  # later runs first: the earlier indices stay valid
        steps = program.instrs[run.start:run.stop]
        itemsize = max(kept[int(str(instr.outs[0])[1:])].dtype.itemsize for instr in steps)
        size = math.prod(run.shape)
        block = max(1, block_bytes // itemsize)
        if size < MIN_BLOCKS * block:
            continue
        program.instrs[run.start:run.stop] = [
            _fused(steps, kept, backend, block, size, last, live_out, run.stop - 1)]
        made += 1
    return made


def _blockable(instr: Instr, kept: list[Any], backend: Any) -> tuple[int, ...] | None:
    """The shape of a run this instruction may join, or None."""
    shape = elementwise_shape(instr, kept, backend)
    if shape is not None and _alias(instr, kept) is None and backend.flat(
            kept[int(str(instr.outs[0])[1:])]) is None:
        # eager made it as a view or in another layout than the run's whole arrays
        # (C order): an input of the run is then so too, and the run would fall back
        return None
    return shape


def elementwise_shape(instr: Instr, kept: list[Any], backend: Any,
                      declared: bool = True) -> tuple[int, ...] | None:
    """The shape of the instruction's one result where every array it reads has that
    shape or is 0-d, all real, and (with ``declared``) its function is positionwise;
    else None."""
    if (not instr.single or instr.params or len(instr.outs) != 1 or instr.outs[0] is None
            or (declared and not _positionwise(instr.fn))):
        return None
    result = kept[int(instr.outs[0][1:])]
    if type(result) is not backend.array_type or result.ndim == 0 or not _real(
            backend, result):
        return None
    for arg in instr.args:
        if isinstance(arg, str):
            array = kept[int(arg[1:])]
            if type(array) is not backend.array_type or not _real(backend, array) or (
                    array.ndim and array.shape != result.shape):
                return None
        elif not isinstance(arg, Const) or (
                isinstance(getattr(arg.value, "shape", None), tuple) and arg.value.shape):
            return None  # a tensor named in the code, or an array constant other than 0-d
    return tuple(result.shape)


def _real(backend: Any, array: Any) -> bool:
    return not backend.xp.isdtype(array.dtype, "complex floating")


def _alias(instr: Instr, kept: list[Any]) -> int | None:
    """The argument whose array the instruction's result is (its in-place form), if any."""
    if instr.writes is not None:
        return instr.writes
    result = kept[int(instr.outs[0][1:])]  # type: ignore[index]
    for position, arg in enumerate(instr.args):
        if isinstance(arg, str) and kept[int(arg[1:])] is result:
            return position
    return None


def _fused(steps: list[Instr], kept: list[Any], backend: Any, block: int, size: int,
           last: dict[str, int], live_out: set[str], end: int) -> Instr:
    """One instruction running ``steps`` block by block, as generated code."""
    made = {str(instr.outs[0]) for instr in steps}  # each step has its one result
    inputs: list[str] = []  # the slots the run reads from before it
    for instr in steps:
        for arg in instr.args:
            if isinstance(arg, str) and arg not in made and arg not in inputs:
                inputs.append(arg)
    full = [slot for slot in inputs if kept[int(slot[1:])].ndim]
    # each made slot's storage: the slot whose array it is (an in-place result's is its
    # argument's); the roots of what is read after the run are made whole
    root: dict[str, str] = {}
    for instr in steps:
        out: str = instr.outs[0]  # type: ignore[assignment]
        position = _alias(instr, kept)
        arg = instr.args[position] if position is not None else None
        root[out] = root.get(arg, arg) if isinstance(arg, str) else out
    outs = [out for out in root if out in live_out or last.get(out, -1) > end]
    whole = sorted({root[out] for out in outs if root[out] in made})
    names: dict[str, Any] = {"flat": backend.flat, "empty": backend.xp.empty}
    sliced = set(full) | made
    returned = f"    return ({''.join(root[out] + ', ' for out in outs)})"
    lines = [f"def run({', '.join(inputs)}):"]
    lines += [f"    f_{slot} = flat({slot})" for slot in full]
    # a full-shape input that is a view, or not in one piece: the whole arrays
    lines.append(f"    if {' or '.join(f'f_{slot} is None' for slot in full) or 'False'}:")
    lines += [f"        {_call(instr, names, set(), '')}" for instr in steps]
    lines.append(f"        return ({''.join(out + ', ' for out in outs)})")
    for slot in whole:
        array = kept[int(slot[1:])]
        names[f"S_{slot}"], names[f"D_{slot}"] = tuple(array.shape), array.dtype
        lines.append(f"    {slot} = empty(S_{slot}, dtype=D_{slot})")
        lines.append(f"    f_{slot} = flat({slot})")
    lines.append(f"    for s in range(0, {size}, {block}):")
    lines.append(f"        e = s + {block}")
    lines += [f"        b_{slot} = f_{slot}[s:e]" for slot in full]
    for instr in steps:
        out = instr.outs[0]  # type: ignore[assignment]
        lines.append(f"        {_call(instr, names, sliced, 'b_')}")
        if out in whole:  # made whole: its slice written, later steps read the slice
            lines.append(f"        f_{out}[s:e] = b_{out}")
            lines.append(f"        b_{out} = f_{out}[s:e]")
    lines.append(returned)
    scope: dict[str, Any] = {}
    factory = (f"def make({', '.join(names)}):\n"
               + "".join(f"    {line}\n" for line in lines) + "    return run\n")
    exec(compile(factory, "<autodiff.compile: blocked>", "exec"), scope)
    return Instr(f"blocked: {', '.join(instr.label for instr in steps)}",
                 scope["make"](**names), tuple(inputs), None, tuple(outs), single=False,
                 steps=steps)


def _call(instr: Instr, names: dict[str, Any], sliced: set[str], prefix: str) -> str:
    """``out = fn(args)``, the slots in ``sliced`` named by their slice (``b_vN``)."""
    fn = f"G{len(names)}"
    names[fn] = instr.fn
    parts = []
    for arg in instr.args:
        if isinstance(arg, Const):
            parts.append(f"C{len(names)}")
            names[parts[-1]] = arg.value
        else:
            parts.append(f"{prefix}{arg}" if arg in sliced else arg)
    out = instr.outs[0]
    return f"{prefix if out in sliced else ''}{out} = {fn}({', '.join(parts)})  # {instr.label}"
