"""The ``backend`` fixture: every test that takes it runs once per backend.

A backend that is not usable here is skipped with the reason its availability
check gives (cupy on a machine without a GPU), never silently passed. Set
``AUTODIFF_TEST_BACKENDS=numpy,cupy`` to choose the backends (nox does).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import autodiff as ad
import backends

ALL_BACKENDS = ("numpy", "array_api_strict", "cupy")


def _selected() -> list[str]:
    chosen = os.environ.get("AUTODIFF_TEST_BACKENDS")
    return [name.strip() for name in chosen.split(",")] if chosen else list(ALL_BACKENDS)


def _xfails(name: str) -> set[str]:
    """Test ids listed in tests/xfails/<backend>.txt (comments start with #)."""
    path = os.path.join(os.path.dirname(__file__), "xfails", f"{name}.txt")
    if not os.path.exists(path):
        return set()
    with open(path, encoding="utf-8") as handle:
        return {line.strip() for line in handle if line.strip() and not line.startswith("#")}


@pytest.fixture(params=_selected())
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The name of a usable backend, made current for the duration of the test."""
    name = request.param
    reason = backends.unavailable_reason(name)
    if reason is not None:
        pytest.skip(f"backend {name!r} is not available: {reason}")
    node_id = request.node.nodeid.split("::", 1)[-1]
    if node_id in _xfails(name):
        request.node.add_marker(pytest.mark.xfail(reason=f"listed in tests/xfails/{name}.txt",
                                                  strict=True))
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
