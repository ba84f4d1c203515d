"""One epoch of a DataLoader over a TensorDataset the size of scikit-learn's digits
(1,797 x 64 float64 and int64 labels) in batches of 64, shuffled and in order, against
PyTorch's DataLoader on the same data when it is installed (one thread, best of 30).

    PYTHONPATH=. python benchmarks/dataloader.py [backend ...]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import Any

import numpy as np

import autodiff as ad
from autodiff.utils.data import DataLoader, TensorDataset

ROWS, COLUMNS, BATCH, REPEATS = 1797, 64, 64, 30


def best_epoch(loader: Iterable[Any]) -> float:
    """The fastest of REPEATS passes over ``loader``, in seconds."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _batch in loader:
            pass
        times.append(time.perf_counter() - start)
    return min(times)


def main(backend_names: list[str]) -> None:
    rng = np.random.default_rng(0)
    x, y = rng.random((ROWS, COLUMNS)), np.arange(ROWS) % 10
    try:
        import torch
        import torch.utils.data as tud
    except ImportError:
        torch = None
    for shuffle in (True, False):
        reference = None
        if torch is not None:
            torch.set_num_threads(1)
            dataset = tud.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
            reference = best_epoch(tud.DataLoader(dataset, batch_size=BATCH, shuffle=shuffle))
        for name in backend_names:
            with ad.use_backend(name):
                data = TensorDataset(ad.tensor(x), ad.tensor(y))
                ours = best_epoch(DataLoader(data, batch_size=BATCH, shuffle=shuffle))
            line = f"{name:18s} shuffle={shuffle!s:5s} {ours * 1e3:7.3f} ms"
            if reference is not None:
                line += f"   torch {reference * 1e3:7.3f} ms   ratio {ours / reference:.2f}"
            print(line)


if __name__ == "__main__":
    main(sys.argv[1:] or ["numpy", "array_api_strict"])
