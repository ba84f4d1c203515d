"""cross_entropy / nll_loss options against their definitions, and their errors."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff as ad

F = ad.nn.functional


def _log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def test_ignore_index_drops_rows_from_sum_and_count(backend: str) -> None:
    x = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0], [0.3, 0.3, 0.3]])
    labels = np.array([1, -100, 2])
    logp = _log_softmax(x)
    want = -(logp[0, 1] + logp[2, 2]) / 2
    got = F.cross_entropy(ad.tensor(x), ad.tensor(labels))
    np.testing.assert_allclose(got.item(), want)


def test_probability_targets_and_reductions(backend: str) -> None:
    x = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0]])
    p = np.array([[0.2, 0.5, 0.3], [1.0, 0.0, 0.0]])
    per_row = -(p * _log_softmax(x)).sum(axis=1)
    for reduction, want in (("none", per_row), ("sum", per_row.sum()),
                            ("mean", per_row.mean())):
        got = F.cross_entropy(ad.tensor(x), ad.tensor(p), reduction=reduction)
        np.testing.assert_allclose(got.numpy(), want)


def test_unbatched_input(backend: str) -> None:
    x = np.array([0.5, 1.5, -0.2])
    got = F.cross_entropy(ad.tensor(x), ad.tensor(1))
    np.testing.assert_allclose(got.item(), -_log_softmax(x)[1])


def test_softmax_gradient_at_large_logits_is_finite(backend: str) -> None:
    x = ad.tensor([1000.0, -1000.0, 0.0], requires_grad=True)
    F.cross_entropy(x[None], ad.tensor([1])).backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, -1.0, 0.0], atol=1e-12)


def test_errors(backend: str) -> None:
    x = ad.ones(2, 3)
    with pytest.raises(TypeError, match="nll_loss: expected target to be a tensor of class "
                                        "indices"):
        F.nll_loss(x, ad.ones(2))
    with pytest.raises(ValueError, match="nll_loss: expected input of shape"):
        F.nll_loss(x, ad.tensor([[0, 1]]))
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.nll_loss(x, ad.tensor([0, 1]), reduction="avg")
    with pytest.raises(ValueError, match="cross_entropy: probability targets must have"):
        F.cross_entropy(x, ad.ones(2, 2))
