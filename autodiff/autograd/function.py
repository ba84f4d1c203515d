"""``autodiff.autograd.function``: differentiable operations written by the user
(PyTorch's ``torch.autograd.Function``).

A subclass supplies ``forward`` (runs under no-grad on tensors) and ``backward``
(maps the outputs' cotangents to the inputs'); ``apply`` runs it and records one
node, the ``ctx`` both methods receive, named ``<ClassName>Backward`` as in PyTorch.

The engine's nodes have a single output. A Function with several outputs gets one
light node per output (also named ``<ClassName>Backward``), each forwarding its
cotangent, tagged with its position, to the shared ``ctx`` node (see ``_custom``), so
the user's ``backward`` runs once with every output's cotangent, however many paths
reach each output.

>>> import autodiff as ad
>>> class Cube(ad.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         ctx.save_for_backward(x)
...         return x ** 3
...     @staticmethod
...     def backward(ctx, g):
...         (x,) = ctx.saved_tensors
...         return 3 * g * x ** 2
>>> x = ad.tensor(2.0, requires_grad=True)
>>> y = Cube.apply(x); y
tensor(8., grad_fn=<CubeBackward>)
>>> y.backward(); x.grad
tensor(12.)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from .. import _forward, _mode
from .._graph import FREED_MESSAGE, modified_message, named
from .._primitive._record import anomaly_trace
from .._tensor import Tensor
from ._custom import CustomNode, Edge, FunctionOutput, Tagged, fit_gradient
from ._custom import once_differentiable as once_differentiable

__all__ = ["BackwardCFunction", "Function", "FunctionCtx", "once_differentiable"]

F = TypeVar("F", bound=Callable[..., Any])


class FunctionCtx:
    """The ``ctx`` that ``forward`` (or ``setup_context``) fills and ``backward`` reads."""

    needs_input_grad: tuple[bool, ...]
    _in_jvp = False
    _out_tangents: list[Any] | None = None
    _saved: tuple[Any, ...] | None = None
    _saved_versions: tuple[int | None, ...] = ()

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for ``backward`` (read them back from ``saved_tensors``)."""
        for index, tensor in enumerate(tensors):
            if tensor is not None and not isinstance(tensor, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument "
                                f"{index} is of type {type(tensor).__name__}")
        self._to_save = tensors

    def save_for_forward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for ``jvp`` (where ``saved_tensors`` returns them)."""
        self._for_forward = tensors

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """What ``save_for_backward`` kept (in ``jvp``: what ``save_for_forward``
        kept, if anything); an output comes back with this node as its ``grad_fn``,
        so a ``backward`` using it can be differentiated again."""
        if getattr(self, "_in_jvp", False) and hasattr(self, "_for_forward"):
            return tuple(self._for_forward)
        if getattr(self, "_released", False):
            raise RuntimeError(FREED_MESSAGE)
        saved = self._saved
        if saved is None:  # still inside forward or setup_context
            return tuple(getattr(self, "_to_save", ()))
        for item, version in zip(saved, self._saved_versions, strict=True):
            if version is not None and item._version != version:
                producer = item._grad_fn
                raise RuntimeError(modified_message(
                    item._array, item._backend, None if producer is None else producer.name(),
                    item._version, version))
        return tuple(item(self) if callable(item) else item for item in saved)

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Outputs that get no gradient: they do not require grad, and ``backward``
        receives zeros (or None) for them."""
        self._non_differentiable = {id(tensor) for tensor in tensors}

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Inputs that ``forward`` modified in place (and must return)."""
        self._dirty = {id(tensor) for tensor in tensors}

    def set_materialize_grads(self, value: bool) -> None:
        """With False, ``backward`` receives None (rather than zeros) for outputs that
        got no cotangent."""
        self._materialize = bool(value)


class BackwardCFunction(FunctionCtx, CustomNode):
    """The node (and ctx) of one ``Function.apply``: ``type(y.grad_fn).__name__`` is
    ``<ClassName>Backward``."""

    _forward_cls: type[Function]
    _arity: int
    _output_meta: tuple[Any, ...]

    def run(self, grad: Any, tensor_type: type[Tensor], create_graph: bool,
            retain_graph: bool) -> list[Tensor | None]:
        grads = grad.grads if isinstance(grad, Tagged) else [grad]
        if getattr(self, "_materialize", True):
            grads = [_zeros(meta) if g is None and meta is not None else g
                     for g, meta in zip(grads, self._output_meta, strict=True)]
        result = _user_backward(self._forward_cls)(self, *grads)
        if not retain_graph and getattr(self, "_saved", None):
            self._saved = ()
            self._released = True
        return self._check(result)

    def _check(self, result: Any) -> list[Tensor | None]:
        """One cotangent per edge, validated as PyTorch validates them."""
        name = self.name()
        grads = list(result) if isinstance(result, tuple) else [result]
        if len(grads) > self._arity and all(g is None for g in grads[self._arity:]):
            grads = grads[:self._arity]
        if len(grads) != self._arity:
            raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                               f"(expected {self._arity}, got {len(grads)})")
        fitted: list[Tensor | None] = []
        for index, (edge, meta, g) in enumerate(zip(self._edges, self._meta, grads,
                                                    strict=True)):
            if meta is None and g is not None:
                raise RuntimeError(f"function {name} returned a gradient different than None "
                                   f"at position {index + 1}, but the corresponding forward "
                                   "input was not a Variable")
            fitted.append(None if edge is None or g is None else fit_gradient(name, index, g,
                                                                              meta))
        return fitted

    @property
    def next_functions(self) -> tuple[tuple[Edge, int], ...]:
        """One entry per tensor argument of ``forward``, as PyTorch lists them."""
        return tuple((named(edge), 0) for edge, meta in zip(self._edges, self._meta,
                                                             strict=True)
                     if meta is not None)


def _zeros(meta: tuple[Any, Any, Any]) -> Tensor:
    shape, dtype, backend = meta
    return Tensor._wrap(_mode.from_data(backend.xp.zeros(shape, dtype=dtype)), backend)


def _user_backward(cls: type[Function]) -> Callable[..., Any]:
    backward = cls.backward
    vjp = cls.vjp
    if backward is not Function.backward and vjp is not Function.vjp:
        raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is "
                           "not allowed. You should only implement one of them.")
    return vjp if vjp is not Function.vjp else backward


class Function:
    """Base class of custom differentiable operations; see the module docstring.

    Subclasses define static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``
    (or ``forward(*args)`` plus ``setup_context(ctx, inputs, output)``), and are
    called through ``apply``, never instantiated.
    """

    _backward_cls: type[BackwardCFunction]
    _output_cls: type[FunctionOutput]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = f"{cls.__name__}Backward"
        cls._backward_cls = type(name, (BackwardCFunction,), {"_forward_cls": cls})
        cls._output_cls = type(name, (FunctionOutput,), {"__slots__": ()})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please "
            "use new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        """Compute the outputs (runs under no-grad)."""
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> None:
        """Fill ``ctx`` from the inputs and output when ``forward`` takes no ctx."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        """One cotangent per ``forward`` argument (None for non-tensors)."""
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward "
                                  "mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        """One tangent per output, from one tangent per ``forward`` argument."""
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` on ``args`` and record the node for backward."""
        if cls is Function:
            raise RuntimeError("apply: call it on a subclass of autograd.Function")
        with_setup = cls.setup_context is not Function.setup_context
        if kwargs or with_setup:  # keywords and defaults become positional, as in PyTorch
            args, kwargs = _bind(cls.forward, args, kwargs, with_ctx=not with_setup)
        ctx = cls._backward_cls()
        ctx.needs_input_grad = tuple(isinstance(arg, Tensor) and arg._requires_grad
                                     for arg in args)
        executable = _mode.state.enabled and any(ctx.needs_input_grad)
        edges = tuple(arg._grad_fn or arg._accumulator() if need and executable else None
                      for arg, need in zip(args, ctx.needs_input_grad, strict=True))
        levels = _mode.state.forward_levels
        _mode.state.forward_levels = ()  # forward sees primals; tangents come from jvp
        try:
            with _mode.no_grad():
                if with_setup:
                    output = cls.forward(*args, **kwargs)
                    cls.setup_context(ctx, args, output)
                else:
                    output = cls.forward(ctx, *args, **kwargs)
        finally:
            _mode.state.forward_levels = levels
        dual = bool(levels) and any(isinstance(arg, Tensor) and arg._tangents for arg in args)
        skip = getattr(ctx, "_non_differentiable", ())
        constant = {index for index, out in enumerate(
            output if isinstance(output, tuple) else (output,)) if id(out) in skip}
        if executable:
            output = _record(ctx, args, edges, output)
        elif dual:  # fresh outputs to carry the tangents (an input may come back as is)
            output = _fresh(output)
        if dual:
            _push_tangents(cls, ctx, args, output, levels, constant)
        return output


