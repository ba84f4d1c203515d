"""W7: a recurrent network of 8,000 steps sharing its weights, forward and backward.

Every step uses the same weight, so its accumulator has 8,000 incoming edges: the
workload that shows whether backward is linear in the uses of a leaf (it once took
5.6 s here against PyTorch's 0.29 s). Imported by ``bench.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autodiff as ad

STEPS, WIDTH = 8_000, 16


def rnn_data() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    return {"w": rng.standard_normal((WIDTH, WIDTH)) * 0.1,
            "x": rng.standard_normal((STEPS, 1, WIDTH))}


def w7_autodiff(data: dict[str, np.ndarray]) -> Callable[[], Any]:
    w = ad.tensor(data["w"], requires_grad=True)
    xs = [ad.tensor(row) for row in data["x"]]

    def step() -> Any:
        w.grad = None
        h = ad.zeros((1, WIDTH), dtype=ad.float64)
        for x in xs:
            h = ad.tanh(h @ w + x)
        h.sum().backward()
        return w.grad

    return step


def w7_numpy(data: dict[str, Any], xp: Any = np) -> Any:
    w, xs = data["w"], data["x"]
    hs = [xp.zeros((1, WIDTH))]
    for x in xs:
        hs.append(xp.tanh(hs[-1] @ w + x))
    hs[-1].sum()
    dw = xp.zeros_like(w)
    dh = xp.ones((1, WIDTH))
    for t in range(len(xs), 0, -1):
        dpre = dh * (1.0 - hs[t] * hs[t])
        dw += hs[t - 1].T @ dpre
        dh = dpre @ w.T
    return dw


def w7_torch(data: dict[str, np.ndarray], device: str) -> Callable[[], Any]:
    import torch

    w = torch.tensor(data["w"], requires_grad=True, device=device)
    xs = [torch.tensor(row, device=device) for row in data["x"]]

    def step() -> Any:
        w.grad = None
        h = torch.zeros((1, WIDTH), dtype=torch.float64, device=device)
        for x in xs:
            h = torch.tanh(h @ w + x)
        h.sum().backward()
        return w.grad

    return step


def run_w7(bench: Any, host: Callable[[Any], np.ndarray]) -> None:
    target = bench.target
    data = rnn_data()
    floor_data = target.put(data)
    np.testing.assert_allclose(host(w7_autodiff(data)()), host(w7_numpy(floor_data, target.xp)),
                               rtol=1e-10, atol=1e-12)
    bench.add("W7 RNN 8,000 steps, shared weight", "s", 1.0, w7_autodiff(data),
              lambda: w7_numpy(floor_data, target.xp),
              w7_torch(data, target.torch_device) if target.torch_device else None)
