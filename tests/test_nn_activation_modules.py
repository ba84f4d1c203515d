"""The activation modules of ``autodiff.nn``: each equals its functional op (options
passed through), prints PyTorch's repr, and gives PyTorch's output and gradient."""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff as ad

F = ad.nn.functional
nn = ad.nn

# (class name, constructor kwargs, the functional op with the same options)
CASES: list[tuple[str, dict[str, Any], Callable[[ad.Tensor], ad.Tensor]]] = [
    ("ReLU", {}, F.relu),
    ("ReLU6", {}, F.relu6),
    ("LeakyReLU", {}, F.leaky_relu),
    ("LeakyReLU", {"negative_slope": 0.2}, lambda x: F.leaky_relu(x, 0.2)),
    ("RReLU", {}, F.rrelu),  # eval mode in this table: the mean slope
    ("RReLU", {"lower": 0.1, "upper": 0.5}, lambda x: F.rrelu(x, 0.1, 0.5)),
    ("ELU", {"alpha": 0.5}, lambda x: F.elu(x, 0.5)),
    ("CELU", {"alpha": 2.0}, lambda x: F.celu(x, 2.0)),
    ("SELU", {}, F.selu),
    ("GELU", {}, F.gelu),
    ("GELU", {"approximate": "tanh"}, lambda x: F.gelu(x, approximate="tanh")),
    ("SiLU", {}, F.silu),
    ("Mish", {}, F.mish),
    ("Sigmoid", {}, F.sigmoid),
    ("Tanh", {}, F.tanh),
    ("Softplus", {"beta": 2.0, "threshold": 1.0}, lambda x: F.softplus(x, 2.0, 1.0)),
    ("Softsign", {}, F.softsign),
    ("Softshrink", {"lambd": 0.3}, lambda x: F.softshrink(x, 0.3)),
    ("Hardshrink", {}, F.hardshrink),
    ("Hardtanh", {"min_val": -0.5, "max_val": 0.7}, lambda x: F.hardtanh(x, -0.5, 0.7)),
    ("Hardsigmoid", {}, F.hardsigmoid),
    ("Hardswish", {}, F.hardswish),
    ("Tanhshrink", {}, F.tanhshrink),
    ("Threshold", {"threshold": 0.1, "value": -3.0}, lambda x: F.threshold(x, 0.1, -3.0)),
    ("LogSigmoid", {}, F.logsigmoid),
    ("GLU", {}, F.glu),
    ("GLU", {"dim": 1}, lambda x: F.glu(x, 1)),
    ("Softmax", {"dim": 1}, lambda x: F.softmax(x, 1)),
    ("Softmax", {}, F.softmax),  # PyTorch's implicit dim: 1 of a 4D input
    ("Softmin", {"dim": -1}, lambda x: F.softmin(x, -1)),
    ("LogSoftmax", {"dim": 0}, lambda x: F.log_softmax(x, 0)),
    ("LogSoftmax", {}, F.log_softmax),
    ("Softmax2d", {}, lambda x: F.softmax(x, -3)),
    # the weight is made in float32, as the module's, then moved to float64 with it
    ("PReLU", {}, lambda x: F.prelu(x, ad.astype(ad.full((1,), 0.25), x.dtype))),
    ("PReLU", {"num_parameters": 4, "init": 0.1},
     lambda x: F.prelu(x, ad.astype(ad.full((4,), 0.1), x.dtype))),
]
IDS = [f"{name}-{'-'.join(map(str, kwargs.values())) or 'default'}" for name, kwargs, _ in CASES]
#: every class takes an input of this shape: GLU halves dims 1 and -1, PReLU has 4 channels
SHAPE = (2, 4, 3, 2)
ALL = ["CELU", "ELU", "GELU", "GLU", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh",
       "LeakyReLU", "LogSigmoid", "LogSoftmax", "Mish", "PReLU", "RReLU", "ReLU", "ReLU6",
       "SELU", "SiLU", "Sigmoid", "Softmax", "Softmax2d", "Softmin", "Softplus", "Softshrink",
       "Softsign", "Tanh", "Tanhshrink", "Threshold"]


def _input(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(SHAPE) * 2.0


def _module(name: str, kwargs: dict[str, Any]) -> ad.nn.Module:
    module = getattr(nn, name)(**kwargs)
    module.to(ad.float64)
    return module.eval()


def test_every_activation_is_exported_and_covered() -> None:
    assert {name for name, _, _ in CASES} == set(ALL)
    for name in ALL:
        cls = getattr(nn, name)
        assert name in nn.__all__ and cls is getattr(ad.nn.modules, name)
        assert issubclass(cls, nn.Module) and cls.__doc__
        assert "__init__" in vars(cls) and "forward" in vars(cls) or cls is nn.ReLU6


@pytest.mark.parametrize("name, kwargs, functional", CASES, ids=IDS)
def test_module_equals_its_functional_op(backend: str, name: str, kwargs: dict[str, Any],
                                         functional: Callable[[ad.Tensor], ad.Tensor]) -> None:
    x = ad.tensor(_input(), requires_grad=True)
    x2 = ad.tensor(_input(), requires_grad=True)
    got, want = _module(name, kwargs)(x), functional(x2)
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
    weights = ad.tensor(np.random.default_rng(1).standard_normal(tuple(got.shape)))
    (got * weights).sum().backward()
    (want * weights).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), x2.grad.numpy())


