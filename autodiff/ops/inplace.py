"""In-place operations: ``x.add_(y)``, ``x += y``, ``x[key] = v``, ``x.zero_()`` …

Each one computes its result with the ordinary (out-of-place, recorded) op, then
writes it into ``x``'s array and makes that op's node ``x``'s ``grad_fn``, so the
gradient is the out-of-place one. What PyTorch guards, this guards the same way:

* a leaf that requires grad refuses in-place writes while grad mode is on (under
  ``no_grad`` they are allowed: that is how optimizers update parameters);
* every write bumps ``x._version``; a node that saved ``x`` (or whose saved output
  is ``x``'s array) refuses to run in backward once the version moved on;
* the op's own node never sees the write: if it saved ``x``, it gets a copy of the
  old values (``x.mul_(y)`` needs old ``x`` for ``y``'s gradient).

On a backend whose arrays are immutable, the tensor is rebound to the new array
instead (``Backend.write``), with the same semantics. Views (``x[0:2]``, ``x.T``,
``detach()`` …, see ``_views``) share their base's version; a recorded write through a
differentiable view rewrites the base's history (CopySlices) and re-derives its views'.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from .. import _mode, _views
from .._graph import Node
from .._tensor import Tensor
from .bitwise import (
    bitwise_and,
    bitwise_left_shift,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
)
from .elementwise import add, divide, multiply, pow, subtract, where
from .indexing import _plain_key, _portable
from .manipulation import broadcast_to
from .piecewise import clip, floor_divide, remainder

__all__: list[str] = []

LEAF_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_MESSAGE = ("a view of a leaf Variable that requires grad is being used in an "
                        "in-place operation.")
_KIND_NAMES = {"bool": "Bool", "signed integer": "Long", "unsigned integer": "Long",
               "real floating": "Float", "complex floating": "ComplexFloat"}


def apply_inplace(x: Tensor, name: str, compute: Callable[[Tensor], Tensor]) -> Tensor:
    """Write ``compute(x)`` into ``x`` as the in-place op ``name`` (see the module)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: expected a Tensor, got {type(x).__name__}")
    recording = _mode.state.enabled
    if recording and x._requires_grad and x._grad_fn is None:
        raise RuntimeError(LEAF_MESSAGE)
    view = x._view if x._view.__class__ is _views.ViewOf else None
    if view is not None and view.differentiable:
        if recording and view.base._requires_grad and view.base._grad_fn is None:
            raise RuntimeError(VIEW_OF_LEAF_MESSAGE)
        if any(put is None for _, _, put in view.steps):
            raise RuntimeError(_views.UNSUPPORTED_WRITE)
    result = compute(x)
    if result.shape != x.shape:
        raise RuntimeError(f"{name}: output with shape {list(x.shape)} doesn't match the "
                           f"broadcast shape {list(result.shape)}")
    if result.dtype != x.dtype:
        if not x.dtype.is_differentiable and result.dtype.kind != x.dtype.kind and (
                result.dtype.is_differentiable or x.dtype.kind == "bool"):
            raise RuntimeError(f"{name}: result type {_KIND_NAMES[result.dtype.kind]} can't "
                               f"be cast to the desired output type "
                               f"{_KIND_NAMES[x.dtype.kind]}")
        result = result.astype(x.dtype, copy=False)
    node = result._grad_fn
    if node is not None and any(saved is x for saved in node._inputs):
        _give_old_values(node, x)
    if view is not None and view.differentiable and (_mode.state.forward_levels or (
            recording and (result._requires_grad or view.base._requires_grad))):
        _write_through_view(x, view, result, recording)
        return x
    _bump_version(x)
    x._array = _store(x, x._backend.write, result._array)
    if recording and (result._requires_grad or x._requires_grad):
        x._grad_fn = node
        x._requires_grad = result._requires_grad
    if _mode.state.forward_levels:
        x._tangents = result._tangents
    if x._view is not None:
        _after_write(x, view, recording)
    return x


def _after_write(x: Tensor, view: _views.ViewOf | None, recording: bool) -> None:
    """What a write into ``x`` (with no history to rewrite through a view) owes its
    aliases: a root's views see its new history; on immutable arrays, a view's base
    gets the new values by hand."""
    if view is None:
        _refresh_views(x, recording and x._requires_grad)
    elif not x._backend.mutable_arrays:
        base = view.base
        with _mode.no_grad():
            base._array = (_views.put_back(view, x) if view.differentiable else x)._array
        _refresh_views(base, False)


