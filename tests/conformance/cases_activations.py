"""Cases of the activation functions and layers of ``autodiff.nn.functional``.

Each composite is named after the primitive its call ends in (``where.hardtanh``); the
piecewise ones are sampled away from their kinks (the gradient at a kink is a convention,
checked against PyTorch's in ``tests/test_nn_functional.py``), and the functions that must
be stable are also sampled at +-1000.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autodiff as ad

from .cases import case, fixed, nonzero, real

F = ad.nn.functional
EXTREMES = [-1000.0, -40.0, -1.5, 0.25, 40.0, 1000.0]
#: points away from every kink of the piecewise functions below (0, +-0.5, +-1, +-3, 6)
PIECEWISE = [[-7.0, -3.4, -2.2, -0.8, -0.3], [0.2, 0.7, 1.6, 2.5, 6.9]]



def _np_gelu(x: np.ndarray) -> np.ndarray:
    erf = np.vectorize(math.erf, otypes=[np.float64])(x / math.sqrt(2.0))
    return (x * 0.5 * (1.0 + erf)).astype(x.dtype)


def _np_softplus(x: np.ndarray, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    smooth = np.logaddexp(0.0, beta * x) / beta
    return np.where(beta * x > threshold, x, smooth)


def _np_sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _np_elu(x: np.ndarray, alpha: float = 1.0, scale: float = 1.0) -> np.ndarray:
    return scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def _np_gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


_SELU = (1.6732632423543772848170429916717, 1.0507009873554804934193349852946)

# -- primitives
case("softplus.default", F.softplus, _np_softplus, real(2, 3))
case("softplus.beta_threshold", lambda x: F.softplus(x, beta=2.0, threshold=1.0),
     lambda x: _np_softplus(x, 2.0, 1.0), fixed([[-1.5, -0.2, 0.3], [0.45, 0.7, 2.0]]))
case("softplus.extremes", F.softplus, _np_softplus, fixed(EXTREMES))
case("gelu.exact", F.gelu, _np_gelu, real(3, 4))
case("gelu.exact_tails", F.gelu, _np_gelu,
     fixed([-1000.0, -9.0, -4.0, -2.9, 2.9, 4.0, 9.0, 1000.0]))
case("gelu.tanh", lambda x: F.gelu(x, approximate="tanh"), _np_gelu_tanh, real(3, 4))
# -- composites of smooth functions
case("negative.logsigmoid", F.logsigmoid, lambda x: -_np_softplus(-x, threshold=np.inf),
     real(2, 3))
case("negative.logsigmoid_extremes", F.logsigmoid,
     lambda x: -_np_softplus(-x, threshold=np.inf), fixed(EXTREMES))
case("multiply.silu", F.silu, lambda x: x * _np_sigmoid(x), real(2, 3))
case("multiply.silu_extremes", F.silu, lambda x: x * _np_sigmoid(x), fixed(EXTREMES))
case("multiply.mish", F.mish, lambda x: x * np.tanh(np.logaddexp(0.0, x)), real(2, 3))
case("multiply.mish_extremes", F.mish, lambda x: x * np.tanh(np.logaddexp(0.0, x)),
     fixed(EXTREMES))
case("divide.softsign", F.softsign, lambda x: x / (1 + np.abs(x)), nonzero(2, 3))
case("subtract.tanhshrink", F.tanhshrink, lambda x: x - np.tanh(x), real(2, 3))
case("multiply.glu", F.glu, lambda x: x[..., :2] * _np_sigmoid(x[..., 2:]), real(3, 4))
case("multiply.glu_dim0", lambda x: F.glu(x, 0), lambda x: x[:2] * _np_sigmoid(x[2:]),
     real(4, 3))
case("softmax.softmin", lambda x: F.softmin(x, dim=1),
     lambda x: np.exp(-x - np.logaddexp.reduce(-x, axis=1, keepdims=True)), real(2, 4))
# -- the exponential units (double where: exact and a finite gradient at +-1000)
case("where.elu", F.elu, _np_elu, nonzero(2, 3))
case("where.elu_alpha", lambda x: F.elu(x, alpha=0.5), lambda x: _np_elu(x, 0.5),
     nonzero(2, 3))
case("where.elu_extremes", F.elu, _np_elu, fixed(EXTREMES))
case("where.selu", F.selu, lambda x: _np_elu(x, *_SELU), nonzero(2, 3))
case("where.selu_extremes", F.selu, lambda x: _np_elu(x, *_SELU), fixed(EXTREMES))
# -- piecewise linear, away from the kinks
case("where.leaky_relu", lambda x: F.leaky_relu(x, 0.2), lambda x: np.where(x > 0, x, 0.2 * x),
     nonzero(2, 3))
case("where.hardtanh", F.hardtanh, lambda x: np.clip(x, -1.0, 1.0), fixed(PIECEWISE))
case("where.relu6", F.relu6, lambda x: np.clip(x, 0.0, 6.0), fixed(PIECEWISE))
case("where.hardsigmoid", F.hardsigmoid, lambda x: np.clip(x + 3, 0, 6) / 6, fixed(PIECEWISE))
case("multiply.hardswish", F.hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6,
     fixed(PIECEWISE))
case("where.threshold", lambda x: F.threshold(x, 0.5, -2.0),
     lambda x: np.where(x > 0.5, x, -2.0), fixed(PIECEWISE))
case("where.hardshrink", F.hardshrink, lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
     fixed(PIECEWISE))
case("where.hardshrink_method", lambda x: x.hardshrink(1.0),
     lambda x: np.where(np.abs(x) > 1.0, x, 0.0), fixed(PIECEWISE))
case("where.softshrink", F.softshrink,
     lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0.0)), fixed(PIECEWISE))
case("where.prelu_channels", F.prelu,
     lambda x, w: np.where(x > 0, x, w[None, :, None] * x), nonzero(2, 3, 4), real(3))
case("where.prelu_shared", lambda x, w: x.prelu(w), lambda x, w: np.where(x > 0, x, w * x),
     nonzero(5), real(1))
case("where.rrelu_eval", F.rrelu, lambda x: np.where(x > 0, x, x * (1 / 8 + 1 / 3) / 2),
     nonzero(2, 3))


# -- layers ------------------------------------------------------------------------------
def _np_softmax(s: np.ndarray) -> np.ndarray:
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _np_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, keep: Any = None,
                  add: Any = None, scale: float | None = None) -> np.ndarray:
    scores = q @ np.swapaxes(k, -1, -2) * (1 / math.sqrt(q.shape[-1]) if scale is None else scale)
    if add is not None:
        scores = scores + add
    if keep is not None:
        scores = np.where(keep, scores, -np.inf)
    dead = np.all(np.isneginf(scores), axis=-1, keepdims=True)
    weights = np.where(dead, 0.0, _np_softmax(np.where(dead, 0.0, scores)))
    return weights @ v


_KEEP = np.array([[True, False, True, True], [False, False, False, False],
                  [True, True, False, True]])
_INDICES = np.array([[0, 2, 4], [4, 1, 4]])


def _indices(x: ad.Tensor) -> ad.Tensor:
    return ad.tensor(_INDICES, backend=x.backend)


case("matmul.linear", lambda x, w: F.linear(x, w), lambda x, w: x @ w.T, real(2, 4, 3),
     real(5, 3))
case("add.linear_bias", F.linear, lambda x, w, b: x @ w.T + b, real(4, 3), real(5, 3), real(5))
case("matmul.linear_vector_weight", F.linear, lambda x, w: x @ w, real(2, 3), real(3))
case("add.bilinear", F.bilinear,
     lambda a, b, w, c: np.einsum("...i,kij,...j->...k", a, w, b) + c,
     real(2, 3, 2), real(2, 3, 4), real(5, 2, 4), real(5))
case("reshape.embedding", lambda w: F.embedding(_indices(w), w), lambda w: w[_INDICES],
     real(5, 3))
# the padding row (3) is not looked up here: finite differences would see its value, which
# gets no gradient by design (tests/test_nn_functional.py checks that)
case("where.embedding_padding_idx", lambda w: F.embedding(_indices(w), w, padding_idx=-2),
     lambda w: w[_INDICES], real(5, 3))
case("astype.one_hot", lambda x: F.one_hot(ad.astype(x, ad.int64), 5),
     lambda x: np.eye(5, dtype=np.int64)[x.astype(np.int64)],
     fixed([[0.0, 3.0, 1.0], [4.0, 4.0, 2.0]], grad=False))
case("matmul.scaled_dot_product_attention", F.scaled_dot_product_attention, _np_attention,
     real(2, 3, 3, 4), real(2, 3, 4, 4), real(2, 3, 4, 2))
case("matmul.sdpa_bool_mask_and_a_dead_row",
     lambda q, k, v: F.scaled_dot_product_attention(
         q, k, v, attn_mask=ad.tensor(_KEEP, backend=q.backend)),
     lambda q, k, v: _np_attention(q, k, v, keep=_KEEP), real(2, 3, 4), real(2, 4, 4),
     real(2, 4, 2))
case("matmul.sdpa_float_mask_and_scale",
     lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, m, scale=0.5),
     lambda q, k, v, m: _np_attention(q, k, v, add=m, scale=0.5),
     real(3, 4), real(4, 4), real(4, 3), real(3, 4))
case("matmul.sdpa_causal", lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
     lambda q, k, v: _np_attention(q, k, v, keep=np.tril(np.ones((3, 3), bool))),
     real(2, 3, 4), real(2, 3, 4), real(2, 3, 2))
case("matmul.sdpa_grouped_query",
     lambda q, k, v: F.scaled_dot_product_attention(q, k, v, enable_gqa=True),
     lambda q, k, v: _np_attention(q, np.repeat(k, 2, axis=-3), np.repeat(v, 2, axis=-3)),
     real(4, 2, 3), real(2, 3, 3), real(2, 3, 2))


# -- dropout: seeded in the call, so every call (gradcheck's included) draws one mask, and
# the reference draws it again from the same seed
def _seeded(fn: Any) -> Any:
    def call(x: ad.Tensor) -> ad.Tensor:
        ad.manual_seed(16)
        return fn(x)
    return call


def _draw(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    ad.manual_seed(16)
    return ad.rand(*shape, dtype=getattr(ad, x.dtype.name)).numpy()


def _np_alpha(x: np.ndarray, p: float, shape: tuple[int, ...]) -> np.ndarray:
    keep = (_draw(x, shape) < 1 - p).astype(x.dtype)
    floor = 1.7580993408473766
    a = 1 / math.sqrt((floor**2 * p + 1) * (1 - p))
    return x * (keep * a) + ((keep - 1) * (floor * a) + floor * a * p)


case("multiply.dropout_seeded", _seeded(lambda x: F.dropout(x, 0.4)),
     lambda x: x * ((_draw(x, x.shape) < 0.6).astype(x.dtype) / 0.6), real(3, 5))
case("multiply.dropout_p_one", lambda x: F.dropout(x, 1.0), lambda x: x * 0.0, real(4))
case("multiply.dropout2d_seeded", _seeded(lambda x: F.dropout2d(x, 0.5)),
     lambda x: x * ((_draw(x, (2, 3, 1, 1)) < 0.5).astype(x.dtype) / 0.5), real(2, 3, 2, 2))
case("multiply.dropout1d_unbatched_seeded", _seeded(lambda x: F.dropout1d(x, 0.5)),
     lambda x: x * ((_draw(x, (3, 1)) < 0.5).astype(x.dtype) / 0.5), real(3, 4))
case("multiply.dropout3d_unbatched_seeded", _seeded(lambda x: F.dropout3d(x, 0.5)),
     lambda x: x * ((_draw(x, (3, 1, 1, 1)) < 0.5).astype(x.dtype) / 0.5), real(3, 2, 2, 2))
case("add.alpha_dropout_seeded", _seeded(lambda x: F.alpha_dropout(x, 0.3, training=True)),
     lambda x: _np_alpha(x, 0.3, x.shape), real(3, 4))
case("add.feature_alpha_dropout_seeded",
     _seeded(lambda x: F.feature_alpha_dropout(x, 0.3, training=True)),
     lambda x: _np_alpha(x, 0.3, (2, 3, 1)), real(2, 3, 4))


# -- embedding_bag: bags [0, 2), [2, 2) (empty), [2, 6) of the lookups
_BAG_INDICES = np.array([0, 2, 2, 1, 3, 4])
_BAG_OFFSETS = np.array([0, 2, 2])


def _np_bags(w: np.ndarray, mode: str, weights: np.ndarray | None = None) -> np.ndarray:
    rows = w[_BAG_INDICES] * (1.0 if weights is None else weights[:, None])
    out = []
    for start, stop in zip(_BAG_OFFSETS, [*_BAG_OFFSETS[1:], len(_BAG_INDICES)], strict=True):
        part = rows[start:stop]
        if not len(part):
            out.append(np.zeros(w.shape[1], dtype=w.dtype))
        else:
            out.append({"sum": part.sum(0), "mean": part.mean(0), "max": part.max(0)}[mode])
    return np.stack(out)


def _bag_call(mode: str) -> Any:
    def call(w: ad.Tensor) -> ad.Tensor:
        return F.embedding_bag(ad.tensor(_BAG_INDICES, backend=w.backend), w,
                               ad.tensor(_BAG_OFFSETS, backend=w.backend), mode=mode)
    return call


case("matmul.embedding_bag_sum", _bag_call("sum"), lambda w: _np_bags(w, "sum"), real(5, 3))
case("divide.embedding_bag_mean", _bag_call("mean"), lambda w: _np_bags(w, "mean"), real(5, 3))
case("where.embedding_bag_max", _bag_call("max"), lambda w: _np_bags(w, "max"), real(5, 3))
case("matmul.embedding_bag_2d_per_sample_weights",
     lambda w, p: F.embedding_bag(ad.tensor(_BAG_INDICES.reshape(2, 3), backend=w.backend), w,
                                  mode="sum", per_sample_weights=p.reshape(2, 3)),
     lambda w, p: np.stack([(w[_BAG_INDICES[:3]] * p[:3, None]).sum(0),
                            (w[_BAG_INDICES[3:]] * p[3:, None]).sum(0)]),
     real(5, 3), real(6))


# -- the other random functions, seeded the same way
def _np_rrelu_train(x: np.ndarray) -> np.ndarray:
    slopes = 0.1 + (0.3 - 0.1) * _draw(x, x.shape)
    return np.where(x > 0, x, x * slopes)


def _np_attention_dropout(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
    scores = q @ k.T / math.sqrt(q.shape[-1])
    weights = _np_softmax(scores)
    keep = (_draw(q, weights.shape) < 0.75).astype(q.dtype)
    return (weights * (keep / 0.75)) @ v


case("where.rrelu_training_seeded", _seeded(lambda x: F.rrelu(x, 0.1, 0.3, training=True)),
     _np_rrelu_train, nonzero(3, 4))
case("matmul.sdpa_dropout_seeded",
     lambda q, k, v: (ad.manual_seed(16), F.scaled_dot_product_attention(
         q, k, v, dropout_p=0.25))[1],
     _np_attention_dropout, real(3, 4), real(5, 4), real(5, 2))
