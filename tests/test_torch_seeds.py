"""The seed tutorials, unchanged, with ``import torch`` resolving to ``autodiff.torch``.

``tests/torch_seeds/seed_NNN.txt`` holds each seed's code cells verbatim and
``expected.json`` what PyTorch 2.13 printed for each (``extract.py`` writes both). A cell
whose output depends on the random draws must run; every other cell must print what
PyTorch printed, or raise the same exception.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from torch_seeds.extract import CELL, cells, run_seed

import autodiff.torch

SEEDS = Path(__file__).resolve().parent / "torch_seeds"
EXPECTED = json.loads((SEEDS / "expected.json").read_text())
ORIGINALS = Path(os.environ.get("AUTODIFF_SEEDS", "/work/shared/seeds"))


def _sources(name: str) -> list[str]:
    text = (SEEDS / f"{name}.txt").read_text()
    return [cell.rstrip("\n") for cell in text.split(CELL)[1:]]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_runs_unchanged_and_prints_what_pytorch_prints(name: str, backend: str) -> None:
    sources = _sources(name)
    outputs = run_seed(sources, autodiff.torch, 0)
    for index, (code, got, want) in enumerate(zip(sources, outputs, EXPECTED[name], strict=True)):
        if want["random"]:
            assert "raises" not in got, f"{name} cell {index} raised:\n{code}\n{got}"
        else:
            assert got == want["output"], f"{name} cell {index}:\n{code}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_code_is_the_original(name: str) -> None:
    original = ORIGINALS / f"{name.removeprefix('seed_')}"
    matches = sorted(ORIGINALS.glob(f"{name.removeprefix('seed_')}_*.txt"))
    if not matches:
        pytest.skip(f"the original seeds are not at {original.parent} (AUTODIFF_SEEDS)")
    assert cells(matches[0].read_text()) == _sources(name)
