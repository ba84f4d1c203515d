"""W1, W2, W4 and W5 compiled (``autodiff.compile``), side by side with the hand-written
numpy floor and with eager autodiff, in the same run (``bench.py --only C``).

Each compiled step is called until it replays (two traces that agree), and its results
are checked equal to eager's, bit for bit, before anything is timed. A row's ratio is
compiled / numpy; the eager / numpy ratio of the same run is in the notes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autodiff as ad


def _warm(step: Callable[[], Any]) -> None:
    """Call until the program replays (the first calls trace)."""
    for _ in range(3):
        step()


def _same(got: list[Any], want: list[Any], host: Callable[[Any], np.ndarray]) -> None:
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(host(a), host(b))


def _eager_note(bench: Any, ns: dict[str, Any], name: str, eager: Callable[[], Any],
                floor: Callable[[], Any]) -> None:
    """Eager autodiff against the same floor in the same run, as a note."""
    times = ns["timed"]([eager, floor], bench.repeat, bench.target.sync)
    bench.notes.append(f"{name} eager in the same run: {times[0][0] / times[1][0]:.2f}x "
                       f"{bench.target.floor}.")


def run_compiled(bench: Any, ns: dict[str, Any]) -> None:
    """The compiled rows, beside the same floor (numpy, or cupy on a GPU) and PyTorch
    eager as the eager rows; ``ns`` is bench.py's namespace (its workloads and helpers).
    On a GPU the replay is the same straight-line code issuing cupy's kernels (CUDA
    graphs are not done)."""
    host, target = ns["host"], bench.target
    xp, torch_device = target.xp, target.torch_device
    x0 = np.random.default_rng(0).standard_normal(16)
    x_dev = xp.asarray(x0)
    links = ns["CHAIN"]
    chain = ad.compile(ns["w1_chain"])

    def w1c() -> Any:
        return chain(ad.tensor(x_dev, requires_grad=True), links)

    _warm(w1c)
    _same([w1c()], [ns["w1_autodiff"](x_dev)], host)
    x_torch = ns["torch"].tensor(x0, device=torch_device) if torch_device else None
    w1_floor = lambda: ns["w1_numpy"](x_dev, xp=xp)  # noqa: E731
    bench.add("W1 tiny-op chain, compiled", "us/op", 1e6 / (links * 4), w1c, w1_floor,
              lambda: ns["w1_torch"](x_torch))
    _eager_note(bench, ns, "W1", lambda: ns["w1_autodiff"](x_dev), w1_floor)

    sizes = target.mlp
    w2c = ns["w2_autodiff"](ns["mlp_data"](*sizes), compiled=True)
    w2e = ns["w2_autodiff"](ns["mlp_data"](*sizes))
    for _ in range(3):
        _same(w2c(), w2e(), host)
    data = target.put(ns["mlp_data"](*sizes))
    w2_floor = lambda: ns["w2_numpy"](data, xp)  # noqa: E731
    bench.add("W2 MLP step, compiled", "ms", 1e3, w2c, w2_floor,
              ns["w2_torch"](ns["mlp_data"](*sizes), torch_device) if torch_device else None)
    _eager_note(bench, ns, "W2", ns["w2_autodiff"](ns["mlp_data"](*sizes)), w2_floor)

    attention = ns["attention_data"]()
    w4c, w4e = ns["w4_autodiff"](attention, compiled=True), ns["w4_autodiff"](attention)
    for _ in range(3):
        _same(w4c(), w4e(), host)
    floor_data = target.put(attention)
    w4_floor = lambda: ns["w4_numpy"](floor_data, xp)  # noqa: E731
    bench.add("W4 attention block, compiled", "ms", 1e3, w4c, w4_floor,
              ns["w4_torch"](attention, torch_device) if torch_device else None)
    _eager_note(bench, ns, "W4", ns["w4_autodiff"](attention), w4_floor)

    peak = ns["cupy_peak_bytes"] if target.gpu else ns["peak_bytes"]
    compiled_step = ns["w2_autodiff"](ns["mlp_data"](*sizes), compiled=True)
    _warm(compiled_step)
    ours = peak(compiled_step)
    eager_peak = peak(ns["w2_autodiff"](ns["mlp_data"](*sizes)))
    floor = peak(w2_floor)
    print(f"W5 compiled: {ours / 2**20:.1f} MiB, eager {eager_peak / 2**20:.1f} MiB, "
          f"{target.floor} {floor / 2**20:.1f} MiB")
    if not floor:  # cupy's pool saw no block: another allocator is set
        return
    bench.rows.append(("W5 peak memory (W2 step), compiled", "MiB", ours / 2**20,
                       floor / 2**20, ours / floor, None))
    bench.notes.append(f"W5 eager in the same run: {eager_peak / floor:.2f}x {target.floor}.")
