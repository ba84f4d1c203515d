"""Benchmarks: autodiff against hand-written numpy forward/backward (the floor) and,
when it is installed, PyTorch CPU eager, in one process on the same inputs.

    python benchmarks/bench.py [--backend numpy] [--repeat 7] [--out results.md]

Gradients are checked equal before anything is timed. Thread count is pinned to 1
(set before numpy loads) and printed. Each figure is the median of ``--repeat`` runs
with the min-max range, the sides taking turns; the table of ratios at the end is also
written to a file. glibc is asked to keep freed memory (see keep_freed_memory;
``--system-malloc`` leaves it be).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import ctypes  # noqa: E402
import ctypes.util  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

import autodiff as ad  # noqa: E402

try:  # optional comparison, never a dependency
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - depends on the machine
    torch = None


def timed(fns: list[Callable[[], Any]], repeat: int) -> list[tuple[float, float, float]]:
    """Median, min and max seconds of ``repeat`` calls of each function.

    The functions take turns, so that a slow spell of the machine falls on every side
    alike; and each timed call follows an untimed call of the same function, so that
    it runs as in a loop of its own side rather than in the state the other side left
    the process in (the allocator's free blocks, the caches). Timed straight after a
    numpy W4 step, autodiff's step ran 8% slower than after one of its own, and
    numpy's 3% slower after autodiff's."""
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, times in zip(fns, samples, strict=True):
            fn()  # settles the process into this side's steady state
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return [(statistics.median(times), min(times), max(times)) for times in samples]


def keep_freed_memory() -> str:
    """Ask glibc's allocator to keep freed memory in the process rather than give it
    back to the system: by default a freed block of W4's size (0.5 MB) goes back,
    and the next one is page-faulted in afresh, which moved W4's numpy floor by up
    to 1.5x between runs. Applies to every side alike; returns what was done."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        # M_TRIM_THRESHOLD (-1) and M_MMAP_THRESHOLD (-3, at most 32 MiB on 64-bit)
        kept = libc.mallopt(-1, 1 << 30) == 1 and libc.mallopt(-3, 32 << 20) == 1
    except (OSError, AttributeError):
        kept = False
    return "glibc keeps freed memory" if kept else "the system's default (not glibc)"


# -- W1: a chain of 1,000 elementwise ops on shape (16,), float64 ----------------------
CHAIN = 250  # four ops a link: add, mul, tanh, sin


def w1_autodiff(x0: np.ndarray, links: int = CHAIN) -> np.ndarray:
    x = ad.tensor(x0, requires_grad=True)
    y = x
    for _ in range(links):
        y = ad.sin(ad.tanh((y + 0.5) * 0.9))
    y.sum().backward()
    return x.grad.numpy()  # type: ignore[union-attr]


def w1_numpy(x0: np.ndarray, links: int = CHAIN) -> np.ndarray:
    saved = []
    y = x0
    for _ in range(links):
        t = np.tanh((y + 0.5) * 0.9)
        saved.append(t)
        y = np.sin(t)
    g = np.ones_like(y)
    for t in reversed(saved):
        g = g * np.cos(t)
        g = g * (1.0 - t * t) * 0.9
    return g


def w1_torch(x0: np.ndarray, links: int = CHAIN) -> np.ndarray:
    x = torch.tensor(x0, requires_grad=True)
    y = x
    for _ in range(links):
        y = torch.sin(torch.tanh((y + 0.5) * 0.9))
    y.sum().backward()
    return x.grad.numpy()


# -- W2: MLP training step 784-1024-1024-10, relu, batch 256, float32 ---------------------
def mlp_data() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    sizes = [784, 1024, 1024, 10]
    data = {"x": rng.standard_normal((256, 784), dtype=np.float32),
            "y": rng.integers(0, 10, 256)}
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        data[f"w{i}"] = (rng.standard_normal((m, n)) / np.sqrt(m)).astype(np.float32)
        data[f"b{i}"] = np.zeros(n, np.float32)
    return data


PARAMETERS = ("w0", "b0", "w1", "b1", "w2", "b2")


def w2_autodiff(data: dict[str, np.ndarray]) -> Callable[[], list[np.ndarray]]:
    """A training step on parameters made once (as a training loop holds them)."""
    params = [ad.tensor(data[k], requires_grad=True) for k in PARAMETERS]
    x, y = ad.tensor(data["x"]), ad.tensor(data["y"])

    def step() -> list[np.ndarray]:
        for p in params:
            p.grad = None
        loss = ad.nn.functional.cross_entropy(w2_forward(params, x), y)
        loss.backward()
        with ad.no_grad():  # the SGD update, in place
            for p in params:
                p -= 0.01 * p.grad
        return [p.grad.numpy() for p in params]  # type: ignore[union-attr]

    return step


def w2_forward(params: list[ad.Tensor], x: ad.Tensor) -> ad.Tensor:
    relu = ad.nn.functional.relu
    h = relu(x @ params[0] + params[1])
    h = relu(h @ params[2] + params[3])
    return h @ params[4] + params[5]


def w2_forward_numpy(data: dict[str, np.ndarray]) -> np.ndarray:
    h = np.maximum(data["x"] @ data["w0"] + data["b0"], 0)
    h = np.maximum(h @ data["w1"] + data["b1"], 0)
    return h @ data["w2"] + data["b2"]


def w2_numpy(data: dict[str, np.ndarray]) -> list[np.ndarray]:
    x, w0, b0, w1, b1, w2, b2 = (data[k] for k in ("x", "w0", "b0", "w1", "b1", "w2", "b2"))
    onehot = np.eye(10, dtype=np.float32)[data["y"]]
    a0 = x @ w0 + b0
    h0 = np.maximum(a0, 0)
    a1 = h0 @ w1 + b1
    h1 = np.maximum(a1, 0)
    logits = h1 @ w2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    probs = e / e.sum(axis=1, keepdims=True)
    g = (probs - onehot) / 256
    gw2, gb2 = h1.T @ g, g.sum(0)
    g = (g @ w2.T) * (a1 > 0)
    gw1, gb1 = h0.T @ g, g.sum(0)
    g = (g @ w1.T) * (a0 > 0)
    gw0, gb0 = x.T @ g, g.sum(0)
    grads = [gw0, gb0, gw1, gb1, gw2, gb2]
    for p, gp in zip((w0, b0, w1, b1, w2, b2), grads, strict=True):
        p -= 0.01 * gp
    return grads


def w2_torch(data: dict[str, np.ndarray]) -> Callable[[], list[np.ndarray]]:
    params = [torch.tensor(data[k], requires_grad=True) for k in PARAMETERS]
    x, y = torch.tensor(data["x"]), torch.tensor(data["y"])

    def step() -> list[np.ndarray]:
        for p in params:
            p.grad = None
        h = torch.relu(x @ params[0] + params[1])
        h = torch.relu(h @ params[2] + params[3])
        loss = torch.nn.functional.cross_entropy(h @ params[4] + params[5], y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.01 * p.grad
        return [p.grad.numpy() for p in params]

    return step


# -- W4: an attention block, batch 32, sequence 64, width 64 ------------------------------
ATTENTION = ("wq", "wk", "wv", "wo")


def attention_data() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    data = {"x": rng.standard_normal((32, 64, 64), dtype=np.float32)}
    for name in ATTENTION:
        data[name] = (rng.standard_normal((64, 64)) / 8).astype(np.float32)
    return data


def w4_autodiff(data: dict[str, np.ndarray]) -> Callable[[], list[np.ndarray]]:
    """Forward and backward on an input and parameters made once, as W2's step."""
    x = ad.tensor(data["x"])
    weights = [ad.tensor(data[k], requires_grad=True) for k in ATTENTION]

    def step() -> list[np.ndarray]:
        for w in weights:
            w.grad = None
        wq, wk, wv, wo = weights
        q, k, v = x @ wq, x @ wk, x @ wv
        a = ad.nn.functional.softmax(q @ k.mT / 8.0, dim=-1)
        ((a @ v) @ wo).sum().backward()
        return [w.grad.numpy() for w in weights]  # type: ignore[union-attr]

    return step


def w4_numpy(data: dict[str, np.ndarray]) -> list[np.ndarray]:
    x, wq, wk, wv, wo = (data[k] for k in ("x", *ATTENTION))
    q, k, v = x @ wq, x @ wk, x @ wv
    s = q @ k.transpose(0, 2, 1) / 8.0
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    a = e / e.sum(axis=-1, keepdims=True)
    h = a @ v
    (h @ wo).sum()  # the loss: its forward is part of the step, as on the other sides
    d_out = np.ones((32, 64, 64), np.float32)
    d_wo = h.reshape(-1, 64).T @ d_out.reshape(-1, 64)
    d_h = d_out @ wo.T
    d_a = d_h @ v.transpose(0, 2, 1)
    d_v = a.transpose(0, 2, 1) @ d_h
    d_s = a * (d_a - (d_a * a).sum(axis=-1, keepdims=True)) / 8.0
    d_q, d_k = d_s @ k, d_s.transpose(0, 2, 1) @ q
    rows = x.reshape(-1, 64).T
    return [rows @ d.reshape(-1, 64) for d in (d_q, d_k, d_v)] + [d_wo]


def w4_torch(data: dict[str, np.ndarray]) -> Callable[[], list[np.ndarray]]:
    x = torch.tensor(data["x"])
    weights = [torch.tensor(data[k], requires_grad=True) for k in ATTENTION]

    def step() -> list[np.ndarray]:
        for w in weights:
            w.grad = None
        wq, wk, wv, wo = weights
        q, k, v = x @ wq, x @ wk, x @ wv
        a = torch.softmax(q @ k.mT / 8.0, dim=-1)
        ((a @ v) @ wo).sum().backward()
        return [w.grad.numpy() for w in weights]

    return step


def peak_bytes(fn: Callable[[], Any]) -> int:
    """Peak of traced allocations (numpy reports its buffers to tracemalloc) in one call."""
    fn()  # warm-up: caches and lazily built objects are not part of a step
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- W3: 100,000 multiplies on shape (4,) ---------------------------------------------------
def w3_autodiff(n: int) -> np.ndarray:
    x = ad.tensor(np.ones(4), requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.000001
    y.sum().backward()
    return x.grad.numpy()  # type: ignore[union-attr]


def w3_torch(n: int) -> np.ndarray:
    x = torch.tensor(np.ones(4), requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.000001
    y.sum().backward()
    return x.grad.numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="numpy")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", default="benchmarks/results/latest.md")
    parser.add_argument("--system-malloc", action="store_true",
                        help="leave the allocator's settings as they are")
    args = parser.parse_args()
    ad.set_backend(args.backend)
    allocator = "the system's default" if args.system_malloc else keep_freed_memory()
    print(f"autodiff backend: {args.backend}; threads: 1 (OMP/OPENBLAS/MKL_NUM_THREADS"
          f"={os.environ['OMP_NUM_THREADS']}); allocator: {allocator}; torch: "
          f"{torch.__version__ if torch else 'not installed'}; python {sys.version.split()[0]}")

    rows: list[tuple[str, str, float, float, float, float | None]] = []

    def add(name: str, unit: str, scale: float, ours: Callable[[], Any],
            floor: Callable[[], Any] | None, theirs: Callable[[], Any] | None) -> None:
        sides = [fn for fn in (ours, floor, theirs if torch else None) if fn is not None]
        results = iter(timed(sides, args.repeat))
        mine = next(results)
        base = next(results) if floor else None
        other = next(results) if theirs and torch else None
        rows.append((name, unit, mine[0] * scale, base[0] * scale if base else float("nan"),
                     mine[0] / base[0] if base else float("nan"),
                     mine[0] / other[0] if other else None))
        detail = f"autodiff {mine[0] * scale:.3g} [{mine[1] * scale:.3g}-{mine[2] * scale:.3g}]"
        if base:
            detail += f", numpy {base[0] * scale:.3g} [{base[1] * scale:.3g}-{base[2] * scale:.3g}]"
        if other:
            detail += f", torch {other[0] * scale:.3g}"
        print(f"{name}: {detail} {unit}")

    x0 = np.random.default_rng(0).standard_normal(16)
    np.testing.assert_allclose(w1_autodiff(x0), w1_numpy(x0), rtol=1e-10)
    ops = CHAIN * 4
    add("W1 tiny-op chain", "us/op", 1e6 / ops, lambda: w1_autodiff(x0), lambda: w1_numpy(x0),
        lambda: w1_torch(x0))

    data = mlp_data()
    for got, want in zip(w2_autodiff(mlp_data())(), w2_numpy(mlp_data()), strict=True):
        np.testing.assert_allclose(got, want, rtol=2e-3, atol=1e-5)
    add("W2 MLP step", "ms", 1e3, w2_autodiff(mlp_data()), lambda: w2_numpy(data),
        w2_torch(mlp_data()) if torch else None)

    params = [ad.tensor(data[k]) for k in ("w0", "b0", "w1", "b1", "w2", "b2")]
    x_in = ad.tensor(data["x"])

    def no_grad_forward() -> Any:
        with ad.no_grad():
            return w2_forward(params, x_in)

    np.testing.assert_allclose(no_grad_forward().numpy(), w2_forward_numpy(data), rtol=1e-4,
                               atol=1e-4)
    add("W2 no-grad forward", "ms", 1e3, no_grad_forward, lambda: w2_forward_numpy(data), None)

    attention = attention_data()
    for got, want in zip(w4_autodiff(attention)(), w4_numpy(attention), strict=True):
        np.testing.assert_allclose(got, want, rtol=2e-3, atol=2e-3)
    add("W4 attention block", "ms", 1e3, w4_autodiff(attention), lambda: w4_numpy(attention),
        w4_torch(attention) if torch else None)

    # inputs and parameters exist before the step on both sides; only the step is traced
    ours_peak = peak_bytes(w2_autodiff(mlp_data()))
    numpy_data = mlp_data()
    floor_peak = peak_bytes(lambda: w2_numpy(numpy_data))
    data_bytes = sum(array.nbytes for array in mlp_data().values())
    print(f"W5 peak memory of a W2 step: autodiff {ours_peak / 2**20:.1f} MiB, numpy "
          f"{floor_peak / 2**20:.1f} MiB (inputs and parameters: {data_bytes / 2**20:.1f} MiB)")
    rows.append(("W5 peak memory (W2 step)", "MiB", ours_peak / 2**20, floor_peak / 2**20,
                 ours_peak / floor_peak, None))

    np.testing.assert_allclose(w3_autodiff(100_000), np.full(4, 1.000001 ** 100_000))
    add("W3 100k-op chain", "s", 1.0, lambda: w3_autodiff(100_000), None,
        lambda: w3_torch(100_000))

    lines = ["| workload | unit | autodiff | numpy | autodiff / numpy | autodiff / torch |",
             "|---|---|---|---|---|---|"]
    for name, unit, mine, base, ratio, vs_torch in rows:
        torch_cell = "n/a" if vs_torch is None else f"{vs_torch:.2f}x"
        base_cell = "-" if base != base else f"{base:.3g}"
        ratio_cell = "-" if ratio != ratio else f"{ratio:.2f}x"
        lines.append(f"| {name} | {unit} | {mine:.3g} | {base_cell} | {ratio_cell} | "
                     f"{torch_cell} |")
    table = "\n".join(lines)
    print("\n" + table)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write(table + "\n")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
