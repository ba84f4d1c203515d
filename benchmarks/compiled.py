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


def run_compiled(bench: Any, ns: dict[str, Any]) -> None:
    """The compiled rows; ``ns`` is bench.py's namespace (its workloads and helpers)."""
    host, target = ns["host"], bench.target
    if target.gpu:
        print("compiled rows: the CPU replay only (CUDA graphs are not done)")
        return
    x0 = np.random.default_rng(0).standard_normal(16)
    links = ns["CHAIN"]
    chain = ad.compile(ns["w1_chain"])

    def w1c() -> Any:
        return chain(ad.tensor(x0, requires_grad=True), links)

    _warm(w1c)
    _same([w1c()], [ns["w1_autodiff"](x0)], host)
    ops = links * 4
    eager = ns["timed"]([lambda: ns["w1_autodiff"](x0), lambda: ns["w1_numpy"](x0)],
                        bench.repeat)
    bench.add("W1 tiny-op chain, compiled", "us/op", 1e6 / ops, w1c,
              lambda: ns["w1_numpy"](x0), None)
    bench.notes.append(f"W1 eager in the same run: {eager[0][0] / eager[1][0]:.2f}x numpy.")

    sizes = target.mlp
    w2c = ns["w2_autodiff"](ns["mlp_data"](*sizes), compiled=True)
    w2e = ns["w2_autodiff"](ns["mlp_data"](*sizes))
    for _ in range(3):
        _same(w2c(), w2e(), host)
    data = ns["mlp_data"](*sizes)
    eager = ns["timed"]([ns["w2_autodiff"](ns["mlp_data"](*sizes)),
                         lambda: ns["w2_numpy"](data)], bench.repeat)
    bench.add("W2 MLP step, compiled", "ms", 1e3, w2c, lambda: ns["w2_numpy"](data), None)
    bench.notes.append(f"W2 eager in the same run: {eager[0][0] / eager[1][0]:.2f}x numpy.")

    attention = ns["attention_data"]()
    w4c, w4e = ns["w4_autodiff"](attention, compiled=True), ns["w4_autodiff"](attention)
    for _ in range(3):
        _same(w4c(), w4e(), host)
    eager = ns["timed"]([ns["w4_autodiff"](attention),
                         lambda: ns["w4_numpy"](attention)], bench.repeat)
    bench.add("W4 attention block, compiled", "ms", 1e3, w4c,
              lambda: ns["w4_numpy"](attention), None)
    bench.notes.append(f"W4 eager in the same run: {eager[0][0] / eager[1][0]:.2f}x numpy.")

    peak = ns["peak_bytes"]
    compiled_step = ns["w2_autodiff"](ns["mlp_data"](*sizes), compiled=True)
    _warm(compiled_step)
    ours = peak(compiled_step)
    eager_peak = peak(ns["w2_autodiff"](ns["mlp_data"](*sizes)))
    floor_data = ns["mlp_data"](*sizes)
    floor = peak(lambda: ns["w2_numpy"](floor_data))
    print(f"W5 compiled: {ours / 2**20:.1f} MiB, eager {eager_peak / 2**20:.1f} MiB, "
          f"numpy {floor / 2**20:.1f} MiB")
    bench.rows.append(("W5 peak memory (W2 step), compiled", "MiB", ours / 2**20,
                       floor / 2**20, ours / floor, None))
    bench.notes.append(f"W5 eager in the same run: {eager_peak / floor:.2f}x numpy.")
