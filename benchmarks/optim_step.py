"""One optimizer step on the parameters of an MLP (784-256-10, or the digits example's
64-128-10): autodiff.optim against torch.optim (CPU, one thread) and against the same
update written in plain numpy.

    python benchmarks/optim_step.py [--mlp 784-256-10] [--repeat 7] [--steps 200]
                                    [--dtype float32]

Each figure is the median over ``--repeat`` runs of ``--steps`` steps, the sides taking
turns; ratios are autodiff's time over the other's.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

import autodiff as ad  # noqa: E402
from autodiff import optim  # noqa: E402

SHAPES = {"784-256-10": [(256, 784), (256,), (10, 256), (10,)],
          "64-128-10": [(128, 64), (128,), (10, 128), (10,)]}  # the digits MLP
OPTIONS: dict[str, dict[str, Any]] = {"Adam": {"lr": 1e-3},
                                      "SGD": {"lr": 1e-2, "momentum": 0.9}}


def numpy_adam(params: list[Any], grads: list[Any], xp: Any = np) -> Callable[[], None]:
    """Adam on raw arrays with in-place numpy (or cupy, as ``xp``): the floor for the
    same passes."""
    moments = [(xp.zeros_like(p), xp.zeros_like(p)) for p in params]
    step = [0]

    def run() -> None:
        step[0] += 1
        t = step[0]
        for p, g, (m, v) in zip(params, grads, moments, strict=True):
            m += (g - m) * 0.1
            v *= 0.999
            v += (g * g) * 0.001
            root_bc2 = (1 - 0.999 ** t) ** 0.5
            denom = xp.sqrt(v)
            denom += 1e-8 * root_bc2
            update = m / denom
            update *= 1e-3 * root_bc2 / (1 - 0.9 ** t)
            p -= update

    return run


def _keep_freed_memory() -> str:
    """bench.py's glibc setting (freed blocks stay in the process), for steadier figures."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench import keep_freed_memory

    return keep_freed_memory()


def _time(run: Callable[[], Any], steps: int) -> float:
    start = time.perf_counter()
    for _ in range(steps):
        run()
    return (time.perf_counter() - start) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--mlp", default="784-256-10", choices=sorted(SHAPES))
    parser.add_argument("--system-malloc", action="store_true",
                        help="leave glibc's allocator at its defaults")
    args = parser.parse_args()
    if not args.system_malloc:
        print(_keep_freed_memory())
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(args.dtype) for s in SHAPES[args.mlp]]
    grads = [rng.standard_normal(s).astype(args.dtype) for s in SHAPES[args.mlp]]
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None
    for name, options in OPTIONS.items():
        params = [ad.tensor(a.copy(), requires_grad=True) for a in arrays]
        for p, g in zip(params, grads, strict=True):
            p.grad = ad.tensor(g)
        sides: dict[str, Callable[[], Any]] = {"autodiff": getattr(optim, name)(
            params, **options).step}
        if torch is not None:
            tparams = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
            for p, g in zip(tparams, grads, strict=True):
                p.grad = torch.tensor(g)
            sides["torch"] = getattr(torch.optim, name)(tparams, **options).step
        if name == "Adam":
            sides["numpy"] = numpy_adam([a.copy() for a in arrays], grads)
        times: dict[str, list[float]] = {side: [] for side in sides}
        for run in sides.values():
            _time(run, 5)  # warm up
        for _ in range(args.repeat):
            for side, run in sides.items():
                times[side].append(_time(run, args.steps))
        medians = {side: statistics.median(t) for side, t in times.items()}
        line = (f"{name:5s} step ({args.mlp}, {args.dtype}): "
                f"autodiff {medians['autodiff'] * 1e6:7.1f} us")
        for side in sides:
            if side != "autodiff":
                line += (f" | {side} {medians[side] * 1e6:7.1f} us, ratio "
                         f"{medians['autodiff'] / medians[side]:.2f}x")
        print(line)


if __name__ == "__main__":
    main()