def _write_through_view(x: Tensor, view: _views.ViewOf, result: Tensor,
                        recording: bool) -> None:
    """A write through a differentiable view that has history or tangents to carry:
    the base's becomes "the old base with ``result`` put where the view sits"
    (PyTorch's CopySlices), and the view's, and every other live view's, is re-derived
    from it."""
    base = view.base
    new_base = _views.put_back(view, result)
    node = new_base._grad_fn
    if node is not None and any(saved is base for saved in node._inputs):
        _give_old_values(node, base)
    _bump_version(x)
    x._array = _store(x, x._backend.write, result._array)
    if not x._backend.mutable_arrays:
        base._array = new_base._array
    if recording:
        base._grad_fn, base._requires_grad = node, new_base._requires_grad
    if _mode.state.forward_levels:
        base._tangents = new_base._tangents
    _refresh_views(base, recording)


def _refresh_views(base: Tensor, history: bool) -> None:
    """After a write into ``base`` (or through one of its views): re-derive each live
    view of it from its current values and, when ``history``, from its history (and
    its tangents in forward mode). On a mutable backend the values are shared already;
    only immutable arrays need rebinding."""
    rebind = not base._backend.mutable_arrays
    tangents = bool(_mode.state.forward_levels)
    if not (history or rebind or tangents):
        return
    for alias in _views.aliases(base):
        info = alias._view
        if info.__class__ is not _views.ViewOf or info.base is not base:
            continue
        if not info.differentiable:
            if rebind:
                alias._array = base._array
            continue
        with _mode.set_grad_enabled(history):
            fresh = _views.rebuild(info)
        if rebind:
            alias._array = fresh._array
        if history:
            alias._grad_fn, alias._requires_grad = fresh._grad_fn, fresh._requires_grad
        if tangents:
            alias._tangents = fresh._tangents


def _store(x: Tensor, update: Callable[[Any, Any], Any], value: Any) -> Any:
    """``update(x._array, value)``, the array ``x`` holds after a write: recorded (or
    refused, ending the trace) while ``autodiff.compile`` traces a call."""
    if _mode.traces.count:  # some thread traces: only then the thread-local read
        tracer = _mode.tracing.active
        if tracer is not None:
            return tracer.store(x, update, value)
    return update(x._array, value)


def _bump_version(x: Tensor) -> None:
    """Count a write to ``x``'s memory: in ``x`` and every live alias of it (views and
    detached tensors share one version, as in PyTorch); a node that saved one of them
    as its output is told it was overwritten."""
    if x._view is None:
        _bump_one(x)
    else:
        for alias in _views.aliases(x):
            _bump_one(alias)


def _bump_one(x: Tensor) -> None:
    previous = x._grad_fn
    if previous is not None and previous._out is not None and previous._out is x._array:
        previous.extra().dirty = x._version + 1  # its saved output is being overwritten
    x._version += 1


def _in_one_pass(x: Tensor, other: Any) -> bool:
    """Whether ``x op= other`` may update ``x``'s array directly, as numpy's ``a -= b``:
    nothing to record (an optimizer's step under ``no_grad``), a mutable backend, and
    an operand that changes neither the dtype nor the shape (the general path keeps
    PyTorch's casting and broadcasting errors)."""
    state = _mode.state
    if state.forward_levels or not x._backend.mutable_arrays or (
            x._view.__class__ is _views.ViewOf):  # a view's writes have rules of their own
        return False
    array = x._array
    if isinstance(other, Tensor):
        if state.enabled and (x._requires_grad or other._requires_grad):
            return False
        value = other._array
        return (other._backend is x._backend and value.dtype == array.dtype
                and (value.shape == array.shape or value.ndim == 0))
    if state.enabled and x._requires_grad:
        return False
    return type(other) in (int, float) and array.dtype in x._backend.differentiable_dtypes


def _arithmetic_inplace(op: Callable[..., Tensor], name: str,
                        update: Callable[[Any, Any], Any]) -> Callable[..., Tensor]:
    """An in-place arithmetic method: ``update`` (``operator.isub``, say) on the arrays
    when ``_in_one_pass`` allows, else the general recorded path."""
    general = _inplace(op, name)

    def method(self: Tensor, other: Any, **kwargs: Any) -> Tensor:
        if kwargs or not isinstance(self, Tensor) or not _in_one_pass(self, other):
            return general(self, other, **kwargs)
        _bump_version(self)
        self._array = _store(self, update,
                             other._array if isinstance(other, Tensor) else other)
        return self

    method.__name__ = name
    method.__doc__ = general.__doc__
    return method


