"""W1, W2, W4, W5 and W12 compiled (``autodiff.compile``), side by side with the
hand-written numpy floor and with eager autodiff, in the same run (``bench.py --only C``).

Each compiled step is called until it replays (two traces that agree), and its results
are checked equal to eager's, bit for bit, before anything is timed. A row's ratio is
compiled / numpy; the eager / numpy ratio of the same run is in the notes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from optim_step import numpy_adam

import autodiff as ad
from autodiff import optim


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


#: W12's parameters: a 4096-wide MLP's two largest layers (5.2 million float32)
ADAM_SHAPES = [(1024, 1024), (1024,), (4096, 1024), (4096,)]


def _adam_step(arrays: list[Any], grads: list[Any], compiled: bool) -> Callable[[], Any]:
    params = [ad.tensor(a, requires_grad=True) for a in arrays]
    for p, g in zip(params, grads, strict=True):
        p.grad = ad.tensor(g)
    step = optim.Adam(params, lr=1e-3).step
    run = ad.compile(step) if compiled else step
    return lambda: (run(), params)[1]


def _adam_row(bench: Any, ns: dict[str, Any]) -> None:
    """W12: one Adam step (``ad.compile(opt.step)``) on large parameters, where the
    update's dozen passes over each weight run cache-blocked on the CPU; beside the
    same update written in in-place numpy (``optim_step.numpy_adam``)."""
    target, xp = bench.target, bench.target.xp
    rng = np.random.default_rng(0)
    host = [rng.standard_normal(s, dtype=np.float32) for s in ADAM_SHAPES]
    grads = [xp.asarray(rng.standard_normal(s, dtype=np.float32)) for s in ADAM_SHAPES]
    compiled = _adam_step([xp.asarray(a) for a in host], grads, compiled=True)
    eager = _adam_step([xp.asarray(a) for a in host], grads, compiled=False)
    for _ in range(3):
        _same([p.detach() for p in compiled()], [p.detach() for p in eager()],
              ns["host"])
    floor = numpy_adam([xp.asarray(a) for a in host], grads, xp)
    theirs = None
    if target.torch_device:
        torch = ns["torch"]
        params = [torch.tensor(a, requires_grad=True, device=target.torch_device)
                  for a in host]
        for p, g in zip(params, grads, strict=True):
            p.grad = torch.as_tensor(ns["host"](g), device=target.torch_device)
        theirs = torch.optim.Adam(params, lr=1e-3).step
    bench.add("W12 Adam step (5.2M parameters), compiled", "ms", 1e3, compiled, floor, theirs)
    _eager_note(bench, ns, "W12", eager, floor)


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

    _adam_row(bench, ns)

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
