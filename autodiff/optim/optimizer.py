"""The ``Optimizer`` base class: parameter groups, per-parameter state, ``zero_grad``,
``step`` and ``state_dict``/``load_state_dict``, with PyTorch's contract and messages.

A subclass sets its defaults and writes ``_update(group)``, the in-place update of one
parameter group; the base runs the closure (under grad mode) and every group's update
(under ``no_grad``, so no graph is recorded and each write bumps the parameter's
version as an in-place op does).
"""

from __future__ import annotations

import functools
import warnings
from collections import defaultdict
from collections.abc import Callable, Hashable
from copy import deepcopy
from itertools import chain
from typing import Any

from .. import _mode
from .._dtypes import float32
from .._lazy import persist
from .._tensor import Tensor
from ..ops.creation import asarray, tensor, zeros_like
from ._hooks import (
    LOAD_POST,
    LOAD_PRE,
    STATE_DICT_POST,
    STATE_DICT_PRE,
    HookRegistry,
    hooks_of,
    with_step_hooks,
)

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """A default that a parameter group must set itself (SGD's ``lr`` in old PyTorch)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _typename(value: Any) -> str:
    cls = type(value)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"


def _to_scalar(value: Any) -> Any:
    """A hyper-parameter given as a 0-d tensor, as a Python number."""
    return value.item() if isinstance(value, Tensor) else value


def _host_scalar(value: float) -> Tensor:
    """A 0-d float32 tensor in host memory (the numpy backend) whatever the parameters'
    backend: PyTorch keeps ``step`` (and NAdam's ``mu_product``) on the CPU, so reading
    it each step never waits for a device."""
    return tensor(value, dtype=float32, backend="numpy")


def _step_tensor(_param: Tensor) -> Tensor:
    """A fresh step count for ``_param``'s state."""
    return _host_scalar(0.0)


def _zeros(param: Tensor) -> Tensor:
    return zeros_like(param)


def _collect_params(param_group: dict[str, Any]) -> list[Tensor]:
    """Set the group's "params" to a list of tensors (and "param_names" where they came
    as ``(name, tensor)`` pairs), checked as PyTorch checks them."""
    params = param_group["params"]
    if isinstance(params, Tensor):
        params = [params]
    elif isinstance(params, set):
        raise TypeError("optimizer parameters need to be organized in ordered collections, "
                        "but the ordering of tensors in sets will change between runs. "
                        "Please use a list instead.")
    tensors, names = [], []
    for param in params:
        if isinstance(param, tuple):
            names.append(param[0])
            tensors.append(param[1])
        else:
            tensors.append(param)
    param_group["params"] = tensors
    if names:
        if len(names) != len(tensors):
            raise ValueError("all optimizer params should be with/without names. Some param "
                             "names are missing")
        param_group["param_names"] = names
    for param in tensors:
        if not isinstance(param, Tensor):
            raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                            + _typename(param))
        if not (param.is_leaf or param.retains_grad):
            raise ValueError("can't optimize a non-leaf Tensor")
        if param.dtype.kind == "complex floating":
            raise TypeError("autodiff.optim does not support complex parameters yet; "
                            "optimize the real and imaginary parts as real tensors")
    return tensors


def _lazy_tensors(optimizer: Optimizer, loss: Any) -> list[Tensor]:
    """The parameters, the tensors of their state (one level of lists included, for
    LBFGS's history) and ``loss`` where they live on a lazy backend."""
    found = [p for group in optimizer.param_groups for p in group["params"]
             if p._backend.lazy]
    if not found:  # an eager backend: the whole cost of this function on numpy
        return found
    for param in list(found):
        for value in optimizer.state.get(param, {}).values():
            items = value if isinstance(value, list | tuple) else (value,)
            found.extend(v for v in items if isinstance(v, Tensor) and v._backend.lazy)
    if isinstance(loss, Tensor) and loss._backend.lazy:
        found.append(loss)
    return found


def _persisting(step: Callable[..., Any]) -> Callable[..., Any]:
    """``step`` followed, on a lazy backend, by one ``autodiff.persist`` of the
    parameters, their state and the returned loss: each then starts a one-task graph,
    so training for any number of steps keeps the graphs bounded (and the loss a
    closure returned is computed in the same pass as the parameters)."""
    if getattr(step, "_persisting", False):
        return step

    @functools.wraps(step)
    def persisting(self: Any, *args: Any, **kwargs: Any) -> Any:
        # once per step: not again in a subclass's step calling super().step()
        if self.__dict__.get("_in_persisting_step"):
            return step(self, *args, **kwargs)
        self.__dict__["_in_persisting_step"] = True
        try:
            loss = step(self, *args, **kwargs)
        finally:
            del self.__dict__["_in_persisting_step"]
        lazy = _lazy_tensors(self, loss)
        if lazy:
            persist(*lazy)
        return loss

    persisting._persisting = True  # type: ignore[attr-defined]
    return persisting


