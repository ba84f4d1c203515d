"""``autodiff.compile``'s front door, with PyTorch's ``torch.compile`` arguments: a
function, or a module (a wrapping module whose call is compiled, ``OptimizedModule``;
or, with ``Module.compile()``, the module's own call compiled in place).

PyTorch's ``mode``, ``options``, ``backend`` and ``dynamic`` choose among its compilers;
autodiff has one, so they are checked (a misspelt mode is an error, as in PyTorch) and
then change nothing: a PyTorch program runs unchanged.

A module's forward alone is compiled as any function is: under ``no_grad`` (inference)
it replays; a forward whose result still needs its graph (a training step whose
``backward()`` runs outside) cannot be replayed, which makes no graph, so it runs
eagerly after one warning. Compile the whole step (forward, ``backward()`` and the
optimizer's update) to replay training.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..nn.modules.module import Module
from ._compiled import Compiled

#: PyTorch's modes (``torch.compile(mode=...)``)
MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
#: PyTorch's own compiler backends (``torch._dynamo.list_backends()`` and its debugging
#: ones): a program naming one runs unchanged
BACKENDS = ("inductor", "cudagraphs", "eager", "aot_eager", "aot_eager_decomp_partition")


def _check(model: Any, backend: Any, mode: str | None, options: Any) -> None:
    if not callable(model):
        raise TypeError(f"A callable function is expected, but {type(model)} is provided.")
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be "
                           "specified at the same time.")
    if mode is not None and mode not in MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(MODES)}")
    if backend is not None and backend not in BACKENDS:
        raise ValueError(f"autodiff.compile: backend {backend!r} is not one of PyTorch's "
                         f"({', '.join(BACKENDS)}); autodiff has one compiler, and takes "
                         "their names only so that PyTorch programs run unchanged")


def compile(model: Callable[..., Any] | None = None, *, fullgraph: bool = False,
            dynamic: bool | None = None, backend: str | None = None, mode: str | None = None,
            options: dict[str, Any] | None = None, disable: bool = False) -> Any:
    """Compile ``model`` (a function of tensors that may run forward, ``backward()`` and
    an optimizer's step, or a module): a decorator too, with or without arguments.

    ``fullgraph=True`` raises on a graph break (a read of a tensor's data, a hook, a
    random op …) instead of running eagerly with a warning. The Python numbers the
    function reads from its closure or its module's globals are guarded: a changed one
    traces again. ``disable=True`` returns ``model`` itself. ``dynamic``, ``backend``,
    ``mode`` and ``options`` are PyTorch's choices among its compilers: checked, then
    without effect (autodiff has one). A module gives an ``OptimizedModule``.

    >>> import autodiff as ad
    >>> w = ad.tensor([1.0, 2.0], requires_grad=True)
    >>> @ad.compile
    ... def step(x):
    ...     loss = (w * x).sum()
    ...     loss.backward()
    ...     with ad.no_grad():
    ...         w.sub_(0.1 * w.grad)
    ...     w.grad = None
    ...     return loss
    >>> for _ in range(4):
    ...     loss = step(ad.tensor([3.0, 4.0]))
    >>> w
    tensor([-0.2000,  0.4000], requires_grad=True)
    """
    def wrap(inner: Callable[..., Any]) -> Any:
        _check(inner, backend, mode, options)
        if disable:
            return inner
        if isinstance(inner, Module):
            return OptimizedModule(inner, fullgraph)
        return Compiled(inner, fullgraph)

    return wrap if model is None else wrap(model)


class OptimizedModule(Module):
    """What ``autodiff.compile(module)`` returns (PyTorch's ``OptimizedModule``): a
    module holding the original as ``_orig_mod``, whose call runs the original's call
    compiled. Its attributes are the original's; its ``state_dict`` keys start with
    ``_orig_mod.``, as PyTorch's do.

    >>> import autodiff as ad
    >>> net = ad.nn.Linear(2, 1)
    >>> fast = ad.compile(net)
    >>> fast.weight is net.weight, list(fast.state_dict())
    (True, ['_orig_mod.weight', '_orig_mod.bias'])
    """

    def __init__(self, mod: Module, fullgraph: bool = False) -> None:
        super().__init__()
        self._orig_mod = mod
        self._compiled_call_impl = _named(Compiled(mod._call_impl, fullgraph), mod)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self._compiled_call_impl(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        modules = self.__dict__.get("_modules")
        if not modules or "_orig_mod" not in modules:  # not built yet (a copy, a pickle)
            raise AttributeError(name)
        if name == "_orig_mod":
            return modules["_orig_mod"]
        return getattr(modules["_orig_mod"], name)


def _named(compiled: Compiled, module: Module) -> Compiled:
    compiled.name = type(module).__name__  # in warnings: Linear, not _call_impl
    return compiled


def compile_in_place(module: Module, *args: Any, **kwargs: Any) -> None:
    """``Module.compile``: the module's own call compiled, in place (the arguments are
    ``autodiff.compile``'s); its ``state_dict`` keys stay as they were.

    >>> import autodiff as ad
    >>> net = ad.nn.Linear(2, 1)
    >>> net.compile()
    >>> with ad.no_grad():
    ...     outs = [net(ad.ones(3, 2)) for _ in range(3)]
    >>> outs[-1].shape, list(net.state_dict())
    ((3, 1), ['weight', 'bias'])
    """
    compiled = compile(module._call_impl, *args, **kwargs)
    module._compiled_call_impl = (_named(compiled, module) if isinstance(compiled, Compiled)
                                  else None)  # disable=True: the call as it was
