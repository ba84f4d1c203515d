"""``autodiff.optim``'s optimizers driven by ``autodiff.optim.lr_scheduler``: the
learning rates and momenta a scheduler writes into ``param_groups`` are the ones the next
step uses, so trajectories match PyTorch's optimizer-plus-scheduler step for step.

(The schedulers are built apart from the optimizers; these tests run once both are in.)"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from optim_reference import M, loss, start

import autodiff as ad
from autodiff import optim

lr_scheduler = pytest.importorskip("autodiff.optim.lr_scheduler",
                                   reason="autodiff.optim.lr_scheduler is not merged yet")

CASES: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.01, "momentum": 0.9}, "StepLR", {"step_size": 3, "gamma": 0.5}),
    ("Adam", {"lr": 0.05}, "CosineAnnealingLR", {"T_max": 10}),
    ("Adam", {"lr": 0.05}, "OneCycleLR", {"max_lr": 0.1, "total_steps": 12}),
    ("SGD", {"lr": 0.01, "momentum": 0.9}, "OneCycleLR", {"max_lr": 0.02,
                                                          "total_steps": 12}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5}, "ExponentialLR", {"gamma": 0.9}),
]


def _run(lib: Any, sched_lib: Any, case: tuple[str, dict[str, Any], str, dict[str, Any]],
         steps: int = 12) -> list[np.ndarray]:
    name, options, sched_name, sched_options = case
    params = [lib.tensor(a, requires_grad=True) for a in start()]
    m = lib.tensor(M)
    opt = getattr(lib.optim, name)(params, **options)
    sched = getattr(sched_lib, sched_name)(opt, **sched_options)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        loss(*params, m).backward()
        opt.step()
        sched.step()
        out.append(np.concatenate([p.detach().numpy().reshape(-1) for p in params]))
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[2]}")
def test_scheduled_trajectory_matches_torch(backend: str, case: Any) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    got = _run(ad, lr_scheduler, case)
    want = _run(torch, torch.optim.lr_scheduler, case)
    np.testing.assert_allclose(np.array(got), np.array(want), rtol=1e-10, atol=1e-10)


def test_scheduler_sees_the_step(backend: str) -> None:
    """A scheduler stepped before the optimizer warns, as in PyTorch; after it, not."""
    w = ad.tensor([1.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    assert opt.param_groups[0]["lr"] == 0.05
    assert opt.param_groups[0]["initial_lr"] == 0.1
