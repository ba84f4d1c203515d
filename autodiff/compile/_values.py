"""The values a trace deals in: descriptions of constants (to tell whether two traces
agree), templates of parameters that hold arrays, and the small wrappers a program
calls."""

from __future__ import annotations

import hashlib
import math
import os
import traceback
from typing import Any

import numpy as np

from .._tensor import Tensor
from ._program import GraphBreak

_SMALL_CONSTANT = 64


_COMPILE_DIR = os.path.dirname(os.path.abspath(__file__))
_PACKAGE_DIR = os.path.dirname(_COMPILE_DIR)


def where(user: bool = False) -> str:
    """``file:line`` of the innermost frame outside autodiff.compile (the read), or,
    with ``user``, outside autodiff (the caller's line that reached it)."""
    inside = _PACKAGE_DIR if user else _COMPILE_DIR
    for frame in reversed(traceback.extract_stack()):
        if not os.path.abspath(frame.filename).startswith(inside):
            return f"{frame.filename}:{frame.lineno}"
    return "<unknown>"


def describe(value: Any) -> Any:
    """A comparable description of a constant, for the check that two traces agree."""
    if value is None or isinstance(value, (bool, int, float, complex, str)):
        return (type(value).__name__, repr(value))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(describe(item) for item in value))
    if isinstance(value, dict):
        return ("dict", tuple((key, describe(item)) for key, item in value.items()))
    if isinstance(value, slice):
        return ("slice", repr(value))
    if type(value).__name__ in ("Hole", "Rebuild"):
        return ("hole", repr(value))
    fields = fields_of(value)
    if fields:
        return (type(value).__name__, describe(fields))
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and getattr(value, "dtype", None) is not None:
        size = 1
        for extent in shape:
            size *= int(extent)
        if size <= _SMALL_CONSTANT:
            return ("array", tuple(shape), str(value.dtype), _bytes(value))
    return ("object", id(value))


def describe_array(array: Any, backend: Any) -> Any:
    """``describe`` for an array the call made from Python data (a zero initial state):
    a large one by a digest of its contents, read through its backend, so that two
    traces making the same values agree (a lazy library's is not computed for it: its
    identity stands)."""
    if math.prod(int(extent) for extent in array.shape) <= _SMALL_CONSTANT or backend.lazy:
        return describe(array)
    digest = hashlib.blake2b(backend.to_numpy(array).tobytes(), digest_size=16).hexdigest()
    return ("array", tuple(array.shape), str(array.dtype), digest)


def _bytes(array: Any) -> Any:
    """A small array's exact contents (its identity where the library will not say)."""
    try:
        return np.from_dlpack(array).tobytes()
    except (TypeError, ValueError, RuntimeError, BufferError, AttributeError):
        try:
            return np.asarray(array).tobytes()
        except (TypeError, ValueError, RuntimeError):
            return id(array)


class Hole:
    """Where a slot's array goes in a templated parameter."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hole) and other.index == self.index

    def __hash__(self) -> int:
        return hash(("Hole", self.index))

    def __repr__(self) -> str:
        return f"Hole({self.index})"


def fields_of(value: Any) -> dict[str, Any] | None:
    """The fields of a slotted object of the engine's (an index key), else None."""
    names = getattr(type(value), "__slots__", None)
    if not names or not type(value).__module__.startswith("autodiff."):
        return None
    return {name: getattr(value, name) for name in names if hasattr(value, name)}


class Rebuild:
    """A slotted object to make afresh around filled-in fields."""

    __slots__ = ("kind", "fields")

    def __init__(self, kind: type, fields: dict[str, Any]) -> None:
        self.kind, self.fields = kind, fields

    def __repr__(self) -> str:
        return f"Rebuild({self.kind.__name__}, {self.fields!r})"


