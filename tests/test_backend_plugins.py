"""The Backend hooks an out-of-tree library needs: which arrays a backend claims, its
linear-algebra exception classes, arrays numpy cannot read, immutable arrays, its own
xfails; and the example plugin package in tests/plugins/ against its docs page."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import array_api_strict
import numpy as np
import pytest

import autodiff as ad
import backends
from autodiff import _backend
from autodiff.ops import _linalg_util
from backends.numpy import NumpyBackend

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "tests" / "plugins" / "autodiff_pure_strict"


class _EntryPoint:
    """What ``importlib.metadata`` gives for a declared backend, for a class here."""

    def __init__(self, name: str, cls: type) -> None:
        self.name, self.value, self._cls = name, f"{__name__}:{cls.__name__}", cls

    def load(self) -> type:
        return self._cls


@pytest.fixture
def declare(monkeypatch):
    """Declare a backend class for one test, as an installed package's entry point."""
    monkeypatch.setattr(_backend, "_CLAIMANTS", None)

    def add(name: str, cls: type) -> None:
        monkeypatch.setitem(backends._entry_points(), name, _EntryPoint(name, cls))

    return add


class StrictTwin(backends.Backend):
    """A second backend over array_api_strict that claims its arrays too."""

    name = "test_strict_twin"
    module = "array_api_strict"

    def namespace(self) -> Any:
        return array_api_strict


class StrictAlias(StrictTwin):
    """The same, claiming no arrays: inference leaves them to array_api_strict."""

    name = "test_strict_alias"
    array_modules = ()


class StrictNarrow(StrictTwin):
    """The same, owning no array that array_api_strict makes."""

    name = "test_strict_narrow"

    def owns(self, array: Any) -> bool:
        return False


# -- array_modules: the import name and the inference key, apart -----------------------------
def test_array_modules_default_to_the_module() -> None:
    class JaxLike(backends.Backend):
        name, module, array_modules = "jax_like", "jax", ("jaxlib", "jax")

    assert backends.load_backend("numpy").claimed_modules() == ("numpy",)
    assert backends.declared_backend("cupy").claimed_modules() == ("cupy",)
    assert JaxLike().claimed_modules() == ("jaxlib", "jax")
    assert StrictAlias().claimed_modules() == ()


def test_a_backend_claiming_no_arrays_leaves_inference_alone(declare) -> None:
    declare("test_strict_alias", StrictAlias)
    assert ad.tensor(array_api_strict.ones(2)).backend == "array_api_strict"
    assert ad.tensor(array_api_strict.ones(2), backend="test_strict_alias").backend == (
        "test_strict_alias")


def test_owns_decides_between_claimants(declare) -> None:
    declare("test_strict_narrow", StrictNarrow)
    assert _backend.backend_of_array(array_api_strict.ones(2)).name == "array_api_strict"


def test_two_owners_of_one_array_are_an_error(declare) -> None:
    declare("test_strict_twin", StrictTwin)
    with pytest.raises(backends.BackendError, match=re.escape(
            "belongs to backends ['array_api_strict', 'test_strict_twin'] (each claims "
            "module 'array_api_strict' in array_modules and owns() it): pass backend= to "
            "choose")):
        ad.tensor(array_api_strict.ones(2))
    assert ad.tensor(array_api_strict.ones(2), backend="array_api_strict").tolist() == [
        1.0, 1.0]


# -- linalg_errors: declared classes, not names ---------------------------------------------
class _SingularError(Exception):
    pass


class LinAlgError(Exception):  # the old test matched this name; it is not declared
    pass


class _RaisesItsOwn:
    def linalg_errors(self) -> tuple[type[BaseException], ...]:
        return (_SingularError,)

    def raising_linalg_errors(self) -> Any:
        return contextlib.nullcontext()


def _fail(error: type[Exception]) -> Any:
    def call() -> Any:
        raise error("no pivot")

    return call


def test_a_backends_declared_linalg_errors_become_ours() -> None:
    with pytest.raises(ad.linalg.LinAlgError, match="linalg.solve: the computation failed "
                                                    "because the input matrix is singular"):
        _linalg_util._raising(_RaisesItsOwn(), "solve", _fail(_SingularError), None)
    with pytest.raises(ad.linalg.LinAlgError, match="linalg.eigh: the computation failed "
                                                    "because no pivot"):
        _linalg_util._raising(_RaisesItsOwn(), "eigh", _fail(_SingularError), None)
    with pytest.raises(LinAlgError, match="no pivot"):  # undeclared: passes through
        _linalg_util._raising(_RaisesItsOwn(), "solve", _fail(LinAlgError), None)


