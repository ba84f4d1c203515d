"""The recorder's hooks on the Python around the ops: ``.grad`` reads and resets, an
optimizer's options and step-dependent numbers, a module's call, the reads and checks
of tensor data, and an op's own computations on arrays derived from tensors' values.
Each either records what a replay must redo or check, or ends the trace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._tensor import Tensor
from ._program import Const, GraphBreak, Program, Ref
from ._values import (
    describe,
    hooks_registered,
    host_call,
    option_values,
    replay_check,
    set_grad_none,
    where,
)


class StateHooks:
    """What ``Recorder`` does for the engine's hooks outside the ops and rules."""

    if TYPE_CHECKING:  # the Recorder's own state and methods, which these use
        program: Program
        signature: list[Any]
        refs: dict[int, str]
        tensors: dict[int, Tensor]
        grad_known: set[int]
        grads_set: dict[int, Any]
        modules: set[Any]
        slots: dict[int, str]
        constants: dict[int, Any]

        def emit(self, label: str, fn: Any, args: list[Any],
                 params: dict[str, Any] | None, results: list[Any],
                 single: bool = True, backend: Any = None, pure: bool = False) -> None: ...

        def fail(self, reason: str) -> None: ...

        def stop(self, reason: str) -> None: ...

        def guarded(self, method: Any, *args: Any) -> Any: ...

        def ref(self, tensor: Tensor) -> str: ...

        def slot(self, tensor: Tensor) -> str: ...

    def grad_read(self, tensor: Tensor) -> None:
        self.guarded(self._grad_read, tensor)

    def _grad_read(self, tensor: Tensor) -> None:
        key = id(tensor)
        grad = tensor._grad
        if key in self.grad_known:
            return
        # the program did not set this .grad: the replay must find it as traced
        ref = self.ref(tensor)
        if grad is None:
            self.program.guards.append((f"{ref}._grad is None", f"{ref}.grad is None"))
            self.signature.append(("grad None", ref))
            return
        self.program.guards.append((f"{ref}._grad is not None", f"{ref}.grad is set"))
        self.grad_known.add(key)
        if id(grad) not in self.refs:  # read through its owner at each replay, if at all
            self.refs[id(grad)] = f"{ref}._grad"
            self.tensors[id(grad)] = grad

    def grad_set(self, tensor: Tensor, value: Any) -> None:
        if value is not None:
            self.stop(f"a tensor assigned to .grad (at {where()})")
            return
        ref = self.guarded(self.ref, tensor)
        if ref is None:
            return
        self.grad_known.add(id(tensor))
        self.grads_set[id(tensor)] = None
        self.emit("grad = None", set_grad_none, [Ref(ref)], None, [])

    def host(self, fn: Any, args: tuple[Any, ...], like: Tensor) -> tuple[Tensor, ...]:
        """Python numbers ``fn(*args)``, each 0-d tensor among ``args`` read as a float
        (an optimizer's step count, a learning rate), as 0-d arrays of ``like``'s dtype,
        recorded as one call on the tensors' arrays, so that a replay computes them
        afresh rather than baking them in."""
        backend = like._backend
        tensors = tuple(isinstance(arg, Tensor) for arg in args)
        run = host_call(fn, backend.xp, like._array.dtype, tensors)
        results = run(*[arg._array if tensor else arg for arg, tensor in zip(
            args, tensors, strict=True)])
        try:
            self.emit(f"host {fn.__name__}", run,
                      [self.slot(arg) if tensor else Const(arg)
                       for arg, tensor in zip(args, tensors, strict=True)], None, results,
                      single=False)
        except GraphBreak as error:
            self.stop(str(error))
        return tuple(Tensor._wrap(array, backend) for array in results)

    def optimizer(self, opt: Any) -> None:
        """An optimizer's step: its options (a learning rate a scheduler changes) are
        Python numbers the trace bakes in, so the replay checks them first."""
        if hooks_registered(opt):
            self.stop(f"an optimizer with step hooks (at {where()})")
            return
        options = option_values(opt)
        name = self.program.name(opt, "O")
        self.program.guards.append((f"{self.program.name(option_values, 'F')}({name}) == "
                                    f"{self.program.name(options)}",
                                    f"{type(opt).__name__}'s options as traced"))
        self.signature.append(("optimizer", id(opt), describe(options)))

    def module(self, module: Any) -> None:
        """A module's call: forward hooks are Python the replay would not run, and
        ``training`` picks the ops (dropout, batch norm's statistics)."""
        if module._forward_pre_hooks or module._forward_hooks:
            self.stop(f"a module with forward hooks (at {where()})")
            return
        key = ("module", id(module))
        if key in self.modules:
            return
        self.modules.add(key)
        name = self.program.name(module, "M")
        self.program.guards.append((
            f"{name}.training is {module.training} and not {name}._forward_pre_hooks and "
            f"not {name}._forward_hooks",
            f"{type(module).__name__}.training is {module.training}, no forward hooks"))
        self.signature.append(key + (module.training,))

    def derived(self, fn: Any, args: tuple[Any, ...], result: Any) -> None:
        """An op's computation on arrays from tensors' values (``ops._helpers.derived``):
        one instruction, its tensors and arrays as slots."""
        try:
            call = [self.slot(arg) if isinstance(arg, Tensor) else self._operand(arg)
                    for arg in args]
            several = isinstance(result, tuple)
            self.emit(getattr(fn, "__name__", "derived"), fn, call, None,
                      list(result) if several else [result], single=not several, pure=True)
        except GraphBreak as reason:
            self.stop(str(reason))

    def _operand(self, value: Any) -> Any:
        """An array as its slot (a constant if made from Python data), else a constant."""
        if not (isinstance(getattr(value, "shape", None), tuple) and hasattr(value, "dtype")):
            return Const(value)
        name = self.slots.get(id(value))
        if name is not None:
            return name
        if id(value) not in self.constants:
            raise GraphBreak("an array computed outside the recorded ops reached an op "
                             f"(at {where(user=True)})")
        return Const(value)

    def data_read(self, what: str) -> None:
        self.stop(f"{what} reads a tensor's data (at {where()})")

    def check(self, failed: Tensor, error: type[BaseException], message: str) -> None:
        """A check of the data (an index in range): recorded, so that each replay makes
        it again and raises as eager would, rather than a read of the data."""
        try:
            self.emit(f"check ({error.__name__})", replay_check,
                      [self.slot(failed), Const(error), Const(message)], None, [])
        except GraphBreak as reason:
            self.stop(str(reason))
