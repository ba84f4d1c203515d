"""What the ``autodiff.compile`` tests share: whether a compiled function replays, and
eager against compiled on fresh arguments, call by call."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import autodiff as ad


def replayed(compiled: Any) -> bool:
    """Whether some program of ``compiled`` replays (two traces agreed)."""
    return any(entry.replay is not None for entry in compiled.cache.values())


def compare_results(fn: Callable[..., tuple[ad.Tensor, ...]],
                    calls: list[Callable[[], tuple[Any, ...]]]) -> tuple[Any, list[str]]:
    """``fn`` eager and compiled on each call's fresh arguments: their results (a tuple
    of tensors) equal bit for bit; the compiled function and the warnings it gave."""
    compiled = ad.compile(fn)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for make in calls:
            want, got = fn(*make()), compiled(*make())
            assert len(got) == len(want)
            for e, c in zip(want, got, strict=True):
                assert c.dtype == e.dtype and c.shape == e.shape
                np.testing.assert_array_equal(c.detach().numpy(), e.detach().numpy())
    return compiled, [str(w.message) for w in caught if "autodiff.compile" in str(w.message)]
