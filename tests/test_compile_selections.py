"""``autodiff.compile`` records the ops that select elements by their values (``topk``,
the sort-based selections, the largest and smallest ``scatter_reduce`` and
``index_reduce``): which elements they pick is one recorded call on arrays, so a replay
on new values picks afresh and gives eager's results and gradients bit for bit, where
a pick kept from the trace would be stale."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from compile_helpers import compare_results as _compare
from compile_helpers import replayed as _replayed

import autodiff as ad


def _values(seed: int, nan: bool = False) -> np.ndarray:
    """A (3, 6) block of halves in [-2, 2]: ties in every row (a mode, a running
    maximum held, equal writes sharing a gradient), and with ``nan`` a NaN or two at
    places the seed picks."""
    rng = np.random.default_rng(seed)
    values = rng.integers(-4, 5, size=(3, 6)) / 2.0
    if nan:
        values[rng.integers(0, 3), rng.integers(0, 6)] = np.nan
        values[1, rng.integers(0, 6)] = np.nan
    return values


#: name: (the op on the input, whether the inputs hold NaNs)
OPS: dict[str, tuple[Callable[[ad.Tensor], tuple[ad.Tensor, ...]], bool]] = {
    "topk": (lambda x: tuple(x.topk(3, 1)), False),
    "topk_smallest": (lambda x: tuple(x.topk(2, 0, largest=False)), False),
    "topk_nan": (lambda x: tuple(x.topk(2, 1)), True),
    "kthvalue": (lambda x: tuple(x.kthvalue(3, 1)), False),
    "kthvalue_keepdim": (lambda x: tuple(x.kthvalue(2, 0, keepdim=True)), False),
    "median": (lambda x: (x.median(),), False),
    "median_dim": (lambda x: tuple(x.median(1)), True),
    "nanmedian": (lambda x: (x.nanmedian(),), True),
    "nanmedian_dim": (lambda x: tuple(x.nanmedian(1, keepdim=True)), True),
    "mode": (lambda x: tuple(x.mode(1)), False),
    "cummax": (lambda x: tuple(x.cummax(1)), False),
    "cummin": (lambda x: tuple(x.cummin(0)), True),
    "sort": (lambda x: tuple(x.sort(1, descending=True)), True),
    "argsort": (lambda x: (x.argsort(0), x.argsort(1, descending=True).to(x.dtype) * x),
                False),
    "msort": (lambda x: (x.msort(),), False),
    "scatter_reduce_amax": (lambda x: (x.scatter_reduce(
        1, ad.tensor([[0, 0, 1, 2]] * 3), x[:, 2:] * 2.0, "amax"),), False),
    "scatter_reduce_amin": (lambda x: (x.scatter_reduce(
        1, ad.tensor([[4, 4, 1, 4]] * 3), x[:, 2:] - 1.0, "amin", include_self=False),),
        True),
    "index_reduce_amax": (lambda x: (x.index_reduce(
        0, ad.tensor([0, 2, 0]), x * 0.5, "amax", include_self=False),), False),
    "index_reduce_amin": (lambda x: (x.index_reduce(
        1, ad.tensor([5, 5, 0]), x[:, :3] + 1.0, "amin"),), True),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("grad", [False, True], ids=["no_grad", "grad"])
@pytest.mark.parametrize("name", list(OPS))
def test_a_selection_is_recorded_and_replays_on_new_values(
        backend: str, name: str, grad: bool, dtype: str) -> None:
    op, nan = OPS[name]

    def step(x: ad.Tensor) -> tuple[ad.Tensor, ...]:
        if not grad:
            with ad.no_grad():
                return tuple(o * 2 for o in op(x))
        outs = op(x)
        loss = sum((o * o).sum() for o in outs if o.dtype == x.dtype)
        loss.backward()  # type: ignore[union-attr]
        return (*outs, x.grad)

    def call(seed: int) -> Callable[[], tuple[ad.Tensor]]:
        values = _values(seed, nan).astype(dtype)
        return lambda: (ad.tensor(values, requires_grad=grad),)

    # two traces on equal values agree, then replays on other values
    compiled, messages = _compare(step, [call(0), call(0), call(1), call(2)])
    assert _replayed(compiled) and not messages


def test_a_varying_index_of_a_largest_scatter_reduce_is_followed(backend: str) -> None:
    def step(x: ad.Tensor, index: ad.Tensor) -> tuple[ad.Tensor, ...]:
        out = ad.zeros(4, dtype=x.dtype).scatter_reduce(0, index, x, "amax",
                                                        include_self=False)
        (out * out).sum().backward()
        return out, x.grad

    def call(seed: int) -> Callable[[], tuple[ad.Tensor, ad.Tensor]]:
        rng = np.random.default_rng(seed)
        values, index = _values(seed)[0], rng.integers(0, 4, size=6)
        return lambda: (ad.tensor(values, requires_grad=True), ad.tensor(index))

    compiled, messages = _compare(step, [call(0), call(0), call(1), call(2)])
    assert _replayed(compiled) and not messages
