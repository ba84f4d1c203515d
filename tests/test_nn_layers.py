"""The layers of ``autodiff.nn`` without PyTorch: forwards against numpy references,
gradients against central differences, initialisations, batch-norm statistics,
train/eval, state_dict names, repr strings and errors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from conformance.cases_conv import (
    adaptive_ref,
    avg_pool_ref,
    conv_ref,
    conv_transpose_ref,
    max_pool_ref,
)

import autodiff as ad
from autodiff.testing import gradcheck

nn = ad.nn
RNG = np.random.default_rng(18)


def _t(a: Any, grad: bool = False) -> ad.Tensor:
    return ad.tensor(np.asarray(a), requires_grad=grad)


def _np(t: ad.Tensor) -> np.ndarray:
    return t.detach().numpy()


def _close(got: Any, want: np.ndarray, tol: float = 1e-10) -> None:
    got = _np(got) if isinstance(got, ad.Tensor) else np.asarray(got)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def _load(module: nn.Module, **arrays: np.ndarray) -> nn.Module:
    """float64 parameters from numpy, by state_dict name."""
    module.double()
    state = {k: _np(v) for k, v in module.state_dict().items()}
    state.update(arrays)
    module.load_state_dict(state)
    return module


def _randomize(module: nn.Module) -> nn.Module:
    """float64, every parameter drawn anew (so that weights 1 and biases 0 test nothing
    by accident)."""
    module.double()
    return _load(module, **{name: RNG.standard_normal(p.shape)
                            for name, p in module.named_parameters()})


def _check_parameter_grads(module: nn.Module, *inputs: ad.Tensor, eps: float = 1e-6) -> None:
    """Each parameter's gradient against a central difference along a random direction."""
    outputs = module(*inputs)
    out = outputs[0] if isinstance(outputs, tuple) else outputs
    cot = _t(RNG.standard_normal(out.shape))
    module.zero_grad()
    (out * cot).sum().backward()

    def loss() -> float:
        result = module(*inputs)
        result = result[0] if isinstance(result, tuple) else result
        return float((result * cot).sum())

    for name, param in module.named_parameters():
        direction = RNG.standard_normal(param.shape)
        with ad.no_grad():
            param.add_(_t(direction) * eps)
            up = loss()
            param.sub_(_t(direction) * (2 * eps))
            down = loss()
            param.add_(_t(direction) * eps)
        assert param.grad is not None, name
        want = (up - down) / (2 * eps)
        got = float((param.grad * _t(direction)).sum())
        assert math.isclose(got, want, rel_tol=1e-5, abs_tol=1e-7), (name, got, want)


# -- forwards against numpy ------------------------------------------------------------
def test_identity_and_flatten(backend: str) -> None:
    x = RNG.standard_normal((2, 3, 4, 5))
    _close(nn.Identity(3, foo=1)(_t(x)), x)
    _close(nn.Flatten()(_t(x)), x.reshape(2, 60))
    _close(nn.Flatten(1, 2)(_t(x)), x.reshape(2, 12, 5))
    _close(nn.Unflatten(1, (1, 3))(_t(x)), x.reshape(2, 1, 3, 4, 5))
    _close(nn.Unflatten(-1, [5, -1])(_t(x)), x.reshape(2, 3, 4, 5, 1))


@pytest.mark.parametrize("bias", [True, False])
def test_linear(backend: str, bias: bool) -> None:
    w, b, x = RNG.standard_normal((4, 3)), RNG.standard_normal(4), RNG.standard_normal((2, 5, 3))
    layer = _load(nn.Linear(3, 4, bias=bias), weight=w, **({"bias": b} if bias else {}))
    _close(layer(_t(x)), x @ w.T + (b if bias else 0))
    _check_parameter_grads(layer, _t(x))
    assert gradcheck(layer, (_t(x[0], grad=True),))


def test_bilinear(backend: str) -> None:
    layer = _randomize(nn.Bilinear(3, 2, 4))
    x1, x2 = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2))
    w, b = _np(layer.weight), _np(layer.bias)
    _close(layer(_t(x1), _t(x2)), np.einsum("ni,kij,nj->nk", x1, w, x2) + b)
    _check_parameter_grads(layer, _t(x1), _t(x2))
    assert gradcheck(layer, (_t(x1, grad=True), _t(x2, grad=True)))


@pytest.mark.parametrize(("mode", "numpy_mode"), [("zeros", "constant"), ("reflect", "reflect"),
                                                  ("replicate", "edge"), ("circular", "wrap")])