def _give_old_values(node: Node, x: Tensor) -> None:
    """Replace ``x`` among the node's saved inputs by a copy of its current values,
    with the same history, so the coming write does not reach the node."""
    old = Tensor._wrap(x._backend.xp.asarray(x._array, copy=True), x._backend)
    old._grad_fn, old._requires_grad, old._acc = x._grad_fn, x._requires_grad, x._acc
    node._inputs = tuple(old if saved is x else saved for saved in node._inputs)
    if node._versions is not None:
        node._versions = tuple(
            0 if saved is old else version
            for saved, version in zip(node._inputs, node._versions, strict=True))


def _inplace(op: Callable[..., Tensor], name: str) -> Callable[..., Tensor]:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return apply_inplace(self, name, lambda x: op(x, *args, **kwargs))

    method.__name__ = name
    method.__doc__ = f"In-place ``{op.__name__}``: ``x.{name}(...)`` writes into ``x``."
    return method


def _add(x: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    return add(x, other if alpha == 1 else multiply(other, alpha))


def _sub(x: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    return subtract(x, other if alpha == 1 else multiply(other, alpha))


def _fill(x: Tensor, value: Any) -> Tensor:
    """``value`` everywhere, with a zero gradient to ``x``'s history (PyTorch's
    FillBackward): a where on an all-False mask keeps inf and nan out of it."""
    if isinstance(value, Tensor):
        value = value.item() if value.ndim == 0 else value
    mask = _mode.from_data(x._backend.xp.zeros(x.shape, dtype=x._backend.dtype("bool")))
    return where(Tensor._wrap(mask, x._backend), x, value).astype(x.dtype, copy=False)


def _copy(x: Tensor, source: Any, non_blocking: bool = False) -> Tensor:
    if not isinstance(source, Tensor):
        raise TypeError(f"copy_: expected a Tensor source, got {type(source).__name__}")
    if source._backend is not x._backend:
        source = source.to(x._backend.name)
    if source.shape != x.shape:
        source = broadcast_to(source, x.shape)
    return source.astype(x.dtype)


def setitem(x: Tensor, key: Any, value: Any) -> None:
    """``x[key] = value``, differentiable with respect to both ``x`` and ``value``.

    >>> import autodiff as ad
    >>> x = ad.zeros(3)
    >>> x[1] = 5.0
    >>> x
    tensor([0., 5., 0.])
    """
    from .indexing_put import index_put

    if isinstance(value, Tensor) and value._backend is not x._backend:
        raise ValueError(f"setitem: the value is on backend {value.backend!r} but the tensor "
                         f"is on backend {x.backend!r}; move one with .to(...)")
    plain = _portable(x._backend.xp, _plain_key(x, key), x.ndim)
    apply_inplace(x, "setitem", lambda x: index_put(x, value, key=plain))


METHODS: dict[str, Any] = {
    "add_": _arithmetic_inplace(_add, "add_", operator.iadd),
    "sub_": _arithmetic_inplace(_sub, "sub_", operator.isub),
    "mul_": _arithmetic_inplace(multiply, "mul_", operator.imul),
    "div_": _arithmetic_inplace(divide, "div_", operator.itruediv),
    "pow_": _inplace(pow, "pow_"),
    "zero_": _inplace(lambda x: _fill(x, 0), "zero_"),
    "fill_": _inplace(_fill, "fill_"),
    "copy_": _inplace(_copy, "copy_"),
    "__iadd__": _arithmetic_inplace(add, "__iadd__", operator.iadd),
    "__isub__": _arithmetic_inplace(subtract, "__isub__", operator.isub),
    "__imul__": _arithmetic_inplace(multiply, "__imul__", operator.imul),
    "__itruediv__": _arithmetic_inplace(divide, "__itruediv__", operator.itruediv),
    "__ipow__": _inplace(pow, "__ipow__"),
    "__ifloordiv__": _inplace(floor_divide, "__ifloordiv__"),
    "__imod__": _inplace(remainder, "__imod__"),
    "__iand__": _inplace(bitwise_and, "__iand__"),
    "__ior__": _inplace(bitwise_or, "__ior__"),
    "__ixor__": _inplace(bitwise_xor, "__ixor__"),
    "__ilshift__": _inplace(bitwise_left_shift, "__ilshift__"),
    "__irshift__": _inplace(bitwise_right_shift, "__irshift__"),
    "clamp_": _inplace(clip, "clamp_"),
    "clip_": _inplace(clip, "clip_"),
    "__setitem__": setitem,
}
# PyTorch spellings
METHODS["subtract_"], METHODS["multiply_"], METHODS["divide_"] = (
    METHODS["sub_"], METHODS["mul_"], METHODS["div_"])
