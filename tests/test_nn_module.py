"""``nn.Module``, ``Parameter`` and the containers: registration, walking, state, hooks,
copying, moving, with PyTorch's messages (and PyTorch itself, when installed, as oracle)."""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import autodiff as ad
from autodiff import nn


class Affine(nn.Module):
    def __init__(self, n: int = 3) -> None:
        super().__init__()
        self.weight = nn.Parameter(ad.arange(n, dtype=ad.float64))
        self.bias = nn.Parameter(ad.zeros(n, dtype=ad.float64))
        self.register_buffer("calls", ad.zeros((), dtype=ad.float64))
        self.register_buffer("scratch", ad.zeros(n, dtype=ad.float64), persistent=False)

    def forward(self, x: ad.Tensor) -> ad.Tensor:
        return x * self.weight + self.bias


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.first = Affine()
        self.blocks = nn.ModuleList([Affine(), Affine()])
        self.heads = nn.ModuleDict({"out": Affine()})

    def forward(self, x: ad.Tensor) -> ad.Tensor:
        x = self.first(x)
        for block in self.blocks:
            x = block(x)
        return self.heads["out"](x)


NET_PARAMETERS = ["first.weight", "first.bias", "blocks.0.weight", "blocks.0.bias",
                  "blocks.1.weight", "blocks.1.bias", "heads.out.weight", "heads.out.bias"]


def test_registration_and_dotted_names(backend: str) -> None:
    net = Net()
    assert [name for name, _ in net.named_parameters()] == NET_PARAMETERS
    assert len(list(net.parameters())) == 8
    assert [name for name, _ in net.named_buffers()] == [
        name.replace("weight", "calls").replace("bias", "scratch") for name in NET_PARAMETERS]
    assert [name for name, _ in net.named_modules()] == [
        "", "first", "blocks", "blocks.0", "blocks.1", "heads", "heads.out"]
    assert [name for name, _ in net.named_children()] == ["first", "blocks", "heads"]
    assert net.get_submodule("blocks.1") is net.blocks[1]
    assert net.get_parameter("heads.out.bias") is net.heads["out"].bias
    assert list(net.state_dict()) == [key for name in NET_PARAMETERS
                                      for key in ([name, name.replace("bias", "calls")]
                                                  if name.endswith("bias") else [name])]


def test_shared_parameters_are_listed_once(backend: str) -> None:
    net = nn.Module()
    shared = Affine()
    net.a, net.b = shared, shared
    assert len(list(net.parameters())) == 2
    assert len(list(net.named_parameters(remove_duplicate=False))) == 4


def test_forward_backward_and_zero_grad(backend: str) -> None:
    net = Net()
    net(ad.ones(3, dtype=ad.float64)).sum().backward()
    weight = net.first.weight
    assert weight.grad is not None
    # d/dw0 of w3*(w2*(w1*(w0*x)))...: the product of the later weights, times x
    later = np.arange(3.0) ** 3
    np.testing.assert_allclose(np.asarray(weight.grad.numpy()), later)
    net.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(np.asarray(weight.grad.numpy()), np.zeros(3))
    net.zero_grad()
    assert weight.grad is None


def test_train_eval_and_requires_grad(backend: str) -> None:
    net = Net()
    assert net.eval() is net and not any(m.training for m in net.modules())
    assert all(m.training for m in net.train().modules())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train(1)  # type: ignore[arg-type]


def test_state_dict_round_trip_from_numpy(backend: str) -> None:
    source, target = Net(), Net()
    with ad.no_grad():
        for param in source.parameters():
            param.add_(1.5)
    report = target.load_state_dict({k: v.numpy() for k, v in source.state_dict().items()})
    assert report.missing_keys == [] and report.unexpected_keys == []
    for (name, a), (_, b) in zip(source.state_dict().items(), target.state_dict().items(),
                                 strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)
    # a load copies into the same Parameter objects (an optimizer holding them sees it)
    weight = target.first.weight
    target.load_state_dict(Net().state_dict())
    assert target.first.weight is weight and weight.is_leaf and weight.requires_grad


def test_state_dict_is_detached_but_shares_memory(backend: str) -> None:
    net = Affine()
    state = net.state_dict()
    assert state["weight"].grad_fn is None and not state["weight"].requires_grad
    assert net.state_dict(keep_vars=True)["weight"] is net.weight
    assert "scratch" not in state


def test_load_state_dict_reports_like_pytorch(backend: str) -> None:
    net = Affine()
    bad = {"weight": np.zeros((4,)), "extra": np.zeros(1)}
    with pytest.raises(RuntimeError, match=(
            r'Error\(s\) in loading state_dict for Affine:\n\tMissing key\(s\) in state_dict: '
            r'"bias", "calls". \n\tUnexpected key\(s\) in state_dict: "extra". \n\tsize '
            r"mismatch for weight: copying a param with shape \(4,\) from checkpoint, the "
            r"shape in current model is \(3,\).")):
        net.load_state_dict(bad)
    report = net.load_state_dict({"weight": np.ones(3), "extra": 1.0}, strict=False)
    assert report.missing_keys == ["bias", "calls"] and report.unexpected_keys == ["extra"]
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        net.load_state_dict([("weight", np.ones(3))])  # type: ignore[arg-type]


