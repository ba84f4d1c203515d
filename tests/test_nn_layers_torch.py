"""The layers of ``autodiff.nn`` against PyTorch's (an optional oracle): the same weights
copied across through numpy, then outputs, input gradients, parameter gradients and
buffers compared in float64."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autodiff as ad

torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")

RNG = np.random.default_rng(1818)
TOL = 1e-10


def _pair(name: str, *args: Any, **kwargs: Any) -> tuple[Any, ad.nn.Module]:
    """The same layer in both libraries, float64, PyTorch's parameters drawn afresh
    (normal) and copied into ours by ``load_state_dict`` from numpy."""
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    with torch.no_grad():
        for param in theirs.parameters():
            param.normal_()
    ours = getattr(ad.nn, name)(*args, **kwargs).double()
    result = ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    assert repr(result) == "<All keys matched successfully>"
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)
    return theirs, ours


def _compare(theirs: Any, ours: ad.nn.Module, *arrays: np.ndarray, steps: int = 1) -> None:
    """Forward and backward ``steps`` times on the same inputs; everything compared."""
    for _ in range(steps):
        floats = [a.dtype.kind == "f" for a in arrays]
        t_in = [torch.tensor(a, requires_grad=f) for a, f in zip(arrays, floats, strict=True)]
        a_in = [ad.tensor(a, requires_grad=f) for a, f in zip(arrays, floats, strict=True)]
        t_out, a_out = theirs(*t_in), ours(*a_in)
        if isinstance(t_out, tuple):  # values and indices
            assert a_out[1].numpy().tolist() == t_out[1].numpy().tolist()
            t_out, a_out = t_out[0], a_out[0]
        np.testing.assert_allclose(a_out.detach().numpy(), t_out.detach().numpy(), rtol=TOL,
                                   atol=TOL)
        cot = RNG.standard_normal(tuple(t_out.shape))
        theirs.zero_grad()
        ours.zero_grad()
        if t_out.requires_grad:
            (t_out * torch.tensor(cot)).sum().backward()
            (a_out * ad.tensor(cot)).sum().backward()
        for t, a, f in zip(t_in, a_in, floats, strict=True):
            if f and t.grad is not None:
                np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=TOL, atol=TOL)
        ours_named = dict(ours.named_parameters())
        for name, param in theirs.named_parameters():
            if param.grad is None:
                assert ours_named[name].grad is None, name
                continue
            np.testing.assert_allclose(ours_named[name].grad.numpy(), param.grad.numpy(),
                                       rtol=TOL, atol=TOL, err_msg=name)
        ours_state = ours.state_dict()
        for name, value in theirs.state_dict().items():
            np.testing.assert_allclose(ours_state[name].numpy(), value.numpy(), rtol=TOL,
                                       atol=TOL, err_msg=name)


def _x(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape)


CASES = [
    ("Linear", (3, 4), {}, [(5, 3)]),
    ("Linear", (3, 4), {"bias": False}, [(2, 5, 3)]),
    ("Linear", (3, 1), {}, [(3,)]),
    ("Bilinear", (3, 2, 4), {}, [(5, 3), (5, 2)]),
    ("Bilinear", (2, 2, 3), {"bias": False}, [(4, 2), (4, 2)]),
    ("Identity", (), {}, [(2, 3)]),
    ("Conv1d", (2, 4, 3), {"stride": 2, "padding": 1}, [(2, 2, 9)]),
    ("Conv1d", (4, 4, 3), {"groups": 2, "dilation": 2, "padding": "same",
                           "padding_mode": "circular"}, [(2, 4, 8)]),
    ("Conv1d", (2, 3, 5), {"padding": "same"}, [(2, 7)]),
    ("Conv2d", (3, 4, 3), {"padding": 1}, [(2, 3, 5, 6)]),
    ("Conv2d", (2, 4, (3, 2)), {"stride": (2, 1), "padding": (1, 0), "bias": False},
     [(2, 2, 7, 5)]),
    ("Conv2d", (4, 4, 3), {"groups": 4, "padding": 2, "padding_mode": "reflect"},
     [(1, 4, 5, 5)]),
    ("Conv2d", (2, 3, 3), {"padding": (1, 2), "padding_mode": "replicate", "dilation": 2},
     [(2, 2, 6, 6)]),
    ("Conv2d", (2, 3, (2, 3)), {"padding": "same", "padding_mode": "reflect"}, [(1, 2, 5, 6)]),
    ("Conv2d", (2, 2, 2), {"padding": "valid"}, [(2, 4, 4)]),
    ("Conv3d", (2, 3, 2), {"padding": 1, "stride": (1, 2, 1)}, [(1, 2, 3, 4, 3)]),
    ("ConvTranspose1d", (2, 3, 3), {"stride": 2, "padding": 1, "output_padding": 1},
     [(2, 2, 5)]),
    ("ConvTranspose2d", (4, 2, 3), {"stride": 2, "padding": 1, "output_padding": 1,
                                    "groups": 2}, [(2, 4, 3, 4)]),
    ("ConvTranspose2d", (2, 3, (2, 3)), {"dilation": 2, "bias": False}, [(1, 2, 3, 3)]),
    ("ConvTranspose3d", (2, 2, 2), {"stride": 2}, [(1, 2, 2, 2, 2)]),
    ("MaxPool1d", (3,), {"stride": 2, "padding": 1}, [(2, 3, 9)]),
    ("MaxPool2d", (2,), {}, [(2, 3, 6, 6)]),
    ("MaxPool2d", (3,), {"stride": 2, "padding": 1, "dilation": 2, "ceil_mode": True,
                         "return_indices": True}, [(2, 2, 9, 8)]),
    ("MaxPool3d", (2,), {"return_indices": True}, [(1, 2, 4, 4, 4)]),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}, [(2, 3, 8)]),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, [(2, 2, 8, 7)]),
    ("AvgPool2d", ((2, 3),), {"divisor_override": 4}, [(1, 2, 6, 6)]),
    ("AvgPool3d", (2,), {}, [(1, 2, 4, 4, 4)]),
    ("AdaptiveAvgPool1d", (3,), {}, [(2, 3, 8)]),
    ("AdaptiveAvgPool2d", ((2, 3),), {}, [(2, 3, 7, 5)]),
    ("AdaptiveAvgPool2d", ((None, 2),), {}, [(2, 3, 4, 5)]),
    ("AdaptiveAvgPool3d", (2,), {}, [(1, 2, 3, 4, 5)]),
    ("AdaptiveMaxPool1d", (3,), {"return_indices": True}, [(2, 3, 8)]),
    ("AdaptiveMaxPool2d", ((3, 2),), {"return_indices": True}, [(2, 3, 7, 5)]),
    ("AdaptiveMaxPool2d", (2,), {}, [(2, 3, 4, 5)]),
    ("LayerNorm", (4,), {}, [(2, 3, 4)]),
    ("LayerNorm", ((3, 4),), {"bias": False, "eps": 1e-3}, [(2, 3, 4)]),
    ("LayerNorm", (4,), {"elementwise_affine": False}, [(5, 4)]),
    ("GroupNorm", (2, 4), {}, [(3, 4, 5)]),
    ("GroupNorm", (1, 3), {"affine": False}, [(2, 3, 2, 2)]),
    ("GroupNorm", (3, 6), {"bias": False, "eps": 1e-3}, [(2, 6, 3)]),
    ("RMSNorm", (4,), {}, [(2, 3, 4)]),
    ("RMSNorm", ((3, 4),), {"eps": 1e-6}, [(2, 3, 4)]),
    ("RMSNorm", (4,), {"elementwise_affine": False}, [(5, 4)]),
    ("Flatten", (), {}, [(2, 3, 4)]),
    ("Flatten", (0, -2), {}, [(2, 3, 4)]),
    ("Unflatten", (1, (2, -1)), {}, [(3, 6, 2)]),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "shapes"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_layer_matches_pytorch(backend: str, name: str, args: tuple[Any, ...],
                               kwargs: dict[str, Any], shapes: list[tuple[int, ...]]) -> None:
    theirs, ours = _pair(name, *args, **kwargs)
    _compare(theirs, ours, *(_x(*shape) for shape in shapes))


@pytest.mark.parametrize(("name", "kwargs", "shape"), [
    ("BatchNorm1d", {}, (6, 3)),
    ("BatchNorm1d", {"momentum": None}, (4, 3, 5)),
    ("BatchNorm1d", {"affine": False, "eps": 1e-3}, (4, 3)),
    ("BatchNorm1d", {"track_running_stats": False}, (4, 3, 2)),
    ("BatchNorm1d", {"bias": False, "momentum": 0.3}, (4, 3)),
    ("BatchNorm2d", {}, (4, 3, 2, 5)),
    ("BatchNorm2d", {"momentum": None, "affine": False}, (2, 3, 3, 3)),
    ("BatchNorm3d", {}, (2, 3, 2, 2, 2)),
])
def test_batchnorm_matches_pytorch(backend: str, name: str, kwargs: dict[str, Any],
                                   shape: tuple[int, ...]) -> None:
    theirs, ours = _pair(name, 3, **kwargs)
    for _ in range(3):  # training steps move the running statistics alike
        _compare(theirs, ours, _x(*shape) * 2 + 1)
    theirs.eval()
    ours.eval()
    _compare(theirs, ours, _x(*shape))


def test_conv_transpose_output_size_matches_pytorch(backend: str) -> None:
    theirs, ours = _pair("ConvTranspose2d", 2, 3, 3, stride=3, padding=1)
    x = _x(1, 2, 3, 4)
    for size in ([7, 10], [9, 12], (1, 3, 8, 11)):
        got = ours(ad.tensor(x), output_size=size)
        want = theirs(torch.tensor(x), output_size=size)
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=TOL,
                                   atol=TOL)


@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 1}, {"padding_idx": -2},
                                    {"max_norm": 1.0}, {"max_norm": 2.0, "norm_type": 1.0}])
def test_embedding_matches_pytorch(backend: str, kwargs: dict[str, Any]) -> None:
    theirs, ours = _pair("Embedding", 7, 3, **kwargs)
    _compare(theirs, ours, RNG.integers(0, 7, (4, 5)))  # max_norm renormalizes in place


def test_embedding_from_pretrained_matches_pytorch(backend: str) -> None:
    table = _x(5, 2)
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(table), freeze=False, padding_idx=0)
    ours = ad.nn.Embedding.from_pretrained(ad.tensor(table), freeze=False, padding_idx=0)
    assert repr(ours) == repr(theirs)
    _compare(theirs, ours, np.array([[0, 4, 1], [0, 0, 3]]))


@pytest.mark.parametrize("name", ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d",
                                  "AlphaDropout", "FeatureAlphaDropout"])
def test_dropout_in_eval_matches_pytorch(backend: str, name: str) -> None:
    theirs, ours = _pair(name, 0.3)
    theirs.eval()
    ours.eval()
    shape = {"Dropout1d": (2, 3, 4), "Dropout2d": (2, 3, 4, 2)}.get(name, (2, 3, 4, 2, 2))
    _compare(theirs, ours, _x(*shape))


def test_a_small_cnn_matches_pytorch(backend: str) -> None:
    def build(nn: Any) -> Any:
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.MaxPool2d(2),
                             nn.Dropout(0.0), nn.Flatten(), nn.Linear(36, 5), nn.LayerNorm(5))
    theirs = build(torch.nn).double()
    ours = build(ad.nn).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    assert repr(ours) == repr(theirs)
    _compare(theirs, ours, _x(3, 1, 6, 6), steps=2)
    theirs.eval()
    ours.eval()
    _compare(theirs, ours, _x(2, 1, 6, 6))
