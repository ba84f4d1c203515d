"""``python -m autodiff``: its usage, and the demo run on each backend."""

from __future__ import annotations

import pytest

from autodiff import __main__ as demo
from autodiff import _backend


@pytest.fixture(autouse=True)
def _keep_default_backend() -> object:
    """The demo's --backend sets the process default: put it back after each test."""
    default = _backend._default
    yield
    _backend._default = default


def test_help_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        demo.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m autodiff") and "--backend" in out


def test_demo_trains_on_each_backend(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    demo.main(["--backend", backend, "--steps", "120"])
    out = capsys.readouterr().out
    assert "Tutorial examples" in out and f"on backend {backend!r}" in out
    final_accuracy = float(out.rsplit("accuracy", 1)[1].split()[0])
    assert final_accuracy > 0.8, out


def test_unknown_backend_is_an_error() -> None:
    with pytest.raises(Exception, match="unknown backend 'nope'"):
        demo.main(["--backend", "nope"])
