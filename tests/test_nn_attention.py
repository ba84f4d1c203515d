"""``nn.MultiheadAttention``, ``nn.functional.multi_head_attention_forward``,
``nn.TransformerEncoderLayer`` and ``nn.TransformerEncoder``: a numpy reference of the
attention weights and output, gradcheck, PyTorch's names and errors, layer norm's
property after a post-norm layer, the encoder's independent copies; PyTorch itself as an
optional oracle (float64, same weights, outputs and every gradient to 1e-10)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff as ad
import autodiff.nn.functional as F
from autodiff.nn.modules.transformer import generate_square_subsequent_mask
from autodiff.testing import gradcheck

RNG = np.random.default_rng(0)


def _np(t: ad.Tensor) -> np.ndarray:
    return np.asarray(t.detach().numpy(), dtype=np.float64)


def _randomize(module: ad.nn.Module, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    state = {name: rng.uniform(-0.5, 0.5, tuple(value.shape))
             for name, value in module.state_dict().items()}
    module.load_state_dict(state)
    return state


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def np_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, w: dict[str, np.ndarray],
                 heads: int, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Multi-head attention from its definition, time-major inputs, per batch element
    and per head in Python loops; ``mask`` True where attention is not allowed."""
    w_q, w_k, w_v = np.split(w["in_proj_weight"], 3)
    b_q, b_k, b_v = np.split(w["in_proj_bias"], 3)
    length, batch, embed = q.shape
    size = embed // heads
    out = np.zeros((length, batch, embed))
    weights = np.zeros((batch, heads, length, k.shape[0]))
    for n in range(batch):
        pq, pk, pv = q[:, n] @ w_q.T + b_q, k[:, n] @ w_k.T + b_k, v[:, n] @ w_v.T + b_v
        joined = []
        for h in range(heads):
            part = slice(h * size, (h + 1) * size)
            scores = pq[:, part] @ pk[:, part].T / np.sqrt(size)
            if mask is not None:
                scores = np.where(mask, -np.inf, scores)
            weights[n, h] = _softmax(scores)
            joined.append(weights[n, h] @ pv[:, part])
        out[:, n] = np.concatenate(joined, axis=-1) @ w["out_proj.weight"].T + w["out_proj.bias"]
    return out, weights


# -- numpy reference ----------------------------------------------------------------------

@pytest.mark.parametrize("masked", [False, True])
def test_attention_matches_numpy(backend: str, masked: bool) -> None:
    mha = ad.nn.MultiheadAttention(6, 3).double()
    w = _randomize(mha)
    q, k = RNG.standard_normal((4, 2, 6)), RNG.standard_normal((5, 2, 6))
    v = RNG.standard_normal((5, 2, 6))
    mask = np.triu(np.ones((4, 5), dtype=bool), 2) if masked else None
    want_out, want_weights = np_attention(q, k, v, w, 3, mask)
    out, weights = mha(ad.tensor(q), ad.tensor(k), ad.tensor(v),
                       attn_mask=None if mask is None else ad.tensor(mask),
                       average_attn_weights=False)
    np.testing.assert_allclose(_np(out), want_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_np(weights), want_weights, rtol=1e-12, atol=1e-12)
    _, mean = mha(ad.tensor(q), ad.tensor(k), ad.tensor(v),
                  attn_mask=None if mask is None else ad.tensor(mask))
    np.testing.assert_allclose(_np(mean), want_weights.mean(axis=1), rtol=1e-12, atol=1e-12)
    # the same mask given as floats, the same padding given per key, no weights asked
    if mask is not None:
        floats = ad.tensor(np.where(mask, -np.inf, 0.0))
        fast, none = mha(ad.tensor(q), ad.tensor(k), ad.tensor(v), attn_mask=floats,
                         need_weights=False)
        assert none is None
        np.testing.assert_allclose(_np(fast), want_out, rtol=1e-12, atol=1e-12)


