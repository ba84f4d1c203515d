"""Layers as objects: deepcopy, pickle, moving between backends and dtypes, and the
parameters an optimizer would see."""

from __future__ import annotations

import copy
import pickle

import numpy as np

import autodiff as ad

nn = ad.nn


def _net() -> nn.Module:
    ad.manual_seed(5)
    return nn.Sequential(nn.Conv2d(1, 3, 3, padding=1, padding_mode="circular"),
                         nn.BatchNorm2d(3), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5),
                         nn.Linear(12, 4), nn.LayerNorm(4), nn.Unflatten(1, (2, 2)))


def _values(module: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def test_deepcopy_and_pickle_keep_the_layers(backend: str) -> None:
    net = _net()
    net(ad.ones(2, 1, 4, 4))  # moves the batch-norm statistics
    x = ad.tensor(np.random.default_rng(0).standard_normal((2, 1, 4, 4)), dtype=ad.float32)
    net.eval()
    want = net(x).detach().numpy()
    for twin in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert repr(twin) == repr(net)
        np.testing.assert_array_equal(twin(x).detach().numpy(), want)
        for key, value in _values(net).items():
            np.testing.assert_array_equal(_values(twin)[key], value)
        assert twin[0].weight is not net[0].weight


def test_to_casts_parameters_and_float_buffers(backend: str) -> None:
    net = _net().double()
    bn = net[1]
    assert net[0].weight.dtype == ad.float64 and bn.running_mean.dtype == ad.float64
    assert bn.num_batches_tracked.dtype == ad.int64  # integer buffers are left alone
    out = net(ad.ones(2, 1, 4, 4, dtype=ad.float64))
    assert out.dtype == ad.float64 and out.shape == (2, 2, 2)


def test_a_model_moves_to_another_backend(backend: str) -> None:
    other = "numpy" if backend != "numpy" else "array_api_strict"
    net = _net()
    state = _values(net)
    net.to(other)
    assert {t.backend for t in net.state_dict().values()} == {other}
    with ad.use_backend(other):
        assert net.eval()(ad.ones(1, 1, 4, 4)).backend == other
    for key, value in _values(net).items():
        np.testing.assert_array_equal(value, state[key])


def test_parameters_in_registration_order(backend: str) -> None:
    names = [name for name, _ in _net().named_parameters()]
    assert names == ["0.weight", "0.bias", "1.weight", "1.bias", "5.weight", "5.bias",
                     "6.weight", "6.bias"]
    frozen = nn.Embedding.from_pretrained(ad.ones(3, 2))
    assert [p.requires_grad for p in frozen.parameters()] == [False]


def test_linear_reads_a_swapped_weight(backend: str) -> None:
    # weight norm and parametrizations replace the parameter by a plain tensor attribute
    layer = nn.Linear(2, 1, bias=False)
    del layer.weight
    layer.weight = ad.tensor([[2.0, 3.0]])
    assert layer(ad.ones(1, 2)).tolist() == [[5.0]]
    assert list(layer.state_dict()) == []