def test_load_state_dict_assign(backend: str) -> None:
    net = Affine()
    new = ad.full((3,), 7.0, dtype=ad.float64)
    net.load_state_dict({"weight": new, "bias": new, "calls": new[0]}, assign=True)
    assert isinstance(net.weight, nn.Parameter) and net.weight.requires_grad
    np.testing.assert_array_equal(net.weight.detach().numpy(), np.full(3, 7.0))


def test_setattr_errors_are_pytorchs(backend: str) -> None:
    net = Affine()
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        net.weight = ad.ones(3)
    with pytest.raises(KeyError, match="attribute 'forward' already exists"):
        net.register_parameter("forward", None)
    with pytest.raises(KeyError, match='parameter name can.+t contain "."'):
        net.register_parameter("a.b", None)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' object to parameter 'w'"):
        net.register_parameter("w", nn.Parameter(ad.ones(2)) * 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cannot assign 'list' object to buffer 'b'"):
        net.register_buffer("b", [1.0])  # type: ignore[arg-type]
    with pytest.raises(AttributeError, match="cannot assign parameters before"):
        class Early(nn.Module):
            def __init__(self) -> None:
                self.w = nn.Parameter(ad.ones(1))
        Early()
    with pytest.raises(AttributeError, match="'Affine' object has no attribute 'nope'"):
        net.nope  # noqa: B018
    with pytest.raises(NotImplementedError, match=r'Module \[Module\] is missing the required'):
        nn.Module()(1)
    # assigning None keeps the slot; deleting frees the name
    net.bias = None
    assert [name for name, _ in net.named_parameters()] == ["weight"]
    del net.bias
    net.bias = 5
    assert net.bias == 5


def test_hooks_run_in_order_and_can_be_removed(backend: str) -> None:
    net = Affine()
    seen: list[str] = []
    pre = net.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    net.register_forward_hook(lambda m, args, out: seen.append("after"))
    net.register_forward_hook(lambda m, args, out: seen.append("first"), prepend=True)
    kw = net.register_forward_pre_hook(lambda m, args, kwargs: None, with_kwargs=True)
    out = net(ad.ones(3, dtype=ad.float64))
    np.testing.assert_array_equal(out.detach().numpy(), 2 * np.arange(3.0))
    assert seen == ["first", "after"]
    pre.remove()
    kw.remove()
    np.testing.assert_array_equal(net(ad.ones(3, dtype=ad.float64)).detach().numpy(),
                                  np.arange(3.0))


def test_deepcopy_and_pickle_keep_parameters_and_grads(backend: str) -> None:
    net = Net()
    net(ad.ones(3, dtype=ad.float64)).sum().backward()
    for clone in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert [n for n, _ in clone.named_parameters()] == NET_PARAMETERS
        for (name, a), (_, b) in zip(net.named_parameters(), clone.named_parameters(),
                                     strict=True):
            assert isinstance(b, nn.Parameter) and b is not a and b.requires_grad, name
            np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
            assert b.backend == a.backend
        with ad.no_grad():
            clone.first.weight.add_(1.0)
        assert not np.array_equal(clone.first.weight.detach().numpy(),
                                  net.first.weight.detach().numpy())
    assert copy.deepcopy(net).first.weight.grad is not None


def test_to_casts_floating_state_and_keeps_parameter_objects(backend: str) -> None:
    net = Affine()
    net.register_buffer("steps", ad.zeros((), dtype=ad.int64))
    weight = net.weight
    net(ad.ones(3, dtype=ad.float64)).sum().backward()
    assert net.to(ad.float32) is net
    assert net.weight is weight and weight.dtype == ad.float32
    assert weight.grad is not None and weight.grad.dtype == ad.float32
    assert net.steps.dtype == ad.int64 and net.calls.dtype == ad.float32
    assert net.double().weight.dtype == ad.float64
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point"):
        net.to(ad.int32)


def test_to_moves_between_backends() -> None:
    pytest.importorskip("array_api_strict", reason="the strict backend is an optional extra")
    net = Affine()
    net.to("array_api_strict")
    assert {t.backend for t in [*net.parameters(), *net.buffers()]} == {"array_api_strict"}
    out = net(ad.ones(3, dtype=ad.float64, backend="array_api_strict"))
    assert out.backend == "array_api_strict"
    net.to("numpy")
    assert net.weight.backend == "numpy"


def test_repr_like_pytorch(backend: str) -> None:
    net = nn.Sequential(OrderedDict(a=nn.Module(), b=nn.ModuleList([nn.Module()])))
    assert repr(net) == ("Sequential(\n  (a): Module()\n  (b): ModuleList(\n"
                         "    (0): Module()\n  )\n)")
    assert repr(nn.Parameter(ad.zeros(1))) == (
        "Parameter containing:\ntensor([0.], requires_grad=True)")


def test_sequential_and_lists(backend: str) -> None:
    class AddOne(nn.Module):
        def forward(self, x: ad.Tensor) -> ad.Tensor:
            return x + 1

    seq = nn.Sequential(AddOne(), AddOne(), AddOne())
    assert float(seq(ad.tensor(0.0))) == 3.0
    assert isinstance(seq[1:], nn.Sequential) and len(seq[1:]) == 2
    del seq[0]
    assert [name for name, _ in seq.named_children()] == ["0", "1"]
    seq.append(AddOne()).insert(0, AddOne())
    assert len(seq) == 4 and float(seq(ad.tensor(0.0))) == 4.0
    with pytest.raises(IndexError, match="index 9 is out of range"):
        seq[9]
    layers = nn.ModuleList([AddOne()])
    layers += [AddOne()]
    assert len(layers) == 2 and layers.pop() is not None and len(layers) == 1
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable"):
        layers.extend(AddOne())  # type: ignore[arg-type]
    params = nn.ParameterList([ad.zeros(1), nn.Parameter(ad.ones(1))])
    params.append(ad.ones(2))
    assert [p.shape for p in params] == [(1,), (1,), (2,)]
    assert all(isinstance(p, nn.Parameter) for p in params)
    owner = nn.Module()
    owner.params, owner.named = params, nn.ParameterDict({"a": ad.ones(1)})
    assert [n for n, _ in owner.named_parameters()] == ["params.0", "params.1", "params.2",
                                                        "named.a"]


def test_parameter_shares_memory_and_version_with_its_data(backend: str) -> None:
    data = ad.zeros(2, dtype=ad.float64)
    param = nn.Parameter(data)
    with ad.no_grad():
        param.add_(1.0)
    np.testing.assert_array_equal(data.numpy(), np.ones(2))
    assert param.is_leaf and param.requires_grad and data._version == param._version
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        nn.Parameter(ad.zeros(2, dtype=ad.int64))
    with pytest.raises(TypeError, match="expected data to be a Tensor"):
        nn.Parameter([1.0])  # type: ignore[arg-type]


def test_matches_pytorch_module_contract() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")

    class Affine(torch.nn.Module):  # the same name: the report names the class
        def __init__(self) -> None:
            super().__init__()
            self.weight = torch.nn.Parameter(torch.zeros(3))
            self.bias = torch.nn.Parameter(torch.zeros(3))
            self.register_buffer("calls", torch.zeros(()))
            self.register_buffer("scratch", torch.zeros(3), persistent=False)

    ours, theirs = globals()["Affine"](), Affine()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    bad = {"weight": np.zeros((4,)), "extra": np.zeros(1)}
    with pytest.raises(RuntimeError) as expected:
        theirs.load_state_dict({k: torch.from_numpy(v) for k, v in bad.items()})
    with pytest.raises(RuntimeError) as got:
        ours.load_state_dict(bad)
    # the same report, shapes printed as tuples rather than torch.Size
    assert str(got.value) == str(expected.value).replace("torch.Size([4])", "(4,)").replace(
        "torch.Size([3])", "(3,)")
    loose = {"weight": np.zeros(3), "extra": np.zeros(1)}
    assert repr(ours.load_state_dict(loose, strict=False)) == repr(theirs.load_state_dict(
        {k: torch.from_numpy(v).float() for k, v in loose.items()}, strict=False))


def test_model_survives_save_and_load_onto_another_backend(tmp_path: object) -> None:
    pytest.importorskip("array_api_strict", reason="the strict backend is an optional extra")
    path = f"{tmp_path}/model.safetensors"

    def build() -> nn.Module:
        return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))

    model = build().double()
    optimizer = ad.optim.Adam(model.parameters(), lr=0.1)
    x = ad.randn(16, 4, dtype=ad.float64)
    for _ in range(3):
        optimizer.zero_grad()
        model(x).square().mean().backward()
        optimizer.step()
    model.eval()
    ad.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)
    loaded = ad.load(path, backend="array_api_strict")
    other = build().double().to("array_api_strict")
    other.load_state_dict(loaded["model"])
    other.eval()
    assert other[0].weight.backend == "array_api_strict"
    np.testing.assert_allclose(other(x.to("array_api_strict")).detach().numpy(),
                               model(x).detach().numpy(), rtol=1e-12)
    resumed = ad.optim.Adam(other.parameters(), lr=0.1)
    resumed.load_state_dict(loaded["optimizer"])
    assert float(resumed.state_dict()["state"][0]["step"]) == float(
        optimizer.state_dict()["state"][0]["step"]) == 3.0