def test_key_padding_mask_is_a_mask_per_key(backend: str) -> None:
    mha = ad.nn.MultiheadAttention(4, 2, batch_first=True).double()
    w = _randomize(mha)
    x = RNG.standard_normal((2, 5, 4))
    padding = np.zeros((2, 5), dtype=bool)
    padding[1, 3:] = True
    out, weights = mha(ad.tensor(x), ad.tensor(x), ad.tensor(x),
                       key_padding_mask=ad.tensor(padding))
    for n in range(2):
        mask = np.broadcast_to(padding[n], (5, 5))
        want_out, want_weights = np_attention(x[n][:, None], x[n][:, None], x[n][:, None], w,
                                              2, mask)
        np.testing.assert_allclose(_np(out)[n], want_out[:, 0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(_np(weights)[n], want_weights[0].mean(axis=0), atol=1e-12)
    assert np.all(_np(weights)[1][:, 3:] == 0.0)


def test_unbatched_is_a_batch_of_one(backend: str) -> None:
    mha = ad.nn.MultiheadAttention(4, 2, kdim=3, vdim=5).double()
    _randomize(mha)
    q, k, v = (RNG.standard_normal(shape) for shape in ((3, 4), (6, 3), (6, 5)))
    out, weights = mha(ad.tensor(q), ad.tensor(k), ad.tensor(v))
    batch_out, batch_weights = mha(*(ad.tensor(a[:, None]) for a in (q, k, v)))
    assert out.shape == (3, 4) and weights.shape == (3, 6)
    np.testing.assert_allclose(_np(out), _np(batch_out)[:, 0], atol=1e-14)
    np.testing.assert_allclose(_np(weights), _np(batch_weights)[0], atol=1e-14)


def _with_parameters(module: ad.nn.Module, fn: Callable[..., Any]
                     ) -> tuple[Callable[..., Any], list[ad.Tensor]]:
    """``fn`` as a function of ``(*inputs, *parameters)`` (see test_nn_rnn)."""
    names = [name for name, _ in module.named_parameters()]
    values = [p.detach().clone().requires_grad_(True) for p in module.parameters()]

    def call(*args: ad.Tensor) -> Any:
        inputs, params = args[:len(args) - len(names)], args[len(args) - len(names):]
        for name, value in zip(names, params, strict=True):
            path, _, leaf = name.rpartition(".")
            module.get_submodule(path)._parameters[leaf] = value  # type: ignore[assignment]
        return fn(*inputs)

    return call, values


@pytest.mark.parametrize("options", [{}, {"add_bias_kv": True, "add_zero_attn": True},
                                     {"kdim": 3, "vdim": 2, "bias": False}])
def test_attention_gradcheck(backend: str, options: dict[str, Any]) -> None:
    mha = ad.nn.MultiheadAttention(4, 2, **options).double()
    _randomize(mha)
    q = ad.tensor(RNG.standard_normal((3, 2, 4)), requires_grad=True)
    k = ad.tensor(RNG.standard_normal((2, 2, options.get("kdim", 4))), requires_grad=True)
    v = ad.tensor(RNG.standard_normal((2, 2, options.get("vdim", 4))), requires_grad=True)

    def both(q: ad.Tensor, k: ad.Tensor, v: ad.Tensor) -> ad.Tensor:
        out, weights = mha(q, k, v)
        return ad.concat([out.reshape(-1), weights.reshape(-1)])

    fn, params = _with_parameters(mha, both)
    assert gradcheck(fn, (q, k, v, *params))


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_gradcheck(backend: str, norm_first: bool) -> None:
    layer = ad.nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0,
                                          activation="gelu", norm_first=norm_first).double()
    _randomize(layer)
    x = ad.tensor(RNG.standard_normal((3, 2, 4)), requires_grad=True)
    mask = ad.tensor(np.triu(np.ones((3, 3), dtype=bool), 1))
    fn, params = _with_parameters(layer, lambda x: layer(x, src_mask=mask))
    # on a lazy backend (dask: a graph of some hundred ops for each of 2 x 190 probes
    # takes minutes), one random direction per input: a wrong gradient still fails it
    assert gradcheck(fn, (x, *params), fast_mode=ad.get_backend().lazy)


def test_post_norm_output_is_normalized(backend: str) -> None:
    layer = ad.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0).double()
    out = _np(layer(ad.tensor(RNG.standard_normal((5, 3, 8)))))
    np.testing.assert_allclose(out.mean(axis=-1), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=-1), 1.0, rtol=1e-4)  # eps = 1e-5


