"""W10 and W11: one training epoch of the examples' digits models. Imported by ``bench.py``.

W10 is an epoch of ``examples/digits_mlp.py``'s MLP (64-128-10, ReLU, dropout 0.1) over
the 1,437 training digits in batches of 64: DataLoader with shuffling, cross-entropy,
backward, Adam. W11 is an epoch of ``examples/digits_cnn.py``'s CNN (two conv + batch
norm + ReLU + max-pool blocks, dropout, linear) with AdamW. Both sides run the examples'
own code: autodiff through ``autodiff.torch``, PyTorch on the CPU. The floor of W10 is the
same epoch written by hand in numpy (no floor for W11: the convolution floor is W9's).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
sys.path.insert(0, EXAMPLES)
import common  # noqa: E402 - the examples' shared code
import digits_cnn  # noqa: E402
import digits_mlp  # noqa: E402

BATCH = 64


def _epoch(torch: ModuleType, model: Any, optimizer: Any, loader: Any) -> Callable[[], float]:
    loss_fn = torch.nn.CrossEntropyLoss()

    def run() -> float:
        model.train()
        total = 0.0
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            loss.backward()
            optimizer.step()
            total += loss.item()
        return total

    return run


def _setup(torch: ModuleType, images: bool, build: Callable[[Any], Any],
           make_optimizer: Callable[[Any], Any], weights: dict[str, np.ndarray] | None
           ) -> tuple[Any, Callable[[], float]]:
    torch.manual_seed(0)
    x_train, y_train, _, _ = common.digits(torch, 0, images=images)
    data = torch.utils.data
    loader = data.DataLoader(data.TensorDataset(x_train, y_train), batch_size=BATCH,
                             shuffle=True, generator=torch.Generator().manual_seed(0))
    model = build(torch)
    if weights is not None:
        model.load_state_dict({k: torch.tensor(v) for k, v in weights.items()})
    return model, _epoch(torch, model, make_optimizer(model), loader)


def _numpy_mlp_epoch() -> Callable[[], float]:
    """The MLP epoch by hand: forward, backward, Adam, on numpy arrays."""
    import autodiff.torch as adt

    x_train, y_train, _, _ = (t.numpy() for t in common.digits(adt, 0))
    rng = np.random.default_rng(0)
    shapes = [(64, 128), (128,), (128, 10), (10,)]
    params = [(rng.uniform(-1, 1, s) / 8).astype(np.float32) for s in shapes]
    moments = [[np.zeros_like(p), np.zeros_like(p)] for p in params]
    step = [0]
    lr, beta1, beta2, eps = 1e-3, 0.9, 0.999, 1e-8

    def run() -> float:
        total = 0.0
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), BATCH):
            idx = order[start:start + BATCH]
            x, y = x_train[idx], y_train[idx]
            w1, b1, w2, b2 = params
            pre = x @ w1 + b1
            keep = (rng.random(pre.shape) >= 0.1).astype(np.float32) / np.float32(0.9)
            hidden = np.maximum(pre, 0) * keep
            logits = hidden @ w2 + b2
            shifted = logits - logits.max(1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
            total += float(-log_p[np.arange(len(y)), y].mean())
            g_logits = np.exp(log_p)
            g_logits[np.arange(len(y)), y] -= 1
            g_logits /= len(y)
            g_hidden = (g_logits @ w2.T) * keep * (pre > 0)
            grads = [x.T @ g_hidden, g_hidden.sum(0), hidden.T @ g_logits, g_logits.sum(0)]
            step[0] += 1
            t = step[0]
            for p, g, (m, v) in zip(params, grads, moments, strict=True):
                m *= beta1
                m += (1 - beta1) * g
                v *= beta2
                v += (1 - beta2) * g * g
                denom = np.sqrt(v) / np.sqrt(1 - beta2 ** t) + eps
                p -= (lr / (1 - beta1 ** t)) * m / denom
        return total

    return run


def run_w10_w11(bench: Any, torch: ModuleType | None) -> None:
    """Time an epoch of each digits model on autodiff, the floor and PyTorch."""
    import autodiff.torch as adt

    models: list[tuple[str, bool, Callable[[Any], Any], Callable[[], float] | None]] = [
        ("W10 digits MLP epoch (23 steps, Adam)", False, digits_mlp.build, _numpy_mlp_epoch()),
        ("W11 digits CNN epoch (23 steps, AdamW)", True, digits_cnn.build, None)]
    for name, images, build, floor in models:
        def make(module: ModuleType, images: bool = images) -> Callable[[Any], Any]:
            if images:
                return lambda m: module.optim.AdamW(m.parameters(), lr=3e-3,
                                                    weight_decay=1e-4)
            return lambda m: module.optim.Adam(m.parameters(), lr=1e-3)

        theirs = None
        weights = None
        if torch is not None and bench.target.torch_device:
            torch_model, theirs = _setup(torch, images, build, make(torch), None)
            weights = {k: v.detach().numpy() for k, v in torch_model.state_dict().items()}
        _, ours = _setup(adt, images, build, make(adt), weights)
        bench.add(name, "ms", 1e3, ours, floor, theirs)
