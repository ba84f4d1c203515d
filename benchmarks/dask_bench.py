"""Out of core on dask.distributed: logistic regression on a dataset several times larger
than the workers' memory, autodiff against dask-glm (the hand-written-gradient GLM
solvers dask-ml uses).

    python benchmarks/dask_bench.py [--rows 12000000] [--features 20] [--small]
    python benchmarks/bench.py --backend dask [the same options]   (nox -s bench -- --backend dask)

A ``LocalCluster`` of 2 single-threaded workers, each with ``--memory-limit`` (300MB),
fits one unregularized logistic regression (the summed log-loss, no intercept, as
dask-glm's ``Logistic`` family) on ``--rows`` x ``--features`` float64 rows drawn by
dask's random generator from a known logistic model: lazily, chunk by chunk, the same
numbers on every pass, so that each loss-and-gradient evaluation streams the whole
dataset through the workers as a read from storage would. The solvers:

* ``dask-glm``: ``dask_glm.algorithms.lbfgs`` (scipy's L-BFGS-B over dask-glm's
  hand-written loss and gradient, one ``dask.compute`` of both per evaluation);
* ``autodiff + L-BFGS-B``: the same scipy driver, with the loss written with autodiff on
  dask tensors and its gradient from ``backward()`` (one ``autodiff.compute`` of both);
* ``autodiff.optim.LBFGS``: autodiff's own optimizer (strong-Wolfe line search), whose
  steps persist the parameters, loss and gradient on the cluster.

Reported: wall time, data passes, throughput (rows streamed per second), each worker's
peak resident memory (sampled every 0.25 s), the loss curve, and the largest difference
of each solver's coefficients from dask-glm's.
"""

from __future__ import annotations

import argparse
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import autodiff as ad
import autodiff.nn.functional as F

LOG2 = math.log(2.0)


def make_data(rows: int, features: int, chunk_rows: int,
              seed: int = 19) -> tuple[Any, Any, np.ndarray]:
    """``X`` (standard normal) and labels ``y`` drawn from ``sigmoid(X @ beta)``, as lazy
    dask arrays in row chunks (regenerated identically on every pass), and ``beta``."""
    import dask.array as da

    beta = np.random.default_rng(seed).normal(0.0, 0.5, size=features)
    rng = da.random.default_rng(seed)
    x = rng.standard_normal((rows, features), chunks=(chunk_rows, features))
    p = 1.0 / (1.0 + da.exp(-(x @ beta)))
    y = (rng.random(rows, chunks=chunk_rows) < p).astype(np.float64)
    return x, y, beta


class PeakMemory:
    """Samples each worker's resident memory (psutil, through ``client.run``) on a
    thread, keeping the largest seen per worker."""

    def __init__(self, client: Any, every: float = 0.25) -> None:
        self._client, self._every = client, every
        self.peak: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss() -> int:
        import psutil

        return int(psutil.Process().memory_info().rss)

    def _sample(self) -> None:
        for worker, rss in self._client.run(self._rss).items():
            self.peak[worker] = max(self.peak.get(worker, 0), rss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self._every)

    def __enter__(self) -> PeakMemory:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def fit_dask_glm(x: Any, y: Any, max_iter: int, tol: float) -> tuple[np.ndarray, list[float]]:
    """dask-glm's L-BFGS, its data passes counted by wrapping the ``compute`` it calls
    once per evaluation (the values it computes are recorded as the loss curve)."""
    import dask_glm.algorithms as algorithms
    from dask_glm.families import Logistic

    curve: list[float] = []
    compute = algorithms.compute

    def counted(*args: Any, **kwargs: Any) -> Any:
        loss, grad = compute(*args, **kwargs)
        curve.append(float(loss))
        return loss, grad

    algorithms.compute = counted
    try:
        beta = algorithms.lbfgs(x, y, family=Logistic, max_iter=max_iter, tol=tol,
                                normalize=False)
    finally:
        algorithms.compute = compute
    return np.asarray(beta), curve


def fit_autodiff_scipy(x: Any, y: Any, max_iter: int, tol: float
                       ) -> tuple[np.ndarray, list[float]]:
    """scipy's L-BFGS-B (dask-glm's driver) over a loss written with autodiff: each
    evaluation builds the forward and backward graph lazily and computes the loss and
    the gradient in one pass."""
    from scipy.optimize import fmin_l_bfgs_b

    xt, yt = ad.tensor(x), ad.tensor(y)
    curve: list[float] = []

    def loss_and_grad(beta: np.ndarray) -> tuple[float, np.ndarray]:
        w = ad.asarray(beta, backend="dask").requires_grad_()
        loss = F.binary_cross_entropy_with_logits(xt @ w, yt, reduction="sum")
        loss.backward()
        value, grad = ad.compute(loss, w.grad)
        curve.append(float(value))
        return float(value), grad

    beta, _, _ = fmin_l_bfgs_b(loss_and_grad, np.zeros(x.shape[1]), pgtol=tol,
                               maxiter=max_iter)
    return beta, curve


