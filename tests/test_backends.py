"""Tests for choosing, inferring and mixing array backends, and moving between them.

Tests that take the ``backend`` fixture run once per usable backend, with that
backend current.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from importlib.metadata import entry_points

import array_api_strict
import numpy as np
import pytest
from backend_helpers import OTHER_BACKEND, array_type, dlpack_consumer, on_host

import autodiff as ad
import backends
from backends.cupy import CupyBackend


def close(tensor: ad.Tensor, expected: object) -> None:
    np.testing.assert_allclose(np.asarray(tensor.tolist()), np.asarray(expected))


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "AUTODIFF_BACKEND"}
    environment.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=environment, timeout=120, check=False)


@pytest.fixture
def restore_default_backend():
    """Put back the process-wide default backend that a test changes."""
    previous = ad.get_backend().name
    yield
    ad.set_backend(previous)


# -- discovery ------------------------------------------------------------------------------
def test_available_backends() -> None:
    names = ad.available_backends()
    assert isinstance(names, list)
    assert names[0] == "numpy"
    assert "array_api_strict" in names
    assert "cupy" not in names or CupyBackend().is_available()


def test_entry_point_group_declares_builtin_backends() -> None:
    declared = {ep.name: ep.value for ep in entry_points(group="autodiff.backends")}
    assert {"numpy", "array_api_strict", "cupy"} <= set(declared)
    assert declared["numpy"] == "backends.numpy:NumpyBackend"
    assert declared["array_api_strict"] == "backends.array_api_strict:ArrayApiStrictBackend"
    assert declared["cupy"] == "backends.cupy:CupyBackend"
    assert {"numpy", "array_api_strict", "cupy"} <= set(backends.backend_names())


def test_cupy_backend_unavailable_here_says_why() -> None:
    cupy_backend = CupyBackend()
    if cupy_backend.is_available():
        pytest.skip("cupy and a CUDA device are usable on this machine")
    reason = cupy_backend.unavailable_reason()
    assert "cupy" in reason.lower() or "cuda" in reason.lower()
    assert backends.unavailable_reason("cupy") is not None
    assert "cupy" not in ad.available_backends()
    with pytest.raises(backends.BackendError, match="backend 'cupy' is not available"):
        ad.set_backend("cupy")


def test_importing_autodiff_never_imports_cupy() -> None:
    result = run_python(
        "import autodiff, sys\n"
        "autodiff.ones(2) + 1\n"
        "assert 'cupy' not in sys.modules, 'cupy was imported'\n"
        "print('ok')")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# -- choosing the current backend -------------------------------------------------------------
def test_default_backend_is_numpy() -> None:
    assert ad.get_backend().name == "numpy"
    assert ad.ones(2).backend == "numpy"
    assert isinstance(ad.ones(2).array, np.ndarray)


def test_set_backend(restore_default_backend) -> None:
    ad.set_backend("array_api_strict")
    assert ad.get_backend().name == "array_api_strict"
    assert ad.ones(2).backend == "array_api_strict"
    ad.set_backend("numpy")
    assert ad.get_backend().name == "numpy"
    assert ad.ones(2).backend == "numpy"


def test_use_backend_context(backend: str) -> None:
    other = OTHER_BACKEND[backend]
    with ad.use_backend(other) as chosen:
        assert chosen.name == other
        assert ad.get_backend().name == other
        assert ad.zeros(2).backend == other
        assert ad.tensor([1.0]).backend == other
        with ad.use_backend(backend):
            assert ad.ones(1).backend == backend
        assert ad.get_backend().name == other
    assert ad.get_backend().name == backend
    assert ad.ones(1).backend == backend


def test_use_backend_restores_on_exception() -> None:
    with pytest.raises(KeyError, match="boom"), ad.use_backend("array_api_strict"):
        raise KeyError("boom")
    assert ad.get_backend().name == "numpy"


def test_use_backend_wins_over_set_backend(restore_default_backend) -> None:
    with ad.use_backend("array_api_strict"):
        ad.set_backend("numpy")
        assert ad.get_backend().name == "array_api_strict"
    ad.set_backend("array_api_strict")
    with ad.use_backend("numpy"):
        assert ad.ones(1).backend == "numpy"
    assert ad.ones(1).backend == "array_api_strict"


def test_use_backend_is_thread_local() -> None:
    inside = threading.Event()
    checked = threading.Event()
    seen: list[str] = []

    def worker() -> None:
        with ad.use_backend("array_api_strict"):
            seen.append(ad.ones(1).backend)
            inside.set()
            checked.wait(timeout=10)

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert inside.wait(timeout=10)
        assert ad.get_backend().name == "numpy"
    finally:
        checked.set()
        thread.join(timeout=10)
    assert seen == ["array_api_strict"]


def test_environment_variable_chooses_default_backend() -> None:
    result = run_python(
        "import autodiff as ad\n"
        "print(ad.get_backend().name, ad.ones(2).backend, type(ad.ones(2).array).__module__)",
        AUTODIFF_BACKEND="array_api_strict")
    assert result.returncode == 0, result.stderr
    backend_name, tensor_backend, module = result.stdout.split()
    assert backend_name == "array_api_strict"
    assert tensor_backend == "array_api_strict"
    assert module.startswith("array_api_strict")


def test_environment_variable_unset_means_numpy() -> None:
    result = run_python("import autodiff as ad; print(ad.get_backend().name)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "numpy"


def test_set_backend_overrides_environment_variable() -> None:
    result = run_python(
        "import autodiff as ad\n"
        "ad.set_backend('numpy')\n"
        "print(ad.ones(2).backend)",
        AUTODIFF_BACKEND="array_api_strict")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "numpy"


# -- unknown and unavailable backends and devices ---------------------------------------------
@pytest.mark.parametrize("attempt", [
    lambda: ad.set_backend("nope"),
    lambda: ad.use_backend("nope"),
    lambda: ad.ones(2, backend="nope"),
    lambda: ad.tensor([1.0], backend="nope"),
    lambda: ad.ones(2).to("nope"),
], ids=["set_backend", "use_backend", "ones", "tensor", "to"])
def test_unknown_backend_lists_available_ones(attempt, restore_default_backend) -> None:
    with pytest.raises(ValueError, match=r"unknown backend 'nope'.*'numpy'.*'array_api_strict'"):
        attempt()
    assert ad.get_backend().name == "numpy"


def test_backend_name_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="expected a backend name"):
        ad.ones(2, backend=3)


@pytest.mark.parametrize("attempt", [
    lambda: ad.ones(2, device="cuda"),
    lambda: ad.tensor([1.0], device="cuda"),
    lambda: ad.zeros(2, device="cuda:0"),
    lambda: ad.ones(2).to("cuda"),
    lambda: ad.ones(2).cuda(),
], ids=["ones", "tensor", "zeros_cuda0", "to", "cuda"])
def test_cuda_device_without_gpu(backend: str, attempt) -> None:
    if CupyBackend().is_available():
        pytest.skip("a CUDA device is usable on this machine")
    # every available backend is listed, a plugin's included
    listed = re.escape(f"(available backends: {ad.available_backends()}")
    with pytest.raises(ValueError, match=f"no available backend has 'cuda' devices {listed}"):
        attempt()


def test_malformed_device() -> None:
    with pytest.raises(ValueError, match="expected 'cpu', 'cuda' or 'cuda:N'"):
        ad.ones(2, device="tpu")


def test_device_from_a_type_and_an_index() -> None:
    assert ad.device("cuda", 1) == ad.device("cuda:1") == "cuda:1"
    assert repr(ad.device("cpu", 0)) == "device(type='cpu', index=0)"
    with pytest.raises(ValueError, match="must not include an index because index was "
                                         "passed explicitly: cuda:0"):
        ad.device("cuda:0", 1)
    with pytest.raises(ValueError, match="expected a non-negative integer index, got -1"):
        ad.device("cuda", -1)


# -- which backend a tensor belongs to -------------------------------------------------------
def test_per_tensor_backend_keyword(backend: str) -> None:
    other = OTHER_BACKEND[backend]
    for tensor in (ad.tensor([1.0], backend=other), ad.ones(2, backend=other),
                   ad.zeros(2, backend=other), ad.full((2,), 1.0, backend=other),
                   ad.eye(2, backend=other), ad.arange(3, backend=other),
                   ad.linspace(0, 1, 3, backend=other), ad.randn(2, backend=other),
                   ad.rand(2, backend=other), ad.randint(0, 3, (2,), backend=other),
                   ad.empty(2, backend=other), ad.asarray([1.0], backend=other)):
        assert tensor.backend == other
        assert isinstance(tensor.array, array_type(other))
    assert ad.get_backend().name == backend


def test_strict_array_stays_strict_under_numpy() -> None:
    strict = array_api_strict.asarray([1.0, 2.0])
    with ad.use_backend("numpy"):
        tensor = ad.tensor(strict)
        assert tensor.backend == "array_api_strict"
        assert isinstance(tensor.array, array_type("array_api_strict"))
        assert tensor.dtype is ad.float64
        assert ad.asarray(strict).backend == "array_api_strict"
        assert ad.tensor(strict, backend="numpy").backend == "numpy"


def test_numpy_array_goes_to_current_backend() -> None:
    values = np.array([1.0, 2.0], dtype=np.float32)
    with ad.use_backend("array_api_strict"):
        tensor = ad.tensor(values)
        assert tensor.backend == "array_api_strict"
        assert isinstance(tensor.array, array_type("array_api_strict"))
        assert tensor.dtype is ad.float32
        assert tensor.tolist() == [1.0, 2.0]
    assert ad.tensor(values).backend == "numpy"


def test_tensor_from_tensor_keeps_its_backend(backend: str) -> None:
    other = OTHER_BACKEND[backend]
    source = ad.ones(2, backend=other)
    assert ad.tensor(source).backend == other
    assert ad.tensor(source, backend=backend).backend == backend


def test_array_is_the_backend_array(backend: str) -> None:
    x = ad.tensor([1.0, 2.0])
    assert x.array is x.array
    assert type(x.array) is array_type(backend)
    assert isinstance(x.array, backends.load_backend(backend).array_type)
    assert x.detach().array is x.array


def test_a_loaded_backend_binds_its_library_on_the_instance(backend: str) -> None:
    # the engine reads these on every op: no class attribute may shadow them
    loaded = backends.load_backend(backend)
    for name in ("xp", "array_type", "differentiable_dtypes"):
        assert not hasattr(type(loaded), name)
    assert loaded.array_type is array_type(backend)
    assert {loaded.dtype_name(d) for d in loaded.differentiable_dtypes} >= {
        "float32", "float64"}


def test_a_backend_without_a_namespace_says_what_it_must_define() -> None:
    class Incomplete(backends.Backend):
        name = "incomplete"

    with pytest.raises(NotImplementedError, match=r"backend 'incomplete' \(Incomplete\) "
                       r"must define namespace\(\)"):
        Incomplete().load()


def test_results_stay_on_their_backend(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2 + 1).exp().sum()
    assert y.backend == backend
    assert type(y.array) is array_type(backend)
    y.backward()
    assert x.grad.backend == backend
    assert type(x.grad.array) is array_type(backend)


def test_device_of_a_new_tensor(backend: str) -> None:
    x = ad.ones(2)
    if on_host(backend):
        assert x.device == "cpu"
        assert str(x.device) == "cpu"
        assert repr(x.device) == "device(type='cpu')"
        assert x.device == ad.device("cpu")
        assert x.device.type == "cpu"
        assert x.device.index is None
        assert x.is_cuda is False
    else:  # the current CUDA device, with its index (as PyTorch)
        assert x.device == "cuda:0"
        assert str(x.device) == "cuda:0"
        assert repr(x.device) == "device(type='cuda', index=0)"
        assert x.device == ad.device("cuda", 0)
        assert x.device.type == "cuda"
        assert x.device.index == 0
        assert x.is_cuda is True


# -- mixing backends ------------------------------------------------------------------------
@pytest.mark.parametrize("combine", [
    lambda a, b: a + b,
    lambda a, b: a * b,
    lambda a, b: ad.matmul(a, b),
    lambda a, b: ad.where(a > 0, a, b),
], ids=["add", "mul", "matmul", "where"])
def test_mixing_backends_raises(backend: str, combine) -> None:
    other = OTHER_BACKEND[backend]
    mine = ad.ones(2, requires_grad=True)
    theirs = ad.ones(2, backend=other)
    # a backend of several devices also names the device
    device = "" if on_host(backend) else " on device 'cuda:0'"
    with pytest.raises(ValueError, match=f"backend '{backend}'{device} and backend '{other}'"):
        combine(mine, theirs)
    with pytest.raises(ValueError, match=f"backend '{other}' and backend '{backend}'{device}"):
        combine(theirs, mine)


# -- moving between backends -------------------------------------------------------------------
def test_to_other_backend(backend: str) -> None:
    other = OTHER_BACKEND[backend]
    x = ad.tensor([1.0, 2.0], dtype=ad.float64)
    moved = x.to(other)
    assert moved.backend == other
    assert type(moved.array) is array_type(other)
    assert moved.dtype is ad.float64
    assert moved.tolist() == [1.0, 2.0]
    assert x.backend == backend
    assert moved.to(backend).backend == backend
    assert x.to(backend) is x
    assert x.to(backend=other).backend == other


def test_to_with_dtype_and_backend(backend: str) -> None:
    other = OTHER_BACKEND[backend]
    x = ad.tensor([1.0, 2.0])
    moved = x.to(other, ad.float64)
    assert moved.backend == other and moved.dtype is ad.float64
    assert x.to(ad.float64).backend == backend
    like = ad.ones(1, backend=other, dtype=ad.float64)
    assert x.to(like).backend == other
    assert x.to(like).dtype is ad.float64


def test_backend_and_cpu_device_together(backend: str) -> None:
    other = OTHER_BACKEND[backend]
    for tensor in (ad.ones(2, backend=other, device="cpu"),
                   ad.tensor([1.0, 1.0], backend=other, device="cpu"),
                   ad.ones(2).to(other, device="cpu")):
        assert tensor.backend == other
        assert tensor.device == "cpu"
        assert tensor.tolist() == [1.0, 1.0]


def test_to_cpu_and_cpu_method(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    if on_host(backend):
        assert x.to("cpu") is x
        assert x.cpu() is x
        assert x.to(device="cpu") is x
        assert x.cpu().device == "cpu"
        return
    # off the host: a differentiable copy to a host backend, as PyTorch's .cpu()
    for moved in (x.to("cpu"), x.cpu(), x.to(device="cpu")):
        assert moved.device == "cpu"
        assert moved.backend == "numpy"
        assert moved.grad_fn.name() == "ToCopyBackward0"
        (moved * 2).sum().backward()
    assert x.grad.backend == backend
    close(x.grad, [6.0, 6.0])


def test_gradient_flows_back_through_to(backend: str) -> None:
    other = OTHER_BACKEND[backend]
    x = ad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    moved = x.to(other)
    assert moved.requires_grad
    assert moved.grad_fn.name() == "ToCopyBackward0"
    assert moved.grad_fn.next_functions[0][0].variable is x
    (moved * moved).sum().backward()
    assert x.grad.backend == backend
    assert type(x.grad.array) is array_type(backend)
    close(x.grad, [2.0, 4.0, 6.0])


def test_round_trip_through_other_backend(backend: str) -> None:
    other = OTHER_BACKEND[backend]
    x = ad.tensor([1.0, -2.0], requires_grad=True)
    y = (x.to(other).exp().to(backend) * 3).sum()
    assert y.backend == backend
    y.backward()
    close(x.grad, 3 * np.exp([1.0, -2.0]))


def test_numpy_method(backend: str) -> None:
    x = ad.tensor([[1.0, 2.0]])
    values = x.numpy()
    assert isinstance(values, np.ndarray)
    assert values.dtype == np.float32
    assert values.tolist() == [[1.0, 2.0]]
    assert ad.tensor([1, 2]).numpy().dtype == np.int64
    assert ad.tensor([True]).numpy().dtype == np.bool_


def test_numpy_shares_memory_on_numpy_backend() -> None:
    x = ad.tensor([1.0, 2.0])
    assert np.shares_memory(x.numpy(), x.array)


# -- DLPack ------------------------------------------------------------------------------------
def test_dlpack_export(backend: str) -> None:
    x = ad.tensor([1.0, 2.0, 3.0])
    values = dlpack_consumer(backend).from_dlpack(x)
    assert values.tolist() == [1.0, 2.0, 3.0]
    assert values.dtype == np.float32
    # a lazy array (dask) exports its computed values, from host memory
    exporter = np.asarray(0.0) if backends.load_backend(backend).lazy else x.array
    assert x.__dlpack_device__() == exporter.__dlpack_device__()
    if on_host(backend):
        assert x.__dlpack_device__() == np.asarray(0.0).__dlpack_device__()


def test_dlpack_export_of_0d_results(backend: str) -> None:
    consumer = dlpack_consumer(backend)
    total = ad.tensor([1.0, 2.0]).sum()
    assert consumer.from_dlpack(total).tolist() == 3.0
    assert consumer.from_dlpack(ad.tensor(2.0).exp()).tolist() == pytest.approx(np.exp(2.0))


def test_from_dlpack_numpy_round_trip(backend: str) -> None:
    source = np.arange(3.0)
    x = ad.from_dlpack(source)
    # host data stays on the host (as in PyTorch): in the current backend when that
    # is a host one, else in numpy
    assert x.backend == (backend if on_host(backend) else "numpy")
    assert x.dtype is ad.float64
    assert x.tolist() == [0.0, 1.0, 2.0]
    back = np.from_dlpack(x)
    assert back.tolist() == [0.0, 1.0, 2.0]
    # shared, but for a lazy backend, whose export is a computed value
    assert np.shares_memory(back, source) or backends.load_backend(backend).lazy


def test_from_dlpack_shares_memory_on_numpy() -> None:
    source = np.arange(3.0)
    x = ad.from_dlpack(source)
    source[0] = 5.0
    assert x.tolist() == [5.0, 1.0, 2.0]


def test_from_dlpack_with_backend(backend: str) -> None:
    other = OTHER_BACKEND[backend]
    x = ad.from_dlpack(np.ones(2, dtype=np.float32), backend=other)
    assert x.backend == other
    assert x.tolist() == [1.0, 1.0]
    assert ad.from_dlpack(ad.ones(2)).backend == backend


# -- a backend's own array rules ---------------------------------------------------------------
def test_numpy_backend_brings_its_own_relu_rule() -> None:
    rules = backends.load_backend("numpy").array_rules()
    assert set(rules) == {"relu", "matmul"}
    ad.ones(1, backend="numpy")  # the engine takes a backend's rules when it first binds it
    (adopted,) = ad.REGISTRY["relu"].backend_vjps["numpy"]
    assert adopted.backend_rule is rules["relu"][0]
    # where the backend's rule declines (a float16 cotangent of a float32 output, say),
    # the primitive's own rule runs
    ans = np.array([0.0, 2.0], dtype=np.float32)
    assert rules["relu"][0](np, np.ones(2, np.float16), ans, None) is NotImplemented
    assert adopted(np, np.ones(2, np.float16), ans, None).tolist() == [0.0, 1.0]


def test_backend_array_rules_must_fit_the_primitive() -> None:
    relu = ad.REGISTRY["relu"]
    with pytest.raises(ValueError, match="expected one rule per input \\(1\\), got 2"):
        relu.adopt_backend_rules("demo", (lambda xp, g, ans, _x: g, None))
    add = ad.REGISTRY["add"]  # its rules read neither input: nothing is saved for them
    with pytest.raises(ValueError, match="reads an input or the output that the "
                                         "primitive's own rule does not"):
        add.adopt_backend_rules("demo", (lambda xp, g, _ans, x, _y: g * x,
                                         lambda xp, g, _ans, _x, _y: g))
    with pytest.raises(ValueError, match="has no vjp rule to stand in for"):
        ad.REGISTRY["equal"].adopt_backend_rules("demo", (lambda xp, g, _ans, _x: g,))
    assert relu.backend_vjps is None or "demo" not in relu.backend_vjps


def test_a_view_is_never_exclusive(backend: str) -> None:
    # .grad takes over an incoming gradient's memory only when the backend says that
    # the array owns it: a view must never be taken over
    loaded = backends.load_backend(backend)
    fresh = loaded.xp.ones(4)
    assert not loaded.exclusive(fresh[::2])
    knows = type(loaded).exclusive is not backends.Backend.exclusive
    assert loaded.exclusive(fresh) is knows
    assert knows or backend not in ("numpy", "cupy")  # they know their arrays


def test_cupy_rules_fit_their_primitives() -> None:
    # checked where cupy cannot run too: the engine takes them only on a GPU machine
    rules = CupyBackend().array_rules()
    assert set(rules) == {"relu", "tanh", "sin"}
    try:
        for name, own in rules.items():
            ad.REGISTRY[name].adopt_backend_rules("cupy_check", own)
    finally:
        for name in rules:
            adopted = ad.REGISTRY[name].backend_vjps or {}
            adopted.pop("cupy_check", None)
