"""The recorder: while a call runs eagerly, every op's forward, every backward rule,
every in-place write and ``.grad`` update is recorded on raw arrays into a ``Program``.

Arrays are told apart by identity: the recorder keeps each array it has seen alive for
the trace, so an ``id`` names one array. An array the program did not make is an input,
read from the tensor that held it (an argument, or a tensor reached from ``fn``:
parameters, optimizer state) at each replay. A tensor the call made outside the ops
(``ad.tensor(...)``, a backward seed) is a constant, copied afresh at each replay.
What cannot be recorded soundly ends the trace (``GraphBreak``): the call goes on
eagerly and the function is not replayed.
"""

from __future__ import annotations

import weakref
from typing import Any

from .. import _mode, _views
from .._tensor import Tensor
from ._hooks import StateHooks
from ._program import Const, GraphBreak, Instr, Program, Ref
from ._values import (
    coercing,
    describe,
    describe_array,
    fields_of,
    filling,
    fn_key,
    template_of,
    where,
)

#: forwards from these modules draw random numbers: a replay would not redraw them
_RANDOM_MODULES = ("autodiff.ops.random", "autodiff.ops.random_more", "autodiff.ops.dropout",
                   "autodiff.nn._init_draws")
#: array attributes a guard compares (the program is specialised to them)
_FLOAT_KINDS = ("real floating", "complex floating")
#: primitives whose output shape depends on their input's values
_VALUE_SHAPED = frozenset(("nonzero", "unique_all", "unique_counts", "unique_dim",
                           "unique_inverse", "unique_values"))


def _holds_array(value: Any, any_dtype: bool) -> bool:
    """Whether ``value`` (parameters) holds a boolean array (a mask as an index: the
    selection's size is the count of its true values), or any array if ``any_dtype``."""
    if isinstance(value, dict):
        return any(_holds_array(item, any_dtype) for item in value.values())
    if isinstance(value, (tuple, list)):
        return any(_holds_array(item, any_dtype) for item in value)
    fields = fields_of(value)
    if fields:
        return _holds_array(fields, any_dtype)
    dtype = getattr(value, "dtype", None)
    if not isinstance(getattr(value, "shape", None), tuple) or dtype is None:
        return False
    return any_dtype or "bool" in str(dtype)


