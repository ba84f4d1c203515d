"""Buffer reuse: an instruction whose result has the shape and dtype of an operand
that dies there writes its result into that operand's memory (``a += b`` for
``a + b``), where the backend allows it.

A function a program calls may declare such a form (``autodiff._rules.writes_into``:
``fn.inplace = (position, into)``): ``into`` takes the same arguments, writes the
result into the array at ``position`` and returns it. Its arithmetic is the same, in
the same order, so the bits are too: only the allocation of a new array and the cold
memory it brings are saved (hand-written numpy code does the same with ``+=``).

The operand may be written when, at trace time:

* an instruction of the program made it (never an input: a parameter, an argument),
  and it is not among what the program returns or writes back;
* this instruction is its last use, and it is not passed twice;
* the backend says it owns its memory and may be written (``Backend.exclusive``: not a
  view, not read-only), and it has the result's shape, dtype, type and layout (its
  strides: a column-major sum would send a later matrix product to another BLAS
  call, whose bits differ);
* no other slot alive after this instruction is the same array or a view of it;
* nothing outside the program holds it (a ``.grad`` that took it as is, say): its
  reference count is the recorder's own.

The inputs' shapes, dtypes and strides are guarded, so each replay makes the same
arrays, with the same ownership and layouts, as the trace did.
"""

from __future__ import annotations

import sys
from typing import Any

from ._program import Program

#: references to an array the recorder itself holds while this module looks: its list
#: of every array seen, the local name, and ``getrefcount``'s argument
_OWN_REFERENCES = 3


def _root(array: Any) -> int:
    """The identity of the array whose memory ``array`` views (itself if it owns it)."""
    while (base := getattr(array, "base", None)) is not None:
        array = base
    return id(array)


def reuse_buffers(program: Program, kept: list[Any], owners: dict[str, Any]) -> int:
    """Rewrite the instructions that may write into a dying operand (see the module);
    ``kept[n]`` is slot ``vn``'s array as traced, ``owners`` each made slot's backend.
    Returns how many were rewritten."""
    live_out, last = program.live_out(), program.last_uses()
    made = {out: index for index, instr in enumerate(program.instrs)
            for out in instr.outs if out is not None}  # slot -> the instruction that made it
    by_root: dict[int, list[str]] = {}
    for name in (*made, *(read for read, _ in program.reads)):
        by_root.setdefault(_root(kept[int(name[1:])]), []).append(name)
    rewritten = 0
    for index, instr in enumerate(program.instrs):
        form = getattr(instr.fn, "inplace", None)
        if form is None or not instr.single or instr.outs[0] is None:
            continue
        position, into = form
        slot = instr.args[position] if position < len(instr.args) else None
        if (not isinstance(slot, str) or slot not in made or slot in live_out
                or last[slot] != index or instr.args.count(slot) != 1):
            continue
        if _writable(slot, instr.outs[0], index, kept, owners, by_root, last, live_out,
                     instr.args):
            instr.fn, instr.writes = into, position
            instr.label += " (in place)"
            rewritten += 1
    return rewritten


def _writable(slot: str, out: str, index: int, kept: list[Any], owners: dict[str, Any],
              by_root: dict[int, list[str]], last: dict[str, int], live_out: set[str],
              args: tuple[Any, ...]) -> bool:
    backend = owners.get(slot)
    array, result = kept[int(slot[1:])], kept[int(out[1:])]
    if (backend is None or type(array) is not backend.array_type
            or type(result) is not type(array) or array.shape != result.shape
            or array.dtype != result.dtype or not backend.exclusive(array)
            or getattr(array, "strides", None) != getattr(result, "strides", None)):
        return False
    for other in by_root.get(id(array), ()):
        if other != slot and (other in live_out or last.get(other, -1) > index
                              or other in args):
            return False  # the same memory is read later, or by this instruction
    return sys.getrefcount(array) <= _OWN_REFERENCES
