"""``.grad`` across compiled calls: every way a training step resets or keeps its
gradients, at its start or at its end, compiled against eager call by call. A reset the
trace did not record would leave a replay accumulating onto stale gradients with no
error (``Module.zero_grad`` once wrote the private attribute); the matrix compares the
losses, parameters and gradients after every call, and each step must replay."""

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


@pytest.mark.parametrize("update", [True, False], ids=["step", "no step"])
@pytest.mark.parametrize("where", ["start", "end"])
@pytest.mark.parametrize("reset", list(RESETS))
def test_gradients_across_compiled_calls_equal_eager(backend: str, reset: str, where: str,
                                                     update: bool) -> None:
    ad.manual_seed(0)
    eager_model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    model = copy.deepcopy(eager_model)
    eager_opt = optim.SGD(eager_model.parameters(), lr=0.1, momentum=0.5)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    eager = _step(eager_model, eager_opt, RESETS[reset], where, update)
    compiled = ad.compile(_step(model, opt, RESETS[reset], where, update))
    rng = np.random.default_rng(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for call in range(8):
            x = rng.standard_normal((5, 3)).astype(np.float32)
            y = x.sum(axis=1, keepdims=True)
            want = eager(ad.tensor(x), ad.tensor(y))
            got = compiled(ad.tensor(x), ad.tensor(y))
            assert np.array_equal(got.numpy(), want.numpy()), f"loss, call {call}"
            for p, q in zip(eager_model.parameters(), model.parameters(), strict=True):
                assert np.array_equal(p.detach().numpy(), q.detach().numpy()), call
            for g, h in zip(_grads(eager_model), _grads(model), strict=True):
                assert (g is None) == (h is None), f"a .grad set on one side, call {call}"
                assert g is None or np.array_equal(g, h), f"gradients, call {call}"
    messages = [str(w.message) for w in caught if "autodiff.compile" in str(w.message)]
    assert not messages
    assert any(entry.replay is not None for entry in compiled.cache.values())