INPLACE = ["ReLU", "ReLU6", "LeakyReLU", "RReLU", "ELU", "SELU", "SiLU", "Mish", "Hardtanh",
           "Hardsigmoid", "Hardswish", "CELU"]


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_writes_into_the_input(backend: str, name: str) -> None:
    x = ad.tensor(_input())
    want = _module(name, {})(x)
    out = _module(name, {"inplace": True})(x)
    assert out is x
    np.testing.assert_array_equal(x.numpy(), want.numpy())
    # PyTorch prints the option for each of them but these two
    printed = "inplace=True" in repr(_module(name, {"inplace": True}))
    assert printed is (name not in ("Hardsigmoid", "Hardswish"))


def test_threshold_inplace(backend: str) -> None:
    x = ad.tensor([0.0, 1.0])
    assert nn.Threshold(0.5, 9.0, inplace=True)(x) is x
    assert x.tolist() == [9.0, 1.0]


def test_rrelu_draws_slopes_in_training_only(backend: str) -> None:
    x = ad.tensor(-np.ones(1000))
    m = nn.RReLU(0.1, 0.3)
    ad.manual_seed(3)
    got = m(x)
    ad.manual_seed(3)
    want = F.rrelu(x, 0.1, 0.3, training=True)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    slopes = -got.numpy()
    assert 0.1 <= slopes.min() < slopes.max() <= 0.3 and np.unique(slopes).size > 900
    np.testing.assert_allclose(m.eval()(x).numpy(), -0.2)


def test_prelu_weight_is_a_parameter(backend: str) -> None:
    m = nn.PReLU(3, init=0.5, dtype=ad.float64)
    assert isinstance(m.weight, nn.Parameter) and m.weight.requires_grad
    assert [name for name, _ in m.named_parameters()] == ["weight"]
    assert list(m.state_dict()) == ["weight"] and m.weight.dtype == ad.float64
    assert m.weight.tolist() == [0.5, 0.5, 0.5] and (m.num_parameters, m.init) == (3, 0.5)
    x = ad.tensor([[-2.0, -4.0, 1.0]], dtype=ad.float64)
    m(x).sum().backward()
    assert m.weight.grad.tolist() == [-2.0, -4.0, 0.0]
    with ad.no_grad():
        m.weight.fill_(1.0)
    m.reset_parameters()
    assert m.weight.tolist() == [0.5, 0.5, 0.5]


def test_prelu_loads_a_state_dict(backend: str) -> None:
    m = nn.PReLU(2)
    m.load_state_dict({"weight": np.array([0.1, 0.2], dtype=np.float32)})
    np.testing.assert_allclose(m(ad.tensor([[-10.0, -10.0]])).detach().numpy(),
                               [[-1.0, -2.0]], rtol=1e-6)


REPRS = [
    ("ReLU", {}, "ReLU()"),
    ("ReLU", {"inplace": True}, "ReLU(inplace=True)"),
    ("ReLU6", {}, "ReLU6()"),
    ("LeakyReLU", {}, "LeakyReLU(negative_slope=0.01)"),
    ("LeakyReLU", {"negative_slope": 0.2, "inplace": True},
     "LeakyReLU(negative_slope=0.2, inplace=True)"),
    ("RReLU", {}, f"RReLU(lower={1 / 8}, upper={1 / 3})"),
    ("ELU", {}, "ELU(alpha=1.0)"),
    ("CELU", {"alpha": 2}, "CELU(alpha=2)"),
    ("SELU", {"inplace": True}, "SELU(inplace=True)"),
    ("GELU", {}, "GELU(approximate='none')"),
    ("Hardtanh", {}, "Hardtanh(min_val=-1.0, max_val=1.0)"),
    ("Hardshrink", {}, "Hardshrink(0.5)"),
    ("Softshrink", {"lambd": 0.3}, "Softshrink(0.3)"),
    ("Softplus", {}, "Softplus(beta=1.0, threshold=20.0)"),
    ("Threshold", {"threshold": 0.1, "value": 20}, "Threshold(threshold=0.1, value=20)"),
    ("Softmax", {"dim": 1}, "Softmax(dim=1)"),
    ("Softmin", {}, "Softmin(dim=None)"),
    ("LogSoftmax", {"dim": -1}, "LogSoftmax(dim=-1)"),
    ("GLU", {}, "GLU(dim=-1)"),
    ("PReLU", {}, "PReLU(num_parameters=1)"),
    ("Softmax2d", {}, "Softmax2d()"),
    ("Hardsigmoid", {"inplace": True}, "Hardsigmoid()"),  # PyTorch prints no option here
    ("Sigmoid", {}, "Sigmoid()"),
]