def _fresh(output: Any) -> Any:
    many = isinstance(output, tuple)
    fresh = [Tensor._wrap(out._array, out._backend) if isinstance(out, Tensor) else out
             for out in (output if many else (output,))]
    return tuple(fresh) if many else fresh[0]


def _push_tangents(cls: type[Function], ctx: BackwardCFunction, args: tuple[Any, ...],
                   output: Any, levels: tuple[int, ...], constant: set[int]) -> None:
    """Forward mode: the outputs' tangents at each open level from the user's ``jvp``
    (PyTorch passes zeros for a tensor input without a tangent, None for others)."""
    outputs = output if isinstance(output, tuple) else (output,)
    for level in levels:
        tangents = [arg._tangents.get(level) if isinstance(arg, Tensor) and arg._tangents
                    else None for arg in args]
        if all(tangent is None for tangent in tangents):
            continue
        tangents = [Tensor._wrap(arg._backend.xp.zeros_like(arg._array), arg._backend)
                    if tangent is None and isinstance(arg, Tensor) else tangent
                    for arg, tangent in zip(args, tangents, strict=True)]
        _mode.state.forward_levels = tuple(other for other in levels if other != level)
        ctx._in_jvp = True
        try:
            result = cls.jvp(ctx, *tangents)
        finally:
            _mode.state.forward_levels = levels
            ctx._in_jvp = False
        results = result if isinstance(result, tuple) else (result,)
        if len(results) != len(outputs):
            raise RuntimeError(f"{cls.__name__}.jvp returned {len(results)} tangents for "
                               f"{len(outputs)} outputs of forward")
        for index, (out, tangent) in enumerate(zip(outputs, results, strict=True)):
            if (isinstance(out, Tensor) and tangent is not None and out.dtype.is_differentiable
                    and index not in constant):
                _forward.set_tangent(out, _forward.fit(tangent, out), level)
    ctx._out_tangents = [out._tangents if isinstance(out, Tensor) else None for out in outputs]


