"""What the example scripts share: the command line, the digits data, a training loop with
a progress bar, evaluation, the checkpoint and the plot.

Every script is PyTorch code run on ``import autodiff.torch as torch``; ``--framework
torch`` runs the very same code on PyTorch itself (when installed), which is how the
docs compare the two.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent


def parse_args(name: str, description: str, epochs: int, batch_size: int, lr: float,
               argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options every example takes (``--help`` lists them)."""
    parser = argparse.ArgumentParser(prog=f"python examples/{name}.py", description=description)
    parser.add_argument("--backend", default="numpy",
                        help="autodiff backend: numpy (default), array_api_strict or cupy")
    parser.add_argument("--framework", choices=["autodiff", "torch"], default="autodiff",
                        help="run on autodiff (default) or, for comparison, on PyTorch")
    parser.add_argument("--epochs", type=int, default=epochs, help=f"default {epochs}")
    parser.add_argument("--batch-size", type=int, default=batch_size,
                        help=f"default {batch_size}")
    parser.add_argument("--lr", type=float, default=lr, help=f"learning rate, default {lr}")
    parser.add_argument("--seed", type=int, default=0, help="random seed, default 0")
    parser.add_argument("--out", type=Path, default=HERE / "out" / name,
                        help="where the checkpoint and the plot go")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def import_framework(args: argparse.Namespace) -> ModuleType:
    """``autodiff.torch`` on the chosen backend, or PyTorch itself; seeded either way."""
    if args.framework == "torch":
        import torch

        torch.set_num_threads(1)
    else:
        import autodiff
        import autodiff.torch as torch

        autodiff.set_backend(args.backend)
    torch.manual_seed(args.seed)
    return torch


def digits(torch: ModuleType, seed: int, images: bool = False) -> tuple[Any, ...]:
    """scikit-learn's 8x8 digits (1,797 images that ship inside the package), scaled to
    [0, 1] and split 80/20, stratified: ``x_train, y_train, x_test, y_test``."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    x = (data.data / 16.0).astype(np.float32)
    if images:
        x = x.reshape(-1, 1, 8, 8)
    x_train, x_test, y_train, y_test = train_test_split(
        x, data.target.astype(np.int64), test_size=0.2, random_state=seed, stratify=data.target)
    return tuple(torch.tensor(a) for a in (x_train, y_train, x_test, y_test))


def accuracy(torch: ModuleType, model: Any, x: Any, y: Any) -> float:
    """The share of ``x`` that ``model`` (put in eval mode) classifies as ``y``."""
    model.eval()
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean().item())


def fit(torch: ModuleType, model: Any, optimizer: Any, loss_fn: Callable[..., Any],
        loader: Any, evaluate: Callable[[], float], epochs: int,
        quiet: bool = False) -> dict[str, list[float]]:
    """Train for ``epochs``, with a progress bar over epochs; return the mean training
    loss, the held-out accuracy and the seconds of each epoch."""
    from tqdm.auto import trange

    history: dict[str, list[float]] = {"loss": [], "accuracy": [], "seconds": []}
    bar = trange(epochs, desc="epochs", disable=quiet)
    for _ in bar:
        model.train()
        start, total, batches = time.perf_counter(), 0.0, 0
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            loss.backward()
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        history["seconds"].append(time.perf_counter() - start)
        history["loss"].append(total / batches)
        history["accuracy"].append(evaluate())
        bar.set_postfix(loss=f"{history['loss'][-1]:.4f}",
                        accuracy=f"{history['accuracy'][-1]:.3f}")
    return history


def checkpoint_path(args: argparse.Namespace) -> Path:
    """Where the checkpoint goes: a safetensors file on autodiff, PyTorch's own format on
    PyTorch."""
    return args.out / ("checkpoint.pt" if args.framework == "torch" else
                       "checkpoint.safetensors")


def save_checkpoint(torch: ModuleType, model: Any, optimizer: Any, path: Path) -> None:
    """The model's and the optimizer's state in one file (safetensors on autodiff)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)


def restore(torch: ModuleType, build: Callable[[], Any], path: Path) -> Any:
    """A fresh model from ``build()`` with the checkpoint's weights."""
    model = build()
    model.load_state_dict(torch.load(path)["model"])
    return model


def save_plot(history: dict[str, list[float]], path: Path, title: str) -> bool:
    """The loss and accuracy curves as a PNG, when matplotlib is installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)")
        return False
    epochs = range(1, len(history["loss"]) + 1)
    figure, (left, right) = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
    left.plot(epochs, history["loss"])
    left.set(xlabel="epoch", ylabel="training loss", yscale="log")
    right.plot(epochs, history["accuracy"])
    right.set(xlabel="epoch", ylabel="held-out accuracy")
    figure.suptitle(title)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True


def report(name: str, args: argparse.Namespace, history: dict[str, list[float]],
           restored_accuracy: float) -> None:
    where = "PyTorch" if args.framework == "torch" else f"autodiff on {args.backend}"
    seconds = history["seconds"]
    print(f"{name} ({where}): held-out accuracy {history['accuracy'][-1]:.4f} after "
          f"{len(seconds)} epochs, {np.median(seconds):.3f} s per epoch (median); "
          f"the restored checkpoint scores {restored_accuracy:.4f}")