# -- names, copies, modes -----------------------------------------------------------------

def test_parameter_names_are_pytorchs(backend: str) -> None:
    assert list(ad.nn.MultiheadAttention(4, 2, add_bias_kv=True).state_dict()) == [
        "in_proj_weight", "in_proj_bias", "bias_k", "bias_v", "out_proj.weight",
        "out_proj.bias"]
    assert list(ad.nn.MultiheadAttention(4, 2, kdim=3, bias=False).state_dict()) == [
        "q_proj_weight", "k_proj_weight", "v_proj_weight", "out_proj.weight"]
    mha = ad.nn.MultiheadAttention(4, 2)
    assert mha.in_proj_weight.shape == (12, 4) and mha.q_proj_weight is None
    assert mha.bias_k is None and mha.head_dim == 2
    np.testing.assert_array_equal(_np(mha.in_proj_bias), 0.0)
    layer = ad.nn.TransformerEncoderLayer(4, 2, dim_feedforward=8)
    assert list(layer.state_dict()) == [
        "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
        "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight",
        "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"]
    assert repr(mha) == ("MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear("
                         "in_features=4, out_features=4, bias=True)\n)")


def test_encoder_layers_are_independent_copies(backend: str) -> None:
    layer = ad.nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0).double()
    encoder = ad.nn.TransformerEncoder(layer, 2, norm=ad.nn.LayerNorm(4).double())
    assert len(encoder.layers) == 2 and encoder.layers[0] is not layer
    assert len(list(encoder.parameters())) == 2 * len(list(layer.parameters())) + 2
    first, second = encoder.layers[0], encoder.layers[1]
    np.testing.assert_array_equal(_np(first.linear1.weight), _np(layer.linear1.weight))
    with ad.no_grad():
        first.linear1.weight.add_(1.0)
    np.testing.assert_array_equal(_np(second.linear1.weight), _np(layer.linear1.weight))
    x = ad.tensor(RNG.standard_normal((3, 2, 4)))
    np.testing.assert_allclose(_np(encoder(x)),
                               _np(encoder.norm(second(first(x)))), atol=1e-14)
    clone = copy.deepcopy(encoder)
    np.testing.assert_array_equal(_np(clone(x)), _np(encoder(x)))


def test_dropout_only_in_training(backend: str) -> None:
    _ = ad.manual_seed(0)
    layer = ad.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.5).double()
    x = ad.tensor(RNG.standard_normal((4, 2, 8)))
    assert not np.allclose(_np(layer(x)), _np(layer(x)))
    layer.eval()
    np.testing.assert_array_equal(_np(layer(x)), _np(layer(x)))
    mha = ad.nn.MultiheadAttention(8, 2, dropout=0.5).double()
    _, weights = mha(x, x, x)
    assert float((weights == 0).sum()) > 0  # dropped weights are returned, as PyTorch does


def test_causal_mask_detection(backend: str) -> None:
    from autodiff.nn.modules.transformer import _detect_is_causal_mask

    mask = generate_square_subsequent_mask(4, dtype=ad.float64)
    assert _np(mask)[0, 1] == -np.inf and _np(mask)[1, 0] == 0.0
    assert _detect_is_causal_mask(mask, None) is True
    assert _detect_is_causal_mask(mask.T, None) is False
    assert _detect_is_causal_mask(None, None) is False
    assert _detect_is_causal_mask(mask.T, True) is True


# -- errors -------------------------------------------------------------------------------