class Recorder(StateHooks):
    """The tracer ``_mode.tracing.active`` points at while a call is traced."""

    def __init__(self, args: list[Tensor], fullgraph: bool) -> None:
        self.program = Program()
        self.fullgraph = fullgraph
        self.slots: dict[int, str] = {}  # id(array) -> the slot now holding it
        self.kept: list[Any] = []  # every array seen (slot vN's is kept[N]): ids stay unique
        self.refs: dict[int, str] = {}  # id(tensor) -> its expression in the code
        self.tensors: dict[int, Tensor] = {}  # the tensors named by refs
        self.first: dict[int, Any] = {}  # id(input tensor) -> its array when first read
        self.writes: dict[int, list[Any]] = {}  # id(tensor) -> [expression, slot, bumps]
        self.grad_known: set[int] = set()  # tensors whose .grad the program has set
        self.born: set[int] = set()  # tensors made during the call outside the ops
        #: the arrays made from Python data during the call (``_mode.from_data``), by id
        self.constants: dict[int, Any] = {}
        self.modules: set[Any] = set()  # the modules whose call is guarded
        self.made: list[weakref.ref[Tensor]] = []  # every op's result tensor
        self.signature: list[Any] = []
        self.broken: str | None = None
        self.backward_runs = 0
        self.count = 0
        self.owners: dict[str, Any] = {}  # a slot an instruction made -> its backend
        #: each named tensor's ``.grad`` when first named, and the ``.grad`` the
        #: program leaves where it sets one (``finish`` compares: a change the program
        #: does not make would not be replayed)
        self.grads_seen: dict[int, tuple[Tensor, Any]] = {}
        self.grads_set: dict[int, Any] = {}
        #: each named tensor's array when first named (``finish``: one the program does
        #: not write must hold it still)
        self.arrays_seen: dict[int, Any] = {}
        for index, tensor in enumerate(args):
            self.refs[id(tensor)] = f"a{index}"
            self.tensors[id(tensor)] = tensor
            self.grads_seen[id(tensor)] = (tensor, tensor._grad)
            self.arrays_seen[id(tensor)] = tensor._array
            self._input(tensor, f"a{index}._array", tensor._array)

    # -- slots ----------------------------------------------------------------

    def _new(self, array: Any) -> str:
        name = f"v{self.count}"
        self.count += 1
        self.slots[id(array)] = name
        self.kept.append(array)
        return name

    def _input(self, tensor: Tensor, expression: str, array: Any) -> str:
        slot = self._new(array)
        self.program.reads.append((slot, expression))
        self.first[id(tensor)] = array
        shape, dtype = self.program.name(tuple(array.shape)), self.program.name(array.dtype)
        condition = f"{expression}.shape == {shape} and {expression}.dtype == {dtype}"
        text = f"{expression}: shape {tuple(array.shape)}, dtype {tensor.dtype.name}"
        strides = getattr(array, "strides", None)
        if isinstance(strides, tuple) and array.ndim > 1:
            # the layout decides the layouts of what is made from it, and so the order
            # in which a matrix product or a reduction adds: a replay is specialised
            # on it, as eager's bits are
            condition += f" and {expression}.strides == {self.program.name(strides)}"
            text += f", strides {strides}"
        self.program.guards.append((condition, text))
        self.signature.append(("in", expression, tuple(array.shape), str(array.dtype)))
        return slot

    def ref(self, tensor: Tensor) -> str:
        """The expression naming ``tensor`` in the replay (an argument or a held one)."""
        key = id(tensor)
        name = self.refs.get(key)
        if name is None:
            if key in self.born:
                self.fail("a tensor made inside the function is updated in place")
            name = self.refs[key] = self.program.name(tensor, "T")
            self.tensors[key] = tensor
            self.grads_seen[key] = (tensor, tensor._grad)
            self.arrays_seen[key] = tensor._array
            self.signature.append(("tensor", name, key))
        return name

    def slot(self, tensor: Tensor) -> str:
        """The slot holding ``tensor``'s array, made an input on a first read."""
        array = tensor._array
        name = self.slots.get(id(array))
        if name is not None:
            return name
        key = id(tensor)
        if key in self.first:  # read before, and since rebound outside the trace
            self.fail("a tensor's array was replaced outside the recorded ops")
        if key in self.born:
            if id(array) not in self.constants:
                # computed from tensors' arrays outside the recorded ops: as a constant
                # a replay would keep the trace's values
                raise GraphBreak("a tensor computed outside the recorded ops reached an "
                                 f"op (at {where(user=True)})")
            return self._constant(tensor)
        ref = self.ref(tensor)
        # whether it requires grad decides which rules a backward runs
        self.program.guards.append((f"{ref}._requires_grad is {tensor._requires_grad}",
                                    f"{ref}.requires_grad is {tensor._requires_grad}"))
        return self._input(tensor, f"{ref}._array", array)

    def _constant(self, tensor: Tensor) -> str:
        """A tensor made during the call outside the ops: its values, copied afresh at
        each replay (in-place writes must not reach the recorded copy)."""
        array = tensor._array
        backend = tensor._backend
        original = backend.copy(array)
        slot = self._new(array)
        self.program.reads.append(
            (slot, f"{self.program.name(backend.copy, 'F')}({self.program.name(original)})"))
        self.signature.append(("const", describe_array(array, backend)))
        return slot

    def array(self, array: Any) -> str:
        name = self.slots.get(id(array))
        if name is None:
            self.fail("an array the trace did not make reached a rule")
        return name  # type: ignore[return-value]

    # -- recording ------------------------------------------------------------

    def emit(self, label: str, fn: Any, args: list[Any], params: dict[str, Any] | None,
             results: list[Any], single: bool = True, backend: Any = None,
             pure: bool = False) -> None:
        """Record ``fn(*args, **params)`` that gave ``results`` (arrays or None), the
        arrays of ``backend`` where it is given (their memory may be reused); ``pure``
        where the call does nothing but compute its results."""
        if params:
            # arrays among the parameters (an index tensor's, in a key) are slots too:
            # the replay fills them in, rather than reusing the traced ones
            holes: list[str] = []
            template = template_of(params, self.slots, holes, self.constants)
            if holes:
                fn = filling(fn, len(args), template)
                args = [*args, *holes]
                params = None
                self.signature.append(("template", describe(template)))
        outs = tuple(None if result is None else self._new(result) for result in results)
        if backend is not None:
            self.owners.update((out, backend) for out in outs if out is not None)
        self.program.instrs.append(Instr(label, fn, tuple(args), params or None, outs, single,
                                         pure=pure))
        self.signature.append((label, fn_key(fn), tuple(
            arg if isinstance(arg, str) else arg.text if isinstance(arg, Ref)
            else describe(arg.value) for arg in args),
            describe(params or {}), tuple(out is None for out in outs)))

    def fail(self, reason: str) -> None:
        raise GraphBreak(f"{reason} (at {where()})")

    def stop(self, reason: str) -> None:
        """End the trace: the rest of the call runs eagerly, unrecorded."""
        if self.broken is None:
            self.broken = reason
        _mode.tracing.active = None
        if self.fullgraph:
            raise RuntimeError(f"autodiff.compile(fullgraph=True): graph break: {reason}")

    def guarded(self, method: Any, *args: Any) -> Any:
        try:
            return method(*args)
        except GraphBreak as error:
            self.stop(str(error))
            return None

    # -- the hooks the engine calls ---------------------------------------------

    def op(self, prim: Any, forward: Any, args: tuple[Any, ...], params: Any,
           result: Tensor) -> None:
        self.guarded(self._op, prim, forward, args, params, result)

    def _op(self, prim: Any, forward: Any, args: tuple[Any, ...], params: Any,
            result: Tensor) -> None:
        if getattr(forward, "__module__", "") in _RANDOM_MODULES:
            self.fail(f"{prim.name} draws random numbers")
        if _mode.state.forward_levels:
            self.fail("forward-mode AD")
        if params and any(isinstance(value, dict) for value in params.values()):
            # a memo shared by the calls of one op (unique_all's fields): state per call
            self.fail(f"{prim.name} keeps state in a parameter")
        if prim.name in _VALUE_SHAPED or (params and _holds_array(
                params, prim.name == "repeat")):
            # a shape the values decide: the counts, fits and parameters recorded
            # downstream (a mean's count, say) would be the trace's
            self.fail(f"{prim.name}'s output shape depends on its input's values")
        self.made.append(weakref.ref(result))
        backend = None
        slots: list[Any] = []
        for arg in args:
            if isinstance(arg, Tensor):
                backend = backend or arg._backend
                slots.append(self.slot(arg))
            else:
                slots.append(Const(arg))
        out = result._array
        call = [Const(backend.xp), *slots]  # type: ignore[union-attr]
        fn = forward
        direct = getattr(forward, "direct", None)
        if direct is not None and all(arg.dtype.kind in _FLOAT_KINDS for arg in args
                                      if isinstance(arg, Tensor)):
            # an elementwise forward's promotion of integer inputs is a no-op on
            # floating ones (their dtypes are guarded): the replay calls what it wraps
            fn = direct
        if out.ndim == 0:  # numpy answers 0-d math with a scalar: the op coerces it
            fn = coercing(forward, result._backend)
        self.emit(prim.name, fn, call, dict(params) if params else None, [out],
                  backend=result._backend, pure=True)

    def store(self, tensor: Tensor, update: Any, value: Any, bumps: int = 1) -> Any:
        """An in-place write ``tensor._array = update(tensor._array, value)``, which
        counts ``bumps`` writes in the tensor's version (``.data =`` counts none)."""
        if self.guarded(self._check_store, tensor) is False or _mode.tracing.active is None:
            return update(tensor._array, value)
        target = self.slot(tensor)
        source = self.slots.get(id(value)) if not isinstance(value, (int, float)) else None
        if source is None and not isinstance(value, (int, float)):
            self.stop(f"an unrecorded array written in place (at {where()})")
            return update(tensor._array, value)
        new = update(tensor._array, value)
        arg = source if source is not None else Const(value)
        self.emit("write", update, [target, arg], None, [new])
        key = id(tensor)
        expression = None
        if key in self.first or key in self.writes:  # state the replay writes back
            expression = self.ref(tensor)
        elif new is not tensor._array:
            # a write that rebinds (immutable arrays) into a tensor the call did not read
            # but which outlives it: a named tensor's .grad, which the replay must rebind
            # too (an intermediate's new array is followed by its slot alone)
            expression = next((f"{self.refs[owner]}._grad" for owner, named in
                               self.tensors.items() if named._grad is tensor
                               and owner in self.refs), None)
        if expression is not None:
            entry = self.writes.setdefault(key, [expression, "", 0])
            entry[1] = self.slots[id(new)]
            entry[2] += bumps
            self.tensors.setdefault(key, tensor)
        return new

    def _check_store(self, tensor: Tensor) -> bool:
        # On a mutable backend a write into a view is a write into the memory its base
        # shares, which the replay repeats as it is; what the trace does not follow is
        # a recorded write through a differentiable view (the base's history is
        # rewritten) and, on immutable arrays, the rebinding of every alias
        view = tensor._view
        if not tensor._backend.mutable_arrays and view is not None:
            self.fail("an in-place write into a tensor with views, on immutable arrays")
        if view.__class__ is _views.ViewOf and view.differentiable and _mode.state.enabled:
            self.fail("an in-place write through a differentiable view")
        return True

    def backward(self, roots: Any, grads: Any, retain_graph: bool, create_graph: bool,
                 inputs: Any, capture: Any) -> Any:
        """The recording the engine's loop runs this pass with (None: unrecorded)."""
        from ._backward import start_recording

        if (create_graph or inputs is not None or capture is not None
                or _mode.state.forward_levels):
            self.stop("backward with create_graph, inputs, autograd.grad or forward-mode "
                      f"AD (at {where()})")
            return None
        try:
            return start_recording(self, roots, grads)
        except GraphBreak as error:
            self.stop(str(error))
            return None