@pytest.mark.parametrize("name, kwargs, text", REPRS)
def test_repr(name: str, kwargs: dict[str, Any], text: str) -> None:
    assert repr(getattr(nn, name)(**kwargs)) == text


def test_a_model_of_activations_prints_like_pytorch() -> None:
    model = nn.Sequential(nn.ReLU(), nn.Softmax(dim=1))
    assert repr(model) == "Sequential(\n  (0): ReLU()\n  (1): Softmax(dim=1)\n)"


def test_errors(backend: str) -> None:
    with pytest.raises(AssertionError, match=r"max_val \(0.0\) must be greater than min_val"):
        nn.Hardtanh(1.0, 0.0)
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 2D"):
        nn.Softmax2d()(ad.ones((2, 3)))
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel"):
        nn.PReLU(3)(ad.ones((2, 4)))
    with pytest.raises(TypeError, match="takes 1 positional argument but 2 were given"):
        nn.Tanh(1)  # type: ignore[call-arg]
    with pytest.warns(FutureWarning, match="`min_value` is deprecated and renamed to `min_val`"):
        assert nn.Hardtanh(min_value=-2.0).min_val == -2.0
    with pytest.warns(FutureWarning, match="`max_value` is deprecated and renamed to `max_val`"):
        assert nn.Hardtanh(max_value=2.0).max_val == 2.0


def test_modules_copy_and_pickle(backend: str) -> None:
    import copy
    import pickle

    m = nn.PReLU(2)
    for clone in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert repr(clone) == "PReLU(num_parameters=2)"
        assert clone.weight.tolist() == m.weight.tolist() and clone.weight is not m.weight
    assert pickle.loads(pickle.dumps(nn.Softmax(dim=0))).dim == 0


# -- PyTorch as an oracle ------------------------------------------------------------------
def _torch() -> Any:
    return pytest.importorskip("torch", reason="PyTorch is an optional oracle")


@pytest.mark.parametrize("name, kwargs, text", REPRS)
def test_repr_is_pytorchs(name: str, kwargs: dict[str, Any], text: str) -> None:
    torch = _torch()
    assert repr(getattr(torch.nn, name)(**kwargs)) == repr(getattr(nn, name)(**kwargs)) == text


@pytest.mark.parametrize("name", ALL)
def test_signature_is_pytorchs(name: str) -> None:
    torch = _torch()
    theirs = inspect.signature(getattr(torch.nn, name).__init__).parameters
    ours = inspect.signature(getattr(nn, name).__init__).parameters
    if list(theirs) == ["self", "args", "kwargs"]:  # PyTorch's class takes Module's
        assert list(ours) == ["self"]
        return
    assert list(ours) == list(theirs)
    for key, param in theirs.items():
        assert ours[key].kind == param.kind and _same(ours[key].default, param.default), key


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b)
    return bool(a == b)


@pytest.mark.parametrize("name, kwargs, functional", CASES, ids=IDS)
def test_output_and_gradient_are_pytorchs(backend: str, name: str, kwargs: dict[str, Any],
                                          functional: Callable[[ad.Tensor], ad.Tensor]) -> None:
    torch = _torch()
    theirs = getattr(torch.nn, name)(**kwargs).double().eval()
    ours = _module(name, kwargs)
    if name == "PReLU":  # a weight that is not a constant, copied across through numpy
        weight = np.random.default_rng(2).standard_normal(kwargs.get("num_parameters", 1))
        theirs.load_state_dict({"weight": torch.tensor(weight)})
        ours.load_state_dict({"weight": weight})
    data = _input()
    tx, x = torch.tensor(data, requires_grad=True), ad.tensor(data, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's warning for an implicit softmax dim
        tout = theirs(tx)
    out = ours(x)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    weights = np.random.default_rng(1).standard_normal(tuple(tout.shape))
    (tout * torch.tensor(weights)).sum().backward()
    (out * ad.tensor(weights)).sum().backward()
    # PyTorch's hardsigmoid gradient is 1/6 rounded to float32, even in float64
    rtol = 1e-7 if name == "Hardsigmoid" else 1e-10
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=1e-12)
    if name == "PReLU":
        np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(),
                                   rtol=1e-10)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_rrelu_training_statistics_match_pytorchs_rule() -> None:
    torch = _torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.nn.RReLU(0.2, 0.4)(-torch.ones(20000, dtype=torch.float64))
    ours = nn.RReLU(0.2, 0.4)(-ad.ones(20000, dtype=ad.float64))
    # different generators: the slopes agree in law, uniform on [lower, upper]
    for values in (-theirs.numpy(), -ours.numpy()):
        assert 0.2 <= values.min() and values.max() <= 0.4
        assert abs(values.mean() - 0.3) < 0.005
