"""``autodiff.compile`` records the writes whose positions an index's or a mask's values
decide (``put``, ``index_put`` and its in-place spellings, ``x[idx] = v``,
``masked_scatter``, ``diagonal_scatter``, ``bincount`` with weights): the positions are
one recorded call on arrays, so a replay on a new index, mask or values writes where
eager does, with eager's results and gradients bit for bit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from compile_helpers import compare_results as _compare
from compile_helpers import replayed as _replayed

import autodiff as ad

Rng = np.random.Generator


def _in_place(method: str, args: Callable[[tuple[ad.Tensor, ...]], tuple[Any, ...]],
              **kwargs: Any) -> Callable[..., ad.Tensor]:
    """The in-place spelling on a copy of ``x`` (a leaf cannot be written in place),
    with ``args`` made from the other tensors."""
    def op(x: ad.Tensor, *tensors: ad.Tensor) -> ad.Tensor:
        y = x * 1
        getattr(y, method)(*args(tensors), **kwargs)
        return y
    return op


def _setitem(x: ad.Tensor, i: ad.Tensor, j: ad.Tensor, v: ad.Tensor) -> ad.Tensor:
    y = x * 1
    y[i, j] = v
    return y


def _setitem_add(x: ad.Tensor, i: ad.Tensor, j: ad.Tensor, v: ad.Tensor) -> ad.Tensor:
    y = x * 1
    y[i, j] += v
    return y


def _setitem_rows(x: ad.Tensor, i: ad.Tensor, rows: ad.Tensor) -> ad.Tensor:
    y = x * 1
    y[i] = rows
    return y


# the index tensors of a (4, 5) input: repeats (the last write wins, or they add up)
# and negatives (from the end) in every draw
def _flat(rng: Rng) -> tuple[Any, ...]:
    return rng.integers(-20, 20, size=7), rng.standard_normal(7)


def _pair(rng: Rng) -> tuple[Any, ...]:
    return rng.integers(-4, 4, size=6), rng.integers(-5, 5, size=6), rng.standard_normal(6)


def _rows(rng: Rng) -> tuple[Any, ...]:
    return rng.integers(-4, 4, size=3), rng.standard_normal((3, 5))


def _mask(rng: Rng) -> tuple[Any, ...]:
    return rng.random((4, 5)) < 0.5, rng.standard_normal(20)


def _diagonal(rng: Rng) -> tuple[Any, ...]:
    return (rng.standard_normal(4),)


def _bins(rng: Rng) -> tuple[Any, ...]:
    return (rng.integers(0, 8, size=5),)


#: name: (the op on the input and the other tensors, their draw, which of them
#: (by position) are differentiable values)
OPS: dict[str, tuple[Callable[..., ad.Tensor], Callable[[Rng], tuple[Any, ...]],
                     tuple[int, ...]]] = {
    "put": (lambda x, i, v: x.put(i, v), _flat, (1,)),
    "put_accumulate": (lambda x, i, v: x.put(i, v, accumulate=True), _flat, (1,)),
    "put_": (_in_place("put_", lambda t: t), _flat, (1,)),
    "index_put": (lambda x, i, j, v: x.index_put((i, j), v), _pair, (2,)),
    "index_put_accumulate": (lambda x, i, j, v: x.index_put((i, j), v, accumulate=True),
                             _pair, (2,)),
    "index_put_rows": (lambda x, i, rows: ad.index_put(x, (i,), rows), _rows, (1,)),
    "index_put_": (_in_place("index_put_", lambda t: ((t[0], t[1]), t[2])), _pair, (2,)),
    "index_put__accumulate": (_in_place("index_put_", lambda t: ((t[0], t[1]), t[2]),
                                        accumulate=True), _pair, (2,)),
    "setitem": (_setitem, _pair, (2,)),
    "setitem_add": (_setitem_add, _pair, (2,)),
    "setitem_rows": (_setitem_rows, _rows, (1,)),
    "masked_scatter": (lambda x, m, v: x.masked_scatter(m, v), _mask, (1,)),
    "masked_scatter_": (_in_place("masked_scatter_", lambda t: t), _mask, (1,)),
    "diagonal_scatter": (lambda x, v: x.diagonal_scatter(v * 2, 1), _diagonal, (0,)),
    "bincount_weights": (lambda x, i: ad.bincount(i, weights=x[1] * x[0], minlength=8),
                         _bins, ()),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("grad", [False, True], ids=["no_grad", "grad"])
@pytest.mark.parametrize("name", list(OPS))
def test_a_write_is_recorded_and_replays_on_new_positions(
        backend: str, name: str, grad: bool, dtype: str) -> None:
    op, draw, differentiable = OPS[name]

    def step(x: ad.Tensor, *others: ad.Tensor) -> tuple[ad.Tensor, ...]:
        if not grad:
            with ad.no_grad():
                return (op(x, *others) * 2,)
        out = op(x, *others)
        (out * out).sum().backward()
        return (out, x.grad, *(others[k].grad for k in differentiable))

    def call(seed: int) -> Callable[[], tuple[ad.Tensor, ...]]:
        rng = np.random.default_rng(seed)
        x, others = rng.standard_normal((4, 5)).astype(dtype), draw(rng)

        def make() -> tuple[ad.Tensor, ...]:
            return (ad.tensor(x, requires_grad=grad), *(
                ad.tensor(a.astype(dtype) if a.dtype.kind == "f" else a,
                          requires_grad=grad and k in differentiable)
                for k, a in enumerate(others)))
        return make

    # two traces on equal positions agree, then replays on other positions and values
    compiled, messages = _compare(step, [call(0), call(0), call(1), call(2)])
    assert _replayed(compiled) and not messages


def test_a_replay_checks_a_new_index_as_eager_does(backend: str) -> None:
    compiled = ad.compile(lambda x, i: (x.put(i, ad.ones(2)),))
    for _ in range(2):
        compiled(ad.zeros(4), ad.tensor([0, 3]))
    with pytest.raises(IndexError, match="out of range: tried to access index 4"):
        compiled(ad.zeros(4), ad.tensor([4, 0]))
    assert _replayed(compiled)


def test_a_replay_checks_the_count_of_a_new_mask(backend: str) -> None:
    compiled = ad.compile(lambda x, m, v: (x.masked_scatter(m, v),))
    for _ in range(2):
        compiled(ad.zeros(3), ad.tensor([True, False, False]), ad.ones(2))
    with pytest.raises(RuntimeError, match="Number of elements of source < number of ones"):
        compiled(ad.zeros(3), ad.tensor([True, True, True]), ad.ones(2))
    assert _replayed(compiled)


def test_bincount_beyond_minlength_ends_the_trace(backend: str) -> None:
    # the output's length is max(input) + 1: the data's, which a replay cannot follow
    step = ad.compile(lambda w, i: (ad.bincount(i, weights=w, minlength=2),))
    with pytest.warns(UserWarning, match=r"graph break: bincount \(its length"):
        out, = step(ad.ones(3), ad.tensor([0, 4, 4]))
    np.testing.assert_array_equal(out.numpy(), [1.0, 0.0, 0.0, 0.0, 2.0])


def test_a_replay_of_bincount_refuses_a_bin_beyond_its_length(backend: str) -> None:
    step = ad.compile(lambda w, i: (ad.bincount(i, weights=w, minlength=4),))
    for _ in range(2):
        step(ad.ones(3), ad.tensor([0, 1, 1]))
    with pytest.raises(RuntimeError, match="pass a larger minlength"):
        step(ad.ones(3), ad.tensor([0, 4, 1]))
    assert _replayed(step)
