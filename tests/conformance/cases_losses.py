"""Cases of the losses, distances and normalization functions of ``nn.functional``
(issue 16). Each is named by the primitive its call ends in; the references are
numpy transcriptions of PyTorch's definitions."""

from __future__ import annotations

from typing import Any

import numpy as np

import autodiff as ad

from .cases import case, fixed, positive, real, unit

F = ad.nn.functional
SIGNS = [1.0, -1.0, -1.0, 1.0, 1.0]
CLASSES = np.array([0, 3, 1])
MULTILABEL = np.array([[3, 0, -1, 1], [0, 1, 2, 3], [-1, 1, 1, 1]])


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.asarray(loss.mean())
    return np.asarray(loss.sum()) if reduction == "sum" else loss


def _int(values: Any, like: ad.Tensor) -> ad.Tensor:
    return ad.tensor(values, backend=like.backend)


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x).astype(x.dtype)


def _hinge(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


# -- regression losses
case("mean.l1_loss", F.l1_loss, lambda x, y: _reduce(np.abs(x - y), "mean"),
     real(3, 4), real(3, 4))
case("sum.l1_loss", lambda x, y: F.l1_loss(x, y, reduction="sum"),
     lambda x, y: _reduce(np.abs(x - y), "sum"), real(3, 4), real(3, 4))
case("divide.l1_loss_weight", lambda x, y, w: F.l1_loss(x, y, weight=w),
     lambda x, y, w: np.asarray((np.abs(x - y) * w).sum() / w.sum()),
     real(3, 4), real(3, 4), positive(3, 4))


def _smooth_l1(x: np.ndarray, y: np.ndarray, beta: float) -> np.ndarray:
    z = np.abs(x - y)
    return np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)


case("where.smooth_l1_loss", lambda x, y: F.smooth_l1_loss(x, y, reduction="none", beta=0.5),
     lambda x, y: _smooth_l1(x, y, 0.5), real(3, 4), real(3, 4))
case("mean.smooth_l1_loss", lambda x, y: F.smooth_l1_loss(x, y, beta=0.5),
     lambda x, y: _reduce(_smooth_l1(x, y, 0.5), "mean"), real(3, 4), real(3, 4))
case("sum.huber_loss", lambda x, y: F.huber_loss(x, y, reduction="sum", delta=0.5),
     lambda x, y: _reduce(0.5 * _smooth_l1(x, y, 0.5), "sum"), real(3, 4), real(3, 4))

# -- binary cross-entropy on probabilities: a primitive, stable at p in {0, 1}


def _bce(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), -100.0)
        log_q = np.maximum(np.log1p(-p), -100.0)
    return (-(y * log_p + (1.0 - y) * log_q)).astype(p.dtype)


case("binary_cross_entropy.none", lambda p, y: F.binary_cross_entropy(p, y, reduction="none"),
     _bce, unit(3, 4), unit(3, 4))
case("mean.binary_cross_entropy", F.binary_cross_entropy,
     lambda p, y: _reduce(_bce(p, y), "mean"), unit(3, 4), unit(3, 4))
case("sum.binary_cross_entropy_weight",
     lambda p, y, w: F.binary_cross_entropy(p, y, w, reduction="sum"),
     lambda p, y, w: _reduce(_bce(p, y) * w, "sum"), unit(3, 4), unit(3, 4), positive(4))

# -- divergences and likelihoods