class Optimizer(HookRegistry):
    """Base class of every optimizer (PyTorch's ``torch.optim.Optimizer``).

    ``params`` is an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts (parameter
    groups, each with its own options); ``defaults`` fills in the options a group leaves out.

    >>> import autodiff as ad
    >>> from autodiff.optim import SGD
    >>> w = ad.tensor([1.0, 2.0], requires_grad=True)
    >>> b = ad.tensor([0.5], requires_grad=True)
    >>> opt = SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
    >>> [group["lr"] for group in opt.param_groups]
    [0.1, 0.5]
    >>> (w * w).sum().add(b.sum()).backward()
    >>> opt.step()
    >>> w, b
    (tensor([0.8000, 1.6000], requires_grad=True), tensor([0.], requires_grad=True))
    >>> opt.zero_grad()
    >>> w.grad is None
    True

    On a lazy backend (dask) every ``step`` ends by persisting the parameters, their
    state tensors and the closure's loss in one ``autodiff.persist`` call: without it an
    in-place update grows each parameter's task graph by the step's ops, without bound.
    On an eager backend (numpy, cupy) nothing is added to a step.
    """

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + _typename(params))
        self.state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:  # a subclass's own step runs the step hooks too
            cls.step = with_step_hooks(  # type: ignore[method-assign]
                _persisting(cls.__dict__["step"]))

    def __getstate__(self) -> dict[str, Any]:
        # only what defines the optimizer: not a step that a scheduler wrapped
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (the others come from the
        defaults); a parameter may belong to one group only.

        >>> import autodiff as ad
        >>> from autodiff.optim import SGD
        >>> opt = SGD([ad.zeros(2, requires_grad=True)], lr=0.1)
        >>> opt.add_param_group({"params": ad.ones(1, requires_grad=True), "lr": 0.01})
        >>> len(opt.param_groups), opt.param_groups[1]["momentum"]
        (2, 0)
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        tensors = _collect_params(param_group)
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        ids = {id(p) for p in tensors}
        if len(ids) != len(tensors):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        for group in self.param_groups:
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
            if any(id(p) in ids for p in group["params"]):
                raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's ``.grad``: to None (the default), or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if grad.grad_fn is not None:
                        grad.detach_()
                    else:
                        grad.requires_grad_(False)
                    grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One optimization step over every group; ``closure`` (optional for all but
        LBFGS) re-evaluates the model under grad mode and returns the loss, which
        ``step`` returns."""
        loss = None
        tracer = _mode.tracing.active if _mode.traces.count else None
        if tracer is not None:  # autodiff.compile guards on the options
            tracer.optimizer(self)
        if closure is not None:
            with _mode.enable_grad():
                loss = closure()
        with _mode.no_grad():
            for group in self.param_groups:
                self._update(group)
        return loss

    def _update(self, group: dict[str, Any]) -> None:
        """Update the parameters of ``group`` in place (grad mode is off)."""
        raise NotImplementedError

    # -- saving and restoring -----------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state, in PyTorch's layout: ``{"state": {index: {...}},
        "param_groups": [{option: value, ..., "params": [index, ...]}]}``, parameters
        numbered in group order. The state's tensors are the live ones (not copies)."""
        for hook in hooks_of(self, STATE_DICT_PRE):
            hook(self)
        mapping: dict[int, int] = {}
        start = 0

        def pack(group: dict[str, Any]) -> dict[str, Any]:
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            mapping.update({id(p): i for i, p in enumerate(group["params"], start)
                            if id(p) not in mapping})
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack(g) for g in self.param_groups]
        packed_state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for hook in hooks_of(self, STATE_DICT_POST):
            state_dict = hook(self, state_dict) or state_dict
        return state_dict

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` (this optimizer's, another's or PyTorch's layout).

        Group counts and sizes must match. Floating state tensors are copied onto the
        parameter's backend and dtype (the ``step`` counts keep theirs), arrays such as
        numpy's are accepted in their place. Unlike PyTorch, the loaded tensors are
        copies: two optimizers never share buffers through a state dict."""
        state_dict = state_dict.copy()
        for hook in hooks_of(self, LOAD_PRE):
            state_dict = hook(self, state_dict) or state_dict
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"])
               for g, s in zip(groups, saved_groups, strict=True)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups), strict=True))
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                state[param] = _cast(param, value)
            else:
                state[key] = value

        def update_group(group: dict[str, Any], new_group: dict[str, Any]) -> dict[str, Any]:
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        self.__setstate__({"state": state, "param_groups": [
            update_group(g, ng) for g, ng in zip(groups, saved_groups, strict=True)]})
        for hook in hooks_of(self, LOAD_POST):
            hook(self)


Optimizer.step = with_step_hooks(_persisting(Optimizer.step))  # type: ignore[method-assign]


def _cast(param: Tensor, value: Any, key: Hashable = None) -> Any:
    """A copy of ``value`` with its tensors on ``param``'s backend and, for floating
    parameters, in its dtype (PyTorch's policy; ``step`` is never cast)."""
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    if not isinstance(value, Tensor):
        if hasattr(value, "shape") and hasattr(value, "dtype"):  # numpy's, or another array
            value = asarray(value, backend=param._backend.name, copy=True)
        elif isinstance(value, list | tuple):
            return type(value)(_cast(param, v) for v in value)
        else:
            return value
    if key == "step":
        return value.detach().clone()
    dtype = param.dtype if param.dtype.is_floating_point else value.dtype
    return value.detach().to(backend=param._backend.name, dtype=dtype, copy=True)