def template_of(value: Any, slots: dict[int, str], holes: list[str],
                constants: dict[int, Any]) -> Any:
    """``value`` (an op's parameters) with each array a slot holds replaced by a
    ``Hole`` (its slot appended to ``holes``), so that a replay fills in that slot's
    array rather than the traced one. Any other array must have been made from Python
    data (``constants``): one computed from tensors' arrays outside the recorded ops
    (an index) would be the trace's at every replay."""
    if isinstance(value, (tuple, list)):
        items = [template_of(item, slots, holes, constants) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        return {key: template_of(item, slots, holes, constants)
                for key, item in value.items()}
    if isinstance(getattr(value, "shape", None), tuple) and hasattr(value, "dtype"):
        if id(value) in slots:
            holes.append(slots[id(value)])
            return Hole(len(holes) - 1)
        if id(value) not in constants:
            raise GraphBreak("an array computed outside the recorded ops reached an op as "
                             f"a parameter (at {where(user=True)})")
    fields = fields_of(value)
    if fields:  # a key object (``Take``): rebuilt around its arrays if it holds any
        before = len(holes)
        template = {name: template_of(item, slots, holes, constants)
                    for name, item in fields.items()}
        if len(holes) > before:
            return Rebuild(type(value), template)
    return value


def _fill(template: Any, values: tuple[Any, ...]) -> Any:
    if isinstance(template, Hole):
        return values[template.index]
    if isinstance(template, Rebuild):
        made: Any = object.__new__(template.kind)
        for name, item in template.fields.items():
            setattr(made, name, _fill(item, values))
        return made
    if isinstance(template, (tuple, list)):
        items = [_fill(item, values) for item in template]
        return tuple(items) if isinstance(template, tuple) else items
    if isinstance(template, dict):
        return {key: _fill(item, values) for key, item in template.items()}
    return template


def filling(fn: Any, count: int, template: dict[str, Any]) -> Any:
    """``fn`` called with its parameters' holes filled from its trailing arguments."""
    def run(*args: Any) -> Any:
        return fn(*args[:count], **_fill(template, args[count:]))

    run.__wrapped__ = getattr(fn, "__wrapped__", fn)  # type: ignore[attr-defined]
    return run


def set_grad_none(tensor: Tensor) -> None:
    tensor._grad = None


def replay_check(failed: Any, error: type[BaseException], message: str) -> None:
    """A check of the data (``ops._helpers.raise_if``) as a replay makes it: raise
    ``error(message)`` where the 0-d ``failed`` is true."""
    if bool(failed):
        raise error(message)


def coercing(forward: Any, backend: Any) -> Any:
    array_type, coerce = backend.array_type, backend.coerce

    def run(*args: Any, **params: Any) -> Any:
        out = forward(*args, **params)
        return out if out.__class__ is array_type else coerce(out)

    run.__name__ = getattr(forward, "__name__", "forward")
    run.__wrapped__ = forward  # type: ignore[attr-defined]
    return run


def host_call(fn: Any, xp: Any, dtype: Any, arrays: tuple[bool, ...]) -> Any:
    """``fn`` on its arguments, those where ``arrays`` says so being 0-d arrays read as
    Python floats, its numbers returned as 0-d arrays of ``dtype`` (an optimizer's
    step-dependent scalars, recomputed at each replay)."""
    def run(*args: Any) -> list[Any]:
        values = fn(*[float(arg) if array else arg for arg, array in zip(
            args, arrays, strict=True)])
        return [xp.asarray(value, dtype=dtype) for value in values]

    run.__wrapped__ = fn  # type: ignore[attr-defined]
    return run


def fn_key(fn: Any) -> Any:
    """What identifies a recorded function across two traces (a bound method or a
    wrapper is made afresh each time)."""
    fn = getattr(fn, "__wrapped__", fn)
    owner = getattr(fn, "__self__", None)
    if owner is not None and hasattr(fn, "__func__"):
        return (id(owner), id(fn.__func__))
    return id(fn)


def option_values(opt: Any) -> tuple[Any, ...]:
    """An optimizer's options, group by group. A tensor option (a learning rate a
    schedule fills in place) stands for itself, by identity: its value is read by the
    recorded ops, afresh at each replay."""
    return tuple(tuple((key, ("tensor", id(value)) if isinstance(value, Tensor) else value)
                       for key, value in group.items() if key != "params")
                 for group in opt.param_groups)


def hooks_registered(opt: Any) -> bool:
    """Whether an optimizer has step hooks of its own or global ones."""
    from ..optim._hooks import STEP_POST, STEP_PRE, hooks_of

    return bool(list(hooks_of(opt, STEP_PRE)) or list(hooks_of(opt, STEP_POST)))
