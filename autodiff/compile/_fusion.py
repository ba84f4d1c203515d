"""Kernel fusion: a run of consecutive elementwise instructions becomes one kernel, on a
backend that compiles kernels (``Backend.fuse_elementwise``: cupy's elementwise
kernels). On a GPU each instruction is a kernel launch and a pass over memory; fused,
the run is one launch, and what one step makes the next reads from registers.

A run is of consecutive instructions with one result each, every array they read of
the run's shape and dtype, real, and whose function is one expression
(``_inline.bind``): the backend is handed each step as an expression tree over slot
names and named values (the namespace, a Python number, an operator), and writes the
kernel, or declines (a step it has no exact elementwise form for: a ``cumsum`` keeps
its shape but is not elementwise; the run is then left as it is).

A kernel is taken only after it gave the very bits the unfused instructions give: both
run once on made-up inputs of the traced shapes, and each result is compared, bit for
bit and layout for layout. A backend's kernel that rounds differently (a fused
multiply-add, another library's ``cos``) is never used, and a compile error leaves the
run unfused too.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

from ._blocked import elementwise_shape
from ._inline import bind
from ._program import Const, Instr, Program


@dataclass
class _Run:
    start: int
    stop: int
    key: Any  # (shape, dtype)
    steps: list[tuple[str, ast.expr]]
    values: dict[str, Any]


@dataclass
class Elementwise:
    """What a backend's ``fuse_elementwise`` is handed: the run's steps in order, each
    ``(slot, expression)`` over the input slots, earlier steps' slots and the names of
    ``values``; the slots the kernel returns, in order; the shared dtype."""

    inputs: list[str]
    steps: list[tuple[str, ast.expr]]
    outputs: list[str]
    values: dict[str, Any]
    dtype: Any


def fuse_runs(program: Program, kept: list[Any], owners: dict[str, Any]
              ) -> list[tuple[str, str | None]]:
    """Rewrite each fusable run (see the module) into one instruction calling the
    backend's kernel; ``kept[n]`` is slot ``vn``'s array as traced. Returns, per run,
    the labels of its steps and None where it was fused, else why not."""
    backends = set(owners.values())
    backend = backends.pop() if len(backends) == 1 else None
    fuse = getattr(backend, "fuse_elementwise", None)
    if fuse is None:
        return []
    live_out, last = program.live_out(), program.last_uses()
    runs: list[_Run] = []
    current: _Run | None = None
    for index, instr in enumerate(program.instrs):
        # any function of one shape: the backend writes only what it knows elementwise
        shape = elementwise_shape(instr, kept, backend, declared=False)
        step = _step(index, instr) if shape is not None and _same_dtype(instr, kept) else None
        # a run has one shape and one dtype: its kernel's one type
        key = (shape, kept[int(str(instr.outs[0])[1:])].dtype) if step is not None else None
        if current is not None and step is not None and key == current.key:
            current.steps.append(step[:2])
            current.values.update(step[2])
            current.stop = index + 1
            continue
        if current is not None and len(current.steps) >= 2:
            runs.append(current)
        current = None if step is None else _Run(index, index + 1, key, [step[:2]],
                                                  dict(step[2]))
    if current is not None and len(current.steps) >= 2:
        runs.append(current)
    made: list[tuple[str, str | None]] = []
    for run in reversed(runs):  # later runs first: the earlier indices stay valid
        start, stop, steps, values = run.start, run.stop, run.steps, run.values
        instrs = program.instrs[start:stop]
        inputs: list[str] = []
        outs = {slot for slot, _ in steps}
        for arg in (arg for instr in instrs for arg in instr.args):
            if isinstance(arg, str) and arg not in outs and arg not in inputs:
                inputs.append(arg)
        outputs = [slot for slot, _ in steps if slot in live_out or last.get(slot, -1) >= stop]
        if not outputs:
            continue
        spec = Elementwise(inputs, steps, outputs, values, run.key[1])
        labels = ", ".join(instr.label for instr in instrs)
        kernel, why = _checked(fuse, spec, instrs, kept, backend)
        made.append((labels, why))
        if kernel is not None:
            program.instrs[start:stop] = [Instr(f"fused: {labels}", kernel, tuple(inputs),
                                                None, tuple(outputs), single=False,
                                                steps=instrs)]
    return made[::-1]


def _same_dtype(instr: Instr, kept: list[Any]) -> bool:
    """Whether every array the instruction reads has its result's dtype (a kernel's one
    type; a 0-d array beside it would promote differently)."""
    dtype = kept[int(str(instr.outs[0])[1:])].dtype
    return all(kept[int(arg[1:])].dtype == dtype and kept[int(arg[1:])].ndim
               for arg in instr.args if isinstance(arg, str))


def _step(index: int, instr: Instr) -> tuple[str, ast.expr, dict[str, Any]] | None:
    """The instruction as ``(slot, expression, values)``: its constants are named
    ``c<index>_<n>`` in ``values``."""
    if instr.params or len(instr.outs) != 1 or instr.outs[0] is None:
        return None
    values: dict[str, Any] = {}

    def name(value: Any) -> str:
        key = f"c{index}_{len(values)}"
        values[key] = value
        return key

    parts = [arg if isinstance(arg, str) else name(arg.value) for arg in instr.args
             if isinstance(arg, (str, Const))]
    if len(parts) != len(instr.args):
        return None
    tree = bind(instr.fn, parts, None, name)
    return None if tree is None else (instr.outs[0], tree, values)


def _checked(fuse: Any, spec: Elementwise, instrs: list[Instr], kept: list[Any],
             backend: Any) -> tuple[Any, str | None]:
    """The backend's kernel for ``spec`` where it gives the unfused steps' bits (and
    layouts) on made-up inputs of the traced shapes, else None and why not."""
    xp = backend.xp
    traced = [kept[int(slot[1:])] for slot in spec.inputs]
    if not all(_c_order(array) for array in traced):
        return None, "an input is not in C order"  # a kernel's result is
    try:
        kernel = fuse(spec)
        if kernel is None:
            return None, "the backend has no exact form for a step"
        inputs = [_sample(xp, array, index) for index, array in enumerate(traced)]
        copies = [backend.copy(array) for array in inputs]  # in-place steps write them
        got = kernel(*inputs)
        want = _unfused(instrs, spec, copies)
    except Exception as error:  # a kernel the library cannot build or run: as it is
        return None, f"the kernel failed: {type(error).__name__}: {str(error)[:200]}"
    if len(got) != len(want):
        return None, "the kernel gave another number of results"
    for a, b in zip(got, want, strict=True):
        # the layout too: a later matrix product on another layout adds in another order
        if (a.shape != b.shape or a.dtype != b.dtype
                or getattr(a, "strides", None) != getattr(b, "strides", None)
                or not bool(xp.all(((a == b) | (xp.isnan(a) & xp.isnan(b)))
                                   & (xp.signbit(a) == xp.signbit(b))))):
            return None, "the kernel's results differ from the steps' (bits or layout)"
    return kernel, None


def _c_order(array: Any) -> bool:
    """Whether ``array`` lies in C order (true of a library that shows no strides)."""
    strides = getattr(array, "strides", None)
    if strides is None:
        return True
    expected, step = [], array.dtype.itemsize
    for size in reversed(array.shape):
        expected.append(step)
        step *= size
    return all(size == 1 or stride == want for size, stride, want in zip(
        array.shape, strides, reversed(expected), strict=True))


def _sample(xp: Any, like: Any, index: int) -> Any:
    """Made-up values of ``like``'s shape, dtype and device: both signs, small and large
    magnitudes, a different spread per input (no random draw: the user's stream stays
    as it was)."""
    values = xp.linspace(-2.5 - index, 3.5 + 0.37 * index, math.prod(like.shape),
                         dtype=like.dtype,
                         device=getattr(like, "device", None))
    return xp.reshape(values, like.shape)


def _unfused(instrs: list[Instr], spec: Elementwise, inputs: list[Any]) -> list[Any]:
    """What the run's instructions compute on ``inputs``, as the program calls them."""
    slots = dict(zip(spec.inputs, inputs, strict=True))
    for instr in instrs:
        args = [slots[arg] if isinstance(arg, str) else arg.value for arg in instr.args]
        slots[str(instr.outs[0])] = instr.fn(*args)
    return [slots[slot] for slot in spec.outputs]
