"""``autodiff.compile``'s inlining: a call to a one-expression function is written out
as that expression on the call's arguments, and only where the source read back is
exactly what the function runs."""

from __future__ import annotations

import functools
import importlib.util
import linecache
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autodiff as ad
from autodiff.compile._inline import inline

SCALE = 3.0


class _Names:
    """``inline``'s ``name`` argument: each object a fresh name, kept for evaluation."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        key = f"K{len(self.values)}"
        self.values[key] = value
        return key


def _written(fn: Any, args: list[Any], params: dict[str, Any] | None = None) -> str | None:
    """``fn`` inlined on ``args``; where it is, its value equals the call's."""
    names = _Names()
    text = inline(fn, [names(arg) for arg in args], params, names)
    if text is not None:
        got = eval(text, {}, names.values)
        want = fn(*args, **(params or {}))
        np.testing.assert_array_equal(got, want)
    return text


def _helper(xp: Any, g: Any, ans: Any) -> Any:
    """A rule written as a ``def``: the docstring is not part of the body."""
    return g * (1.0 - ans * ans)


def _closure(scale: float) -> Any:
    return lambda xp, x: x * scale + SCALE


class _Scaled:
    def __init__(self, factor: float) -> None:
        self.factor = factor

    def apply(self, x: Any) -> Any:
        return self.factor * x


def _two_statements(xp: Any, x: Any) -> Any:
    y = x * 2.0
    return y


def test_a_body_is_written_out_on_the_arguments() -> None:
    g, ans = np.linspace(-1.0, 1.0, 5), np.linspace(0.0, 0.5, 5)
    text = _written(lambda xp, g, ans: g * (1.0 - ans * ans), [np, g, ans])
    assert text == "K1 * (1.0 - K2 * K2)"
    assert _written(_helper, [np, g, ans]) == "K1 * (1.0 - K2 * K2)"
    # names other than the parameters are bound to what they name: a cell, a global
    assert _written(_closure(0.5), [np, g]) is not None
    assert _written(lambda xp, x: xp.maximum(x, math.pi), [np, g]) == "K0.maximum(K1, K2.pi)"
    # a bound method takes its instance as the first argument
    assert _written(_Scaled(2.0).apply, [g]) == "K1.factor * K0"
    # parameters given by name and defaults left out
    text = _written(lambda xp, x, axis=None, keepdims=False: xp.sum(x, axis=axis,
                                                                    keepdims=keepdims),
                    [np, np.ones((2, 3))], {"axis": 1})
    assert text is not None and "keepdims=K" in text


def test_two_lambdas_on_one_line_keep_their_own_bodies() -> None:
    x = np.arange(4.0)
    double, shift = (lambda xp, x: x * 2.0, lambda xp, x: x + 2.0)
    assert _written(double, [np, x]) == "K1 * 2.0"
    assert _written(shift, [np, x]) == "K1 + 2.0"


@pytest.mark.parametrize("fn", [
    _two_statements,
    lambda xp, x: [v * 2.0 for v in x],  # a comprehension opens a scope
    lambda xp, x: locals(),  # reads the frame
    lambda xp, *xs: xs[0],  # variable arguments
    lambda xp, x, *, k=1: x * k,  # keyword-only
    np.add,  # no Python source
    functools.partial(lambda xp, x: x, np),
], ids=["statements", "comprehension", "frame", "varargs", "keyword-only", "ufunc",
        "partial"])
def test_what_is_not_inlined(fn: Any) -> None:
    names = _Names()
    assert inline(fn, ["K0", "K1"], None, names) is None


def test_a_source_edited_since_import_is_not_inlined(tmp_path: Path) -> None:
    path = tmp_path / "edited_rules.py"
    path.write_text("def kept(xp, a, b):\n    return a + b\n\n\n"
                    "def edited(xp, a, b):\n    return a + b\n")
    spec = importlib.util.spec_from_file_location("edited_rules", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["edited_rules"] = module
    try:
        spec.loader.exec_module(module)
        assert inline(module.kept, ["x", "y", "z"], None, _Names()) == "y + z"
        # the file now says a - b, but the function imported still computes a + b
        path.write_text(path.read_text().replace("return a + b\n", "return a - b\n")
                        .replace("def kept(xp, a, b):\n    return a - b",
                                 "def kept(xp, a, b):\n    return a + b"))
        linecache.checkcache(str(path))
        assert "a - b" in "".join(linecache.getlines(str(path)))
        assert inline(module.edited, ["x", "y", "z"], None, _Names()) is None
    finally:
        del sys.modules["edited_rules"]


def test_a_replay_runs_the_rules_written_out(backend: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    def chain(x: ad.Tensor) -> ad.Tensor:
        y = x
        for _ in range(3):
            y = ad.sin(ad.tanh((y + 0.5) * 0.9))
        y.sum().backward()
        return x.grad

    compiled = ad.compile(chain)
    for seed in range(4):
        values = np.random.default_rng(seed).standard_normal(16)
        want = chain(ad.tensor(values, requires_grad=True))
        got = compiled(ad.tensor(values, requires_grad=True))
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    text = compiled.explain(ad.tensor(np.zeros(16), requires_grad=True))
    capsys.readouterr()
    inlined = int(next(line for line in text.splitlines()
                       if line.startswith("inlined:")).split()[1])
    program = next(entry.program for entry in compiled.cache.values() if entry.program)
    # the forwards (add, multiply, tanh, sin) and the rules of tanh and sin at least
    assert inlined >= 3 * 4
    assert "(1.0 - " in program.source  # tanh's rule, written out