def test_conv2d_padding_modes(backend: str, mode: str, numpy_mode: str) -> None:
    conv = _randomize(nn.Conv2d(4, 6, (3, 2), padding=(2, 1), dilation=(1, 2), groups=2,
                                padding_mode=mode))
    x = RNG.standard_normal((2, 4, 5, 6))
    padded = np.pad(x, [(0, 0), (0, 0), (2, 2), (1, 1)], mode=numpy_mode)
    want = conv_ref(padded, _np(conv.weight), _np(conv.bias), 1, 0, (1, 2), 2)
    _close(conv(_t(x)), want)
    _check_parameter_grads(conv, _t(x))


@pytest.mark.parametrize("padding", ["same", "valid", 1])
def test_conv1d_and_3d(backend: str, padding: Any) -> None:
    conv = _randomize(nn.Conv1d(2, 3, 4, padding=padding, bias=False))
    x = RNG.standard_normal((2, 2, 7))
    pads = {"same": [(1, 2)], "valid": 0, 1: 1}[padding]
    _close(conv(_t(x)), conv_ref(x, _np(conv.weight), None, padding=pads))
    conv3 = _randomize(nn.Conv3d(2, 2, 2, stride=(1, 2, 1), padding=padding if padding != "same"
                                 else 0))
    x3 = RNG.standard_normal((1, 2, 3, 4, 3))
    _close(conv3(_t(x3)), conv_ref(x3, _np(conv3.weight), _np(conv3.bias), (1, 2, 1),
                                   0 if padding != 1 else 1))
    assert gradcheck(conv, (_t(x, grad=True),))


def test_conv_transpose(backend: str) -> None:
    up = _randomize(nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1,
                                       groups=2, dilation=(1, 2)))
    x = RNG.standard_normal((2, 4, 3, 2))
    want = conv_transpose_ref(x, _np(up.weight), _np(up.bias), 2, 1, 1, 2, (1, 2))
    _close(up(_t(x)), want)
    _check_parameter_grads(up, _t(x))
    up1 = _randomize(nn.ConvTranspose1d(2, 1, 3, stride=3))
    x1 = RNG.standard_normal((1, 2, 4))
    for size, extra in ((None, 0), ([13], 1), ((1, 1, 14), 2)):
        got = up1(_t(x1), output_size=size)
        _close(got, conv_transpose_ref(x1, _np(up1.weight), _np(up1.bias), 3, 0, extra))
    assert gradcheck(up1, (_t(x1, grad=True),))


def test_pooling(backend: str) -> None:
    x = RNG.standard_normal((2, 3, 7, 6))
    values, indices = nn.MaxPool2d(3, stride=2, padding=1, return_indices=True)(_t(x))
    want, where = max_pool_ref(x, 3, 2, 1, indices=True)
    _close(values, want)
    assert indices.tolist() == where.tolist()
    _close(nn.MaxPool2d((2, 3), dilation=(2, 1), ceil_mode=True)(_t(x)),
           max_pool_ref(x, (2, 3), None, 0, (2, 1), ceil_mode=True))
    _close(nn.MaxPool1d(2, 1)(_t(x[0])), max_pool_ref(x[0], 2, 1))
    _close(nn.AvgPool2d(3, 2, 1, count_include_pad=False)(_t(x)),
           avg_pool_ref(x, 3, 2, 1, count_include_pad=False))
    _close(nn.AvgPool2d(2, ceil_mode=True, divisor_override=3)(_t(x)),
           avg_pool_ref(x, 2, ceil_mode=True, divisor_override=3))
    _close(nn.AvgPool1d(3, stride=2, padding=1)(_t(x[0])), avg_pool_ref(x[0], 3, 2, 1))
    _close(nn.AdaptiveAvgPool2d((4, 5))(_t(x)), adaptive_ref(x, (4, 5), np.mean))
    _close(nn.AdaptiveAvgPool1d(4)(_t(x[0])), adaptive_ref(x[0], 4, np.mean))
    _close(nn.AdaptiveMaxPool2d(3)(_t(x)), adaptive_ref(x, 3, np.max))
    assert nn.AdaptiveAvgPool2d((None, 2))(_t(x)).shape == (2, 3, 7, 2)
    assert gradcheck(nn.MaxPool2d(2), (_t(x, grad=True),))
    assert gradcheck(nn.AdaptiveAvgPool2d(3), (_t(x, grad=True),))


def _norm_ref(x: np.ndarray, axes: tuple[int, ...], eps: float) -> np.ndarray:
    mean = x.mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)


