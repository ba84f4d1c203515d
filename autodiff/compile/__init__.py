"""``autodiff.compile``: trace a step once, replay it on arrays.

The first calls of a compiled function run eagerly while every primitive's forward,
every backward rule, every ``.grad`` accumulation and every in-place write is recorded
on raw arrays; once two calls have recorded the same program, later calls with the
same guards replay it as generated straight-line Python, with no Tensor or graph node
made. See the guide ``docs/guides/compile.md``.
"""

from __future__ import annotations

from ._api import OptimizedModule as OptimizedModule
from ._api import compile as compile
from ._compiled import Compiled as Compiled

__all__ = ["compile", "Compiled", "OptimizedModule"]
