"""The ``backend`` fixture: every test that takes it runs once per backend.

A backend that is not usable here is skipped with the reason its availability
check gives (cupy on a machine without a GPU), never silently passed. Set
``AUTODIFF_TEST_BACKENDS=numpy,cupy`` to choose the backends (nox does); unset, every
declared backend is selected, and a name that no backend declares is a usage error.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import pytest

import autodiff as ad
import backends

ENV_VAR = "AUTODIFF_TEST_BACKENDS"


def _declared() -> list[str]:
    """Every backend declared through the entry-point group, numpy first: the default
    selection (those not usable here are skipped with their reason)."""
    return sorted(backends.backend_names(), key=lambda name: (name != "numpy", name))


def _selected() -> list[str]:
    chosen = os.environ.get(ENV_VAR)
    if not chosen:
        return _declared()
    return [name.strip() for name in chosen.split(",") if name.strip()]


# the dask backend's own tests (laziness, training on a cluster) run where the dask
# backend is selected, as each parametrised test runs for the selected backends only
collect_ignore_glob = [] if "dask" in _selected() else ["test_dask*.py"]


def pytest_configure(config: pytest.Config) -> None:
    # a misspelt name would otherwise skip every test that takes the fixture, and pass
    unknown = [name for name in _selected() if name not in _declared()]
    if unknown:
        raise pytest.UsageError(
            f"{ENV_VAR} names unknown backend(s) {unknown}: the declared backends are "
            f"{_declared()} (a backend is declared by an 'autodiff.backends' entry point)")


@functools.cache
def _xfails(name: str) -> frozenset[str]:
    """Test ids listed in tests/xfails/<backend>.txt (comments start with #), and those
    the backend declares itself (``Backend.test_xfails``: a plugin ships its own)."""
    ids = set(_read_ids(os.path.join(os.path.dirname(__file__), "xfails", f"{name}.txt")))
    declared = backends.declared_backend(name).test_xfails()
    if isinstance(declared, (str, os.PathLike)):
        ids.update(_read_ids(declared))
    elif declared is not None:
        ids.update(declared)
    return frozenset(ids)


def _read_ids(path: str | os.PathLike[str]) -> list[str]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


@pytest.fixture(params=_selected())
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The name of a usable backend, made current for the duration of the test."""
    name = request.param
    reason = backends.unavailable_reason(name)
    if reason is not None:
        pytest.skip(f"backend {name!r} is not available: {reason}")
    node_id = request.node.nodeid.split("::", 1)[-1]
    if node_id in _xfails(name):
        request.node.add_marker(pytest.mark.xfail(
            reason=f"a known deviation of backend {name!r} (tests/xfails/{name}.txt or its "
                   "Backend.test_xfails())", strict=True))
    with ad.use_backend(name):
        yield name


def pytest_sessionstart(session: pytest.Session) -> None:
    """With dask among the selected backends, compute on dask's synchronous scheduler
    for the whole session: the suite's arrays are tiny, and a thread pool per compute
    costs more than the work (the distributed tests start their own ``Client``, which
    takes over while it is open)."""
    if "dask" in _selected() and backends.unavailable_reason("dask") is None:
        import dask

        dask.config.set(scheduler="synchronous")
