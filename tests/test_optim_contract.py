"""The ``Optimizer`` contract of ``autodiff.optim``: parameter groups, ``add_param_group``
and its errors, ``zero_grad``, ``step``'s closure and grad mode, in-place updates that
bump versions without recording, ``state_dict``'s layout and ``load_state_dict``'s checks
and casts, ``repr``."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import numpy as np
import pytest

import autodiff as ad
from autodiff import optim


def _leaf(values: Any) -> ad.Tensor:
    return ad.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def _quadratic(*params: ad.Tensor) -> ad.Tensor:
    total = (params[0] * params[0]).sum()
    for p in params[1:]:
        total = total + (p * p).sum()
    return total


def test_groups_get_every_default(backend: str) -> None:
    w, b = _leaf([1.0, 2.0]), _leaf([3.0])
    opt = optim.SGD([{"params": [w]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["params"] == [b] or opt.param_groups[1]["params"][0] is b
    assert set(opt.param_groups[1]) == {"params", "lr", "momentum", "dampening", "weight_decay",
                                        "nesterov", "maximize", "foreach", "differentiable",
                                        "fused"}
    assert opt.param_groups[1]["momentum"] == 0.9


def test_add_param_group(backend: str) -> None:
    w, b = _leaf([1.0, 2.0]), _leaf([3.0])
    opt = optim.Adam([w], lr=0.1)
    opt.add_param_group({"params": [b], "lr": 0.01, "amsgrad": True})
    assert len(opt.param_groups) == 2
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)
    _quadratic(w, b).backward()
    opt.step()
    assert "max_exp_avg_sq" in opt.state[b] and "max_exp_avg_sq" not in opt.state[w]


def test_add_param_group_errors(backend: str) -> None:
    w = _leaf([1.0, 2.0])
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter "
                                         "group"):
        opt.add_param_group({"params": [w]})
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        opt.add_param_group({"params": [w * 2]})
    with pytest.raises(TypeError, match="optimizer parameters need to be organized in ordered "
                                        "collections"):
        opt.add_param_group({"params": {_leaf([1.0])}})
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the "
                                        "params is float"):
        opt.add_param_group({"params": [1.0]})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([_leaf([1.0])])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="all optimizer param groups should be with/without "
                                         "names"):
        opt.add_param_group({"params": [("b", _leaf([1.0]))]})
    with pytest.warns(UserWarning, match="duplicate parameters"):
        b = _leaf([1.0])
        opt.add_param_group({"params": [b, b]})


def test_constructor_errors(backend: str) -> None:
    w = _leaf([1.0])
    with pytest.raises(TypeError, match="params argument given to the optimizer should be an "
                                        "iterable of Tensors or dicts, but got "):
        optim.SGD(w, lr=0.1)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.SGD([w], lr=-1)
    with pytest.raises(ValueError, match="Invalid momentum value: -0.5"):
        optim.SGD([w], lr=0.1, momentum=-0.5)
    with pytest.raises(ValueError, match="Invalid weight_decay value: -0.1"):
        optim.Adam([w], weight_decay=-0.1)
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero "
                                         "dampening"):
        optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1.0"):
        optim.Adam([w], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Invalid epsilon value: -1"):
        optim.AdamW([w], eps=-1)
    with pytest.raises(ValueError, match="differentiable=True is not supported"):
        optim.Adam([w], differentiable=True)


def test_named_parameters(backend: str) -> None:
    w, b = _leaf([1.0]), _leaf([2.0])
    opt = optim.SGD([("weight", w), ("bias", b)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]
    with pytest.raises(ValueError, match="Some param names are missing"):
        optim.SGD([("weight", w), b], lr=0.1)


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(backend: str, set_to_none: bool) -> None:
    w, b = _leaf([1.0, 2.0]), _leaf([3.0])
    opt = optim.SGD([w, b], lr=0.1)
    _quadratic(w).backward()
    assert b.grad is None
    opt.zero_grad(set_to_none=set_to_none)
    assert b.grad is None
    if set_to_none:
        assert w.grad is None
    else:
        assert w.grad is not None and w.grad.tolist() == [0.0, 0.0]


def test_step_is_in_place_and_unrecorded(backend: str) -> None:
    w = _leaf([1.0, 2.0])
    opt = optim.Adam([w], lr=0.1, weight_decay=0.1, amsgrad=True)
    _quadratic(w).backward()
    array_before, version = w, w._version
    opt.step()
    assert w is array_before and w._version > version
    assert w.grad_fn is None and w.is_leaf and w.requires_grad
    assert all(t.grad_fn is None and not t.requires_grad
               for t in opt.state[w].values())


def test_closure_runs_under_grad_mode(backend: str) -> None:
    w = _leaf([1.0, 2.0])
    opt = optim.SGD([w], lr=0.1)
    seen = []

    def closure() -> ad.Tensor:
        seen.append(ad.is_grad_enabled())
        opt.zero_grad()
        value = _quadratic(w)
        value.backward()
        return value

    with ad.no_grad():
        loss = opt.step(closure)
    assert seen == [True]
    assert loss.item() == 5.0
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6])
    assert optim.SGD([_leaf([1.0])], lr=0.1).step() is None


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam",
                                  "RMSprop", "Adagrad", "Adadelta"])
def test_maximize_climbs(backend: str, name: str) -> None:
    """maximize=True on -f takes the same steps as minimizing f."""
    down, up = _leaf([1.0, -2.0]), _leaf([1.0, -2.0])
    lr = 50.0 if name == "Adadelta" else 0.1
    lower = getattr(optim, name)([down], lr=lr)
    upper = getattr(optim, name)([up], lr=lr, maximize=True)
    for _ in range(5):
        for opt, p, sign in ((lower, down, 1.0), (upper, up, -1.0)):
            opt.zero_grad()
            (_quadratic(p) * sign).backward()
            opt.step()
    np.testing.assert_array_equal(up.detach().numpy(), down.detach().numpy())
    assert _quadratic(down).item() < 5.0 - 1.0  # it went down from 5


def test_parameters_without_grad_are_skipped(backend: str) -> None:
    w, b = _leaf([1.0]), _leaf([2.0])
    opt = optim.Adam([w, b], lr=0.1)
    _quadratic(w).backward()
    opt.step()
    assert b.tolist() == [2.0] and b not in opt.state and w in opt.state


def test_state_dict_layout(backend: str) -> None:
    w, b, c = _leaf([1.0, 2.0]), _leaf([3.0]), _leaf([4.0])
    opt = optim.Adam([{"params": [w, b]}, {"params": [c], "lr": 0.5}], lr=0.1)
    _quadratic(w, c).backward()
    opt.step()
    sd = opt.state_dict()
    assert list(sd) == ["state", "param_groups"]
    assert sorted(sd["state"]) == [0, 2]
    assert sorted(sd["state"][0]) == ["exp_avg", "exp_avg_sq", "step"]
    assert sd["state"][0]["step"].item() == 1.0 and sd["state"][0]["step"].ndim == 0
    assert sd["state"][0]["step"].dtype == ad.float32
    # the count lives in host memory, as PyTorch's on the CPU; the moments by the parameter
    assert sd["state"][0]["step"].backend == "numpy"
    assert sd["state"][0]["exp_avg"].backend == backend
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sd["param_groups"][1]["lr"] == 0.5


def test_load_state_dict_errors(backend: str) -> None:
    w, b = _leaf([1.0]), _leaf([2.0])
    one = optim.SGD([w, b], lr=0.1).state_dict()
    two = optim.SGD([{"params": [w]}, {"params": [b]}], lr=0.1)
    with pytest.raises(ValueError, match="loaded state dict has a different number of "
                                         "parameter groups"):
        two.load_state_dict(one)
    with pytest.raises(ValueError, match="loaded state dict contains a parameter group that "
                                         "doesn't match the size of optimizer's group"):
        optim.SGD([w], lr=0.1).load_state_dict(one)


def test_load_state_dict_casts_to_the_parameter(backend: str) -> None:
    """Floating state follows the parameter's dtype and backend; step keeps its own; numpy
    arrays are accepted; the loaded tensors are copies."""
    w = ad.tensor([1.0, 2.0], dtype=ad.float32, requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    source = {"state": {0: {"step": ad.tensor(3.0, dtype=ad.float32, backend="numpy"),
                            "exp_avg": ad.tensor([0.1, 0.2], dtype=ad.float64,
                                                 backend="numpy"),
                            "exp_avg_sq": np.array([0.01, 0.04])}},
              "param_groups": [{**opt.param_groups[0], "params": [0], "lr": 0.2}]}
    opt.load_state_dict(source)
    state = opt.state[w]
    assert state["exp_avg"].dtype == ad.float32 and state["exp_avg_sq"].dtype == ad.float32
    assert state["exp_avg"].backend == backend and state["exp_avg_sq"].backend == backend
    assert state["step"].dtype == ad.float32 and state["step"].item() == 3.0
    assert opt.param_groups[0]["lr"] == 0.2 and opt.param_groups[0]["params"][0] is w
    w.grad = ad.ones_like(w) if hasattr(ad, "ones_like") else ad.ones(2, dtype=ad.float32)
    opt.step()
    assert source["state"][0]["step"].item() == 3.0 and state["step"].item() == 4.0


def test_adamw_stays_decoupled_after_load(backend: str) -> None:
    w = _leaf([1.0])
    sd = optim.Adam([w], weight_decay=0.1).state_dict()
    opt = optim.AdamW([w])
    opt.load_state_dict(sd)
    assert opt.param_groups[0]["decoupled_weight_decay"] is True


def test_repr_like_pytorch(backend: str) -> None:
    opt = optim.SGD([_leaf([1.0])], lr=0.1)
    assert repr(opt) == ("SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n"
                         "    foreach: None\n    fused: None\n    lr: 0.1\n    maximize: False\n"
                         "    momentum: 0\n    nesterov: False\n    weight_decay: 0\n)")


@pytest.mark.parametrize("name", ["Adam", "LBFGS"])
def test_pickles_and_copies_with_its_state(backend: str, name: str) -> None:
    w = _leaf([1.0, 2.0])
    opt = getattr(optim, name)([w], lr=0.1)

    def closure() -> ad.Tensor:
        opt.zero_grad()
        value = _quadratic(w)
        value.backward()
        return value

    opt.step(closure)
    inner_step = opt.step
    opt.step = lambda closure=None: inner_step(closure)  # as a scheduler wraps it
    for again in (pickle.loads(pickle.dumps(opt)), copy.deepcopy(opt)):
        assert "step" not in vars(again)
        (p,) = again.param_groups[0]["params"]
        assert p.tolist() == w.tolist() and p is not w
        assert set(again.state[p]) == set(opt.state[w])
        again.step(lambda again=again, p=p: _quadratic(p))


def test_lbfgs_state_dict_round_trip(backend: str) -> None:
    def problem(w: ad.Tensor) -> ad.Tensor:
        return ((w - ad.tensor([1.0, -1.0, 2.0], dtype=ad.float64)) ** 4).sum() + (w * w).sum()

    def run(opt: optim.LBFGS, w: ad.Tensor, steps: int) -> list[list[float]]:
        def closure() -> ad.Tensor:
            opt.zero_grad()
            value = problem(w)
            value.backward()
            return value

        out = []
        for _ in range(steps):
            opt.step(closure)
            out.append(w.tolist())
        return out

    w = _leaf([0.0, 0.0, 0.0])
    opt = optim.LBFGS([w], max_iter=3, history_size=2)
    run(opt, w, 2)
    again = _leaf(w.tolist())
    fresh = optim.LBFGS([again], max_iter=3, history_size=2)
    fresh.load_state_dict(opt.state_dict())
    assert fresh.state[again]["n_iter"] == opt.state[w]["n_iter"] > 2
    assert run(fresh, again, 3) == run(opt, w, 3)


def test_hooks(backend: str) -> None:
    w = _leaf([1.0, 2.0])
    opt = optim.SGD([w], lr=0.1)
    calls: list[str] = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append("pre"))
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append("post"))
    _quadratic(w).backward()
    opt.step()
    assert calls == ["pre", "post"]
    pre.remove()
    opt.step()
    assert calls == ["pre", "post", "post"]

    opt.register_state_dict_pre_hook(lambda o: calls.append("sd-pre"))
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    assert opt.state_dict()["extra"] == 1 and calls[-1] == "sd-pre"
    opt.register_load_state_dict_pre_hook(
        lambda o, sd: {k: v for k, v in sd.items() if k != "extra"})
    opt.register_load_state_dict_post_hook(lambda o: calls.append("load-post"))
    opt.register_load_state_dict_post_hook(lambda o: calls.append("load-first"), prepend=True)
    opt.load_state_dict(opt.state_dict())
    assert calls[-2:] == ["load-first", "load-post"]

    bad = opt.register_step_pre_hook(lambda o, args, kwargs: "nonsense")
    with pytest.raises(RuntimeError, match="optimizer_pre_hook must return None or a tuple"):
        opt.step()
    bad.remove()


def test_step_hooks_run_once_through_super(backend: str) -> None:
    class Clipped(optim.SGD):
        def step(self, closure: Any = None) -> Any:
            return super().step(closure)

    w = _leaf([1.0])
    opt = Clipped([w], lr=0.1)
    calls: list[int] = []
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append(1))
    _quadratic(w).backward()
    opt.step()
    assert calls == [1] and w.tolist() == [0.8]


def test_a_custom_optimizer_as_pytorch_users_write_one(backend: str) -> None:
    class SignSGD(optim.Optimizer):
        def __init__(self, params: Any, lr: float = 0.1) -> None:
            super().__init__(params, {"lr": lr})

        @ad.no_grad()
        def step(self, closure: Any = None) -> Any:
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.sub_(ad.sign(p.grad) * group["lr"])
                        self.state[p]["steps"] = self.state[p].get("steps", 0) + 1

    w = _leaf([1.0, -2.0])
    opt = SignSGD([w], lr=0.5)
    calls: list[int] = []
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append(1))
    _quadratic(w).backward()
    opt.step()
    assert w.tolist() == [0.5, -1.5] and calls == [1]
    assert opt.state_dict()["state"] == {0: {"steps": 1}}
    assert opt.state_dict()["param_groups"] == [{"lr": 0.5, "params": [0]}]
    with pytest.raises(NotImplementedError):
        optim.Optimizer([w], {}).step()