def _kl(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    return t * (np.log(t) - x)


case("divide.kl_div_batchmean", lambda x, t: F.kl_div(x, t, reduction="batchmean"),
     lambda x, t: np.asarray(_kl(x, t).sum() / x.shape[0]), real(3, 4), unit(3, 4))
case("subtract.kl_div_none", lambda x, t: F.kl_div(x, t, reduction="none"), _kl,
     real(3, 4), unit(3, 4))
case("sum.kl_div_log_target",
     lambda x, t: F.kl_div(x, t, reduction="sum", log_target=True),
     lambda x, t: np.asarray((np.exp(t) * (t - x)).sum()), real(3, 4), real(3, 4))
# a target of 0 contributes 0, with a finite gradient
case("sum.kl_div_zero_target", lambda x, t: F.kl_div(x, t, reduction="sum"),
     lambda x, t: np.asarray(np.where(t > 0, t * np.log(np.where(t > 0, t, 1.0)), 0.0).sum()
                             - (t * x).sum()),
     real(4), fixed([0.0, 0.5, 0.5, 0.0], grad=False))
case("mean.poisson_nll_loss", F.poisson_nll_loss,
     lambda x, t: _reduce(np.exp(x) - t * x, "mean"), real(3, 4), positive(3, 4))


def _stirling(t: np.ndarray) -> np.ndarray:
    safe = np.where(t > 1, t, 1.0)
    return np.where(t > 1, safe * np.log(safe) - safe + 0.5 * np.log(2 * np.pi * safe), 0.0)


case("sum.poisson_nll_loss_full",
     lambda x, t: F.poisson_nll_loss(x, t * 2.0, log_input=False, full=True, reduction="sum"),
     lambda x, t: np.asarray((x - 2 * t * np.log(x + 1e-8) + _stirling(2 * t)).sum()
                             ).astype(x.dtype),
     positive(3, 4), positive(3, 4))


def _gaussian(x: np.ndarray, y: np.ndarray, v: np.ndarray) -> np.ndarray:
    return 0.5 * (np.log(v) + (x - y) ** 2 / v)


case("mean.gaussian_nll_loss", F.gaussian_nll_loss,
     lambda x, y, v: _reduce(_gaussian(x, y, v), "mean"), real(3, 4), real(3, 4),
     positive(3, 4))
case("add.gaussian_nll_loss_homoscedastic",
     lambda x, y, v: F.gaussian_nll_loss(x, y, v, full=True, reduction="none"),
     lambda x, y, v: _gaussian(x, y, v[:, None]) + 0.5 * np.log(2 * np.pi).astype(x.dtype),
     real(3, 4), real(3, 4), positive(3))

# -- margins and embeddings
case("mean.margin_ranking_loss",
     lambda a, b, y: F.margin_ranking_loss(a, b, y, margin=0.3),
     lambda a, b, y: _reduce(_hinge(-y * (a - b) + 0.3), "mean"),
     real(5), real(5), fixed(SIGNS, grad=False))
case("add.hinge_embedding_loss",
     lambda x, y: F.hinge_embedding_loss(x, y, margin=0.5, reduction="none"),
     lambda x, y: np.where(y != 1, _hinge(0.5 - x), 0.0) + np.where(y != -1, x, 0.0),
     real(5), fixed(SIGNS, grad=False))
case("mean.soft_margin_loss", F.soft_margin_loss,
     lambda x, y: _reduce(_softplus(-y * x), "mean"), real(5), fixed(SIGNS, grad=False))
case("logaddexp.soft_margin_loss_large",
     lambda x, y: F.soft_margin_loss(x, y, reduction="none"), lambda x, y: _softplus(-y * x),
     fixed([1000.0, -1000.0, 0.0]), fixed([-1.0, -1.0, 1.0], grad=False))


def _multilabel_soft(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    loss = (y * _softplus(-x) + (1 - y) * _softplus(x)) * w
    return np.asarray((loss.sum(axis=-1) / x.shape[-1]).mean())


case("mean.multilabel_soft_margin_loss",
     lambda x, y, w: F.multilabel_soft_margin_loss(x, y, weight=w), _multilabel_soft,
     real(3, 4), fixed([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]],
                       grad=False), positive(4))


def _multi_margin(x: np.ndarray, w: np.ndarray, p: int = 2, margin: float = 0.7) -> np.ndarray:
    rows = np.arange(x.shape[0])
    z = _hinge(margin - x[rows, CLASSES][:, None] + x) ** p * w[CLASSES][:, None]
    z[rows, CLASSES] = 0.0
    return np.asarray((z.sum(axis=1) / x.shape[1]).mean())


case("mean.multi_margin_loss",
     lambda x, w: F.multi_margin_loss(x, _int(CLASSES, x), p=2, margin=0.7, weight=w),
     _multi_margin, real(3, 4), positive(4))


def _multilabel_margin(x: np.ndarray) -> np.ndarray:
    losses = []
    for row, labels in zip(x, MULTILABEL, strict=True):
        listed = list(labels[:list(labels).index(-1)] if -1 in labels else labels)
        total = sum(max(0.0, 1.0 - (row[j] - row[i]))
                    for j in listed for i in range(len(row)) if i not in listed)
        losses.append(total / len(row))
    return np.asarray(losses, dtype=x.dtype)


case("divide.multilabel_margin_loss",
     lambda x: F.multilabel_margin_loss(x, _int(MULTILABEL, x), reduction="none"),
     _multilabel_margin, real(3, 4))


def _distance(a: np.ndarray, b: np.ndarray, p: float = 2.0, eps: float = 1e-6) -> np.ndarray:
    return (np.abs(a - b + eps) ** p).sum(axis=-1) ** (1.0 / p)


case("mean.triplet_margin_loss",
     lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=0.5, p=1.5, swap=True),
     lambda a, p, n: _reduce(_hinge(0.5 + _distance(a, p, 1.5) - np.minimum(
         _distance(a, n, 1.5), _distance(p, n, 1.5))), "mean"),
     real(3, 4), real(3, 4), real(3, 4))
