"""``autodiff.compile`` never replays a value the trace should have recomputed: an op's
own arithmetic on an index's values is recorded (a replay on another index gives
eager's result), a check of the data raises at each replay as eager does, a custom
``Function``'s backward is recorded as the ops it runs (the recurrent layers' loops
as calls on arrays), and an array computed outside the recorded ops ends the trace
rather than becoming a constant."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from compile_helpers import replayed as _replayed

import autodiff as ad
from autodiff import nn


def _compare(fn: Callable[..., Any], calls: list[Callable[[], tuple[Any, ...]]]
             ) -> tuple[Any, list[str]]:
    """``fn`` eager and compiled on each call's fresh arguments: their results and
    gradients equal; the compiled function and the warnings it gave."""
    compiled = ad.compile(fn)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for make in calls:
            eager_args, compiled_args = make(), make()
            want, got = fn(*eager_args), compiled(*compiled_args)
            np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
            for e, c in zip(eager_args, compiled_args, strict=True):
                if isinstance(e, ad.Tensor) and e.grad is not None:
                    np.testing.assert_array_equal(c.grad.numpy(), e.grad.numpy())
    return compiled, [str(w.message) for w in caught if "autodiff.compile" in str(w.message)]


def _x() -> ad.Tensor:
    return ad.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)


@pytest.mark.parametrize("op", [
    lambda x, i: x.gather(0, i),
    lambda x, i: ad.zeros(4).scatter(0, i, x[:2]),
    lambda x, i: ad.zeros(4).scatter_add(0, i, x[:2]),
    lambda x, i: x.index_select(0, i),
    lambda x, i: x.scatter_reduce(0, i, x[:2] * 2.0, "prod"),
    lambda x, i: x.scatter_reduce(0, i, x[:2] * 2.0, "mean", include_self=False),
], ids=["gather", "scatter", "scatter_add", "index_select", "scatter_reduce_prod",
        "scatter_reduce_mean"])
def test_an_index_changed_between_calls_is_followed(backend: str,
                                                   op: Callable[..., Any]) -> None:
    def step(x: ad.Tensor, index: ad.Tensor) -> ad.Tensor:
        out = op(x, index) * 2.0
        out.sum().backward()
        return out

    calls = [lambda: (_x(), ad.tensor([0, 2]))] * 2 + [lambda: (_x(), ad.tensor([3, 1]))] * 2
    compiled, messages = _compare(step, calls)
    assert _replayed(compiled) and not messages


def test_a_check_of_the_data_is_replayed_and_raises_as_eager(backend: str) -> None:
    table = nn.Embedding(5, 3)

    def step(index: ad.Tensor) -> ad.Tensor:
        loss = table(index).sum()
        loss.backward()
        return loss

    compiled, messages = _compare(step, [lambda: (ad.tensor([1, 4]),)] * 3)
    assert _replayed(compiled) and not messages
    with pytest.raises(IndexError, match="index out of range in self"):
        step(ad.tensor([1, 7]))
    with pytest.raises(IndexError, match="index out of range in self"):
        compiled(ad.tensor([1, 7]))


class _Exp(ad.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: ad.Tensor) -> ad.Tensor:
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: ad.Tensor) -> ad.Tensor:
        (y,) = ctx.saved_tensors
        return g * y


class _Split(ad.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: ad.Tensor) -> tuple[ad.Tensor, ad.Tensor]:
        ctx.save_for_backward(x)
        return x * 2.0, x.sin()

    @staticmethod
    def backward(ctx: Any, ga: ad.Tensor, gb: ad.Tensor) -> ad.Tensor:
        (x,) = ctx.saved_tensors
        return ga * 2.0 + gb * x.cos()


@pytest.mark.parametrize("use", [
    lambda x: _Exp.apply(x) * 2.0,
    lambda x: _Split.apply(x)[0] * _Split.apply(x)[1],  # two nodes
    lambda x: (lambda a, b: a * b)(*_Split.apply(x)),  # both outputs: tagged sums
], ids=["one output", "two calls", "two outputs"])
def test_a_custom_function_backward_is_recorded(backend: str,
                                               use: Callable[[ad.Tensor], Any]) -> None:
    def step(x: ad.Tensor) -> ad.Tensor:
        loss = use(x * 0.5).sum()
        loss.backward()
        return loss

    values = [[1.0, 2.0, 3.0, 4.0]] * 2 + [[0.5, -1.0, 2.5, 3.0]] * 2
    calls = [lambda v=v: (ad.tensor(v, requires_grad=True),) for v in values]
    compiled, messages = _compare(step, calls)
    assert _replayed(compiled) and not messages


def test_an_array_computed_outside_the_ops_ends_the_trace(backend: str) -> None:
    # unique_consecutive collapses runs on raw arrays: as a constant its output would be
    # the trace's at every replay (two traces on equal values agree)
    def step(x: ad.Tensor) -> ad.Tensor:
        with ad.no_grad():
            return ad.unique_consecutive(x) * 2.0

    calls = ([lambda: (ad.tensor([1.0, 2.0, 1.0]),)] * 3
             + [lambda: (ad.tensor([0.5, 2.5, 2.9]),)] * 2)
    compiled, messages = _compare(step, calls)
    assert not _replayed(compiled)
    assert any("computed outside the recorded ops" in m for m in messages)


@pytest.mark.parametrize("size", [8, 600], ids=["small", "large"])
def test_a_constant_made_each_call_replays(backend: str, size: int) -> None:
    # a zero initial state, say: made anew from Python data at every call, with the
    # same values each time, large or small (traces compare their contents)
    def step(x: ad.Tensor) -> ad.Tensor:
        h = ad.zeros(size) + 0.5
        out = (x * h).sum()
        out.backward()
        return out

    calls = [lambda: (ad.tensor(np.linspace(-1.0, 1.0, size), requires_grad=True),)] * 4
    compiled, messages = _compare(step, calls)
    assert _replayed(compiled) and not messages


def test_clipping_gradients_replays(backend: str) -> None:
    # the total norm, joined from each gradient's own norm, is recorded: a replay clips
    # by the new gradients' norm
    w = ad.tensor(np.linspace(-2.0, 2.0, 6), requires_grad=True)
    b = ad.tensor([0.5], requires_grad=True)

    def step(x: ad.Tensor) -> ad.Tensor:
        w.grad = b.grad = None
        ((w * x).sum() ** 2 + (b * x.sum()).sum()).backward()
        return nn.utils.clip_grad_norm_([w, b], max_norm=1.0) + w.grad.sum() * 0.0

    calls = [lambda: (ad.tensor([1.0, 2.0, 0.5, -1.0, 3.0, 0.25]),)] * 3 + [
        lambda: (ad.tensor([0.01, -0.02, 0.0, 0.03, 0.01, 0.0]),)] * 2
    eager = [step(*make()).item() for make in calls]
    compiled, messages = _compare(step, calls)
    assert _replayed(compiled) and not messages
    assert eager[0] > 1.0 > eager[-1]  # clipped, then within the bound


@pytest.mark.parametrize("bounds", [(0, 3), (0, 0)], ids=["given", "the data's range"])
def test_a_histogram_is_counted_afresh(backend: str, bounds: tuple[float, float]) -> None:
    # histc's counts are a recorded call on the input's array: each replay counts the
    # new values (and, with min == max == 0, finds their range again)
    def step(x: ad.Tensor) -> ad.Tensor:
        with ad.no_grad():
            return ad.histc(x, bins=4, min=bounds[0], max=bounds[1]) * 2.0

    calls = ([lambda: (ad.tensor([1.0, 2.0, 1.0]),)] * 3
             + [lambda: (ad.tensor([0.5, 2.5, 2.9, float("nan")]),)] * 2
             + [lambda: (ad.tensor([-4.0, 7.0, 7.0, 1.0]),)])
    compiled, messages = _compare(step, calls)
    assert _replayed(compiled) and not messages


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("grad", [True, False])
def test_a_recurrent_layer_is_recorded(backend: str, kind: str, grad: bool) -> None:
    # the layer's loop, forward and backward, is one recorded call on arrays: each
    # replay runs it on the new input, as eager does
    ad.manual_seed(0)
    layer = getattr(nn, kind)(2, 3, batch_first=True, bidirectional=kind == "GRU")

    def step(x: ad.Tensor) -> ad.Tensor:
        if not grad:
            with ad.no_grad():
                return layer(x)[0][:, -1] * 2.0
        for p in layer.parameters():
            p.grad = None
        out = layer(x)[0][:, -1]
        (out * out).sum().backward()
        return ad.stack([p.grad.sum() for p in layer.parameters()])

    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal((2, 3, 2)).astype(np.float32) for _ in range(3)]
    calls = [lambda v=v: (ad.tensor(v),) for v in (inputs[0], inputs[0], inputs[1],
                                                   inputs[2])]
    compiled, messages = _compare(step, calls)
    assert _replayed(compiled) and not messages


def test_a_join_of_many_tensors_without_grad_is_recorded(backend: str) -> None:
    def step(x: ad.Tensor) -> ad.Tensor:
        with ad.no_grad():
            return ad.cat([x, x * 2.0, x * 3.0]) + 1.0

    calls = [lambda: (ad.tensor([1.0, 2.0]),)] * 3 + [lambda: (ad.tensor([5.0, 7.0]),)] * 2
    compiled, messages = _compare(step, calls)
    assert _replayed(compiled) and not messages


def test_a_returned_view_of_an_intermediate_is_replayed(backend: str) -> None:
    # the intermediates outlive the call only as what the returned view was made from
    # (its record of its base): nothing else can reach them, so nothing goes stale
    w = ad.tensor([0.5, -1.0, 2.0], requires_grad=True)

    def step(x: ad.Tensor) -> ad.Tensor:
        w.grad = None
        out = (w * x).exp()
        out.sum().backward()
        return out.detach().reshape(3, 1)[1:] * 1.0 + w.grad.reshape(3, 1)[1:]

    def view(x: ad.Tensor) -> ad.Tensor:
        with ad.no_grad():
            return (x * 2.0).detach().reshape(1, 3)[:, 1:]

    values = [[1.0, 2.0, 3.0]] * 2 + [[4.0, -5.0, 6.0], [0.0, 1.0, -1.0]]
    for fn in (step, view):
        calls = [lambda v=v: (ad.tensor(v),) for v in values]
        compiled, messages = _compare(fn, calls)
        assert _replayed(compiled) and not messages


def test_a_view_whose_base_is_kept_in_python_state_ends_the_trace(backend: str) -> None:
    kept: dict[str, ad.Tensor] = {}

    def step(x: ad.Tensor) -> ad.Tensor:
        with ad.no_grad():
            alias = (x * 2.0).detach()
            kept["alias"] = alias  # a replay would leave it as the trace made it
            return alias.reshape(3, 1)

    calls = [lambda: (ad.tensor([1.0, 2.0, 3.0]),)] * 3
    compiled, messages = _compare(step, calls)
    assert not _replayed(compiled)
    assert any("outlives the call" in m for m in messages)
