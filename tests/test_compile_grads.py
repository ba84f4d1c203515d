"""Parameters and ``.grad`` across compiled calls: every way a training step resets or
keeps its gradients, at its start or at its end, and every way a hand-written update
writes a parameter, compiled against eager call by call. A write the trace did not
record would leave a replay on stale state with no error (``Module.zero_grad`` once
wrote the private attribute, ``.data =`` rebound the array directly); the matrices
compare the losses, parameters and gradients after every call, and each step must
replay."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff as ad
from autodiff import nn, optim


def _set_none(model: nn.Module, _opt: Any) -> None:
    for p in model.parameters():
        p.grad = None


def _zero_in_place(model: nn.Module, _opt: Any) -> None:
    for p in model.parameters():
        if p.grad is not None:
            p.grad.zero_()


def _scale_in_place(model: nn.Module, _opt: Any) -> None:
    for p in model.parameters():
        if p.grad is not None:
            p.grad.mul_(0.5)  # a decayed accumulation, not a reset


#: how a step resets its gradients
RESETS: dict[str, Callable[[nn.Module, Any], None]] = {
    "optimizer.zero_grad": lambda model, opt: opt.zero_grad(),
    "optimizer.zero_grad(set_to_none=False)": lambda model, opt: opt.zero_grad(
        set_to_none=False),
    "module.zero_grad": lambda model, opt: model.zero_grad(),
    "module.zero_grad(set_to_none=False)": lambda model, opt: model.zero_grad(
        set_to_none=False),
    "grad = None": _set_none,
    "grad.zero_()": _zero_in_place,
    "grad.mul_(0.5)": _scale_in_place,
    "none (accumulate)": lambda model, opt: None,
}


def _step(model: nn.Module, opt: Any, reset: Callable[..., None], where: str,
          update: bool) -> Callable[..., Any]:
    def step(x: ad.Tensor, y: ad.Tensor) -> ad.Tensor:
        if where == "start":
            reset(model, opt)
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        if update:
            opt.step()
        if where == "end":
            reset(model, opt)
        return loss.detach()

    return step


def _grads(model: nn.Module) -> list[Any]:
    return [None if p.grad is None else p.grad.numpy().copy() for p in model.parameters()]


def _models() -> tuple[nn.Module, nn.Module]:
    """A small model and its copy: one trained eagerly, one compiled."""
    ad.manual_seed(0)
    eager_model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    return eager_model, copy.deepcopy(eager_model)


def _trained_alike(eager: Callable[..., ad.Tensor], compiled: Any, models: tuple[nn.Module, ...],
                   calls: int, seed: int, also: Callable[[int], None]) -> None:
    """``eager`` and ``compiled`` called alike ``calls`` times: the same losses and
    parameters after every call (and whatever ``also`` checks), no warning, a replay."""
    rng = np.random.default_rng(seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for call in range(calls):
            x = rng.standard_normal((5, 3)).astype(np.float32)
            y = x.sum(axis=1, keepdims=True)
            want = eager(ad.tensor(x), ad.tensor(y))
            got = compiled(ad.tensor(x), ad.tensor(y))
            assert np.array_equal(got.numpy(), want.numpy()), f"loss, call {call}"
            for p, q in zip(models[0].parameters(), models[1].parameters(), strict=True):
                assert np.array_equal(p.detach().numpy(), q.detach().numpy()), call
            also(call)
    messages = [str(w.message) for w in caught if "autodiff.compile" in str(w.message)]
    assert not messages
    assert any(entry.replay is not None for entry in compiled.cache.values())


@pytest.mark.parametrize("update", [True, False], ids=["step", "no step"])
@pytest.mark.parametrize("where", ["start", "end"])
@pytest.mark.parametrize("reset", list(RESETS))
def test_gradients_across_compiled_calls_equal_eager(backend: str, reset: str, where: str,
                                                     update: bool) -> None:
    eager_model, model = _models()
    eager_opt = optim.SGD(eager_model.parameters(), lr=0.1, momentum=0.5)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    eager = _step(eager_model, eager_opt, RESETS[reset], where, update)
    compiled = ad.compile(_step(model, opt, RESETS[reset], where, update))

    def same_grads(call: int) -> None:
        for g, h in zip(_grads(eager_model), _grads(model), strict=True):
            assert (g is None) == (h is None), f"a .grad set on one side, call {call}"
            assert g is None or np.array_equal(g, h), f"gradients, call {call}"

    _trained_alike(eager, compiled, (eager_model, model), 8, 0, same_grads)


#: how a hand-written step moves a parameter by ``-0.1 * grad``
UPDATES: dict[str, Callable[[ad.Tensor], None]] = {
    "p -= u": lambda p: p.__isub__(p.grad * 0.1),
    "p.sub_(u)": lambda p: p.sub_(p.grad * 0.1),
    "p.add_(g, alpha=-0.1)": lambda p: p.add_(p.grad, alpha=-0.1),
    "p.copy_(p - u)": lambda p: p.copy_(p - p.grad * 0.1),
    "p.data -= u": lambda p: p.data.__isub__(p.grad * 0.1),
    "p.data = p.data - u": lambda p: setattr(p, "data", p.data - p.grad * 0.1),
    "p.data.copy_(p - u)": lambda p: p.data.copy_(p.detach() - p.grad * 0.1),
}


@pytest.mark.parametrize("update", list(UPDATES))
def test_hand_written_updates_equal_eager(backend: str, update: str) -> None:
    eager_model, model = _models()

    def step_of(net: nn.Module) -> Callable[..., ad.Tensor]:
        def step(x: ad.Tensor, y: ad.Tensor) -> ad.Tensor:
            loss = ((net(x) - y) ** 2).mean()
            loss.backward()
            with ad.no_grad():
                for p in net.parameters():
                    UPDATES[update](p)
                    p.grad = None
            return loss.detach()

        return step

    eager, compiled = step_of(eager_model), ad.compile(step_of(model))
    # the writes each side counts (a deep copy's counters start afresh)
    start = [(p._version, q._version) for p, q in zip(
        eager_model.parameters(), model.parameters(), strict=True)]

    def same_versions(call: int) -> None:
        for (p, q), (p0, q0) in zip(zip(eager_model.parameters(), model.parameters(),
                                        strict=True), start, strict=True):
            assert p._version - p0 == q._version - q0, f"versions, call {call}"

    _trained_alike(eager, compiled, (eager_model, model), 6, 1, same_versions)
