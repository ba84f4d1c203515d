"""The optimizer hooks PyTorch offers: around ``step``, ``state_dict`` and
``load_state_dict``. Each ``register_*`` returns a handle whose ``remove()`` takes the
hook away; ``prepend=True`` runs it before those already there."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .._graph import Handle

__all__: list[str] = []

Hook = Callable[..., Any]

STEP_PRE = "_optimizer_step_pre_hooks"
STEP_POST = "_optimizer_step_post_hooks"
STATE_DICT_PRE = "_optimizer_state_dict_pre_hooks"
STATE_DICT_POST = "_optimizer_state_dict_post_hooks"
LOAD_PRE = "_optimizer_load_state_dict_pre_hooks"
LOAD_POST = "_optimizer_load_state_dict_post_hooks"


def hooks_of(optimizer: Any, kind: str) -> list[Hook]:
    """The hooks of one kind, in running order (none registered: an empty list, and
    no table made, so a step without hooks pays one dict lookup)."""
    table = optimizer.__dict__.get(kind)
    return list(table.values()) if table else []


def _register(optimizer: Any, kind: str, hook: Hook, prepend: bool) -> Handle:
    table: dict[int, Hook] = optimizer.__dict__.setdefault(kind, {})
    handle = Handle(table, hook)
    if prepend:
        hooks = list(table.items())
        table.clear()
        table.update([hooks[-1], *hooks[:-1]])
    return handle


def with_step_hooks(step: Callable[..., Any]) -> Callable[..., Any]:
    """``step`` running the optimizer's step pre-hooks before it and post-hooks after."""
    if getattr(step, "_with_step_hooks", False):
        return step

    @functools.wraps(step)
    def hooked(self: Any, *args: Any, **kwargs: Any) -> Any:
        pre, post = hooks_of(self, STEP_PRE), hooks_of(self, STEP_POST)
        # once per step: not again in a subclass's step calling super().step()
        if not (pre or post) or self.__dict__.get("_in_hooked_step"):
            return step(self, *args, **kwargs)
        for hook in pre:
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError("optimizer_pre_hook must return None or a tuple of "
                                       f"(new_args, new_kwargs), but got {result}.")
                args, kwargs = result
        self.__dict__["_in_hooked_step"] = True
        try:
            out = step(self, *args, **kwargs)
        finally:
            del self.__dict__["_in_hooked_step"]
        for hook in post:
            hook(self, args, kwargs)
        return out

    hooked._with_step_hooks = True  # type: ignore[attr-defined]
    return hooked


class HookRegistry:
    """The ``register_*_hook`` methods of ``Optimizer``."""

    def register_step_pre_hook(self, hook: Hook) -> Handle:
        """``hook(optimizer, args, kwargs)`` before each step; it may return new
        ``(args, kwargs)``."""
        return _register(self, STEP_PRE, hook, False)

    def register_step_post_hook(self, hook: Hook) -> Handle:
        """``hook(optimizer, args, kwargs)`` after each step."""
        return _register(self, STEP_POST, hook, False)

    def register_state_dict_pre_hook(self, hook: Hook, prepend: bool = False) -> Handle:
        """``hook(optimizer)`` before ``state_dict()`` builds the dict."""
        return _register(self, STATE_DICT_PRE, hook, prepend)

    def register_state_dict_post_hook(self, hook: Hook, prepend: bool = False) -> Handle:
        """``hook(optimizer, state_dict)`` after; it may return a new state dict."""
        return _register(self, STATE_DICT_POST, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Hook, prepend: bool = False) -> Handle:
        """``hook(optimizer, state_dict)`` before loading; it may return a new one."""
        return _register(self, LOAD_PRE, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Hook, prepend: bool = False
                                           ) -> Handle:
        """``hook(optimizer)`` after loading."""
        return _register(self, LOAD_POST, hook, prepend)
