"""W8 and W9: convolution. Imported by ``bench.py``.

W8 is one ``conv2d`` forward and backward on (64, 3, 32, 32) float32 with 16 3x3
filters (padding 1), both gradients. W9 is one training step of a small CNN on the
same batch: conv(3->16) relu maxpool2, conv(16->32) relu maxpool2, linear(2048->10),
cross-entropy, backward. The floor is hand-written numpy: im2col by
``sliding_window_view`` and ``tensordot``, the input gradient as the full convolution
of the cotangent with the flipped filters, 2x2 max pooling by reshape.
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
def _windows(x: Any, xp: Any) -> Any:
    """(N, C, H, W) padded by 1 -> (N, C, H, W, 3, 3) windows (a view on numpy)."""
    padded = xp.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    view = np.lib.stride_tricks.sliding_window_view if xp is np else xp.lib.stride_tricks \
        .sliding_window_view
    return view(padded, (3, 3), axis=(2, 3))


def conv_forward_numpy(x: Any, w: Any, xp: Any = np) -> Any:
    y = xp.tensordot(_windows(x, xp), w, axes=([1, 4, 5], [1, 2, 3]))  # (N, H, W, O)
    return xp.ascontiguousarray(y.transpose(0, 3, 1, 2))


def conv_backward_numpy(x: Any, w: Any, g: Any, xp: Any = np) -> tuple[Any, Any]:
    gw = xp.tensordot(g, _windows(x, xp), axes=([0, 2, 3], [0, 2, 3]))
    gx = xp.tensordot(_windows(g, xp), w[:, :, ::-1, ::-1], axes=([1, 4, 5], [0, 2, 3]))
    return xp.ascontiguousarray(gx.transpose(0, 3, 1, 2)), gw


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
