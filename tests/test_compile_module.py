"""``autodiff.compile`` with PyTorch's ``torch.compile`` surface: a module gives an
``OptimizedModule`` (the original under ``_orig_mod``), ``Module.compile()`` compiles a
module's call in place, and PyTorch's arguments are checked as PyTorch checks them, then
change nothing (autodiff has one compiler)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from compile_helpers import replayed as _replayed

import autodiff as ad
from autodiff import nn
from autodiff.compile import Compiled, OptimizedModule


def _net() -> nn.Module:
    ad.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 2))


def _inputs(count: int) -> list[ad.Tensor]:
    rng = np.random.default_rng(0)
    return [ad.tensor(rng.standard_normal((5, 3)).astype(np.float32)) for _ in range(count)]


def _same(a: ad.Tensor, b: ad.Tensor) -> None:
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_a_compiled_module_is_the_module_under_orig_mod() -> None:
    net = _net()
    fast = ad.compile(net)
    assert isinstance(fast, OptimizedModule) and isinstance(fast, nn.Module)
    assert fast._orig_mod is net and getattr(fast, "0") is net[0]  # the module's
    assert all(p is q for p, q in zip(fast.parameters(), net.parameters(), strict=True))
    assert list(fast.state_dict()) == ["_orig_mod." + key for key in net.state_dict()]
    assert repr(fast).startswith("OptimizedModule(\n  (_orig_mod): Sequential(")
    fast.eval()
    assert not net.training and not net[1].training


@pytest.mark.parametrize("in_place", [False, True])
def test_a_compiled_module_replays_inference_as_eager(backend: str, in_place: bool) -> None:
    eager, net = _net(), _net()
    if in_place:
        net.compile(mode="reduce-overhead")
        compiled = net._compiled_call_impl
    else:
        net = ad.compile(net)
        compiled = net._compiled_call_impl
    for train in (True, False):  # BatchNorm: batch statistics, then the running ones
        eager.train(train)
        net.train(train)
        with ad.no_grad():
            for x in _inputs(4):
                _same(net(x), eager(x))
    # the running statistics the training-mode calls updated in place are eager's
    for mine, theirs in zip(net.buffers(), eager.buffers(), strict=True):
        _same(mine, theirs)
    assert _replayed(compiled)
    assert compiled.misses == 1  # the training flag is guarded: eval() traced again


def test_module_compile_keeps_its_state_dict_keys() -> None:
    net = _net()
    keys = list(net.state_dict())
    net.compile()
    assert list(net.state_dict()) == keys
    net.compile(disable=True)
    assert net._compiled_call_impl is None


def test_a_compiled_forward_in_a_training_loop_runs_eagerly_after_one_warning() -> None:
    # backward() runs outside the compiled forward: its replay could make no graph
    eager, net = _net(), ad.compile(_net())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for x in _inputs(3):
            for model in (eager, net):
                model.zero_grad()
                model(x).square().sum().backward()
            for mine, theirs in zip(net.parameters(), eager.parameters(), strict=True):
                _same(mine.grad, theirs.grad)
    messages = [str(w.message) for w in caught if "autodiff.compile" in str(w.message)]
    assert len(messages) == 1 and "autodiff.compile(Sequential): graph break" in messages[0]


def test_pytorch_arguments_are_checked_then_change_nothing() -> None:
    with pytest.raises(RuntimeError, match="Unrecognized mode=fast, should be one of: "
                                           "default, lite, reduce-overhead"):
        ad.compile(lambda x: x, mode="fast")
    with pytest.raises(RuntimeError, match="Either mode or options can be specified"):
        ad.compile(lambda x: x, mode="max-autotune", options={"trace.enabled": True})
    with pytest.raises(ValueError, match="backend 'tvm2' is not one of PyTorch's"):
        ad.compile(lambda x: x, backend="tvm2")
    with pytest.raises(TypeError, match="A callable function is expected"):
        ad.compile(3)
    net = _net()
    assert ad.compile(net, disable=True) is net

    @ad.compile(backend="inductor", mode="max-autotune", dynamic=False, fullgraph=True)
    def double(x: ad.Tensor) -> ad.Tensor:
        return x * 2.0

    assert isinstance(double, Compiled)
    for _ in range(3):
        _same(double(ad.ones(2)), ad.full((2,), 2.0))
    assert _replayed(double)
