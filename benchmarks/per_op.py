"""Per-op time against tensor size: where engine overhead stops mattering.

    python benchmarks/per_op.py [--out docs/images/per-op-time.svg]

The W1 chain of ``bench.py`` (add, mul, tanh, sin, then sum and backward), shorter,
on float64 vectors of 1 to 1,000,000 elements, for autodiff, hand-written numpy
forward/backward and, when it is installed, PyTorch CPU eager, all on one thread in
one process. Prints a
markdown table of microseconds per op and writes a log-log plot as SVG (drawn here,
so the benchmark needs no plotting library).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from bench import host, torch, w1_autodiff, w1_numpy, w1_torch  # noqa: E402  (the W1 chain)

LINKS = 25  # four ops a link
SIZES = (1, 10, 100, 1_000, 10_000, 100_000, 1_000_000)


def chain_autodiff(x0: np.ndarray) -> Any:
    return w1_autodiff(x0, LINKS)


def chain_numpy(x0: np.ndarray) -> np.ndarray:
    return w1_numpy(x0, LINKS)


def chain_torch(x0: np.ndarray) -> Any:
    return w1_torch(torch.from_numpy(x0), LINKS)  # zero-copy, as the other sides take x0


def per_op_us(fn: Callable[[np.ndarray], Any], x0: np.ndarray) -> float:
    """Median microseconds per op over repeated runs (more runs for small sizes)."""
    fn(x0)
    repeat = 15 if x0.size <= 10_000 else 5
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(x0)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6 / (LINKS * 4)


def svg_plot(series: dict[str, list[float]], sizes: tuple[int, ...]) -> str:
    """A log-log line plot of ``series`` (name -> one value per size) as SVG text."""
    width, height, left, bottom, top, right = 720, 400, 70, 50, 20, 170
    values = [v for line in series.values() for v in line]
    low, high = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    x_span = math.log10(sizes[-1]) - math.log10(sizes[0])

    def px(size: float) -> float:
        return left + (math.log10(size) - math.log10(sizes[0])) / x_span * (
            width - left - right)

    def py(value: float) -> float:
        return height - bottom - (math.log10(value) - low) / (high - low) * (
            height - bottom - top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             'font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>']
    for exponent in range(low, high + 1):
        y = py(10.0**exponent)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{10.0**exponent:g}</text>')
    for size in sizes:
        x = px(size)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}" '
                     'stroke="#eee"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                     f'{size:g}</text>')
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 12}" '
                 'text-anchor="middle">elements per tensor (float64)</text>')
    parts.append(f'<text x="16" y="{(top + height - bottom) / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 16 {(top + height - bottom) / 2})">'
                 'microseconds per op (forward + backward)</text>')
    colours = ("#d62728", "#1f77b4", "#2ca02c")
    for index, (name, line) in enumerate(series.items()):
        colour = colours[index % len(colours)]
        points = " ".join(f"{px(s):.1f},{py(v):.1f}" for s, v in zip(sizes, line, strict=True))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                     'stroke-width="2"/>')
        label_y = top + 16 + 18 * index
        parts.append(f'<line x1="{width - right + 10}" y1="{label_y - 4}" '
                     f'x2="{width - right + 30}" y2="{label_y - 4}" stroke="{colour}" '
                     'stroke-width="2"/>')
        parts.append(f'<text x="{width - right + 36}" y="{label_y}">{name}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/images/per-op-time.svg")
    args = parser.parse_args()
    runners = {"autodiff": chain_autodiff, "numpy (hand-written)": chain_numpy}
    if torch is not None:
        runners["PyTorch CPU"] = chain_torch
    series: dict[str, list[float]] = {name: [] for name in runners}
    rng = np.random.default_rng(0)
    print("| elements | " + " | ".join(f"{name} us/op" for name in runners)
          + " | autodiff / numpy |")
    print("|---" * (len(runners) + 2) + "|")
    for size in SIZES:
        x0 = rng.standard_normal(size)
        np.testing.assert_allclose(host(chain_autodiff(x0)), chain_numpy(x0), rtol=1e-10)
        for name, fn in runners.items():
            series[name].append(per_op_us(fn, x0))
        row = " | ".join(f"{series[name][-1]:.3g}" for name in runners)
        ratio = series["autodiff"][-1] / series["numpy (hand-written)"][-1]
        print(f"| {size:,} | {row} | {ratio:.2f}x |", flush=True)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write(svg_plot(series, SIZES))
    print(f"\nplot written to {args.out}")


if __name__ == "__main__":
    main()
