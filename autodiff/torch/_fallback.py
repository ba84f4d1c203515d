"""Late name resolution for the ``autodiff.torch`` modules (PEP 562).

A name a module does not define itself is looked up in the ``autodiff`` module it
mirrors, so that ops added to ``autodiff`` later appear here without an edit.
"""

from __future__ import annotations
import __future__

from types import ModuleType
from typing import Any


class Only:
    """The names ``names`` of ``module`` and no others, as a fallback source."""

    def __init__(self, module: Any, names: tuple[str, ...]) -> None:
        self._module, self._names = module, names

    def __getattr__(self, name: str) -> Any:
        if name in self._names:
            return getattr(self._module, name)
        raise AttributeError(name)

    def __dir__(self) -> list[str]:
        return [name for name in self._names if hasattr(self._module, name)]


def fallback(module: str, *sources: Any, extras: dict[str, Any] | None = None) -> tuple[Any, Any]:
    """``(__getattr__, __dir__)`` for ``module``: its own names, then each source
    module in turn (a module or a callable returning one, or None), then ``extras``."""

    def resolved() -> list[ModuleType]:
        found = []
        for source in sources:
            value = source() if callable(source) and not isinstance(source, ModuleType) \
                else source
            if value is not None:
                found.append(value)
        return found

    def __getattr__(name: str) -> Any:
        if not name.startswith("__"):
            for source in resolved():
                try:
                    return getattr(source, name)
                except AttributeError:
                    pass
            if extras is not None and name in extras:
                return extras[name]
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        import sys

        names = {name for name, value in vars(sys.modules[module]).items()
                 if not name.startswith("_") and not isinstance(value, __future__._Feature)}
        for source in resolved():
            names.update(name for name in dir(source) if not name.startswith("_")
                         and not isinstance(getattr(source, name, None), __future__._Feature))
        names.update(extras or ())
        return sorted(names)

    return __getattr__, __dir__
