"""Activation checkpointing (``autodiff.utils.checkpoint``): the same gradients as without
it, less memory, random numbers replayed, PyTorch's behaviour for closures and modes."""

from __future__ import annotations

import tracemalloc
from typing import Any

import numpy as np
import pytest

import autodiff as ad
from autodiff.utils import checkpoint


def _values(tensor: ad.Tensor) -> np.ndarray:
    return tensor.detach().numpy()


def _leaf(values: Any) -> ad.Tensor:
    return ad.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def _block(x: ad.Tensor, w: ad.Tensor, h: ad.Tensor) -> ad.Tensor:
    return ad.tanh(x * w + h) * x


@pytest.mark.parametrize("use_reentrant", [False, True])
def test_same_gradients_through_backward(backend: str, use_reentrant: bool) -> None:
    x, w, a = _leaf([0.5, -1.0, 2.0]), _leaf([1.5, 0.3, -0.7]), _leaf([0.2, 0.1, 0.4])
    h = a * 3  # a non-leaf the block reads from its closure

    def block(t: ad.Tensor) -> ad.Tensor:
        return _block(t, w, h)

    (block(block(x)) ** 2).sum().backward()
    want = [_values(t.grad) for t in (x, w, a)]
    for t in (x, w, a):
        t.grad = None
    y = checkpoint(block, checkpoint(block, x, use_reentrant=use_reentrant),
                   use_reentrant=use_reentrant)
    assert y.grad_fn.name() == "CheckpointFunctionBackward"
    (y ** 2).sum().backward()
    for tensor, expected in zip((x, w, a), want, strict=True):
        np.testing.assert_allclose(_values(tensor.grad), expected, rtol=1e-12, atol=1e-15)


def test_autograd_grad_reaches_closed_over_tensors(backend: str) -> None:
    x, w, a = _leaf([0.5, -1.0]), _leaf([1.5, 0.3]), _leaf([0.2, 0.1])
    h = a * 3

    def loss(out: ad.Tensor) -> ad.Tensor:
        return (out ** 2).sum()

    want = ad.autograd.grad(loss(_block(x, w, h)), (x, w, a))
    got = ad.autograd.grad(loss(checkpoint(_block, x, w=w, h=h)), (x, w, a))
    for g, expected in zip(got, want, strict=True):
        np.testing.assert_allclose(_values(g), _values(expected), rtol=1e-12)
    edges = {type(edge).__name__ for edge, _ in checkpoint(lambda t: _block(t, w, h), x)
             .grad_fn.next_functions}
    assert edges == {"AccumulateGrad", "MulBackward0"}  # x and w, and h's node


def test_double_backward_through_a_checkpoint(backend: str) -> None:
    x, w = _leaf([0.5, -1.0, 2.0]), _leaf([1.5, 0.3, -0.7])

    def second(out: ad.Tensor) -> tuple[Any, ...]:
        (g,) = ad.autograd.grad((out ** 2).sum(), x, create_graph=True)
        return ad.autograd.grad((g * g).sum(), (x, w))

    want = second(_block(x, w, 0.1))
    got = second(checkpoint(_block, x, w, 0.1))
    for g, expected in zip(got, want, strict=True):
        np.testing.assert_allclose(_values(g), _values(expected), rtol=1e-12)


def test_several_outputs_and_non_tensors(backend: str) -> None:
    x, w = _leaf([0.3, 1.1]), _leaf([2.0, -1.0])
    calls = []

    def pair(t: ad.Tensor, u: ad.Tensor) -> tuple[Any, ...]:
        calls.append(1)
        return ad.sin(t) * u, {"e": ad.exp(t * u)}, "note"

    def loss(outs: tuple[Any, ...]) -> ad.Tensor:
        s, d, _ = outs
        return (s * 2).sum() + s.sum() + d["e"].sum()

    want = ad.autograd.grad(loss(pair(x, w)), (x, w))
    calls.clear()
    outs = checkpoint(pair, x, w)
    assert outs[2] == "note" and len(calls) == 1
    got = ad.autograd.grad(loss(outs), (x, w))
    assert len(calls) == 2  # recomputed once, for both outputs
    for g, expected in zip(got, want, strict=True):
        np.testing.assert_allclose(_values(g), _values(expected), rtol=1e-12)


def test_random_numbers_are_replayed(backend: str) -> None:
    x = _leaf(np.linspace(-1.0, 1.0, 6))

    def dropout(t: ad.Tensor) -> ad.Tensor:
        keep = ad.rand(6, dtype=ad.float64) > 0.5
        return ad.where(keep, t * 2.0, 0.0)

    ad.manual_seed(3)
    y = checkpoint(dropout, x)
    after = ad.rand(4)
    mask = _values(y) != 0
    (g,) = ad.autograd.grad(y.sum(), x)
    np.testing.assert_array_equal(_values(g), np.where(mask, 2.0, 0.0))
    ad.manual_seed(3)
    dropout(x)
    np.testing.assert_array_equal(_values(ad.rand(4)), _values(after))  # the stream goes on
    ad.manual_seed(3)
    y = checkpoint(dropout, x, preserve_rng_state=False)
    (g,) = ad.autograd.grad(y.sum(), x)  # a new mask in recomputation
    assert not np.array_equal(_values(g) != 0, _values(y) != 0)


def test_modes_and_errors(backend: str) -> None:
    x = _leaf([1.0, 2.0])
    with ad.no_grad():
        assert checkpoint(ad.sin, x).grad_fn is None
    assert checkpoint(ad.sin, ad.tensor([1.0])).grad_fn is None  # nothing requires grad
    with pytest.raises(ValueError, match="Unexpected keyword arguments: k"):
        checkpoint(lambda t, k: t * k, x, use_reentrant=True, k=2.0)
    sizes = iter([2, 3])

    def unstable(t: ad.Tensor) -> ad.Tensor:
        return ad.ones(next(sizes), dtype=ad.float64) * t.sum()

    y = checkpoint(unstable, x)
    with pytest.raises(RuntimeError, match="recomputed outputs have different shapes"):
        y.sum().backward()


def test_checkpointing_lowers_peak_memory() -> None:
    """20 tanh on a 1000x1000 float64 array in 4 checkpointed blocks of 5: the peak holds
    one block's activations instead of all twenty (numpy reports to tracemalloc)."""
    def chain(t: ad.Tensor) -> ad.Tensor:
        for _ in range(5):
            t = ad.tanh(t)
        return t

    def peak(use_checkpoint: bool) -> tuple[int, np.ndarray]:
        x = ad.tensor(np.random.default_rng(0).standard_normal((1000, 1000)) * 0.1,
                      requires_grad=True)
        tracemalloc.start()
        try:
            y = x
            for _ in range(4):
                y = checkpoint(chain, y) if use_checkpoint else chain(y)
            y.sum().backward()
            highest = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return highest, _values(x.grad)

    with ad.use_backend("numpy"):
        plain, plain_grad = peak(False)
        saved, saved_grad = peak(True)
    np.testing.assert_array_equal(saved_grad, plain_grad)
    array = 1000 * 1000 * 8
    assert plain > 20 * array
    assert saved < 0.7 * plain, f"checkpointed peak {saved / array:.1f} arrays, plain " \
                                f"{plain / array:.1f}"