def test_errors(backend: str) -> None:
    with pytest.raises(ValueError, match="embed_dim must be divisible by num_heads"):
        ad.nn.MultiheadAttention(5, 2)
    with pytest.raises(ValueError, match="embed_dim and num_heads must be greater than 0"):
        ad.nn.MultiheadAttention(4, 0)
    mha = ad.nn.MultiheadAttention(4, 2)
    x = ad.ones((3, 2, 4))
    with pytest.raises(ValueError, match="was expecting embedding dimension of 4, but got 5"):
        mha(ad.ones((3, 2, 5)), ad.ones((3, 2, 5)), ad.ones((3, 2, 5)))
    with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is \(2, 2\), but "
                                           r"should be \(3, 3\)"):
        mha(x, x, x, attn_mask=ad.zeros((2, 2)))
    with pytest.raises(RuntimeError, match=r"The shape of the 3D attn_mask is \(1, 3, 3\), "
                                           r"but should be \(4, 3, 3\)"):
        mha(x, x, x, attn_mask=ad.zeros((1, 3, 3)))
    with pytest.raises(ValueError, match=r"expecting key_padding_mask shape of \(2, 3\)"):
        mha(x, x, x, key_padding_mask=ad.zeros((2, 4), dtype=ad.bool))
    with pytest.raises(ValueError, match="For batched \\(3-D\\) `query`, expected `key` and "
                                         "`value` to be 3-D but found 2-D"):
        mha(x, ad.ones((3, 4)), ad.ones((3, 4)))
    with pytest.raises(ValueError, match="query should be unbatched 2D or batched 3D tensor"):
        mha(ad.ones((4,)), ad.ones((4,)), ad.ones((4,)))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        mha(x, x, x, is_causal=True)
    with pytest.raises(TypeError, match="only bool and floating types of attn_mask"):
        mha(x, x, x, attn_mask=ad.zeros((3, 3), dtype=ad.int64))
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        ad.nn.TransformerEncoderLayer(4, 2, activation="tanh")
    with pytest.raises(TypeError, match="expected encoder_layer to be a Module"):
        ad.nn.TransformerEncoder("layer", 2)  # type: ignore[arg-type]


# -- PyTorch as an oracle -----------------------------------------------------------------

def _copy_from_torch(ours: ad.nn.Module, theirs: Any, seed: int = 3) -> None:
    """PyTorch's parameters, shifted (so zero biases and unit norms are tested too)."""
    assert list(ours.state_dict()) == list(theirs.state_dict())
    rng = np.random.default_rng(seed)
    state = {k: v.detach().numpy() + 0.2 * rng.standard_normal(tuple(v.shape))
             for k, v in theirs.state_dict().items()}
    theirs.load_state_dict({k: __import__("torch").tensor(v) for k, v in state.items()})
    ours.load_state_dict(state)


def _compare(ours: ad.nn.Module, theirs: Any, pairs: list[tuple[Any, Any]]) -> None:
    for mine, their in pairs:
        assert mine.grad is not None
        np.testing.assert_allclose(_np(mine.grad), their.grad.numpy(), rtol=1e-10, atol=1e-10)
    for (name, mine), their in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        assert mine.grad is not None, name
        np.testing.assert_allclose(_np(mine.grad), their.grad.numpy(), rtol=1e-10,
                                   atol=1e-10, err_msg=name)


CAUSAL = np.triu(np.ones((4, 4), dtype=bool), 1)
PADDING = np.array([[False] * 4, [False, False, True, True], [False, False, False, True]])
MHA_CASES = [
    ({}, {}, False), ({"batch_first": True}, {}, False), ({}, {"need_weights": False}, False),
    ({"kdim": 3, "vdim": 5}, {}, True), ({"add_bias_kv": True, "add_zero_attn": True}, {}, True),
    ({"bias": False}, {"average_attn_weights": False}, False),
    ({}, {"attn_mask": CAUSAL}, False),
    ({}, {"attn_mask": np.where(CAUSAL, -np.inf, 0.0), "is_causal": True,
          "need_weights": False}, False),
    ({}, {"key_padding_mask": PADDING}, False),
    ({"batch_first": True}, {"key_padding_mask": PADDING, "attn_mask": CAUSAL}, False),
    ({}, {"attn_mask": RNG.standard_normal((12, 4, 4))}, False),
]