def test_layer_group_rms_norm(backend: str) -> None:
    x = RNG.standard_normal((2, 4, 3))
    ln = _randomize(nn.LayerNorm((4, 3), eps=1e-3))
    _close(ln(_t(x)), _norm_ref(x, (1, 2), 1e-3) * _np(ln.weight) + _np(ln.bias))
    _check_parameter_grads(ln, _t(x))
    _close(nn.LayerNorm(3, elementwise_affine=False)(_t(x)), _norm_ref(x, (2,), 1e-5))
    gn = _randomize(nn.GroupNorm(2, 4))
    grouped = _norm_ref(x.reshape(2, 2, 6), (2,), 1e-5).reshape(x.shape)
    _close(gn(_t(x)), grouped * _np(gn.weight)[:, None] + _np(gn.bias)[:, None])
    _check_parameter_grads(gn, _t(x))
    rms = _randomize(nn.RMSNorm(3, eps=1e-4))
    want = x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + 1e-4) * _np(rms.weight)
    _close(rms(_t(x)), want)
    _check_parameter_grads(rms, _t(x))
    assert gradcheck(gn, (_t(x, grad=True),))


# -- batch norm ------------------------------------------------------------------------
@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
def test_batchnorm_running_statistics(backend: str, momentum: float | None) -> None:
    bn = _randomize(nn.BatchNorm2d(3, momentum=momentum, eps=1e-3))
    mean, var = np.zeros(3), np.ones(3)
    for step in range(1, 4):
        x = RNG.standard_normal((4, 3, 2, 5)) * 3 + step
        y = bn(_t(x))
        want = _norm_ref(x, (0, 2, 3), 1e-3) * _np(bn.weight)[:, None, None] \
            + _np(bn.bias)[:, None, None]
        _close(y, want)
        factor = 1 / step if momentum is None else momentum
        mean = (1 - factor) * mean + factor * x.mean(axis=(0, 2, 3))
        var = (1 - factor) * var + factor * x.var(axis=(0, 2, 3), ddof=1)  # unbiased
    _close(bn.running_mean, mean)
    _close(bn.running_var, var)
    assert bn.num_batches_tracked.item() == 3
    assert bn.running_mean.grad_fn is None and not bn.running_mean.requires_grad
    x = RNG.standard_normal((2, 3, 2, 2))
    want = (x - mean[:, None, None]) / np.sqrt(var[:, None, None] + 1e-3)
    _close(bn.eval()(_t(x)), want * _np(bn.weight)[:, None, None]
           + _np(bn.bias)[:, None, None])
    _close(bn.running_mean, mean)  # evaluation leaves the statistics alone
    assert bn.num_batches_tracked.item() == 3


def test_batchnorm_options(backend: str) -> None:
    x = RNG.standard_normal((5, 3, 4))
    free = nn.BatchNorm1d(3, affine=False, track_running_stats=False).double()
    assert free.running_mean is None and list(free.state_dict()) == []
    _close(free(_t(x)), _norm_ref(x, (0, 2), 1e-5))
    _close(free.eval()(_t(x)), _norm_ref(x, (0, 2), 1e-5))  # no statistics: the batch's
    bn = _randomize(nn.BatchNorm1d(3))
    _check_parameter_grads(bn, _t(x[:, :, 0]))
    assert gradcheck(bn, (_t(x, grad=True),))
    bn.eval()
    assert gradcheck(bn, (_t(x, grad=True),))
    bn.reset_running_stats()
    assert bn.running_var.tolist() == [1.0, 1.0, 1.0] and bn.num_batches_tracked.item() == 0


def test_batchnorm_loads_a_checkpoint_without_the_counter(backend: str) -> None:
    bn = nn.BatchNorm1d(2)
    state = {k: _np(v) for k, v in bn.state_dict().items() if k != "num_batches_tracked"}
    assert repr(bn.load_state_dict(state)) == "<All keys matched successfully>"
    assert "num_batches_tracked" not in state  # the caller's dict is left as it was


# -- embedding -------------------------------------------------------------------------
def test_embedding(backend: str) -> None:
    emb = _randomize(nn.Embedding(6, 3, padding_idx=2))
    idx = np.array([[0, 2, 5], [2, 2, 1]])
    _close(emb(_t(idx)), _np(emb.weight)[idx])
    emb(_t(idx)).sum().backward()
    counts = np.bincount(idx.ravel(), minlength=6).astype(float)
    counts[2] = 0.0  # the padding row gets no gradient
    _close(emb.weight.grad, np.repeat(counts[:, None], 3, axis=1))
    fresh = nn.Embedding(6, 3, padding_idx=-1)
    assert fresh.padding_idx == 5 and fresh.weight[5].tolist() == [0.0, 0.0, 0.0]
    table = RNG.standard_normal((4, 2)) * 5
    capped = nn.Embedding.from_pretrained(_t(table), max_norm=1.0)
    out = capped(_t([1, 3]))
    norms = np.linalg.norm(_np(out), axis=1)
    assert np.all(norms <= 1.0 + 1e-6) and not capped.weight.requires_grad
    _close(capped.weight[0], table[0])  # rows not looked up keep their norm
    assert nn.Embedding.from_pretrained(_t(table), freeze=False).weight.requires_grad


