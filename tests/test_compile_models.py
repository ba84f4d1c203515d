"""Whole models trained under ``torch.compile`` (``import autodiff.torch as torch``)
against the same training eager: the same losses, parameters and buffers, bit for bit,
and the step replays, with no warning. Each model is one a PyTorch user writes: a
convolutional network with batch norm under AdamW, and a transformer encoder layer
feeding an LSTM, with label smoothing, gradient clipping and an LR schedule stepped
between calls."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff as ad
import autodiff.torch as torch

nn = torch.nn


def _cnn() -> tuple[Any, Any, Callable[[Any, Any], Any]]:
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 2 * 2, 10))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    loss = nn.CrossEntropyLoss()
    return model, opt, lambda out, y: loss(out, y)


class _Sequence(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, dropout=0.0,
                                                  batch_first=True)
        self.lstm = nn.LSTM(16, 12, batch_first=True)  # its zero state: 96 numbers
        self.norm = nn.LayerNorm(12)
        self.head = nn.Linear(12, 10)

    def forward(self, x: Any) -> Any:
        h, _ = self.lstm(self.encoder(x))
        return self.head(nn.functional.gelu(self.norm(h[:, -1])))


def _sequence() -> tuple[Any, Any, Callable[[Any, Any], Any]]:
    model = _Sequence()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    return model, opt, lambda out, y: nn.functional.cross_entropy(out, y,
                                                                  label_smoothing=0.1)


MODELS = {"cnn": (_cnn, (8, 1, 8, 8), False), "transformer+lstm": (_sequence, (8, 10, 16), True)}


def _train(name: str, compiled: bool, steps: int = 12) -> tuple[list[float], list[Any], Any]:
    make, shape, clip = MODELS[name]
    ad.manual_seed(0)
    model, opt, criterion = make()
    schedule = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    rng = np.random.default_rng(1)

    def step(x: Any, y: Any) -> Any:
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        if clip:
            nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()
        return loss

    run = torch.compile(step) if compiled else step
    losses = []
    for call in range(steps):
        x = torch.tensor(rng.standard_normal(shape).astype(np.float32))
        y = torch.tensor(rng.integers(0, 10, shape[0]))
        losses.append(run(x, y).item())
        if call % 5 == 4:  # an epoch's schedule: a changed rate traces anew
            schedule.step()
    state = [t.detach().numpy() for t in (*model.parameters(), *model.buffers())]
    return losses, state, run


@pytest.mark.parametrize("name", list(MODELS))
def test_a_model_trained_compiled_equals_eager(backend: str, name: str) -> None:
    eager_losses, eager_state, _ = _train(name, compiled=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        losses, state, run = _train(name, compiled=True)
    assert not [str(w.message) for w in caught if "autodiff.compile" in str(w.message)]
    assert losses == eager_losses
    for got, want in zip(state, eager_state, strict=True):
        np.testing.assert_array_equal(got, want)
    assert any(entry.replay is not None for entry in run.cache.values())
