"""Ordered hook tables with removable handles, as ``Module``'s hooks need them."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["HookRegistry", "RemovableHandle", "call_with_hooks"]

_ids = itertools.count()


class RemovableHandle:
    """What ``register_*_hook`` returns: ``handle.remove()`` takes the hook out again
    (also as a context manager)."""

    def __init__(self, registry: HookRegistry, key: int) -> None:
        self._registry, self.id = registry, key

    def remove(self) -> None:
        self._registry._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class HookRegistry:
    """Hooks in call order, each with its ``with_kwargs`` flag; falsy when empty, so the
    module call checks for hooks with one truth test."""

    def __init__(self) -> None:
        self._hooks: dict[int, tuple[Callable[..., Any], bool]] = {}

    def add(self, hook: Callable[..., Any], with_kwargs: bool = False,
            prepend: bool = False) -> RemovableHandle:
        key = next(_ids)
        self._hooks[key] = (hook, with_kwargs)
        if prepend:
            self._hooks = {key: self._hooks.pop(key), **self._hooks}
        return RemovableHandle(self, key)

    def entries(self) -> Iterator[tuple[Callable[..., Any], bool]]:
        return iter(list(self._hooks.values()))  # a copy: a hook may remove itself

    def __bool__(self) -> bool:
        return bool(self._hooks)

    def __len__(self) -> int:
        return len(self._hooks)


def call_with_hooks(module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``module.forward`` with its forward pre-hooks before and its forward hooks after,
    as PyTorch's ``Module.__call__`` runs them."""
    for hook, with_kwargs in module._forward_pre_hooks.entries():
        if with_kwargs:
            result = hook(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError("forward pre-hook must return None or a tuple of "
                                       f"(new_args, new_kwargs), but got {result}.")
                args, kwargs = result
        else:
            result = hook(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
    output = module.forward(*args, **kwargs)
    for hook, with_kwargs in module._forward_hooks.entries():
        result = hook(module, args, kwargs, output) if with_kwargs else hook(module, args, output)
        if result is not None:
            output = result
    return output
