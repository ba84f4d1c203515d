"""``autodiff.torch.special``: ``autodiff.special`` where it has the name, then the
``autodiff`` op of the same name (``torch.special.expit`` is ``sigmoid``)."""

from __future__ import annotations

import importlib
from types import ModuleType

import autodiff as _ad

from ._fallback import fallback


def _special() -> ModuleType | None:
    try:
        return importlib.import_module("autodiff.special")
    except ImportError:
        return None


def _aliases() -> dict[str, object]:
    return {"expit": _ad.sigmoid, "exp2": getattr(_ad, "exp2", None), "expm1": _ad.expm1,
            "log1p": _ad.log1p, "round": _ad.round}


__getattr__, __dir__ = fallback(__name__, _special, extras={
    name: value for name, value in _aliases().items() if value is not None})
