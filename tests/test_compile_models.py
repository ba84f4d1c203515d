"""Whole models trained under ``torch.compile`` (``import autodiff.torch as torch``)
against the same training eager: the same losses, parameters and buffers, bit for bit,
and the step replays, with no warning. Each model is one a PyTorch user writes: a
convolutional network with batch norm under AdamW, a transformer encoder layer
feeding an LSTM with label smoothing and gradient clipping, and a small GPT (causal
attention, tied embeddings, AdamW with two parameter groups), each with an LR schedule
stepped between calls."""

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


class _Block(nn.Module):
    """A GPT block: causal attention twice (a mask made each call, and
    ``scaled_dot_product_attention``), then an MLP, each behind a layer norm."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv, self.proj = nn.Linear(width, 3 * width), nn.Linear(width, width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(approximate="tanh"),
                                 nn.Linear(4 * width, width))

    def forward(self, x: Any) -> Any:
        b, t, d = x.shape
        q, k, v = (z.view(b, t, 4, d // 4).transpose(1, 2)
                   for z in self.qkv(self.ln1(x)).split(d, dim=-1))
        mask = torch.triu(torch.ones(t, t), diagonal=1).bool()  # 144 numbers
        att = ((q @ k.transpose(-2, -1)) / (d // 4) ** 0.5).masked_fill(mask, float("-inf"))
        y = (att.softmax(-1) @ v).transpose(1, 2).contiguous().view(b, t, d)
        y = y + nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(
            1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.mlp(self.ln2(x))


class _GPT(nn.Module):
    def __init__(self, vocabulary: int = 10, width: int = 16, length: int = 12) -> None:
        super().__init__()
        self.tok = nn.Embedding(vocabulary, width)
        self.pos = nn.Parameter(torch.zeros(1, length, width))
        self.block = _Block(width)
        self.ln = nn.LayerNorm(width)

    def forward(self, idx: Any) -> Any:
        x = self.tok(idx) + self.pos[:, :idx.shape[1]]
        return self.ln(self.block(x)) @ self.tok.weight.T  # tied to the embedding


def _gpt() -> tuple[Any, Any, Callable[[Any, Any], Any]]:
    model = _GPT()
    params = dict(model.named_parameters())
    opt = torch.optim.AdamW([
        {"params": [p for p in params.values() if p.dim() >= 2], "weight_decay": 0.1},
        {"params": [p for p in params.values() if p.dim() < 2], "weight_decay": 0.0}],
        lr=3e-3, betas=(0.9, 0.95))
    return model, opt, lambda out, y: nn.functional.cross_entropy(out.view(-1, 10), y.view(-1))


def _images(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[Any, Any]:
    return (torch.tensor(rng.standard_normal(shape).astype(np.float32)),
            torch.tensor(rng.integers(0, 10, shape[0])))


def _tokens(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[Any, Any]:
    tokens = torch.tensor(rng.integers(0, 10, (shape[0], shape[1] + 1)))
    return tokens[:, :-1], tokens[:, 1:]


#: each model: how it is made, its input's shape, how a batch is drawn, whether the
#: step clips its gradients
MODELS = {"cnn": (_cnn, (8, 1, 8, 8), _images, False),
          "transformer+lstm": (_sequence, (8, 10, 16), _images, True),
          "gpt": (_gpt, (4, 12), _tokens, True)}


def _train(name: str, compiled: bool, steps: int = 12) -> tuple[list[float], list[Any], Any]:
    make, shape, batch, clip = MODELS[name]
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
        losses.append(run(*batch(rng, shape)).item())
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
