"""autodiff.optim.lr_scheduler: every scheduler's trajectory against the formula PyTorch
documents for it (a python reference, no torch needed) and, when PyTorch is installed,
against torch.optim.lr_scheduler on a real torch optimizer, step for step and to the bit;
state dicts, the deprecated ``step(epoch)``, warnings and errors.

The schedulers read and write only an optimizer's ``param_groups``, so a small stand-in
optimizer drives them here.
"""

from __future__ import annotations

import math
import warnings
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

import pytest

import autodiff as ad
from autodiff.optim import lr_scheduler as ours

GROUP_LRS = (0.1, 0.03)
STEPS = 30


class StandIn:
    """The part of an optimizer a scheduler uses: ``param_groups``, ``defaults``, ``step``."""

    def __init__(self, lrs: tuple[float, ...] = GROUP_LRS, **defaults: Any) -> None:
        self.defaults = {"lr": lrs[0], **defaults}
        self.param_groups = [{"lr": lr, **defaults} for lr in lrs]
        self.steps = 0

    def step(self) -> None:
        self.steps += 1


def _torch_optimizer(torch: Any, lrs: tuple[float, ...] = GROUP_LRS, **defaults: Any) -> Any:
    params = [torch.zeros(1, dtype=torch.float64, requires_grad=True) for _ in lrs]
    groups = [{"params": [p], "lr": lr} for p, lr in zip(params, lrs, strict=True)]
    if "betas" in defaults:
        return torch.optim.Adam(groups, lr=lrs[0], **defaults)
    return torch.optim.SGD(groups, lr=lrs[0], **defaults)


def _momenta(opt: Any) -> list[float]:
    return [g["betas"][0] if "betas" in g else g.get("momentum", 0.0) for g in opt.param_groups]


def _trajectory(make: Callable[[Any, Any], Any], module: Any, opt: Any, steps: int = STEPS,
                metrics: list[float] | None = None) -> tuple[list[list[float]], list[list[float]]]:
    """The lrs (and momenta) of each group after construction and after each step."""
    sched = make(module, opt)
    lrs, momenta = [[g["lr"] for g in opt.param_groups]], [_momenta(opt)]
    for i in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        lrs.append([g["lr"] for g in opt.param_groups])
        momenta.append(_momenta(opt))
        assert sched.get_last_lr() == lrs[-1]
    return lrs, momenta


def _close(got: list[list[float]], want: list[list[float]], tol: float = 1e-12) -> None:
    assert len(got) == len(want)
    for step, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == pytest.approx(w, rel=tol, abs=tol), f"step {step}: {g} != {w}"


# -- the documented formulas, written out as functions of the epoch ----------------------
def _cosine(base: float, eta_min: float, t: float, period: float) -> float:
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / period)) / 2


def _warm_restarts(e: int, t0: int, mult: int) -> tuple[int, int]:
    period = t0
    while e >= period:
        e -= period
        period *= mult
    return e, period


def _one_cycle(step: int, max_lr: float, total: int, pct: float, anneal: str, div: float,
               final_div: float, three: bool, mom: tuple[float, float]) -> tuple[float, float]:
    initial, low = max_lr / div, max_lr / div / final_div
    base_m, max_m = mom
    up = pct * total - 1
    if three:
        phases = [(up, initial, max_lr, max_m, base_m), (2 * pct * total - 2, max_lr, initial,
                                                          base_m, max_m),
                  (total - 1, initial, low, max_m, max_m)]
    else:
        phases = [(up, initial, max_lr, max_m, base_m), (total - 1, max_lr, low, base_m, max_m)]
    start = 0.0
    for i, (end, lr0, lr1, m0, m1) in enumerate(phases):
        if step <= end or i == len(phases) - 1:
            pct_done = (step - start) / (end - start)
            if anneal == "cos":
                w = (1 + math.cos(math.pi * pct_done)) / 2
                return lr1 + (lr0 - lr1) * w, m1 + (m0 - m1) * w
            return lr0 + (lr1 - lr0) * pct_done, m0 + (m1 - m0) * pct_done
        start = end
    raise AssertionError("unreachable")


def _triangle(base: float, peak: float, e: int, up: int, down: int, scale: float) -> float:
    """A triangle wave: up from ``base`` to ``peak`` in ``up`` steps, down in ``down``."""
    position = e % (up + down)
    height = position / up if position <= up else (up + down - position) / down
    return base + (peak - base) * height * scale


def _lambda(e: int) -> float:
    return 1.0 / (1 + e) ** 0.5


def _mult(e: int) -> float:
    return 0.9 if e % 3 else 1.05