case("sum.triplet_margin_with_distance_loss",
     lambda a, p, n: F.triplet_margin_with_distance_loss(
         a, p, n, distance_function=lambda u, v: ad.sum((u - v) ** 2, axis=-1), margin=2.0,
         reduction="sum"),
     lambda a, p, n: np.asarray(_hinge(
         2.0 + ((a - p) ** 2).sum(-1) - ((a - n) ** 2).sum(-1)).sum()),
     real(3, 4), real(3, 4), real(3, 4))


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(-1) / np.sqrt(((a * a).sum(-1) + 1e-12) * ((b * b).sum(-1) + 1e-12))


case("mean.cosine_embedding_loss",
     lambda a, b, y: F.cosine_embedding_loss(a, b, y, margin=-0.2),
     lambda a, b, y: _reduce(np.where(y == 1, 1 - _cos(a, b), 0.0)
                             + np.where(y == -1, _hinge(_cos(a, b) + 0.2), 0.0), "mean"),
     real(5, 3), real(5, 3), fixed(SIGNS, grad=False))

# -- distances


def _unit(x: np.ndarray, axis: int) -> np.ndarray:
    return x / np.sqrt((x * x).sum(axis=axis, keepdims=True))


case("sum.cosine_similarity", F.cosine_similarity,
     lambda a, b: (_unit(a, 1) * _unit(b, 1)).sum(axis=1), real(3, 4), real(1, 4))
case("vector_norm.pairwise_distance",
     lambda a, b: F.pairwise_distance(a, b, p=3.0, keepdim=True),
     lambda a, b: _distance(a, b, 3.0)[:, None], real(3, 4), real(4))
case("vector_norm.pdist", F.pdist,
     lambda x: np.asarray([np.sqrt(((x[i] - x[j]) ** 2).sum())
                           for i in range(4) for j in range(i + 1, 4)], dtype=x.dtype),
     real(4, 3))
case("divide.normalize", lambda x: F.normalize(x, p=1.0, dim=0),
     lambda x: x / np.abs(x).sum(axis=0, keepdims=True), real(3, 4))

# -- normalization


def _standardize(x: np.ndarray, axes: tuple[int, ...], eps: float = 1e-5) -> np.ndarray:
    centered = x - x.mean(axis=axes, keepdims=True)
    return centered / np.sqrt((centered ** 2).mean(axis=axes, keepdims=True) + eps)


case("standardize.layer_norm", lambda x: F.layer_norm(x, (3, 4)),
     lambda x: _standardize(x, (1, 2)), real(2, 3, 4))
case("add.layer_norm_affine", lambda x, w, b: F.layer_norm(x, [4], w, b, eps=1e-3),
     lambda x, w, b: _standardize(x, (2,), 1e-3) * w + b, real(2, 3, 4), real(4), real(4))
