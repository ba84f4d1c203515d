"""Cases of softmax, log_softmax and the cross-entropy losses built on them."""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .cases import case, fixed, real

F = ad.nn.functional
LABELS = np.array([0, 2, 1, 2])


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _cross_entropy(x: np.ndarray, weight: np.ndarray | None = None,
                   smoothing: float = 0.0) -> np.ndarray:
    """PyTorch's definition, mean reduction, class-index targets LABELS."""
    logp = _log_softmax(x, 1)
    w = np.ones(x.shape[1], dtype=x.dtype) if weight is None else weight
    rows = np.arange(len(LABELS))
    nll = -(w[LABELS] * logp[rows, LABELS]).sum() / w[LABELS].sum()
    smooth = -(logp * w).sum(axis=1).sum() / x.shape[1] / w[LABELS].sum()
    return np.asarray((1 - smoothing) * nll + smoothing * smooth, dtype=x.dtype)


case("softmax.last_axis", lambda x: F.softmax(x, dim=-1),
     lambda x: np.exp(_log_softmax(x, -1)), real(3, 4))
case("softmax.axis_0", lambda x: F.softmax(x, axis=0), lambda x: np.exp(_log_softmax(x, 0)),
     real(3, 4))
case("softmax.large_logits", lambda x: F.softmax(x, dim=0),
     lambda x: np.exp(_log_softmax(x, 0)), fixed([1000.0, 999.0, -1000.0]))
case("log_softmax.method", lambda x: x.log_softmax(1), lambda x: _log_softmax(x, 1),
     real(2, 5))
case("log_softmax.large_logits", lambda x: F.log_softmax(x, dim=0),
     lambda x: _log_softmax(x, 0), fixed([1000.0, 0.0, -1000.0]))
# cross_entropy ends in nll_loss, or in an addition with label smoothing
case("nll_loss.cross_entropy",
     lambda x: F.cross_entropy(x, ad.tensor(LABELS, backend=x.backend)), _cross_entropy,
     real(4, 3))


def _nll(x: np.ndarray, labels: np.ndarray, weight: np.ndarray | None = None,
         ignore_index: int = -100, reduction: str = "mean") -> np.ndarray:
    """PyTorch's definition: -w[y] x[y] per row, rows of ignore_index left out."""
    w = np.ones(x.shape[-1], dtype=x.dtype) if weight is None else weight
    keep = labels != ignore_index
    safe = np.where(keep, labels, 0)
    row_weight = w[safe] * keep
    losses = -np.take_along_axis(x, safe[..., None], axis=-1)[..., 0] * row_weight
    if reduction == "none":
        return losses
    total = losses.sum()
    return total / row_weight.sum() if reduction == "mean" else total


def _labels(x: ad.Tensor, labels: np.ndarray = LABELS) -> ad.Tensor:
    return ad.tensor(labels, backend=x.backend)


case("nll_loss.sum", lambda x: F.nll_loss(x, _labels(x), reduction="sum"),
     lambda x: _nll(x, LABELS, reduction="sum"), real(4, 3))
case("nll_loss.none_weighted",
     lambda x, w: F.nll_loss(x, _labels(x), weight=w, reduction="none"),
     lambda x, w: _nll(x, LABELS, w, reduction="none"), real(4, 3),
     fixed([0.5, 2.0, 1.0], grad=False))
case("nll_loss.ignore_index_weighted",
     lambda x, w: F.nll_loss(x, _labels(x), weight=w, ignore_index=2),
     lambda x, w: _nll(x, LABELS, w, ignore_index=2), real(4, 3),
     fixed([0.5, 2.0, 1.0], grad=False))
case("nll_loss.unbatched", lambda x: F.nll_loss(x, _labels(x, np.array(1))),
     lambda x: _nll(x, np.array(1)), real(3))
case("add.cross_entropy_weight_smoothing",
     lambda x, w: F.cross_entropy(x, ad.tensor(LABELS, backend=x.backend), weight=w,
                                  label_smoothing=0.2),
     lambda x, w: _cross_entropy(x, w, 0.2), real(4, 3), fixed([0.5, 2.0, 1.0], grad=False))