@pytest.mark.parametrize(("options", "call", "cross"), MHA_CASES)
def test_attention_matches_pytorch(backend: str, options: dict[str, Any],
                                   call: dict[str, Any], cross: bool) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    theirs = torch.nn.MultiheadAttention(8, 4, **options).double()
    ours = ad.nn.MultiheadAttention(8, 4, **options).double()
    _copy_from_torch(ours, theirs)
    first = options.get("batch_first", False)
    shapes = [(4, 3, 8), (4, 3, options.get("kdim", 8)), (4, 3, options.get("vdim", 8))]
    if first:
        shapes = [(s[1], s[0], s[2]) for s in shapes]
    arrays = [RNG.standard_normal(s) for s in (shapes if cross else shapes[:1])]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    a_in = [ad.tensor(a, requires_grad=True) for a in arrays]
    t_args = t_in if cross else t_in * 3
    a_args = a_in if cross else a_in * 3
    t_kw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in call.items()}
    a_kw = {k: ad.tensor(v) if isinstance(v, np.ndarray) else v for k, v in call.items()}
    t_out, t_w = theirs(*t_args, **t_kw)
    a_out, a_w = ours(*a_args, **a_kw)
    np.testing.assert_allclose(_np(a_out), t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert (a_w is None) == (t_w is None)
    t_loss, a_loss = (t_out ** 2).sum(), (a_out ** 2).sum()
    if t_w is not None:
        np.testing.assert_allclose(_np(a_w), t_w.detach().numpy(), rtol=1e-10, atol=1e-12)
        t_loss, a_loss = t_loss + (t_w ** 3).sum(), a_loss + (a_w ** 3).sum()
    t_loss.backward()
    a_loss.backward()
    _compare(ours, theirs, list(zip(a_in, t_in, strict=True)))


ENCODER_CASES = [
    ({}, {}, 0), ({"norm_first": True, "activation": "gelu"}, {}, 0),
    ({"batch_first": True, "bias": False}, {}, 0),
    ({}, {"src_mask": np.where(CAUSAL, -np.inf, 0.0), "is_causal": True}, 0),
    ({"batch_first": True}, {"src_key_padding_mask": PADDING}, 0),
    ({}, {"mask": CAUSAL, "src_key_padding_mask": PADDING}, 2),
    ({"norm_first": True}, {"mask": np.where(CAUSAL, -np.inf, 0.0)}, 3),
]


@pytest.mark.parametrize(("options", "call", "layers"), ENCODER_CASES)
def test_encoder_matches_pytorch(backend: str, options: dict[str, Any], call: dict[str, Any],
                                 layers: int) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    theirs = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                              **options).double()
    ours = ad.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                         **options).double()
    if layers:
        theirs = torch.nn.TransformerEncoder(theirs, layers, norm=torch.nn.LayerNorm(8).double(),
                                             enable_nested_tensor=False)
        ours = ad.nn.TransformerEncoder(ours, layers, norm=ad.nn.LayerNorm(8).double())
    _copy_from_torch(ours, theirs)
    x = RNG.standard_normal((3, 4, 8) if options.get("batch_first") else (4, 3, 8))
    tx, ax = torch.tensor(x, requires_grad=True), ad.tensor(x, requires_grad=True)
    t_kw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in call.items()}
    a_kw = {k: ad.tensor(v) if isinstance(v, np.ndarray) else v for k, v in call.items()}
    t_out, a_out = theirs(tx, **t_kw), ours(ax, **a_kw)
    np.testing.assert_allclose(_np(a_out), t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    (t_out ** 2).sum().backward()
    (a_out ** 2).sum().backward()
    _compare(ours, theirs, [(ax, tx)])


def test_functional_matches_the_module(backend: str) -> None:
    mha = ad.nn.MultiheadAttention(4, 2).double()
    _randomize(mha)
    x = ad.tensor(RNG.standard_normal((3, 2, 4)))
    out, weights = F.multi_head_attention_forward(
        x, x, x, 4, 2, mha.in_proj_weight, mha.in_proj_bias, None, None, False, 0.0,
        mha.out_proj.weight, mha.out_proj.bias)
    want_out, want_weights = mha(x, x, x)
    np.testing.assert_array_equal(_np(out), _np(want_out))
    assert weights is not None and want_weights is not None
    np.testing.assert_array_equal(_np(weights), _np(want_weights))
