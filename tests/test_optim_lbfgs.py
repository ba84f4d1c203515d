"""``autodiff.optim.LBFGS``: the fixed-step iteration against a numpy reference of
PyTorch's algorithm (two-loop recursion, its stopping rules), the strong-Wolfe line
search by its conditions and its result, both against torch.optim.LBFGS when installed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from optim_reference import M, gradients, loss, start

import autodiff as ad
from autodiff import optim
from autodiff.optim._line_search import cubic_interpolate, strong_wolfe

SHAPES = [p.shape for p in start()]


def _flat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate([a.reshape(-1) for a in arrays])


def _split(x: np.ndarray) -> list[np.ndarray]:
    out, offset = [], 0
    for shape in SHAPES:
        n = int(np.prod(shape))
        out.append(x[offset:offset + n].reshape(shape))
        offset += n
    return out


def _f(x: np.ndarray) -> tuple[float, np.ndarray]:
    a, b, c = _split(x)
    value = ((1 - a) ** 2).sum() + 10 * ((b - a * a) ** 2).sum() + (c ** 4).sum() / 4 + (
        c * M).sum()
    return float(value), _flat(gradients(a, b, c))


def _reference(steps: int, lr: float = 1.0, max_iter: int = 20, history_size: int = 100,
               tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9
               ) -> list[np.ndarray]:
    """PyTorch's L-BFGS without line search, in numpy, on the flat parameter vector."""
    max_eval = max_iter * 5 // 4
    x = _flat(start())
    s_hist: list[np.ndarray] = []
    y_hist: list[np.ndarray] = []
    n_total = 0
    d = t = prev_g = None
    h = 1.0
    out = []
    for _ in range(steps):
        value, g = _f(x)
        evals = 1
        if np.abs(g).max() <= tolerance_grad:
            out.append(x.copy())
            continue
        for n_iter in range(1, max_iter + 1):
            n_total += 1
            if n_total == 1:
                d = -g
            else:
                y, s = g - prev_g, d * t
                if y @ s > 1e-10:
                    if len(s_hist) == history_size:
                        s_hist.pop(0)
                        y_hist.pop(0)
                    s_hist.append(s)
                    y_hist.append(y)
                    h = (y @ s) / (y @ y)
                q, alphas = -g, []
                for s_i, y_i in zip(reversed(s_hist), reversed(y_hist), strict=True):
                    alpha = (s_i @ q) / (y_i @ s_i)
                    alphas.append(alpha)
                    q = q - alpha * y_i
                d = q * h
                for s_i, y_i, alpha in zip(s_hist, y_hist, reversed(alphas), strict=True):
                    d = d + s_i * (alpha - (y_i @ d) / (y_i @ s_i))
            prev_g, prev_value = g, value
            t = min(1.0, 1.0 / np.abs(g).sum()) * lr if n_total == 1 else lr
            if g @ d > -tolerance_change:
                break
            x = x + t * d
            done = False
            if n_iter != max_iter:
                value, g = _f(x)
                evals += 1
                done = np.abs(g).max() <= tolerance_grad
            if n_iter == max_iter or evals >= max_eval or done:
                break
            if np.abs(d * t).max() <= tolerance_change or abs(value - prev_value) < (
                    tolerance_change):
                break
        out.append(x.copy())
    return out


def _run(lib: Any, steps: int, **options: Any) -> tuple[list[np.ndarray], list[float], Any]:
    params = [lib.tensor(a, requires_grad=True) for a in start()]
    m = lib.tensor(M)
    opt = lib.optim.LBFGS(params, **options)

    def closure() -> Any:
        opt.zero_grad()
        value = loss(*params, m)
        value.backward()
        return value

    out, losses = [], []
    for _ in range(steps):
        losses.append(float(opt.step(closure).detach()))
        out.append(np.concatenate([p.detach().numpy().reshape(-1) for p in params]))
    return out, losses, opt


