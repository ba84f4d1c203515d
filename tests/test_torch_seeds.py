"""The seed tutorials, unchanged, with ``import torch`` resolving to ``autodiff.torch``.

``tests/torch_seeds/seed_NNN.txt`` holds each seed's code cells verbatim and
``expected.json`` what PyTorch 2.13 printed for each (``extract.py`` writes both). A cell
whose output depends on the random draws must run; every other cell must print what
PyTorch printed, or raise the same exception.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from torch_seeds.extract import CELL, cells, run_seed

import autodiff as ad
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


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED
                                        if any(c["random"] for c in EXPECTED[n])))
def test_seed_prints_what_pytorch_prints_from_the_same_draws(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cells that print random draws: PyTorch, handed the draws autodiff made, must
    print what autodiff.torch printed."""
    torch = pytest.importorskip("torch", reason="compared with PyTorch where installed")
    sources, draws = _sources(name), []
    randn = ad.randn

    def recording(*args: Any, **kwargs: Any) -> Any:
        out = randn(*args, **kwargs)
        draws.append(out.detach().numpy().copy())
        return out

    monkeypatch.setattr(ad, "randn", recording)
    ours = run_seed(sources, autodiff.torch, 0)
    monkeypatch.setattr(ad, "randn", randn)

    def replaying(*args: Any, requires_grad: bool = False, **kwargs: Any) -> Any:
        return torch.tensor(draws.pop(0), requires_grad=requires_grad)

    monkeypatch.setattr(torch, "randn", replaying)
    theirs = run_seed(sources, torch, 0)
    assert not draws
    for index, (got, want) in enumerate(zip(ours, theirs, strict=True)):
        got = got.replace(autodiff.torch.__version__, "<version>")
        want = want.replace(torch.__version__, "<version>")
        # float32 sums in another order: the printed numbers agree to their last digit
        assert _NUMBER.sub("#", got) == _NUMBER.sub("#", want), f"{name} cell {index}"
        np.testing.assert_allclose([float(n) for n in _NUMBER.findall(got)],
                                   [float(n) for n in _NUMBER.findall(want)],
                                   rtol=1e-4, atol=1.5e-4, err_msg=f"{name} cell {index}")


_NUMBER = re.compile(r"-?\d+\.\d*(?:e[+-]\d+)?|-?\d+e[+-]\d+")
