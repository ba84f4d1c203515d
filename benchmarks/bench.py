"""Benchmarks: autodiff against hand-written forward/backward code (the floor) and,
when it is installed, PyTorch eager, in one process on the same inputs.

    python benchmarks/bench.py [--backend numpy] [--repeat 7] [--out results.md]
    python benchmarks/bench.py --backend dask [--small]   (benchmarks/dask_bench.py)

On a CPU backend (numpy, the default) the floor is numpy and PyTorch runs on the CPU.
On a GPU backend (``--backend cupy``) the floor is the same code run on cupy arrays,
PyTorch runs on CUDA (left out where torch has no CUDA), the MLP step is larger
(784-4096-4096-10, batch 1024), W5 reads cupy's memory pool, and W6, an elementwise
chain on a large vector, is set against the device's measured copy bandwidth.

Gradients are checked equal before anything is timed. Thread count is pinned to 1
(set before numpy loads) and printed. Each figure is the median of ``--repeat`` runs
with the min-max range, the sides taking turns; on a GPU the device is synchronised
before the clock starts and before it stops. The table of ratios at the end is also
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
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

import autodiff as ad  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compiled import run_compiled  # noqa: E402 - W1, W2, W4, W5, W12 under autodiff.compile
from convolution import run_w8_w9  # noqa: E402 - W8, W9, in a module of their own
from recurrent import run_w7  # noqa: E402 - W7, in a module of its own
from training import run_w10_w11  # noqa: E402 - W10, W11: the examples' training epochs

try:  # optional comparison, never a dependency
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - depends on the machine
    torch = None


def timed(fns: list[Callable[[], Any]], repeat: int,
          sync: Callable[[], None] | None = None) -> list[tuple[float, float, float]]:
    """Median, min and max seconds of ``repeat`` calls of each function.

    The functions take turns, so that a slow spell of the machine falls on every side
    alike; and each timed call follows an untimed call of the same function, so that
    it runs as in a loop of its own side rather than in the state the other side left
    the process in (the allocator's free blocks, the caches). Timed straight after a
    numpy W4 step, autodiff's step ran 8% slower than after one of its own, and
    numpy's 3% slower after autodiff's. ``sync`` waits for work queued on a device
    (GPU kernels run asynchronously): it is called before the clock starts, so that
    the settling call's kernels are not counted, and before it stops."""
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, times in zip(fns, samples, strict=True):
            fn()  # settles the process into this side's steady state
            if sync is not None:
                sync()
            start = time.perf_counter()
            fn()
            if sync is not None:
                sync()
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


# -- where the sides run --------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """The device of the autodiff backend, and how the floor and PyTorch get onto it."""

    xp: Any  # the floor's array module: numpy, or cupy on a GPU
    floor: str  # the floor's name in the output
    torch_device: str | None  # None: no PyTorch on this device, the column is left out
    torch_label: str
    sync: Callable[[], None] | None = None  # waits for the device; None on the CPU
    device_name: str = "cpu"
    mlp: tuple[int, int] = (1024, 256)  # W2's hidden width and batch

    @property
    def gpu(self) -> bool:
        return self.sync is not None

    def put(self, data: dict[str, np.ndarray]) -> dict[str, Any]:
        """The arrays on the floor's device (numpy arrays pass through uncopied)."""
        return {name: self.xp.asarray(array) for name, array in data.items()}


def cpu_target() -> Target:
    return Target(np, "numpy", "cpu" if torch else None, "torch")


def gpu_target() -> Target:
    """cupy for the floor, torch on CUDA; imports cupy, so only called in GPU mode."""
    import cupy

    device = cupy.cuda.Device()
    name = cupy.cuda.runtime.getDeviceProperties(device.id)["name"]
    cuda = torch is not None and torch.cuda.is_available()
    # cudaDeviceSynchronize: waits for every stream of the device, PyTorch's included
    return Target(cupy, "cupy", "cuda" if cuda else None, "torch cuda", device.synchronize,
                  name.decode() if isinstance(name, bytes) else str(name), (4096, 1024))


def host(values: Any) -> np.ndarray:
    """A result as a numpy array, from any side and device (for the checks, never timed)."""
    if isinstance(values, ad.Tensor):
        return values.numpy()
    if torch is not None and isinstance(values, torch.Tensor):
        return values.detach().cpu().numpy()
    return values.get() if hasattr(values, "get") else np.asarray(values)  # cupy: .get()


# -- W1: a chain of 1,000 elementwise ops on shape (16,), float64 ----------------------
CHAIN = 250  # four ops a link: add, mul, tanh, sin


def w1_chain(x: ad.Tensor, links: int = CHAIN) -> Any:
    """W1's step on a leaf tensor (compiled as is by ``compiled.py``)."""
    y = x
    for _ in range(links):
        y = ad.sin(ad.tanh((y + 0.5) * 0.9))
    y.sum().backward()
    return x.grad


def w1_autodiff(x0: Any, links: int = CHAIN) -> Any:
    return w1_chain(ad.tensor(x0, requires_grad=True), links)


def w1_numpy(x0: Any, links: int = CHAIN, xp: Any = np) -> Any:
    saved = []
    y = x0
    for _ in range(links):
        t = xp.tanh((y + 0.5) * 0.9)
        saved.append(t)
        y = xp.sin(t)
    g = xp.ones_like(y)
    for t in reversed(saved):
        g = g * xp.cos(t)
        g = g * (1.0 - t * t) * 0.9
    return g


def w1_torch(x0: Any, links: int = CHAIN) -> Any:
    x = x0.clone().requires_grad_()  # x0: a torch tensor made once, on the device
    y = x
    for _ in range(links):
        y = torch.sin(torch.tanh((y + 0.5) * 0.9))
    y.sum().backward()
    return x.grad


# -- W2: MLP training step 784-1024-1024-10, relu, batch 256, float32 ---------------------
# (784-4096-4096-10, batch 1024 on a GPU: Target.mlp)
def mlp_data(hidden: int = 1024, batch: int = 256) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    sizes = [784, hidden, hidden, 10]
    data = {"x": rng.standard_normal((batch, 784), dtype=np.float32),
            "y": rng.integers(0, 10, batch)}
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        data[f"w{i}"] = (rng.standard_normal((m, n)) / np.sqrt(m)).astype(np.float32)
        data[f"b{i}"] = np.zeros(n, np.float32)
    return data


PARAMETERS = ("w0", "b0", "w1", "b1", "w2", "b2")


def w2_autodiff(data: dict[str, np.ndarray], compiled: bool = False) -> Callable[[], list[Any]]:
    """A training step on parameters made once (as a training loop holds them); with
    ``compiled``, the same step through ``ad.compile``."""
    params = [ad.tensor(data[k], requires_grad=True) for k in PARAMETERS]
    x, y = ad.tensor(data["x"]), ad.tensor(data["y"])

    def step(x: ad.Tensor, y: ad.Tensor) -> list[Any]:
        for p in params:
            p.grad = None
        loss = ad.nn.functional.cross_entropy(w2_forward(params, x), y)
        loss.backward()
        with ad.no_grad():  # the SGD update, in place
            for p in params:
                p -= 0.01 * p.grad
        return [p.grad for p in params]

    run = ad.compile(step) if compiled else step
    return lambda: run(x, y)


def w2_forward(params: list[ad.Tensor], x: ad.Tensor) -> ad.Tensor:
    relu = ad.nn.functional.relu
    h = relu(x @ params[0] + params[1])
    h = relu(h @ params[2] + params[3])
    return h @ params[4] + params[5]


def w2_forward_numpy(data: dict[str, Any], xp: Any = np) -> Any:
    h = xp.maximum(data["x"] @ data["w0"] + data["b0"], 0)
    h = xp.maximum(h @ data["w1"] + data["b1"], 0)
    return h @ data["w2"] + data["b2"]


def w2_numpy(data: dict[str, Any], xp: Any = np) -> list[Any]:
    x, w0, b0, w1, b1, w2, b2 = (data[k] for k in ("x", "w0", "b0", "w1", "b1", "w2", "b2"))
    onehot = xp.eye(10, dtype=xp.float32)[data["y"]]
    a0 = x @ w0 + b0
    h0 = xp.maximum(a0, 0)
    a1 = h0 @ w1 + b1
    h1 = xp.maximum(a1, 0)
    logits = h1 @ w2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = xp.exp(shifted)
    probs = e / e.sum(axis=1, keepdims=True)
    g = (probs - onehot) / x.shape[0]
    gw2, gb2 = h1.T @ g, g.sum(0)
    g = (g @ w2.T) * (a1 > 0)
    gw1, gb1 = h0.T @ g, g.sum(0)
    g = (g @ w1.T) * (a0 > 0)
    gw0, gb0 = x.T @ g, g.sum(0)
    grads = [gw0, gb0, gw1, gb1, gw2, gb2]
    for p, gp in zip((w0, b0, w1, b1, w2, b2), grads, strict=True):
        p -= 0.01 * gp
    return grads


def w2_torch(data: dict[str, np.ndarray], device: str) -> Callable[[], list[Any]]:
    params = [torch.tensor(data[k], requires_grad=True, device=device) for k in PARAMETERS]
    x, y = torch.tensor(data["x"], device=device), torch.tensor(data["y"], device=device)

    def step() -> list[Any]:
        for p in params:
            p.grad = None
        h = torch.relu(x @ params[0] + params[1])
        h = torch.relu(h @ params[2] + params[3])
        loss = torch.nn.functional.cross_entropy(h @ params[4] + params[5], y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.01 * p.grad
        return [p.grad for p in params]

    return step


# -- W4: an attention block, batch 32, sequence 64, width 64 ------------------------------
# What a transformer block has: biased projections (``x @ W + b`` on a 3-D input),
# softmax attention, and a squared-error loss against a target.
ATTENTION = ("wq", "wk", "wv", "wo")
BIASES = ("bq", "bk", "bv", "bo")


def attention_data() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    data = {"x": rng.standard_normal((32, 64, 64), dtype=np.float32),
            "y": rng.standard_normal((32, 64, 64), dtype=np.float32)}
    for name in ATTENTION:
        data[name] = (rng.standard_normal((64, 64)) / 8).astype(np.float32)
    for name in BIASES:
        data[name] = (rng.standard_normal(64) / 8).astype(np.float32)
    return data


def w4_autodiff(data: dict[str, np.ndarray], compiled: bool = False) -> Callable[[], list[Any]]:
    """Forward and backward on an input and parameters made once, as W2's step; with
    ``compiled``, through ``ad.compile``."""
    x, y = ad.tensor(data["x"]), ad.tensor(data["y"])
    params = [ad.tensor(data[k], requires_grad=True) for k in (*ATTENTION, *BIASES)]

    def step(x: ad.Tensor, y: ad.Tensor) -> list[Any]:
        for p in params:
            p.grad = None
        wq, wk, wv, wo, bq, bk, bv, bo = params
        q, k, v = x @ wq + bq, x @ wk + bk, x @ wv + bv
        a = ad.nn.functional.softmax(q @ k.mT / 8.0, dim=-1)
        out = (a @ v) @ wo + bo
        ((out - y) ** 2).mean().backward()
        return [p.grad for p in params]

    run = ad.compile(step) if compiled else step
    return lambda: run(x, y)


def w4_numpy(data: dict[str, Any], xp: Any = np) -> list[Any]:
    x, y, wq, wk, wv, wo = (data[k] for k in ("x", "y", *ATTENTION))
    bq, bk, bv, bo = (data[k] for k in BIASES)
    q, k, v = x @ wq + bq, x @ wk + bk, x @ wv + bv
    s = q @ k.transpose(0, 2, 1) / 8.0
    e = xp.exp(s - s.max(axis=-1, keepdims=True))
    a = e / e.sum(axis=-1, keepdims=True)
    h = a @ v
    diff = h @ wo + bo - y
    (diff * diff).mean()  # the loss: its forward is part of the step, as on the other sides
    d_out = diff * (2.0 / diff.size)
    d_wo = h.reshape(-1, 64).T @ d_out.reshape(-1, 64)
    d_h = d_out @ wo.T
    d_a = d_h @ v.transpose(0, 2, 1)
    d_v = a.transpose(0, 2, 1) @ d_h
    d_s = a * (d_a - (d_a * a).sum(axis=-1, keepdims=True)) / 8.0
    d_q, d_k = d_s @ k, d_s.transpose(0, 2, 1) @ q
    rows = x.reshape(-1, 64).T
    grads = [rows @ d.reshape(-1, 64) for d in (d_q, d_k, d_v)] + [d_wo]
    return grads + [d.sum(axis=(0, 1)) for d in (d_q, d_k, d_v, d_out)]


def w4_torch(data: dict[str, np.ndarray], device: str) -> Callable[[], list[Any]]:
    x = torch.tensor(data["x"], device=device)
    y = torch.tensor(data["y"], device=device)
    params = [torch.tensor(data[k], requires_grad=True, device=device)
              for k in (*ATTENTION, *BIASES)]

    def step() -> list[Any]:
        for p in params:
            p.grad = None
        wq, wk, wv, wo, bq, bk, bv, bo = params
        q, k, v = x @ wq + bq, x @ wk + bk, x @ wv + bv
        a = torch.softmax(q @ k.mT / 8.0, dim=-1)
        out = (a @ v) @ wo + bo
        ((out - y) ** 2).mean().backward()
        return [p.grad for p in params]

    return step


# -- W5: peak memory of a W2 step --------------------------------------------------------
def peak_bytes(fn: Callable[[], Any]) -> int:
    """Peak of traced allocations (numpy reports its buffers to tracemalloc) in one call."""
    fn()  # warm-up: caches and lazily built objects are not part of a step
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def cupy_peak_bytes(fn: Callable[[], Any]) -> int:
    """Peak of the bytes cupy's memory pool hands out in one call, counting only blocks
    taken during the call, as tracemalloc does on the host. cupy keeps no peak of its
    own, so a memory hook follows each block in and out (slow: never timed)."""
    import cupy

    class Peak(cupy.cuda.MemoryHook):  # type: ignore[misc]
        name = "bench_peak"

        def __init__(self) -> None:
            self.live: dict[int, int] = {}
            self.used = self.peak = 0

        def malloc_postprocess(self, **kwargs: Any) -> None:
            self.live[kwargs["mem_ptr"]] = kwargs["mem_size"]
            self.used += kwargs["mem_size"]
            self.peak = max(self.peak, self.used)

        def free_postprocess(self, **kwargs: Any) -> None:
            self.used -= self.live.pop(kwargs["mem_ptr"], 0)

    fn()  # warm-up, as in peak_bytes
    hook = Peak()
    with hook:
        fn()
    return hook.peak


# -- W3: 100,000 multiplies on shape (4,) ---------------------------------------------------
def w3_autodiff(x0: Any, n: int) -> Any:
    x = ad.tensor(x0, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.000001
    y.sum().backward()
    return x.grad


def w3_torch(x0: Any, n: int) -> Any:
    x = x0.clone().requires_grad_()  # x0: a torch tensor made once, on the device
    y = x
    for _ in range(n):
        y = y * 1.000001
    y.sum().backward()
    return x.grad


# -- W6 (GPU only): W1's chain, 2 links (8 ops), on 2**26 float32 --------------------------
BIG = 1 << 26
BIG_LINKS = 2


def chain_bytes(n: int, links: int, itemsize: int) -> int:
    """The fewest bytes W6's step must move, each op reading its array operands and
    writing its result once. Forward, per link: add, mul, tanh, sin read 1 and write 1
    (8n); backward: sin's g*cos(t) and tanh's g*(1-y*y) read 2 and write 1 (6n), the mul
    by 0.9 reads 1 and writes 1 (2n), the add passes g through (0). The sum reads n."""
    return (16 * links + 1) * n * itemsize


COPIES = 10  # one copy of W6's vector takes about 0.2 ms: ten a call drown the syncs


def copy_bandwidth(target: Target, n: int, repeat: int) -> tuple[float, float]:
    """Bytes a second (read + written) of device-to-device copies of ``n`` float32: by
    cudaMemcpy, and by cupy's elementwise copy kernel (``b[...] = a``)."""
    a = target.xp.ones(n, dtype=target.xp.float32)
    b = target.xp.empty_like(a)

    def memcpy() -> None:
        for _ in range(COPIES):
            b.data.copy_from_device_async(a.data, a.nbytes)

    def kernel() -> None:
        for _ in range(COPIES):
            b[...] = a

    seconds = timed([memcpy, kernel], repeat, target.sync)
    return 2 * a.nbytes * COPIES / seconds[0][0], 2 * a.nbytes * COPIES / seconds[1][0]


# -- the run --------------------------------------------------------------------------------
Row = tuple[str, str, float, float, float, float | None]


@dataclass
class Bench:
    target: Target
    repeat: int
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lines under the table (GPU mode)

    def add(self, name: str, unit: str, scale: float, ours: Callable[[], Any],
            floor: Callable[[], Any] | None, theirs: Callable[[], Any] | None
            ) -> tuple[float, float | None, float | None]:
        """Time the sides, print them, add a row; the median seconds of each side."""
        theirs = theirs if self.target.torch_device else None
        sides = [fn for fn in (ours, floor, theirs) if fn is not None]
        results = iter(timed(sides, self.repeat, self.target.sync))
        mine = next(results)
        base = next(results) if floor else None
        other = next(results) if theirs else None
        self.rows.append((name, unit, mine[0] * scale,
                          base[0] * scale if base else float("nan"),
                          mine[0] / base[0] if base else float("nan"),
                          mine[0] / other[0] if other else None))
        detail = f"autodiff {mine[0] * scale:.3g} [{mine[1] * scale:.3g}-{mine[2] * scale:.3g}]"
        if base:
            detail += (f", {self.target.floor} {base[0] * scale:.3g} "
                       f"[{base[1] * scale:.3g}-{base[2] * scale:.3g}]")
        if other:
            detail += f", {self.target.torch_label} {other[0] * scale:.3g}"
        print(f"{name}: {detail} {unit}")
        return mine[0], base[0] if base else None, other[0] if other else None

    def table(self) -> str:
        floor, theirs = self.target.floor, self.target.torch_label
        lines = [f"| workload | unit | autodiff | {floor} | autodiff / {floor} | "
                 f"autodiff / {theirs} |", "|---|---|---|---|---|---|"]
        for name, unit, mine, base, ratio, vs_torch in self.rows:
            torch_cell = "n/a" if vs_torch is None else f"{vs_torch:.2f}x"
            base_cell = "-" if base != base else f"{base:.3g}"
            ratio_cell = "-" if ratio != ratio else f"{ratio:.2f}x"
            lines.append(f"| {name} | {unit} | {mine:.3g} | {base_cell} | {ratio_cell} | "
                         f"{torch_cell} |")
        return "\n".join(lines + ([""] + self.notes if self.notes else []))


def run_w1(bench: Bench) -> None:
    target = bench.target
    x0 = np.random.default_rng(0).standard_normal(16)
    x_dev = target.xp.asarray(x0)
    x_torch = torch.tensor(x0, device=target.torch_device) if target.torch_device else None
    np.testing.assert_allclose(host(w1_autodiff(x_dev)), host(w1_numpy(x_dev, xp=target.xp)),
                               rtol=1e-10)
    ops = CHAIN * 4
    bench.add("W1 tiny-op chain", "us/op", 1e6 / ops, lambda: w1_autodiff(x_dev),
              lambda: w1_numpy(x_dev, xp=target.xp), lambda: w1_torch(x_torch))


def run_w2(bench: Bench) -> None:
    target, xp = bench.target, bench.target.xp
    sizes = target.mlp
    data = target.put(mlp_data(*sizes))
    for got, want in zip(w2_autodiff(mlp_data(*sizes))(),
                         w2_numpy(target.put(mlp_data(*sizes)), xp), strict=True):
        np.testing.assert_allclose(host(got), host(want), rtol=2e-3, atol=1e-5)
    ours = w2_autodiff(mlp_data(*sizes))
    bench.add("W2 MLP step", "ms", 1e3, ours, lambda: w2_numpy(data, xp),
              w2_torch(mlp_data(*sizes), target.torch_device) if target.torch_device else None)
    if target.gpu:
        count_host_copies(bench, ours)

    params = [ad.tensor(data[k]) for k in PARAMETERS]
    x_in = ad.tensor(data["x"])

    def no_grad_forward() -> Any:
        with ad.no_grad():
            return w2_forward(params, x_in)

    np.testing.assert_allclose(host(no_grad_forward()), host(w2_forward_numpy(data, xp)),
                               rtol=1e-4, atol=1e-4)
    bench.add("W2 no-grad forward", "ms", 1e3, no_grad_forward,
              lambda: w2_forward_numpy(data, xp), None)


def count_host_copies(bench: Bench, step: Callable[[], Any]) -> None:
    """Device-to-host copies in one training step, as the CUDA profiler records them
    (through PyTorch's, when PyTorch with CUDA is there): a host round trip hidden in
    the step would stall the GPU. A step that reads its loss (``.item()``) is the
    control, and must count one."""
    sync = bench.target.sync
    if bench.target.torch_device is None or sync is None:
        print("W2 device-to-host copies: not counted (needs PyTorch with CUDA)")
        return
    from torch.profiler import ProfilerActivity, profile

    def copies(fn: Callable[[], Any]) -> int:
        fn()
        sync()
        with profile(activities=[ProfilerActivity.CUDA]) as recorded:
            fn()
            sync()
        return sum(event.name.startswith("Memcpy DtoH") for event in recorded.events())

    loss = ad.ones(3).sum()
    note = (f"W2: {copies(step)} device-to-host copies in a training step "
            f"(a loss read with .item() counts {copies(loss.item)}).")
    print(note)
    bench.notes.append(note)


def run_w4(bench: Bench) -> None:
    target, xp = bench.target, bench.target.xp
    attention = attention_data()
    data = target.put(attention)
    for got, want in zip(w4_autodiff(attention)(), w4_numpy(data, xp), strict=True):
        np.testing.assert_allclose(host(got), host(want), rtol=2e-3, atol=2e-3)
    bench.add("W4 attention block (biases, MSE)", "ms", 1e3, w4_autodiff(attention),
              lambda: w4_numpy(data, xp),
              w4_torch(attention, target.torch_device) if target.torch_device else None)


def run_w5(bench: Bench) -> None:
    """Inputs and parameters exist before the step on both sides; only the step is
    traced: by tracemalloc on the CPU, by a hook on cupy's memory pool on a GPU."""
    target, sizes = bench.target, bench.target.mlp
    measure = cupy_peak_bytes if target.gpu else peak_bytes
    ours_peak = measure(w2_autodiff(mlp_data(*sizes)))
    floor_data = target.put(mlp_data(*sizes))
    floor_peak = measure(lambda: w2_numpy(floor_data, target.xp))
    data_bytes = sum(array.nbytes for array in mlp_data(*sizes).values())
    print(f"W5 peak memory of a W2 step: autodiff {ours_peak / 2**20:.1f} MiB, {target.floor} "
          f"{floor_peak / 2**20:.1f} MiB (inputs and parameters: {data_bytes / 2**20:.1f} MiB)")
    if target.gpu and not floor_peak:  # the hook saw no block: another allocator is set
        print("W5 left out: cupy's memory pool saw no allocation (another allocator is set)")
        return
    bench.rows.append(("W5 peak memory (W2 step)", "MiB", ours_peak / 2**20,
                       floor_peak / 2**20, ours_peak / floor_peak, None))
    if target.gpu:
        bench.notes.append("W5: peak of cupy memory-pool blocks taken during one step.")


def run_w3(bench: Bench) -> None:
    target = bench.target
    ones = target.xp.ones(4)
    ones_torch = (torch.ones(4, dtype=torch.float64, device=target.torch_device)
                  if target.torch_device else None)
    np.testing.assert_allclose(host(w3_autodiff(ones, 100_000)), np.full(4, 1.000001 ** 100_000))
    bench.add("W3 100k-op chain", "s", 1.0, lambda: w3_autodiff(ones, 100_000), None,
              lambda: w3_torch(ones_torch, 100_000))


def run_w6(bench: Bench) -> None:
    """W1's chain on a vector far larger than the caches: each op streams memory, and
    the minimal bytes over the time is set against a plain copy's bandwidth."""
    target, xp = bench.target, bench.target.xp
    x0 = np.random.default_rng(2).standard_normal(BIG, dtype=np.float32)
    x_dev = xp.asarray(x0)
    x_torch = torch.tensor(x0, device=target.torch_device) if target.torch_device else None
    np.testing.assert_allclose(host(w1_autodiff(x_dev, BIG_LINKS)),
                               host(w1_numpy(x_dev, BIG_LINKS, xp)), rtol=1e-4, atol=1e-6)
    seconds = bench.add(f"W6 elementwise chain 2^{BIG.bit_length() - 1} f32", "ms", 1e3,
                        lambda: w1_autodiff(x_dev, BIG_LINKS),
                        lambda: w1_numpy(x_dev, BIG_LINKS, xp),
                        lambda: w1_torch(x_torch, BIG_LINKS))
    # compiled: on cupy each run of elementwise steps is one fused kernel
    chain = ad.compile(w1_chain)
    compiled = lambda: chain(ad.tensor(x_dev, requires_grad=True), BIG_LINKS)  # noqa: E731
    for _ in range(3):
        np.testing.assert_array_equal(host(compiled()), host(w1_autodiff(x_dev, BIG_LINKS)))
    fused = bench.add(f"W6 elementwise chain 2^{BIG.bit_length() - 1} f32, compiled", "ms",
                      1e3, compiled, lambda: w1_numpy(x_dev, BIG_LINKS, xp),
                      lambda: w1_torch(x_torch, BIG_LINKS))
    chain.explain(ad.tensor(x_dev, requires_grad=True), BIG_LINKS)  # its fused kernels
    memcpy, kernel = copy_bandwidth(target, BIG, bench.repeat)
    copy = max(memcpy, kernel)
    moved = chain_bytes(BIG, BIG_LINKS, 4)
    sides = zip(("autodiff", "autodiff compiled", target.floor, target.torch_label),
                (seconds[0], fused[0], *seconds[1:]), strict=True)
    shares = ", ".join(f"{side} {moved / s / 1e12:.2f} TB/s ({moved / s / copy:.0%})"
                       for side, s in sides if s)
    note = (f"W6: {BIG_LINKS * 4} elementwise ops, sum and backward, at least "
            f"{moved / 1e9:.2f} GB moved; device copy (read + write) {memcpy / 1e12:.2f} TB/s "
            f"by cudaMemcpy, {kernel / 1e12:.2f} TB/s by `b[...] = a`; effective bandwidth, "
            f"as a share of the faster copy: {shares}.")
    print(note)
    bench.notes.append(note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="numpy")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", default="benchmarks/results/latest.md")
    parser.add_argument("--system-malloc", action="store_true",
                        help="leave the allocator's settings as they are")
    parser.add_argument("--generic-rules", action="store_true",
                        help="run the primitives' own rules, not the backend's "
                             "(to measure what the backend's rules gain)")
    parser.add_argument("--only", default="",
                        help="run only these workloads, comma-separated (W8,W9, say)")
    args, rest = parser.parse_known_args()
    if args.backend == "dask":  # out of core on a cluster: a benchmark of its own
        import subprocess

        # in a fresh interpreter: the workers it spawns import the main module, and this
        # one's imports (torch) would take half of their memory limit
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dask_bench.py")
        sys.exit(subprocess.run([sys.executable, script, *rest], check=False).returncode)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    ad.set_backend(args.backend)  # binding the backend takes its own array rules
    if args.generic_rules:
        for prim in ad.REGISTRY.values():
            prim.backend_vjps = None
    target = gpu_target() if ad.get_backend().device_type == "cuda" else cpu_target()
    allocator = "the system's default" if args.system_malloc else keep_freed_memory()
    rules = " (generic array rules)" if args.generic_rules else ""
    header = (f"autodiff backend: {args.backend}{rules}; threads: 1 (OMP/OPENBLAS/MKL_NUM_THREADS"
              f"={os.environ['OMP_NUM_THREADS']}); allocator: {allocator}; torch: "
              f"{torch.__version__ if torch else 'not installed'}; python {sys.version.split()[0]}")
    if target.gpu:
        header += (f"; device: {target.device_name}; cupy {target.xp.__version__}; torch cuda: "
                   f"{'available' if target.torch_device else 'not available'}")
    print(header)

    bench = Bench(target, args.repeat)
    if target.gpu:
        hidden, batch = target.mlp
        bench.notes.append(f"Device: {target.device_name}. W2: 784-{hidden}-{hidden}-10, "
                           f"batch {batch}, float32.")
    only = {name.strip().upper() for name in args.only.split(",") if name.strip()}
    runs: list[tuple[str, Callable[[], None]]] = [
        ("W1", lambda: run_w1(bench)), ("W2", lambda: run_w2(bench)),
        ("W4", lambda: run_w4(bench)), ("W5", lambda: run_w5(bench)),
        ("W3", lambda: run_w3(bench)), ("C", lambda: run_compiled(bench, globals()))]
    if not target.gpu:  # 48,000 tiny ops: host-bound, and the GPU's minutes are few
        runs.append(("W7", lambda: run_w7(bench, host)))
    if target.gpu:
        runs.append(("W6", lambda: run_w6(bench)))
    runs.append(("W8", lambda: run_w8_w9(bench, host, torch)))
    if not target.gpu:  # the examples' epochs, against PyTorch on the CPU
        runs.append(("W10", lambda: run_w10_w11(bench, torch)))
    for name, run in runs:
        if (not only or name in only or (name == "W8" and "W9" in only)
                or (name == "W10" and "W11" in only)):
            run()

    table = bench.table()
    print("\n" + table)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write(table + "\n")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