case("add.batch_norm_training",
     lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
     lambda x, w, b: _standardize(x, (0, 2)) * w[:, None] + b[:, None],
     real(4, 3, 2), real(3), real(3))
case("divide.batch_norm_eval",
     lambda x, m, v: F.batch_norm(x, m, v, training=False),
     lambda x, m, v: (x - m) / np.sqrt(v + 1e-5), real(4, 3), real(3), positive(3))
case("reshape.group_norm", lambda x: F.group_norm(x, 2),
     lambda x: _standardize(x.reshape(2, 2, -1), (2,)).reshape(x.shape), real(2, 4, 3))
case("multiply.instance_norm", lambda x, w: F.instance_norm(x, weight=w),
     lambda x, w: _standardize(x, (2,)) * w[:, None], real(2, 3, 5), real(3))
case("multiply.rms_norm", lambda x, w: F.rms_norm(x, [4], w, eps=1e-6),
     lambda x, w: x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + 1e-6) * w,
     real(2, 3, 4), real(4))


def _lrn(x: np.ndarray, size: int, alpha: float, beta: float, k: float) -> np.ndarray:
    channels = x.shape[1]
    padded = np.pad(x * x, [(0, 0), (size // 2, (size - 1) // 2)] + [(0, 0)] * (x.ndim - 2))
    window = sum(padded[:, s:s + channels] for s in range(size)) / size
    return x / (k + alpha * window) ** beta


case("divide.local_response_norm",
     lambda x: F.local_response_norm(x, 3, alpha=0.5, beta=0.75, k=2.0),
     lambda x: _lrn(x, 3, 0.5, 0.75, 2.0), real(2, 5, 3))

# -- connectionist temporal classification: a primitive (log-space alpha/beta recursions)
CTC_TARGETS = np.array([[1, 2, 2], [3, 0, 0]])
CTC_INPUT_LENGTHS, CTC_TARGET_LENGTHS = [6, 4], [3, 1]


def _ctc_nll(lp: np.ndarray, labels: list[int], steps: int, blank: int = 0) -> float:
    """-log p(labels) by the forward recursion, in probabilities (short inputs)."""
    ext = [blank]
    for label in labels:
        ext += [label, blank]
    p = np.exp(lp)
    alpha = np.zeros(len(ext))
    alpha[0] = p[0, ext[0]]
    if len(ext) > 1:
        alpha[1] = p[0, ext[1]]
    for t in range(1, steps):
        new = np.zeros_like(alpha)
        for s in range(len(ext)):
            total = alpha[s] + (alpha[s - 1] if s >= 1 else 0.0)
            if s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]:
                total += alpha[s - 2]
            new[s] = total * p[t, ext[s]]
        alpha = new
    return float(-np.log(alpha[-1] + (alpha[-2] if len(ext) > 1 else 0.0)))


def _ctc(x: np.ndarray) -> np.ndarray:
    lp = x - np.log(np.exp(x).sum(axis=2, keepdims=True))
    return np.asarray([_ctc_nll(lp[:, n], list(CTC_TARGETS[n, :length]), steps)
                       for n, (steps, length) in enumerate(
                           zip(CTC_INPUT_LENGTHS, CTC_TARGET_LENGTHS, strict=True))],
                      dtype=x.dtype)


case("ctc_loss.none",
     lambda x: F.ctc_loss(F.log_softmax(x, dim=2), _int(CTC_TARGETS, x),
                          _int(CTC_INPUT_LENGTHS, x), CTC_TARGET_LENGTHS, reduction="none"),
     _ctc, real(6, 2, 4), jvp_error="no jvp rule is declared")
case("mean.ctc_loss",
     lambda x: F.ctc_loss(F.log_softmax(x, dim=2), _int([1, 2, 2, 3], x),
                          CTC_INPUT_LENGTHS, CTC_TARGET_LENGTHS),
     lambda x: np.asarray((_ctc(x) / np.asarray([3.0, 1.0])).mean(), dtype=x.dtype),
     real(6, 2, 4), jvp_error="no jvp rule is declared")
