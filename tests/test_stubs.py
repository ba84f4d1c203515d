"""The typed declarations of Tensor's methods are generated from the registry and the
method table; the committed file must be what the generator writes now."""

from __future__ import annotations

import autodiff as ad
from autodiff import _stubgen


def test_method_declarations_are_current() -> None:
    assert _stubgen.TARGET.read_text() == _stubgen.generate(), (
        "autodiff/_tensor_methods.pyi is stale: run python -m autodiff._stubgen")


def test_every_bound_method_is_declared() -> None:
    text = _stubgen.TARGET.read_text()
    for name in _stubgen.bound_names():
        if name != "__hash__":
            assert f"def {name}(" in text, name
    assert callable(ad.Tensor.amax) and callable(ad.Tensor.backward)
