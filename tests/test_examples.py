"""The example scripts train, on a small budget, on every backend: the digits MLP and CNN
reach a held-out accuracy, their checkpoints reload to the same accuracy, and the
character model's held-out loss falls below a uniform guess and it writes a sample."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autodiff import _backend

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
pytest.importorskip("sklearn", reason="the examples' digits come with scikit-learn")
pytest.importorskip("tqdm", reason="the examples show a tqdm progress bar")


@pytest.fixture(autouse=True)
def _examples_importable() -> Iterator[None]:
    """The scripts import ``common`` from their own folder; each sets the default backend."""
    sys.path.insert(0, str(EXAMPLES))
    default = _backend._default
    yield
    _backend._default = default
    sys.path.remove(str(EXAMPLES))


def _run(script: str, backend: str, tmp_path: Path, *options: str) -> dict[str, Any]:
    module = __import__(script)
    return module.main(["--backend", backend, "--out", str(tmp_path), "--quiet", *options])


def test_digits_mlp(backend: str, tmp_path: Path) -> None:
    result = _run("digits_mlp", backend, tmp_path, "--epochs", "6")
    accuracy = result["history"]["accuracy"]
    assert accuracy[-1] > 0.85, accuracy
    assert result["restored_accuracy"] == accuracy[-1]
    assert (tmp_path / "checkpoint.safetensors").exists()


def test_digits_cnn(backend: str, tmp_path: Path) -> None:
    result = _run("digits_cnn", backend, tmp_path, "--epochs", "3")
    accuracy = result["history"]["accuracy"]
    assert accuracy[-1] > 0.8, accuracy
    assert result["restored_accuracy"] == accuracy[-1]


def test_char_lstm(backend: str, tmp_path: Path) -> None:
    result = _run("char_lstm", backend, tmp_path, "--epochs", "2")
    bits = result["history"]["bits per character"]
    alphabet = len(set((EXAMPLES / "data" / "sonnets.txt").read_text(encoding="utf-8")))
    assert bits[-1] < math.log2(alphabet) - 1, bits
    assert result["sample"].startswith("Shall I ") and len(result["sample"]) == 208


def test_plot_is_written(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="plots need the optional matplotlib")
    sys.path.insert(0, str(EXAMPLES))
    import common

    history = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.9], "seconds": [0.1, 0.1]}
    assert common.save_plot(history, tmp_path / "curves.png", "test")
    assert (tmp_path / "curves.png").read_bytes().startswith(b"\x89PNG")
