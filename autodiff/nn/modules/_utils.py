"""Size arguments as PyTorch's layers store them: an int repeated to a tuple per spatial
dimension (``_pair(3) == (3, 3)``), an iterable kept as a tuple."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["_pair", "_reverse_repeat_tuple", "_single", "_triple"]


def _ntuple(n: int) -> Callable[[Any], tuple[Any, ...]]:
    def parse(x: Any) -> tuple[Any, ...]:
        if isinstance(x, Iterable) and not isinstance(x, str):
            return tuple(x)
        return (x,) * n

    return parse


_single = _ntuple(1)
_pair = _ntuple(2)
_triple = _ntuple(3)


def _reverse_repeat_tuple(t: Sequence[int], n: int) -> tuple[int, ...]:
    """``(1, 2)`` -> ``(2, 2, 1, 1)`` for ``n=2``: a per-dimension padding in ``F.pad``'s
    order (last dimension first, each side twice)."""
    return tuple(x for x in reversed(t) for _ in range(n))
