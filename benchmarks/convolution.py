"""W8 and W9: convolution. Imported by ``bench.py``.

W8 is one ``conv2d`` forward and backward on (64, 3, 32, 32) float32 with 16 3x3
filters (padding 1), both gradients. W9 is one training step of a small CNN on the
same batch: conv(3->16) relu maxpool2, conv(16->32) relu maxpool2, linear(2048->10),
cross-entropy, backward. The floor is hand-written numpy: im2col by one slice per
kernel offset and a matmul, col2im by adding the slices back, 2x2 max pooling by
reshape (its gradient to every tied maximum: the floor's shortcut).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autodiff as ad

F = ad.nn.functional
BATCH, SIDE = 64, 32


def conv_data() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(8)
    return {"x": rng.standard_normal((BATCH, 3, SIDE, SIDE), dtype=np.float32),
            "w1": (rng.standard_normal((16, 3, 3, 3)) * 0.2).astype(np.float32),
            "w2": (rng.standard_normal((32, 16, 3, 3)) * 0.1).astype(np.float32),
            "w3": (rng.standard_normal((10, 32 * 8 * 8)) * 0.02).astype(np.float32),
            "labels": rng.integers(0, 10, BATCH)}


# -- the numpy floor ---------------------------------------------------------------------
def _im2col(x: Any, xp: Any) -> Any:
    """(N, C, H, W) padded by 1 -> (N, C * 9, H * W): one slice per kernel offset."""
    n, c, h, w = x.shape
    padded = xp.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = xp.stack([padded[:, :, i:i + h, j:j + w] for i in range(3) for j in range(3)],
                    axis=2)
    return cols.reshape(n, c * 9, h * w)


def conv_forward_numpy(x: Any, w: Any, xp: Any = np) -> Any:
    n, _, h, width = x.shape
    return xp.matmul(w.reshape(w.shape[0], -1), _im2col(x, xp)).reshape(n, -1, h, width)


def conv_backward_numpy(x: Any, w: Any, g: Any, xp: Any = np) -> tuple[Any, Any]:
    n, c, h, width = x.shape
    gm = g.reshape(n, g.shape[1], h * width)
    gw = xp.matmul(gm, xp.swapaxes(_im2col(x, xp), 1, 2)).sum(axis=0).reshape(w.shape)
    cols = xp.matmul(w.reshape(w.shape[0], -1).T, gm).reshape(n, c, 9, h, width)
    padded = xp.zeros((n, c, h + 2, width + 2), dtype=g.dtype)
    for k in range(9):  # col2im: each offset's slice added back
        padded[:, :, k // 3:k // 3 + h, k % 3:k % 3 + width] += cols[:, :, k]
    return padded[:, :, 1:-1, 1:-1], gw


def w8_numpy(data: dict[str, Any], xp: Any = np) -> list[Any]:
    x, w = data["x"], data["w1"]
    y = conv_forward_numpy(x, w, xp)
    gx, gw = conv_backward_numpy(x, w, xp.ones_like(y), xp)
    return [gx, gw]


def _pool_numpy(h: Any) -> tuple[Any, Any]:
    n, c, s, _ = h.shape
    blocks = h.reshape(n, c, s // 2, 2, s // 2, 2)
    out = blocks.max(axis=(3, 5))
    mask = blocks == out[:, :, :, None, :, None]
    return out, mask


def w9_numpy(data: dict[str, Any], xp: Any = np) -> list[Any]:
    x, w1, w2, w3, labels = (data[k] for k in ("x", "w1", "w2", "w3", "labels"))
    a1 = conv_forward_numpy(x, w1, xp)
    r1 = xp.maximum(a1, 0)
    p1, m1 = _pool_numpy(r1)
    a2 = conv_forward_numpy(p1, w2, xp)
    r2 = xp.maximum(a2, 0)
    p2, m2 = _pool_numpy(r2)
    flat = p2.reshape(BATCH, -1)
    logits = flat @ w3.T
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = xp.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    g = probs
    g[xp.arange(BATCH), labels] -= 1
    g /= BATCH
    gw3 = g.T @ flat
    gp2 = (g @ w3).reshape(p2.shape)
    gr2 = (m2 * gp2[:, :, :, None, :, None]).reshape(r2.shape) * (a2 > 0)
    gp1, gw2 = conv_backward_numpy(p1, w2, gr2, xp)
    gr1 = (m1 * gp1[:, :, :, None, :, None]).reshape(r1.shape) * (a1 > 0)
    _, gw1 = conv_backward_numpy(x, w1, gr1, xp)
    return [gw1, gw2, gw3]


# -- autodiff and torch ------------------------------------------------------------------
def w8_autodiff(data: dict[str, np.ndarray]) -> Callable[[], list[Any]]:
    x = ad.tensor(data["x"], requires_grad=True)
    w = ad.tensor(data["w1"], requires_grad=True)

    def step() -> list[Any]:
        x.grad = w.grad = None
        F.conv2d(x, w, padding=1).sum().backward()
        return [x.grad, w.grad]

    return step


def w8_torch(torch: Any, data: dict[str, np.ndarray], device: str) -> Callable[[], list[Any]]:
    x = torch.tensor(data["x"], device=device, requires_grad=True)
    w = torch.tensor(data["w1"], device=device, requires_grad=True)

    def step() -> list[Any]:
        x.grad = w.grad = None
        torch.nn.functional.conv2d(x, w, padding=1).sum().backward()
        return [x.grad, w.grad]

    return step


def w9_autodiff(data: dict[str, np.ndarray]) -> Callable[[], list[Any]]:
    x, labels = ad.tensor(data["x"]), ad.tensor(data["labels"])
    params = [ad.tensor(data[k], requires_grad=True) for k in ("w1", "w2", "w3")]

    def step() -> list[Any]:
        w1, w2, w3 = params
        for p in params:
            p.grad = None
        h = F.max_pool2d(F.relu(F.conv2d(x, w1, padding=1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, w2, padding=1)), 2)
        F.cross_entropy(ad.reshape(h, (BATCH, -1)) @ w3.mT, labels).backward()
        return [p.grad for p in params]

    return step


def w9_torch(torch: Any, data: dict[str, np.ndarray], device: str) -> Callable[[], list[Any]]:
    tf = torch.nn.functional
    x = torch.tensor(data["x"], device=device)
    labels = torch.tensor(data["labels"], device=device)
    params = [torch.tensor(data[k], device=device, requires_grad=True)
              for k in ("w1", "w2", "w3")]

    def step() -> list[Any]:
        w1, w2, w3 = params
        for p in params:
            p.grad = None
        h = tf.max_pool2d(tf.relu(tf.conv2d(x, w1, padding=1)), 2)
        h = tf.max_pool2d(tf.relu(tf.conv2d(h, w2, padding=1)), 2)
        tf.cross_entropy(h.reshape(BATCH, -1) @ w3.T, labels).backward()
        return [p.grad for p in params]

    return step


def run_w8_w9(bench: Any, host: Callable[[Any], np.ndarray], torch: Any) -> None:
    target = bench.target
    data = conv_data()
    floor_data = target.put(data)
    device = target.torch_device
    for name, ours, floor, theirs in (
            ("W8 conv2d fwd+bwd (64,3,32,32), 16 3x3", w8_autodiff, w8_numpy, w8_torch),
            ("W9 small CNN step (2 conv, 2 pool, linear)", w9_autodiff, w9_numpy, w9_torch)):
        step = ours(data)
        for got, want in zip(step(), floor(floor_data, target.xp), strict=True):
            np.testing.assert_allclose(host(got), host(want), rtol=2e-3, atol=2e-4)
        bench.add(name, "ms", 1e3, step, lambda floor=floor: floor(floor_data, target.xp),
                  theirs(torch, data, device) if device else None)