def fit_autodiff_optim(x: Any, y: Any, max_iter: int, tol: float
                       ) -> tuple[np.ndarray, list[float]]:
    """autodiff's own ``LBFGS`` on dask parameters: one ``step`` runs up to ``max_iter``
    iterations; each evaluation's loss and gradient are persisted together on the
    cluster (one pass), and so are the parameters after the step."""
    from autodiff.optim import LBFGS

    xt, yt = ad.tensor(x), ad.tensor(y)
    w = ad.zeros(x.shape[1], dtype=ad.float64, backend="dask", requires_grad=True)
    # scipy's default stopping rule on the loss, relative (factr 1e7): the summed loss
    # starts at rows * log 2
    change = 1e7 * np.finfo(float).eps * x.shape[0] * LOG2
    opt = LBFGS([w], lr=1, max_iter=max_iter, max_eval=max_iter * 2, history_size=10,
                tolerance_grad=tol, tolerance_change=change, line_search_fn="strong_wolfe")
    losses: list[ad.Tensor] = []

    def closure() -> ad.Tensor:
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(xt @ w, yt, reduction="sum")
        loss.backward()
        losses.append(loss)  # persisted in place by the step: reading it later is free
        return loss

    opt.step(closure)
    values = ad.compute(w, *losses)
    return values[0], [float(v) for v in values[1:]]


class CountRunSpecWarnings(logging.Filter):
    """Counts, and keeps out of the output, the scheduler's "Detected different
    `run_spec`" warnings: LBFGS's line search restores the parameters to arrays sent
    before, whose keys come back with their tasks fused differently (dask/dask#9888;
    same key, same values). The count is printed."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if "Detected different `run_spec`" in record.getMessage():
            self.count += 1
            return False
        return True


SOLVERS: dict[str, Callable[..., tuple[np.ndarray, list[float]]]] = {
    "dask-glm": fit_dask_glm,
    "autodiff + L-BFGS-B": fit_autodiff_scipy,
    "autodiff.optim.LBFGS": fit_autodiff_optim,
}


def _mb(value: float) -> str:
    return f"{value / 2**20:.0f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=12_000_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--chunk-rows", type=int, default=50_000)
    parser.add_argument("--memory-limit", default="300MB")
    parser.add_argument("--max-iter", type=int, default=50)
    parser.add_argument("--tol", type=float, default=1e-4,
                        help="the gradient's largest entry at which the solvers stop")
    parser.add_argument("--small", action="store_true",
                        help="1,000,000 rows (160 MB): a quick run, in memory")
    parser.add_argument("--solvers", default=",".join(SOLVERS),
                        help="comma-separated, from: " + ", ".join(SOLVERS))
    args = parser.parse_args(argv)
    if args.small:
        args.rows = 1_000_000
    names = [name.strip() for name in args.solvers.split(",") if name.strip()]
    unknown = [name for name in names if name not in SOLVERS]
    if unknown:
        parser.error(f"unknown solver(s) {unknown}; expected some of {list(SOLVERS)}")
    if "dask-glm" in names:  # the anchor runs first: the others are compared with it
        names.remove("dask-glm")
        names.insert(0, "dask-glm")

    import dask
    import dask_glm
    import distributed

    ad.set_backend("dask")
    run_spec_warnings = CountRunSpecWarnings()
    logging.getLogger("distributed.scheduler").addFilter(run_spec_warnings)
    x, y, beta_true = make_data(args.rows, args.features, args.chunk_rows)
    gigabytes = x.nbytes / 1e9
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  memory_limit=args.memory_limit,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        limit = sum(w["memory_limit"] for w in client.scheduler_info()["workers"].values())
        print(f"dask {dask.__version__}, distributed {distributed.__version__}, "
              f"dask-glm {dask_glm.__version__}, autodiff backend dask")
        print(f"cluster: 2 workers x 1 thread, memory_limit {args.memory_limit} each "
              f"({limit / 1e9:.2f} GB in all)")
        print(f"data: {args.rows:,} rows x {args.features} float64 = {gigabytes:.2f} GB "
              f"({gigabytes * 1e9 / limit:.1f}x the workers' memory), "
              f"{x.numblocks[0]} chunks of {args.chunk_rows:,} rows, generated lazily")
        print(f"stopping: max_iter {args.max_iter}, gradient tol {args.tol:g}\n")
        results: dict[str, dict[str, Any]] = {}
        for name in names:
            with PeakMemory(client) as memory:
                start = time.perf_counter()
                beta, curve = SOLVERS[name](x, y, args.max_iter, args.tol)
                seconds = time.perf_counter() - start
            results[name] = {"beta": beta, "curve": curve, "seconds": seconds,
                             "peak": sorted(memory.peak.values())}
            print(f"{name}: {seconds:.1f} s, {len(curve)} passes, final loss "
                  f"{curve[-1]:.6f}", flush=True)
    _report(results, args.rows, beta_true)
    print(f"\nscheduler warnings of re-sent keys (dask/dask#9888), not shown: "
          f"{run_spec_warnings.count}")


def _report(results: dict[str, dict[str, Any]], rows: int, beta_true: np.ndarray) -> None:
    anchor = results.get("dask-glm")
    print("\n| solver | time (s) | passes | rows/s | peak RSS per worker (MiB) "
          "| vs dask-glm time | max abs coef diff vs dask-glm |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        throughput = rows * len(r["curve"]) / r["seconds"]
        ratio = f"{r['seconds'] / anchor['seconds']:.2f}x" if anchor else "-"
        diff = (f"{np.max(np.abs(r['beta'] - anchor['beta'])):.2e}" if anchor else "-")
        peaks = " / ".join(_mb(p) for p in r["peak"])
        print(f"| {name} | {r['seconds']:.1f} | {len(r['curve'])} | {throughput:,.0f} "
              f"| {peaks} | {ratio} | {diff} |")
    print("\nlargest |coef - true coef| (sampling error of the fit):",
          ", ".join(f"{name} {np.max(np.abs(r['beta'] - beta_true)):.3e}"
                    for name, r in results.items()))
    print("\nloss curves (summed log-loss per pass, divided by the rows):")
    for name, r in results.items():
        print(f"  {name}: " + " ".join(f"{v / rows:.6f}" for v in r["curve"]))


if __name__ == "__main__":
    main()