# -- dropout ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Dropout", "Dropout1d", "Dropout2d", "AlphaDropout"])
def test_dropout_respects_training(backend: str, name: str) -> None:
    layer = getattr(nn, name)(0.4)
    x = RNG.standard_normal((4, 6, 5) if name != "Dropout2d" else (4, 6, 5, 2)) + 3
    _close(layer.eval()(_t(x)), x)
    ad.manual_seed(0)
    y = layer.train()(_t(x)).detach().numpy()
    assert not np.allclose(y, x)
    if name == "Dropout":
        kept = y != 0
        _close(y[kept], x[kept] / 0.6)
        assert 0.4 < kept.mean() < 0.8
    elif name in ("Dropout1d", "Dropout2d"):
        features = (-1,) if name == "Dropout1d" else (-2, -1)
        dropped = np.all(y == 0, axis=features)
        assert np.all(dropped | np.all(y != 0, axis=features))
        assert dropped.any() and not dropped.all()


# -- initialisation --------------------------------------------------------------------
@pytest.mark.parametrize(("layer", "fan_in"), [
    (lambda: nn.Linear(50, 40), 50), (lambda: nn.Conv2d(6, 30, 3, groups=2), 27),
    (lambda: nn.Conv1d(4, 50, 5), 20), (lambda: nn.ConvTranspose2d(8, 20, 2, groups=2), 40),
])
def test_default_initialisation_bounds(backend: str, layer: Any, fan_in: int) -> None:
    module = layer()
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)) gives the same bound
    for param in (module.weight, module.bias):
        values = _np(param)
        assert np.all(np.abs(values) <= bound)
        assert np.abs(values).max() > 0.8 * bound  # the range used, not a narrower one
    weights = _np(module.weight).ravel()
    assert abs(weights.mean()) < 0.1 * bound
    assert abs(weights.var() - bound ** 2 / 3) < 0.15 * bound ** 2 / 3


def test_other_initialisations(backend: str) -> None:
    bilinear = nn.Bilinear(25, 3, 40)
    assert np.abs(_np(bilinear.weight)).max() <= 1 / 5
    assert np.abs(_np(bilinear.bias)).max() <= 1 / 5
    emb = _np(nn.Embedding(200, 50).weight)
    assert abs(emb.mean()) < 0.03 and abs(emb.std() - 1) < 0.03
    for norm in (nn.BatchNorm2d(3), nn.LayerNorm(3), nn.GroupNorm(1, 3), nn.RMSNorm(3)):
        assert norm.weight.tolist() == [1.0] * 3
        if getattr(norm, "bias", None) is not None:
            assert norm.bias.tolist() == [0.0] * 3
    ad.manual_seed(3)
    first = nn.Linear(3, 2).weight.tolist()
    ad.manual_seed(3)
    assert nn.Linear(3, 2).weight.tolist() == first
    layer = nn.Linear(3, 2)
    before = layer.weight.tolist()
    layer.reset_parameters()
    assert layer.weight.tolist() != before


def test_factory_kwargs(backend: str) -> None:
    for module in (nn.Linear(2, 3, dtype=ad.float64), nn.Conv2d(1, 1, 1, dtype=ad.float64),
                   nn.BatchNorm1d(2, dtype=ad.float64), nn.Embedding(2, 2, dtype=ad.float64),
                   nn.LayerNorm(2, dtype=ad.float64, device="cpu")):
        assert {p.dtype for p in module.parameters()} == {ad.float64}
    bn = nn.BatchNorm1d(2, dtype=ad.float64)
    assert bn.running_mean.dtype == ad.float64 and bn.num_batches_tracked.dtype == ad.int64
    assert nn.Linear(2, 3).weight.dtype == ad.float32