def test_numpys_linalg_error_by_default(backend: str) -> None:
    assert backends.Backend.linalg_errors(backends.load_backend(backend)) == (
        np.linalg.LinAlgError,)
    with pytest.raises(ad.linalg.LinAlgError, match="linalg.inv: the computation failed "
                                                    "because the input matrix is singular"):
        ad.linalg.inv(ad.zeros((2, 2), dtype=ad.float64))


# -- host_arrays: told at load time ---------------------------------------------------------
class DeviceOnly(backends.Backend):
    name, module, host_arrays = "device_only", "numpy", False

    def namespace(self) -> Any:
        import array_api_compat.numpy

        return array_api_compat.numpy


def test_arrays_numpy_cannot_read_need_their_own_scatter_add() -> None:
    with pytest.raises(backends.BackendError, match=re.escape(
            "backend 'device_only' (DeviceOnly) sets host_arrays = False (numpy cannot read "
            "its arrays where they are) but does not define scatter_add() and to_numpy(), "
            "whose default goes through numpy on the host: define scatter_add() and "
            "to_numpy()")):
        DeviceOnly().load()

    class Half(DeviceOnly):
        def to_numpy(self, array: Any) -> np.ndarray:
            return np.asarray(array)

    with pytest.raises(backends.BackendError, match=r"does not define scatter_add\(\), "):
        Half().load()

    class Whole(Half):
        def scatter_add(self, target: Any, index: Any, values: Any) -> Any:
            return NumpyBackend.scatter_add(self, target, index, values)  # type: ignore[arg-type]

    Whole().load()
    assert not backends.declared_backend("cupy").host_arrays
    assert backends.load_backend("numpy").host_arrays


# -- setitem: a hook, for libraries whose arrays are immutable -----------------------------
class Frozen(NumpyBackend):
    """numpy arrays that are never written: each write makes a new, read-only array."""

    name, mutable_arrays = "test_frozen", False

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[Any] = []

    def setitem(self, array: Any, index: Any, values: Any) -> Any:
        self.writes.append(index)
        out = np.array(array, copy=True)
        out[index] = values
        out.flags.writeable = False
        return out


class FrozenNoHook(NumpyBackend):
    """Immutable arrays and no setitem: the default refuses, the engine writes by
    positions (scatter_add and where)."""

    name, mutable_arrays = "test_frozen_no_hook", False

    def setitem(self, array: Any, index: Any, values: Any) -> Any:
        raise TypeError("this library's arrays are immutable")


@pytest.mark.parametrize("cls", [Frozen, FrozenNoHook])
def test_setitem_goes_through_the_backend(cls: type) -> None:
    frozen = cls()
    frozen.load()
    with ad.use_backend(frozen):
        x = ad.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        y = x * 1.0
        y[1:3] = ad.tensor(7.0, requires_grad=True)
        z = x.index_put((ad.tensor([0, 0]),), ad.tensor(5.0))
        (y * ad.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert y.tolist() == [1.0, 7.0, 7.0, 4.0]
    assert z.tolist() == [5.0, 2.0, 3.0, 4.0]
    assert x.grad.tolist() == [1.0, 0.0, 0.0, 4.0]
    if cls is Frozen:
        assert (slice(1, 3), Ellipsis) in frozen.writes


# -- the suite reads a backend's own xfails ---------------------------------------------------
def test_a_backend_declares_its_own_xfails(monkeypatch) -> None:
    import conftest

    class Declaring(StrictTwin):
        name = "test_declaring"

        def test_xfails(self) -> Any:
            return {"test_x[test_declaring-a]"}

    monkeypatch.setattr(backends, "declared_backend", lambda name: Declaring())
    conftest._xfails.cache_clear()
    try:
        assert conftest._xfails("test_declaring") == {"test_x[test_declaring-a]"}
    finally:
        conftest._xfails.cache_clear()
    assert backends.Backend.test_xfails(backends.load_backend("numpy")) is None


def test_an_unknown_backend_name_is_a_usage_error(tmp_path) -> None:
    import subprocess
    import sys

    env = {"AUTODIFF_TEST_BACKENDS": "numpyy", "PYTHONPATH": str(ROOT),
           "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(ROOT / "tests" / "test_backend_plugins.py"), "-k", "nothing"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert run.returncode == 4, run.stdout + run.stderr
    assert "names unknown backend(s) ['numpyy']: the declared backends are ['numpy'," in (
        run.stdout + run.stderr)


# -- the example plugin package and its docs page ---------------------------------------------
def test_the_docs_show_the_plugin_package_as_it_is() -> None:
    page = (ROOT / "docs" / "guides" / "add-a-backend.md").read_text(encoding="utf-8")
    code = (PLUGIN / "src" / "autodiff_pure_strict" / "__init__.py").read_text(encoding="utf-8")
    project = (PLUGIN / "pyproject.toml").read_text(encoding="utf-8")
    assert f"```python\n{code}```" in page
    assert f"```toml\n{project}```" in page