CASES: dict[str, tuple[Callable[[Any, Any], Any], Callable[[float, int], float]]] = {
    "StepLR": (lambda m, o: m.StepLR(o, step_size=4, gamma=0.5),
               lambda b, e: b * 0.5 ** (e // 4)),
    "StepLR-default-gamma": (lambda m, o: m.StepLR(o, 7),
                             lambda b, e: b * 0.1 ** (e // 7)),
    "MultiStepLR": (lambda m, o: m.MultiStepLR(o, milestones=[3, 8, 8, 20], gamma=0.3),
                    lambda b, e: b * 0.3 ** bisect_right([3, 8, 8, 20], e)),
    "ExponentialLR": (lambda m, o: m.ExponentialLR(o, gamma=0.93),
                      lambda b, e: b * 0.93 ** e),
    "CosineAnnealingLR": (lambda m, o: m.CosineAnnealingLR(o, T_max=10),
                          lambda b, e: _cosine(b, 0.0, e, 10)),
    "CosineAnnealingLR-eta_min": (lambda m, o: m.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
                                  lambda b, e: _cosine(b, 0.001, e, 7)),
    "CosineAnnealingWarmRestarts": (
        lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=4),
        lambda b, e: _cosine(b, 0.0, *_warm_restarts(e, 4, 1))),
    "CosineAnnealingWarmRestarts-T_mult": (
        lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.002),
        lambda b, e: _cosine(b, 0.002, *_warm_restarts(e, 3, 2))),
    "LinearLR": (lambda m, o: m.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=12),
                 lambda b, e: b * (0.2 + 0.7 * min(12, e) / 12)),
    "LinearLR-decay": (lambda m, o: m.LinearLR(o, start_factor=1.0, end_factor=0.05,
                                               total_iters=20),
                       lambda b, e: b * (1.0 - 0.95 * min(20, e) / 20)),
    "LinearLR-default": (lambda m, o: m.LinearLR(o),
                         lambda b, e: b * (1 / 3 + (2 / 3) * min(5, e) / 5)),
    "LambdaLR": (lambda m, o: m.LambdaLR(o, lr_lambda=_lambda),
                 lambda b, e: b * _lambda(e)),
    "MultiplicativeLR": (lambda m, o: m.MultiplicativeLR(o, lr_lambda=_mult),
                         lambda b, e: b * math.prod(_mult(k) for k in range(1, e + 1))),
    "ConstantLR": (lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=6),
                   lambda b, e: b * (0.25 if e < 6 else 1.0)),
    "ConstantLR-default": (lambda m, o: m.ConstantLR(o),
                           lambda b, e: b * (1 / 3 if e < 5 else 1.0)),
    "PolynomialLR": (lambda m, o: m.PolynomialLR(o, total_iters=20, power=2.0),
                     lambda b, e: b * (1 - min(20, e) / 20) ** 2.0),
    "PolynomialLR-default": (lambda m, o: m.PolynomialLR(o),
                             lambda b, e: b * (1 - min(5, e) / 5)),
    "SequentialLR": (
        lambda m, o: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.1, total_iters=5),
                                        m.CosineAnnealingLR(o, T_max=20)], milestones=[5]),
        lambda b, e: b * (0.1 + 0.9 * e / 5) if e < 5 else _cosine(b, 0.0, e - 5, 20)),
    "SequentialLR-three": (
        lambda m, o: m.SequentialLR(o, [m.ConstantLR(o, factor=0.5, total_iters=4),
                                        m.ExponentialLR(o, gamma=0.9),
                                        m.StepLR(o, step_size=5, gamma=0.5)],
                                    milestones=[4, 15]),
        lambda b, e: (b * 0.5 if e < 4 else b * 0.9 ** (e - 4) if e < 15
                      else b * 0.5 ** ((e - 15) // 5))),
    "CyclicLR": (
        lambda m, o: m.CyclicLR(o, base_lr=[0.01, 0.003], max_lr=list(GROUP_LRS),
                                step_size_up=4, cycle_momentum=False),
        lambda b, e: _triangle(b / 10, b, e, 4, 4, 1.0)),
    "CyclicLR-triangular2": (
        lambda m, o: m.CyclicLR(o, base_lr=[0.01, 0.003], max_lr=list(GROUP_LRS),
                                step_size_up=3, step_size_down=5, mode="triangular2",
                                cycle_momentum=False),
        lambda b, e: _triangle(b / 10, b, e, 3, 5, 0.5 ** (e // 8))),
    "CyclicLR-exp_range": (
        lambda m, o: m.CyclicLR(o, base_lr=[0.01, 0.003], max_lr=list(GROUP_LRS),
                                step_size_up=5, step_size_down=2, mode="exp_range",
                                gamma=0.97, cycle_momentum=False),
        lambda b, e: _triangle(b / 10, b, e, 5, 2, 0.97 ** e)),
    "CyclicLR-scale_fn": (
        lambda m, o: m.CyclicLR(o, base_lr=[0.01, 0.003], max_lr=list(GROUP_LRS),
                                step_size_up=2, scale_fn=_lambda, scale_mode="iterations",
                                cycle_momentum=False),
        lambda b, e: _triangle(b / 10, b, e, 2, 2, _lambda(e))),
    "ChainedScheduler": (
        lambda m, o: m.ChainedScheduler([m.ConstantLR(o, factor=0.5, total_iters=6),
                                         m.ExponentialLR(o, gamma=0.95)]),
        lambda b, e: b * (0.5 if e < 6 else 1.0) * 0.95 ** e),
    "ChainedScheduler-warmup-cosine": (
        lambda m, o: m.ChainedScheduler([m.LinearLR(o, start_factor=0.5, total_iters=4),
                                         m.MultiStepLR(o, milestones=[10, 20], gamma=0.5)],
                                        optimizer=o),
        lambda b, e: b * (0.5 + 0.5 * min(4, e) / 4) * 0.5 ** bisect_right([10, 20], e)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_trajectory_follows_the_documented_formula(name: str) -> None:
    make, formula = CASES[name]
    opt = StandIn()
    lrs, _ = _trajectory(make, ours, opt)
    want = [[formula(base, e) for base in GROUP_LRS] for e in range(STEPS + 1)]
    _close(lrs, want)
    assert opt.steps == STEPS
    initial = [base / 10 for base in GROUP_LRS] if name.startswith("CyclicLR") else GROUP_LRS
    assert [g["initial_lr"] for g in opt.param_groups] == pytest.approx(initial)


@pytest.mark.parametrize("name", sorted(CASES))
def test_trajectory_matches_pytorch(name: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    make, _ = CASES[name]
    got, _ = _trajectory(make, ours, StandIn())
    want, _ = _trajectory(make, torch.optim.lr_scheduler, _torch_optimizer(torch))
    assert got == want  # the same formulas in the same order: bit for bit


ONE_CYCLE = {
    "cos": {"max_lr": 0.5, "total_steps": STEPS},
    "linear": {"max_lr": [0.5, 0.2], "total_steps": STEPS, "anneal_strategy": "linear"},
    "three_phase": {"max_lr": 0.5, "epochs": 6, "steps_per_epoch": 5, "three_phase": True,
                    "pct_start": 0.25},
    "three_phase-linear": {"max_lr": 1.0, "total_steps": STEPS, "three_phase": True,
                           "anneal_strategy": "linear", "div_factor": 10.0,
                           "final_div_factor": 100.0, "base_momentum": 0.8,
                           "max_momentum": [0.9, 0.99]},
    "pct_start": {"max_lr": 0.3, "total_steps": STEPS, "pct_start": 0.45,
                  "div_factor": 5.0, "final_div_factor": 50.0},
}


def _one_cycle_reference(kw: dict[str, Any], step: int, group: int) -> tuple[float, float]:
    def pick(value: Any) -> float:
        return value[group] if isinstance(value, list) else value
    total = kw.get("total_steps") or kw["epochs"] * kw["steps_per_epoch"]
    return _one_cycle(step, pick(kw["max_lr"]), total, kw.get("pct_start", 0.3),
                      kw.get("anneal_strategy", "cos"), kw.get("div_factor", 25.0),
                      kw.get("final_div_factor", 1e4), kw.get("three_phase", False),
                      (pick(kw.get("base_momentum", 0.85)), pick(kw.get("max_momentum", 0.95))))


@pytest.mark.parametrize("momentum", ["momentum", "betas"])
@pytest.mark.parametrize("case", sorted(ONE_CYCLE))
def test_one_cycle_follows_the_documented_formula(case: str, momentum: str) -> None:
    kw = ONE_CYCLE[case]
    opt = StandIn(**({"momentum": 0.9} if momentum == "momentum" else {"betas": (0.9, 0.999)}))
    lrs, momenta = _trajectory(lambda m, o: m.OneCycleLR(o, **kw), ours, opt, steps=STEPS - 1)
    want = [[_one_cycle_reference(kw, s, g) for g in range(2)] for s in range(STEPS)]
    _close(lrs, [[lr for lr, _ in row] for row in want])
    _close(momenta, [[m for _, m in row] for row in want])
    if momentum == "betas":
        assert all(g["betas"][1] == 0.999 for g in opt.param_groups)
    # the last step is the smallest lr, and one step more is an error, as in PyTorch
    assert lrs[-1][0] == pytest.approx(lrs[0][0] / kw.get("final_div_factor", 1e4))


@pytest.mark.parametrize("momentum", ["momentum", "betas"])
@pytest.mark.parametrize("case", sorted(ONE_CYCLE))
def test_one_cycle_matches_pytorch(case: str, momentum: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    kw = ONE_CYCLE[case]
    extra = {"momentum": 0.9} if momentum == "momentum" else {"betas": (0.9, 0.999)}

    def make(m: Any, o: Any) -> Any:
        return m.OneCycleLR(o, **kw)
    got = _trajectory(make, ours, StandIn(**extra), steps=STEPS - 1)
    want = _trajectory(make, torch.optim.lr_scheduler, _torch_optimizer(torch, **extra),
                       steps=STEPS - 1)
    assert got == want


def _cyclic(m: Any, o: Any, mode: str) -> Any:
    return m.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.05], step_size_up=3, step_size_down=4,
                      mode=mode, gamma=0.95, base_momentum=[0.8, 0.7], max_momentum=0.9)


def _with(momentum: str) -> dict[str, Any]:
    return {"momentum": 0.9} if momentum == "momentum" else {"betas": (0.9, 0.999)}


@pytest.mark.parametrize("momentum", ["momentum", "betas"])
@pytest.mark.parametrize("mode", ["triangular", "exp_range"])
def test_cyclic_momentum_follows_the_documented_formula(mode: str, momentum: str) -> None:
    lrs, momenta = _trajectory(lambda m, o: _cyclic(m, o, mode), ours, StandIn(**_with(momentum)))
    for e in range(STEPS + 1):
        scale = 1.0 if mode == "triangular" else 0.95 ** e
        assert lrs[e] == pytest.approx([_triangle(0.01, peak, e, 3, 4, scale)
                                        for peak in (0.1, 0.05)], rel=1e-12)
        assert momenta[e] == pytest.approx([_triangle(0.9, low, e, 3, 4, scale)
                                            for low in (0.8, 0.7)], rel=1e-12)


@pytest.mark.parametrize("momentum", ["momentum", "betas"])
@pytest.mark.parametrize("mode", ["triangular", "exp_range"])
def test_cyclic_momentum_matches_pytorch(mode: str, momentum: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    got = _trajectory(lambda m, o: _cyclic(m, o, mode), ours, StandIn(**_with(momentum)))
    want = _trajectory(lambda m, o: _cyclic(m, o, mode), torch.optim.lr_scheduler,
                       _torch_optimizer(torch, **_with(momentum)))
    assert got == want


def test_cyclic_state_keeps_a_callable_objects_dict() -> None:
    class Decay:
        def __init__(self, rate: float) -> None:
            self.rate = rate

        def __call__(self, x: float) -> float:
            return self.rate ** x

    opt = StandIn()
    sched = ours.CyclicLR(opt, 0.01, 0.1, step_size_up=2, scale_fn=Decay(0.5),
                          cycle_momentum=False)
    state = sched.state_dict()
    assert state["_scale_fn_custom"] == {"rate": 0.5} and "_scale_fn_ref" not in state
    other = ours.CyclicLR(StandIn(), 0.01, 0.1, step_size_up=2, scale_fn=Decay(0.9),
                          cycle_momentum=False)
    other.load_state_dict(state)
    assert other._scale_fn_custom.rate == 0.5  # type: ignore[union-attr]
    plain = ours.CyclicLR(StandIn(), 0.01, 0.1, mode="exp_range", gamma=0.5,
                          cycle_momentum=False)
    state = plain.state_dict()
    assert state["_scale_fn_custom"] is None
    plain.load_state_dict(state)
    assert plain.scale_fn(2) == 0.25


def test_one_cycle_without_momentum_and_past_its_end() -> None:
    opt = StandIn()
    sched = ours.OneCycleLR(opt, max_lr=1.0, total_steps=3, cycle_momentum=False)
    assert "momentum" not in opt.param_groups[0]
    for _ in range(2):
        opt.step()
        sched.step()
    opt.step()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of "
                                         "total steps is 3"):
        sched.step()
        sched.step()


# -- ReduceLROnPlateau ----------------------------------------------------------------------
def _plateau_reference(metrics: list[float], base: float, mode: str, factor: float,
                       patience: int, threshold: float, threshold_mode: str, cooldown: int,
                       min_lr: float, eps: float) -> list[float]:
    """The rule PyTorch documents: count the epochs since the last improvement beyond the
    threshold; past ``patience`` of them, lr = max(lr * factor, min_lr) (unless that
    changes it by eps or less), then ignore ``cooldown`` epochs."""
    sign = 1.0 if mode == "min" else -1.0
    best, bad, cool, lr, out = math.inf, 0, 0, base, []
    for value in metrics:
        score = sign * value
        if threshold_mode == "rel":
            limit = best * (1 - sign * threshold) if math.isfinite(best) else best
            improved = score < limit if mode == "min" else -score > -best * (1 + threshold)
        else:
            improved = score < best - threshold
        if improved:
            best, bad = score, 0
        else:
            bad += 1
        if cool > 0:
            cool, bad = cool - 1, 0
        if bad > patience:
            new = max(lr * factor, min_lr)
            if lr - new > eps:
                lr = new
            cool, bad = cooldown, 0
        out.append(lr)
    return out


PLATEAU = {
    "min-rel": {},
    "max-rel": {"mode": "max", "factor": 0.5, "patience": 2},
    "min-abs": {"threshold_mode": "abs", "threshold": 0.05, "patience": 1, "factor": 0.3},
    "max-abs-cooldown": {"mode": "max", "threshold_mode": "abs", "threshold": 0.01,
                         "patience": 0, "cooldown": 3, "factor": 0.7},
    "min_lr": {"patience": 0, "factor": 0.2, "min_lr": 1e-3},
    "min_lr-list-eps": {"patience": 1, "factor": 0.5, "min_lr": [0.02, 0.0], "eps": 0.01},
}


def _metrics(mode: str) -> list[float]:
    # improves, plateaus, wobbles within the threshold, improves again
    values = [1.0, 0.8, 0.7, 0.7, 0.69995, 0.71, 0.7, 0.5, 0.5, 0.5, 0.5, 0.45, 0.449,
              0.46, 0.44, 0.44, 0.44, 0.44, 0.3, 0.3, 0.31, 0.3, 0.3, 0.3, 0.3, 0.29, 0.3,
              0.3, 0.3, 0.3]
    return values if mode == "min" else [-v for v in values]


@pytest.mark.parametrize("case", sorted(PLATEAU))
def test_reduce_on_plateau_follows_the_documented_rule(case: str) -> None:
    kw = PLATEAU[case]
    mode = kw.get("mode", "min")
    metrics = _metrics(mode)
    lrs, _ = _trajectory(lambda m, o: m.ReduceLROnPlateau(o, **kw), ours, StandIn(),
                         metrics=metrics)
    for group, base in enumerate(GROUP_LRS):
        min_lr = kw.get("min_lr", 0.0)
        want = _plateau_reference(
            metrics, base, mode, kw.get("factor", 0.1), kw.get("patience", 10),
            kw.get("threshold", 1e-4), kw.get("threshold_mode", "rel"), kw.get("cooldown", 0),
            min_lr[group] if isinstance(min_lr, list) else min_lr, kw.get("eps", 1e-8))
        assert [row[group] for row in lrs[1:]] == pytest.approx(want, rel=1e-12)
    assert lrs[-1] != lrs[0] or case == "min-rel"


@pytest.mark.parametrize("case", sorted(PLATEAU))
def test_reduce_on_plateau_matches_pytorch(case: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    kw = PLATEAU[case]
    metrics = _metrics(kw.get("mode", "min"))

    def make(m: Any, o: Any) -> Any:
        return m.ReduceLROnPlateau(o, **kw)
    got = _trajectory(make, ours, StandIn(), metrics=metrics)
    want = _trajectory(make, torch.optim.lr_scheduler, _torch_optimizer(torch), metrics=metrics)
    assert got == want


def test_reduce_on_plateau_state() -> None:
    opt = StandIn()
    sched = ours.ReduceLROnPlateau(opt, mode="max", patience=1, cooldown=2)
    for value in (1.0, 0.5, 0.5):
        sched.step(value)
    assert (sched.best, sched.num_bad_epochs, sched.cooldown_counter) == (1.0, 0, 2)
    assert sched.in_cooldown and sched.last_epoch == 3
    state = sched.state_dict()
    again = ours.ReduceLROnPlateau(StandIn())
    again.load_state_dict(state)
    assert (again.mode, again.mode_worse, again.best, again.cooldown_counter) == (
        "max", -math.inf, 1.0, 2)
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)`"):
        sched.step(2.0, epoch=10)
    assert sched.last_epoch == 10


def test_reduce_on_plateau_errors() -> None:
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        ours.ReduceLROnPlateau(StandIn(), factor=1.0)
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
        ours.ReduceLROnPlateau(StandIn(), min_lr=[0.1])
    with pytest.raises(ValueError, match="mode maximum is unknown!"):
        ours.ReduceLROnPlateau(StandIn(), mode="maximum")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="threshold mode relative is unknown!"):
        ours.ReduceLROnPlateau(StandIn(), threshold_mode="relative")  # type: ignore[arg-type]
    opt = StandIn()
    sched = ours.ReduceLROnPlateau(opt, min_lr=[0.0, 0.0], patience=0)
    opt.param_groups.append({"lr": 0.5})
    sched.step(1.0)
    with pytest.raises(RuntimeError, match="The number of param groups in the `optimizer` "
                                           "\\(3\\) differs"):
        sched.step(2.0)
    # with one min_lr for all, a new group simply gets it
    opt = StandIn()
    sched = ours.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    opt.param_groups.append({"lr": 0.5})
    sched.step(1.0)
    sched.step(2.0)
    assert [g["lr"] for g in opt.param_groups] == [0.05, 0.015, 0.25]


def test_reduce_on_plateau_takes_a_tensor_metric(backend: str) -> None:
    opt = StandIn()
    sched = ours.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    sched.step(ad.tensor(1.0, dtype=ad.float64))
    sched.step(ad.tensor(2.0, dtype=ad.float64))
    assert sched.best == 1.0 and sched.get_last_lr() == [0.05, 0.015]


# -- state dicts ------------------------------------------------------------------------------
ALL_CASES: dict[str, Callable[[Any, Any], Any]] = {
    **{name: make for name, (make, _) in CASES.items()},
    "OneCycleLR": lambda m, o: m.OneCycleLR(o, max_lr=0.5, total_steps=40, three_phase=True),
}


@pytest.mark.parametrize("name", sorted(ALL_CASES))
def test_state_dict_round_trip_resumes_the_schedule(name: str) -> None:
    make = ALL_CASES[name]
    straight, _ = _trajectory(make, ours, StandIn(momentum=0.9), steps=20)

    opt = StandIn(momentum=0.9)
    sched = make(ours, opt)
    for _ in range(10):
        opt.step()
        sched.step()
    state, groups = sched.state_dict(), [dict(g) for g in opt.param_groups]
    assert "optimizer" not in state

    fresh = StandIn(momentum=0.9)
    resumed = make(ours, fresh)
    fresh.param_groups = groups  # as optimizer.load_state_dict restores them
    resumed.optimizer = fresh
    for inner in getattr(resumed, "_schedulers", []):
        inner.optimizer = fresh
    resumed.load_state_dict(state)
    assert getattr(resumed, "last_epoch", None) == getattr(sched, "last_epoch", None)
    lrs = []
    for _ in range(10):
        fresh.step()
        resumed.step()
        lrs.append([g["lr"] for g in fresh.param_groups])
    assert lrs == straight[11:]


@pytest.mark.parametrize("name", sorted(ALL_CASES))
def test_state_dict_has_pytorchs_keys_and_values(name: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    make = ALL_CASES[name]
    opt, topt = StandIn(momentum=0.9), _torch_optimizer(torch, momentum=0.9)
    sched, tsched = make(ours, opt), make(torch.optim.lr_scheduler, topt)
    for _ in range(7):
        opt.step()
        sched.step()
        topt.step()
        tsched.step()

    def plain(state: dict[str, Any]) -> dict[str, Any]:
        # lambdas are the test's own functions either way; nested states compared alike
        state = dict(state)
        if "_schedulers" in state:
            state["_schedulers"] = [plain(s) for s in state["_schedulers"]]
        return state
    assert plain(sched.state_dict()) == plain(tsched.state_dict())
    assert opt.param_groups[0].keys() <= topt.param_groups[0].keys() | {"momentum"}


def test_lambda_state_saves_a_callable_objects_dict() -> None:
    class Warmup:
        def __init__(self, n: int) -> None:
            self.n = n

        def __call__(self, epoch: int) -> float:
            return min(1.0, (epoch + 1) / self.n)

    opt = StandIn()
    sched = ours.LambdaLR(opt, [Warmup(4), _lambda])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"n": 4}, None]
    other = ours.LambdaLR(StandIn(), [Warmup(9), _lambda])
    other.load_state_dict(state)
    assert other.lr_lambdas[0].n == 4  # type: ignore[attr-defined]
    assert state["lr_lambdas"] == [{"n": 4}, None]  # the caller's dict is left whole
    mult = ours.MultiplicativeLR(StandIn(), Warmup(3))
    assert mult.state_dict()["lr_lambdas"] == [{"n": 3}, {"n": 3}]


# -- the deprecated step(epoch): the closed forms -------------------------------------------
CLOSED = ("StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR-eta_min", "LinearLR",
          "ConstantLR", "PolynomialLR", "LambdaLR")
EPOCHS = (3, 0, 17, 17, 8, 25, 1, 12)


@pytest.mark.parametrize("name", CLOSED)
def test_step_with_an_epoch_uses_the_closed_form(name: str) -> None:
    make, formula = CASES[name]
    opt = StandIn()
    sched = make(ours, opt)
    for epoch in EPOCHS:
        opt.step()
        with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` "
                                             "was not necessary"):
            sched.step(epoch)
        assert sched.last_epoch == epoch
        assert sched.get_last_lr() == pytest.approx([formula(b, epoch) for b in GROUP_LRS],
                                                    rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", (*CLOSED, "CosineAnnealingWarmRestarts-T_mult",
                                  "MultiplicativeLR"))
def test_step_with_an_epoch_matches_pytorch(name: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    make, _ = CASES[name]
    got, want = [], []
    for module, opt, out in ((ours, StandIn(), got),
                             (torch.optim.lr_scheduler, _torch_optimizer(torch), want)):
        sched = make(module, opt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in EPOCHS:
                opt.step()
                sched.step(epoch)
                out.append(sched.get_last_lr())
                opt.step()
                sched.step()  # the chainable form carries on from there
                out.append(sched.get_last_lr())
    assert got == want


def test_warm_restarts_take_fractional_epochs() -> None:
    opt = StandIn()
    sched = ours.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    for epoch, t_cur, t_i in ((0.5, 0.5, 2), (2.25, 0.25, 4), (7.0, 1.0, 8), (1.0, 1.0, 2)):
        sched.step(epoch)
        assert (sched.T_cur, sched.T_i, sched.last_epoch) == (t_cur, t_i, math.floor(epoch))
        assert sched.get_last_lr() == pytest.approx([_cosine(b, 0, t_cur, t_i)
                                                     for b in GROUP_LRS], rel=1e-12)
    with pytest.raises(ValueError, match="Expected non-negative epoch, but got -1"):
        sched.step(-1)


# -- the base class: initial_lr, resuming, warnings -------------------------------------------
def test_initial_lr_and_base_lrs() -> None:
    opt = StandIn()
    opt.param_groups[1]["initial_lr"] = 0.5  # already there: kept, as setdefault does
    sched = ours.ExponentialLR(opt, gamma=0.5)
    assert sched.base_lrs == [0.1, 0.5] and sched.last_epoch == 0
    assert sched.get_last_lr() == [0.1, 0.03] and sched._step_count == 1
    assert isinstance(sched, ours.LRScheduler)


def test_resuming_with_last_epoch() -> None:
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in "
                                       "param_groups\\[0\\] when resuming scheduler"):
        ours.StepLR(StandIn(), step_size=2, last_epoch=4)
    opt = StandIn()
    for group in opt.param_groups:
        group["initial_lr"] = group["lr"]
    sched = ours.StepLR(opt, step_size=2, gamma=0.5, last_epoch=4)
    assert sched.last_epoch == 5 and sched.base_lrs == list(GROUP_LRS)


def test_resuming_with_last_epoch_matches_pytorch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    out = []
    for module, opt in ((ours, StandIn(momentum=0.9)),
                        (torch.optim.lr_scheduler, _torch_optimizer(torch, momentum=0.9))):
        for group in opt.param_groups:
            group["initial_lr"] = group["lr"] * 2
        lrs = []
        for make in (lambda m, o: m.CosineAnnealingLR(o, T_max=9, last_epoch=3),
                     lambda m, o: m.LambdaLR(o, _lambda, last_epoch=5),
                     lambda m, o: m.MultiStepLR(o, [6, 9], last_epoch=7)):
            sched = make(module, opt)
            for _ in range(5):
                opt.step()
                sched.step()
                lrs.append(sched.get_last_lr())
        out.append(lrs)
    assert out[0] == out[1]


def test_step_order_warnings() -> None:
    opt = StandIn()
    sched = ours.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step\\(\\)` before "
                                         "`optimizer.step\\(\\)`"):
        sched.step()
    opt = StandIn()
    sched = ours.StepLR(opt, step_size=2)
    opt.step = lambda: None  # type: ignore[method-assign]
    with pytest.warns(UserWarning, match="Seems like `optimizer.step\\(\\)` has been "
                                         "overridden after learning rate scheduler"):
        sched.step()
    opt = StandIn()
    sched = ours.StepLR(opt, step_size=2)
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()
        sched.get_last_lr()
    assert opt.steps == 1  # the wrapped step still runs the optimizer's own
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        assert sched.get_lr() == [0.1, 0.03]


def test_a_second_scheduler_wraps_step_once() -> None:
    opt = StandIn()
    ours.StepLR(opt, step_size=2)
    wrapped = opt.step
    ours.ExponentialLR(opt, gamma=0.5)
    assert opt.step is wrapped and getattr(wrapped, "_wrapped_by_lr_sched", False)


# -- errors ----------------------------------------------------------------------------------
ERRORS: list[tuple[Callable[[Any], Any], type[Exception], str]] = [
    (lambda o: ours.StepLR(object(), 3), TypeError, "object is not an Optimizer"),
    (lambda o: ours.OneCycleLR([1.0], max_lr=0.1, total_steps=3), TypeError,
     "list is not an Optimizer"),
    (lambda o: ours.ReduceLROnPlateau(None), TypeError, "NoneType is not an Optimizer"),
    (lambda o: ours.ConstantLR(o, factor=1.5), ValueError,
     "Constant multiplicative factor expected to be between 0 and 1."),
    (lambda o: ours.LinearLR(o, start_factor=0.0), ValueError,
     "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    (lambda o: ours.LinearLR(o, end_factor=1.5), ValueError,
     "Ending multiplicative factor expected to be between 0 and 1."),
    (lambda o: ours.LambdaLR(o, [_lambda]), ValueError, "Expected 2 lr_lambdas, but got 1"),
    (lambda o: ours.MultiplicativeLR(o, [_mult, 0.9]), TypeError,
     "lr_lambda should be a function, but got float"),
    (lambda o: ours.CosineAnnealingWarmRestarts(o, T_0=0), ValueError,
     "Expected positive integer T_0, but got 0"),
    (lambda o: ours.CosineAnnealingWarmRestarts(o, T_0=2.0), ValueError,
     "Expected positive integer T_0, but got 2.0"),
    (lambda o: ours.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), ValueError,
     "Expected integer T_mult >= 1, but got 0"),
    (lambda o: ours.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="0"), ValueError,
     "Expected float or int eta_min, but got 0 of type <class 'str'>"),
    (lambda o: ours.OneCycleLR(o, max_lr=0.1), ValueError,
     "You must define either total_steps OR \\(epochs AND steps_per_epoch\\)"),
    (lambda o: ours.OneCycleLR(o, max_lr=0.1, total_steps=0), ValueError,
     "Expected positive integer total_steps, but got 0"),
    (lambda o: ours.OneCycleLR(o, max_lr=0.1, epochs=0, steps_per_epoch=2), ValueError,
     "Expected positive integer epochs, but got 0"),
    (lambda o: ours.OneCycleLR(o, max_lr=0.1, epochs=2, steps_per_epoch=1.5), ValueError,
     "Expected positive integer steps_per_epoch, but got 1.5"),
    (lambda o: ours.OneCycleLR(o, max_lr=0.1, total_steps=9, pct_start=1), ValueError,
     "Expected float between 0 and 1 pct_start, but got 1"),
    (lambda o: ours.OneCycleLR(o, max_lr=0.1, total_steps=9, anneal_strategy="exp"),
     ValueError, "anneal_strategy must be one of 'cos' or 'linear', instead got exp"),
    (lambda o: ours.OneCycleLR(o, max_lr=[0.1, 0.2, 0.3], total_steps=9), ValueError,
     "max_lr must have the same length as optimizer.param_groups. max_lr has 3 values, "
     "param_groups has 2."),
    (lambda o: ours.OneCycleLR(o, max_lr=0.1, total_steps=9), ValueError,
     "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"),
    (lambda o: ours.CyclicLR(o, 0.01, 0.1, mode="sine"), ValueError,
     "mode is invalid and scale_fn is None"),
    (lambda o: ours.CyclicLR(o, [0.01], 0.1), ValueError,
     "base_lr must have the same length as optimizer.param_groups. base_lr has 1 values, "
     "param_groups has 2."),
    (lambda o: ours.SequentialLR(o, [], milestones=[]), ValueError,
     "SequentialLR expects at least one scheduler, but got no scheduler."),
    (lambda o: ours.SequentialLR(o, [ours.StepLR(o, 2)], milestones=[3]), ValueError,
     "Sequential Schedulers expects number of schedulers provided to be one more than the "
     "number of milestone points, but got number of schedulers 1 and the number of "
     "milestones to be equal to 1"),
    (lambda o: ours.SequentialLR(o, [ours.StepLR(o, 2), 3], milestones=[3]), TypeError,
     "SequentialLR at index 1 should have `optimizer` as its attribute."),
    (lambda o: ours.SequentialLR(o, [ours.ReduceLROnPlateau(o)], milestones=[]), ValueError,
     "SequentialLR does not support `ReduceLROnPlateau` scheduler"),
    (lambda o: ours.SequentialLR(o, [ours.StepLR(StandIn(), 2)], milestones=[]), ValueError,
     "SequentialLR expects all schedulers to belong to the same optimizer, but got "
     "scheduler StepLR at index 0 has"),
    (lambda o: ours.ChainedScheduler([]), ValueError,
     "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler."),
    (lambda o: ours.ChainedScheduler([ours.StepLR(o, 2), ours.StepLR(StandIn(), 2)]),
     ValueError, "ChainedScheduler expects all schedulers to belong to the same optimizer"),
    (lambda o: ours.ChainedScheduler([ours.ReduceLROnPlateau(o)]), ValueError,
     "ChainedScheduler does not support `ReduceLROnPlateau` scheduler"),
    (lambda o: ours.LRScheduler(o).step(), NotImplementedError, "^$"),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors(index: int) -> None:
    make, error, match = ERRORS[index]
    with pytest.raises(error, match=match):
        make(StandIn())


@pytest.mark.parametrize("index", range(len(ERRORS) - 3))
def test_errors_are_pytorchs(index: int) -> None:
    """The same message from PyTorch, given PyTorch's objects. Aside: the not-an-optimizer
    ones (PyTorch checks the class, autodiff the ``param_groups``), and the one about
    momentum (a torch SGD has a momentum default, 0, even without momentum)."""
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    make, error, match = ERRORS[index]
    if index < 3 or "cycle_momentum" in match:
        return
    import types as _types
    source = make.__code__
    namespace = {**make.__globals__, "ours": torch.optim.lr_scheduler,
                 "StandIn": lambda: _torch_optimizer(torch)}
    torch_make = _types.FunctionType(source, namespace)
    with pytest.raises(error, match=match):
        torch_make(_torch_optimizer(torch))


# -- tensor-valued learning rates ------------------------------------------------------------
def test_a_tensor_lr_is_updated_in_place(backend: str) -> None:
    lr = ad.tensor(0.1, dtype=ad.float64)
    opt = StandIn()
    opt.param_groups[0]["lr"] = lr
    sched = ours.StepLR(opt, step_size=2, gamma=0.5)
    assert opt.param_groups[0]["initial_lr"] is not lr  # a copy, not the live tensor
    for _ in range(4):
        opt.step()
        sched.step()
    assert opt.param_groups[0]["lr"] is lr
    assert float(lr) == 0.025 and float(sched.get_last_lr()[0]) == 0.025
    assert float(opt.param_groups[0]["initial_lr"]) == 0.1