# -- names, repr, errors ---------------------------------------------------------------
STATE_KEYS = [
    (lambda: nn.Linear(3, 2, bias=False), ["weight"]),
    (lambda: nn.Conv2d(1, 2, 3), ["weight", "bias"]),
    (lambda: nn.BatchNorm2d(2), ["weight", "bias", "running_mean", "running_var",
                                 "num_batches_tracked"]),
    (lambda: nn.BatchNorm1d(2, affine=False), ["running_mean", "running_var",
                                               "num_batches_tracked"]),
    (lambda: nn.LayerNorm(2, bias=False), ["weight"]),
    (lambda: nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(),
                           nn.Embedding(3, 2)),
     ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
      "1.num_batches_tracked", "3.weight"]),
]


@pytest.mark.parametrize(("make", "keys"), STATE_KEYS)
def test_state_dict_keys(backend: str, make: Any, keys: list[str]) -> None:
    assert list(make().state_dict()) == keys


REPRS = [
    (lambda: nn.Linear(3, 2), "Linear(in_features=3, out_features=2, bias=True)"),
    (lambda: nn.Conv2d(4, 8, (3, 5), padding="same", dilation=2, groups=2, bias=False,
                       padding_mode="reflect"),
     "Conv2d(4, 8, kernel_size=(3, 5), stride=(1, 1), padding=same, dilation=(2, 2), "
     "groups=2, bias=False, padding_mode=reflect)"),
    (lambda: nn.ConvTranspose1d(2, 3, 3, stride=2, output_padding=1),
     "ConvTranspose1d(2, 3, kernel_size=(3,), stride=(2,), output_padding=(1,))"),
    (lambda: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
     "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)"),
    (lambda: nn.AvgPool1d(3, stride=2), "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(0,))"),
    (lambda: nn.AdaptiveAvgPool2d((None, 2)), "AdaptiveAvgPool2d(output_size=(None, 2))"),
    (lambda: nn.BatchNorm2d(4, eps=1e-3, momentum=None, affine=False),
     "BatchNorm2d(4, eps=0.001, momentum=None, affine=False, bias=False, "
     "track_running_stats=True)"),
    (lambda: nn.LayerNorm((3, 4), eps=1e-6),
     "LayerNorm((3, 4), eps=1e-06, elementwise_affine=True, bias=True)"),
    (lambda: nn.GroupNorm(2, 4, affine=False),
     "GroupNorm(2, 4, eps=1e-05, affine=False, bias=False)"),
    (lambda: nn.RMSNorm(4), "RMSNorm((4,), eps=None, elementwise_affine=True)"),
    (lambda: nn.Embedding(10, 3, padding_idx=-1, max_norm=1.0, norm_type=1.0),
     "Embedding(10, 3, padding_idx=9, max_norm=1.0, norm_type=1.0)"),
    (lambda: nn.Dropout2d(0.3, True), "Dropout2d(p=0.3, inplace=True)"),
    (lambda: nn.Unflatten(1, (2, 3)), "Unflatten(dim=1, unflattened_size=(2, 3))"),
    (lambda: nn.Sequential(nn.Flatten(), nn.Identity()),
     "Sequential(\n  (0): Flatten(start_dim=1, end_dim=-1)\n  (1): Identity()\n)"),
]


@pytest.mark.parametrize(("make", "text"), REPRS)
def test_repr(backend: str, make: Any, text: str) -> None:
    assert repr(make()) == text


def test_errors(backend: str) -> None:
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="groups must be a positive integer"):
        nn.Conv1d(3, 3, 3, groups=0)
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="Invalid padding string 'full'"):
        nn.Conv1d(1, 1, 3, padding="full")
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for '
                                         "ConvTranspose2d"):
        nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match=r"requested an output size of \[20\], but valid "
                                         r"sizes range from \[9\] to \[10\]"):
        nn.ConvTranspose1d(1, 1, 3, stride=2)(ad.ones(1, 1, 4), output_size=[20])
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(2)(ad.ones(2, 2, 3))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(2)(ad.ones(2, 2, 3, 1))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        nn.BatchNorm1d(2)(ad.ones(1, 2))
    with pytest.raises(ValueError, match=r"num_channels \(5\) must be divisible by "
                                         r"num_groups \(2\)"):
        nn.GroupNorm(2, 5)
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(3, 2, padding_idx=3)
    with pytest.raises(AssertionError, match="expected to be 2-dimensional"):
        nn.Embedding.from_pretrained(ad.ones(3))
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, "
                                         "but got 1.5"):
        nn.Dropout(1.5)
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints, but found "
                                        "element of type float at pos 1"):
        nn.Unflatten(1, (2, 3.0))
    with pytest.raises(TypeError, match="unflattened_size must be a tuple of ints, but found "
                                        "type int"):
        nn.Unflatten(1, 6)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                                           r"\(2x4 and 3x2\)"):
        nn.Linear(3, 2)(ad.ones(2, 4))
