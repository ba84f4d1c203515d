"""ctc_loss's options, errors and extremes, and a cross-check against PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autodiff as ad

F = ad.nn.functional


def _t(values: object, grad: bool = False) -> ad.Tensor:
    return ad.tensor(np.asarray(values, dtype=np.float64), requires_grad=grad)


def _np(x: ad.Tensor) -> np.ndarray:
    return x.detach().numpy()


# -- ctc_loss ------------------------------------------------------------------------
def _log_probs(steps: int, batch: int, classes: int, grad: bool = False) -> ad.Tensor:
    x = np.random.default_rng(2).standard_normal((steps, batch, classes))
    logits = _t(x, grad=grad)
    return F.log_softmax(logits, dim=2)


def test_ctc_loss_padded_and_concatenated_targets_agree(backend: str) -> None:
    lp = _log_probs(5, 2, 4)
    padded = F.ctc_loss(lp, ad.tensor([[1, 2], [3, 0]]), [5, 4], [2, 1], reduction="none")
    flat = F.ctc_loss(lp, ad.tensor([1, 2, 3]), ad.tensor([5, 4]), ad.tensor([2, 1]),
                      reduction="none")
    np.testing.assert_allclose(_np(padded), _np(flat))
    mean = F.ctc_loss(lp, ad.tensor([1, 2, 3]), [5, 4], [2, 1])
    assert float(mean) == pytest.approx((_np(flat) / [2.0, 1.0]).mean())


def test_ctc_loss_impossible_alignment_and_zero_infinity(backend: str) -> None:
    logits = _t(np.zeros((2, 1, 3)), grad=True)
    lp = F.log_softmax(logits, dim=2)
    # four labels cannot be emitted in two steps
    assert math.isinf(float(F.ctc_loss(lp, ad.tensor([1, 1, 1, 1]), [2], [4],
                                       reduction="sum")))
    loss = F.ctc_loss(lp, ad.tensor([1, 1, 1, 1]), [2], [4], reduction="sum",
                      zero_infinity=True)
    assert float(loss) == 0.0
    loss.backward()
    assert logits.grad is not None
    np.testing.assert_array_equal(_np(logits.grad), 0.0)


def test_ctc_loss_checks(backend: str) -> None:
    lp = _log_probs(3, 1, 3)
    with pytest.raises(RuntimeError, match="Expected input_lengths to have value at most 3, "
                       "but got value 4"):
        F.ctc_loss(lp, ad.tensor([[1]]), [4], [1])
    with pytest.raises(RuntimeError, match="input_lengths must be of size batch_size"):
        F.ctc_loss(lp, ad.tensor([[1]]), [3, 3], [1])
    with pytest.raises(RuntimeError, match="outside"):
        F.ctc_loss(lp, ad.tensor([[0]]), [3], [1])  # the blank is not a label
    with pytest.raises(ValueError, match="bogus is not a valid value for reduction"):
        F.ctc_loss(lp, ad.tensor([[1]]), [3], [1], reduction="bogus")


def test_ctc_loss_matches_torch() -> None:
    torch = pytest.importorskip("torch", reason="an optional cross-check against PyTorch")
    x = np.random.default_rng(4).standard_normal((7, 3, 5))
    targets, ins, outs = [[1, 2, 2], [4, 0, 0], [3, 3, 1]], [7, 5, 6], [3, 1, 2]
    tx = torch.tensor(x, requires_grad=True)
    want = torch.nn.functional.ctc_loss(torch.log_softmax(tx, 2), torch.tensor(targets),
                                        torch.tensor(ins), torch.tensor(outs))
    want.backward()
    ax = _t(x, grad=True)
    got = F.ctc_loss(F.log_softmax(ax, dim=2), ad.tensor(targets), ins, outs)
    got.backward()
    assert ax.grad is not None and tx.grad is not None
    np.testing.assert_allclose(_np(got), want.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(_np(ax.grad), tx.grad.numpy(), rtol=1e-8, atol=1e-12)