OPTIONS = [{}, {"history_size": 3, "max_iter": 5}, {"lr": 0.5, "max_iter": 4}]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_fixed_step_matches_numpy_reference(backend: str, options: dict[str, Any]) -> None:
    got, _, _ = _run(ad, 4, **options)
    want = _reference(4, **options)
    np.testing.assert_allclose(np.array(got), np.array(want), rtol=1e-10, atol=1e-10)


def test_strong_wolfe_converges(backend: str) -> None:
    """Near the minimum of the problem (the gradient all but vanishes), the loss only
    falling on the way."""
    got, losses, opt = _run(ad, 6, line_search_fn="strong_wolfe")
    assert all(later <= earlier for earlier, later in zip(losses, losses[1:], strict=False))
    _, g = _f(got[-1])
    assert np.abs(g).max() < 1e-3 < np.abs(_f(_flat(start()))[1]).max()
    state = opt.state[opt.param_groups[0]["params"][0]]
    assert {"func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag",
            "prev_flat_grad", "prev_loss", "al"} <= set(state)


def test_line_search_meets_the_strong_wolfe_conditions(backend: str) -> None:
    """On f(x) = (x - 3)^2 + x^4 / 10 from x = 0 along d = 1, the step found satisfies
    sufficient decrease and the curvature condition."""
    def value_and_slope(x: float) -> tuple[float, float]:
        return (x - 3) ** 2 + x ** 4 / 10, 2 * (x - 3) + 0.4 * x ** 3

    def obj(x0: Any, t: float, d: ad.Tensor) -> tuple[float, ad.Tensor]:
        f, g = value_and_slope(t)
        return f, ad.tensor([g], dtype=ad.float64)

    f0, g0 = value_and_slope(0.0)
    d = ad.tensor([1.0], dtype=ad.float64)
    f, g, t, evals = strong_wolfe(obj, None, 0.01, d, f0, ad.tensor([g0], dtype=ad.float64),
                                  g0)
    assert f <= f0 + 1e-4 * t * g0
    assert abs(g.item()) <= 0.9 * abs(g0)
    assert evals >= 2 and t > 0.01


def test_cubic_interpolate_finds_a_cubic_minimum() -> None:
    # f(x) = x^3 - 3x has its local minimum at 1; from values and slopes at 0 and 2
    assert cubic_interpolate(0.0, 0.0, -3.0, 2.0, 2.0, 9.0) == pytest.approx(1.0)
    # no real minimum: the middle of the bounds
    assert cubic_interpolate(0.0, 0.0, 2.0, 1.0, 1.0, 2.0, bounds=(0.0, 4.0)) == 2.0
    # a zero denominator divides as a tensor would (inf), and the bound clamps it
    assert cubic_interpolate(0.0, 0.0, 1.0, 1.0, 1.0, 1.0, bounds=(0.0, 4.0)) == 0.0


def test_lbfgs_errors(backend: str) -> None:
    w = ad.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"LBFGS doesn't support per-parameter options "
                                         r"\(parameter groups\)"):
        optim.LBFGS([{"params": [w]}, {"params": [ad.tensor([2.0], requires_grad=True)]}])
    with pytest.raises(RuntimeError, match="LBFGS requires a closure"):
        optim.LBFGS([w]).step()
    opt = optim.LBFGS([w], line_search_fn="backtracking")

    def closure() -> ad.Tensor:
        opt.zero_grad()
        value = (w * w).sum()
        value.backward()
        return value

    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.LBFGS([w], lr=-1)


@pytest.mark.parametrize("options", [*OPTIONS, *({**o, "line_search_fn": "strong_wolfe"}
                                                 for o in OPTIONS)], ids=str)
def test_matches_torch(backend: str, options: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    got, got_losses, opt = _run(ad, 5, **options)
    want, want_losses, reference = _run(torch, 5, **options)
    np.testing.assert_allclose(np.array(got), np.array(want), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got_losses, want_losses, rtol=1e-10, atol=1e-10)
    ours = opt.state[opt.param_groups[0]["params"][0]]
    theirs = reference.state[reference.param_groups[0]["params"][0]]
    assert ours["func_evals"] == theirs["func_evals"] and ours["n_iter"] == theirs["n_iter"]
    assert set(ours) == set(theirs)