def _bind(forward: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
          with_ctx: bool) -> tuple[tuple[Any, ...], dict[str, Any]]:
    bound = inspect.signature(forward).bind(*((None,) if with_ctx else ()), *args, **kwargs)
    bound.apply_defaults()
    return bound.args[1 if with_ctx else 0:], bound.kwargs


def _record(ctx: BackwardCFunction, args: tuple[Any, ...], edges: tuple[Edge, ...],
            output: Any) -> Any:
    """Attach the outputs of ``forward`` to the node ``ctx`` and settle what it saves."""
    outputs = output if isinstance(output, tuple) else (output,)
    several = isinstance(output, tuple) and len(outputs) > 1
    dirty: set[int] = getattr(ctx, "_dirty", set())
    skip: set[int] = getattr(ctx, "_non_differentiable", set())
    inputs = {id(arg) for arg in args if isinstance(arg, Tensor)}
    backend = next(arg._backend for arg in args if isinstance(arg, Tensor))
    ctx._start(edges, backend)
    if _mode.anomaly.enabled:  # where forward ran, for errors in backward
        ctx._extra = anomaly_trace()
    ctx._arity = len(args)
    ctx._meta = tuple((arg.shape, arg._array.dtype) if isinstance(arg, Tensor) else None
                      for arg in args)
    results: list[Any] = []
    meta: list[Any] = []
    saved_outputs: dict[int, int] = {}
    for index, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            results.append(out)
            meta.append(None)
            continue
        meta.append((out.shape, out._array.dtype, out._backend))
        if id(out) in dirty:
            if out._grad_fn is None and out._requires_grad:
                raise RuntimeError("a leaf Variable that requires grad has been used in an "
                                   "in-place operation.")
            result = out
            result._version += 1  # as PyTorch counts the marking itself
        else:  # a fresh tensor: an input returned as is is not rewired itself
            result = Tensor._wrap(out._array, out._backend)
        if id(out) not in skip and out._array.dtype in out._backend.differentiable_dtypes:
            if several:
                node = ctx._forward_cls._output_cls()
                node._start((ctx,), out._backend)
                node._ctx, node._index = ctx, index
                result._grad_fn = node
            else:
                result._grad_fn = ctx
            result._requires_grad = True
        else:
            result._grad_fn, result._requires_grad = None, False
        saved_outputs[id(out)] = index
        results.append(result)
    ctx._output_meta = tuple(meta)
    ctx._saved = tuple(_saved_item(tensor, saved_outputs, inputs, results)
                       for tensor in getattr(ctx, "_to_save", ()))
    ctx._saved_versions = tuple(saved._version if isinstance(saved, Tensor) else None
                                for saved in ctx._saved)
    ctx._holds = bool(ctx._saved)
    ctx.__dict__.pop("_to_save", None)
    return tuple(results) if isinstance(output, tuple) else results[0]


def _saved_item(tensor: Tensor | None, outputs: dict[int, int], inputs: set[int],
                results: list[Any]) -> Any:
    """A saved tensor as the ctx keeps it: an output is kept as its array and rebuilt
    on access with its node as ``grad_fn`` (keeping the output itself would make a
    reference cycle node -> output -> node)."""
    if tensor is None or id(tensor) in inputs or id(tensor) not in outputs:
        return tensor
    index = outputs[id(tensor)]
    result = results[index]
    array, backend, node = result._array, result._backend, result._grad_fn

    def rebuild(ctx: BackwardCFunction) -> Tensor:
        saved = Tensor._wrap(array, backend)
        if node is not None:
            saved._grad_fn, saved._requires_grad = node, True
        tangents = ctx._out_tangents
        if tangents is not None:  # forward-over-reverse: the output's tangents too
            saved._tangents = tangents[index]
        return saved

    del result
    return rebuild
