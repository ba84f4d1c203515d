"""``autodiff.optim``: each optimizer's trajectory against a numpy reference written from
PyTorch's documented algorithm (and against torch.optim itself when it is installed), in
float64; the ``Optimizer`` contract (groups, state_dict, zero_grad, errors)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from optim_reference import M, loss, start, trajectory

import autodiff as ad
from autodiff import optim

STEPS = 20
ALL = list(range(3))
TWO_GROUPS = [[0], [1, 2]]

# (optimizer, its options per group: one dict for one group, a list for two groups)
CASES: list[tuple[str, Any]] = [
    ("SGD", {"lr": 0.01}),
    ("SGD", {"lr": 0.01, "momentum": 0.9}),
    ("SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.01, "momentum": 0.8, "nesterov": True}),
    ("SGD", [{"lr": 0.01, "momentum": 0.5}, {"lr": 0.02, "weight_decay": 0.2}]),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.1, "eps": 1e-6}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", [{"lr": 0.05}, {"lr": 0.01, "amsgrad": True, "weight_decay": 0.3}]),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.2, "amsgrad": True}),
    ("Adamax", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": 0.1, "eps": 1e-3}),
    ("NAdam", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05, "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("NAdam", [{"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
               {"lr": 0.02}]),
    ("RAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05, "betas": (0.9, 0.9), "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.05, "betas": (0.8, 0.8), "weight_decay": 0.1,
               "decoupled_weight_decay": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.1, "eps": 1e-4}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True}),
    ("RMSprop", [{"lr": 0.01, "centered": True}, {"lr": 0.005, "momentum": 0.5}]),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1,
                 "initial_accumulator_value": 0.5}),
    ("Adadelta", {"lr": 1.0}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1, "eps": 1e-4}),
    ("Adadelta", [{"lr": 1.0}, {"lr": 2.0, "rho": 0.95}]),
]


def _groups(options: Any) -> list[dict[str, Any]]:
    if isinstance(options, dict):
        return [{"params": ALL, **options}]
    # the first group's options are the optimizer's defaults (see _make)
    return [{"params": idx, **options[0], **o}
            for idx, o in zip(TWO_GROUPS, options, strict=True)]


def _make(lib: Any, name: str, options: Any, params: list[Any]) -> Any:
    """The optimizer ``name`` of ``lib`` (autodiff.optim or torch.optim) over ``params``:
    the first group's options become the defaults, as a user would write them."""
    groups = _groups(options)
    first = {k: v for k, v in groups[0].items() if k != "params"}
    spec = [{**{k: v for k, v in g.items() if k != "params"},
             "params": [params[i] for i in g["params"]]} for g in groups]
    return getattr(lib, name)(spec, **first)


def _numpy(t: Any) -> np.ndarray:
    """A copy of a tensor's values (autodiff's or torch's) as numpy."""
    return np.array(t.detach().numpy(), copy=True)


def _run(lib: Any, opt: Any, params: list[Any], m: Any, steps: int,
         closure: bool = False) -> list[list[np.ndarray]]:
    out = []
    for _ in range(steps):
        def evaluate() -> Any:
            opt.zero_grad()
            value = loss(*params, m)
            value.backward()
            return value

        if closure:
            opt.step(evaluate)
        else:
            evaluate()
            opt.step()
        out.append([_numpy(p) for p in params])
    return out


def _autodiff_run(name: str, options: Any, steps: int = STEPS, closure: bool = False
                  ) -> tuple[list[list[np.ndarray]], Any, list[ad.Tensor]]:
    params = [ad.tensor(a, requires_grad=True) for a in start()]
    opt = _make(optim, name, options, params)
    return _run(optim, opt, params, ad.tensor(M), steps, closure), opt, params


def _close(got: list[list[np.ndarray]], want: list[list[np.ndarray]], tol: float) -> None:
    assert len(got) == len(want)
    for step, (g, w) in enumerate(zip(got, want, strict=True)):
        for i, (a, b) in enumerate(zip(g, w, strict=True)):
            np.testing.assert_allclose(a, b, rtol=tol, atol=tol,
                                       err_msg=f"step {step + 1}, parameter {i}")


def _id(case: tuple[str, Any]) -> str:
    return case[0] + "-" + str(case[1]).replace(" ", "")


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_matches_numpy_reference(backend: str, case: tuple[str, Any]) -> None:
    name, options = case
    got, _, _ = _autodiff_run(name, options)
    _close(got, trajectory(name, _groups(options), STEPS), 1e-10)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_matches_torch(backend: str, case: tuple[str, Any]) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    name, options = case
    got, opt, _ = _autodiff_run(name, options)
    params = [torch.tensor(a, requires_grad=True) for a in start()]
    reference = _make(torch.optim, name, options, params)
    want = _run(torch, reference, params, torch.tensor(M), STEPS)
    _close(got, want, 1e-10)
    theirs = reference.state_dict()
    ours = opt.state_dict()
    assert ours["param_groups"] == theirs["param_groups"]
    assert ours["state"].keys() == theirs["state"].keys()
    for index, state in theirs["state"].items():
        assert ours["state"][index].keys() == state.keys()
        for key, value in state.items():
            np.testing.assert_allclose(_numpy(ours["state"][index][key]), _numpy(value),
                                       rtol=1e-10, atol=1e-12)
            assert str(ours["state"][index][key].dtype).split(".")[-1] == str(
                value.dtype).split(".")[-1]


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_state_dict_round_trip(backend: str, case: tuple[str, Any]) -> None:
    """A fresh optimizer loaded from the state dict continues the same trajectory."""
    name, options = case
    got, opt, params = _autodiff_run(name, options, steps=8)
    fresh_params = [ad.tensor(_numpy(p), requires_grad=True) for p in params]
    fresh = _make(optim, name, options, fresh_params)
    fresh.load_state_dict(copy.deepcopy(opt.state_dict()))
    m = ad.tensor(M)
    ahead = _run(optim, opt, params, m, 6)
    again = _run(optim, fresh, fresh_params, m, 6)
    # PyTorch's load casts NAdam's float32 mu_product to the parameter's dtype (only
    # step keeps its own), so from there on the product rounds differently
    _close(again, ahead, 1e-10 if name == "NAdam" else 0.0)
    _close(ahead, trajectory(name, _groups(options), 14)[8:], 1e-10)
